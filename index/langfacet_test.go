package index

import (
	"context"
	"fmt"
	"testing"

	"policywatch/model"
)

// The lang filter selects a language with its subtags (lang=zh finds
// zh-Hant and zh-Hant-HK), so the lang facet counts each value the same
// way: every value it offers, filtered on, finds exactly the documents it
// counted. Counting each stored tag by itself offered "en 1" for a filter
// that returns the British and Australian documents as well.
func TestLangFacetValuesFilterToTheirCounts(t *testing.T) {
	ctx := context.Background()
	var docs []model.Document
	for i, lang := range []string{"en", "en-GB", "en-GB", "en-AU", "zh-Hant", "zh-Hant-HK", "zh-Hans", " fr "} {
		docs = append(docs, model.Document{ID: int64(i + 1), URL: fmt.Sprintf("https://a.example/%d", i),
			Source: "s", Kind: model.KindNews, Lang: lang, Title: "Sanctions 制裁",
			Text: "Sanctions on officials. 制裁官員。", Published: day("2020-07-20"), DateSource: model.DateFromMeta})
	}
	ix, _ := openTest(t, docs)
	res, err := ix.Search(ctx, Request{Query: "sanctions"})
	if err != nil {
		t.Fatal(err)
	}
	offered := map[string]int{}
	for _, c := range res.Facets["lang"] {
		offered[c.Term] = c.Count
		got, err := ix.Search(ctx, Request{Query: "sanctions", Langs: []string{c.Term}})
		if err != nil {
			t.Fatal(err)
		}
		if int(got.Total) != c.Count {
			t.Errorf("the lang facet offers %q with %d documents; lang=%s finds %d", c.Term, c.Count, c.Term, got.Total)
		}
	}
	want := map[string]int{"en": 4, "en-gb": 2, "en-au": 1, "zh": 3, "zh-hant": 2, "zh-hant-hk": 1, "zh-hans": 1, "fr": 1}
	for term, n := range want {
		if offered[term] != n {
			t.Errorf("lang facet %q: %d, want %d (all offered: %v)", term, offered[term], n, offered)
		}
	}
	if len(offered) != len(want) {
		t.Errorf("lang facet offers %v, want %v", offered, want)
	}
}
