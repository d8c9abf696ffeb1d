package web

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"policywatch/model"
)

// A page stamped 11:05 on 28 July in Wellington was published on 28 July,
// though that instant is still 27 July in UTC: the API and the pages show
// the publisher's day, as the page itself did.
func TestPublishedDayIsThePublishers(t *testing.T) {
	if testing.Short() {
		t.Skip("opens SQLite and Bleve")
	}
	ctx := context.Background()
	db, ix := openArchive(t)
	published := time.Date(2020, 7, 28, 11, 5, 0, 0, time.FixedZone("NZST", 12*3600))
	doc := &model.Document{
		URL: "https://news.example.nz/extradition", Source: "nz-news", Kind: model.KindNews,
		Title: "New Zealand suspends extradition treaty", Lang: "en",
		Text:      "New Zealand suspended its extradition treaty with Hong Kong today.",
		Published: published, DateSource: model.DateFromMeta, FetchedAt: published.Add(time.Hour), ContentHash: "nz1",
	}
	c := &model.Capture{FetchedAt: doc.FetchedAt, RequestURL: doc.URL, FinalURL: doc.URL, Status: 200,
		Header: http.Header{"Content-Type": {"text/html"}}, Body: []byte("<p>x</p>"), BodySHA256: "b", ContentHash: "nz1"}
	if _, err := db.SaveCapture(ctx, doc, c); err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{Store: db, Index: ix, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	h := s.Handler()
	for _, target := range []string{"/api/documents/" + itoa(doc.ID), "/documents/" + itoa(doc.ID)} {
		res, body := get(t, h, target)
		if res.StatusCode != 200 {
			t.Fatalf("%s: status %d", target, res.StatusCode)
		}
		if !strings.Contains(body, "2020-07-28") || strings.Contains(body, "2020-07-27") {
			t.Errorf("%s does not show the publisher's day 2020-07-28:\n%.1500s", target, body)
		}
	}

	// Search keeps the same day: the from/to filter, the hit's date and
	// the chart all say 28 July.
	if err := ix.Put(ctx, *doc); err != nil {
		t.Fatal(err)
	}
	search := func(from, to string) (total int, days []string) {
		t.Helper()
		res, body := get(t, h, "/api/search?q=extradition&from="+from+"&to="+to)
		if res.StatusCode != 200 {
			t.Fatalf("search %s..%s: status %d: %s", from, to, res.StatusCode, body)
		}
		var out struct {
			Total int `json:"total"`
			Hits  []struct {
				Published string `json:"published"`
			} `json:"hits"`
		}
		if err := json.Unmarshal([]byte(body), &out); err != nil {
			t.Fatal(err)
		}
		for _, h := range out.Hits {
			days = append(days, h.Published)
		}
		return out.Total, days
	}
	if n, days := search("2020-07-28", "2020-07-28"); n != 1 || len(days) != 1 || days[0] != "2020-07-28" {
		t.Errorf("search from=to=2020-07-28: %d hits dated %v, want the page, dated 2020-07-28", n, days)
	}
	if n, _ := search("2020-07-27", "2020-07-27"); n != 0 {
		t.Errorf("search from=to=2020-07-27 found %d, want none: the page is of 28 July", n)
	}
	res, body := get(t, h, "/api/search/histogram?q=extradition")
	var hist struct {
		Buckets []struct {
			Start string `json:"start"`
			Count int    `json:"count"`
		} `json:"buckets"`
	}
	if err := json.Unmarshal([]byte(body), &hist); err != nil || res.StatusCode != 200 {
		t.Fatalf("histogram: status %d, %v: %s", res.StatusCode, err, body)
	}
	if len(hist.Buckets) != 1 || hist.Buckets[0].Start != "2020-07-28" || hist.Buckets[0].Count != 1 {
		t.Errorf("histogram %+v, want the page counted on 2020-07-28", hist.Buckets)
	}
}
