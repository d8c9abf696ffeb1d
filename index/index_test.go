package index

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/mapping"

	"policywatch/model"
	"policywatch/query"
)

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func tags(categories, actors []string) []model.Tag {
	var out []model.Tag
	for _, c := range categories {
		out = append(out, model.Tag{Type: model.TagCategory, Value: c})
	}
	for _, a := range actors {
		out = append(out, model.Tag{Type: model.TagActor, Value: a})
	}
	return out
}

func testDocs() []model.Document {
	return []model.Document{
		{ID: 1, URL: "https://state.example/visa", Source: "state-gov", Kind: model.KindOfficial, Lang: "en",
			Title: "U.S. imposes visa restrictions on Chinese officials",
			Text: "The Secretary of State announced visa restrictions on current and former officials " +
				"responsible for undermining Hong Kong's autonomy. The visa restrictions take effect immediately.",
			Published: day("2020-06-26"), DateSource: model.DateFromMeta,
			Tags: tags([]string{"visa-restriction"}, []string{"us", "cn"})},
		{ID: 2, URL: "https://treasury.example/sanctions", Source: "treasury", Kind: model.KindOfficial, Lang: "en",
			Title: "Treasury sanctions Hong Kong officials",
			Text: "Treasury designated eleven individuals under the executive order. Their property is blocked. " +
				"Separately, existing visa rules were not changed.",
			Published: day("2020-08-07"), DateSource: model.DateFromJSONLD,
			Tags: tags([]string{"sanctions"}, []string{"us"})},
		{ID: 3, URL: "https://gov-uk.example/bno", Source: "gov-uk", Kind: model.KindOfficial, Lang: "en",
			Title:     "UK opens a path to citizenship for BN(O) status holders",
			Text:      "A new immigration route will let British Nationals (Overseas) live and work in the UK.",
			Published: day("2020-07-01"), DateSource: model.DateFromMeta,
			Tags: tags([]string{"immigration"}, []string{"uk"})},
		{ID: 4, URL: "https://harbourpost.example/canada", Source: "harbourpost", Kind: model.KindNews, Lang: "en",
			Title:     "Canada suspends extradition treaty with Hong Kong",
			Text:      "Canada suspended its extradition treaty with Hong Kong on Friday, citing the new law.",
			Published: day("2020-07-03"), DateSource: model.DateFromTime,
			Tags: tags([]string{"extradition"}, []string{"ca"})},
		{ID: 5, URL: "https://hkgov.example/nsl", Source: "hkgov-zh", Kind: model.KindOfficial, Lang: "zh-Hant",
			Title:     "《香港特別行政區維護國家安全法》刊憲生效",
			Text:      "香港特別行政區政府今日刊憲公布《中華人民共和國香港特別行政區維護國家安全法》，即時生效。",
			Published: day("2020-06-30"), DateSource: model.DateFromMeta,
			Tags: tags([]string{"national-security-law"}, []string{"hk"})},
		{ID: 6, URL: "https://metrodaily.example/hostile", Source: "metrodaily", Kind: model.KindNews, Lang: "en",
			Title:     "Officials respond to extradition concerns",
			Text:      "Officials warned <script>alert(1)</script> about extradition & sanctions \"risks\".",
			Published: day("2021-01-06"), DateSource: model.DateFromMeta,
			Tags: tags([]string{"extradition"}, []string{"uk"})},
		{ID: 7, URL: "https://metrodaily.example/undated", Source: "metrodaily", Kind: model.KindNews, Lang: "en",
			Title:     "Undated commentary on asylum",
			Text:      "An opinion piece about asylum claims.",
			Published: day("2024-05-05"), DateSource: model.DateFromCrawl, // not a publication date
			Tags: tags([]string{"asylum"}, nil)},
	}
}

// memArchive is an Archive over documents kept in memory, as the store
// keeps them.
type memArchive struct {
	mu   sync.Mutex
	docs map[int64]model.Document
}

func (m *memArchive) HitDocuments(_ context.Context, ids []int64) (map[int64]model.Document, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[int64]model.Document{}
	for _, id := range ids {
		if d, ok := m.docs[id]; ok {
			out[id] = d
		}
	}
	return out, nil
}

