package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"policywatch/model"
)

// TestWithRealStoreAndIndex runs the server over a SQLite store and a
// Bleve index in a temporary directory, so the interfaces here are known
// to fit the real packages and hostile crawled content stays inert end to
// end.
func TestWithRealStoreAndIndex(t *testing.T) {
	if testing.Short() {
		t.Skip("opens SQLite and Bleve")
	}
	ctx := context.Background()
	db, ix := openArchive(t)

	fetched := time.Date(2020, 7, 2, 10, 0, 0, 0, time.UTC)
	page := `<html><body><h1>Visa restrictions</h1><p>The Department imposes visa restrictions.</p>` +
		`<script>alert(1)</script><img src=x onerror=alert(2)><a href="javascript:alert(3)">x</a></body></html>`
	doc := &model.Document{
		URL: "https://www.state.gov/visa", Source: "us-state", Kind: model.KindOfficial,
		Title: "Visa restrictions " + hostile, Lang: "en",
		Text:      "The Department imposes visa restrictions on officials.\n" + hostile + " <img src=x onerror=alert(2)>",
		Published: day("2020-06-26"), DateSource: model.DateFromMeta, FetchedAt: fetched,
		ContentHash: "h1",
	}
	c := &model.Capture{FetchedAt: fetched, RequestURL: doc.URL, FinalURL: doc.URL, Status: 200,
		Header: http.Header{"Content-Type": {"text/html"}}, Body: []byte(page), BodySHA256: "b1", ContentHash: "h1"}
	if _, err := db.SaveCapture(ctx, doc, c); err != nil {
		t.Fatal(err)
	}
	doc.Tags = []model.Tag{{Type: model.TagCategory, Value: "visa-restriction", Score: 3,
		Matches: []model.Match{{Phrase: "visa restrictions", Field: "text", Offset: 27}}}}
	if err := db.SetTags(ctx, doc.ID, doc.Tags); err != nil {
		t.Fatal(err)
	}
	if err := ix.Put(ctx, *doc); err != nil {
		t.Fatal(err)
	}
	caps, err := db.Captures(ctx, doc.ID)
	if err != nil || len(caps) != 1 {
		t.Fatalf("captures: %v %v", caps, err)
	}

	s, err := New(Config{Store: db, Index: ix, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	h := s.Handler()
	docPath := "/documents/" + itoa(doc.ID)
	for _, tc := range []struct {
		target string
		status int
		want   string
	}{
		{"/?q=visa", 200, "<mark>"},
		{"/?q=" + url.QueryEscape(`"visa restrictions`), 400, "at position"},
		{"/api/search?q=" + url.QueryEscape(`visa AND (restrictions`), 400, `"position"`},
		{"/api/search?q=visa&category=visa-restriction", 200, `"total": 1`},
		{docPath, 200, "read from page metadata"},
		{docPath + "/captures/" + itoa(caps[0].ID), 200, "The Department imposes visa restrictions."},
		{"/api/documents/" + itoa(doc.ID), 200, `"phrase": "visa restrictions"`},
		{"/documents/999999", 404, ""},
		{"/timeline", 200, "No events"},
		{"/api/timeline", 200, `"events": []`},
		{"/runs", 200, "No crawl has run yet"},
	} {
		res, body := get(t, h, tc.target)
		if res.StatusCode != tc.status {
			t.Errorf("%s: status %d, want %d\n%.500s", tc.target, res.StatusCode, tc.status, body)
			continue
		}
		if !strings.Contains(body, tc.want) {
			t.Errorf("%s lacks %s:\n%.2000s", tc.target, tc.want, body)
		}
		if strings.Contains(res.Header.Get("Content-Type"), "html") {
			if executableScript.MatchString(body) || strings.Contains(body, "<img src=x onerror") {
				t.Errorf("%s renders crawled markup live", tc.target)
			}
		}
	}
}
