package web

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"policywatch/model"
)

// Two events one page reports (a government's measure and another's
// reaction to it) name and link each other, on the page and in the API,
// and an announcement of several kinds shows all of them.
func TestEventNamesRelatedEvents(t *testing.T) {
	st, ix := fixtures()
	// Event 1's statement also reports a second measure: a Canadian
	// statement on the same page.
	st.events = append(st.events, model.Event{ID: 5, Title: "Canada condemns the sanctions", Category: "statement",
		Actors: []string{"canada"}, Date: day("2020-08-08"),
		Documents: []model.EventDocument{{DocumentID: 8, Title: "News report on sanctions", URL: "https://news.example/a",
			Source: "news", Kind: model.KindNews, Published: day("2020-08-06")}}})
	st.events[0].Categories = []string{"sanctions", "export_controls"}
	h := newTestServer(t, st, ix, nil)

	res, body := get(t, h, "/events/2")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	for _, want := range []string{`<a href="/events/5">Canada condemns the sanctions</a>`, "Related events", `href="/timeline?category=export_controls"`} {
		if !strings.Contains(body, want) {
			t.Errorf("event page lacks %q", want)
		}
	}
	_, other := get(t, h, "/events/5")
	if !strings.Contains(other, `<a href="/events/2">US sanctions eleven officials</a>`) {
		t.Errorf("the related event does not link back")
	}
	if _, lone := get(t, h, "/events/1"); strings.Contains(lone, "Related events") {
		t.Errorf("an event sharing no document lists related events")
	}

	res, raw := get(t, h, "/api/events/2")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("api status %d", res.StatusCode)
	}
	var ev struct {
		Categories []string `json:"categories"`
		Related    []struct {
			ID         int64    `json:"id"`
			Title      string   `json:"title"`
			Categories []string `json:"categories"`
			Actors     []string `json:"actors"`
			Shared     int      `json:"shared_documents"`
			Links      map[string]string
		} `json:"related"`
	}
	if err := json.Unmarshal([]byte(raw), &ev); err != nil {
		t.Fatal(err)
	}
	if strings.Join(ev.Categories, ",") != "sanctions,export_controls" {
		t.Errorf("categories = %v", ev.Categories)
	}
	if len(ev.Related) != 1 || ev.Related[0].ID != 5 || ev.Related[0].Shared != 1 ||
		ev.Related[0].Links["self"] != "/api/events/5" || ev.Related[0].Links["page"] != "/events/5" {
		t.Errorf("related = %+v, want event 5 sharing one document, with its links", ev.Related)
	}
}

// "Tags and why" shows evidence a reader can check: a phrase and where it
// is. The tagger's notes about a tag (it is only mentioned; it is filed
// under another category) have neither and are not shown as evidence.
func TestDocumentShowsOnlyLocatedEvidence(t *testing.T) {
	st, ix := fixtures()
	d := st.docs[7]
	d.Tags[0].Matches = append(d.Tags[0].Matches,
		model.Match{Rule: "mentioned"}, model.Match{Rule: "within:counter-measure"}, model.Match{Rule: "actor:united_states"})
	h := newTestServer(t, st, ix, nil)
	_, body := get(t, h, "/documents/7")
	if strings.Contains(body, "<q></q>") {
		t.Errorf("document page shows a match with no phrase")
	}
	if !strings.Contains(body, "<q>announced sanctions</q> in the text") {
		t.Errorf("document page lost the evidence it has")
	}
}

// An announcement of several kinds is exported under each: in the CSV's
// categories column, as all its lanes in a calendar's CATEGORIES, and in
// each category's filtered export.
func TestExportsCarryEveryCategory(t *testing.T) {
	_, ix := fixtures()
	st := timelineFixtures()
	for i := range st.events {
		if st.events[i].ID == 5 {
			st.events[i].Categories = []string{"sanctions", "export_controls"}
		}
	}
	h := newTestServer(t, st, ix, nil)
	_, body := get(t, h, "/timeline.csv?category=export_controls")
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("export-controls CSV: %d rows (%v), want the announcement", len(rows), err)
	}
	at := -1
	for i, h := range rows[0] {
		if h == "categories" {
			at = i
		}
	}
	if at < 0 || rows[1][at] != "sanctions;export_controls" {
		t.Errorf("categories column %d in %v, want sanctions;export_controls", at, rows)
	}
	_, ics := get(t, h, "/timeline.ics?category=sanctions")
	if !strings.Contains(ics, "CATEGORIES:Sanctions,Export controls\r\n") {
		t.Errorf("calendar does not list both lanes:\n%s", ics)
	}
}
