package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/width"

	"policywatch/index"
	"policywatch/query"
)

// searchView is what templates/search.html renders.
type searchView struct {
	Params      searchParams
	Kind        string // the kind selected in the form
	Sort        string // the order results are in
	Active      []activeFilter
	Total       uint64
	Hits        []index.Hit
	Withdrawn   map[int64]string // hits whose page went away: "withdrawn 2020-07-09"
	Facets      []facetGroup
	Pager       pager
	SyntaxError *syntaxErrorView
	Unknown     *unknownValueView // a category or actor nobody defined
	Problem     string            // a bad parameter, in words
	Notes       []string          // why an empty answer is empty (web/languages.go)
	Undated     uint64            // matches without a reliable publication date
	Histogram   *histogramView
	FeedURL     string         // Atom feed of this search
	ExportQuery string         // this search's parameters, for export links
	Freeze      []activeFilter // hidden fields of the "freeze as release" form
	CSRF        string         // the session's token; "" when not signed in (no freeze form)
}

type activeFilter struct {
	Label, Param, Value string
	Shown               string // Value as people read it
	RemoveURL           string
}

type facetGroup struct {
	Name, Label string
	Items       []facetItem
}

type facetItem struct {
	Term     string
	Shown    string // Term as people read it
	Count    int
	URL      string // adds the filter, or removes it when Active
	Active   bool
	Variants []facetItem // a language's regional variants (en-gb under en)
}

type pager struct {
	Current, Last int
	PrevURL       string
	NextURL       string
	Links         []pageLink
}

type pageLink struct {
	N       int
	URL     string
	Current bool
}

// syntaxErrorView shows a query with a caret under the character where
// parsing failed.
type syntaxErrorView struct {
	Message string
	Query   string
	Caret   string
	Column  int // 1-based character position, for people
}

// facetOrder is the order facet lists appear in the sidebar.
var facetOrder = []struct{ name, label, param string }{
	{"category", "Category", "category"},
	{"actor", "Actor", "actor"},
	{"source", "Source", "source"},
	{"kind", "Kind", "kind"},
	{"lang", "Language", "lang"},
	{"year", "Year", ""},
}

func (s *Server) searchPage(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	p, err := s.parseSearch(r.Context(), v)
	view := searchView{Params: p, Sort: p.sortOrder()}
	if len(p.Kinds) > 0 {
		view.Kind = p.Kinds[0]
	}
	view.Active = s.activeFilters(v, p)
	if err != nil {
		var pe *paramError
		var ve *vocabError
		var se *query.SyntaxError
		switch {
		case errors.As(err, &se):
			view.SyntaxError = newSyntaxErrorView(p.Query, se)
		case errors.As(err, &ve):
			view.Unknown = s.newUnknownValueView(p.Query, ve)
		case errors.As(err, &pe):
			view.Problem = pe.Error()
		default:
			s.fail(w, r, err)
			return
		}
		s.render(w, r, http.StatusBadRequest, "search", page{Title: "Search", Nav: "search", Data: view})
		return
	}
	req := p.request()
	req.Histogram = true // counted with the page: no extra pass for the chart
	res, err := s.index.Search(r.Context(), req)
	if err != nil {
		var se *query.SyntaxError
		if errors.As(err, &se) {
			view.SyntaxError = newSyntaxErrorView(p.Query, se)
			s.render(w, r, http.StatusBadRequest, "search", page{Title: "Search", Nav: "search", Data: view})
			return
		}
		var le *index.LimitError
		if _, late := searchDeadline(r, err); late || errors.As(err, &le) {
			// Over the search budget or its deadline: said beside the
			// query, so it can be narrowed in place.
			status, msg := s.statusFor(r, err)
			view.Problem = msg
			s.render(w, r, status, "search", page{Title: "Search", Nav: "search", Data: view})
			return
		}
		s.fail(w, r, err)
		return
	}
	view.Total = res.Total
	view.Hits = res.Hits
	if view.Withdrawn, err = s.withdrawnHits(r.Context(), res.Hits); err != nil {
		s.fail(w, r, err)
		return
	}
	view.Undated = res.Undated
	if view.Notes, err = s.languageNotes(r.Context(), p.Langs, res.Total); err != nil {
		s.fail(w, r, err)
		return
	}
	view.Facets = s.facetGroups(v, p, res.Facets)
	view.Pager = newPager(v, p.Page, res.Total)
	view.FeedURL = searchFeedURL(v)
	view.ExportQuery = exportQuery(v)
	view.Freeze = releaseFormHidden(v)
	if sess := sessionFrom(r); sess != nil {
		view.CSRF = sess.CSRF
	}
	if len(res.Histogram) > 0 {
		view.Histogram = &histogramView{SVG: histogramSVG(res.Histogram, res.Bucket, v), Bucket: res.Bucket, Buckets: res.Histogram}
	}
	title := "Search"
	if p.Query != "" {
		title = p.Query + " – Search"
	}
	s.render(w, r, http.StatusOK, "search", page{Title: title, Nav: "search", Data: view})
}

