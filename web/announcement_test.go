package web

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"policywatch/model"
	"policywatch/store"
)

// announcementFixtures adds to the timeline's fixtures one announcement of
// two kinds as clustering stores it: an order that ends Hong Kong's
// preferential treatment (its main category, export controls) and
// authorises sanctions, as two events sharing the order and a report,
// each citing the sentence about its own measure.
func announcementFixtures() *fakeStore {
	st := timelineFixtures()
	const main = "united_states/export_controls/2020-07-16"
	docs := func(passage string) []model.EventDocument {
		return []model.EventDocument{
			{DocumentID: 21, Title: "Executive order on Hong Kong normalization", URL: "https://whitehouse.example/eo",
				Kind: model.KindOfficial, Primary: true, Published: day("2020-07-16"), Passage: passage},
			{DocumentID: 22, Title: "US ends Hong Kong's special status", URL: "https://news.example/eo",
				Kind: model.KindNews, Published: day("2020-07-17")},
		}
	}
	for _, e := range []struct {
		id       int64
		category string
		passage  string
	}{{30, "export_controls", "The order ends the preferential treatment."}, {31, "sanctions", "The order authorizes sanctions."}} {
		st.events = append(st.events, model.Event{ID: e.id, Key: "united_states/" + e.category + "/2020-07-16",
			Title: "The President's order on Hong Kong normalization", Category: e.category,
			Categories: []string{"export_controls", "sanctions"}, Announcement: main,
			Actors: []string{"united_states"}, Date: day("2020-07-16"),
			Dates:     []model.EventDate{{Kind: model.DateAnnounced, Date: day("2020-07-16"), DocumentID: 21, Passage: e.passage}},
			Documents: docs(e.passage), UpdatedAt: time.Date(2020, 8, 8, 0, 0, 0, 0, time.UTC)})
	}
	return st
}

type apiTimelineEvent struct {
	ID           int64    `json:"id"`
	Category     string   `json:"category"`
	Categories   []string `json:"categories"`
	Announcement string   `json:"announcement"`
	Related      []int64  `json:"related"`
}

func apiTimelineEvents(t *testing.T, h http.Handler, target string) []apiTimelineEvent {
	t.Helper()
	res, body := get(t, h, target)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%s: status %d", target, res.StatusCode)
	}
	var got struct {
		Events []apiTimelineEvent `json:"events"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatalf("%s: %v", target, err)
	}
	return got.Events
}

// An announcement of two kinds is two events in the API, each filed under
// its own category, naming both, the announcement and each other; a
// filter by one category gives that one.
func TestAPITimelineLinksAnnouncementEvents(t *testing.T) {
	_, ix := fixtures()
	h := newTestServer(t, announcementFixtures(), ix, nil)
	byID := map[int64]apiTimelineEvent{}
	for _, e := range apiTimelineEvents(t, h, "/api/timeline") {
		byID[e.ID] = e
	}
	for id, want := range map[int64]struct {
		category string
		related  int64
	}{30: {"export_controls", 31}, 31: {"sanctions", 30}} {
		e, ok := byID[id]
		if !ok {
			t.Fatalf("event %d is not on the API's timeline: %v", id, byID)
		}
		if e.Category != want.category || !slices.Equal(e.Categories, []string{"export_controls", "sanctions"}) ||
			e.Announcement != "united_states/export_controls/2020-07-16" || !slices.Equal(e.Related, []int64{want.related}) {
			t.Errorf("event %d = %+v, want category %s, both categories (main first), the announcement and related [%d]",
				id, e, want.category, want.related)
		}
	}
	if e := byID[1]; e.Announcement == "" || e.Related == nil || len(e.Related) != 0 {
		t.Errorf("an event of no announcement: %+v, want its own announcement and no related events", e)
	}
	var ids []int64
	for _, e := range apiTimelineEvents(t, h, "/api/timeline?category=sanctions") {
		ids = append(ids, e.ID)
	}
	if !slices.Contains(ids, 31) || slices.Contains(ids, 30) {
		t.Errorf("sanctions: events %v, want the announcement's sanctions event 31 and not its export controls 30", ids)
	}
}

// cardsOf are the timeline page's event cards: the event each links to.
var cardLink = regexp.MustCompile(`<li class="event[^"]*">\s*<a href="/events/(\d+)">`)

