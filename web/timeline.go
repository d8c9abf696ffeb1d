package web

import (
	"context"
	"net/http"
	"sort"
	"time"

	"policywatch/model"
)

// timelineView is what templates/timeline.html renders.
type timelineView struct {
	Params     timelineParams
	Lanes      []laneView
	Hidden     []string // lanes with no events under the filters
	Total      int
	Undated    int // events left out for lack of the chosen kind of date
	Categories []option
	Actors     []option
	Kinds      []option
	DateKinds  []option
	Zooms      []link
	Axis       []tick
	Window     string // the axis's span, e.g. "2020-01-01 to 2020-12-31"
	Prev, Next string // hrefs that move the window; "" when there is nothing there
	Exports    []link
	Clear      string
}

type option struct {
	Value, Label string
	Selected     bool
}

type link struct {
	Label, Href, Type string
	Current           bool
}

// placedEvent is an event with the day that places it on the axis, which
// is its announced date unless the reader picked another kind.
type placedEvent struct {
	model.Event
	At       time.Time
	Official int // official documents among its evidence
	News     int
}

type laneView struct {
	ID, Label string
	Count     int
	Rows      int        // rows of cards on the axis (1..maxRows)
	Items     []laneItem // cards and clusters in date order
}

// laneItem is one entry of a lane's list: an event, or the events that
// found no room on the axis at one point, shown as a count. Pos is the
// percentage of the window where it sits (a class per percent: inline
// styles are refused by our Content-Security-Policy), Row its row; a
// Flip card ends at its date instead of starting there, so cards near
// the end of the window stay inside it.
type laneItem struct {
	Pos, Row int
	Flip     bool
	Event    *eventCard
	Cluster  *clusterView
}

// eventCard is an event as the timeline shows it.
type eventCard struct {
	placedEvent
	Also    []string // labels of its other categories
	HasMore bool     // a cluster badge sits on the card's end
}

// clusterView counts the events that had no room beside a card; they are
// listed inside it (shown on hover or focus, always read out) and its
// link zooms into their span.
type clusterView struct {
	Count  int
	Span   string
	Zoom   string
	Events []eventCard
}

// tick is a labelled point on the axis; Href zooms into the period.
type tick struct {
	Pos         int
	Label, Href string
	Title       string
}

// timelineEvents loads the events a view shows, placed and sorted by the
// chosen date, and how many announcements matched the filters but lack
// that date.
func (s *Server) timelineEvents(ctx context.Context, p timelineParams) (shown []placedEvent, undated int, err error) {
	evs, err := s.store.Events(ctx, p.filter())
	if err != nil {
		return nil, 0, err
	}
	lacking := map[string]bool{}
	for _, e := range evs {
		at, ok := p.keep(e)
		if !ok {
			if _, dated := eventDate(e, p.DateKind); !dated && !e.Hidden && !lacking[announcementOf(e)] {
				lacking[announcementOf(e)] = true
				undated++
			}
			continue
		}
		pe := placedEvent{Event: e, At: at}
		for _, d := range e.Documents {
			if d.Kind == model.KindOfficial {
				pe.Official++
			} else {
				pe.News++
			}
		}
		shown = append(shown, pe)
	}
	sort.SliceStable(shown, func(i, j int) bool {
		if !shown[i].At.Equal(shown[j].At) {
			return shown[i].At.Before(shown[j].At)
		}
		return shown[i].ID < shown[j].ID
	})
	return shown, undated, nil
}

// timelineCards is what a view draws or publishes: one card per
// announcement (announcementCards), by the chosen date, and how many
// announcements lack that date.
func (s *Server) timelineCards(ctx context.Context, p timelineParams) ([]placedEvent, int, error) {
	evs, undated, err := s.timelineEvents(ctx, p)
	if err != nil {
		return nil, 0, err
	}
	return announcementCards(evs, p.Category), undated, nil
}

// loadEvents is the API's view of the timeline: the filtered events in
// the order the page shows them, one per category of an announcement
// (under a category filter, the announcement's event of that category).
func (s *Server) loadEvents(r *http.Request) (timelineParams, []model.Event, error) {
	p, err := s.parseTimeline(r.URL.Query())
	if err != nil {
		return p, nil, err
	}
	placed, _, err := s.timelineEvents(r.Context(), p)
	if err != nil {
		return p, nil, err
	}
	placed = ofCategory(placed, p.Category)
	out := make([]model.Event, len(placed))
	for i, e := range placed {
		out[i] = e.Event
	}
	return p, out, nil
}

