package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"policywatch/index"
	"policywatch/model"
)

// JSON for the pages that had none: one event, the sources and their
// coverage, the crawl runs. Each carries links to its page and its
// neighbours in the API, so a client can start anywhere and follow them.

// apiEventFull is GET /api/events/{id}: the event with every dated fact,
// the passage that supports it and all its evidence.
type apiEventFull struct {
	ID         int64              `json:"id"`
	Title      string             `json:"title"`
	Date       string             `json:"date"` // announced, YYYY-MM-DD
	Category   string             `json:"category"`
	Categories []string           `json:"categories"`
	Actors     []string           `json:"actors"`
	Target     string             `json:"target"`
	Instrument string             `json:"instrument"`
	NewsOnly   bool               `json:"news_only"`
	Confirmed  bool               `json:"confirmed"`
	UpdatedAt  *time.Time         `json:"updated_at"`
	Dates      []apiEventDate     `json:"dates"`
	Documents  []apiEventDocument `json:"documents"`
	// Announcement identifies the announcement the event is one category
	// of (its main event's key); AnnouncementEvents are its other events,
	// the main one first, then in the order of its categories.
	Announcement       string            `json:"announcement"`
	AnnouncementEvents []apiRelatedEvent `json:"announcement_events"`
	// Related are the other events sharing documents with it, most
	// shared first: another government's act the same pages report. The
	// events of its own announcement are in AnnouncementEvents instead.
	Related []apiRelatedEvent `json:"related"`
	Links   map[string]string `json:"links"`
}

type apiRelatedEvent struct {
	ID         int64             `json:"id"`
	Title      string            `json:"title"`
	Date       string            `json:"date"`
	Category   string            `json:"category"`
	Categories []string          `json:"categories"`
	Actors     []string          `json:"actors"`
	Shared     int               `json:"shared_documents,omitempty"`
	Links      map[string]string `json:"links"`
}

func toAPIRelated(e model.Event, shared int) apiRelatedEvent {
	return apiRelatedEvent{ID: e.ID, Title: e.Title, Date: formatDate(e.Date), Category: e.Category,
		Categories: nonNil(eventCategories(e)), Actors: nonNil(e.Actors), Shared: shared,
		Links: map[string]string{"self": "/api/events/" + itoa(e.ID), "page": "/events/" + itoa(e.ID)}}
}

type apiEventDate struct {
	Kind       string  `json:"kind"`
	Date       string  `json:"date"`
	DocumentID int64   `json:"document_id"`
	Passage    string  `json:"passage"`
	Confidence float64 `json:"confidence"`
}

func (s *Server) apiEvent(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	e, err := s.store.Event(r.Context(), id)
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	if e.Hidden {
		// Hidden by an editor: gone from the public record, as on the page.
		s.failJSON(w, r, errNotFound)
		return
	}
	out := apiEventFull{
		ID: e.ID, Title: e.Title, Date: formatDate(e.Date), Category: e.Category,
		Categories: nonNil(eventCategories(*e)), Actors: nonNil(e.Actors), Target: e.Target, Instrument: e.Instrument,
		NewsOnly: e.NewsOnly, Confirmed: e.Confirmed, UpdatedAt: timePtr(e.UpdatedAt),
		Dates: []apiEventDate{}, Documents: []apiEventDocument{},
		Announcement: e.AnnouncementKey(), AnnouncementEvents: []apiRelatedEvent{}, Related: []apiRelatedEvent{},
		Links: map[string]string{
			"page":     "/events/" + itoa(e.ID),
			"timeline": "/api/timeline?" + url.Values{"category": {e.Category}}.Encode(),
		},
	}
	siblings, related, err := s.eventNeighbours(r.Context(), e)
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	for _, x := range siblings {
		out.AnnouncementEvents = append(out.AnnouncementEvents, toAPIRelated(x, 0))
	}
	for _, x := range related {
		out.Related = append(out.Related, toAPIRelated(x.Event, x.Shared))
	}
	for _, d := range e.Dates {
		out.Dates = append(out.Dates, apiEventDate{Kind: d.Kind, Date: formatDate(d.Date), DocumentID: d.DocumentID,
			Passage: d.Passage, Confidence: d.Confidence})
	}
	for _, d := range evidenceOrder(e.Documents) {
		out.Documents = append(out.Documents, apiEventDocument{
			ID: d.DocumentID, Title: d.Title, URL: d.URL, Source: d.Source, Kind: string(d.Kind),
			Published: formatDate(d.Published), Primary: d.Primary, Passage: d.Passage,
			Document: "/api/documents/" + itoa(d.DocumentID),
		})
	}
	writeJSON(w, http.StatusOK, out)
}