// putTest puts docs into ix and into its memArchive.
func putTest(t testing.TB, ix *Index, docs ...model.Document) {
	t.Helper()
	if m, ok := ix.archive.Load().Archive.(*memArchive); ok {
		m.mu.Lock()
		for _, d := range docs {
			m.docs[d.ID] = d
		}
		m.mu.Unlock()
	}
	if err := ix.Put(context.Background(), docs...); err != nil {
		t.Fatalf("Put: %v", err)
	}
}

// openTestAt opens the index in dir with a memArchive.
func openTestAt(t testing.TB, dir string) *Index {
	t.Helper()
	ix, err := Open(dir)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { ix.Close() })
	ix.SetArchive(&memArchive{docs: map[int64]model.Document{}})
	return ix
}

func openTest(t testing.TB, docs []model.Document) (*Index, string) {
	t.Helper()
	dir := t.TempDir()
	ix := openTestAt(t, dir)
	putTest(t, ix, docs...)
	return ix, dir
}

func ids(res *Result) []int64 {
	var out []int64
	for _, h := range res.Hits {
		out = append(out, h.ID)
	}
	return out
}

func sorted(v []int64) []int64 {
	v = slices.Clone(v)
	slices.Sort(v)
	return v
}

func doSearch(t *testing.T, ix *Index, r Request) *Result {
	t.Helper()
	res, err := ix.Search(context.Background(), r)
	if err != nil {
		t.Fatalf("Search(%+v): %v", r, err)
	}
	return res
}

func TestSearchMatches(t *testing.T) {
	ix, _ := openTest(t, testDocs())
	tests := []struct {
		q    string
		want []int64 // as a set
	}{
		{`"extradition treaty"`, []int64{4}},
		{`"treaty extradition"`, nil},
		{"extradition", []int64{4, 6}},
		{"extradition NOT treaty", []int64{6}},
		{"extradition -treaty", []int64{6}},
		{"(visa OR extradition) AND NOT kind:news", []int64{1, 2}},
		{"visa OR immigration", []int64{1, 2, 3}},
		{"sanction*", []int64{2, 6}},
		{"title:sanctions", []int64{2}},
		{`title:"visa restrictions"`, []int64{1}},
		{"source:treasury", []int64{2}},
		{"kind:news", []int64{4, 6, 7}},
		{"category:extradition", []int64{4, 6}},
		{"actor:US", []int64{1, 2}},
		{"category:extra*", []int64{4, 6}},
		{"lang:zh", []int64{5}},
		{"lang:en officials", []int64{1, 2, 6}},
		{"published:2020-07", []int64{3, 4}},
		{"published:<2020-07-01", []int64{1, 5}},
		{"published:>=2021-01-01", []int64{6}},
		{"published:2020-06-26..2020-07-01", []int64{1, 3, 5}},
		{"published:2024", nil}, // a crawl time is no publication date
		{"the visa restrictions", []int64{1}},
		{"國家安全", []int64{5}},
		{"国家安全", []int64{5}},
		{"国家安全法 生效", []int64{5}},
		{"香港 -國家安全", nil},
		{"港", []int64{5}},             // one character: inside a bigram
		{"效", []int64{5}},             // the second half of one
		{"國家安*", []int64{5}},          // a Chinese prefix is a substring search
		{"sanctions*", []int64{2, 6}}, // the stem of the prefix is tried too
		{"title:sanct*", []int64{2}},
		{"immigration sanctions", nil},
	}
	for _, tt := range tests {
		res := doSearch(t, ix, Request{Query: tt.q})
		if got := sorted(ids(res)); !slices.Equal(got, tt.want) {
			t.Errorf("%q found %v, want %v", tt.q, got, tt.want)
		}
		if int(res.Total) != len(tt.want) {
			t.Errorf("%q: Total = %d, want %d", tt.q, res.Total, len(tt.want))
		}
	}
}

