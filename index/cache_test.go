package index

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"policywatch/model"
)

// A cached answer must never outlive the documents it describes: a
// researcher who reloads after a crawl sees the new documents at once.
func TestCachedSearchesFollowWrites(t *testing.T) {
	ix, _ := openTest(t, pagingDocs(30))
	ctx := context.Background()
	r := Request{Query: "sanctions", Histogram: true}
	before := doSearch(t, ix, r)
	doSearch(t, ix, r) // now cached

	late := model.Document{ID: 999, URL: "https://y.example/late", Source: "y", Kind: model.KindOfficial, Lang: "en",
		Title: "Late statement on sanctions", Text: "sanctions", Published: day("2023-03-01"), DateSource: model.DateFromMeta}
	if err := ix.Put(ctx, late); err != nil {
		t.Fatal(err)
	}
	after := doSearch(t, ix, r)
	if after.Total != before.Total+1 {
		t.Errorf("after Put: total %d, want %d", after.Total, before.Total+1)
	}
	if got := facet(after, "source")["y"]; got != 1 {
		t.Errorf("after Put: source facet y = %d, want 1", got)
	}
	if got := facet(after, "year")["2023"]; got != 1 {
		t.Errorf("after Put: year facet 2023 = %d, want 1", got)
	}
	if before.Bucket != BucketDay || after.Bucket != BucketMonth {
		t.Errorf("histogram bucket %q then %q, want day then month (the span grew to 2023)", before.Bucket, after.Bucket)
	}
	bucket, _, err := ix.AutoHistogram(ctx, Request{Query: "sanctions"})
	if err != nil || bucket != BucketMonth {
		t.Errorf("AutoHistogram after Put: %q, %v", bucket, err)
	}

	if err := ix.Delete(ctx, 999); err != nil {
		t.Fatal(err)
	}
	if again := doSearch(t, ix, r); again.Total != before.Total || facet(again, "source")["y"] != 0 {
		t.Errorf("after Delete: total %d, source y %d", again.Total, facet(again, "source")["y"])
	}
}

// Callers get their own copy: one handler editing a result (trimming
// hits, relabelling facets) cannot change what the next request is served.
func TestCallersCannotChangeCachedResults(t *testing.T) {
	ix, _ := openTest(t, pagingDocs(30))
	r := Request{Query: "sanctions", Histogram: true}
	first := doSearch(t, ix, r)
	want := doSearch(t, ix, r)
	first.Hits[0].Title = "changed"
	first.Facets["kind"][0].Count = -1
	first.Histogram[0].Count = -1
	want.Hits = want.Hits[:1]
	got := doSearch(t, ix, r)
	if got.Hits[0].Title == "changed" || got.Facets["kind"][0].Count == -1 || got.Histogram[0].Count == -1 || len(got.Hits) == 1 {
		t.Error("a caller's change to a result reached the cache")
	}
}

// The caches change how fast, never what: every request answers the
// same with caching off, on a first call and on a cached call.
func TestCacheDoesNotChangeAnswers(t *testing.T) {
	docs := pagingDocs(260)
	uncached, _ := openTest(t, docs)
	uncached.SetCacheSize(0)
	cached, _ := openTest(t, docs)
	var reqs []Request
	for _, q := range []string{"sanctions", "visas", `"sanctions and"`, "", "sanct*", "source:x NOT visas"} {
		for _, sort := range []string{"", SortDate, SortRelevance} {
			for _, page := range []int{1, 2, 5, 11} {
				reqs = append(reqs, Request{Query: q, Sort: sort, Page: page, PerPage: 25, Histogram: page == 2})
			}
		}
		reqs = append(reqs, Request{Query: q, Kinds: []string{"official"}, From: day("2020-07-03"), To: day("2020-07-05")})
	}
	for round := range 2 {
		for _, r := range reqs {
			want, got := doSearch(t, uncached, r), doSearch(t, cached, r)
			if !reflect.DeepEqual(want, got) {
				t.Fatalf("round %d, %+v: cached answer differs:\n got %+v\nwant %+v", round, r, summaryOfResult(got), summaryOfResult(want))
			}
		}
	}
}

func summaryOfResult(r *Result) string {
	return fmt.Sprintf("total %d ids %v facets %v undated %d bucket %s", r.Total, ids(r), r.Facets, r.Undated, r.Bucket)
}
