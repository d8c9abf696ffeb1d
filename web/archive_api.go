package web

import (
	"fmt"
	"net/http"
	"time"

	"policywatch/store"
)

// apiVersion is one version in GET /api/documents/{id}/versions.
type apiVersion struct {
	Number      int       `json:"number"`
	Title       string    `json:"title"`
	CapturedAt  time.Time `json:"captured_at"`
	LastSeenAt  time.Time `json:"last_seen_at"`
	Captures    int       `json:"captures"`
	ContentHash string    `json:"content_sha256"`
	Permalink   string    `json:"permalink"`
	Capture     string    `json:"capture,omitempty"` // the capture that first showed this version
}

func (s *Server) apiVersions(w http.ResponseWriter, r *http.Request) {
	a, doc, err := s.archivedDocument(r)
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	id := doc.ID
	vs, err := a.Versions(r.Context(), id)
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	pr, err := readPage(r, listPerPage, listMaxPerPage)
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	pg := paging(r, pr, len(vs))
	vs = pageOf(vs, pr)
	out := make([]apiVersion, 0, len(vs))
	for _, v := range vs {
		av := apiVersion{Number: v.Number, Title: v.Title, CapturedAt: v.CapturedAt, LastSeenAt: v.LastSeenAt,
			Captures: v.Captures, ContentHash: v.ContentHash, Permalink: fmt.Sprintf("/documents/%d/versions/%d", id, v.Number)}
		if v.CaptureID != 0 {
			av.Capture = captureURL(id, v.CaptureID)
		}
		out = append(out, av)
	}
	writeJSON(w, http.StatusOK, struct {
		DocumentID int64        `json:"document_id"`
		Versions   []apiVersion `json:"versions"`
		apiPaging
	}{id, out, pg})
}

// apiChange is one entry of GET /api/changes: the page, what happened,
// and for an amendment the passages added and removed.
type apiChange struct {
	Kind       string    `json:"kind"` // "amended" or "withdrawn"
	DocumentID int64     `json:"document_id"`
	URL        string    `json:"url"`
	Title      string    `json:"title"`
	Source     string    `json:"source"`
	Categories []string  `json:"categories"`
	From       int       `json:"from_version"`
	To         int       `json:"to_version"`
	Status     int       `json:"status,omitempty"`
	At         time.Time `json:"at"`
	Added      []string  `json:"added,omitempty"`
	Removed    []string  `json:"removed,omitempty"`
	Link       string    `json:"link"`
}

func (s *Server) apiChanges(w http.ResponseWriter, r *http.Request) {
	a := s.store
	f, _, err := s.changesFilter(r.URL.Query())
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	pr, err := readPage(r, changesLimit, listMaxPerPage)
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	f.Limit = listCap
	changes, err := a.Changes(r.Context(), f)
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	pg := paging(r, pr, len(changes))
	changes = pageOf(changes, pr)
	out := make([]apiChange, 0, len(changes))
	for _, c := range changes {
		ac := apiChange{Kind: c.Kind, DocumentID: c.DocumentID, URL: c.URL, Title: c.Title, Source: c.Source,
			Categories: nonNil(c.Categories), From: c.From, To: c.To, Status: c.Status, At: c.At}
		if c.Kind == store.ChangeAmended {
			from, err := a.Version(r.Context(), c.DocumentID, c.From)
			if err != nil {
				s.failJSON(w, r, err)
				return
			}
			to, err := a.Version(r.Context(), c.DocumentID, c.To)
			if err != nil {
				s.failJSON(w, r, err)
				return
			}
			ac.Added, ac.Removed = store.AddedRemoved(diffVersions(from, to))
			ac.Link = fmt.Sprintf("/documents/%d/diff?from=%d&to=%d", c.DocumentID, c.From, c.To)
		} else {
			ac.Link = fmt.Sprintf("/documents/%d/versions/%d", c.DocumentID, c.To)
		}
		out = append(out, ac)
	}
	writeJSON(w, http.StatusOK, struct {
		Changes []apiChange `json:"changes"`
		apiPaging
	}{out, pg})
}