func TestSearchRanksVisaDocFirst(t *testing.T) {
	ix, _ := openTest(t, testDocs())
	res := doSearch(t, ix, Request{Query: "visa restrictions"})
	if len(res.Hits) == 0 || res.Hits[0].ID != 1 {
		t.Fatalf("visa restrictions ranked %v, want 1 first", ids(res))
	}
	h := res.Hits[0]
	if h.Title != "U.S. imposes visa restrictions on Chinese officials" || h.URL != "https://state.example/visa" ||
		h.Source != "state-gov" || h.Kind != "official" || h.Lang != "en" || !h.Published.Equal(day("2020-06-26")) {
		t.Errorf("hit fields = %+v", h)
	}
	if !slices.Equal(h.Categories, []string{"visa-restriction"}) || !slices.Equal(h.Actors, []string{"us", "cn"}) {
		t.Errorf("hit tags = %v, %v", h.Categories, h.Actors)
	}
	if !strings.Contains(string(h.Snippet), "<mark>visa</mark> <mark>restrictions</mark>") {
		t.Errorf("snippet %q does not mark the terms", h.Snippet)
	}
	if h.Score <= 0 {
		t.Errorf("score = %v", h.Score)
	}
}

func TestSearchFilters(t *testing.T) {
	ix, _ := openTest(t, testDocs())
	tests := []struct {
		name string
		r    Request
		want []int64
	}{
		{"categories", Request{Categories: []string{"extradition"}}, []int64{4, 6}},
		{"categories all required", Request{Categories: []string{"extradition", "sanctions"}}, nil},
		{"actors", Request{Actors: []string{"us"}}, []int64{1, 2}},
		{"actors all required", Request{Actors: []string{"us", "cn"}}, []int64{1}},
		{"sources any", Request{Sources: []string{"treasury", "gov-uk"}}, []int64{2, 3}},
		{"kinds", Request{Kinds: []string{"news"}}, []int64{4, 6, 7}},
		{"langs prefix", Request{Langs: []string{"zh"}}, []int64{5}},
		{"from", Request{From: day("2020-08-01")}, []int64{2, 6}},
		{"to inclusive", Request{To: day("2020-06-30")}, []int64{1, 5}},
		{"from to", Request{From: day("2020-07-01"), To: day("2020-07-03")}, []int64{3, 4}},
		{"blank values ignored", Request{Categories: []string{""}, Sources: []string{" "}}, []int64{1, 2, 3, 4, 5, 6, 7}},
		{"query and filter", Request{Query: "officials", Kinds: []string{"official"}}, []int64{1, 2}},
	}
	for _, tt := range tests {
		res := doSearch(t, ix, tt.r)
		if got := sorted(ids(res)); !slices.Equal(got, tt.want) {
			t.Errorf("%s: found %v, want %v", tt.name, got, tt.want)
		}
	}
}

func facet(res *Result, name string) map[string]int {
	m := map[string]int{}
	for _, f := range res.Facets[name] {
		m[f.Term] = f.Count
	}
	return m
}

func TestFacetsFollowFilters(t *testing.T) {
	ix, _ := openTest(t, testDocs())
	all := doSearch(t, ix, Request{})
	if got := facet(all, "category"); got["extradition"] != 2 || got["sanctions"] != 1 || got["visa-restriction"] != 1 {
		t.Errorf("category facet = %v", got)
	}
	if got := facet(all, "kind"); got["official"] != 4 || got["news"] != 3 {
		t.Errorf("kind facet = %v", got)
	}
	if got := facet(all, "lang"); got["en"] != 6 || got["zh-hant"] != 1 {
		t.Errorf("lang facet = %v", got)
	}
	if got := facet(all, "year"); len(got) != 2 || got["2020"] != 5 || got["2021"] != 1 {
		t.Errorf("year facet = %v (the crawl-dated document has no year)", got)
	}
	if first := all.Facets["category"][0]; first.Term != "extradition" {
		t.Errorf("category facet starts with %v, want the most frequent", first)
	}

	filtered := doSearch(t, ix, Request{Categories: []string{"extradition"}})
	if got := facet(filtered, "category"); len(got) != 1 || got["extradition"] != 2 {
		t.Errorf("category facet under the filter = %v", got)
	}
	if got := facet(filtered, "kind"); len(got) != 1 || got["news"] != 2 {
		t.Errorf("kind facet under the filter = %v", got)
	}
	if got := facet(filtered, "actor"); got["ca"] != 1 || got["uk"] != 1 || got["us"] != 0 {
		t.Errorf("actor facet under the filter = %v", got)
	}
	if got := facet(filtered, "year"); got["2020"] != 1 || got["2021"] != 1 {
		t.Errorf("year facet under the filter = %v", got)
	}
}

