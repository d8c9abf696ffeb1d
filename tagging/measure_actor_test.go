package tagging

import (
	"testing"

	"policywatch/model"
)

const attributionTaxonomy = `
categories:
  - id: legislation
    rules:
      any: [pass* * law]
  - id: extradition
    rules:
      any: [extradition treat*]
  - id: prosecution
    issuers: [hong-kong]
    rules:
      any: [arrest*]
  - id: statement
    rules:
      any: [condemn*]
actors:
  - id: us
    aliases: [United States, Secretary of State]
  - id: canada
    aliases: [Canada, Ottawa]
  - id: china
    aliases: [China, National People's Congress]
  - id: hong-kong
    aliases: [Hong Kong police, Police]
`

// actingIn returns who acts in a page's measure of a category: the
// actors its tag names, or else the page's issuer.
func actingIn(tags []model.Tag, category string) string {
	issuer := ""
	for _, t := range tags {
		if t.Type == model.TagActor {
			issuer = t.Value
			break
		}
	}
	for _, t := range tags {
		if t.Type == model.TagCategory && t.Value == category {
			if a := MeasureActor(t); a != "" {
				return a
			}
			return issuer
		}
	}
	return "no " + category + " tag"
}

// A page reports a measure that is not its publisher's: the category's
// acting actor is the subject of the measure's verb, so the timeline
// files the page under that actor.
func TestMeasureActor(t *testing.T) {
	tax, err := ParseTaxonomy([]byte(attributionTaxonomy), "t.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tg := New(tax)
	tests := []struct {
		name, title, text, source string
		category, want            string
	}{
		{"another actor is the subject of the measure's sentence, though the speaker is named", "Statement on the law",
			"The National People's Congress passed the sweeping law on June 30, the Secretary of State said today in Washington.\nWe condemn it.",
			"United States", "legislation", "china"},
		{"the subject alone", "On the imposition of the law",
			"The National People's Congress passed the law on June 30, and it took effect that night before anyone could read it.\nWe condemn it.",
			"United States", "legislation", "china"},
		{"a possessive is not the subject", "Suspension of the treaty",
			"China's passing of the sweeping law is why this government suspended its extradition treaty today, effective at once.\nMore.",
			"Canada", "extradition", "canada"},
		{"a name after a phrase is not the subject", "Suspension of the treaty",
			"Following China, the government suspended its extradition treaty with the city today, the minister said in a statement.\nMore.",
			"Canada", "extradition", "canada"},
		{"the issuer's own measure", "Canada suspends extradition treaty",
			"Ottawa suspended its extradition treaty with the city today, the foreign minister said in a statement.\nMore.",
			"Canada", "extradition", "canada"},
		{"a category with issuers: a foreign statement on arrests", "On the mass arrests",
			"The arrest today of 53 activists is an outrage, and we condemn it in the strongest terms as allies.\nPolice detained them under the law. The arrests must end.",
			"United States", "prosecution", "hong-kong"},
		{"a category with issuers: its issuer's own page", "Police arrest 53",
			"Police today arrested 53 people on suspicion of subversion under the national security law.\nMore arrests may follow.",
			"Hong Kong police", "prosecution", "hong-kong"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &model.Document{Title: tt.title, Text: tt.text, Site: tt.source, Kind: model.KindOfficial}
			tags := tg.Tag(d)
			if got := actingIn(tags, tt.category); got != tt.want {
				t.Errorf("acting in %s = %q, want %q (tags %+v)", tt.category, got, tt.want, tags)
			}
		})
	}
}
