package web

import (
	"slices"
	"sort"
	"time"
)

// The axis layout. Each event is a card whose left edge is its date; a
// card is cardWidth percent of the window wide, so cards that would
// overlap go to the next row, and past maxRows the events that find no
// room are counted on the card that blocks them (a cluster) rather than
// stacked on top of each other. The server does the layout so the page
// needs no script, and the same markup is a plain list without CSS.
const (
	cardWidth  = 12 // percent of the window
	cardGap    = 1  // percent between two cards of a row
	maxRows    = 3
	badgeWidth = 3 // percent taken by a cluster's count at a card's end
)

// groupLanes sorts events into the configured lanes and lays each lane
// out on the axis. An event is drawn once, in the lane of its first
// category (or of the category the view is filtered by); its other
// categories are named on it. Events whose categories no lane claims go
// to a trailing "Other" lane rather than vanishing; with no lanes
// configured, each category is its own lane. Under a filter, lanes
// without events are left out and named in hidden.
func (s *Server) groupLanes(p timelineParams, evs []placedEvent, start, end time.Time) (out []laneView, hidden []string) {
	lanes := s.lanes
	if len(lanes) == 0 {
		seen := map[string]bool{}
		for _, e := range evs {
			c := eventCategories(e.Event)
			if len(c) > 0 && !seen[c[0]] {
				seen[c[0]] = true
				lanes = append(lanes, Lane{ID: c[0], Label: s.label(c[0]), Categories: []string{c[0]}})
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
	buckets := make([][]eventCard, len(lanes)+1)
	for _, e := range evs {
		cats := eventCategories(e.Event)
		home := len(lanes)
		if p.Category != "" && slices.Contains(cats, p.Category) {
			if i, ok := laneOf[p.Category]; ok {
				home = i
			}
		} else {
			for _, c := range cats {
				if i, ok := laneOf[c]; ok {
					home = i
					break
				}
			}
		}
		card := eventCard{placedEvent: e}
		for _, c := range cats {
			if i, ok := laneOf[c]; !ok || i != home {
				card.Also = append(card.Also, s.label(c))
			}
		}
		buckets[home] = append(buckets[home], card)
	}
	add := func(id, label string, b []eventCard) {
		if len(b) == 0 && p.Filtered() {
			hidden = append(hidden, label)
			return
		}
		lv := laneView{ID: id, Label: label, Count: len(b)}
		lv.Items, lv.Rows = s.layout(p, b, start, end)
		out = append(out, lv)
	}
	for i, l := range lanes {
		label := l.Label
		if label == "" {
			label = l.ID
		}
		add(l.ID, label, buckets[i])
	}
	if rest := buckets[len(lanes)]; len(rest) > 0 {
		add("other", "Other", rest)
	}
	return out, hidden
}

// layout places a lane's cards (sorted by date) in rows. A card takes
// [pos, pos+cardWidth) or, flipped near the window's end, the span
// before pos; it goes to the first row free there. When every row is
// taken, the event joins the cluster of the card that blocks the last
// row at that point.
func (s *Server) layout(p timelineParams, cards []eventCard, start, end time.Time) ([]laneItem, int) {
	var (
		items   []laneItem
		rowEnd  [maxRows]int
		lastRow = -1 // index in items of the card last placed in the bottom row
		rows    = 1
		cluster = map[int]int{} // index of a blocking card -> index of its cluster item
	)
	for i := range rowEnd {
		rowEnd[i] = -100
	}
	for _, c := range cards {
		pos := position(c.At, start, end)
		from, flip := pos, false
		if pos+cardWidth > 100 {
			from, flip = pos-cardWidth, true
		}
		row := -1
		for r := range maxRows {
			if rowEnd[r] <= from {
				row = r
				break
			}
		}
		if row < 0 && lastRow >= 0 {
			ci, ok := cluster[lastRow]
			if !ok {
				host := items[lastRow]
				host.Event.HasMore = true
				at := host.Pos + cardWidth - badgeWidth
				if host.Flip {
					at = host.Pos - badgeWidth
				}
				items = append(items, laneItem{Pos: max(at, 0), Row: host.Row, Cluster: &clusterView{}})
				ci = len(items) - 1
				cluster[lastRow] = ci
			}
			cl := items[ci].Cluster
			cl.Count++
			cl.Events = append(cl.Events, c)
			continue
		}
		if row < 0 {
			row = maxRows - 1 // unreachable: the bottom row always holds a card once full
		}
		rowEnd[row] = from + cardWidth + cardGap
		rows = max(rows, row+1)
		card := c
		items = append(items, laneItem{Pos: pos, Row: row, Flip: flip, Event: &card})
		if row == maxRows-1 {
			lastRow = len(items) - 1
		}
	}
	for _, it := range items {
		if cl := it.Cluster; cl != nil {
			first, last := cl.Events[0].At, cl.Events[len(cl.Events)-1].At
			cl.Span = spanText(first, last)
			cl.Zoom = "/timeline" + zoomInto(p, first, last)
		}
	}
	// The list reads in date order: a cluster goes where its first event
	// falls (after the card it is drawn on).
	sort.SliceStable(items, func(i, j int) bool { return itemDate(items[i]).Before(itemDate(items[j])) })
	return items, rows
}

func itemDate(it laneItem) time.Time {
	if it.Event != nil {
		return it.Event.At
	}
	return it.Cluster.Events[0].At
}

// zoomInto is the view of a span of days at the finest zoom that shows
// it whole: days up to two months, months up to three years.
func zoomInto(p timelineParams, first, last time.Time) string {
	zoom := zoomYear
	switch days := spanDays(first, last); {
	case days <= 62:
		zoom = zoomDay
	case days <= 3*366:
		zoom = zoomMonth
	}
	from, to := floorTo(first, zoom), ceilTo(last, zoom).AddDate(0, 0, -1)
	if zoom == zoomDay {
		from, to = dayOf(first), dayOf(last)
	}
	return p.with("zoom", zoom, "from", from.Format(time.DateOnly), "to", to.Format(time.DateOnly))
}

// spanText is a span of days as people write it: "3 Jul 2020",
// "3–28 Jul 2020", "28 Jun – 3 Jul 2020", "Dec 2020 – Jan 2021".
func spanText(a, b time.Time) string {
	switch {
	case a.Equal(b):
		return a.Format("2 Jan 2006")
	case a.Year() == b.Year() && a.Month() == b.Month():
		return a.Format("2") + "–" + b.Format("2 Jan 2006")
	case a.Year() == b.Year():
		return a.Format("2 Jan") + " – " + b.Format("2 Jan 2006")
	}
	return a.Format("2 Jan 2006") + " – " + b.Format("2 Jan 2006")
}