func TestSearchChineseSnippet(t *testing.T) {
	ix, _ := openTest(t, testDocs())
	for _, q := range []string{"國家安全", "国家安全"} {
		res := doSearch(t, ix, Request{Query: q})
		if len(res.Hits) != 1 {
			t.Fatalf("%s: %v", q, ids(res))
		}
		// The snippet shows the page's own (Traditional) text.
		if s := string(res.Hits[0].Snippet); !strings.Contains(s, "<mark>國家安全</mark>") || !utf8.ValidString(s) {
			t.Errorf("%s: snippet %q", q, s)
		}
	}
}

func TestSearchSyntaxError(t *testing.T) {
	ix, _ := openTest(t, testDocs())
	_, err := ix.Search(context.Background(), Request{Query: "visa AND (sanctions"})
	var se *query.SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("error = %v, want *query.SyntaxError", err)
	}
	if se.Pos != len("visa AND (sanctions") {
		t.Errorf("position = %d", se.Pos)
	}
}

func TestSnippetEscapesCrawledText(t *testing.T) {
	ix, _ := openTest(t, testDocs())
	for _, q := range []string{"alert", "sanctions", ""} {
		res := doSearch(t, ix, Request{Query: q, Sources: []string{"metrodaily"}, Kinds: []string{"news"}, Categories: []string{"extradition"}})
		if len(res.Hits) != 1 || res.Hits[0].ID != 6 {
			t.Fatalf("%q: hits %v", q, ids(res))
		}
		s := string(res.Hits[0].Snippet)
		if strings.Contains(s, "<script") || !strings.Contains(s, "&lt;script&gt;") {
			t.Errorf("%q: snippet not escaped: %q", q, s)
		}
		bare := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(s)
		if strings.ContainsAny(bare, "<>\"") || strings.Contains(bare, "& ") {
			t.Errorf("%q: snippet has markup besides <mark>: %q", q, s)
		}
		if q != "" && !strings.Contains(s, "<mark>"+q+"</mark>") {
			t.Errorf("%q: snippet does not mark the term: %q", q, s)
		}
	}
}

func TestDeepPagingByDateIsStable(t *testing.T) {
	var docs []model.Document
	for i := 1; i <= 57; i++ {
		docs = append(docs, model.Document{
			ID: int64(i), URL: fmt.Sprintf("https://x.example/%d", i), Source: "x", Kind: model.KindNews, Lang: "en",
			Title: fmt.Sprintf("Report %d on sanctions", i), Text: "sanctions",
			// Many documents share a day so only the tie-break keeps pages apart.
			Published: day("2020-07-01").AddDate(0, 0, i%5), DateSource: model.DateFromMeta,
		})
	}
	ix, _ := openTest(t, docs)
	pageThrough := func() []int64 {
		var got []int64
		var last time.Time
		for page := 1; ; page++ {
			res := doSearch(t, ix, Request{Query: "sanctions", Sort: SortDate, Page: page, PerPage: 10})
			if res.Total != 57 {
				t.Fatalf("Total = %d", res.Total)
			}
			if len(res.Hits) == 0 {
				break
			}
			for _, h := range res.Hits {
				if !last.IsZero() && h.Published.After(last) {
					t.Fatalf("page %d: %d (%v) after an older one", page, h.ID, h.Published)
				}
				last = h.Published
				got = append(got, h.ID)
			}
		}
		return got
	}
	first := pageThrough()
	if len(first) != 57 || len(slices.Compact(sorted(first))) != 57 {
		t.Fatalf("paging returned %d hits, %d distinct", len(first), len(slices.Compact(sorted(first))))
	}
	if again := pageThrough(); !slices.Equal(first, again) {
		t.Errorf("paging twice gave different orders:\n%v\n%v", first, again)
	}
	if res := doSearch(t, ix, Request{Query: "sanctions", PerPage: 1000}); len(res.Hits) != 57 {
		t.Errorf("PerPage 1000 gave %d hits", len(res.Hits))
	}
	if res := doSearch(t, ix, Request{Query: "sanctions"}); len(res.Hits) != DefaultPerPage {
		t.Errorf("default page has %d hits", len(res.Hits))
	}
}

