package web

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"policywatch/model"
)

// crowdedFixtures is a lane with more events in a few weeks than fit side
// by side, one announcement in two categories, and a lane with none.
func crowdedFixtures() *fakeStore {
	st := &fakeStore{}
	id := int64(100)
	for i := range 12 {
		id++
		st.events = append(st.events, model.Event{ID: id, Key: fmt.Sprint(id), Title: fmt.Sprintf("Sanction number %d", i+1),
			Category: "sanctions", Actors: []string{"united_states"}, Date: day("2020-07-01").AddDate(0, 0, 3*i),
			NewsOnly: i%4 == 3})
	}
	st.events = append(st.events,
		model.Event{ID: 200, Key: "200", Title: "Canada suspends the treaty and halts exports", Category: "visa_restrictions",
			Categories: []string{"visa_restrictions", "export_controls"}, Actors: []string{"canada"}, Date: day("2021-03-03")},
		model.Event{ID: 201, Key: "201", Title: "Early sanction", Category: "sanctions", Actors: []string{"united_states"}, Date: day("2019-01-10")},
	)
	return st
}

var cardRE = regexp.MustCompile(`<li class="(event|cluster) at-(\d+) row-(\d+)( flip)?[^"]*">`)

// TestTimelineCardsDoNotOverlap: on the axis, cards of one row never
// overlap, and what finds no room is counted, never dropped.
func TestTimelineCardsDoNotOverlap(t *testing.T) {
	_, ix := fixtures()
	h := newTestServer(t, crowdedFixtures(), ix, nil)
	for target, events := range map[string]int{"/timeline": 13, "/timeline?zoom=month&from=2020-01-01&to=2020-12-31": 12, "/timeline?zoom=day&from=2020-07-01&to=2020-08-31": 12} {
		res, body := get(t, h, target)
		if res.StatusCode != 200 {
			t.Fatalf("%s: %d", target, res.StatusCode)
		}
		lane := body[strings.Index(body, `id="lane-sanctions"`):]
		lane = lane[:strings.Index(lane, "</section>")]
		type span struct{ from, to int }
		rows := map[int][]span{}
		cards := 0
		for _, m := range cardRE.FindAllStringSubmatch(lane, -1) {
			pos, _ := strconv.Atoi(m[2])
			row, _ := strconv.Atoi(m[3])
			if row >= maxRows {
				t.Errorf("%s: row %d past the %d rows", target, row, maxRows)
			}
			if m[1] == "cluster" {
				continue
			}
			cards++
			s := span{pos, pos + cardWidth}
			if m[4] != "" {
				s = span{pos - cardWidth, pos}
			}
			if s.from < 0 || s.to > 100 {
				t.Errorf("%s: card at %d spans %v, outside the axis", target, pos, s)
			}
			for _, o := range rows[row] {
				if s.from < o.to && o.from < s.to {
					t.Errorf("%s: cards %v and %v overlap in row %d", target, s, o, row)
				}
			}
			rows[row] = append(rows[row], s)
		}
		// Every event is in the list once: as a card or inside a cluster.
		want := strings.Count(lane, `href="/events/`)
		inClusters := 0
		for _, m := range regexp.MustCompile(`>\+(\d+)<span`).FindAllStringSubmatch(lane, -1) {
			n, _ := strconv.Atoi(m[1])
			inClusters += n
		}
		if cards+inClusters != want || want != events {
			t.Errorf("%s: %d cards + %d clustered, %d event links, want %d", target, cards, inClusters, want, events)
		}
		if target == "/timeline" && inClusters == 0 {
			t.Errorf("%s: 12 events in six weeks of a seven-year axis fit without a cluster?", target)
		}
	}
	// A cluster zooms into its span and lists its events by title.
	_, body := get(t, h, "/timeline")
	m := regexp.MustCompile(`<a class="more" href="([^"]+)" title="(\d+) more: ([^"]+)">`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no cluster link")
	}
	if !strings.Contains(m[1], "zoom=day") || !strings.Contains(m[1], "from=2020-07") {
		t.Errorf("cluster zooms to %s, want the days of July 2020", m[1])
	}
}

