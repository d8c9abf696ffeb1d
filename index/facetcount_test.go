package index

import (
	"context"
	"fmt"
	"maps"
	"testing"

	"policywatch/model"
	"policywatch/query"
)

// rank counts facets from its own per-segment tables instead of Bleve's
// facet machinery; both must give the same hits, scores, totals and
// counts, over several segments and after deletions and replacements.
func TestRankAgreesWithBleveSearch(t *testing.T) {
	ix, _ := openTest(t, nil)
	ctx := context.Background()
	var docs []model.Document
	for i := 1; i <= 900; i++ {
		d := model.Document{ID: int64(i), URL: fmt.Sprintf("https://x.example/%d", i),
			Source: []string{"state", "treasury", "bbc", "scmp"}[i%4], Kind: []model.DocKind{model.KindNews, model.KindOfficial}[i%2],
			Lang:  []string{"en", "en", "zh-Hant"}[i%3],
			Title: fmt.Sprintf("Statement %d on sanctions", i), Text: fmt.Sprintf("sanctions visa %d extradition treaty %d", i%7, i%11),
			Published: day("2019-01-01").AddDate(0, 0, i*3), DateSource: model.DateFromMeta}
		if i%3 == 0 {
			d.Text = "香港國家安全 " + d.Text
		}
		if i%13 == 0 {
			d.DateSource = model.DateFromCrawl
		}
		d.Tags = []model.Tag{{Type: model.TagCategory, Value: []string{"sanction", "visa-restriction", "extradition"}[i%3]}}
		docs = append(docs, d)
	}
	// Several Puts make several segments.
	for start := 0; start < len(docs); start += 150 {
		if err := ix.Put(ctx, docs[start:start+150]...); err != nil {
			t.Fatal(err)
		}
	}
	if err := ix.Delete(ctx, 5, 6, 7, 400); err != nil {
		t.Fatal(err)
	}
	docs[9].Title = "Replaced statement on extradition"
	if err := ix.Put(ctx, docs[9]); err != nil {
		t.Fatal(err)
	}

	for _, qs := range []string{"sanctions", `"visa 3"`, "國家安全", "extradition OR treaty", "sanct*", "", "source:state NOT visa"} {
		n, err := query.Parse(qs)
		if err != nil {
			t.Fatal(err)
		}
		q := ix.filtered(ix.translate(n, 1), Request{})
		for _, sortBy := range [][]string{{"-_score", "_id"}, {"-" + fPublished, "_id"}} {
			got, err := ix.rank(ctx, q, 30, 10, sortBy, "", true)
			if err != nil {
				t.Fatalf("%q: rank: %v", qs, err)
			}
			want, err := ix.rankWithBleve(ctx, q, 30, 10, sortBy, "", true)
			if err != nil {
				t.Fatal(err)
			}
			if got.total != want.total || !maps.Equal(got.counts, want.counts) {
				t.Errorf("%q %v: total %d counts %v\nwant total %d counts %v", qs, sortBy, got.total, got.counts, want.total, want.counts)
			}
			if len(got.counts) == 0 && want.total > 0 {
				t.Errorf("%q: nothing counted", qs)
			}
			if len(got.hits) != len(want.hits) {
				t.Fatalf("%q: %d hits, want %d", qs, len(got.hits), len(want.hits))
			}
			for i := range got.hits {
				g, w := got.hits[i], want.hits[i]
				if g.ID != w.ID || g.Score != w.Score || got.official(g) != want.official(w) {
					t.Errorf("%q %v hit %d: %s %.4f %t, want %s %.4f %t", qs, sortBy, i, g.ID, g.Score, got.official(g), w.ID, w.Score, want.official(w))
				}
			}
		}
	}
}