func TestReopenKeepsDocuments(t *testing.T) {
	dir := t.TempDir()
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Put(context.Background(), testDocs()...); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	ix, err = Open(dir)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer ix.Close()
	if n, err := ix.Count(); err != nil || n != uint64(len(testDocs())) {
		t.Fatalf("Count after reopen = %d, %v", n, err)
	}
	if im, ok := ix.bi.Mapping().(*mapping.IndexMappingImpl); !ok || im.ScoringModel != "bm25" {
		t.Errorf("reopened index does not score with bm25: %T", ix.bi.Mapping())
	}
	// The Chinese analyzer (with its custom char filter) survives reopening.
	if res := doSearch(t, ix, Request{Query: "國家安全"}); !slices.Equal(ids(res), []int64{5}) {
		t.Errorf("Chinese search after reopen: %v", ids(res))
	}
	if err := ix.Delete(context.Background(), 5, 6, 999); err != nil {
		t.Fatal(err)
	}
	if n, _ := ix.Count(); n != uint64(len(testDocs())-2) {
		t.Errorf("Count after Delete = %d", n)
	}
	if res := doSearch(t, ix, Request{Query: "国家安全"}); len(res.Hits) != 0 {
		t.Errorf("deleted document still found: %v", ids(res))
	}
}

func TestOpenTwiceFailsInsteadOfHanging(t *testing.T) {
	_, dir := openTest(t, testDocs()[:1])
	done := make(chan error, 1)
	go func() {
		ix, err := Open(dir)
		if err == nil {
			ix.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil {
			t.Error("second Open of an open index succeeded")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("second Open still blocked after 10s")
	}
}

func TestPutReplacesByID(t *testing.T) {
	ix, _ := openTest(t, testDocs())
	d := testDocs()[3]
	d.Title, d.Text = "Canada ends the treaty", "Replaced text about a surrender agreement."
	if err := ix.Put(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	if n, _ := ix.Count(); n != uint64(len(testDocs())) {
		t.Errorf("Count = %d after replacing a document", n)
	}
	if res := doSearch(t, ix, Request{Query: "surrender"}); !slices.Equal(ids(res), []int64{4}) {
		t.Errorf("new text not found: %v", ids(res))
	}
	if res := doSearch(t, ix, Request{Query: "extradition"}); !slices.Equal(ids(res), []int64{6}) {
		t.Errorf("old text still found: %v", ids(res))
	}
}

func TestHistogram(t *testing.T) {
	ix, _ := openTest(t, testDocs())
	months, err := ix.Histogram(context.Background(), Request{}, BucketMonth)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"2020-06": 2, "2020-07": 2, "2020-08": 1, "2020-09": 0, "2020-12": 0, "2021-01": 1}
	if len(months) != 8 {
		t.Fatalf("%d month buckets from 2020-06 to 2021-01, want 8: %v", len(months), months)
	}
	for _, b := range months {
		if w, ok := want[b.Start.Format("2006-01")]; ok && b.Count != w {
			t.Errorf("%s: %d, want %d", b.Start.Format("2006-01"), b.Count, w)
		}
	}
	days, err := ix.Histogram(context.Background(), Request{Categories: []string{"extradition"}}, BucketDay)
	if err != nil {
		t.Fatal(err)
	}
	sum := 0
	for _, b := range days {
		sum += b.Count
	}
	if first, last := days[0], days[len(days)-1]; !first.Start.Equal(day("2020-07-03")) || !last.Start.Equal(day("2021-01-06")) || sum != 2 {
		t.Errorf("day histogram of extradition: %d buckets %v..%v summing to %d", len(days), first.Start, last.Start, sum)
	}
	years, err := ix.Histogram(context.Background(), Request{Query: "國家安全"}, BucketYear)
	if err != nil || len(years) != 1 || years[0].Count != 1 || years[0].Start.Year() != 2020 {
		t.Errorf("year histogram of 國家安全 = %v, %v", years, err)
	}
	if _, err := ix.Histogram(context.Background(), Request{}, "week"); err == nil {
		t.Error("unknown bucket accepted")
	}
	if b, err := ix.Histogram(context.Background(), Request{Query: "nothingmatchesthis"}, BucketDay); err != nil || len(b) != 0 {
		t.Errorf("histogram of no matches = %v, %v", b, err)
	}
}

func TestSimilar(t *testing.T) {
	docs := []model.Document{
		{ID: 1, Lang: "en", Title: "Canada suspends extradition treaty with Hong Kong",
			Text: "Canada suspended its extradition treaty with Hong Kong and will no longer export sensitive military items, citing the national security law."},
		{ID: 2, Lang: "en", Title: "Australia suspends extradition treaty with Hong Kong",
			Text: "Australia suspended its extradition treaty with Hong Kong and extended visas for students, citing the national security law."},
		{ID: 3, Lang: "en", Title: "New Zealand suspends extradition treaty",
			Text: "New Zealand suspended its extradition treaty with Hong Kong and will treat military exports as it treats China."},
		{ID: 4, Lang: "en", Title: "Treasury sanctions officials",
			Text: "The Treasury sanctioned eleven officials and blocked their property under an executive order."},
		{ID: 5, Lang: "en", Title: "Sanctions on banks considered",
			Text: "Congress considered sanctions on banks that do business with sanctioned officials."},
		{ID: 6, Lang: "zh-Hant", Title: "國家安全法刊憲生效", Text: "香港特別行政區維護國家安全法今日刊憲生效。"},
		{ID: 7, Lang: "zh-Hans", Title: "国家安全法实施", Text: "香港特别行政区维护国家安全法实施一周年。"},
		{ID: 8, Lang: "en", Title: "Weather", Text: "Sunny with a chance of rain over the harbour."},
	}
	for i := range docs {
		docs[i].URL = fmt.Sprintf("https://x.example/%d", docs[i].ID)
	}
	ix, _ := openTest(t, docs)
	tests := []struct {
		id   int64
		want []int64 // the top hits, as a set
	}{
		{1, []int64{2, 3}},
		{4, []int64{5}},
		{6, []int64{7}},
	}
	for _, tt := range tests {
		hits, err := ix.Similar(context.Background(), tt.id, 10)
		if err != nil {
			t.Fatalf("Similar(%d): %v", tt.id, err)
		}
		var got []int64
		for _, h := range hits {
			if h.ID == tt.id {
				t.Errorf("Similar(%d) returned the document itself", tt.id)
			}
			got = append(got, h.ID)
		}
		if len(got) < len(tt.want) || !slices.Equal(sorted(got[:len(tt.want)]), tt.want) {
			t.Errorf("Similar(%d) = %v, want %v first", tt.id, got, tt.want)
		}
	}
	if _, err := ix.Similar(context.Background(), 99, 10); !errors.Is(err, ErrNotFound) {
		t.Errorf("Similar(unknown) error = %v, want ErrNotFound", err)
	}
}

func TestOddQueriesDoNotFail(t *testing.T) {
	ix, _ := openTest(t, testDocs())
	tests := []struct {
		q    string
		r    Request
		want int // matches
	}{
		{q: "published:1500", want: 0},
		{q: "published:<1500", want: 0},
		{q: "published:>=1500", want: 6},
		{q: "published:>=9999", want: 0},
		{q: "published:<9999", want: 6},
		{q: "&", want: 7},
		{q: "NOT &", want: 0},
		{q: "the", want: 7},
		{q: "visa the", want: 2},
		{q: "", r: Request{From: time.Date(1200, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)}, want: 6},
		{q: "", r: Request{Sort: "bogus", Page: -3, PerPage: -1}, want: 7},
	}
	for _, tt := range tests {
		tt.r.Query = tt.q
		res, err := ix.Search(context.Background(), tt.r)
		if err != nil {
			t.Errorf("%q: %v", tt.q, err)
			continue
		}
		if int(res.Total) != tt.want {
			t.Errorf("%q: %d matches, want %d", tt.q, res.Total, tt.want)
		}
	}
	old := model.Document{ID: 99, URL: "https://x.example/old", Title: "Old", Text: "Treaty of Nanking",
		Published: time.Date(1842, 8, 29, 0, 0, 0, 0, time.UTC), DateSource: model.DateFromText}
	ancient := model.Document{ID: 100, URL: "https://x.example/ancient", Title: "Ancient", Text: "Treaty text",
		Published: time.Date(1200, 1, 1, 0, 0, 0, 0, time.UTC), DateSource: model.DateFromText}
	putTest(t, ix, old, ancient)
	if res := doSearch(t, ix, Request{Query: "published:1842"}); !slices.Equal(ids(res), []int64{99}) {
		t.Errorf("published:1842 found %v", ids(res))
	}
}

// FuzzSearch checks that every query the parser accepts also runs: the
// translation to Bleve must never build a query Bleve rejects.
func FuzzSearch(f *testing.F) {
	for _, s := range []string{
		"visa restrictions", `"extradition treaty" -kind:news`, "title:sanct* OR 國家安*", "港",
		"published:2020-07..2021", "lang:zh category:extra*", "(a OR (b -c)) NOT d", "&", "NOT the",
	} {
		f.Add(s)
	}
	dir := f.TempDir()
	ix, err := Open(dir)
	if err != nil {
		f.Fatal(err)
	}
	defer ix.Close()
	if err := ix.Put(context.Background(), testDocs()...); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, q string) {
		if _, err := query.Parse(q); err != nil {
			return
		}
		if _, err := ix.Search(context.Background(), Request{Query: q}); err != nil {
			t.Fatalf("Search(%q): %v", q, err)
		}
	})
}

