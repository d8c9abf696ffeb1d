package web

import (
	"net/http"
	"sort"

	"policywatch/model"
)

// timelineView is what templates/timeline.html renders.
type timelineView struct {
	Params     timelineParams
	Lanes      []laneView
	Total      int
	Categories []option // the configured lanes' categories, for the filter
}

type option struct {
	Value, Label string
	Selected     bool
}

type laneView struct {
	ID, Label string
	Years     []yearGroup
	Count     int
}

// yearGroup puts a year marker on the lane's time axis.
type yearGroup struct {
	Year   int
	Events []model.Event
}

func (s *Server) loadEvents(r *http.Request) (timelineParams, []model.Event, error) {
	p, err := parseTimeline(r.URL.Query())
	if err != nil {
		return p, nil, err
	}
	evs, err := s.store.Events(r.Context(), p.filter())
	if err != nil {
		return p, nil, err
	}
	shown := evs[:0:0]
	for _, e := range evs {
		if !e.Hidden {
			shown = append(shown, e)
		}
	}
	sort.SliceStable(shown, func(i, j int) bool { return shown[i].Date.Before(shown[j].Date) })
	return p, shown, nil
}

func (s *Server) timelinePage(w http.ResponseWriter, r *http.Request) {
	p, evs, err := s.loadEvents(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	view := timelineView{Params: p, Lanes: s.groupLanes(evs), Total: len(evs)}
	for _, l := range s.lanes {
		for _, c := range l.Categories {
			view.Categories = append(view.Categories, option{Value: c, Label: s.label(c), Selected: c == p.Category})
		}
	}
	s.render(w, r, http.StatusOK, "timeline", page{Title: "Timeline", Nav: "timeline", Data: view})
}

// groupLanes sorts events into the configured lanes. Events whose
// category no lane claims go to a trailing "Other" lane rather than
// vanishing; with no lanes configured, each category is its own lane.
func (s *Server) groupLanes(evs []model.Event) []laneView {
	lanes := s.lanes
	if len(lanes) == 0 {
		seen := map[string]bool{}
		for _, e := range evs {
			if !seen[e.Category] {
				seen[e.Category] = true
				lanes = append(lanes, Lane{ID: e.Category, Label: e.Category, Categories: []string{e.Category}})
			}
		}
		sort.Slice(lanes, func(i, j int) bool { return lanes[i].ID < lanes[j].ID })
	}
	laneOf := map[string]int{}
	for i, l := range lanes {
		for _, c := range l.Categories {
			if _, taken := laneOf[c]; !taken {
				laneOf[c] = i
			}
		}
	}
	buckets := make([][]model.Event, len(lanes)+1)
	for _, e := range evs {
		i, ok := laneOf[e.Category]
		if !ok {
			i = len(lanes)
		}
		buckets[i] = append(buckets[i], e)
	}
	var out []laneView
	for i, l := range lanes {
		label := l.Label
		if label == "" {
			label = l.ID
		}
		out = append(out, laneView{ID: l.ID, Label: label, Years: byYear(buckets[i]), Count: len(buckets[i])})
	}
	if rest := buckets[len(lanes)]; len(rest) > 0 {
		out = append(out, laneView{ID: "other", Label: "Other", Years: byYear(rest), Count: len(rest)})
	}
	return out
}

func byYear(evs []model.Event) []yearGroup {
	var out []yearGroup
	for _, e := range evs {
		y := e.Date.Year()
		if len(out) == 0 || out[len(out)-1].Year != y {
			out = append(out, yearGroup{Year: y})
		}
		out[len(out)-1].Events = append(out[len(out)-1].Events, e)
	}
	return out
}
