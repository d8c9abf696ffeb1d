package index

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"policywatch/model"
)

func TestGlossaryExpandsQueryTerms(t *testing.T) {
	docs := []model.Document{
		{ID: 1, URL: "https://a.example/1", Source: "a", Kind: model.KindNews, Lang: "en",
			Title: "Activists detained under the National Security Law", Text: "Police cited the national security law."},
		{ID: 2, URL: "https://a.example/2", Source: "a", Kind: model.KindNews, Lang: "en",
			Title: "NSL arrests continue", Text: "More arrests under the NSL."},
		{ID: 3, URL: "https://b.example/3", Source: "b", Kind: model.KindOfficial, Lang: "zh-Hant",
			Title: "國安法實施一周年", Text: "政府回顧國安法實施一年。"},
		{ID: 4, URL: "https://b.example/4", Source: "b", Kind: model.KindOfficial, Lang: "zh-Hans",
			Title: "国安法新闻", Text: "国安法维护稳定。"},
		{ID: 5, URL: "https://c.example/5", Source: "c", Kind: model.KindNews, Lang: "en",
			Title: "Security of the law courts", Text: "A report on national courts and law security."},
	}
	ix, _ := openTest(t, docs)
	ctx := context.Background()
	without := doSearch(t, ix, Request{Query: "NSL"})
	if got := sorted(ids(without)); !slices.Equal(got, []int64{2}) {
		t.Fatalf("without a glossary NSL found %v, want [2]", got)
	}
	ix.SetGlossary([][]string{{"國安法", "NSL", "national security law"}})
	for _, q := range []string{"NSL", "nsl", "國安法", "国安法", `"national security law"`, `"National  Security Law"`} {
		res, err := ix.Search(ctx, Request{Query: q})
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if got := sorted(ids(res)); !slices.Equal(got, []int64{1, 2, 3, 4}) {
			t.Errorf("%s found %v, want [1 2 3 4] (all names of the law, not doc 5)", q, got)
		}
	}
	// Expansion keeps the rest of the query: AND still narrows.
	if got := sorted(ids(doSearch(t, ix, Request{Query: "NSL AND arrests"}))); !slices.Equal(got, []int64{2}) {
		t.Errorf("NSL AND arrests = %v, want [2]", got)
	}
	// A field filter is not a text term and is not expanded.
	if got := sorted(ids(doSearch(t, ix, Request{Query: "source:b"}))); !slices.Equal(got, []int64{3, 4}) {
		t.Errorf("source:b = %v", got)
	}
}

func TestSimplifiedAndTraditionalFindEachOther(t *testing.T) {
	docs := []model.Document{
		{ID: 1, URL: "https://hk.example/1", Source: "hk", Kind: model.KindOfficial, Lang: "zh-Hant",
			Title: "維護國家安全", Text: "特區政府會繼續維護國家安全和社會穩定。"},
		{ID: 2, URL: "https://cn.example/2", Source: "cn", Kind: model.KindOfficial, Lang: "zh-Hans",
			Title: "驻港国家安全公署", Text: "外国制裁是对香港事务的干涉，对此坚决反对。"},
	}
	ix, _ := openTest(t, docs)
	for _, tc := range []struct {
		q    string
		want []int64
	}{
		{"国家安全", []int64{1, 2}},   // Simplified finds Traditional text too
		{"國家安全", []int64{1, 2}},   // and Traditional finds Simplified
		{"社会稳定", []int64{1}},      // Simplified query, Traditional-only text
		{"干涉", []int64{2}},        // the same in both scripts
		{`"對香港事務"`, []int64{2}},   // Traditional phrase, Simplified-only text
		{"制裁 AND 香港", []int64{2}}, // bigrams, not single characters
		{`"香港事务的干涉"`, []int64{2}}, // a phrase across bigram boundaries
		{`"国家 安全"`, nil},          // a space is not part of the text
	} {
		res := doSearch(t, ix, Request{Query: tc.q})
		if got := sorted(ids(res)); !slices.Equal(got, tc.want) {
			t.Errorf("%s found %v, want %v", tc.q, got, tc.want)
		}
	}
}

