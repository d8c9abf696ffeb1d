package web

import (
	"context"
	"net/http"
	"slices"
	"sort"

	"policywatch/model"
	"policywatch/store"
)

// relatedFinder finds the events that share documents with one: what
// else the pages behind an event report.
type relatedFinder interface {
	RelatedEvents(ctx context.Context, id int64) ([]store.RelatedEvent, error)
}

// eventView is what templates/event.html renders.
type eventView struct {
	Event    *model.Event
	Dates    []eventDateView
	Evidence []model.EventDocument
	// Official and News split Evidence for the page, official first.
	Official, News []model.EventDocument
	// Curation is the editors' panel (curate.go); nil for readers.
	Curation *curationView
	// MergedInto is the event editors merged this one into, if any.
	MergedInto *model.Event
	// Announcement are the other events of its announcement: the same
	// act filed under its other categories.
	Announcement []model.Event
	// Related are the other events its documents also report (another
	// government's act on the same page, the parts of a split).
	Related []store.RelatedEvent
}

// OfAnnouncement reports whether the event is one category of an
// announcement of several, so an editor may hide or show it whole.
func (v eventView) OfAnnouncement() bool {
	return len(v.Announcement) > 0 || v.Event.Announcement != "" && len(eventCategories(*v.Event)) > 1
}

type eventDateView struct {
	model.EventDate
	DocTitle string
}

func (s *Server) eventPage(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ev, err := s.store.Event(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	view := eventView{Event: ev, Evidence: evidenceOrder(ev.Documents)}
	for _, d := range view.Evidence {
		if d.Kind == model.KindOfficial {
			view.Official = append(view.Official, d)
		} else {
			view.News = append(view.News, d)
		}
	}
	titles := map[int64]string{}
	for _, d := range ev.Documents {
		titles[d.DocumentID] = d.Title
	}
	for _, d := range ev.Dates {
		view.Dates = append(view.Dates, eventDateView{EventDate: d, DocTitle: titles[d.DocumentID]})
	}
	view.Curation = s.curationFor(r, ev)
	view.MergedInto = s.mergedInto(r, ev)
	if view.Announcement, view.Related, err = s.eventNeighbours(r.Context(), ev); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "event", page{Title: ev.Title, Nav: "timeline", Data: view})
}

// eventNeighbours are the other visible events of e's announcement and
// the other events sharing its documents, apart.
func (s *Server) eventNeighbours(ctx context.Context, e *model.Event) ([]model.Event, []store.RelatedEvent, error) {
	siblings, err := s.announcementEvents(ctx, e)
	if err != nil {
		return nil, nil, err
	}
	related, err := s.store.RelatedEvents(ctx, e.ID)
	if err != nil {
		return nil, nil, err
	}
	related = slices.DeleteFunc(related, func(x store.RelatedEvent) bool {
		return e.Announcement != "" && x.Announcement == e.Announcement
	})
	return siblings, related, nil
}

// evidenceOrder lists the primary statement first, then other official
// documents, then news, each oldest first: the reader sees what the
// government itself said before what was reported about it.
func evidenceOrder(docs []model.EventDocument) []model.EventDocument {
	out := append([]model.EventDocument(nil), docs...)
	rank := func(d model.EventDocument) int {
		switch {
		case d.Primary:
			return 0
		case d.Kind == model.KindOfficial:
			return 1
		}
		return 2
	}
	sort.SliceStable(out, func(i, j int) bool {
		ri, rj := rank(out[i]), rank(out[j])
		if ri != rj {
			return ri < rj
		}
		return out[i].Published.Before(out[j].Published)
	})
	return out
}