func TestRelevancePrefersOfficialSources(t *testing.T) {
	text := "The government announced visa restrictions on officials responsible for the crackdown."
	docs := []model.Document{
		{ID: 1, URL: "https://news.example/1", Kind: model.KindNews, Lang: "en", Title: "Visa restrictions announced", Text: text},
		{ID: 2, URL: "https://gov.example/2", Kind: model.KindOfficial, Lang: "en", Title: "Visa restrictions announced", Text: text},
		{ID: 3, URL: "https://gov.example/3", Kind: model.KindOfficial, Lang: "en", Title: "Annual report on trade, ports, shipping and many other matters",
			Text: strings.Repeat("Trade volumes through the port grew again this year. ", 30) + "One paragraph mentions visa rules."},
	}
	ix, _ := openTest(t, docs)
	res := doSearch(t, ix, Request{Query: "visa restrictions"})
	if got := ids(res); !slices.Equal(got, []int64{2, 1}) {
		t.Errorf("ranking %v, want the official copy (2) before the news copy (1), and 3 not at all", got)
	}
	res = doSearch(t, ix, Request{Query: "visa"})
	if got := ids(res); len(got) != 3 || got[2] != 3 {
		t.Errorf("ranking %v: a passing mention in an official document should not beat focused coverage", got)
	}
	// Sorting by date ignores the preference entirely.
	res = doSearch(t, ix, Request{Query: "visa", Sort: SortDate})
	if res.Total != 3 {
		t.Errorf("date sort found %d", res.Total)
	}
}

