package web

import (
	"context"
	"encoding/csv"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"policywatch/model"
)

// A crawled page can title itself "=HYPERLINK(...)": opened in a
// spreadsheet, the search export must show that as text, not run it.
func TestSearchCSVNeutralisesFormulas(t *testing.T) {
	hs := newSearchHarness(t)
	at := time.Date(2024, 6, 1, 8, 0, 0, 0, time.UTC)
	doc := &model.Document{URL: "https://hostile.example/f", Source: "hostile", Kind: model.KindNews,
		Title: `=HYPERLINK("http://evil.example","zzformula")`, Byline: "+cmd|' /C calc'!A0",
		Text: "@SUM(1+1) zzformula page", Lang: "en", FetchedAt: at, ContentHash: "h-formula"}
	c := &model.Capture{FetchedAt: at, RequestURL: doc.URL, FinalURL: doc.URL, Status: 200,
		Header: http.Header{"Content-Type": {"text/html"}}, Body: []byte("<p>x</p>"), ContentHash: doc.ContentHash}
	if _, err := hs.db.SaveCapture(context.Background(), doc, c); err != nil {
		t.Fatal(err)
	}
	hs.index(t, doc.ID)
	rows, err := csv.NewReader(strings.NewReader(hs.get(t, "/export/search.csv?q=zzformula", 200))).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("CSV: %v, %d rows", err, len(rows))
	}
	for _, name := range []string{"title", "byline", "text"} {
		v := rows[1][slices.Index(exportColumns, name)]
		if v == "" || strings.ContainsRune("=+-@", rune(v[0])) {
			t.Errorf("column %s starts a formula: %q", name, v)
		}
	}
}
