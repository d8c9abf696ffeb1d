package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"policywatch/index"
	"policywatch/model"
	"policywatch/query"
)

const (
	perPage = 20
	// maxPage keeps deep paging (which the index pays for with every hit
	// before the page) within reason.
	maxPage = 500
)

// searchParams is a search as the URL states it. The page and the API
// read the same parameters, so they parse them in one place.
type searchParams struct {
	Query      string // as the reader wrote it
	indexQuery string // Query with category and actor values resolved to ids
	Categories []string
	Actors     []string
	Sources    []string
	Kinds      []string
	Langs      []string // language codes; "zh" also selects zh-Hant and zh-Hans
	From, To   time.Time
	FromRaw    string
	ToRaw      string
	Sort       string
	Page       int
}

// parseSearch reads a search from the URL and resolves the category and
// actor values it names, as ids or as the labels the UI shows, to ids. It
// rewrites those values in v to the ids, so links built from v (facets,
// active filters, paging) carry the same ids the search ran with.
//
// Sources, as parameters or source: in the query, must be the archive's
// (configured, or holding documents): a mistyped one would match nothing
// and look like an answer.
func (s *Server) parseSearch(ctx context.Context, v url.Values) (searchParams, error) {
	p, err := readSearch(v)
	if err != nil {
		return p, err
	}
	if p.Categories, err = s.resolveAll(v, "category", query.FieldCategory, p.Categories); err != nil {
		return p, err
	}
	if p.Actors, err = s.resolveAll(v, "actor", query.FieldActor, p.Actors); err != nil {
		return p, err
	}
	if p.indexQuery, err = s.vocab.Canonical(p.Query); err != nil {
		return p, paramVocabError("q", err)
	}
	if err := query.CheckSources(ctx, s.store, p.Sources); err != nil {
		return p, paramVocabError("source", err)
	}
	if strings.Contains(p.Query, ":") {
		n, err := query.Parse(p.Query)
		if err != nil {
			return p, err
		}
		if err := query.CheckQuerySources(ctx, s.store, n); err != nil {
			return p, paramVocabError("q", err)
		}
	}
	return p, nil
}

// resolveAll maps each value of a category or actor parameter to its id
// and writes the ids back into v.
func (s *Server) resolveAll(v url.Values, param, field string, vals []string) ([]string, error) {
	if len(vals) == 0 || !s.vocab.Knows(field) {
		return vals, nil
	}
	out := make([]string, 0, len(vals))
	for _, val := range vals {
		id, err := s.vocab.Resolve(field, val)
		if err != nil {
			return vals, paramVocabError(param, err)
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	v[param] = slices.Clone(out)
	return out, nil
}

func readSearch(v url.Values) (searchParams, error) {
	p := searchParams{
		Query:      strings.TrimSpace(v.Get("q")),
		Categories: values(v, "category"),
		Actors:     values(v, "actor"),
		Sources:    values(v, "source"),
		Kinds:      values(v, "kind"),
		Langs:      values(v, "lang"),
		Sort:       strings.TrimSpace(v.Get("sort")),
		Page:       1,
	}
	for _, k := range p.Kinds {
		if !model.DocKind(k).Valid() {
			return p, badParam("kind", "%q is not a document kind (use official or news)", k)
		}
	}
	for _, l := range p.Langs {
		if err := query.CheckLanguage(l); err != nil {
			return p, badParam("lang", "%s", err.Error())
		}
	}
	switch p.Sort {
	case "", "relevance", "date":
	default:
		return p, badParam("sort", "%q is not a sort order (use relevance or date)", p.Sort)
	}
	var err error
	if p.From, p.FromRaw, err = parseDate(v, "from", false); err != nil {
		return p, err
	}
	if p.To, p.ToRaw, err = parseDate(v, "to", true); err != nil {
		return p, err
	}
	if !p.From.IsZero() && !p.To.IsZero() && p.To.Before(p.From) {
		return p, badParam("to", "%s is before from (%s)", p.ToRaw, p.FromRaw)
	}
	if raw := strings.TrimSpace(v.Get("page")); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 {
			return p, badParam("page", "%q is not a page number (1 or more)", raw)
		}
		if n > maxPage {
			return p, badParam("page", "%d is past the last page we serve (%d); narrow the search", n, maxPage)
		}
		p.Page = n
	}
	return p, nil
}

// request turns the URL's search into the index's terms.
func (p searchParams) request() index.Request {
	q := p.indexQuery
	if q == "" {
		q = p.Query
	}
	return index.Request{
		Query:      q,
		Categories: p.Categories,
		Actors:     p.Actors,
		Sources:    p.Sources,
		Kinds:      p.Kinds,
		Langs:      p.Langs,
		From:       p.From,
		To:         p.To,
		Sort:       p.sortOrder(),
		Page:       p.Page,
		PerPage:    perPage,
	}
}

// sortOrder is the order results come in: relevance when there is a
// query to be relevant to, otherwise newest first (browsing by filters).
func (p searchParams) sortOrder() string {
	switch {
	case p.Sort != "":
		return p.Sort
	case p.Query == "":
		return "date"
	}
	return "relevance"
}

// values returns a repeated parameter's non-empty values: facet links add
// one value each, and the form's empty "add a filter" box adds none.
func values(v url.Values, name string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range v[name] {
		s = strings.TrimSpace(s)
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// parseDate reads a YYYY-MM-DD parameter. An upper bound covers the whole
// day it names, so to=2020-07-01 includes documents of 1 July.
func parseDate(v url.Values, name string, endOfDay bool) (time.Time, string, error) {
	raw := strings.TrimSpace(v.Get(name))
	if raw == "" {
		return time.Time{}, "", nil
	}
	t, err := time.Parse(time.DateOnly, raw)
	if err != nil {
		return time.Time{}, raw, badParam(name, "%q is not a date (use YYYY-MM-DD)", raw)
	}
	if endOfDay {
		t = t.Add(24*time.Hour - time.Nanosecond)
	}
	return t, raw, nil
}

// pathID reads a numeric path segment; anything else names no row.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id < 1 {
		return 0, errNotFound
	}
	return id, nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