// A Put of several batches builds them side by side; a document given
// twice must still end up as its later copy, and every other one indexed.
func TestLargePutKeepsTheLaterCopy(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes 4,500 documents")
	}
	ix, _ := openTest(t, nil)
	var docs []model.Document
	for i := 1; i <= 4500; i++ {
		docs = append(docs, model.Document{ID: int64(i), URL: fmt.Sprintf("https://x.example/%d", i), Source: "x",
			Kind: model.KindNews, Lang: "en", Title: "Statement", Text: "visa restrictions"})
	}
	docs[6].Text = "an early draft about extradition"
	later := docs[6]
	later.Text = "the final text about sanctions"
	docs = append(docs[:4300], append([]model.Document{later}, docs[4300:]...)...)
	putTest(t, ix, docs...)
	if n, err := ix.Count(); err != nil || n != 4500 {
		t.Fatalf("%d documents indexed (%v), want 4500", n, err)
	}
	if res := doSearch(t, ix, Request{Query: "sanctions"}); res.Total != 1 || res.Hits[0].ID != 7 {
		t.Errorf("sanctions: %d matches %v, want document 7 only", res.Total, ids(res))
	}
	if res := doSearch(t, ix, Request{Query: "extradition"}); res.Total != 0 {
		t.Errorf("the replaced copy is still found: %v", ids(res))
	}
}