func (s *Server) timelinePage(w http.ResponseWriter, r *http.Request) {
	p, err := s.parseTimeline(r.URL.Query())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	evs, undated, err := s.timelineCards(r.Context(), p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The actor list comes from every event, not only the filtered ones, so
	// a reader can switch from one actor to another.
	all, err := s.store.Events(r.Context(), storeAll)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	start, end := p.window(evs)
	view := timelineView{
		Params:  p,
		Total:   len(evs),
		Undated: undated,
		Axis:    axisTicks(p, start, end),
		Window:  formatDate(start) + " to " + formatDate(end.AddDate(0, 0, -1)),
		Clear:   "/timeline",
	}
	view.Lanes, view.Hidden = s.groupLanes(p, evs, start, end)
	view.Prev, view.Next = p.shift(start, end)
	for _, l := range s.lanes {
		for _, c := range l.Categories {
			view.Categories = append(view.Categories, option{Value: c, Label: s.label(c), Selected: c == p.Category})
		}
	}
	view.Actors = s.actorOptions(all, p.Actor)
	for _, k := range []struct{ v, l string }{{"", "any evidence"}, {sourceOfficial, "an official document"}, {sourceNews, "news coverage"}, {sourceNewsOnly, "news reports only, no official document"}} {
		view.Kinds = append(view.Kinds, option{Value: k.v, Label: k.l, Selected: k.v == p.Kind})
	}
	for _, k := range []string{model.DateAnnounced, model.DatePublished, model.DateEffective} {
		view.DateKinds = append(view.DateKinds, option{Value: k, Label: k, Selected: k == p.DateKind})
	}
	view.Zooms = p.zoomLinks(evs, start, end)
	fq := p.filterQuery()
	view.Exports = []link{
		{Label: "TimelineJS (JSON)", Href: "/timeline.json" + fq, Type: "application/json"},
		{Label: "Spreadsheet (CSV)", Href: "/timeline.csv" + fq, Type: "text/csv"},
		{Label: "Calendar (iCalendar)", Href: "/timeline.ics" + fq, Type: "text/calendar"},
		{Label: "Atom feed of new and changed events", Href: "/feeds/events.atom" + feedQuery(p), Type: "application/atom+xml"},
		{Label: "Reaction matrix", Href: "/timeline/matrix" + feedQuery(p)},
	}
	s.render(w, r, http.StatusOK, "timeline", page{Title: "Timeline", Nav: "timeline", Data: view})
}

// storeAll lists every visible event.
var storeAll = timelineParams{DateKind: model.DateAnnounced}.filter()

// actorOptions offers every actor with events, by label.
func (s *Server) actorOptions(evs []model.Event, selected string) []option {
	seen := map[string]bool{}
	var out []option
	for _, e := range evs {
		for _, a := range e.Actors {
			if !seen[a] {
				seen[a] = true
				out = append(out, option{Value: a, Label: s.label(a), Selected: a == selected})
			}
		}
	}
	if selected != "" && !seen[selected] {
		out = append(out, option{Value: selected, Label: s.label(selected), Selected: true})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Label < out[j].Label })
	return out
}

// position is t's place in [start, end) as a whole percentage.
func position(t, start, end time.Time) int {
	// Seconds, not time.Duration, which saturates past 292 years.
	span := end.Unix() - start.Unix()
	if span <= 0 {
		return 0
	}
	p := int(100 * float64(t.Unix()-start.Unix()) / float64(span))
	return min(max(p, 0), 100)
}

// window is the span the axis shows, end exclusive: the URL's from/to,
// or the events' extent rounded out to the zoom's unit.
func (p timelineParams) window(evs []placedEvent) (start, end time.Time) {
	lo, hi := p.From, p.To
	if lo.IsZero() || hi.IsZero() {
		var first, last time.Time
		for _, e := range evs {
			if first.IsZero() || e.At.Before(first) {
				first = e.At
			}
			if e.At.After(last) {
				last = e.At
			}
		}
		if first.IsZero() {
			first, last = referenceDay(), referenceDay()
		}
		if lo.IsZero() {
			lo = floorTo(first, p.Zoom)
			if !hi.IsZero() && lo.After(hi) {
				lo = floorTo(hi, p.Zoom)
			}
		}
		if hi.IsZero() {
			hi = ceilTo(last, p.Zoom).AddDate(0, 0, -1)
			if hi.Before(lo) {
				hi = ceilTo(lo, p.Zoom).AddDate(0, 0, -1)
			}
		}
	}
	return dayOf(lo), dayOf(hi).AddDate(0, 0, 1)
}