func newSyntaxErrorView(q string, se *query.SyntaxError) *syntaxErrorView {
	pos := min(max(se.Pos, 0), len(q))
	// Tabs and newlines would break the column alignment of the caret.
	shown := strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, q)
	return &syntaxErrorView{
		Message: se.Msg,
		Query:   shown,
		Caret:   strings.Repeat(" ", displayWidth(shown[:pos])) + "^",
		Column:  utf8.RuneCountInString(q[:pos]) + 1,
	}
}

// unknownValueView explains a category or actor the taxonomy does not
// have, pointing at it in the query when it was written there, and lists
// the values that exist.
type unknownValueView struct {
	Field, Value string
	Param        string           // "q" or the URL parameter
	Query        *syntaxErrorView // the query with a caret, when the value was in it
	Suggest      string           // the nearest valid name, when it looks like a typo
	Valid        []option
}

func (s *Server) newUnknownValueView(q string, ve *vocabError) *unknownValueView {
	uv := &unknownValueView{Field: ve.Field, Value: ve.Value, Param: ve.Param, Suggest: ve.Suggestion()}
	if ve.Param == "q" && ve.Pos >= 0 {
		uv.Query = newSyntaxErrorView(q, &query.SyntaxError{Pos: ve.Pos, Msg: "unknown " + ve.Field})
	}
	for _, t := range ve.Valid {
		uv.Valid = append(uv.Valid, option{Value: t.ID, Label: t.Label})
	}
	return uv
}

// displayWidth counts the monospace columns s takes: CJK characters are
// two columns wide, so a caret after 香港 needs four spaces.
func displayWidth(s string) int {
	n := 0
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		s = s[size:]
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

func (s *Server) activeFilters(v url.Values, p searchParams) []activeFilter {
	var out []activeFilter
	add := func(label, param string, vals []string) {
		for _, val := range vals {
			out = append(out, activeFilter{Label: label, Param: param, Value: val,
				Shown: s.shown(param, val), RemoveURL: withoutValue(v, param, val)})
		}
	}
	add("Category", "category", p.Categories)
	add("Actor", "actor", p.Actors)
	add("Source", "source", p.Sources)
	add("Kind", "kind", p.Kinds)
	add("Language", "lang", p.Langs)
	if p.FromRaw != "" {
		add("From", "from", []string{p.FromRaw})
	}
	if p.ToRaw != "" {
		add("To", "to", []string{p.ToRaw})
	}
	return out
}

// shown is how a filter value reads: categories and actors by their
// taxonomy label, everything else (source names, kinds, dates) as is.
func (s *Server) shown(param, val string) string {
	if param == "category" || param == "actor" {
		return s.label(val)
	}
	return val
}

func (s *Server) facetGroups(v url.Values, p searchParams, facets map[string][]index.FacetCount) []facetGroup {
	var out []facetGroup
	for _, f := range facetOrder {
		counts := facets[f.name]
		if len(counts) == 0 {
			continue
		}
		g := facetGroup{Name: f.name, Label: f.label}
		if f.name == "lang" {
			g.Items = langItems(v, counts)
			out = append(out, g)
			continue
		}
		for _, c := range counts {
			it := facetItem{Term: c.Term, Count: c.Count, Shown: s.shown(f.name, c.Term)}
			if f.param == "" { // year: a date range
				from, to := c.Term+"-01-01", c.Term+"-12-31"
				it.Active = p.FromRaw == from && p.ToRaw == to
				if it.Active {
					it.URL = withValues(v, map[string]string{"from": "", "to": ""})
				} else {
					it.URL = withValues(v, map[string]string{"from": from, "to": to})
				}
			} else {
				it.Active = contains(v[f.param], c.Term)
				if it.Active {
					it.URL = withoutValue(v, f.param, c.Term)
				} else {
					it.URL = withAddedValue(v, f.param, c.Term)
				}
			}
			g.Items = append(g.Items, it)
		}
		out = append(out, g)
	}
	return out
}

// langItems counts languages the way the lang filter selects them: lang=en
// finds en, en-gb, en-au..., so "en" counts them all, with its regional
// variants listed inside. A variant's link replaces its base language's
// filter, which would otherwise still select every variant.
func langItems(v url.Values, counts []index.FacetCount) []facetItem {
	var out []facetItem
	for _, g := range groupLangs(counts) {
		base := facetItem{Term: g.Term, Shown: g.Term, Count: g.Count, Active: contains(v["lang"], g.Term)}
		if base.Active {
			base.URL = withoutValue(v, "lang", g.Term)
		} else {
			base.URL = withAddedValue(v, "lang", g.Term)
		}
		for _, c := range g.Variants {
			it := facetItem{Term: c.Term, Shown: c.Term, Count: c.Count, Active: contains(v["lang"], c.Term)}
			switch {
			case it.Active:
				it.URL = withoutValue(v, "lang", c.Term)
			case base.Active:
				c := cloneValues(v)
				c["lang"] = slices.DeleteFunc(c["lang"], func(x string) bool { return strings.TrimSpace(x) == g.Term })
				it.URL = withAddedValue(c, "lang", it.Term)
			default:
				it.URL = withAddedValue(v, "lang", c.Term)
			}
			base.Variants = append(base.Variants, it)
		}
		out = append(out, base)
	}
	return out
}

// langGroup is a base language's count with its variants' counts.
type langGroup struct {
	index.FacetCount
	Variants []index.FacetCount // regional variants, not the bare base
}

// groupLangs lists the base languages of the index's lang facet with
// their regional variants ("en-gb", "en-au") inside, most documents
// first. The index counts every value as the lang filter selects it (en
// counts en-gb too, index/facetkeys.go langKeys), so a base's count is
// its own entry, the total lang=en returns; adding its variants to it
// would count them twice. (The facet lists the 100 largest values, a
// base before its variants when they tie, so a variant listed has its
// base listed too.)
func groupLangs(counts []index.FacetCount) []langGroup {
	var out []langGroup
	at := map[string]int{}
	for _, c := range counts {
		term := strings.ToLower(c.Term)
		base, _, _ := strings.Cut(term, "-")
		i, ok := at[base]
		if !ok {
			i = len(out)
			at[base] = i
			out = append(out, langGroup{FacetCount: index.FacetCount{Term: base}})
		}
		if term == base {
			out[i].Count = c.Count
			continue
		}
		out[i].Variants = append(out[i].Variants, index.FacetCount{Term: term, Count: c.Count})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Count > out[j].Count })
	for _, g := range out {
		sort.SliceStable(g.Variants, func(i, j int) bool { return g.Variants[i].Count > g.Variants[j].Count })
	}
	return out
}

