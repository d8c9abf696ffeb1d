package index

import (
	"context"
	"testing"
	"time"

	"policywatch/model"
)

// A page dated 2020-07-01 00:30 in Hong Kong was published on 1 July,
// though the instant is still 30 June in UTC. The document page and the
// API show 1 July (the publisher's day), so the index has to file it
// under 1 July too: a search filtered to that day finds it, one filtered
// to 30 June does not, the chart and the year facet count it on 1 July,
// and its hit carries the instant with the publisher's offset.
func TestIndexKeysThePublishersDay(t *testing.T) {
	ctx := context.Background()
	hk := time.FixedZone("HKT", 8*3600)
	published := time.Date(2020, 7, 1, 0, 30, 0, 0, hk)
	docs := []model.Document{
		{ID: 1, URL: "https://news.example.hk/nsl", Source: "hk-news", Kind: model.KindNews, Lang: "en",
			Title: "National security law takes effect", Text: "The national security law took effect overnight in Hong Kong.",
			Published: published, DateSource: model.DateFromMeta},
		// Late on 30 June in Washington is 1 July in UTC: the other way round.
		{ID: 2, URL: "https://state.example/statement", Source: "state-gov", Kind: model.KindOfficial, Lang: "en",
			Title: "Statement on the national security law", Text: "The United States condemns the national security law.",
			Published: time.Date(2020, 6, 30, 22, 15, 0, 0, time.FixedZone("EDT", -4*3600)), DateSource: model.DateFromMeta},
	}
	ix, _ := openTest(t, docs)

	found := func(from, to string) []int64 {
		t.Helper()
		res, err := ix.Search(ctx, Request{Query: "national security law", From: day(from), To: day(to).Add(24*time.Hour - time.Nanosecond)})
		if err != nil {
			t.Fatal(err)
		}
		return ids(res)
	}
	if got := found("2020-07-01", "2020-07-01"); len(got) != 1 || got[0] != 1 {
		t.Errorf("from=to=2020-07-01 found %v, want the Hong Kong page [1]", got)
	}
	if got := found("2020-06-30", "2020-06-30"); len(got) != 1 || got[0] != 2 {
		t.Errorf("from=to=2020-06-30 found %v, want the Washington statement [2]", got)
	}
	// The same through the query language's published: filter.
	res, err := ix.Search(ctx, Request{Query: "published:2020-07-01"})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(res); len(got) != 1 || got[0] != 1 {
		t.Errorf("published:2020-07-01 found %v, want [1]", got)
	}

	days, err := ix.Histogram(ctx, Request{}, BucketDay)
	if err != nil {
		t.Fatal(err)
	}
	perDay := map[string]int{}
	for _, b := range days {
		perDay[b.Start.Format(time.DateOnly)] = b.Count
	}
	if perDay["2020-07-01"] != 1 || perDay["2020-06-30"] != 1 {
		t.Errorf("day histogram %v, want one on 2020-06-30 and one on 2020-07-01", perDay)
	}
	months, err := ix.Histogram(ctx, Request{Query: "overnight"}, BucketMonth)
	if err != nil || len(months) != 1 || months[0].Start.Format("2006-01") != "2020-07" || months[0].Count != 1 {
		t.Errorf("month histogram of the Hong Kong page = %v (%v), want 2020-07: 1", months, err)
	}

	// Sorted by date, newest day first: 1 July before 30 June.
	res, err = ix.Search(ctx, Request{Sort: SortDate})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(res); len(got) != 2 || got[0] != 1 || got[1] != 2 {
		t.Errorf("sorted by date: %v, want [1 2] (1 July, then 30 June)", got)
	}
	for _, h := range res.Hits {
		want := docs[h.ID-1].Published
		if !h.Published.Equal(want) || h.Published.Format(time.RFC3339) != want.Format(time.RFC3339) {
			t.Errorf("hit %d published %s, want %s (the instant, with the publisher's offset)", h.ID, h.Published.Format(time.RFC3339), want.Format(time.RFC3339))
		}
	}
	// Each (exports, feeds) too.
	var eachDates []string
	if err := ix.Each(ctx, Request{}, func(h Hit) error {
		eachDates = append(eachDates, h.Published.Format(time.RFC3339))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(eachDates) != 2 || eachDates[0] != published.Format(time.RFC3339) {
		t.Errorf("Each gave dates %v, want the Hong Kong page first, at %s", eachDates, published.Format(time.RFC3339))
	}
}