// Searches run while a crawl writes: each sees a consistent snapshot,
// whatever segments the writes and merges add or take away meanwhile.
func TestSearchWhileWriting(t *testing.T) {
	ix, _ := openTest(t, pagingDocs(200))
	ctx := context.Background()
	done := make(chan error, 1)
	go func() {
		var err error
		for i := 0; i < 20 && err == nil; i++ {
			extra := pagingDocs(50)
			for j := range extra {
				extra[j].ID += int64(1000 + 50*i)
			}
			err = ix.Put(ctx, extra...)
		}
		done <- err
	}()
	var last uint64
	for writing := true; writing; {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			writing = false
		default:
		}
		res, err := ix.Search(ctx, Request{Query: "sanctions", Histogram: true})
		if err != nil {
			t.Fatal(err)
		}
		kinds := 0
		for _, f := range res.Facets["kind"] {
			kinds += f.Count
		}
		if uint64(kinds) != res.Total || res.Total < last {
			t.Fatalf("total %d (before %d), kind facet sums to %d", res.Total, last, kinds)
		}
		last = res.Total
	}
	if res := doSearch(t, ix, Request{Query: "sanctions"}); res.Total != 200+20*50 {
		t.Errorf("after the writes: %d matches, want %d", res.Total, 200+20*50)
	}
}

// Reopening an archive reads the segments' facet keys in the background,
// so the first reader's search does not wait for them.
func TestOpenReadsFacetKeysAhead(t *testing.T) {
	ix, dir := openTest(t, pagingDocs(300))
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	again, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	again.warming.Wait()
	again.keys.mu.Lock()
	read := len(again.keys.segs)
	again.keys.mu.Unlock()
	if read == 0 {
		t.Fatal("no segment's facet keys were read at Open")
	}
	if res := doSearch(t, again, Request{Query: "sanctions"}); res.Total != 300 || len(res.Facets["kind"]) != 2 {
		t.Errorf("after reopening: %d matches, kind facet %v", res.Total, res.Facets["kind"])
	}
}

// A search split over the cores must give what one pass gives: the same
// hits in the same order on every page, the same total and counts.
func TestSplitSearchAgreesWithOnePass(t *testing.T) {
	ix, _ := openTest(t, nil)
	ctx := context.Background()
	var docs []model.Document
	for i := 1; i <= 700; i++ {
		docs = append(docs, model.Document{ID: int64(i), URL: fmt.Sprintf("https://x.example/%d", i), Source: "state",
			Kind: []model.DocKind{model.KindNews, model.KindOfficial}[i%2], Lang: "en",
			Title: "Sanctions statement", Text: fmt.Sprintf("sanctions %d visa %d national security law", i%5, i%9),
			Published: day("2020-01-01").AddDate(0, 0, i%40), DateSource: model.DateFromMeta,
			Tags: tags([]string{[]string{"sanction", "visa-restriction"}[i%2]}, nil)})
	}
	for start := 0; start < len(docs); start += 100 {
		putTest(t, ix, docs[start:start+100]...)
	}
	// Phrases that match few documents scan far between matches: each
	// part's phrase searchers stop at the part's end.
	for _, qs := range []string{"sanctions", `"national security law"`, "visa OR sanct*", "",
		`"visa 3 national"`, `"sanctions 1 visa 3 national"`, `"visa 8 national" OR "sanctions 4 visa"`} {
		n, err := query.Parse(qs)
		if err != nil {
			t.Fatal(err)
		}
		q := ix.filtered(ix.translate(n, 1), Request{})
		for _, sortBy := range [][]string{{"-_score", "_id"}, {"-" + fPublished, "_id"}} {
			for _, from := range []int{0, 25, 690} {
				ix.splitFrom, ix.splitParts = 0, 0
				want, err := ix.rank(ctx, q, 20, from, sortBy, "", true)
				if err != nil {
					t.Fatal(err)
				}
				ix.splitFrom, ix.splitParts = 1, 3
				got, err := ix.rank(ctx, q, 20, from, sortBy, "", true)
				if err != nil {
					t.Fatal(err)
				}
				if got.total != want.total || !maps.Equal(got.counts, want.counts) || len(got.hits) != len(want.hits) {
					t.Fatalf("%q %v from %d: total %d, %d hits; one pass %d, %d hits", qs, sortBy, from, got.total, len(got.hits), want.total, len(want.hits))
				}
				for i := range got.hits {
					if got.hits[i].ID != want.hits[i].ID || got.hits[i].Score != want.hits[i].Score {
						t.Errorf("%q %v from %d, hit %d: %s, one pass %s", qs, sortBy, from, i, got.hits[i].ID, want.hits[i].ID)
						break
					}
				}
			}
		}
	}
}
