package index

import (
	"context"
	"fmt"
	"maps"
	"testing"

	"policywatch/model"
	"policywatch/query"
)

// The glossary's spellings of one phrase contain one another; searched
// together they share one scan of the shortest (phrase_shared.go). That
// must change nothing: the same matches, totals, facet counts and scores
// to the bit as each spelling searched on its own (rankWithBleve builds
// every phrase's own searcher), split over parts or not, also under AND
// and NOT, with documents replaced and deleted.
func TestNestedSpellingsShareOneScan(t *testing.T) {
	ix, _ := openTest(t, nil)
	ctx := context.Background()
	ix.SetGlossary([][]string{
		{"國安法", "NSL", "national security law", "香港國安法", "Hong Kong national security law", "law of national security law"},
		{"港區國安法", "national security law"},
	})
	texts := []string{
		"the Hong Kong national security law took effect; the national security law",
		"national security law",
		"Hong Kong national security legislation and a national security law in Hong Kong",
		"law of national security law of national security law",
		"security law national Hong Kong national",
		"Hong Kong national security law Hong Kong national security law",
		"香港國安法實施，國安法與港區國安法",
		"国安法 香港 国安法 港区国安法",
		"sanctions over the national security law",
		"nothing about it at all",
	}
	var docs []model.Document
	for i := 0; i < 400; i++ {
		d := model.Document{ID: int64(i + 1), URL: fmt.Sprintf("https://x.example/%d", i), Source: "x",
			Kind: []model.DocKind{model.KindNews, model.KindOfficial}[i%2], Lang: "en",
			Title: texts[(i*3)%len(texts)], Text: texts[i%len(texts)] + ". " + texts[(i*7+1)%len(texts)]}
		if i%len(texts) == 6 || i%len(texts) == 7 {
			d.Lang = "zh-Hant"
		}
		docs = append(docs, d)
	}
	for start := 0; start < len(docs); start += 50 {
		putTest(t, ix, docs[start:start+50]...)
	}
	docs[20].Text = "Hong Kong national security law"
	putTest(t, ix, docs[20])
	if err := ix.Delete(ctx, 2, 6, 301); err != nil {
		t.Fatal(err)
	}

	for _, qs := range []string{`"national security law"`, `國安法`, `NSL`, `"national security law" AND sanctions`,
		`"national security law" NOT legislation`, `"hong kong national security law"`, `sanctions OR "national security law"`} {
		n, err := query.Parse(qs)
		if err != nil {
			t.Fatal(err)
		}
		q := ix.filtered(ix.translate(n, 1), Request{})
		want, err := ix.rankWithBleve(ctx, q, 500, 0, []string{"-_score", "_id"}, "", true)
		if err != nil {
			t.Fatal(err)
		}
		if want.total == 0 {
			t.Fatalf("%s: the test finds nothing", qs)
		}
		// A queue of 5 matches: a reader ahead of another goes on alone.
		for _, c := range []struct{ parts, queue int }{{0, 0}, {3, 0}, {0, 5}, {2, 5}} {
			parts := c.parts
			ix.splitFrom, ix.splitParts, ix.scanQueue = min(parts, 1), parts, c.queue
			got, err := ix.rank(ctx, q, 500, 0, []string{"-_score", "_id"}, "", true)
			if err != nil {
				t.Fatal(err)
			}
			if got.total != want.total || !maps.Equal(got.counts, want.counts) || len(got.hits) != len(want.hits) {
				t.Errorf("%s, %v: %d matches, %d hits; each spelling on its own %d, %d", qs, c, got.total, len(got.hits), want.total, len(want.hits))
				continue
			}
			for i := range got.hits {
				if got.hits[i].ID != want.hits[i].ID || got.hits[i].Score != want.hits[i].Score {
					t.Errorf("%s, %v, hit %d: %s %v; each spelling on its own %s %v", qs, c, i,
						got.hits[i].ID, got.hits[i].Score, want.hits[i].ID, want.hits[i].Score)
					break
				}
			}
		}
	}
}
