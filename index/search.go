package index

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"html/template"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	bq "github.com/blevesearch/bleve/v2/search/query"

	"policywatch/model"
	"policywatch/query"
)

// Sort orders for Request.Sort.
const (
	SortRelevance = "relevance"
	SortDate      = "date"
)

// Paging limits.
const (
	DefaultPerPage = 20
	MaxPerPage     = 100
)

// Request is one search.
//
// Filters narrow the query: Categories and Actors must all be present on a
// document (each click on a facet narrows further), while for Sources,
// Kinds and Langs any listed value will do (a document has only one).
// Langs match by prefix too: "zh" selects zh-Hant and zh-Hans. From and To
// bound the published date, both inclusive; either may be zero. Sort is
// "relevance" or "date" (newest first); empty means relevance for a query
// and date for the empty query. Page is 1-based; PerPage defaults to 20 and
// is capped at 100.
type Request struct {
	Query                                     string
	Categories, Actors, Sources, Kinds, Langs []string
	From, To                                  time.Time
	Sort                                      string
	Page, PerPage                             int
	// IDs, when not empty, restricts the search to these documents (a
	// release's frozen set, the documents a crawl changed).
	IDs []int64
	// Histogram asks for Result.Histogram as well: matches per day, month
	// or year (chosen by BucketFor), counted in the same pass as the page.
	Histogram bool
}

// Result is one page of hits with the total and the facets of all matches.
type Result struct {
	Total uint64
	Hits  []Hit
	// Facets by name: "category", "actor", "source", "kind", "lang" (most
	// frequent first) and "year" (oldest first, only years with matches).
	Facets map[string][]FacetCount
	// Undated counts the matches without a reliable publication date
	// (none found, or only the crawl time). They are in Total but not in
	// the year facet, the histogram or any date filter. It is computed
	// only when the search has no date filter (with one, they are out).
	Undated uint64
	// Bucket and Histogram are set when Request.Histogram was: the
	// matches with a reliable date per Bucket ("day", "month", "year"),
	// oldest first, empty periods included. Empty without dated matches.
	Bucket    string
	Histogram []Bucket
}

// Hit is one matching document.
type Hit struct {
	ID                 int64
	URL, Title         string
	Source, Kind, Lang string
	Published          time.Time // zero when unknown or only the crawl time
	DateSource         string    // model.DateFrom*: where the date was read; "" when unknown
	Snippet            template.HTML
	Categories, Actors []string
	Score              float64
}

// FacetCount is one facet value and how many matches have it.
type FacetCount struct {
	Term  string
	Count int
}

const termFacetSize = 100

// rescoreWindow is how many of the best matches the official-source bonus
// reorders (see officialBonus). Beyond it, matches keep the order of their
// own scores (ties by ID), so every page of a search is cut from one fixed order and
// deep paging neither repeats nor skips a hit.
const rescoreWindow = 200

