package tagging

import (
	"io/fs"
	"slices"
	"strings"
	"testing"

	"policywatch/topics"
)

func TestGlossary(t *testing.T) {
	data, err := fs.ReadFile(topics.FS, "hk-nsl.taxonomy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tax, err := ParseTaxonomy(data, "hk-nsl.taxonomy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, g := range tax.Glossary() {
		if slices.Contains(g, "國安法") && slices.Contains(g, "国安法") && slices.Contains(g, "NSL") && slices.Contains(g, "national security law") {
			found = true
		}
	}
	if !found {
		t.Errorf("shipped glossary has no group joining 國安法, 国安法, NSL and national security law: %v", tax.Glossary())
	}

	base := "categories:\n  - id: a\n    label: A\n    rules:\n      any: [x]\n"
	for _, tc := range []struct{ yaml, wantErr string }{
		{"glossary:\n  - [NSL]\n", "two or more"},
		{"glossary: NSL\n", "list of lists"},
		{"glossary:\n  - [NSL, \"\"]\n", "empty phrase"},
	} {
		_, err := ParseTaxonomy([]byte(base+tc.yaml), "t.yaml")
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), "glossary") {
			t.Errorf("%q: error %v, want one naming glossary and %q", tc.yaml, err, tc.wantErr)
		}
	}
}
