package index

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"policywatch/model"
)

// Date filters are answered from the key table rather than from terms in
// the index. Over several segments, with deleted and replaced documents,
// undated and crawl-dated ones, every filter must find exactly the dated
// documents in its range, alone, beside a word, and negated, and the sort
// by date (Each pages through Bleve's own sort on the field) must list
// them newest first.
func TestDateFilterFindsExactlyTheDocumentsInRange(t *testing.T) {
	ctx := context.Background()
	base := time.Date(2020, 6, 28, 0, 0, 0, 0, time.UTC)
	var docs []model.Document
	for i := range 120 {
		d := model.Document{
			ID: int64(i + 1), URL: fmt.Sprintf("https://example.org/%d", i+1), Source: "example", Kind: model.KindNews, Lang: "en",
			Title: fmt.Sprintf("Report %d", i+1), Text: "Sanctions and visa restrictions were announced.",
			// Every five hours, so that days have several documents and
			// some fall exactly on midnight.
			Published: base.Add(time.Duration(i*5) * time.Hour), DateSource: model.DateFromMeta,
		}
		if i%3 == 0 {
			d.Text = "Extradition treaties were suspended."
		}
		switch i % 17 {
		case 5:
			d.Published, d.DateSource = time.Time{}, ""
		case 11:
			d.DateSource = model.DateFromCrawl // not a publication date
		}
		docs = append(docs, d)
	}
	ix, _ := openTest(t, nil)
	// Four Puts, four segments at least.
	for start := 0; start < len(docs); start += 30 {
		putTest(t, ix, docs[start:start+30]...)
	}
	// Deleted, and replaced with another date: the old copy must not match.
	if err := ix.Delete(ctx, 7, 8, 64); err != nil {
		t.Fatal(err)
	}
	docs[20].Published = time.Date(2019, 1, 2, 3, 4, 5, 0, time.UTC)
	putTest(t, ix, docs[20])
	live := slices.DeleteFunc(slices.Clone(docs), func(d model.Document) bool { return d.ID == 7 || d.ID == 8 || d.ID == 64 })

	dated := func(d model.Document) bool { return !d.Published.IsZero() && d.DateSource != model.DateFromCrawl }
	want := func(from, to time.Time, text string) []int64 {
		var out []int64
		for _, d := range live {
			if dated(d) && !d.Published.Before(from) && !d.Published.After(to) && (text == "" || d.Text == text) {
				out = append(out, d.ID)
			}
		}
		return out
	}
	all := func(r Request) []int64 {
		t.Helper()
		var found []int64
		r.PerPage = 50
		for r.Page = 1; ; r.Page++ {
			res := doSearch(t, ix, r)
			found = append(found, ids(res)...)
			if len(res.Hits) < r.PerPage {
				if res.Total != uint64(len(found)) {
					t.Fatalf("%+v: total %d, %d hits", r, res.Total, len(found))
				}
				return sorted(found)
			}
		}
	}
	for _, c := range []struct{ from, to time.Time }{
		{day("2020-07-01"), day("2020-07-01").Add(24*time.Hour - time.Nanosecond)},
		{day("2020-06-28"), day("2020-07-03")}, // to exactly on a document's time: included
		{base.Add(5*time.Hour + time.Nanosecond), base.Add(50 * time.Hour)},
		{day("2019-01-02"), day("2019-01-02").Add(24*time.Hour - time.Nanosecond)},
		{day("2021-01-01"), day("2021-12-31")},
	} {
		if got, w := all(Request{From: c.from, To: c.to}), want(c.from, c.to, ""); !slices.Equal(got, w) {
			t.Errorf("from %v to %v: found %v, want %v", c.from, c.to, got, w)
		}
		text := "Extradition treaties were suspended."
		if got, w := all(Request{Query: "extradition", From: c.from, To: c.to}), want(c.from, c.to, text); !slices.Equal(got, w) {
			t.Errorf("extradition from %v to %v: found %v, want %v", c.from, c.to, got, w)
		}
	}
	// Open bounds: every dated document; the query language's date
	// ranges end before their last day's end (exclusive of the next day).
	if got, w := all(Request{From: day("1990-01-01")}), want(day("1990-01-01"), day("2100-01-01"), ""); !slices.Equal(got, w) {
		t.Errorf("from 1990: found %v, want %v", got, w)
	}
	// Alone, the filter is the whole query: nothing else skips the
	// deleted documents (7 and 8 were published on 29 June).
	for _, d := range []string{"2020-07-01", "2020-06-29", "2020-07-02"} {
		if got, w := all(Request{Query: "published:" + d}), want(day(d), day(d).Add(24*time.Hour-time.Nanosecond), ""); !slices.Equal(got, w) {
			t.Errorf("published:%s found %v, want %v", d, got, w)
		}
	}
	notJuly := all(Request{Query: "sanctions NOT published:2020-07-01"})
	for _, id := range notJuly {
		d := docs[id-1]
		if dated(d) && d.Published.Format(time.DateOnly) == "2020-07-01" {
			t.Errorf("sanctions NOT published:2020-07-01 found %d, dated %v", id, d.Published)
		}
	}

	// Newest first, undated last, through Bleve's sort on the field.
	var order []int64
	if err := ix.Each(ctx, Request{From: day("1990-01-01")}, func(h Hit) error { order = append(order, h.ID); return nil }); err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(order); i++ {
		if a, b := docs[order[i-1]-1].Published, docs[order[i]-1].Published; a.Before(b) {
			t.Fatalf("Each: %d (%v) before %d (%v)", order[i-1], a, order[i], b)
		}
	}
	if len(order) != len(want(day("1990-01-01"), day("2100-01-01"), "")) {
		t.Errorf("Each listed %d dated documents, want %d", len(order), len(want(day("1990-01-01"), day("2100-01-01"), "")))
	}
}

func TestPublishedKeySortsAsTimesDo(t *testing.T) {
	times := []time.Time{
		time.Date(1680, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(1969, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Unix(0, 0).UTC(),
		time.Date(2020, 6, 30, 23, 0, 0, 0, time.UTC),
		time.Date(2020, 6, 30, 23, 0, 0, 1, time.UTC),
		time.Date(2260, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	for i, tm := range times {
		k := publishedKey(tm)
		if ns, ok := parsePublishedKey([]byte(k)); !ok || ns != tm.UnixNano() {
			t.Errorf("parsePublishedKey(publishedKey(%v)) = %d, %v", tm, ns, ok)
		}
		if i > 0 && publishedKey(times[i-1]) >= k {
			t.Errorf("publishedKey(%v) = %s sorts before or with %v's %s", tm, k, times[i-1], publishedKey(times[i-1]))
		}
	}
	for _, bad := range []string{"", "2020-06-30", "zzzzzzzzzzzzzzzz", "00000000000000000"} {
		if _, ok := parsePublishedKey([]byte(bad)); ok {
			t.Errorf("parsePublishedKey(%q) accepted", bad)
		}
	}
}