func newPager(v url.Values, cur int, total uint64) pager {
	last := int((total + perPage - 1) / perPage)
	last = min(max(last, 1), maxPage)
	pg := pager{Current: cur, Last: last}
	link := func(n int) string { return withValues(v, map[string]string{"page": strconv.Itoa(n)}) }
	if cur > 1 {
		pg.PrevURL = link(cur - 1)
	}
	if cur < last {
		pg.NextURL = link(cur + 1)
	}
	if last > 1 {
		// A window around the current page, plus the first and last.
		for n := 1; n <= last; n++ {
			if n == 1 || n == last || (n >= cur-3 && n <= cur+3) {
				pg.Links = append(pg.Links, pageLink{N: n, URL: link(n), Current: n == cur})
			}
		}
	}
	return pg
}

// withAddedValue links to the same search with one more filter value, on
// its first page.
func withAddedValue(v url.Values, name, val string) string {
	c := cloneValues(v)
	c.Add(name, val)
	c.Del("page")
	return "/?" + c.Encode()
}

func withoutValue(v url.Values, name, val string) string {
	c := cloneValues(v)
	var keep []string
	for _, x := range c[name] {
		if strings.TrimSpace(x) != val {
			keep = append(keep, x)
		}
	}
	c.Del(name)
	if len(keep) > 0 {
		c[name] = keep
	}
	c.Del("page")
	return "/?" + c.Encode()
}

// withValues sets (or, for "", removes) single-valued parameters. Changing
// anything but the page starts again at page 1.
func withValues(v url.Values, set map[string]string) string {
	c := cloneValues(v)
	if _, paging := set["page"]; !paging {
		c.Del("page")
	}
	for k, val := range set {
		if val == "" {
			c.Del(k)
		} else {
			c.Set(k, val)
		}
	}
	return "/?" + c.Encode()
}

// cloneValues copies v without empty values, so links do not carry the
// form's blank boxes along.
func cloneValues(v url.Values) url.Values {
	c := url.Values{}
	for k, vals := range v {
		for _, x := range vals {
			if strings.TrimSpace(x) != "" {
				c.Add(k, x)
			}
		}
	}
	return c
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if strings.TrimSpace(x) == s {
			return true
		}
	}
	return false
}

// exportQuery is the search in v as a query string for export and feed
// links, without paging: an export holds every match, in the page's order
// (a feed is always newest first).
func exportQuery(v url.Values) string {
	c := cloneValues(v)
	c.Del("page")
	if len(c) == 0 {
		return ""
	}
	return "?" + c.Encode()
}
