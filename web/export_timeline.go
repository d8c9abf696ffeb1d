package web

import (
	"bytes"
	"encoding/csv"
	"html"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"policywatch/model"
)

// Exports of the timeline. Each takes the page's filters (category,
// actor, kind, date, from, to), so any view a reader built can be taken
// into TimelineJS, a spreadsheet or a calendar as it is.

// exportEvents parses the filters and loads the events of a view as the
// timeline draws them: one per announcement, naming all its categories
// (a spreadsheet row, a calendar entry, a TimelineJS slide each).
func (s *Server) exportEvents(w http.ResponseWriter, r *http.Request) (timelineParams, []placedEvent, bool) {
	p, err := s.parseTimeline(r.URL.Query())
	if err != nil {
		s.fail(w, r, err)
		return p, nil, false
	}
	evs, _, err := s.timelineCards(r.Context(), p)
	if err != nil {
		s.fail(w, r, err)
		return p, nil, false
	}
	return p, evs, true
}

// exportTitle names a view by its filters.
func (s *Server) exportTitle(p timelineParams) string {
	var parts []string
	if p.Category != "" {
		parts = append(parts, s.label(p.Category))
	}
	if p.Actor != "" {
		parts = append(parts, s.label(p.Actor))
	}
	switch p.Kind {
	case sourceOfficial:
		parts = append(parts, "official sources")
	case sourceNews:
		parts = append(parts, "with news coverage")
	case sourceNewsOnly:
		parts = append(parts, "news reports only")
	}
	if p.FromRaw != "" || p.ToRaw != "" {
		parts = append(parts, strings.TrimSpace(p.FromRaw+" to "+p.ToRaw))
	}
	title := "policywatch timeline"
	if len(parts) > 0 {
		title += ": " + strings.Join(parts, ", ")
	}
	return title
}

// laneLabel is the lane an event's category sits in, TimelineJS's group.
func (s *Server) laneLabel(category string) string {
	for _, l := range s.lanes {
		for _, c := range l.Categories {
			if c == category {
				if l.Label != "" {
					return l.Label
				}
				return l.ID
			}
		}
	}
	return s.label(category)
}