func pagingDocs(n int) []model.Document {
	var docs []model.Document
	for i := 1; i <= n; i++ {
		d := model.Document{
			ID: int64(i), URL: fmt.Sprintf("https://x.example/%d", i), Source: "x", Kind: model.KindNews, Lang: "en",
			Title: fmt.Sprintf("Report %d on sanctions", i), Text: "sanctions and visas " + fmt.Sprint(i%7),
			// Few distinct days: the tie-break alone keeps pages apart.
			Published: day("2020-07-01").AddDate(0, 0, i%9), DateSource: model.DateFromMeta,
		}
		if i%10 == 0 { // some without a date, sorting last
			d.DateSource = model.DateFromCrawl
		}
		if i%3 == 0 { // official ones are reordered within the best 200
			d.Kind = model.KindOfficial
		}
		docs = append(docs, d)
	}
	return docs
}

func TestDeepPagingAcross500Documents(t *testing.T) {
	ix, _ := openTest(t, pagingDocs(500))
	for _, sort := range []string{SortDate, SortRelevance} {
		seen := map[int64]int{}
		var order []int64
		for page := 1; page <= 10; page++ {
			res := doSearch(t, ix, Request{Query: "sanctions", Sort: sort, Page: page, PerPage: 50})
			if len(res.Hits) != 50 {
				t.Fatalf("%s page %d: %d hits", sort, page, len(res.Hits))
			}
			for _, h := range res.Hits {
				if p, dup := seen[h.ID]; dup {
					t.Fatalf("%s: document %d on page %d and page %d", sort, h.ID, p, page)
				}
				seen[h.ID] = page
				order = append(order, h.ID)
			}
		}
		if len(seen) != 500 {
			t.Errorf("%s: %d distinct documents over 10 pages, want 500", sort, len(seen))
		}
		// Page N+1 continues page N: one big page gives the same order.
		var big []int64
		for page := 1; page <= 5; page++ {
			big = append(big, ids(doSearch(t, ix, Request{Query: "sanctions", Sort: sort, Page: page, PerPage: MaxPerPage}))...)
		}
		if !slices.Equal(big, order) {
			t.Errorf("%s: pages of 100 and pages of 50 give different orders", sort)
		}
	}
}

