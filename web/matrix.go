package web

import (
	"net/http"
	"slices"
	"sort"
	"strconv"
	"time"
)

// The reaction matrix counts days from one reference day: the Standing
// Committee of the National People's Congress passed the national
// security law for Hong Kong on 30 June 2020. These two constants are
// the one place it is set; another topic changes them.
const (
	ReferenceDate  = "2020-06-30"
	ReferenceLabel = "the national security law was passed"
)

// referenceDay is ReferenceDate as a time; a malformed constant fails
// the package's tests, and the zero time keeps the page working.
func referenceDay() time.Time {
	t, _ := time.Parse(time.DateOnly, ReferenceDate)
	return t
}

// matrixView is what templates/timeline_matrix.html renders: who acted,
// how, and how soon after the reference date.
type matrixView struct {
	Params    timelineParams
	Reference time.Time
	RefLabel  string
	Columns   []option // categories, in lane order
	Rows      []matrixRow
	Back      string
}

type matrixRow struct {
	Actor, Label string
	Cells        []matrixCell
	Count        int
}

// matrixCell is an actor's first event of a category; More counts the
// later ones.
type matrixCell struct {
	Category string
	First    *placedEvent
	Days     int    // First's date minus the reference date
	DaysText string // "21 days after", "same day", "3 days before"
	More     int
}

func (s *Server) matrixPage(w http.ResponseWriter, r *http.Request) {
	p, err := s.parseTimeline(r.URL.Query())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	evs, _, err := s.timelineCards(r.Context(), p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	view := s.reactionMatrix(evs, referenceDay())
	view.Params = p
	view.Back = "/timeline" + p.with("zoom", "")
	s.render(w, r, http.StatusOK, "timeline_matrix", page{Title: "Reaction matrix", Nav: "timeline", Data: view})
}

// reactionMatrix builds actors × categories from events sorted by date.
// Every actor of an event acted (the co-signers of a joint statement
// too). Rows come in the order the actors first acted.
func (s *Server) reactionMatrix(evs []placedEvent, ref time.Time) matrixView {
	view := matrixView{Reference: ref, RefLabel: ReferenceLabel}
	col := map[string]int{}
	addCol := func(c string) {
		if _, ok := col[c]; !ok {
			col[c] = len(view.Columns)
			view.Columns = append(view.Columns, option{Value: c, Label: s.label(c)})
		}
	}
	for _, l := range s.lanes {
		for _, c := range l.Categories {
			addCol(c)
		}
	}
	var extra []string
	for _, e := range evs {
		for _, c := range eventCategories(e.Event) {
			if _, ok := col[c]; !ok && !slices.Contains(extra, c) {
				extra = append(extra, c)
			}
		}
	}
	sort.Strings(extra)
	for _, c := range extra {
		addCol(c)
	}
	row := map[string]int{}
	for i := range evs {
		e := &evs[i]
		for _, a := range e.Actors {
			ri, ok := row[a]
			if !ok {
				ri = len(view.Rows)
				row[a] = ri
				view.Rows = append(view.Rows, matrixRow{Actor: a, Label: s.label(a), Cells: make([]matrixCell, len(view.Columns))})
			}
			r := &view.Rows[ri]
			r.Count++
			// One announcement in several categories fills each of
			// their cells: the actor did all of those things that day.
			for _, cat := range eventCategories(e.Event) {
				c := &r.Cells[col[cat]]
				c.Category = cat
				if c.First == nil {
					c.First = e
					c.Days = int(dayOf(e.At).Sub(dayOf(ref)).Hours() / 24)
					c.DaysText = daysText(c.Days)
				} else {
					c.More++
				}
			}
		}
	}
	return view
}

// daysText says how far a day is from the reference date.
func daysText(n int) string {
	switch {
	case n == 0:
		return "same day"
	case n == 1:
		return "1 day after"
	case n == -1:
		return "1 day before"
	case n < 0:
		return strconv.Itoa(-n) + " days before"
	}
	return strconv.Itoa(n) + " days after"
}
