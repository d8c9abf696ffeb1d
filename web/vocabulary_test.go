package web

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"policywatch/model"
	"policywatch/query"
)

// testVocabulary is a slice of the shipped taxonomy: ids that differ from
// their labels, a lane id that differs from its category's id.
func testVocabulary() *query.Vocabulary {
	return query.NewVocabulary(map[string][]query.Term{
		query.FieldCategory: {
			{ID: "visa-restriction", Label: "Visa restrictions", Aliases: []string{"visa", "Visa restrictions"}},
			{ID: "sanction", Label: "Sanctions", Aliases: []string{"sanctions", "Sanctions"}},
			{ID: "extradition", Label: "Extradition"},
			{ID: "legislation", Label: "Legislation"},
		},
		query.FieldActor: {
			{ID: "us", Label: "United States"},
			{ID: "uk", Label: "United Kingdom"},
			{ID: "canada", Label: "Canada"},
			{ID: "hong-kong", Label: "Hong Kong"},
		},
	})
}

// newVocabularyHarness is the search harness with tags on its documents,
// a few events, and a server that knows the vocabulary.
func newVocabularyHarness(t *testing.T) *searchHarness {
	t.Helper()
	hs := newSearchHarness(t)
	ctx := context.Background()
	tag := func(path string, tags ...model.Tag) {
		if err := hs.db.SetTags(ctx, hs.ids[path], tags); err != nil {
			t.Fatal(err)
		}
		hs.index(t, hs.ids[path])
	}
	cat := func(v string) model.Tag { return model.Tag{Type: model.TagCategory, Value: v, Score: 3} }
	actor := func(v string) model.Tag { return model.Tag{Type: model.TagActor, Value: v, Score: 3} }
	tag("/visa", cat("visa-restriction"), actor("us"))
	tag("/treasury", cat("sanction"), actor("us"))
	tag("/canada", cat("extradition"), actor("canada"))
	tag("/hk", cat("legislation"), actor("hong-kong"))
	if err := hs.db.ReplaceEvents(ctx, []model.Event{
		{Key: "us/sanction/2020-08-07", Title: "Treasury sanctions officials", Category: "sanction", Actors: []string{"us"},
			Date: day("2020-08-07"), Documents: []model.EventDocument{{DocumentID: hs.ids["/treasury"], Primary: true}}},
		{Key: "canada/extradition/2020-07-03", Title: "Canada suspends extradition", Category: "extradition", Actors: []string{"canada"},
			Date: day("2020-07-03"), NewsOnly: true, Documents: []model.EventDocument{{DocumentID: hs.ids["/canada"], Primary: true}}},
	}); err != nil {
		t.Fatal(err)
	}
	srv, err := New(Config{Store: hs.db, Index: hs.ix, Accounts: hs.db, Vocabulary: testVocabulary(),
		Labels: map[string]string{"sanction": "Sanctions", "us": "United States", "uk": "United Kingdom", "canada": "Canada"},
		Lanes:  []Lane{{ID: "sanctions", Label: "Sanctions", Categories: []string{"sanction"}}, {ID: "extradition", Label: "Extradition", Categories: []string{"extradition"}}},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	hs.srv, hs.h = srv, srv.Handler()
	return hs
}

func apiTotal(t *testing.T, hs *searchHarness, target string) int {
	t.Helper()
	var res struct {
		Total int `json:"total"`
	}
	if err := json.Unmarshal([]byte(hs.get(t, target, 200)), &res); err != nil {
		t.Fatal(err)
	}
	return res.Total
}

// TestLabelsWorkWhereIDsDo: the names the UI shows are values queries,
// filters and API parameters take, in any case.
func TestLabelsWorkWhereIDsDo(t *testing.T) {
	hs := newVocabularyHarness(t)
	for _, tc := range []struct {
		target string
		want   int
	}{
		{"/api/search?q=" + url.QueryEscape("category:Sanctions"), 1},
		{"/api/search?q=" + url.QueryEscape("category:sanction"), 1},
		{"/api/search?q=" + url.QueryEscape("category:SANCTIONS"), 1},
		{"/api/search?q=" + url.QueryEscape(`actor:"United States"`), 2},
		{"/api/search?q=" + url.QueryEscape(`actor:"united states" category:"visa restrictions"`), 1},
		{"/api/search?q=" + url.QueryEscape("actor:united*"), 2},
		{"/api/search?category=Sanctions", 1},
		{"/api/search?actor=" + url.QueryEscape("United States"), 2},
		{"/api/search?actor=" + url.QueryEscape("hong kong"), 1},
		{"/api/search/histogram?category=Sanctions", -1},
	} {
		if tc.want < 0 {
			hs.get(t, tc.target, 200)
			continue
		}
		if got := apiTotal(t, hs, tc.target); got != tc.want {
			t.Errorf("%s: %d documents, want %d", tc.target, got, tc.want)
		}
	}

	// The timeline and its exports take labels too.
	for _, target := range []string{"/api/timeline?category=Sanctions", "/api/timeline?category=sanctions", "/api/timeline?actor=" + url.QueryEscape("united states")} {
		var tl apiTimeline
		if err := json.Unmarshal([]byte(hs.get(t, target, 200)), &tl); err != nil {
			t.Fatal(err)
		}
		if len(tl.Events) != 1 || tl.Events[0].Category != "sanction" {
			t.Errorf("%s: %+v, want the one sanctions event", target, tl.Events)
		}
	}
	body := hs.get(t, "/timeline?category=Sanctions", 200)
	if !strings.Contains(body, "Treasury sanctions officials") || strings.Contains(body, "Canada suspends extradition") {
		t.Errorf("/timeline?category=Sanctions does not show just the sanctions event")
	}
	hs.get(t, "/timeline.csv?category=Sanctions", 200)

	// The search page's links carry the id the search ran with: removing
	// the filter removes it.
	body = hs.get(t, "/?category=Sanctions", 200)
	if !strings.Contains(body, `Category: Sanctions`) {
		t.Errorf("active filter not shown by its label")
	}
	if strings.Contains(body, "category=Sanctions") {
		t.Errorf("links keep the label instead of the id")
	}
}

// TestUnknownValuesListTheValidOnes: a value that names no category or
// actor is a 400 that says which exist, in the API and on the page.
func TestUnknownValuesListTheValidOnes(t *testing.T) {
	hs := newVocabularyHarness(t)
	for _, tc := range []struct {
		target, param, field string
		pos                  int
	}{
		{"/api/search?q=" + url.QueryEscape("visa category:immigration"), "q", "category", 5},
		{"/api/search?category=immigration", "category", "category", -1},
		{"/api/search?actor=narnia", "actor", "actor", -1},
		{"/api/timeline?category=immigration", "category", "category", -1},
		{"/api/timeline?actor=narnia", "actor", "actor", -1},
		{"/export/search.csv?q=" + url.QueryEscape("actor:narnia"), "q", "actor", 0},
		{"/feeds/search.atom?category=nope", "category", "category", -1},
	} {
		res, body := get(t, hs.h, tc.target)
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", tc.target, res.StatusCode)
			continue
		}
		var e struct {
			Error     string    `json:"error"`
			Parameter string    `json:"parameter"`
			Position  *int      `json:"position"`
			Valid     []apiTerm `json:"valid"`
		}
		if err := json.Unmarshal([]byte(body), &e); err != nil {
			t.Fatalf("%s: %v\n%s", tc.target, err, body)
		}
		if e.Parameter != tc.param || len(e.Valid) != len(testVocabulary().Terms(tc.field)) {
			t.Errorf("%s: parameter %q, %d valid values: %s", tc.target, e.Parameter, len(e.Valid), body)
		}
		if (tc.pos < 0) != (e.Position == nil) || (e.Position != nil && *e.Position != tc.pos) {
			t.Errorf("%s: position %v, want %d", tc.target, e.Position, tc.pos)
		}
		for _, term := range testVocabulary().Terms(tc.field) {
			if !strings.Contains(e.Error, term.ID) || !strings.Contains(strings.ToLower(e.Error), strings.ToLower(term.Label)) {
				t.Errorf("%s: message %q does not list %s (%s)", tc.target, e.Error, term.ID, term.Label)
			}
		}
	}
	for _, target := range []string{"/?q=" + url.QueryEscape("actor:uk category:immigration"), "/?category=immigration", "/timeline?category=immigration"} {
		res, body := get(t, hs.h, target)
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", target, res.StatusCode)
		}
		for _, want := range []string{"immigration", "Visa restrictions", "Sanctions", "legislation"} {
			if !strings.Contains(body, want) {
				t.Errorf("%s: the page does not mention %q", target, want)
			}
		}
	}
}

// TestHelpListsEveryCategoryAndActor: the help page is where the valid
// values are written down.
func TestHelpListsEveryCategoryAndActor(t *testing.T) {
	hs := newVocabularyHarness(t)
	body := hs.get(t, "/help/search", 200)
	for _, field := range []string{query.FieldCategory, query.FieldActor} {
		for _, term := range testVocabulary().Terms(field) {
			if !strings.Contains(body, field+":"+term.ID) || !strings.Contains(body, ">"+term.Label+"<") {
				t.Errorf("help page lacks %s:%s (%s)", field, term.ID, term.Label)
			}
		}
	}
}
