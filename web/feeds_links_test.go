package web

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"policywatch/index"
	"policywatch/model"
)

// unsafeURLs are document addresses a hostile feed or sitemap could hand
// the crawler. A feed reader that renders an entry's related link as a
// clickable href would run them.
var unsafeURLs = []string{"javascript:alert(1)", " JavaScript:alert(2)", "data:text/html,<script>alert(3)</script>"}

func assertNoUnsafeHref(t *testing.T, target, body string) {
	t.Helper()
	lower := strings.ToLower(body)
	for _, bad := range []string{`href="javascript:`, `href=" javascript:`, `href="data:`} {
		if strings.Contains(lower, bad) {
			t.Errorf("GET %s links %s:\n%s", target, bad, body)
		}
	}
}

func TestSearchFeedNeverLinksUnsafeSchemes(t *testing.T) {
	st, ix := fixtures()
	for i, u := range unsafeURLs {
		ix.result.Hits = append(ix.result.Hits, index.Hit{ID: int64(100 + i), URL: u, Title: "hostile " + itoa(int64(i)), Source: "news", Kind: "news"})
	}
	h := newTestServer(t, st, ix, nil)
	res, body := get(t, h, "/feeds/search.atom")
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	if !strings.Contains(body, `href="https://www.state.gov/hk-sanctions"`) {
		t.Errorf("a safe crawled URL lost its related link:\n%s", body)
	}
	assertNoUnsafeHref(t, "/feeds/search.atom", body)
}

func TestChangesFeedNeverLinksUnsafeSchemes(t *testing.T) {
	if testing.Short() {
		t.Skip("opens SQLite and Bleve")
	}
	ctx := context.Background()
	db, ix := openArchive(t)
	at := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	for _, u := range unsafeURLs {
		for _, text := range []string{"first text of " + u, "second text of " + u} {
			at = at.Add(time.Hour)
			d := &model.Document{URL: u, Source: "hostile", Kind: model.KindOfficial, Title: "t", Text: text, Lang: "en", ContentHash: "h-" + text}
			c := &model.Capture{FetchedAt: at, RequestURL: u, FinalURL: u, Status: 200, Body: []byte(text), ContentHash: d.ContentHash}
			if _, err := db.SaveCapture(ctx, d, c); err != nil {
				t.Fatal(err)
			}
		}
	}
	s, err := New(Config{Store: db, Index: ix, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/feeds/changes.atom", nil))
	body := rec.Body.String()
	if rec.Code != 200 || strings.Count(body, "<entry>") != len(unsafeURLs) {
		t.Fatalf("status %d, want %d entries:\n%s", rec.Code, len(unsafeURLs), body)
	}
	assertNoUnsafeHref(t, "/feeds/changes.atom", body)
}
