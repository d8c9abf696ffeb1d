package web

import "net/http"

// Handler returns the whole HTTP surface: every route is listed here so
// the UI and the API can be read at a glance.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()

	// Pages.
	mux.HandleFunc("GET /{$}", s.searchPage)
	mux.HandleFunc("GET /documents/{id}", s.documentPage)
	mux.HandleFunc("GET /documents/{id}/captures/{cid}", s.capturePage)
	mux.HandleFunc("GET /documents/{id}/captures/{cid}/raw", s.captureRaw)
	mux.HandleFunc("GET /documents/{id}/versions/{n}", s.versionPage) // versions.go
	mux.HandleFunc("GET /documents/{id}/diff", s.diffPage)
	mux.HandleFunc("GET /changes", s.changesPage) // changes.go
	mux.HandleFunc("GET /feeds/changes.atom", s.changesFeed)
	mux.HandleFunc("GET /timeline", s.timelinePage)
	mux.HandleFunc("GET /events/{id}", s.eventPage)
	mux.HandleFunc("GET /timeline/matrix", s.matrixPage)
	mux.HandleFunc("GET /timeline.json", s.timelineJSON)
	mux.HandleFunc("GET /timeline.csv", s.timelineCSV)
	mux.HandleFunc("GET /timeline.ics", s.timelineICS)
	mux.HandleFunc("GET /feeds/events.atom", s.eventsFeed)
	mux.HandleFunc("GET /runs", s.runsPage)
	mux.Handle("GET /static/", s.static)

	// JSON API.
	mux.HandleFunc("GET /api/search", s.apiSearch)
	mux.HandleFunc("GET /api/documents/{id}", s.apiDocument)
	mux.HandleFunc("GET /api/timeline", s.apiTimeline)
	mux.HandleFunc("GET /healthz", s.healthz)

	// Anything else: our own 404 page rather than the mux's plain text.
	mux.HandleFunc("GET /", s.notFound)

	return securityHeaders(s.recoverPanics(mux))
}
