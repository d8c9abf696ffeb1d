package web

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
)

// TestUnknownSourceAndLanguageRefused: a source the archive does not have,
// as a parameter or in the query, and a language value that is no
// language are refused with what is valid, as unknown categories are; a
// real language the archive holds nothing in is a fine search whose
// answer says so.
func TestUnknownSourceAndLanguageRefused(t *testing.T) {
	hs := newSearchHarness(t)
	type answer struct {
		Total     int      `json:"total"`
		Error     string   `json:"error"`
		Parameter string   `json:"parameter"`
		Position  *int     `json:"position"`
		Notes     []string `json:"notes"`
		Valid     []struct {
			ID string `json:"id"`
		} `json:"valid"`
	}
	api := func(query string, status int) answer {
		t.Helper()
		var a answer
		if err := json.Unmarshal([]byte(hs.get(t, "/api/search?"+query, status)), &a); err != nil {
			t.Fatal(err)
		}
		return a
	}
	for _, q := range []string{"source=nosuch", "source=nosuch&q=visa", "source=us-state&source=nosuch"} {
		a := api(q, 400)
		if a.Parameter != "source" || !strings.Contains(a.Error, `unknown source "nosuch"`) || len(a.Valid) != 5 || a.Valid[0].ID != "harbourpost" {
			t.Errorf("/api/search?%s: %+v, want a 400 naming the parameter and listing the 5 sources", q, a)
		}
	}
	a := api("q="+url.QueryEscape("visa source:nosuch"), 400)
	if a.Parameter != "q" || a.Position == nil || *a.Position != 5 || len(a.Valid) != 5 {
		t.Errorf("source:nosuch in the query: %+v, want a 400 at position 5 listing the sources", a)
	}
	if a := api("source=US-State&q=visa", 200); a.Total != 1 {
		t.Errorf("source=US-State: total %d, want the one U.S. State document (any case)", a.Total)
	}
	if a := api("q="+url.QueryEscape("source:us-treasury"), 200); a.Total != 1 {
		t.Errorf("source:us-treasury: total %d", a.Total)
	}

	for _, l := range []string{"xx", "e_n", "english"} {
		if a := api("lang="+l, 400); a.Parameter != "lang" || !strings.Contains(a.Error, `"`+l+`" is not a`) {
			t.Errorf("lang=%s: %+v, want a 400 naming lang", l, a)
		}
	}
	if a := api("q="+url.QueryEscape("lang:xx visa"), 400); a.Position == nil || *a.Position != 5 {
		t.Errorf("lang:xx in the query: %+v, want a 400 at the value", a)
	}
	a = api("lang=fr", 200)
	if a.Total != 0 || len(a.Notes) != 1 || !strings.Contains(a.Notes[0], "no document in fr") || !strings.Contains(a.Notes[0], "en, zh") {
		t.Errorf("lang=fr: %+v, want 0 with a note naming the archive's languages", a)
	}
	if a := api("lang=zh", 200); a.Total != 1 || len(a.Notes) != 0 {
		t.Errorf("lang=zh: %+v, want the Chinese document and no note", a)
	}
	if a := api("lang=en&q=nothingmatchesthis", 200); a.Total != 0 || len(a.Notes) != 0 {
		t.Errorf("lang=en with a query that finds nothing: %+v, want no note (the archive holds English)", a)
	}

	// The search page says the same.
	page := hs.get(t, "/?source=nosuch", 400)
	if !strings.Contains(page, "There is no source “nosuch”") || !strings.Contains(page, "<code>us-treasury</code>") {
		t.Errorf("the search page does not refuse source=nosuch with the list:\n%.2000s", page)
	}
	if page := hs.get(t, "/?lang=xx", 400); !strings.Contains(page, "is not a known language") {
		t.Errorf("the search page does not refuse lang=xx")
	}
	if page := hs.get(t, "/?lang=fr", 200); !strings.Contains(page, "The archive holds no document in fr") {
		t.Errorf("the search page does not say the archive holds nothing in French")
	}
}
