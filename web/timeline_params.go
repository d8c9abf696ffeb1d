package web

import (
	"net/url"
	"slices"
	"strings"
	"time"

	"policywatch/model"
	"policywatch/query"
	"policywatch/store"
)

// Kinds of source the timeline filters by: events backed by an official
// document, events with news coverage, and events that rest on news alone.
const (
	sourceOfficial = "official"
	sourceNews     = "news"
	sourceNewsOnly = "news-only"
)

// Zoom levels of the timeline's axis: ticks per year, month or day.
const (
	zoomYear  = "year"
	zoomMonth = "month"
	zoomDay   = "day"
)

// timelineParams is the timeline's filter and view as the URL states it.
// The page, the API, the exports and the feed read the same parameters,
// so a filtered view can be shared, exported or subscribed to as it is.
type timelineParams struct {
	Category, Actor string
	Kind            string // "", sourceOfficial, sourceNews, sourceNewsOnly
	DateKind        string // model.DateAnnounced (default), DatePublished, DateEffective
	Zoom            string // zoomYear (default), zoomMonth, zoomDay
	From, To        time.Time
	FromRaw, ToRaw  string
}

// parseTimeline reads the timeline's view from the URL; a category or
// actor may be given by id or by the label the page shows (or, for a
// category, its lane), in any case.
func (s *Server) parseTimeline(v url.Values) (timelineParams, error) {
	p, err := readTimeline(v)
	if err != nil {
		return p, err
	}
	if p.Category != "" {
		if p.Category, err = s.vocab.Resolve(query.FieldCategory, p.Category); err != nil {
			return p, paramVocabError("category", err)
		}
	}
	if p.Actor != "" {
		if p.Actor, err = s.vocab.Resolve(query.FieldActor, p.Actor); err != nil {
			return p, paramVocabError("actor", err)
		}
	}
	return p, nil
}

func readTimeline(v url.Values) (timelineParams, error) {
	p := timelineParams{
		Category: strings.TrimSpace(v.Get("category")),
		Actor:    strings.TrimSpace(v.Get("actor")),
		Kind:     strings.TrimSpace(v.Get("kind")),
		DateKind: strings.TrimSpace(v.Get("date")),
		Zoom:     strings.TrimSpace(v.Get("zoom")),
	}
	switch p.Kind {
	case "", sourceOfficial, sourceNews, sourceNewsOnly:
	default:
		return p, badParam("kind", "%q is not a kind of source (use official, news or news-only)", p.Kind)
	}
	switch p.DateKind {
	case "":
		p.DateKind = model.DateAnnounced
	case model.DateAnnounced, model.DatePublished, model.DateEffective:
	default:
		return p, badParam("date", "%q is not a kind of date (use announced, published or effective)", p.DateKind)
	}
	switch p.Zoom {
	case "":
		p.Zoom = zoomYear
	case zoomYear, zoomMonth, zoomDay:
	default:
		return p, badParam("zoom", "%q is not a zoom level (use year, month or day)", p.Zoom)
	}
	var err error
	if p.From, p.FromRaw, err = parseDate(v, "from", false); err != nil {
		return p, err
	}
	// Days compare whole and inclusive: no end-of-day shift.
	if p.To, p.ToRaw, err = parseDate(v, "to", false); err != nil {
		return p, err
	}
	if !p.From.IsZero() && !p.To.IsZero() && p.To.Before(p.From) {
		return p, badParam("to", "%s is before from (%s)", p.ToRaw, p.FromRaw)
	}
	return p, nil
}

// filter is what the store can narrow by itself. Dates other than the
// announced one live in the event's JSON, so date ranges are applied in
// memory by keep; so is the category, which may be any of an event's
// categories, not only the first one the store files it under.
func (p timelineParams) filter() store.EventFilter {
	f := store.EventFilter{Actor: p.Actor}
	if p.DateKind == model.DateAnnounced {
		f.From, f.To = p.From, p.To
	}
	return f
}