// A process held to a small memory limit builds one batch at a time.
func TestPutWorkersFollowTheMemoryLimit(t *testing.T) {
	if got := putWorkersWithin(1 << 30); got != 1 {
		t.Errorf("under GOMEMLIMIT=1GiB: %d batches at once, want 1", got)
	}
	if got, want := putWorkersWithin(math.MaxInt64), min(putWorkers, runtime.GOMAXPROCS(0)); got != want {
		t.Errorf("without a limit: %d batches at once, want %d", got, want)
	}
}

// A hit shows the document as the archive holds it now, not as it was
// indexed: a title corrected in the store shows at once, before the index
// takes the change in, and a document the store no longer holds is left
// out of the hits rather than shown empty.
func TestHitsShowTheArchivesDocuments(t *testing.T) {
	ix, _ := openTest(t, testDocs())
	arch := ix.archive.Load().Archive.(*memArchive)
	first := doSearch(t, ix, Request{Query: "visa"})
	if len(first.Hits) < 2 {
		t.Fatalf("visa: %d hits, want at least 2", len(first.Hits))
	}
	top, second := first.Hits[0], first.Hits[1]
	if top.Title == "" || top.URL == "" || top.Snippet == "" {
		t.Fatalf("hit %+v lacks its title, URL or snippet", top)
	}
	arch.mu.Lock()
	d := arch.docs[top.ID]
	d.Title = "Corrected: " + d.Title
	arch.docs[top.ID] = d
	delete(arch.docs, second.ID)
	arch.mu.Unlock()
	ix.SetCacheSize(0) // the cached page would hide the change

	res := doSearch(t, ix, Request{Query: "visa"})
	if res.Hits[0].ID != top.ID || res.Hits[0].Title != d.Title {
		t.Errorf("first hit %d %q, want %d %q", res.Hits[0].ID, res.Hits[0].Title, top.ID, d.Title)
	}
	for _, h := range res.Hits {
		if h.ID == second.ID {
			t.Errorf("hit %d shown, though the archive no longer holds it", h.ID)
		}
	}
	if res.Total != first.Total {
		t.Errorf("total %d, want %d: the index still has the document until it is told", res.Total, first.Total)
	}
}

// A bulk load leaves segments of every size behind it; Compact merges all
// but the largest, and the index answers exactly as before.
func TestCompactMergesTheSmallerSegments(t *testing.T) {
	ctx := context.Background()
	ix, _ := openTest(t, nil)
	docs := testDocs()
	var all []model.Document
	for i := range 2150 {
		for _, d := range docs {
			d.ID += int64(i * 1000)
			d.URL = fmt.Sprintf("%s/%d", d.URL, i)
			all = append(all, d)
		}
	}
	// Puts of putBatch documents, one segment each: Bleve's own merging
	// makes one of ten of them and leaves the rest.
	for start := 0; start < len(all); start += putBatch {
		putTest(t, ix, all[start:min(len(all), start+putBatch)]...)
	}
	_, before, err := ix.segmentSizes()
	if err != nil || before < 3 {
		t.Fatalf("%d segments (%v) before Compact; the test needs at least 3", before, err)
	}
	requests := []Request{{Query: "visa"}, {Query: `"national security law"`}, {Query: "sanctions", Sort: SortDate, Page: 2}, {Categories: []string{"sanction"}}}
	var want []*Result
	for _, r := range requests {
		want = append(want, doSearch(t, ix, r))
	}
	if err := ix.Compact(ctx); err != nil {
		t.Fatal(err)
	}
	_, after, err := ix.segmentSizes()
	if err != nil || after > 2 {
		t.Errorf("%d segments after Compact (%v), want at most 2 (was %d)", after, err, before)
	}
	for i, r := range requests {
		got := doSearch(t, ix, r)
		if got.Total != want[i].Total || !slices.Equal(ids(got), ids(want[i])) {
			t.Errorf("%+v after Compact: %d %v, want %d %v", r, got.Total, ids(got), want[i].Total, ids(want[i]))
		}
	}
}
