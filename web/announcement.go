package web

import (
	"context"
	"slices"
	"sort"

	"policywatch/model"
)

// One announcement that does several things (an order that ends
// preferential treatment and authorises sanctions) is one event per
// category in the store and the API, linked by model.Event.Announcement:
// each is found under its own category, cites its own passages and is
// curated on its own. The views people read or publish (the timeline, the
// matrix, the feeds and the exports) draw the announcement once, as a
// card in its main category's lane naming all its categories.

// announcementFinder lists the events of announcements that have several.
type announcementFinder interface {
	AnnouncementEvents(ctx context.Context, keys ...string) (map[string][]model.Event, error)
}

// announcementCards turns the events of a view into one card per
// announcement: the event that stands for it (the one of the view's
// category when the view is filtered by one, else the main event, else
// the visible event whose category the announcement lists first), named
// with the categories of all its events in the view. Cards keep the
// view's order by date.
func announcementCards(evs []placedEvent, category string) []placedEvent {
	var out []placedEvent
	slot := map[string]int{}
	members := map[string][]placedEvent{}
	for _, e := range evs {
		k := announcementOf(e.Event)
		if _, ok := slot[k]; !ok {
			slot[k] = len(out)
			out = append(out, e)
		}
		members[k] = append(members[k], e)
	}
	for k, i := range slot {
		ms := members[k]
		if len(ms) < 2 {
			continue
		}
		rep := representative(ms, category)
		var cats []string
		for _, m := range append([]placedEvent{rep}, ms...) {
			for _, c := range eventCategories(m.Event) {
				if !slices.Contains(cats, c) {
					cats = append(cats, c)
				}
			}
		}
		rep.Categories = cats
		// The announcement changed when any of its events did.
		for _, m := range ms {
			if m.UpdatedAt.After(rep.UpdatedAt) {
				rep.UpdatedAt = m.UpdatedAt
			}
		}
		out[i] = rep
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].At.Equal(out[j].At) {
			return out[i].At.Before(out[j].At)
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// representative picks the event that stands for an announcement: the
// one filed under category, else the main one, else the one whose
// category comes first in the announcement's list.
func representative(ms []placedEvent, category string) placedEvent {
	if category != "" {
		for _, m := range ms {
			if m.Category == category {
				return m
			}
		}
	}
	for _, m := range ms {
		if m.MainOfAnnouncement() {
			return m
		}
	}
	order := eventCategories(ms[0].Event)
	rank := func(m placedEvent) int {
		if i := slices.Index(order, m.Category); i >= 0 {
			return i
		}
		return len(order)
	}
	best := ms[0]
	for _, m := range ms[1:] {
		if rank(m) < rank(best) {
			best = m
		}
	}
	return best
}

// ofCategory keeps, of each announcement in a view filtered by category,
// the events filed under it, or, when none is (a category only the
// announcement lists, or an editor's merge added), the one that stands
// for it: the API lists per-category events, and a filter by one
// category should not list the announcement's others.
func ofCategory(evs []placedEvent, category string) []placedEvent {
	if category == "" {
		return evs
	}
	own := map[string]bool{}
	for _, e := range evs {
		if e.Category == category {
			own[announcementOf(e.Event)] = true
		}
	}
	reps := map[string]int64{}
	for _, c := range announcementCards(evs, category) {
		reps[announcementOf(c.Event)] = c.ID
	}
	var out []placedEvent
	for _, e := range evs {
		k := announcementOf(e.Event)
		if own[k] && e.Category == category || !own[k] && reps[k] == e.ID {
			out = append(out, e)
		}
	}
	return out
}

// announcementOf groups the events of one announcement; an event that is
// no part of one (an editor's) is its own.
func announcementOf(e model.Event) string {
	if e.Announcement != "" {
		return e.Announcement
	}
	return "#" + itoa(e.ID)
}

// announcementEvents is the other visible events of e's announcement, in
// the order of its categories.
func (s *Server) announcementEvents(ctx context.Context, e *model.Event) ([]model.Event, error) {
	if e.Announcement == "" {
		return nil, nil
	}
	all, err := s.store.AnnouncementEvents(ctx, e.Announcement)
	if err != nil {
		return nil, err
	}
	var out []model.Event
	for _, m := range all[e.Announcement] {
		if m.ID != e.ID {
			out = append(out, m)
		}
	}
	return out, nil
}