// laneLabels names the lanes an event is in, its own category's first.
func (s *Server) laneLabels(e model.Event) []string {
	var out []string
	for _, c := range eventCategories(e) {
		if l := s.laneLabel(c); !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}

// TimelineJS3's JSON format: a title slide and events with split dates.
type tljsFile struct {
	Title  tljsSlide   `json:"title"`
	Events []tljsEvent `json:"events"`
}

type tljsSlide struct {
	Text tljsText `json:"text"`
}

type tljsText struct {
	Headline string `json:"headline"`
	Text     string `json:"text"`
}

type tljsDate struct {
	Year  string `json:"year"`
	Month string `json:"month"`
	Day   string `json:"day"`
}

type tljsEvent struct {
	StartDate tljsDate `json:"start_date"`
	Text      tljsText `json:"text"`
	Group     string   `json:"group,omitempty"`
	UniqueID  string   `json:"unique_id"`
}

func (s *Server) timelineJSON(w http.ResponseWriter, r *http.Request) {
	p, evs, ok := s.exportEvents(w, r)
	if !ok {
		return
	}
	base := s.archiveBase(r)
	out := tljsFile{
		// TimelineJS renders headlines as HTML, like text: both are
		// escaped here (a filter from the URL, a crawled event title).
		Title: tljsSlide{Text: tljsText{
			Headline: html.EscapeString(s.exportTitle(p)),
			Text:     "<p>Events placed by their " + html.EscapeString(p.DateKind) + " date, with the documents that evidence them.</p>",
		}},
		Events: []tljsEvent{},
	}
	for _, e := range evs {
		out.Events = append(out.Events, tljsEvent{
			StartDate: tljsDate{Year: strconv.Itoa(e.At.Year()), Month: strconv.Itoa(int(e.At.Month())), Day: strconv.Itoa(e.At.Day())},
			Text:      tljsText{Headline: html.EscapeString(e.Title), Text: s.eventHTML(base, e)},
			Group:     s.laneLabel(e.Category),
			UniqueID:  "event-" + itoa(e.ID),
		})
	}
	w.Header().Set("Content-Disposition", `inline; filename="timeline.json"`)
	writeJSON(w, http.StatusOK, out)
}

// eventHTML is an event's body for TimelineJS and the Atom feed: who,
// the sources (official first) and a permalink. All text is escaped:
// titles come from crawled pages.
func (s *Server) eventHTML(base string, e placedEvent) string {
	var b strings.Builder
	b.WriteString("<p>")
	b.WriteString(html.EscapeString(s.categoryLabels(e.Event)))
	if len(e.Actors) > 0 {
		b.WriteString(" · ")
		for i, a := range e.Actors {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(html.EscapeString(s.label(a)))
		}
	}
	if e.NewsOnly {
		b.WriteString(" · news reports only")
	}
	b.WriteString("</p>")
	if docs := evidenceOrder(e.Documents); len(docs) > 0 {
		b.WriteString("<ul>")
		for _, d := range docs {
			b.WriteString(`<li>`)
			b.WriteString(html.EscapeString(kindLabel(d)))
			b.WriteString(`: <a href="`)
			b.WriteString(html.EscapeString(safeHref(d.URL)))
			b.WriteString(`" rel="noopener noreferrer nofollow">`) // leaves our site, as on our pages
			b.WriteString(html.EscapeString(firstNonEmpty(d.Title, d.URL)))
			b.WriteString("</a></li>")
		}
		b.WriteString("</ul>")
	}
	b.WriteString(`<p><a href="`)
	b.WriteString(html.EscapeString(base + "/events/" + itoa(e.ID)))
	b.WriteString(`">Evidence and dates</a></p>`)
	return b.String()
}

func kindLabel(d model.EventDocument) string {
	if d.Primary {
		return "primary statement"
	}
	return string(d.Kind)
}

// safeHref keeps only web links: a crawled URL is ours to store but a
// javascript: one must not become a live link in someone's timeline.
func safeHref(u string) string {
	if isWebURL(u) {
		return u
	}
	return "#"
}

// isWebURL reports whether a crawled address is http(s) and so safe to
// hand a browser or feed reader as a link; javascript: and data: are not.
func isWebURL(u string) bool {
	l := strings.ToLower(strings.TrimSpace(u))
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://")
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// csvHeader names the CSV export's columns.
var csvHeader = []string{"id", "date", "date_kind", "announced", "effective", "lane", "category", "categories", "actors",
	"title", "instrument", "target", "news_only", "official_documents", "news_documents", "primary_source", "permalink"}

func (s *Server) timelineCSV(w http.ResponseWriter, r *http.Request) {
	p, evs, ok := s.exportEvents(w, r)
	if !ok {
		return
	}
	base := s.archiveBase(r)
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	_ = cw.Write(csvHeader)
	for _, e := range evs {
		eff, _ := eventDate(e.Event, model.DateEffective)
		primary := ""
		for _, d := range evidenceOrder(e.Documents) {
			primary = d.URL
			break
		}
		_ = cw.Write(CSVRow( // csv.go: every cell formula-safe
			itoa(e.ID), formatDate(e.At), p.DateKind, formatDate(e.Date), formatDate(eff),
			s.laneLabel(e.Category), e.Category, CSVList(eventCategories(e.Event)), CSVList(e.Actors),
			e.Title, e.Instrument, e.Target, strconv.FormatBool(e.NewsOnly),
			strconv.Itoa(e.Official), strconv.Itoa(e.News), primary, base+"/events/"+itoa(e.ID),
		))
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="timeline.csv"`)
	_, _ = buf.WriteTo(w)
}

// timelineICS writes the view as an RFC 5545 calendar: one all-day event
// per announcement on the timeline, its UID the announcement's stable
// key, so a calendar that subscribes updates events in place after
// re-clustering.
func (s *Server) timelineICS(w http.ResponseWriter, r *http.Request) {
	p, evs, ok := s.exportEvents(w, r)
	if !ok {
		return
	}
	base := s.archiveBase(r)
	host := linkHost(base) // baseurl.go
	var c icsWriter
	c.line("BEGIN:VCALENDAR")
	c.line("VERSION:2.0")
	c.line("PRODID:-//policywatch//timeline//EN")
	c.line("CALSCALE:GREGORIAN")
	c.line("METHOD:PUBLISH")
	c.prop("X-WR-CALNAME", s.exportTitle(p))
	for _, e := range evs {
		stamp := e.UpdatedAt
		if stamp.IsZero() {
			stamp = s.now()
		}
		c.line("BEGIN:VEVENT")
		// The announcement's key: the entry stays one and the same when
		// editors hide the event that stood for it.
		c.prop("UID", e.AnnouncementKey()+"@"+host)
		c.line("DTSTAMP:" + stamp.UTC().Format("20060102T150405Z"))
		c.line("DTSTART;VALUE=DATE:" + e.At.Format("20060102"))
		c.line("DTEND;VALUE=DATE:" + e.At.AddDate(0, 0, 1).Format("20060102"))
		c.prop("SUMMARY", e.Title)
		c.prop("DESCRIPTION", s.eventText(e))
		// CATEGORIES is a list: every lane the announcement is in.
		var lanes []string
		for _, l := range s.laneLabels(e.Event) {
			lanes = append(lanes, icsEscape(l))
		}
		c.line("CATEGORIES:" + strings.Join(lanes, ","))
		c.line("URL:" + base + "/events/" + itoa(e.ID))
		c.line("TRANSP:TRANSPARENT")
		c.line("END:VEVENT")
	}
	c.line("END:VCALENDAR")
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="timeline.ics"`)
	_, _ = w.Write(c.buf.Bytes())
}

// categoryLabels names every category of an event, its own first.
func (s *Server) categoryLabels(e model.Event) string {
	var out []string
	for _, c := range eventCategories(e) {
		out = append(out, s.label(c))
	}
	return strings.Join(out, ", ")
}

// eventText is an event in plain text for a calendar entry.
func (s *Server) eventText(e placedEvent) string {
	var b strings.Builder
	b.WriteString(s.categoryLabels(e.Event))
	for i, a := range e.Actors {
		if i == 0 {
			b.WriteString(" by ")
		} else {
			b.WriteString(", ")
		}
		b.WriteString(s.label(a))
	}
	if e.NewsOnly {
		b.WriteString(" (news reports only)")
	}
	for _, d := range evidenceOrder(e.Documents) {
		b.WriteString("\n")
		b.WriteString(kindLabel(d) + ": " + firstNonEmpty(d.Title, d.URL) + " <" + d.URL + ">")
	}
	return b.String()
}

// icsWriter writes content lines: CRLF endings, folded at 75 octets
// without splitting a UTF-8 sequence (RFC 5545 section 3.1).
type icsWriter struct{ buf bytes.Buffer }

func (c *icsWriter) prop(name, value string) { c.line(name + ":" + icsEscape(value)) }

func (c *icsWriter) line(l string) {
	const limit = 75
	width := limit
	for len(l) > width {
		cut := width
		for cut > 0 && !utf8.RuneStart(l[cut]) {
			cut--
		}
		c.buf.WriteString(l[:cut])
		c.buf.WriteString("\r\n ")
		l = l[cut:]
		width = limit - 1 // the continuation's leading space counts
	}
	c.buf.WriteString(l)
	c.buf.WriteString("\r\n")
}

// icsEscape escapes a TEXT value; control characters other than newline
// are not allowed in content lines, so they are dropped.
func icsEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == ';':
			b.WriteString(`\;`)
		case r == ',':
			b.WriteString(`\,`)
		case r == '\n':
			b.WriteString(`\n`)
		case r < 0x20 || r == 0x7f:
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
