package web

import (
	"context"
	"net/http"
	"sort"
	"strings"

	"policywatch/index"
	"policywatch/model"
)

// documentView is what templates/document.html renders. Crawled text goes
// to the template as plain strings, so html/template escapes all of it.
type documentView struct {
	Doc        *model.Document
	Paragraphs []string
	Categories []model.Tag
	Actors     []model.Tag
	Captures   []model.Capture
	Archive    *archiveView // versions.go: versions, withdrawals, "also published by"
	Similar    []index.Hit  // histogram.go: documents sharing its distinctive terms
	Events     []documentEvent
}

// documentEvent is an event this document is evidence for.
type documentEvent struct {
	model.Event
	Primary bool   // the document is the event's primary source
	Passage string // the sentence of this document that supports it
}

func (s *Server) documentPage(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	doc, err := s.store.Document(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	caps, err := s.store.Captures(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	view := documentView{Doc: doc, Paragraphs: paragraphs(doc.Text), Captures: caps}
	if view.Archive, err = s.archiveInfo(r.Context(), id); err != nil {
		s.fail(w, r, err)
		return
	}
	view.Similar = s.similar(r.Context(), id)
	if view.Events, err = s.documentEvents(r.Context(), id); err != nil {
		s.fail(w, r, err)
		return
	}
	for _, t := range doc.Tags {
		t.Matches = t.Evidence() // notes without a phrase are no evidence to show
		switch t.Type {
		case model.TagCategory:
			view.Categories = append(view.Categories, t)
		case model.TagActor:
			view.Actors = append(view.Actors, t)
		}
	}
	title := doc.Title
	if title == "" {
		title = doc.URL
	}
	s.render(w, r, http.StatusOK, "document", page{Title: title, Data: view})
}

// documentEvents lists the visible events a document is evidence for,
// oldest first.
func (s *Server) documentEvents(ctx context.Context, docID int64) ([]documentEvent, error) {
	evs, err := s.store.Events(ctx, storeAll)
	if err != nil {
		return nil, err
	}
	var out []documentEvent
	for _, e := range evs {
		for _, d := range e.Documents {
			if d.DocumentID == docID && !e.Hidden {
				out = append(out, documentEvent{Event: e, Primary: d.Primary, Passage: d.Passage})
				break
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Date.Before(out[j].Date) })
	return out, nil
}

// paragraphs splits extracted text at its line breaks, dropping blank
// lines.
func paragraphs(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}
