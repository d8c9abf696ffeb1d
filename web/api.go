package web

import (
	"net/http"
	"time"

	"policywatch/index"
	"policywatch/model"
)

// The API's JSON shapes. They are declared here rather than tagging the
// model types so the wire format stays stable when the model grows.

type apiSearchResult struct {
	Total uint64 `json:"total"`
	// Undated counts the matches without a reliable publication date
	// (left out of date filters and the histogram).
	Undated uint64                     `json:"undated"`
	Page    int                        `json:"page"`
	Pages   int                        `json:"pages"`
	PerPage int                        `json:"per_page"`
	Next    *string                    `json:"next"` // the next page's URL; null on the last
	Prev    *string                    `json:"prev"`
	Hits    []apiHit                   `json:"hits"`
	Facets  map[string][]apiFacetCount `json:"facets"`
	// Notes explain an empty answer that is not a mistake: a language
	// the archive holds no document in.
	Notes []string `json:"notes,omitempty"`
}

type apiHit struct {
	ID        int64  `json:"id"`
	URL       string `json:"url"`
	Title     string `json:"title"`
	Source    string `json:"source"`
	Kind      string `json:"kind"`
	Published string `json:"published"` // YYYY-MM-DD or ""
	// DateSource says where Published was read (jsonld, meta, url, text,
	// feed, crawl, ...); DateReliable is false for none or the crawl time.
	DateSource   string   `json:"date_source"`
	DateReliable bool     `json:"date_reliable"`
	Lang         string   `json:"lang"`
	Snippet      string   `json:"snippet"` // escaped text with <mark> around matches
	Categories   []string `json:"categories"`
	Actors       []string `json:"actors"`
	// Withdrawn is true when the page no longer answers (404/410); the
	// archive keeps its last version.
	Withdrawn bool `json:"withdrawn"`
}

// apiTerm is a category or actor: the id queries store and the label
// people read.
type apiTerm struct {
	ID    string `json:"id"`
	Label string `json:"label"`
}

type apiFacetCount struct {
	Term  string `json:"term"`
	Count int    `json:"count"`
}

func (s *Server) apiSearch(w http.ResponseWriter, r *http.Request) {
	p, err := s.parseSearch(r.Context(), r.URL.Query())
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	pr, err := readPage(r, perPage, index.MaxPerPage)
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	// Deep pages cost the index every hit before them: the same bound as
	// the page's, in hits.
	if (pr.Page-1)*pr.PerPage >= maxPage*perPage {
		s.failJSON(w, r, badParam("page", "page %d of %d is past the %d hits we serve; narrow the search", pr.Page, pr.PerPage, maxPage*perPage))
		return
	}
	req := p.request()
	req.Page, req.PerPage = pr.Page, pr.PerPage
	res, err := s.index.Search(r.Context(), req)
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	pg := paging(r, pr, int(min(res.Total, uint64(maxPage*perPage))))
	out := apiSearchResult{
		Total:   res.Total,
		Undated: res.Undated,
		Page:    pr.Page,
		Pages:   pg.Pages,
		PerPage: pr.PerPage,
		Next:    pg.Next,
		Prev:    pg.Prev,
		Hits:    []apiHit{},
		Facets:  map[string][]apiFacetCount{},
	}
	gone, err := s.withdrawnHits(r.Context(), res.Hits)
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	if out.Notes, err = s.languageNotes(r.Context(), p.Langs, res.Total); err != nil {
		s.failJSON(w, r, err)
		return
	}
	for _, h := range res.Hits {
		ah := toAPIHit(h)
		_, ah.Withdrawn = gone[h.ID]
		out.Hits = append(out.Hits, ah)
	}
	// The three facets clients always get, even when empty; any others
	// the index computed come along too.
	for _, name := range []string{"category", "actor", "source"} {
		out.Facets[name] = []apiFacetCount{}
	}
	for name, counts := range res.Facets {
		list := []apiFacetCount{}
		for _, c := range counts {
			list = append(list, apiFacetCount{Term: c.Term, Count: c.Count})
		}
		out.Facets[name] = list
	}
	// lang counts every tag as the lang filter selects it (en counts
	// en-gb too, so each value filters to exactly its count); lang_group
	// lists the base languages only.
	if _, ok := res.Facets["lang"]; ok {
		grouped := []apiFacetCount{}
		for _, g := range groupLangs(res.Facets["lang"]) {
			grouped = append(grouped, apiFacetCount{Term: g.Term, Count: g.Count})
		}
		out.Facets["lang_group"] = grouped
	}
	writeJSON(w, http.StatusOK, out)
}

func toAPIHit(h index.Hit) apiHit {
	return apiHit{
		ID:           h.ID,
		URL:          h.URL,
		Title:        h.Title,
		Source:       h.Source,
		Kind:         h.Kind,
		Published:    formatDate(h.Published),
		DateSource:   h.DateSource,
		DateReliable: !h.Published.IsZero() && model.ReliableDateSource(h.DateSource),
		Lang:         h.Lang,
		Snippet:      string(h.Snippet),
		Categories:   nonNil(h.Categories),
		Actors:       nonNil(h.Actors),
	}
}