// Search runs r. A query that does not parse returns its *query.SyntaxError
// unwrapped, so callers can show the position.
//
// A search is one pass over the matches that ranks them and, unless the
// same query and filters were counted since the index last changed,
// counts their facets from facet_keys; then a second, small search over
// just the shown hits loads their stored fields, and their snippets are
// cut from the store's text (loadHits).
func (ix *Index) Search(ctx context.Context, r Request) (*Result, error) {
	n, err := ix.parse(r) // budget.go: parsed and held to the limits
	if err != nil {
		return nil, err
	}
	sortByDate := r.Sort == SortDate || (r.Sort == "" && n.IsAll())
	perPage := r.PerPage
	if perPage <= 0 {
		perPage = DefaultPerPage
	}
	perPage = min(perPage, MaxPerPage)
	page := max(r.Page, 1)
	sortKey := SortRelevance
	if sortByDate {
		sortKey = SortDate
	}

	results := ix.results.Load()
	rkey := ix.resultKey(r, sortKey, page, perPage)
	if res, ok := results.get(rkey); ok {
		return res.clone(), nil
	}
	summaries := ix.summaries.Load()
	skey := ix.summaryKey(r)
	sum, counted := summaries.get(skey)

	offset := (page - 1) * perPage
	rescore := !sortByDate && !n.IsAll()
	from, size := offset, perPage
	if rescore {
		from, size = 0, max(rescoreWindow, offset+perPage)
	}
	// Ties are broken by ID, not by the index's internal order, which a
	// background segment merge may change between two pages.
	sortBy, score := []string{"-_score", "_id"}, ""
	if sortByDate {
		sortBy, score = []string{"-" + fPublished, "_id"}, "none"
	}
	pass, err := ix.rankOrFallback(ctx, ix.filtered(ix.translate(n, 1), r), size, from, sortBy, score, !counted)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", r.Query, err)
	}
	if !counted {
		sum = summarize(pass.total, pass.counts)
		summaries.put(skey, sum)
	}

	shown := pass.hits
	if rescore {
		shown = preferOfficial(shown, pass.official)
		shown = shown[min(offset, len(shown)):min(offset+perPage, len(shown))]
	}
	hits, err := ix.loadHits(ctx, n, shown)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", r.Query, err)
	}

	out := &Result{Total: pass.total, Hits: hits, Facets: sum.cloneFacets()}
	if r.From.IsZero() && r.To.IsZero() && !hasDate(n) {
		out.Undated = sum.undated
	}
	if r.Histogram {
		if first, last := sum.span(); !first.IsZero() {
			out.Bucket = BucketFor(first, last)
			if out.Histogram, err = sum.histogram(out.Bucket); err != nil {
				return nil, err
			}
		}
	}
	results.put(rkey, out)
	return out.clone(), nil
}

// facetKeysFacet names the facet_keys facet in a search request.
const facetKeysFacet = "keys"

// officialBonus is how much more an official document scores than news
// coverage matching the query as well: a policy tracker shows the primary
// source before the articles that repeat it.
const officialBonus = 0.5

// preferOfficial multiplies the scores of the official documents among the
// best rescoreWindow matches by 1+officialBonus and reorders that window;
// ties keep their order (by ID). Only relevance is scaled, so a passing
// mention in an official text stays low. Doing it here rather than in the
// query costs nothing per match; the query-time form scored every match
// twice.
func preferOfficial(hits search.DocumentMatchCollection, official func(*search.DocumentMatch) bool) search.DocumentMatchCollection {
	window := hits[:min(rescoreWindow, len(hits))]
	for _, h := range window {
		if official(h) {
			h.Score *= 1 + officialBonus
		}
	}
	slices.SortStableFunc(window, func(a, b *search.DocumentMatch) int { return cmp.Compare(b.Score, a.Score) })
	return hits
}

// rankOrFallback is rank, or the same pass through Bleve's own search
// with a terms facet over facet_keys when the index is not one rank can
// read (see facetcount.go).
func (ix *Index) rankOrFallback(ctx context.Context, q bq.Query, size, from int, sortBy []string, score string, count bool) (*ranked, error) {
	out, err := ix.rank(ctx, q, size, from, sortBy, score, count)
	if !errors.Is(err, errNoSnapshot) {
		return out, err
	}
	return ix.rankWithBleve(ctx, q, size, from, sortBy, score, count)
}

func (ix *Index) rankWithBleve(ctx context.Context, q bq.Query, size, from int, sortBy []string, score string, count bool) (*ranked, error) {
	req := bleve.NewSearchRequestOptions(q, size, from, false)
	req.SortBy(sortBy)
	req.Score = score
	req.Fields = []string{fKind}
	if count {
		req.AddFacet(facetKeysFacet, bleve.NewFacetRequest(fFacetKeys, maxFacetKeys))
	}
	res, err := ix.bi.SearchInContext(ctx, req)
	if err != nil {
		return nil, err
	}
	out := &ranked{hits: res.Hits, total: res.Total, official: func(d *search.DocumentMatch) bool {
		return strings.EqualFold(storedString(d.Fields[fKind]), string(model.KindOfficial))
	}}
	if fr := res.Facets[facetKeysFacet]; count && fr != nil && fr.Terms != nil {
		out.counts = map[string]int{}
		for _, t := range fr.Terms.Terms() {
			out.counts[t.Term] = t.Count
		}
	}
	return out, nil
}