// apiSource is a source with its coverage and where to read more.
type apiSource struct {
	coverageJSON
	Links map[string]string `json:"links"`
}

func sourceLinks(name string) map[string]string {
	esc := url.PathEscape(name)
	return map[string]string{
		"self":     "/api/sources/" + esc,
		"page":     "/sources/" + esc,
		"coverage": "/api/sources/" + esc + "/coverage",
		"search":   "/api/search?" + url.Values{"source": {name}}.Encode(),
	}
}

// apiSources is GET /api/sources: every source the archive knows, with
// its coverage, as /sources shows them.
func (s *Server) apiSources(w http.ResponseWriter, r *http.Request) {
	cs := s.store
	pr, err := readPage(r, listPerPage, listMaxPerPage)
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	all, err := cs.SourceCoverages(r.Context())
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	out := struct {
		Sources []apiSource `json:"sources"`
		apiPaging
	}{Sources: []apiSource{}, apiPaging: paging(r, pr, len(all))}
	for _, c := range pageOf(all, pr) {
		out.Sources = append(out.Sources, apiSource{toCoverageJSON(&c), sourceLinks(c.Source.Name)})
	}
	writeJSON(w, http.StatusOK, out)
}

// apiSourceOne is GET /api/sources/{name}.
func (s *Server) apiSourceOne(w http.ResponseWriter, r *http.Request) {
	c, err := s.store.SourceCoverage(r.Context(), r.PathValue("name"))
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, apiSource{toCoverageJSON(c), sourceLinks(c.Source.Name)})
}

// apiRun is a crawl run as GET /api/runs and /api/runs/{id} show it:
// model.RunReport, the shape of `policywatch runs --json`, with the run's
// state and links.
type apiRun struct {
	model.RunReport
	State string            `json:"state"` // finished, running, did not finish
	Links map[string]string `json:"links"`
}

func (s *Server) toAPIRun(run model.CrawlRun) apiRun {
	return apiRun{RunReport: run.Report(), State: runState(run, s.now()),
		Links: map[string]string{"self": "/api/runs/" + itoa(run.ID), "page": "/runs#run-" + itoa(run.ID)}}
}

// apiRuns is GET /api/runs: crawl runs, newest first.
func (s *Server) apiRuns(w http.ResponseWriter, r *http.Request) {
	pr, err := readPage(r, runsShown, listMaxPerPage)
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	runs, err := s.store.Runs(r.Context(), listCap)
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	out := struct {
		Runs []apiRun `json:"runs"`
		apiPaging
	}{Runs: []apiRun{}, apiPaging: paging(r, pr, len(runs))}
	for _, run := range pageOf(runs, pr) {
		out.Runs = append(out.Runs, s.toAPIRun(run))
	}
	writeJSON(w, http.StatusOK, out)
}

// apiRunOne is GET /api/runs/{id}.
func (s *Server) apiRunOne(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	run, err := s.store.Run(r.Context(), id)
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.toAPIRun(*run))
}

// withdrawnStore tells which documents' pages went away.
type withdrawnStore interface {
	WithdrawnAmong(ctx context.Context, ids []int64) (map[int64]time.Time, error)
}

// withdrawnHits marks the hits whose page was withdrawn: the id maps to
// "withdrawn" or "withdrawn 2020-07-09".
func (s *Server) withdrawnHits(ctx context.Context, hits []index.Hit) (map[int64]string, error) {
	ws := s.store
	if len(hits) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	got, err := ws.WithdrawnAmong(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(got))
	for id, at := range got {
		out[id] = strings.TrimSpace("withdrawn " + formatDate(at))
	}
	return out, nil
}