// keep reports whether an event belongs in the view and the day that
// places it. Events without the chosen kind of date are left out: an
// event with no known effective date has no place on an axis of
// effective dates.
func (p timelineParams) keep(e model.Event) (time.Time, bool) {
	if e.Hidden {
		return time.Time{}, false
	}
	if p.Category != "" && !slices.Contains(eventCategories(e), p.Category) {
		return time.Time{}, false
	}
	if p.Actor != "" && !slices.Contains(e.Actors, p.Actor) {
		return time.Time{}, false
	}
	switch p.Kind {
	case sourceOfficial:
		if e.NewsOnly {
			return time.Time{}, false
		}
	case sourceNewsOnly:
		if !e.NewsOnly {
			return time.Time{}, false
		}
	case sourceNews:
		if !slices.ContainsFunc(e.Documents, func(d model.EventDocument) bool { return d.Kind == model.KindNews }) {
			return time.Time{}, false
		}
	}
	at, ok := eventDate(e, p.DateKind)
	if !ok {
		return time.Time{}, false
	}
	if !p.From.IsZero() && at.Before(p.From) {
		return time.Time{}, false
	}
	if !p.To.IsZero() && at.After(p.To) {
		return time.Time{}, false
	}
	return at, true
}

// eventDate is an event's day of the given kind. The announced day is the
// event's own date; a published day falls back to the primary official
// document's publication (a government's release is published the day it
// is issued), which is the gazette date the clustering did not record.
func eventDate(e model.Event, kind string) (time.Time, bool) {
	if kind == "" || kind == model.DateAnnounced {
		return e.Date, !e.Date.IsZero()
	}
	var best model.EventDate
	for _, d := range e.Dates {
		if d.Kind == kind && !d.Date.IsZero() && (best.Date.IsZero() || d.Confidence > best.Confidence) {
			best = d
		}
	}
	if !best.Date.IsZero() {
		return dayOf(best.Date), true
	}
	if kind == model.DatePublished {
		for _, d := range e.Documents {
			if d.Primary && d.Kind == model.KindOfficial && !d.Published.IsZero() {
				// The publisher's day, not UTC's (see formatDate).
				y, m, dd := d.Published.Date()
				return time.Date(y, m, dd, 0, 0, 0, 0, time.UTC), true
			}
		}
	}
	return time.Time{}, false
}

// eventCategories is every category of an event's announcement, its main
// category first, and the event's own among them: one announcement that
// suspends a treaty and halts exports is filed under both.
func eventCategories(e model.Event) []string {
	if len(e.Categories) == 0 {
		if e.Category == "" {
			return nil
		}
		return []string{e.Category}
	}
	if e.Category == "" || slices.Contains(e.Categories, e.Category) {
		return e.Categories
	}
	return append([]string{e.Category}, e.Categories...)
}

// ownCategories is an event's categories with its own first: how the
// event's page and lists of single events name it.
func ownCategories(e model.Event) []string {
	cats := eventCategories(e)
	if len(cats) == 0 || cats[0] == e.Category {
		return cats
	}
	out := []string{e.Category}
	for _, c := range cats {
		if c != e.Category {
			out = append(out, c)
		}
	}
	return out
}

func dayOf(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// values is the URL query of this view, leaving defaults out so shared
// links stay short.
func (p timelineParams) values() url.Values {
	v := url.Values{}
	set := func(k, val, def string) {
		if val != "" && val != def {
			v.Set(k, val)
		}
	}
	set("category", p.Category, "")
	set("actor", p.Actor, "")
	set("kind", p.Kind, "")
	set("date", p.DateKind, model.DateAnnounced)
	set("zoom", p.Zoom, zoomYear)
	set("from", p.FromRaw, "")
	set("to", p.ToRaw, "")
	return v
}

// with returns the view's query with some parameters replaced (pairs of
// name, value; an empty value removes the parameter), for links that
// change one thing and keep the rest.
func (p timelineParams) with(kv ...string) string {
	v := p.values()
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			v.Del(kv[i])
		} else {
			v.Set(kv[i], kv[i+1])
		}
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

// filterQuery is the query that exports and feeds take: the filters
// without the page's view settings (zoom).
func (p timelineParams) filterQuery() string {
	v := p.values()
	v.Del("zoom")
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

// Filtered reports whether any filter narrows the view.
func (p timelineParams) Filtered() bool {
	return p.Category != "" || p.Actor != "" || p.Kind != "" || p.FromRaw != "" || p.ToRaw != ""
}
