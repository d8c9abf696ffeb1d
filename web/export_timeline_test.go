package web

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"policywatch/model"
)

// timelineFixtures adds events that exercise exports: an effective date,
// a title a spreadsheet would run as a formula, a long title with
// characters iCalendar escapes, and a recent change.
func timelineFixtures() *fakeStore {
	st, _ := fixtures()
	for i := range st.events {
		st.events[i].Key = "key-" + itoa(st.events[i].ID)
		st.events[i].UpdatedAt = time.Date(2020, 8, 8, 0, 0, 0, 0, time.UTC)
	}
	st.events = append(st.events,
		model.Event{ID: 5, Key: "united_states/sanctions/2020-07-14", Title: "=HYPERLINK(\"http://evil.example\"); sanctions, law; signed — 香港自治法 " + strings.Repeat("long ", 20),
			Category: "sanctions", Actors: []string{"united_states", "canada"}, Date: day("2020-07-14"),
			Dates: []model.EventDate{
				{Kind: model.DateAnnounced, Date: day("2020-07-14"), DocumentID: 11},
				{Kind: model.DateEffective, Date: day("2020-07-20"), DocumentID: 11, Confidence: 0.8},
			},
			Documents: []model.EventDocument{{DocumentID: 11, Title: "Act signed", URL: "javascript:alert(1)", Kind: model.KindOfficial, Primary: true, Published: day("2020-07-15")}},
			UpdatedAt: time.Date(2020, 9, 1, 12, 0, 0, 0, time.UTC)},
	)
	return st
}

func TestTimelineCSVExport(t *testing.T) {
	_, ix := fixtures()
	h := newTestServer(t, timelineFixtures(), ix, nil)
	for _, tc := range []struct {
		target string
		ids    []string
	}{
		{"/timeline.csv", []string{"3", "5", "1", "2"}},
		{"/timeline.csv?category=sanctions", []string{"5", "2"}},
		{"/timeline.csv?kind=news-only", []string{"3"}},
		{"/timeline.csv?actor=canada&from=2020-07-10", []string{"5"}},
		{"/timeline.csv?date=effective", []string{"5"}},
	} {
		res, body := get(t, h, tc.target)
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("%s: %d %s", tc.target, res.StatusCode, res.Header.Get("Content-Type"))
		}
		rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if err != nil {
			t.Fatalf("%s: parse CSV: %v", tc.target, err)
		}
		if strings.Join(rows[0], ",") != strings.Join(csvHeader, ",") {
			t.Errorf("%s: header %v", tc.target, rows[0])
		}
		var ids []string
		for _, r := range rows[1:] {
			ids = append(ids, r[0])
		}
		if strings.Join(ids, ",") != strings.Join(tc.ids, ",") {
			t.Errorf("%s: events %v, want %v", tc.target, ids, tc.ids)
		}
	}
	_, body := get(t, h, "/timeline.csv?date=effective")
	rows, _ := csv.NewReader(strings.NewReader(body)).ReadAll()
	col := func(name string) string {
		for i, h := range rows[0] {
			if h == name {
				return rows[1][i]
			}
		}
		t.Fatalf("no column %s", name)
		return ""
	}
	if col("date") != "2020-07-20" || col("announced") != "2020-07-14" || col("date_kind") != "effective" {
		t.Errorf("effective view: date %s announced %s kind %s", col("date"), col("announced"), col("date_kind"))
	}
	if !strings.HasPrefix(col("title"), "'=") {
		t.Errorf("formula-like title exported live: %q", col("title"))
	}
	if col("actors") != "united_states;canada" || col("lane") != "Sanctions" || col("permalink") != "http://example.com/events/5" {
		t.Errorf("row: actors %q lane %q permalink %q", col("actors"), col("lane"), col("permalink"))
	}
}