// loadHits turns ranked matches into Hits, in ranked's order and with
// its scores: what they show is read from the archive, and their
// snippets are cut from its text around what n matched in it. A match
// the archive no longer holds (deleted since it was indexed) is left out.
func (ix *Index) loadHits(ctx context.Context, n query.Node, ranked search.DocumentMatchCollection) ([]Hit, error) {
	return ix.hitsOf(ctx, ranked, ix.newHighlighter(n))
}

// hitsOf reads the documents of matches from the archive, marking in
// their snippets what hl finds (nil: nothing, the start of the text).
// Without an archive, hits carry their ID and score only.
func (ix *Index) hitsOf(ctx context.Context, matches search.DocumentMatchCollection, hl *highlighter) ([]Hit, error) {
	if len(matches) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(matches))
	for i, m := range matches {
		ids[i], _ = strconv.ParseInt(m.ID, 10, 64)
	}
	docs, err := ix.documentsOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	hits := make([]Hit, 0, len(matches))
	for i, m := range matches {
		if docs == nil {
			hits = append(hits, Hit{ID: ids[i], Score: m.Score})
			continue
		}
		d, ok := docs[ids[i]]
		if !ok {
			continue
		}
		hit := toHit(&d)
		hit.Score = m.Score
		hit.Snippet = snippet(d.Text, hl.spans(d.Text, hit.Lang))
		hits = append(hits, hit)
	}
	return hits, nil
}

// clone copies r deeply enough that a caller may change what it got
// without changing the cached result.
func (r *Result) clone() *Result {
	c := *r
	c.Hits = slices.Clone(r.Hits)
	c.Histogram = slices.Clone(r.Histogram)
	c.Facets = make(map[string][]FacetCount, len(r.Facets))
	for k, v := range r.Facets {
		c.Facets[k] = slices.Clone(v)
	}
	return &c
}

func yearStart(y int) time.Time { return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC) }

// toHit is what a hit shows of d: what indexDoc indexed of it.
func toHit(d *model.Document) Hit {
	hit := Hit{
		ID:         d.ID,
		URL:        d.URL,
		Title:      d.Title,
		Source:     d.Source,
		Kind:       string(d.Kind),
		Lang:       strings.TrimSpace(d.Lang),
		DateSource: d.DateSource,
		Categories: d.Categories(),
		Actors:     d.Actors(),
	}
	if dated(d) {
		hit.Published = d.Published
	}
	return hit
}

func storedString(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case []any:
		if len(v) > 0 {
			return storedString(v[0])
		}
	}
	return ""
}

// filtered ANDs the request's filters onto q.
func (ix *Index) filtered(q bq.Query, r Request) bq.Query {
	must := []bq.Query{q}
	for _, c := range nonBlank(r.Categories) {
		must = append(must, keywordQuery(fCategories, c))
	}
	for _, a := range nonBlank(r.Actors) {
		must = append(must, keywordQuery(fActors, a))
	}
	anyOf := func(field string, vals []string, lang bool) {
		var qs []bq.Query
		for _, v := range nonBlank(vals) {
			if lang {
				qs = append(qs, langQuery(v))
			} else {
				qs = append(qs, keywordQuery(field, v))
			}
		}
		if len(qs) > 0 {
			must = append(must, bq.NewDisjunctionQuery(qs))
		}
	}
	anyOf(fSource, r.Sources, false)
	anyOf(fKind, r.Kinds, false)
	anyOf(fLang, r.Langs, true)
	if !r.From.IsZero() || !r.To.IsZero() {
		must = append(must, ix.dateQuery(r.From, r.To, true))
	}
	if len(r.IDs) > 0 {
		ids := make([]string, len(r.IDs))
		for i, id := range r.IDs {
			ids[i] = docID(id)
		}
		must = append(must, bq.NewDocIDQuery(ids))
	}
	if len(must) == 1 {
		return q
	}
	return bq.NewConjunctionQuery(must)
}