func cardsOf(body string) []string {
	var out []string
	for _, m := range cardLink.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

// laneOf is the lane section holding event id's card.
func laneOf(body, id string) string {
	at := strings.Index(body, `<a href="/events/`+id+`">`)
	if at < 0 {
		return ""
	}
	lane := strings.LastIndex(body[:at], `<section class="lane" aria-labelledby="lane-`)
	if lane < 0 {
		return ""
	}
	rest := body[lane+len(`<section class="lane" aria-labelledby="lane-`):]
	return rest[:strings.Index(rest, `"`)]
}

// The timeline draws an announcement once: one card in its main
// category's lane naming the other; filtered by the other category, the
// card is in that lane; the matrix counts it once per category.
func TestTimelineDrawsAnnouncementOnce(t *testing.T) {
	_, ix := fixtures()
	h := newTestServer(t, announcementFixtures(), ix, nil)
	_, body := get(t, h, "/timeline")
	cards := cardsOf(body)
	if n := strings.Count(strings.Join(cards, " "), "30") + strings.Count(strings.Join(cards, " "), "31"); n != 1 || !slices.Contains(cards, "30") {
		t.Fatalf("cards %v, want the announcement once, as its main event 30", cards)
	}
	if lane := laneOf(body, "30"); lane != "export" {
		t.Errorf("the announcement is in lane %q, want its main category's, export", lane)
	}
	card := body[strings.Index(body, `<a href="/events/30">`):]
	card = card[:strings.Index(card, "</li>")]
	if !strings.Contains(card, "also Sanctions") {
		t.Errorf("the card does not name the announcement's other category: %s", card)
	}
	if !strings.Contains(body, "5 events") {
		t.Errorf("the summary does not count the announcement once (5 events)")
	}

	_, body = get(t, h, "/timeline?category=sanctions")
	if cards := cardsOf(body); !slices.Contains(cards, "31") || slices.Contains(cards, "30") {
		t.Errorf("filtered by sanctions: cards %v, want the announcement as its sanctions event 31", cards)
	} else if lane := laneOf(body, "31"); lane != "sanctions" {
		t.Errorf("filtered by sanctions: the announcement is in lane %q", lane)
	}

	_, body = get(t, h, "/timeline/matrix")
	if strings.Contains(body, "+1 more") || strings.Contains(body, "1 more") {
		t.Errorf("the matrix counts the announcement twice in a cell")
	}
}

// Exports meant for publishing carry one entry per announcement with all
// its categories: a CSV row, a calendar entry keyed by the announcement,
// a TimelineJS slide, a feed entry.
func TestExportsOneEntryPerAnnouncement(t *testing.T) {
	_, ix := fixtures()
	h := newTestServer(t, announcementFixtures(), ix, nil)

	_, body := get(t, h, "/timeline.csv")
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := func(name string) int { return slices.Index(rows[0], name) }
	var found [][]string
	for _, r := range rows[1:] {
		if r[col("id")] == "30" || r[col("id")] == "31" {
			found = append(found, r)
		}
	}
	if len(found) != 1 || found[0][col("id")] != "30" || found[0][col("category")] != "export_controls" ||
		found[0][col("categories")] != "export_controls;sanctions" {
		t.Errorf("CSV rows of the announcement: %v, want one, its main event's, with both categories", found)
	}

	_, ics := get(t, h, "/timeline.ics")
	if n := strings.Count(ics, "UID:united_states/export_controls/2020-07-16@"); n != 1 ||
		strings.Contains(ics, "UID:united_states/sanctions/2020-07-16@") {
		t.Errorf("calendar: %d entries keyed by the announcement, want 1 and none for its sanctions event", n)
	}

	_, raw := get(t, h, "/timeline.json")
	var tl struct {
		Events []struct {
			UniqueID string `json:"unique_id"`
		} `json:"events"`
	}
	if err := json.Unmarshal([]byte(raw), &tl); err != nil {
		t.Fatal(err)
	}
	var slides []string
	for _, e := range tl.Events {
		if e.UniqueID == "event-30" || e.UniqueID == "event-31" {
			slides = append(slides, e.UniqueID)
		}
	}
	if !slices.Equal(slides, []string{"event-30"}) {
		t.Errorf("TimelineJS slides of the announcement: %v, want [event-30]", slides)
	}

	_, atom := get(t, h, "/feeds/events.atom")
	if strings.Count(atom, "/events/31</id>")+strings.Count(atom, "/events/30</id>") != 1 {
		t.Errorf("the feed has the announcement more than once or not at all")
	}
}

// An event's page and its API answer name the other events of its
// announcement apart from the events that only share documents with it.
func TestEventPageShowsItsAnnouncement(t *testing.T) {
	_, ix := fixtures()
	h := newTestServer(t, announcementFixtures(), ix, nil)
	_, body := get(t, h, "/events/31")
	sect := body[strings.Index(body, "Part of one announcement"):]
	if !strings.Contains(sect[:strings.Index(sect, "</section>")], `<a href="/events/30">export controls</a> <span class="meta-inline">(main)</span>`) {
		t.Errorf("the sanctions event's page does not link the announcement's export controls event:\n%s", sect)
	}
	if strings.Contains(body, `id="related-heading"`) {
		t.Errorf("the announcement's other event is listed again among related events")
	}
	if !strings.Contains(body, `<blockquote>The order authorizes sanctions.</blockquote>`) {
		t.Errorf("the sanctions event does not cite its own passage")
	}

	_, raw := get(t, h, "/api/events/31")
	var ev struct {
		Announcement       string `json:"announcement"`
		AnnouncementEvents []struct {
			ID       int64  `json:"id"`
			Category string `json:"category"`
		} `json:"announcement_events"`
		Related []struct {
			ID int64 `json:"id"`
		} `json:"related"`
	}
	if err := json.Unmarshal([]byte(raw), &ev); err != nil {
		t.Fatal(err)
	}
	if ev.Announcement != "united_states/export_controls/2020-07-16" || len(ev.AnnouncementEvents) != 1 ||
		ev.AnnouncementEvents[0].ID != 30 || len(ev.Related) != 0 {
		t.Errorf("/api/events/31 = %+v, want its announcement, event 30 in it and no other related event", ev)
	}
}

// An editor who hides the announcement's main event does not hide the
// rest of it: its other event stands for it on the timeline.
func TestHiddenMainEventLeavesAnnouncement(t *testing.T) {
	_, ix := fixtures()
	st := announcementFixtures()
	for i := range st.events {
		if st.events[i].ID == 30 {
			st.events[i].Hidden = true
		}
		if st.events[i].ID == 31 {
			// The store takes the hidden event's category off the rest.
			st.events[i].Categories = nil
		}
	}
	h := newTestServer(t, st, ix, nil)
	_, body := get(t, h, "/timeline")
	if cards := cardsOf(body); !slices.Contains(cards, "31") || slices.Contains(cards, "30") {
		t.Errorf("cards %v, want the announcement as its sanctions event 31", cards)
	}
	if lane := laneOf(body, "31"); lane != "sanctions" {
		t.Errorf("the announcement is in lane %q, want sanctions", lane)
	}
}

// On a real store, the editor's hide form hides one event of an
// announcement, leaving the rest on the timeline, unless the editor ticks
// "with the rest of its announcement".
func TestHideWholeAnnouncementForm(t *testing.T) {
	hc := newCurationHarness(t)
	ctx := context.Background()
	const main = "us/visa/2020-07-03"
	var evs []model.Event
	for _, c := range []string{"visa-restriction", "extradition"} {
		evs = append(evs, model.Event{Key: "us/" + c + "/2020-07-03", Title: "Order on Hong Kong", Category: c,
			Categories: []string{"visa-restriction", "extradition"}, Announcement: main, Actors: []string{"us"},
			Date: day("2020-07-03"), Documents: []model.EventDocument{{DocumentID: hc.docs[2], Primary: true}}})
	}
	evs[0].Key = main
	if err := hc.db.ReplaceEvents(ctx, evs); err != nil {
		t.Fatal(err)
	}
	stored, err := hc.db.AnnouncementEvents(ctx, main)
	if err != nil || len(stored[main]) != 2 {
		t.Fatalf("announcement events %v %v", stored, err)
	}
	mainID, otherID := itoa(stored[main][0].ID), itoa(stored[main][1].ID)
	cookie, csrf := hc.session(t, "ed")
	page := hc.do(http.MethodGet, "/events/"+mainID, nil, cookie).Body.String()
	if !strings.Contains(page, `name="announcement" value="1"`) {
		t.Fatalf("the hide form does not offer the whole announcement")
	}
	visible := func() []string {
		t.Helper()
		evs, err := hc.db.Events(ctx, store.EventFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range evs {
			if e.Announcement == main {
				out = append(out, itoa(e.ID))
			}
		}
		return out
	}
	if rec := hc.do(http.MethodPost, "/events/"+mainID+"/hide", url.Values{"csrf": {csrf}}, cookie); rec.Code != http.StatusSeeOther {
		t.Fatalf("hide: status %d", rec.Code)
	}
	if got := visible(); !slices.Equal(got, []string{otherID}) {
		t.Errorf("after hiding the main event: %v on the timeline, want the other event %s", got, otherID)
	}
	if rec := hc.do(http.MethodPost, "/events/"+mainID+"/unhide", url.Values{"csrf": {csrf}}, cookie); rec.Code != http.StatusSeeOther {
		t.Fatalf("unhide: status %d", rec.Code)
	}
	if rec := hc.do(http.MethodPost, "/events/"+otherID+"/hide", url.Values{"csrf": {csrf}, "announcement": {"1"}}, cookie); rec.Code != http.StatusSeeOther {
		t.Fatalf("hide all: status %d", rec.Code)
	}
	if got := visible(); len(got) != 0 {
		t.Errorf("after hiding the whole announcement: %v still on the timeline", got)
	}
	if rec := hc.do(http.MethodPost, "/events/"+mainID+"/unhide", url.Values{"csrf": {csrf}, "announcement": {"1"}}, cookie); rec.Code != http.StatusSeeOther {
		t.Fatalf("unhide all: status %d", rec.Code)
	}
	if got := visible(); len(got) != 2 {
		t.Errorf("after showing the whole announcement again: %v on the timeline, want both", got)
	}
}