func TestEachVisitsEveryMatchOnce(t *testing.T) {
	ix, _ := openTest(t, pagingDocs(1203))
	var got []int64
	var last time.Time
	dated := true
	err := ix.Each(context.Background(), Request{Query: "sanctions"}, func(h Hit) error {
		if h.Published.IsZero() {
			dated = false
		} else if !dated {
			t.Fatalf("dated hit %d after undated ones", h.ID)
		} else if !last.IsZero() && h.Published.After(last) {
			t.Fatalf("hit %d newer than the one before", h.ID)
		}
		if !h.Published.IsZero() {
			last = h.Published
		}
		got = append(got, h.ID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1203 || len(slices.Compact(sorted(got))) != 1203 {
		t.Errorf("Each gave %d hits, %d distinct; want 1203", len(got), len(slices.Compact(sorted(got))))
	}
	n := 0
	if err := ix.Each(context.Background(), Request{Query: "sanctions", Sources: []string{"nope"}}, func(Hit) error { n++; return nil }); err != nil || n != 0 {
		t.Errorf("Each over no matches: %d hits, err %v", n, err)
	}
}

func TestUndatedMatchesAreCountedNotDated(t *testing.T) {
	ix, _ := openTest(t, testDocs())
	res := doSearch(t, ix, Request{})
	if res.Undated != 1 {
		t.Errorf("Undated = %d, want 1 (the crawl-dated document)", res.Undated)
	}
	if res := doSearch(t, ix, Request{Query: "asylum"}); res.Total != 1 || res.Undated != 1 || !res.Hits[0].Published.IsZero() {
		t.Errorf("asylum: total %d, undated %d, published %v; want 1, 1 and no date", res.Total, res.Undated, res.Hits[0].Published)
	} else if res.Hits[0].DateSource != model.DateFromCrawl {
		t.Errorf("date source = %q, want crawl", res.Hits[0].DateSource)
	}
	if res := doSearch(t, ix, Request{Query: "visa"}); res.Undated != 0 {
		t.Errorf("visa: Undated = %d, want 0", res.Undated)
	}
	for _, h := range doSearch(t, ix, Request{Query: "extradition"}).Hits {
		if h.DateSource == "" {
			t.Errorf("hit %d has no date source", h.ID)
		}
	}
	hist, err := ix.Histogram(context.Background(), Request{}, BucketYear)
	if err != nil {
		t.Fatal(err)
	}
	sum := 0
	for _, b := range hist {
		sum += b.Count
	}
	if sum != 6 {
		t.Errorf("histogram counts %d documents, want 6 (7 minus the undated one)", sum)
	}
}

func TestIDsFilter(t *testing.T) {
	ix, _ := openTest(t, testDocs())
	res := doSearch(t, ix, Request{Query: "extradition OR visa", IDs: []int64{1, 4, 5}})
	if got := sorted(ids(res)); !slices.Equal(got, []int64{1, 4}) {
		t.Errorf("IDs filter gave %v, want [1 4]", got)
	}
}

func TestBucketFor(t *testing.T) {
	for _, tc := range []struct {
		from, to string
		want     string
	}{
		{"2020-06-01", "2020-06-01", BucketDay},
		{"2020-06-01", "2020-08-31", BucketDay},
		{"2020-06-01", "2020-12-31", BucketMonth},
		{"2019-01-01", "2025-12-31", BucketMonth},
		{"2010-01-01", "2025-12-31", BucketYear},
	} {
		if got := BucketFor(day(tc.from), day(tc.to)); got != tc.want {
			t.Errorf("BucketFor(%s, %s) = %s, want %s", tc.from, tc.to, got, tc.want)
		}
	}
}

func TestAutoHistogramPicksBucketBySpan(t *testing.T) {
	ix, _ := openTest(t, testDocs())
	ctx := context.Background()
	bucket, buckets, err := ix.AutoHistogram(ctx, Request{})
	if err != nil {
		t.Fatal(err)
	}
	sum := 0
	for _, b := range buckets {
		sum += b.Count
	}
	// Dated matches from 2020-06-26 to 2021-01-06: months, June to January.
	if bucket != BucketMonth || len(buckets) != 8 || sum != 6 || !buckets[0].Start.Equal(day("2020-06-01")) {
		t.Errorf("AutoHistogram = %s, %d buckets counting %d, first %v", bucket, len(buckets), sum, buckets[0].Start)
	}
	bucket, buckets, err = ix.AutoHistogram(ctx, Request{Query: "visa"})
	if err != nil || bucket != BucketDay || len(buckets) != 43 {
		t.Errorf("visa: %s, %d buckets, %v; want days from 26 June to 7 August", bucket, len(buckets), err)
	}
	if bucket, buckets, err := ix.AutoHistogram(ctx, Request{Query: "asylum"}); err != nil || bucket != "" || buckets != nil {
		t.Errorf("only an undated match: %q %v %v", bucket, buckets, err)
	}
}

func TestEnglishStemming(t *testing.T) {
	docs := []model.Document{
		{ID: 1, URL: "https://a.example/1", Source: "a", Kind: model.KindNews, Lang: "en",
			Title: "Treasury sanctioned officials", Text: "Officials were sanctioned for restricting freedoms."},
		{ID: 2, URL: "https://a.example/2", Source: "a", Kind: model.KindNews, Lang: "en",
			Title: "New sanctions", Text: "The restrictions apply to extraditions."},
		{ID: 3, URL: "https://a.example/3", Source: "a", Kind: model.KindNews, Lang: "en",
			Title: "Sanctuary cities", Text: "A report on sanctuary policy."},
	}
	ix, _ := openTest(t, docs)
	for _, tc := range []struct {
		q    string
		want []int64
	}{
		{"sanction", []int64{1, 2}},    // sanctioned, sanctions
		{"sanctioning", []int64{1, 2}}, // another form of the same stem
		{"restriction", []int64{1, 2}}, // restricting, restrictions
		{"extradition", []int64{2}},
		{`"sanctioned officials"`, []int64{1}}, // phrases match stems in order
		{"sanctuary", []int64{3}},              // a different word stays apart
	} {
		if got := sorted(ids(doSearch(t, ix, Request{Query: tc.q}))); !slices.Equal(got, tc.want) {
			t.Errorf("%s found %v, want %v", tc.q, got, tc.want)
		}
	}
}

func TestSearchHistogramMatchesAutoHistogram(t *testing.T) {
	ix, _ := openTest(t, testDocs())
	ctx := context.Background()
	for _, r := range []Request{{}, {Query: "visa"}, {Query: "extradition", Kinds: []string{"news"}}, {Query: "asylum"}} {
		wantBucket, want, err := ix.AutoHistogram(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		r.Histogram = true
		res := doSearch(t, ix, r)
		if res.Bucket != wantBucket || !slices.EqualFunc(res.Histogram, want, func(a, b Bucket) bool {
			return a.Start.Equal(b.Start) && a.End.Equal(b.End) && a.Count == b.Count
		}) {
			t.Errorf("%+v: Search histogram %s %v, AutoHistogram %s %v", r, res.Bucket, res.Histogram, wantBucket, want)
		}
		if _, leaked := res.Facets[facetKeysFacet]; leaked {
			t.Errorf("%+v: the histogram shows up as a facet", r)
		}
	}
	if res := doSearch(t, ix, Request{Query: "visa"}); res.Histogram != nil {
		t.Error("histogram computed without being asked for")
	}
}

func TestOpenReplacesAnIndexWithAnOlderMapping(t *testing.T) {
	dir := t.TempDir()
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !ix.Recreated() {
		t.Error("a new index does not say it was created")
	}
	if err := ix.Put(context.Background(), testDocs()...); err != nil {
		t.Fatal(err)
	}
	ix.Close()
	ix, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := ix.Count(); ix.Recreated() || n != 7 {
		t.Errorf("reopening the current format: recreated %v, %d documents", ix.Recreated(), n)
	}
	// Pretend an older policywatch built it.
	if err := ix.bi.SetInternal([]byte(mappingVersionKey), []byte("1")); err != nil {
		t.Fatal(err)
	}
	ix.Close()
	ix, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if n, _ := ix.Count(); !ix.Recreated() || n != 0 {
		t.Errorf("an outdated index was kept: recreated %v, %d documents", ix.Recreated(), n)
	}
}

func TestYearFacetFollowsNewDocuments(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	doc := func(id int64, published string) model.Document {
		return model.Document{ID: id, URL: fmt.Sprintf("https://a.example/%d", id), Source: "a", Kind: model.KindNews,
			Lang: "en", Title: "Sanctions report", Text: "A report on sanctions.", Published: day(published),
			DateSource: model.DateFromMeta}
	}
	ix, _ := openTest(t, []model.Document{doc(1, "2020-07-14"), doc(2, "2021-01-15")})
	years := func() map[string]int {
		out := map[string]int{}
		for _, f := range doSearch(t, ix, Request{Query: "sanctions"}).Facets["year"] {
			out[f.Term] = f.Count
		}
		return out
	}
	if got := years(); len(got) != 2 || got["2020"] != 1 || got["2021"] != 1 {
		t.Fatalf("year facet = %v", got)
	}
	// A document from a year outside the span seen so far must show up in
	// the next search's year facet.
	if err := ix.Put(context.Background(), doc(3, "2025-03-31")); err != nil {
		t.Fatal(err)
	}
	if got := years(); got["2025"] != 1 || len(got) != 3 {
		t.Errorf("year facet after a 2025 document = %v, want 2020, 2021 and 2025", got)
	}
	// Years between with no match are not listed.
	if got := years(); got["2023"] != 0 {
		t.Errorf("empty year listed: %v", got)
	}
}