func TestTimelineJSONExport(t *testing.T) {
	_, ix := fixtures()
	h := newTestServer(t, timelineFixtures(), ix, nil)
	res, body := get(t, h, "/timeline.json?category=sanctions")
	if res.StatusCode != 200 {
		t.Fatalf("status %d: %s", res.StatusCode, body)
	}
	var got struct {
		Title struct {
			Text struct{ Headline, Text string } `json:"text"`
		} `json:"title"`
		Events []struct {
			StartDate struct{ Year, Month, Day string } `json:"start_date"`
			Text      struct{ Headline, Text string }   `json:"text"`
			Group     string                            `json:"group"`
			UniqueID  string                            `json:"unique_id"`
		} `json:"events"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatalf("parse TimelineJS JSON: %v", err)
	}
	if !strings.Contains(got.Title.Text.Headline, "Sanctions and asset freezes") {
		t.Errorf("title %q does not name the filter", got.Title.Text.Headline)
	}
	if len(got.Events) != 2 {
		t.Fatalf("%d events, want 2", len(got.Events))
	}
	e := got.Events[1]
	if e.StartDate.Year != "2020" || e.StartDate.Month != "8" || e.StartDate.Day != "7" || e.Group != "Sanctions" || e.UniqueID != "event-2" {
		t.Errorf("event %+v", e)
	}
	// Official evidence first, and crawled text stays text.
	if off, news := strings.Index(e.Text.Text, "Official sanctions statement"), strings.Index(e.Text.Text, "News report"); off < 0 || off > news {
		t.Errorf("evidence order in %q", e.Text.Text)
	}
	if strings.Contains(body, "<script") || strings.Contains(body, `href=\"javascript`) || strings.Contains(got.Events[0].Text.Text, `href="javascript`) {
		t.Errorf("export carries live script or javascript: links: %s", body)
	}
	_, body = get(t, h, "/timeline.json?category=none")
	if !strings.Contains(body, `"events": []`) {
		t.Errorf("empty view: %s", body)
	}
}

// checkICS is a strict reading of RFC 5545's syntax: CRLF line ends,
// content lines of at most 75 octets, folding with a leading space,
// balanced components, and the properties every VEVENT needs.
func checkICS(t *testing.T, raw string) []map[string]string {
	t.Helper()
	if !strings.HasSuffix(raw, "\r\n") {
		t.Fatal("calendar does not end with CRLF")
	}
	var lines []string
	for i, l := range strings.Split(strings.TrimSuffix(raw, "\r\n"), "\r\n") {
		if strings.ContainsAny(l, "\r\n") {
			t.Fatalf("line %d has a bare CR or LF: %q", i+1, l)
		}
		if len(l) > 75 {
			t.Errorf("line %d is %d octets long", i+1, len(l))
		}
		if strings.HasPrefix(l, " ") {
			if len(lines) == 0 {
				t.Fatal("calendar starts with a continuation line")
			}
			lines[len(lines)-1] += l[1:]
			continue
		}
		lines = append(lines, l)
	}
	name := regexp.MustCompile(`^[A-Z][A-Z0-9-]*(;[A-Z-]+=[^:;]+)*:`)
	var (
		stack  []string
		events []map[string]string
		cur    map[string]string
	)
	for _, l := range lines {
		if !name.MatchString(l) {
			t.Fatalf("not a content line: %q", l)
		}
		k, v, _ := strings.Cut(l, ":")
		switch k {
		case "BEGIN":
			stack = append(stack, v)
			if v == "VEVENT" {
				cur = map[string]string{}
			}
		case "END":
			if len(stack) == 0 || stack[len(stack)-1] != v {
				t.Fatalf("END:%s does not close %v", v, stack)
			}
			stack = stack[:len(stack)-1]
			if v == "VEVENT" {
				events = append(events, cur)
				cur = nil
			}
		default:
			if cur != nil {
				cur[k] = v
			}
		}
	}
	if len(stack) != 0 || !strings.HasPrefix(raw, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") {
		t.Fatalf("unbalanced calendar or missing VERSION: %v", stack)
	}
	uids := map[string]bool{}
	for _, e := range events {
		for _, req := range []string{"UID", "DTSTAMP", "DTSTART;VALUE=DATE"} {
			if e[req] == "" {
				t.Errorf("VEVENT lacks %s: %v", req, e)
			}
		}
		if uids[e["UID"]] {
			t.Errorf("UID %s repeats", e["UID"])
		}
		uids[e["UID"]] = true
		if _, err := time.Parse("20060102", e["DTSTART;VALUE=DATE"]); err != nil {
			t.Errorf("DTSTART %q: %v", e["DTSTART;VALUE=DATE"], err)
		}
		if _, err := time.Parse("20060102T150405Z", e["DTSTAMP"]); err != nil {
			t.Errorf("DTSTAMP %q: %v", e["DTSTAMP"], err)
		}
	}
	return events
}

func icsUnescape(s string) string {
	return strings.NewReplacer(`\\`, `\`, `\;`, `;`, `\,`, `,`, `\n`, "\n", `\N`, "\n").Replace(s)
}

func TestTimelineICSExport(t *testing.T) {
	_, ix := fixtures()
	st := timelineFixtures()
	h := newTestServer(t, st, ix, nil)
	res, body := get(t, h, "/timeline.ics")
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/calendar") {
		t.Fatalf("%d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	evs := checkICS(t, body)
	if len(evs) != 4 {
		t.Fatalf("%d VEVENTs, want 4 (hidden left out)", len(evs))
	}
	var long map[string]string
	for _, e := range evs {
		if strings.HasPrefix(e["UID"], "united_states/sanctions/2020-07-14@") {
			long = e
		}
	}
	if long == nil {
		t.Fatalf("no VEVENT has the event key as UID: %v", evs)
	}
	if got := icsUnescape(long["SUMMARY"]); got != st.events[4].Title {
		t.Errorf("SUMMARY round trip:\n got %q\nwant %q", got, st.events[4].Title)
	}
	if long["DTSTART;VALUE=DATE"] != "20200714" || long["DTEND;VALUE=DATE"] != "20200715" {
		t.Errorf("dates %v", long)
	}
	// Folding must not split a multi-byte character.
	sc := bufio.NewScanner(strings.NewReader(body))
	for sc.Scan() {
		if !utf8Valid(sc.Bytes()) {
			t.Errorf("folded line splits a UTF-8 sequence: %q", sc.Text())
		}
	}
}

func utf8Valid(b []byte) bool { return strings.ToValidUTF8(string(b), "\uFFFD") == string(b) }

func TestEventsAtomFeed(t *testing.T) {
	_, ix := fixtures()
	st := timelineFixtures()
	h := newTestServer(t, st, ix, nil)
	res, body := get(t, h, "/feeds/events.atom?category=sanctions&actor=united_states")
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/atom+xml") {
		t.Fatalf("%d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	feed, err := gofeed.NewParser().ParseString(body)
	if err != nil {
		t.Fatalf("parse Atom: %v", err)
	}
	if feed.FeedType != "atom" || len(feed.Items) != 2 {
		t.Fatalf("feed type %s with %d items, want atom with 2", feed.FeedType, len(feed.Items))
	}
	// The most recently changed event comes first, with its change time.
	first := feed.Items[0]
	if first.Link != "http://example.com/events/5" || first.UpdatedParsed == nil || !first.UpdatedParsed.Equal(time.Date(2020, 9, 1, 12, 0, 0, 0, time.UTC)) {
		t.Errorf("first entry %s updated %v", first.Link, first.UpdatedParsed)
	}
	if feed.UpdatedParsed == nil || !feed.UpdatedParsed.Equal(*first.UpdatedParsed) {
		t.Errorf("feed updated %v, want the newest entry's", feed.UpdatedParsed)
	}
	if strings.Contains(first.Content, "<script") || strings.Contains(first.Content, "javascript:") {
		t.Errorf("entry content carries script: %s", first.Content)
	}

	// An event that changes moves to the top with a new updated time.
	st.events[0].Title = "US sanctions eleven officials, names corrected"
	st.events[0].UpdatedAt = time.Date(2020, 9, 2, 0, 0, 0, 0, time.UTC)
	_, body = get(t, h, "/feeds/events.atom?category=sanctions&actor=united_states")
	feed, err = gofeed.NewParser().ParseString(body)
	if err != nil {
		t.Fatal(err)
	}
	if feed.Items[0].Link != "http://example.com/events/2" || !strings.Contains(feed.Items[0].Title, "names corrected") {
		t.Errorf("changed event not first: %s %q", feed.Items[0].Link, feed.Items[0].Title)
	}

	res, _ = get(t, h, "/feeds/events.atom?kind=rumour")
	if res.StatusCode != 400 {
		t.Errorf("bad kind: status %d, want 400", res.StatusCode)
	}
}

func TestTimelinePageViews(t *testing.T) {
	_, ix := fixtures()
	h := newTestServer(t, timelineFixtures(), ix, nil)
	for _, tc := range []struct {
		target      string
		status      int
		want, avoid []string
	}{
		{"/timeline", 200, []string{`href="/timeline?from=2020-01-01&amp;to=2020-12-31&amp;zoom=month"`, `<li class="event at-`, `aria-current="true">Years`,
			`<div class="grid" aria-hidden="true">`, `<ol class="events rows-`, `<section class="lane" aria-labelledby="lane-sanctions">`, `<section class="legend"`,
			`role="search"`, `<nav class="exports" aria-label="Export or subscribe to this view">`,
			`href="/timeline.csv"`, `href="/feeds/events.atom"`}, nil},
		{"/timeline?zoom=month&from=2020-07-01&to=2020-08-31", 200, []string{"Jul 2020", ">Aug<", `href="/timeline?from=2020-05-01&amp;to=2020-06-30&amp;zoom=month" rel="prev"`,
			`rel="next"`, `aria-current="true">Months`}, nil},
		{"/timeline?zoom=day&from=2020-07-01&to=2020-07-31", 200, []string{">1 Jul<", ">14<", "2020-07-03"}, []string{"US sanctions eleven officials</a>"}},
		{"/timeline?kind=news-only", 200, []string{"1 event,", "Canada visa advisory"}, []string{"UK suspends"}},
		{"/timeline?date=effective", 200, []string{"1 event,", "3 events have no effective date", "announced 2020-07-14", `href="/timeline.csv?date=effective"`}, nil},
		{"/timeline?category=sanctions&actor=united_states", 200, []string{`<option value="united_states" selected>United States</option>`,
			`href="/feeds/events.atom?actor=united_states&amp;category=sanctions"`, "Clear filters"}, []string{"UK suspends"}},
		{"/timeline?zoom=day&from=1000-01-01&to=9999-12-31", 200, []string{`class="at-0"><a href="/timeline?from=1000-01-01&amp;to=1000-12-31&amp;zoom=month" title="Zoom into 1000">1000</a>`, `class="event at-11 `}, nil},
		{"/timeline?zoom=week", 400, []string{"zoom"}, nil},
		{"/timeline?date=gazetted", 400, []string{"date"}, nil},
		{"/timeline?kind=blog", 400, []string{"kind"}, nil},
	} {
		res, body := get(t, h, tc.target)
		if res.StatusCode != tc.status {
			t.Errorf("%s: status %d, want %d", tc.target, res.StatusCode, tc.status)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s lacks %s", tc.target, w)
			}
		}
		for _, a := range tc.avoid {
			if a != "" && strings.Contains(body, a) {
				t.Errorf("%s shows %s", tc.target, a)
			}
		}
		if executableScript.MatchString(body) || strings.Contains(body, "style=") {
			t.Errorf("%s: inline script or style (refused by our CSP)", tc.target)
		}
	}
}

