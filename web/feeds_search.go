package web

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"policywatch/index"
	"policywatch/store"
)

// searchFeedEntries is how many of the newest matches a search feed holds.
const searchFeedEntries = 50

// searchFeed is GET /feeds/search.atom?q=...: the newest matches of any
// search, so a journalist can subscribe to it in a feed reader. Entries
// are ordered by publication date (undated matches last); an entry's
// updated time is when our archive last changed the document, so a
// corrected page shows up again.
func (s *Server) searchFeed(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	p, err := s.parseSearch(r.Context(), v)
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	req := p.request()
	req.Sort, req.Page, req.PerPage = index.SortDate, 1, searchFeedEntries
	res, err := s.index.Search(r.Context(), req)
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	base := s.archiveBase(r)
	query := searchFeedQuery(v)
	self := base + "/feeds/search.atom" + query
	title := "policywatch: all documents"
	if p.Query != "" {
		title = "policywatch: " + p.Query
	}
	feed := atomFeed{
		ID:       self,
		Title:    title,
		Subtitle: "The newest documents matching this search in the policywatch archive.",
		Author:   atomPerson{Name: "policywatch"},
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: self},
			{Rel: "alternate", Type: "text/html", Href: base + "/" + query},
		},
		Entries: []atomEntry{},
	}
	var newest time.Time
	for _, h := range res.Hits {
		e, updated := s.searchFeedEntry(r, base, h)
		if updated.After(newest) {
			newest = updated
		}
		feed.Entries = append(feed.Entries, e)
	}
	if newest.IsZero() {
		newest = s.now()
	}
	feed.Updated = newest.UTC().Format(time.RFC3339)
	s.writeAtom(w, r, feed)
}

func (s *Server) searchFeedEntry(r *http.Request, base string, h index.Hit) (atomEntry, time.Time) {
	permalink := base + "/documents/" + itoa(h.ID)
	updated := h.Published
	// The store knows when we last changed the document; the index does
	// not. A missing row (deleted since indexing) keeps the hit's date.
	if d, err := s.store.Document(r.Context(), h.ID); err == nil {
		updated = d.UpdatedAt
		if updated.IsZero() {
			updated = d.FetchedAt
		}
	}
	if updated.IsZero() {
		updated = s.now()
	}
	title := h.Title
	if title == "" {
		title = h.URL
	}
	e := atomEntry{
		ID:      permalink,
		Title:   title,
		Updated: updated.UTC().Format(time.RFC3339),
		Links:   []atomLink{{Rel: "alternate", Type: "text/html", Href: permalink}},
		Content: atomContent{Type: "html", Body: string(h.Snippet)},
	}
	// The original page, unless its address would run in a feed reader.
	if isWebURL(h.URL) {
		e.Links = append(e.Links, atomLink{Rel: "related", Href: h.URL})
	}
	if !h.Published.IsZero() {
		e.Published = h.Published.UTC().Format(time.RFC3339)
	}
	for _, c := range h.Categories {
		e.Category = append(e.Category, atomCategory{Term: c, Label: s.label(c)})
	}
	e.Summary = h.Source + " · " + h.Kind + " · " + datedLabel(h)
	return e, updated
}

// datedLabel says when a hit was published and how we know, or that we
// do not.
func datedLabel(h index.Hit) string {
	if h.Published.IsZero() {
		return "no reliable publication date"
	}
	return "published " + formatDate(h.Published) + " (from " + dateSourceLabel(h.DateSource) + ")"
}

// searchFeedQuery is the search in v as a feed takes it: without paging and
// order, since a feed is always the newest matches first.
func searchFeedQuery(v url.Values) string {
	c := cloneValues(v)
	c.Del("sort")
	return exportQuery(c)
}

// searchFeedURL is the feed of the search in v, for the page's link.
func searchFeedURL(v url.Values) string {
	return "/feeds/search.atom" + searchFeedQuery(v)
}

// SavedSearchStore lists saved searches.
type SavedSearchStore interface {
	SavedSearches(ctx context.Context) ([]store.SavedSearch, error)
}

// apiSavedSearches is GET /api/saved-searches: each saved search with its
// feed. Webhook addresses are not shown (they often carry a secret token);
// only whether there is one.
//
// Saved searches are the editors' working list (their names say what the
// newsroom is watching), so listing them needs a signed-in editor or
// admin, like curation. Each one's feed is an ordinary search feed
// (/feeds/search.atom?...), public, so subscribers need no account.
func (s *Server) apiSavedSearches(w http.ResponseWriter, r *http.Request) {
	if s.requireEditorAPI(w, r, "list saved searches") == nil {
		return
	}
	type item struct {
		ID         int64  `json:"id"`
		Name       string `json:"name"`
		Params     string `json:"params"`
		Feed       string `json:"feed"`
		Search     string `json:"search"`
		HasWebhook bool   `json:"has_webhook"`
		Created    string `json:"created"`
		CheckedAt  string `json:"checked_at"`
	}
	pr, err := readPage(r, listPerPage, listMaxPerPage)
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	out := struct {
		SavedSearches []item `json:"saved_searches"`
		apiPaging
	}{SavedSearches: []item{}, apiPaging: paging(r, pr, 0)}
	list, err := s.store.SavedSearches(r.Context())
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	out.apiPaging = paging(r, pr, len(list))
	for _, x := range pageOf(list, pr) {
		v, _ := url.ParseQuery(x.Params)
		out.SavedSearches = append(out.SavedSearches, item{
			ID: x.ID, Name: x.Name, Params: x.Params, Feed: searchFeedURL(v), Search: "/?" + x.Params,
			HasWebhook: x.Webhook != "", Created: rfc3339(x.CreatedAt), CheckedAt: rfc3339(x.CheckedAt),
		})
	}
	writeJSON(w, http.StatusOK, out)
}
