package web

import "net/http"

// Handler returns the whole HTTP surface: every route is listed here so
// the UI and the API can be read at a glance.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()

	// Pages. Searches and exports run in a bounded number of slots, under
	// a deadline (searchLimited, exportLimited: searchlimit.go).
	mux.HandleFunc("GET /{$}", s.searchLimited(s.searchPage))
	// The search page is the home page; /search is where people (and
	// other tools' URL templates) look for it.
	mux.HandleFunc("GET /search", func(w http.ResponseWriter, r *http.Request) {
		target := "/"
		if r.URL.RawQuery != "" {
			target += "?" + r.URL.RawQuery
		}
		http.Redirect(w, r, target, http.StatusMovedPermanently)
	})
	mux.HandleFunc("GET /documents/{id}", s.documentPage)
	mux.HandleFunc("GET /documents/{id}/captures/{cid}", s.capturePage)
	mux.HandleFunc("GET /documents/{id}/captures/{cid}/raw", s.captureRaw)
	mux.HandleFunc("GET /documents/{id}/versions/{n}", s.versionPage) // versions.go
	mux.HandleFunc("GET /documents/{id}/diff", s.diffPage)
	mux.HandleFunc("GET /changes", s.changesPage) // changes.go
	mux.HandleFunc("GET /feeds/changes.atom", s.changesFeed)
	mux.HandleFunc("GET /api/documents/{id}/versions", s.apiVersions) // archive_api.go
	mux.HandleFunc("GET /api/changes", s.apiChanges)
	mux.HandleFunc("GET /timeline", s.timelinePage)
	mux.HandleFunc("GET /events/{id}", s.eventPage)
	mux.HandleFunc("GET /timeline/matrix", s.matrixPage)
	mux.HandleFunc("GET /timeline.json", s.timelineJSON)
	mux.HandleFunc("GET /timeline.csv", s.timelineCSV)
	mux.HandleFunc("GET /timeline.ics", s.timelineICS)
	mux.HandleFunc("GET /feeds/events.atom", s.eventsFeed)
	mux.HandleFunc("GET /runs", s.runsPage)
	mux.HandleFunc("GET /sources", s.sourcesPage) // coverage.go
	mux.HandleFunc("GET /sources/{name}", s.sourcePage)
	mux.HandleFunc("GET /help/search", s.helpPage)
	mux.HandleFunc("GET /search/histogram.svg", s.searchLimited(s.histogramImage))
	mux.HandleFunc("GET /feeds/search.atom", s.searchLimited(s.searchFeed))
	mux.HandleFunc("GET /export/search.csv", s.exportLimited(s.exportCSV))
	mux.HandleFunc("GET /export/search.jsonl", s.exportLimited(s.exportJSONL))
	mux.HandleFunc("GET /export/search.bib", s.exportLimited(s.exportCitations(citeBibTeX)))
	mux.HandleFunc("GET /export/search.ris", s.exportLimited(s.exportCitations(citeRIS)))
	mux.HandleFunc("GET /export/search.csl.json", s.exportLimited(s.exportCitations(citeCSL)))
	mux.HandleFunc("GET /documents/{id}/cite.bib", s.documentCitation(citeBibTeX))
	mux.HandleFunc("GET /documents/{id}/cite.ris", s.documentCitation(citeRIS))
	mux.HandleFunc("GET /documents/{id}/cite.json", s.documentCitation(citeCSL))
	mux.HandleFunc("POST /releases", s.exportLimited(s.createRelease))
	mux.HandleFunc("GET /releases/{id}", s.releasePage)
	mux.HandleFunc("GET /releases/{id}/cite.bib", s.releaseCite(citeBibTeX))
	mux.HandleFunc("GET /releases/{id}/cite.ris", s.releaseCite(citeRIS))
	mux.HandleFunc("GET /releases/{id}/cite.json", s.releaseCite(citeCSL))
	mux.Handle("GET /static/", s.static)

	// Sign-in and curation (auth.go, curate.go). Every request but GET,
	// HEAD and OPTIONS, to any route, passes s.guard (csrf.go): without a
	// session and its CSRF token it is refused with 403.
	mux.HandleFunc("GET /login", s.loginPage)
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("POST /logout", s.logout)
	mux.HandleFunc("GET /events/new", s.newEventPage)
	mux.HandleFunc("POST /events/new", s.addEvent)
	mux.HandleFunc("POST /events/{id}/confirm", s.curate("confirm"))
	mux.HandleFunc("POST /events/{id}/retitle", s.curate("retitle"))
	mux.HandleFunc("POST /events/{id}/redate", s.curate("redate"))
	mux.HandleFunc("POST /events/{id}/hide", s.curate("hide"))
	mux.HandleFunc("POST /events/{id}/unhide", s.curate("unhide"))
	mux.HandleFunc("POST /events/{id}/merge", s.curate("merge"))
	mux.HandleFunc("POST /events/{id}/split", s.curate("split"))
	mux.HandleFunc("POST /events/{id}/attach", s.curate("attach"))
	mux.HandleFunc("POST /events/{id}/detach", s.curate("detach"))
	mux.HandleFunc("GET /admin/audit", s.auditPage)
	mux.HandleFunc("GET /admin/users", s.usersPage)
	mux.HandleFunc("POST /admin/users", s.addUser)
	mux.HandleFunc("GET /saved-searches", s.savedSearchesPage) // saved_searches.go
	mux.HandleFunc("POST /saved-searches", s.createSavedSearch)
	mux.HandleFunc("POST /saved-searches/{id}/delete", s.deleteSavedSearch)

	// JSON API.
	mux.HandleFunc("GET /api/search", s.searchLimited(s.apiSearch))
	mux.HandleFunc("GET /api/documents/{id}", s.apiDocument)
	mux.HandleFunc("GET /api/timeline", s.apiTimeline)
	mux.HandleFunc("GET /api/search/histogram", s.searchLimited(s.apiHistogram))
	mux.HandleFunc("GET /api/releases", s.apiReleases)
	mux.HandleFunc("POST /api/releases", s.exportLimited(s.apiCreateRelease))
	mux.HandleFunc("GET /api/releases/{id}", s.apiRelease)
	mux.HandleFunc("GET /api/saved-searches", s.apiSavedSearches)
	mux.HandleFunc("GET /api/openapi.json", s.openAPI)
	mux.HandleFunc("GET /api/sources/{name}/coverage", s.apiSourceCoverage)
	mux.HandleFunc("GET /api/sources", s.apiSources) // api_pages.go
	mux.HandleFunc("GET /api/sources/{name}", s.apiSourceOne)
	mux.HandleFunc("GET /api/events/{id}", s.apiEvent)
	mux.HandleFunc("GET /api/runs", s.apiRuns)
	mux.HandleFunc("GET /api/runs/{id}", s.apiRunOne)
	mux.HandleFunc("GET /healthz", s.healthz)

	// Anything else: our own 404 page rather than the mux's plain text.
	mux.HandleFunc("GET /", s.notFound)

	return securityHeaders(s.recoverPanics(s.guard(mux)))
}
