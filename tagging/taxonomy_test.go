package tagging

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"policywatch/model"
)

const miniTaxonomy = `
categories:
  - id: extradition
    label: Extradition
    lane: legal
    rules:
      any: [extradition treat*, 引渡]
      not: [extradition bill]
  - id: export-control
    lane: trade
    rules:
      all:
        - [export*]
        - [military, dual-use]
actors:
  - id: canada
    label: Canada
    aliases: [Canada, Ottawa, 加拿大]
lanes:
  - id: legal
    label: Legal cooperation
    categories: [extradition]
  - id: trade
    label: Trade
`

func TestParseTaxonomy(t *testing.T) {
	tax, err := ParseTaxonomy([]byte(miniTaxonomy), "mini.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got := len(tax.Categories()); got != 2 {
		t.Fatalf("categories = %d, want 2", got)
	}
	c := tax.Category("extradition")
	if c == nil || c.Label != "Extradition" || c.TitleWeight != DefaultTitleWeight || c.MinScore != DefaultMinScore {
		t.Fatalf("extradition = %+v", c)
	}
	if ec := tax.Category("export-control"); ec == nil || len(ec.All) != 2 || ec.Label != "export-control" {
		t.Fatalf("export-control = %+v", ec)
	}
	if a := tax.Actor("canada"); a == nil || a.Kind != KindCountry || len(a.Aliases) != 3 {
		t.Fatalf("canada = %+v", a)
	}
	if tax.Actor("nobody") != nil || tax.Category("nothing") != nil {
		t.Fatal("unknown ids must return nil")
	}
	if l := tax.Lane("export-control"); l == nil || l.ID != "trade" {
		t.Fatalf("lane of export-control = %+v", l)
	}
	if l := tax.Lane("extradition"); l == nil || l.Label != "Legal cooperation" {
		t.Fatalf("lane of extradition = %+v", l)
	}
}

func TestParseTaxonomyErrors(t *testing.T) {
	tests := []struct {
		name, yaml string
		line       int
		field      string
	}{
		{"unknown field", "categories:\n  - id: a\n    colour: red\n    rules: {any: [x]}\n", 3, "categories[0].colour"},
		{"no rules", "categories:\n  - id: a\n    label: A\n", 2, "categories[0].rules"},
		{"empty rules", "categories:\n  - id: a\n    rules: {not: [x]}\n", 3, "categories[0].rules"},
		{"bad kind", "categories:\n  - id: a\n    rules: {any: [x]}\nactors:\n  - id: b\n    kind: planet\n    aliases: [B]\n", 6, "actors[0].kind"},
		{"unknown lane", "categories:\n  - id: a\n    lane: nowhere\n    rules: {any: [x]}\n", 2, "categories[0].lane"},
		{"lane names unknown category", "categories:\n  - id: a\n    rules: {any: [x]}\nlanes:\n  - id: l\n    categories: [a, zz]\n", 5, "lanes[0].categories[1]"},
		{"duplicate id", "categories:\n  - id: a\n    rules: {any: [x]}\n  - id: a\n    rules: {any: [y]}\n", 4, "categories[1].id"},
		{"one all group", "categories:\n  - id: a\n    rules:\n      all: [[x]]\n", 4, "categories[0].rules.all"},
		{"phrase not a string", "categories:\n  - id: a\n    rules:\n      any: [x, [y]]\n", 4, "categories[0].rules.any[1]"},
		{"empty phrase", "categories:\n  - id: a\n    rules:\n      any: [x, \"=*\"]\n", 4, "categories[0].rules.any[1]"},
		{"bad number", "categories:\n  - id: a\n    min_score: lots\n    rules: {any: [x]}\n", 3, "categories[0].min_score"},
		{"no categories", "actors: []\n", 1, "categories"},
		{"yields not a boolean", "categories:\n  - id: a\n    yields_to_measures: sometimes\n    rules: {any: [x]}\n", 3, "categories[0].yields_to_measures"},
		{"unknown issuer", "categories:\n  - id: a\n    issuers: [b, zz]\n    rules: {any: [x]}\nactors:\n  - id: b\n    aliases: [B]\n", 2, "categories[0].issuers[1]"},
		{"unknown form", "categories:\n  - id: a\n    issuers: [b]\n    forms: [zz]\n    rules: {any: [x]}\nactors:\n  - id: b\n    aliases: [B]\n", 2, "categories[0].forms[0]"},
		{"kept form not a form", "categories:\n  - id: a\n    issuers: [b]\n    forms: [c]\n    keep_forms: [a]\n    rules: {any: [x]}\n  - id: c\n    rules: {any: [y]}\nactors:\n  - id: b\n    aliases: [B]\n", 2, "categories[0].keep_forms[0]"},
		{"forms without issuers", "categories:\n  - id: a\n    forms: [c]\n    rules: {any: [x]}\n  - id: c\n    rules: {any: [y]}\n", 2, "categories[0].forms"},
		{"threats not a boolean", "categories:\n  - id: a\n    threats: often\n    rules: {any: [x]}\n", 3, "categories[0].threats"},
		{"as_subject not a list", "categories:\n  - id: a\n    rules: {any: [x]}\nactors:\n  - id: b\n    aliases: [B]\n    as_subject: Bland\n", 7, "actors[0].as_subject"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseTaxonomy([]byte(tt.yaml), "topic.yaml")
			var te *Error
			if !errors.As(err, &te) {
				t.Fatalf("err = %v, want *Error", err)
			}
			if te.File != "topic.yaml" || te.Line != tt.line || te.Field != tt.field {
				t.Errorf("got %s:%d %q, want line %d field %q (%v)", te.File, te.Line, te.Field, tt.line, tt.field, err)
			}
			if !strings.HasPrefix(err.Error(), "topic.yaml:") {
				t.Errorf("message %q does not start with the file name", err)
			}
		})
	}
}