type apiDocument struct {
	ID          int64        `json:"id"`
	URL         string       `json:"url"`
	Source      string       `json:"source"`
	Kind        string       `json:"kind"`
	Title       string       `json:"title"`
	Byline      string       `json:"byline"`
	Site        string       `json:"site"`
	Lang        string       `json:"lang"`
	DocNumber   string       `json:"doc_number"`
	Published   string       `json:"published"`   // YYYY-MM-DD or ""
	DateSource  string       `json:"date_source"` // where Published was read from
	Modified    string       `json:"modified"`
	FetchedAt   *time.Time   `json:"fetched_at"`
	UpdatedAt   *time.Time   `json:"updated_at"`
	Version     int          `json:"version"`
	Withdrawn   bool         `json:"withdrawn"`
	ContentHash string       `json:"content_hash"`
	Categories  []string     `json:"categories"`
	Actors      []string     `json:"actors"`
	Tags        []apiTag     `json:"tags"`
	Text        string       `json:"text"`
	Captures    []apiCapture `json:"captures"`
}

type apiTag struct {
	Type    string        `json:"type"`
	Value   string        `json:"value"`
	Score   float64       `json:"score"`
	Matches []model.Match `json:"matches"`
}

type apiCapture struct {
	ID          int64      `json:"id"`
	Version     int        `json:"version"`
	FetchedAt   *time.Time `json:"fetched_at"`
	RequestURL  string     `json:"request_url"`
	FinalURL    string     `json:"final_url"`
	Status      int        `json:"status"`
	BodySHA256  string     `json:"body_sha256"`
	ContentHash string     `json:"content_hash"`
	View        string     `json:"view"` // sanitized rendering
	Raw         string     `json:"raw"`  // bytes as fetched
}

func (s *Server) apiDocument(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	doc, err := s.store.Document(r.Context(), id)
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	caps, err := s.store.Captures(r.Context(), id)
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	out := apiDocument{
		ID: doc.ID, URL: doc.URL, Source: doc.Source, Kind: string(doc.Kind),
		Title: doc.Title, Byline: doc.Byline, Site: doc.Site, Lang: doc.Lang, DocNumber: doc.DocNumber,
		Published: formatDate(doc.Published), DateSource: doc.DateSource, Modified: formatDate(doc.Modified),
		FetchedAt: timePtr(doc.FetchedAt), UpdatedAt: timePtr(doc.UpdatedAt),
		Version: doc.Version, Withdrawn: doc.Withdrawn, ContentHash: doc.ContentHash,
		Categories: nonNil(doc.Categories()), Actors: nonNil(doc.Actors()),
		Tags: []apiTag{}, Text: doc.Text, Captures: []apiCapture{},
	}
	for _, t := range doc.Tags {
		m := t.Matches
		if m == nil {
			m = []model.Match{}
		}
		out.Tags = append(out.Tags, apiTag{Type: t.Type, Value: t.Value, Score: t.Score, Matches: m})
	}
	for _, c := range caps {
		base := captureURL(doc.ID, c.ID)
		out.Captures = append(out.Captures, apiCapture{
			ID: c.ID, Version: c.Version, FetchedAt: timePtr(c.FetchedAt),
			RequestURL: c.RequestURL, FinalURL: c.FinalURL, Status: c.Status,
			BodySHA256: c.BodySHA256, ContentHash: c.ContentHash,
			View: base, Raw: base + "/raw",
		})
	}
	writeJSON(w, http.StatusOK, out)
}

type apiTimeline struct {
	Events []apiEvent `json:"events"`
	apiPaging
}

type apiEvent struct {
	ID       int64  `json:"id"`
	Date     string `json:"date"`
	Title    string `json:"title"`
	Category string `json:"category"`
	// Categories is every category of the announcement, its main
	// category first.
	Categories []string `json:"categories"`
	// Announcement identifies the announcement the event is one category
	// of (its main event's key); Related are the ids of its other events.
	Announcement string             `json:"announcement"`
	Related      []int64            `json:"related"`
	Actors       []string           `json:"actors"`
	NewsOnly     bool               `json:"news_only"`
	Documents    []apiEventDocument `json:"documents"`
}

type apiEventDocument struct {
	ID        int64  `json:"id"`
	Title     string `json:"title"`
	URL       string `json:"url"`
	Source    string `json:"source"`
	Kind      string `json:"kind"`
	Published string `json:"published"`
	Primary   bool   `json:"primary"`
	Passage   string `json:"passage,omitempty"`  // the sentence that supports the event
	Document  string `json:"document,omitempty"` // the document's API URL
}

func (s *Server) apiTimeline(w http.ResponseWriter, r *http.Request) {
	_, evs, err := s.loadEvents(r)
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	pr, err := readPage(r, timelinePerPage, timelinePerPage)
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	anns, err := s.store.AnnouncementEvents(r.Context())
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	out := apiTimeline{Events: []apiEvent{}, apiPaging: paging(r, pr, len(evs))}
	for _, e := range pageOf(evs, pr) {
		ae := apiEvent{
			ID: e.ID, Date: formatDate(e.Date), Title: e.Title, Category: e.Category,
			Categories: nonNil(eventCategories(e)), Announcement: e.AnnouncementKey(), Related: []int64{},
			Actors: nonNil(e.Actors), NewsOnly: e.NewsOnly, Documents: []apiEventDocument{},
		}
		if e.Announcement != "" {
			for _, m := range anns[e.Announcement] {
				if m.ID != e.ID {
					ae.Related = append(ae.Related, m.ID)
				}
			}
		}
		for _, d := range evidenceOrder(e.Documents) {
			ae.Documents = append(ae.Documents, apiEventDocument{
				ID: d.DocumentID, Title: d.Title, URL: d.URL, Source: d.Source,
				Kind: string(d.Kind), Published: formatDate(d.Published), Primary: d.Primary,
			})
		}
		out.Events = append(out.Events, ae)
	}
	writeJSON(w, http.StatusOK, out)
}

func captureURL(docID, capID int64) string {
	return "/documents/" + itoa(docID) + "/captures/" + itoa(capID)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// timePtr makes an unknown time null in JSON instead of year 1.
func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}
