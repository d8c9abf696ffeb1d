package query

import (
	"errors"
	"strings"
	"testing"
)

func testVocabulary() *Vocabulary {
	return NewVocabulary(map[string][]Term{
		FieldCategory: {
			{ID: "visa-restriction", Label: "Visa restrictions", Aliases: []string{"visa"}},
			{ID: "sanction", Label: "Sanctions", Aliases: []string{"sanctions"}},
			{ID: "statement", Label: "International reactions", Aliases: []string{"reactions"}},
			{ID: "counter-measure", Label: "China's counter-measures"},
		},
		FieldActor: {
			{ID: "us", Label: "United States"},
			{ID: "uk", Label: "United Kingdom"},
			{ID: "hong-kong", Label: "Hong Kong"},
		},
	})
}

func TestVocabularyCanonical(t *testing.T) {
	v := testVocabulary()
	for _, tt := range []struct{ in, want string }{
		{"category:Sanctions", "category:sanction"},
		{"category:sanction", "category:sanction"},
		{"CATEGORY:SANCTIONS", "category:sanction"},
		{`actor:"United Kingdom"`, "actor:uk"},
		{`actor:"united   kingdom" visa`, "(actor:uk AND visa)"},
		{"actor:UK category:visa", "(actor:uk AND category:visa-restriction)"},
		{`category:"china's counter-measures"`, "category:counter-measure"},
		{"actor:hong-kong", "actor:hong-kong"},
		{`actor:"hong kong"`, "actor:hong-kong"},
		{"actor:united*", "(actor:us OR actor:uk)"},
		{"category:sanc*", "category:sanction"},
		{"NOT category:Sanctions", "NOT category:sanction"},
		// Fields the vocabulary does not list, and plain words, pass as written.
		{"source:gov* sanctions", "source:gov* sanctions"},
		{"Sanctions", "Sanctions"},
		{"", ""},
	} {
		got, err := v.Canonical(tt.in)
		if err != nil {
			t.Errorf("Canonical(%q): %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("Canonical(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestVocabularyUnknownValues(t *testing.T) {
	v := testVocabulary()
	for _, tt := range []struct {
		in    string
		pos   int
		field string
	}{
		{"category:immigration", 0, "category"},
		{"visa actor:narnia", 5, "actor"},
		{"actor:zz*", 0, "actor"},
	} {
		_, err := v.Canonical(tt.in)
		var ue *UnknownValueError
		if !errors.As(err, &ue) {
			t.Errorf("Canonical(%q): %v, want an unknown value", tt.in, err)
			continue
		}
		if ue.Pos != tt.pos || ue.Field != tt.field {
			t.Errorf("Canonical(%q): %s at %d, want %s at %d", tt.in, ue.Field, ue.Pos, tt.field, tt.pos)
		}
		// The message lists every valid value with its label.
		for _, term := range v.Terms(tt.field) {
			if !strings.Contains(ue.Error(), term.ID) || !strings.Contains(ue.Error(), term.Label) {
				t.Errorf("%q: message %q lacks %s (%s)", tt.in, ue.Error(), term.ID, term.Label)
			}
		}
	}
	// A syntax error stays a syntax error.
	if _, err := v.Canonical(`category:"Sanctions`); !errors.As(err, new(*SyntaxError)) {
		t.Errorf("unterminated quote: %v", err)
	}
}

func TestVocabularyResolve(t *testing.T) {
	v := testVocabulary()
	if id, err := v.Resolve(FieldCategory, "international REACTIONS"); err != nil || id != "statement" {
		t.Errorf("label: %q %v", id, err)
	}
	if id, err := v.Resolve(FieldCategory, "reactions"); err != nil || id != "statement" {
		t.Errorf("alias: %q %v", id, err)
	}
	if id, err := v.Resolve(FieldSource, "Anything"); err != nil || id != "Anything" {
		t.Errorf("a field without vocabulary: %q %v", id, err)
	}
	var nilVocab *Vocabulary
	if got, err := nilVocab.Canonical("category:x"); err != nil || got != "category:x" {
		t.Errorf("nil vocabulary: %q %v", got, err)
	}
}

func TestVocabularySuggestsTheNearest(t *testing.T) {
	v := testVocabulary()
	_, err := v.Canonical("category:sanctons")
	var ue *UnknownValueError
	if !errors.As(err, &ue) || ue.Suggestion() != "Sanctions" || !strings.Contains(ue.Error(), "did you mean Sanctions?") {
		t.Errorf("sanctons: %v", err)
	}
	if _, err := v.Canonical("category:immigration"); !errors.As(err, &ue) || ue.Suggestion() != "" {
		t.Errorf("immigration suggests %q", ue.Suggestion())
	}
}
