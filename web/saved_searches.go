package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"policywatch/store"
)

// Saved searches in the web UI: editors list them with their feeds,
// save the search they are looking at under a name, and delete them. The
// command line (policywatch search --save) and the API read the same
// rows; each one's feed stays public.

// savedSearchEditor keeps and removes saved searches; *store.DB
// satisfies it.
type savedSearchEditor interface {
	SavedSearchStore
	SaveSearch(ctx context.Context, s *store.SavedSearch) error
	DeleteSavedSearch(ctx context.Context, id int64) error
}

// savedSearchParams are the search parameters a saved search keeps.
var savedSearchParams = []string{"q", "category", "actor", "source", "kind", "lang", "from", "to", "sort"}

type savedSearchesView struct {
	CSRF     string
	Searches []savedSearchRow
	Saved    string // the name just saved, for the notice
	Deleted  bool
	Problem  string
	Name     string // the form's values after a problem
	Params   []activeFilter
	Webhook  string
}

type savedSearchRow struct {
	ID                    int64
	Name, Search, Feed    string
	Described             string // the search in words: q and filters
	HasWebhook            bool
	Created, LastDelivery time.Time
}

// savedSearchesPage is GET /saved-searches (signed-in editors).
func (s *Server) savedSearchesPage(w http.ResponseWriter, r *http.Request) {
	view := savedSearchesView{Saved: r.URL.Query().Get("saved"), Deleted: r.URL.Query().Get("deleted") != ""}
	s.showSavedSearches(w, r, http.StatusOK, view)
}

func (s *Server) showSavedSearches(w http.ResponseWriter, r *http.Request, status int, view savedSearchesView) {
	ed := s.store
	sess := s.requireSignIn(w, r, false)
	if sess == nil {
		return
	}
	list, err := ed.SavedSearches(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	view.CSRF = sess.CSRF
	for _, x := range list {
		v, _ := url.ParseQuery(x.Params)
		view.Searches = append(view.Searches, savedSearchRow{ID: x.ID, Name: x.Name, Search: "/?" + x.Params,
			Feed: searchFeedURL(v), Described: s.describeSearch(v), HasWebhook: x.Webhook != "",
			Created: x.CreatedAt, LastDelivery: x.CheckedAt})
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "saved_searches", page{Title: "Saved searches", Nav: "saved", Data: view})
}

// describeSearch says what a search looks for, as its filters read.
func (s *Server) describeSearch(v url.Values) string {
	var parts []string
	if q := strings.TrimSpace(v.Get("q")); q != "" {
		parts = append(parts, q)
	}
	for _, f := range []struct{ param, label string }{{"category", "category"}, {"actor", "actor"}, {"source", "source"},
		{"kind", "kind"}, {"lang", "language"}, {"from", "from"}, {"to", "to"}} {
		for _, val := range values(v, f.param) {
			parts = append(parts, f.label+": "+s.shown(f.param, val))
		}
	}
	if len(parts) == 0 {
		return "every document"
	}
	return strings.Join(parts, " · ")
}

// createSavedSearch is POST /saved-searches: the search in the form's
// parameters, checked like any search, saved under the name given.
func (s *Server) createSavedSearch(w http.ResponseWriter, r *http.Request) {
	ed := s.store
	sess := sessionFrom(r)
	if sess == nil || !sess.User.CanCurate() {
		s.forbidden(w, r, "Only editors can save searches.")
		return
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, badParam("form", "cannot read the form: %v", err))
		return
	}
	params := url.Values{}
	for _, k := range savedSearchParams {
		for _, val := range r.PostForm[k] {
			if val = strings.TrimSpace(val); val != "" {
				params.Add(k, val)
			}
		}
	}
	view := savedSearchesView{Name: strings.TrimSpace(r.PostFormValue("name")), Webhook: strings.TrimSpace(r.PostFormValue("webhook"))}
	view.Params = releaseFormHidden(params)
	// The search must run as it is: a bad query or an unknown category is
	// refused now, not discovered by the feed's subscribers.
	checked := cloneValues(params)
	_, err := s.parseSearch(r.Context(), checked)
	switch {
	case err != nil:
		status, msg := s.statusFor(r, err)
		if status != http.StatusBadRequest {
			s.fail(w, r, err)
			return
		}
		view.Problem = "The search cannot be saved: " + msg
	case view.Name == "":
		view.Problem = "Give the search a name."
	case len([]rune(view.Name)) > 200:
		view.Problem = "The name is longer than 200 characters."
	case view.Webhook != "" && !httpURL(view.Webhook):
		view.Problem = "The webhook must be an http or https URL."
	case view.Webhook != "" && s.checkWebhook != nil:
		if err := s.checkWebhook(r.Context(), view.Webhook); err != nil {
			view.Problem = "The webhook is refused: " + err.Error() + "."
		}
	}
	if view.Problem != "" {
		s.showSavedSearches(w, r, http.StatusBadRequest, view)
		return
	}
	saved := &store.SavedSearch{Name: view.Name, Params: checked.Encode(), Webhook: view.Webhook}
	if err := ed.SaveSearch(r.Context(), saved); err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.Info("search saved", "by", sess.User.Name, "id", saved.ID, "name", saved.Name)
	http.Redirect(w, r, "/saved-searches?saved="+url.QueryEscape(saved.Name), http.StatusSeeOther)
}

// deleteSavedSearch is POST /saved-searches/{id}/delete.
func (s *Server) deleteSavedSearch(w http.ResponseWriter, r *http.Request) {
	ed := s.store
	sess := sessionFrom(r)
	if sess == nil || !sess.User.CanCurate() {
		s.forbidden(w, r, "Only editors can delete saved searches.")
		return
	}
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := ed.DeleteSavedSearch(r.Context(), id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.Info("saved search deleted", "by", sess.User.Name, "id", id)
	http.Redirect(w, r, "/saved-searches?deleted=1", http.StatusSeeOther)
}

func httpURL(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
