package tagging

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
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
		{"bad number", "categories:\n  - id: a\n    min_score: lots\n    rules: {any: [x]}\n", 3, "categories[0].min_score"},
		{"no categories", "actors: []\n", 1, "categories"},
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
	_, err := ParseTaxonomy([]byte("categories: [\n"), "broken.yaml")
	if err == nil || !strings.Contains(err.Error(), "broken.yaml") {
		t.Fatalf("err = %v, want one naming broken.yaml", err)
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