// nonBlank drops empty filter values (an empty form field) rather than
// letting them match nothing.
func nonBlank(vals []string) []string {
	var out []string
	for _, v := range vals {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func keywordQuery(field, v string) bq.Query {
	tq := bq.NewTermQuery(strings.ToLower(v))
	tq.SetField(field)
	return tq
}

// langQuery matches the language and its subtags: zh finds zh-Hant.
func langQuery(v string) bq.Query {
	v = strings.ToLower(v)
	pq := bq.NewPrefixQuery(v + "-")
	pq.SetField(fLang)
	return bq.NewDisjunctionQuery([]bq.Query{keywordQuery(fLang, v), pq})
}

type textField struct {
	name, analyzer string
	boost          float64
}

var (
	enFields = []textField{{fTitleEn, enAnalyzer, 2}, {fTextEn, enAnalyzer, 1}}
	zhFields = []textField{{fTitleZh, zhAnalyzer, 2}, {fTextZh, zhAnalyzer, 1}}
)

// translate turns a parsed query into a Bleve query; boost scales the
// score of every matched term (1 for the query as written).
func (ix *Index) translate(n query.Node, boost float64) bq.Query {
	switch n.Op {
	case query.OpAnd:
		var must, not []bq.Query
		for _, c := range n.Children {
			if c.Op == query.OpNot && len(c.Children) == 1 {
				not = append(not, ix.translate(c.Children[0], boost))
			} else {
				must = append(must, ix.translate(c, boost))
			}
		}
		if len(not) == 0 {
			return bq.NewConjunctionQuery(must)
		}
		if len(must) == 0 {
			must = []bq.Query{bq.NewMatchAllQuery()}
		}
		return bq.NewBooleanQuery(must, nil, not)
	case query.OpOr:
		var qs []bq.Query
		for _, c := range n.Children {
			qs = append(qs, ix.translate(c, boost))
		}
		return bq.NewDisjunctionQuery(qs)
	case query.OpNot:
		if len(n.Children) != 1 {
			return bq.NewMatchNoneQuery()
		}
		return bq.NewBooleanQuery([]bq.Query{bq.NewMatchAllQuery()}, nil, []bq.Query{ix.translate(n.Children[0], boost)})
	case query.OpTerm, query.OpPhrase:
		if eqs := ix.equivalents(n.Value); len(eqs) > 1 {
			var qs []bq.Query
			for _, e := range eqs {
				c := n
				c.Op, c.Value = query.OpTerm, e
				if strings.ContainsFunc(e, unicode.IsSpace) {
					c.Op = query.OpPhrase
				}
				qs = append(qs, ix.textQuery(c, boost))
			}
			shareNestedPhrases(qs) // phrase_shared.go
			return bq.NewDisjunctionQuery(qs)
		}
		return ix.textQuery(n, boost)
	case query.OpPrefix:
		return ix.textQuery(n, boost)
	case query.OpField:
		var q bq.Query
		switch {
		case n.Prefix:
			pq := bq.NewPrefixQuery(strings.ToLower(n.Value))
			pq.SetField(keywordField(n.Field))
			q = pq
		case n.Field == query.FieldLang:
			q = langQuery(n.Value)
		default:
			q = keywordQuery(keywordField(n.Field), n.Value)
		}
		return boosted(q, boost)
	case query.OpDate:
		return boosted(ix.dateQuery(n.From, n.To, false), boost)
	}
	return bq.NewMatchAllQuery()
}

func boosted(q bq.Query, boost float64) bq.Query {
	if b, ok := q.(bq.BoostableQuery); ok && boost != 1 {
		b.SetBoost(boost)
	}
	return q
}

func keywordField(queryField string) string {
	switch queryField {
	case query.FieldCategory:
		return fCategories
	case query.FieldActor:
		return fActors
	}
	return queryField // source, kind, lang are named alike
}

// textQuery searches a word, phrase or prefix over the text fields. Words
// containing Chinese characters go to the _zh fields only, where they are
// matched as bigram phrases (close to the substring search query.Match
// does; a prefix there is the same substring search); others to all four.
// A word that analyzes to nothing in English (a stop word such as "the",
// punctuation) constrains nothing.
func (ix *Index) textQuery(n query.Node, boost float64) bq.Query {
	fields := append(append([]textField(nil), enFields...), zhFields...)
	han := hasHan(n.Value)
	if han {
		fields = zhFields
	} else if n.Op != query.OpPrefix && len(ix.analyze(enAnalyzer, n.Value)) == 0 {
		return bq.NewMatchAllQuery()
	}
	if cf, ok := changeQueryFields(n, han); ok { // changes.go: added:, removed:
		fields = cf
	}
	var qs []bq.Query
	for _, f := range fields {
		if n.Field == query.FieldTitle && f.name != fTitleEn && f.name != fTitleZh {
			continue
		}
		var q bq.Query
		switch {
		case n.Op == query.OpPrefix && !han:
			q = ix.prefixQuery(f, n.Value, boost)
		case han && utf8.RuneCountInString(strings.TrimSpace(n.Value)) == 1:
			q = singleHanQuery(f, strings.TrimSpace(n.Value), boost)
		default:
			toks := ix.mapping.AnalyzerNamed(f.analyzer).Analyze([]byte(n.Value))
			switch len(toks) {
			case 0:
				continue
			case 1:
				tq := bq.NewTermQuery(string(toks[0].Term))
				tq.SetField(f.name)
				tq.SetBoost(f.boost * boost)
				q = tq
			default:
				// Bleve's match-phrase query, answered by our own searcher
				// (phrase.go).
				q = &phraseQuery{slots: phraseSlots(toks), field: f.name, boost: f.boost * boost}
			}
		}
		qs = append(qs, q)
	}
	switch len(qs) {
	case 0:
		return bq.NewMatchAllQuery()
	case 1:
		return qs[0]
	}
	return bq.NewDisjunctionQuery(qs)
}

func (ix *Index) analyze(analyzer, s string) []string {
	var out []string
	for _, t := range ix.mapping.AnalyzerNamed(analyzer).Analyze([]byte(s)) {
		out = append(out, string(t.Term))
	}
	return out
}

// prefixQuery matches terms starting with p. The _en fields hold stems
// ("sanctions" is indexed as "sanction"), so the stem of p is tried too,
// or sanctions* would find nothing.
func (ix *Index) prefixQuery(f textField, p string, boost float64) bq.Query {
	p = strings.ToLower(p)
	prefixes := []string{p}
	if f.analyzer == enAnalyzer {
		if toks := ix.analyze(f.analyzer, p); len(toks) == 1 && toks[0] != p && toks[0] != "" {
			prefixes = append(prefixes, toks[0])
		}
	}
	var qs []bq.Query
	for _, x := range prefixes {
		pq := bq.NewPrefixQuery(x)
		pq.SetField(f.name)
		pq.SetBoost(f.boost * boost)
		qs = append(qs, pq)
	}
	if len(qs) == 1 {
		return qs[0]
	}
	return bq.NewDisjunctionQuery(qs)
}

// singleHanQuery finds one Chinese character. The cjk analyzer indexes
// bigrams, so the character is the first or the second half of a term
// (or a term of its own where it stands alone).
func singleHanQuery(f textField, c string, boost float64) bq.Query {
	c = query.FoldHan(c)
	pq := bq.NewPrefixQuery(c)
	pq.SetField(f.name)
	pq.SetBoost(f.boost * boost)
	rq := bq.NewRegexpQuery("." + regexp.QuoteMeta(c))
	rq.SetField(f.name)
	rq.SetBoost(f.boost * boost)
	return bq.NewDisjunctionQuery([]bq.Query{pq, rq})
}
