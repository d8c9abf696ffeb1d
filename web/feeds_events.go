package web

import (
	"net/http"
	"sort"
	"time"

	"policywatch/model"
)

// maxFeedEntries bounds a feed: subscribers want what changed lately.
const maxFeedEntries = 100

// eventsFeed is an Atom feed of the events of a filtered view, one entry
// per announcement as the timeline draws it, most recently changed first.
// An entry's updated time is the event's: when re-clustering changes its
// title or dates, feed readers see it again.
func (s *Server) eventsFeed(w http.ResponseWriter, r *http.Request) {
	p, evs, ok := s.exportEvents(w, r)
	if !ok {
		return
	}
	sort.SliceStable(evs, func(i, j int) bool {
		if !evs[i].UpdatedAt.Equal(evs[j].UpdatedAt) {
			return evs[i].UpdatedAt.After(evs[j].UpdatedAt)
		}
		return evs[i].ID > evs[j].ID
	})
	if len(evs) > maxFeedEntries {
		evs = evs[:maxFeedEntries]
	}
	base := s.archiveBase(r)
	self := base + "/feeds/events.atom" + feedQuery(p)
	feed := atomFeed{
		ID:     self,
		Title:  s.exportTitle(p),
		Author: atomPerson{Name: "policywatch"},
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: self},
			{Rel: "alternate", Type: "text/html", Href: base + "/timeline" + p.filterQuery()},
		},
	}
	var newest time.Time
	for _, e := range evs {
		updated := e.UpdatedAt
		if updated.IsZero() {
			updated = e.At
		}
		if updated.After(newest) {
			newest = updated
		}
		link := base + "/events/" + itoa(e.ID)
		feed.Entries = append(feed.Entries, atomEntry{
			ID:        link,
			Title:     formatDate(e.At) + " · " + e.Title,
			Updated:   updated.UTC().Format(time.RFC3339),
			Published: e.At.UTC().Format(time.RFC3339),
			Links:     []atomLink{{Rel: "alternate", Type: "text/html", Href: link}},
			Category:  s.atomCategories(e.Event),
			Content:   atomContent{Type: "html", Body: s.eventHTML(base, e)},
		})
	}
	if newest.IsZero() {
		newest = s.now()
	}
	feed.Updated = newest.UTC().Format(time.RFC3339)
	s.writeAtom(w, r, feed)
}

// atomCategories files an entry under every category of its announcement,
// the main one first.
func (s *Server) atomCategories(e model.Event) []atomCategory {
	var out []atomCategory
	for _, c := range eventCategories(e) {
		out = append(out, atomCategory{Term: c, Label: s.label(c)})
	}
	return out
}
