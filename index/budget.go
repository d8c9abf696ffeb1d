package index

import (
	"fmt"

	bq "github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"policywatch/query"
)

// A search's cost grows with the terms it looks up, and a prefix looks
// up every index term it starts: 200 OR'ed two-letter prefixes took 23 s
// on 3,000 documents, most of it spent building term readers before
// Bleve looks at its context. So every search is measured before it runs
// and refused, with the limit named, when it asks too much. (How long a
// search may run is the caller's deadline on its context: the web server
// sets one per request.)

// Limits bound what one search may ask of the index.
type Limits struct {
	// MaxTerms bounds the words, phrases, prefixes, field filters and
	// dates of the query (query.Leaves) plus the request's filter values.
	MaxTerms int
	// MaxExpansions bounds the index terms the query's prefixes (and
	// single Chinese characters, which match every pair they start or
	// end) expand to, counted per field searched, over the whole query.
	MaxExpansions int
}

// Default limits: a researcher's boolean query of synonyms rarely has
// more than a few dozen terms, and a useful prefix a few dozen words
// (Lucene's default limit on expanded clauses is 1,024).
const (
	DefaultMaxTerms      = 100
	DefaultMaxExpansions = 4096
)

// DefaultLimits are an index's limits until SetLimits.
var DefaultLimits = Limits{MaxTerms: DefaultMaxTerms, MaxExpansions: DefaultMaxExpansions}

// LimitError is a search refused because it asks too much. Pos is the
// byte offset in the query of the term that crossed the limit (-1 for
// the request's filters).
type LimitError struct {
	Limit string // LimitTerms or LimitExpansions
	Max   int
	Pos   int
	Msg   string
}

// The limits a LimitError names.
const (
	LimitTerms      = "terms"
	LimitExpansions = "prefix expansions"
)

func (e *LimitError) Error() string { return e.Msg }

// SetLimits replaces the index's limits; a zero field keeps its default.
func (ix *Index) SetLimits(l Limits) {
	if l.MaxTerms <= 0 {
		l.MaxTerms = DefaultMaxTerms
	}
	if l.MaxExpansions <= 0 {
		l.MaxExpansions = DefaultMaxExpansions
	}
	ix.limits.Store(&l)
}

// Limits returns the limits searches are held to.
func (ix *Index) Limits() Limits {
	if l := ix.limits.Load(); l != nil {
		return *l
	}
	return DefaultLimits
}

// parse parses r's query and checks it against the limits: what every
// search, count and listing of matches starts with.
func (ix *Index) parse(r Request) (query.Node, error) {
	n, err := query.Parse(r.Query)
	if err != nil {
		return n, err
	}
	return n, ix.checkBudget(n, r)
}

func (ix *Index) checkBudget(n query.Node, r Request) error {
	lim := ix.Limits()
	leaves := query.Leaves(n)
	filters := len(r.Categories) + len(r.Actors) + len(r.Sources) + len(r.Kinds) + len(r.Langs)
	if total := len(leaves) + filters; total > lim.MaxTerms {
		pos := -1
		if len(leaves) > lim.MaxTerms {
			pos = leaves[lim.MaxTerms].Pos
		}
		return &LimitError{Limit: LimitTerms, Max: lim.MaxTerms, Pos: pos, Msg: fmt.Sprintf(
			"the search has %d terms (words, phrases, prefixes and filters); at most %d are allowed: split it into several searches", total, lim.MaxTerms)}
	}
	var prefixed []query.Node
	for _, l := range leaves {
		if l.Op == query.OpPrefix || (l.Op == query.OpField && l.Prefix) || hasHan(l.Value) {
			prefixed = append(prefixed, l)
		}
	}
	if len(prefixed) == 0 {
		return nil
	}
	adv, err := ix.bi.Advanced()
	if err != nil {
		return fmt.Errorf("open index: %w", err)
	}
	rd, err := adv.Reader()
	if err != nil {
		return fmt.Errorf("open index reader: %w", err)
	}
	defer rd.Close()
	left := lim.MaxExpansions
	for _, l := range prefixed {
		n, err := expansions(rd, ix.translate(l, 1), left+1)
		if err != nil {
			return fmt.Errorf("count the terms %s expands to: %w", l, err)
		}
		if left -= n; left < 0 {
			return &LimitError{Limit: LimitExpansions, Max: lim.MaxExpansions, Pos: l.Pos, Msg: fmt.Sprintf(
				"%s expands to too many words: with the prefixes before it, over %d index terms, the most one search may look up; use a longer prefix",
				l, lim.MaxExpansions)}
		}
	}
	return nil
}

// regexpDict is the part of an index reader that lists terms matching a
// regular expression; Bleve's scorch readers have it.
type regexpDict interface {
	FieldDictRegexp(field string, regex string) (bleveindex.FieldDict, error)
}

// expansions counts the index terms the prefix and regexp queries in q
// expand to, stopping at most.
func expansions(rd bleveindex.IndexReader, q bq.Query, most int) (int, error) {
	var (
		dict bleveindex.FieldDict
		err  error
	)
	switch q := q.(type) {
	case *bq.ConjunctionQuery:
		if q != nil {
			return sumExpansions(rd, q.Conjuncts, most)
		}
	case *bq.DisjunctionQuery:
		if q != nil {
			return sumExpansions(rd, q.Disjuncts, most)
		}
	case *bq.BooleanQuery:
		if q != nil {
			return sumExpansions(rd, []bq.Query{q.Must, q.Should, q.MustNot, q.Filter}, most)
		}
	case *bq.PrefixQuery:
		if q != nil {
			dict, err = rd.FieldDictPrefix(q.FieldVal, []byte(q.Prefix))
		}
	case *bq.RegexpQuery:
		if rr, ok := rd.(regexpDict); ok && q != nil {
			dict, err = rr.FieldDictRegexp(q.FieldVal, q.Regexp)
		}
	}
	if err != nil || dict == nil {
		return 0, err
	}
	defer dict.Close()
	n := 0
	for n < most {
		e, err := dict.Next()
		if err != nil {
			return n, err
		}
		if e == nil {
			break
		}
		n++
	}
	return n, nil
}

func sumExpansions(rd bleveindex.IndexReader, qs []bq.Query, most int) (int, error) {
	total := 0
	for _, q := range qs {
		if q == nil || total >= most {
			continue
		}
		n, err := expansions(rd, q, most-total)
		if err != nil {
			return total, err
		}
		total += n
	}
	return total, nil
}
