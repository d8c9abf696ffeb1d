package tagging

import (
	"slices"
	"strings"
	"testing"

	"policywatch/model"
)

const yieldsTaxonomy = `
categories:
  - id: export-control
    rules:
      any: [restrictions on exports]
  - id: prosecution
    issuers: [hong-kong]
    rules:
      any: [arrest*]
  - id: statement
    opening_only: true
    yields_to_measures: true
    rules:
      any: [grave concern, outrage]
actors:
  - id: eu
    aliases: [European Union, Council]
  - id: us
    aliases: [United States]
  - id: hong-kong
    aliases: [Police]
`

// Concern voiced in the sentence that announces the issuer's own measure
// is the measure's reason, not a reaction of its own; concern about
// another actor's measure is a reaction.
func TestYieldsToMeasures(t *testing.T) {
	tax, err := ParseTaxonomy([]byte(yieldsTaxonomy), "t.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tg := New(tax)
	tests := []struct {
		name, title, text, site, want string
	}{
		{"concern explaining the issuer's measure", "Council agrees a response",
			"The Council today expressed grave concern and agreed restrictions on exports of sensitive equipment to the city.\nMore.",
			"Council", "export-control"},
		{"concern in a sentence of its own, on a page about the issuer's measure", "Council agrees restrictions on exports",
			"The Council today expressed grave concern over the law imposed on the city last week by the authorities.\nMore.",
			"Council", "export-control"}, // the concern explains the measure the page announces
		{"concern in the title", "Council expresses grave concern and agrees restrictions on exports",
			"The Council today agreed restrictions on exports of sensitive equipment to the city.\nMore.",
			"Council", "statement,export-control"},
		{"concern about another actor's measure", "On the mass arrests",
			"The arrest today of 53 activists is an outrage, and the United States stands with the people of the city.\nThe arrests must end. More arrests may follow.",
			"United States", "prosecution,statement"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &model.Document{Title: tt.title, Text: tt.text, Site: tt.site}
			got := values(tg.Tag(d), model.TagCategory)
			if strings.Join(sorted(got), ",") != strings.Join(sorted(strings.Split(tt.want, ",")), ",") {
				t.Errorf("categories = %v, want %s", got, tt.want)
			}
		})
	}
}

func sorted(xs []string) []string {
	out := append([]string(nil), xs...)
	slices.Sort(out)
	return out
}