// TestTimelineOneEventPerAnnouncement: an announcement in two categories
// is one event, in the lane of its first category, naming the other; a
// filter on the other category finds it there.
func TestTimelineOneEventPerAnnouncement(t *testing.T) {
	_, ix := fixtures()
	h := newTestServer(t, crowdedFixtures(), ix, nil)
	_, body := get(t, h, "/timeline")
	if n := strings.Count(body, `href="/events/200"`); n != 1 {
		t.Errorf("the two-category announcement is linked %d times, want once", n)
	}
	visa := body[strings.Index(body, `id="lane-visa"`):]
	visa = visa[:strings.Index(visa, "</section>")]
	if !strings.Contains(visa, "Canada suspends the treaty") || !strings.Contains(visa, "also export controls") {
		t.Errorf("the event is not in its first category's lane naming the other:\n%s", visa)
	}
	_, body = get(t, h, "/timeline?category=export_controls")
	export := body[strings.Index(body, `id="lane-export"`):]
	if !strings.Contains(export[:strings.Index(export, "</section>")], "Canada suspends the treaty") {
		t.Errorf("filtering by its second category does not show it in that lane")
	}
	var tl struct {
		Events []struct {
			ID         int64    `json:"id"`
			Categories []string `json:"categories"`
		} `json:"events"`
	}
	_, js := get(t, h, "/api/timeline?category=export_controls")
	if err := json.Unmarshal([]byte(js), &tl); err != nil {
		t.Fatal(err)
	}
	if len(tl.Events) != 1 || tl.Events[0].ID != 200 || strings.Join(tl.Events[0].Categories, ",") != "visa_restrictions,export_controls" {
		t.Errorf("API: %+v", tl.Events)
	}
	// TimelineJS's slide and the calendar name both categories.
	_, js = get(t, h, "/timeline.json?category=export_controls")
	if !strings.Contains(js, "visa restrictions, export controls") {
		t.Errorf("TimelineJS export does not name both categories: %.400s", js)
	}
	// The matrix fills both cells of the actor.
	_, body = get(t, h, "/timeline/matrix")
	if n := strings.Count(body, `href="/events/200"`); n != 2 {
		t.Errorf("matrix links the two-category event %d times, want in both cells", n)
	}
}

// TestTimelineFiltersHideEmptyLanes: a filtered view leaves out lanes
// without events and says which; the full view keeps every lane.
func TestTimelineFiltersHideEmptyLanes(t *testing.T) {
	_, ix := fixtures()
	h := newTestServer(t, crowdedFixtures(), ix, nil)
	_, body := get(t, h, "/timeline")
	for _, l := range []string{"lane-sanctions", "lane-visa", "lane-export"} {
		if !strings.Contains(body, `id="`+l+`"`) {
			t.Errorf("unfiltered view lacks %s", l)
		}
	}
	_, body = get(t, h, "/timeline?actor=united_states")
	if strings.Contains(body, `id="lane-visa"`) || strings.Contains(body, `id="lane-export"`) {
		t.Errorf("a filtered view shows empty lanes")
	}
	if !strings.Contains(body, "No events in this view, so not shown: Visa restrictions, Export controls.") {
		t.Errorf("the hidden lanes are not named")
	}
	_, body = get(t, h, "/timeline?from=2019-01-01&to=2019-12-31&zoom=month")
	if !strings.Contains(body, `id="lane-sanctions"`) || strings.Contains(body, `id="lane-visa"`) {
		t.Errorf("a window with events in one lane shows other lanes")
	}
}

// TestTimelineLegendAndEvidenceFilter: the key explains the shading, and
// the "kind" filter says it is about the evidence.
func TestTimelineLegendAndEvidenceFilter(t *testing.T) {
	_, ix := fixtures()
	h := newTestServer(t, crowdedFixtures(), ix, nil)
	_, body := get(t, h, "/timeline")
	for _, want := range []string{`<h2 id="legend-heading">Key</h2>`, "News reports only: no official document", "backed by an official document",
		`<label for="t-kind">Evidence</label>`, `<option value="news-only">news reports only, no official document</option>`,
		`class="event at-`, ` news-only"`} {
		if !strings.Contains(body, want) {
			t.Errorf("timeline lacks %s", want)
		}
	}
	if strings.Contains(body, ">Sources</label>") {
		t.Errorf("the evidence filter is still labelled Sources")
	}
}

func TestSpanText(t *testing.T) {
	d := func(s string) time.Time { return day(s) }
	for _, tc := range []struct{ a, b, want string }{
		{"2020-07-03", "2020-07-03", "3 Jul 2020"},
		{"2020-07-03", "2020-07-28", "3–28 Jul 2020"},
		{"2020-06-28", "2020-07-03", "28 Jun – 3 Jul 2020"},
		{"2020-12-28", "2021-01-03", "28 Dec 2020 – 3 Jan 2021"},
	} {
		if got := spanText(d(tc.a), d(tc.b)); got != tc.want {
			t.Errorf("spanText(%s, %s) = %q, want %q", tc.a, tc.b, got, tc.want)
		}
	}
}