func TestParseTaxonomySyntaxError(t *testing.T) {
	_, err := ParseTaxonomy([]byte("categories:\n  - id: a\n\tbad: tab\n"), "broken.yaml")
	var te *Error
	if !errors.As(err, &te) || te.File != "broken.yaml" || te.Line == 0 {
		t.Fatalf("err = %#v, want one naming broken.yaml and a line", err)
	}
	if !strings.HasPrefix(err.Error(), fmt.Sprintf("broken.yaml:%d:", te.Line)) || strings.Contains(err.Error(), " yaml: ") {
		t.Errorf("message %q", err)
	}
}

// The shipped taxonomy must parse and cover every category and lane the
// timeline draws.
func TestShippedTaxonomy(t *testing.T) {
	tax, err := LoadTaxonomy(filepath.Join("..", "topics", "hk-nsl.taxonomy.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"legislation", "visa-restriction", "export-control", "sanction", "extradition",
		"safe-haven", "statement", "counter-measure", "prosecution"} {
		if tax.Category(id) == nil {
			t.Errorf("category %s missing", id)
		} else if tax.Lane(id) == nil {
			t.Errorf("category %s has no lane", id)
		}
	}
	for _, id := range []string{"us", "uk", "canada", "australia", "new-zealand", "germany", "eu", "japan", "g7", "china", "hong-kong"} {
		if tax.Actor(id) == nil {
			t.Errorf("actor %s missing", id)
		}
	}
	if _, err := LoadTaxonomy("does-not-exist.yaml"); err == nil {
		t.Error("loading a missing file succeeded")
	}
}

// Examples in our own words that the shipped taxonomy must read the way a
// researcher would.
func TestShippedTaxonomyExamples(t *testing.T) {
	tax, err := LoadTaxonomy(filepath.Join("..", "topics", "hk-nsl.taxonomy.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tg := New(tax)
	tests := []struct {
		name, title, text, site string
		cats, issuer            string
	}{
		{"arrests at a protest are a prosecution", "Police arrest hundreds of protesters in Hong Kong",
			"Hong Kong police arrested more than 300 people during protests on Wednesday, including ten under the new law.\nMore.", "",
			"prosecution", "hong-kong"},
		// Its marchers are not a government: the government is what they
		// march against.
		{"a march in the streets is no government's statement", "Thousands protest against extradition bill",
			"Crowds marched against the extradition bill through the city on Sunday, organisers said, in the largest rally in years.", "",
			"", ""},
		{"a march against the 2019 extradition plan is no extradition measure either", "Hundreds of thousands march against Hong Kong extradition plan",
			"HONG KONG — Hundreds of thousands marched on Sunday against a plan to allow suspects to be sent to mainland China for trial.\n" +
				"The government says the change is needed because the city has no extradition agreement with Taiwan.", "",
			"", ""},
		{"a protest a government lodges is its statement", "Beijing lodges protest with London over Hong Kong remarks",
			"BEIJING — China's foreign ministry said on Monday it had lodged a stern protest with Britain over remarks by its foreign secretary on Hong Kong.", "",
			"statement", "china"},
		{"background mentions do not tag", "Canada suspends extradition treaty with Hong Kong",
			"OTTAWA — Canada suspended its extradition treaty with Hong Kong on Friday, citing the new security law.\n" +
				"The move follows U.S. visa restrictions last week. Washington also imposed sanctions on officials in the past.", "",
			"extradition", "canada"},
		{"a government's own release", "Suspension of the extradition agreement",
			"The government has today suspended the extradition agreement with Hong Kong and will extend visas for Hong Kong residents.", "Global Affairs Canada",
			"extradition,safe-haven", "canada"},
		{"China's counter-measure, not a US sanction", "China announces sanctions on U.S. senators",
			"BEIJING — China said on Monday it would impose sanctions on eleven Americans, including senators, in retaliation for U.S. measures.", "",
			"counter-measure", "china"},
		{"Chinese release", "警方拘捕涉嫌違反國家安全法人士",
			"警方今日拘捕多名涉嫌違反國家安全法的人士，行動仍在進行中，警方呼籲市民提供資料，協助調查及追緝其他涉案人士。", "",
			"prosecution", "hong-kong"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := &model.Document{Title: tt.title, Text: tt.text, Site: tt.site}
			if tt.site != "" {
				doc.Kind = model.KindOfficial // a government's own site
			}
			tags := tg.Tag(doc)
			var cats, actors []string
			for _, tag := range tags {
				if tag.Type == model.TagCategory {
					cats = append(cats, tag.Value)
				} else {
					actors = append(actors, tag.Value)
				}
			}
			slices.Sort(cats)
			if got := strings.Join(cats, ","); got != tt.cats {
				t.Errorf("categories = %q, want %q", got, tt.cats)
			}
			if tt.issuer != "" && (len(actors) == 0 || actors[0] != tt.issuer) {
				t.Errorf("actors = %v, want issuer %s", actors, tt.issuer)
			}
		})
	}
}