// floorTo is the start of the year, month or day holding t.
func floorTo(t time.Time, zoom string) time.Time {
	switch zoom {
	case zoomYear:
		return time.Date(t.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	case zoomMonth:
		return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	}
	return dayOf(t)
}

// ceilTo is the start of the unit after the one holding t.
func ceilTo(t time.Time, zoom string) time.Time {
	f := floorTo(t, zoom)
	switch zoom {
	case zoomYear:
		return f.AddDate(1, 0, 0)
	case zoomMonth:
		return f.AddDate(0, 1, 0)
	}
	return f.AddDate(0, 0, 1)
}

// spanDays counts the days from start to end without time.Duration,
// which saturates past 292 years.
func spanDays(start, end time.Time) int64 { return (end.Unix() - start.Unix()) / 86400 }

// maxTicks keeps the axis readable: long spans label every n-th unit
// (a month of days is labelled in full).
const maxTicks = 31

// axisTicks labels the window by year, month or day; each label zooms
// into its period.
func axisTicks(p timelineParams, start, end time.Time) []tick {
	// A window of centuries by day would list a million units before
	// thinning them: coarsen the unit first.
	switch days := spanDays(start, end); {
	case days > 366*maxTicks*4:
		p.Zoom = zoomYear
	case days > 31*maxTicks*4 && p.Zoom == zoomDay:
		p.Zoom = zoomMonth
	}
	var units []time.Time
	for t := ceilTo(start.AddDate(0, 0, -1), p.Zoom); t.Before(end); t = ceilTo(t, p.Zoom) {
		units = append(units, t)
	}
	if len(units) == 0 || units[0].After(start) {
		units = append([]time.Time{start}, units...)
	}
	step := (len(units) + maxTicks - 1) / maxTicks
	var out []tick
	for i := 0; i < len(units); i += step {
		t := units[i]
		tk := tick{Pos: position(t, start, end)}
		switch p.Zoom {
		case zoomYear:
			tk.Label = t.Format("2006")
			tk.Title = "Zoom into " + tk.Label
			tk.Href = "/timeline" + p.with("zoom", zoomMonth, "from", t.Format("2006-01-02"), "to", floorTo(t, zoomYear).AddDate(1, 0, -1).Format("2006-01-02"))
		case zoomMonth:
			tk.Label = t.Format("Jan")
			if t.Month() == time.January || i == 0 {
				tk.Label = t.Format("Jan 2006")
			}
			tk.Title = "Zoom into " + t.Format("January 2006")
			tk.Href = "/timeline" + p.with("zoom", zoomDay, "from", t.Format("2006-01-02"), "to", floorTo(t, zoomMonth).AddDate(0, 1, -1).Format("2006-01-02"))
		default:
			tk.Label = t.Format("2")
			if t.Day() == 1 || i == 0 {
				tk.Label = t.Format("2 Jan")
			}
			tk.Title = "Events of " + t.Format("2 January 2006")
			d := t.Format("2006-01-02")
			tk.Href = "/timeline" + p.with("from", d, "to", d)
		}
		out = append(out, tk)
	}
	return out
}

// zoomLinks switch the axis between years, months and days. Zooming in
// without a window picks the busiest year or month, so the links always
// state the window they show.
func (p timelineParams) zoomLinks(evs []placedEvent, start, end time.Time) []link {
	busiest := func(zoom string) (string, string) {
		count := map[time.Time]int{}
		var best time.Time
		for _, e := range evs {
			k := floorTo(e.At, zoom)
			count[k]++
			if best.IsZero() || count[k] > count[best] || (count[k] == count[best] && k.Before(best)) {
				best = k
			}
		}
		if best.IsZero() {
			best = floorTo(start, zoom)
		}
		return best.Format(time.DateOnly), ceilTo(best, zoom).AddDate(0, 0, -1).Format(time.DateOnly)
	}
	yf, yt := busiest(zoomYear)
	mf, mt := busiest(zoomMonth)
	return []link{
		{Label: "Years", Href: "/timeline" + p.with("zoom", "", "from", "", "to", ""), Current: p.Zoom == zoomYear},
		{Label: "Months", Href: "/timeline" + p.with("zoom", zoomMonth, "from", yf, "to", yt), Current: p.Zoom == zoomMonth},
		{Label: "Days", Href: "/timeline" + p.with("zoom", zoomDay, "from", mf, "to", mt), Current: p.Zoom == zoomDay},
	}
}

// shift returns links to the windows before and after this one, of the
// same length (whole months when the window is whole months). A view
// without a window of its own shows everything and has no neighbours.
func (p timelineParams) shift(start, end time.Time) (prev, next string) {
	if p.FromRaw == "" || p.ToRaw == "" {
		return "", ""
	}
	move := func(t time.Time, n int) time.Time { return t.AddDate(0, 0, n*int(spanDays(start, end))) }
	if start.Day() == 1 && end.Day() == 1 {
		months := (end.Year()-start.Year())*12 + int(end.Month()-start.Month())
		move = func(t time.Time, n int) time.Time { return t.AddDate(0, n*months, 0) }
	}
	href := func(n int) string {
		s, e := move(start, n), move(end, n)
		return "/timeline" + p.with("from", s.Format(time.DateOnly), "to", e.AddDate(0, 0, -1).Format(time.DateOnly))
	}
	return href(-1), href(1)
}

// feedQuery is the filter a feed or matrix takes: category, actor and kind.
func feedQuery(p timelineParams) string {
	q := timelineParams{Category: p.Category, Actor: p.Actor, Kind: p.Kind, DateKind: model.DateAnnounced, Zoom: zoomYear}
	return q.with()
}