func TestReactionMatrix(t *testing.T) {
	_, ix := fixtures()
	h := newTestServer(t, timelineFixtures(), ix, nil)
	res, body := get(t, h, "/timeline/matrix")
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	// Canada acts first (3 July, news only), then jointly with the U.S. on
	// 14 July; the U.S.'s first sanction is that joint act, the August one
	// counted as one more.
	for _, want := range []string{
		`<time datetime="2020-07-03">2020-07-03</time>` + "\n      " + `<span class="days">3 days after</span>` + "\n      " + `<a class="title" href="/events/3">Canada visa advisory &lt;script&gt;`,
		`<time datetime="2020-07-14">2020-07-14</time>` + "\n      " + `<span class="days">14 days after</span>` + "\n      " + `<a class="title" href="/events/5">=HYPERLINK`,
		`<a class="more" href="/timeline?actor=united_states&amp;category=sanctions">+1 more</a>`,
		`<th scope="col">Sanctions and asset freezes</th>`,
		`datetime="2020-06-30"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("matrix lacks %s", want)
		}
	}
	rows := regexp.MustCompile(`<th scope="row"><a href="/timeline\?actor=([a-z_]+)"`).FindAllStringSubmatch(body, -1)
	var order []string
	for _, r := range rows {
		order = append(order, r[1])
	}
	if strings.Join(order, ",") != "canada,united_states,united_kingdom" {
		t.Errorf("rows %v, want actors in the order they first acted", order)
	}
	if referenceDay().IsZero() {
		t.Errorf("ReferenceDate %q is not a YYYY-MM-DD day", ReferenceDate)
	}
	if !bytes.Contains([]byte(daysText(-2)), []byte("2 days before")) || daysText(0) != "same day" {
		t.Errorf("daysText: %q %q", daysText(-2), daysText(0))
	}
}
