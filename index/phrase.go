package index

import (
	"context"
	"math"
	"slices"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/searcher"
	bleveindex "github.com/blevesearch/bleve_index_api"
)

// phraseQuery matches the documents Bleve's match-phrase query matches,
// with the same scores, for less work per candidate.
//
// Bleve's phrase searcher asks its term searchers for every occurrence of
// every phrase term in every candidate document, as location objects,
// then builds maps of them per field and term and walks paths through
// them. In this archive the topic's own phrases ("national security law",
// 國家安全) match a third of all documents, so that was most of a
// search's time. Here the candidates come from the same scored
// conjunction of the phrase's terms, without locations, and a second set
// of term readers, advanced only to the candidates, reads the positions
// of the phrase terms into reused buffers to check that they follow each
// other.
type phraseQuery struct {
	// slots are the phrase's terms by relative position, as Bleve's
	// tokenStreamToPhrase makes them: an empty slot (a stop word the
	// analyzer removed) matches any position.
	slots [][]string
	field string
	boost float64
	// Set by shareNestedPhrases for a query's spellings in one field:
	// extends is a shorter phrase whose terms this one holds in a row,
	// starting at slot extendsAt; extended marks a phrase that others
	// extend. Within a search part (rank), they read one scan of the
	// shorter phrase (phrase_shared.go).
	extends   []string
	extendsAt int
	extended  bool
}

// terms are the phrase's terms in slot order, empty slots left out.
func (q *phraseQuery) terms() []string {
	var out []string
	for _, s := range q.slots {
		out = append(out, s...)
	}
	return out
}

func (q *phraseQuery) SetBoost(b float64) { q.boost = b }
func (q *phraseQuery) Boost() float64     { return q.boost }
func (q *phraseQuery) SetField(f string)  { q.field = f }
func (q *phraseQuery) Field() string      { return q.field }

func (q *phraseQuery) Searcher(ctx context.Context, rd bleveindex.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	if snap, ok := rd.(*scorch.IndexSnapshot); ok && !options.Explain && !options.IncludeTermVectors && q.simple() {
		if part := searchPartOf(ctx); part != nil && (q.extended || q.extends != nil) {
			return newSharedPhraseSearcher(ctx, snap, part, q, options)
		}
		return newSegmentPhraseSearcher(ctx, snap, q, options)
	}
	return q.composedSearcher(ctx, rd, options)
}

// simple reports whether every slot holds at most one term and there are
// few enough for Bleve to order them the way segmentPhraseSearcher
// assumes (an insertion sort, which keeps ties in place).
func (q *phraseQuery) simple() bool {
	n := 0
	for _, s := range q.slots {
		if len(s) > 1 {
			return false
		}
		n += len(s)
	}
	return n > 0 && n <= 12
}

// composedSearcher is the phrase searcher built from Bleve's searchers:
// for readers that are not scorch snapshots, and for the rare phrase with
// several terms at one position.
func (q *phraseQuery) composedSearcher(ctx context.Context, rd bleveindex.IndexReader, options search.SearcherOptions) (search.Searcher, error) {
	// The candidates and their scores: what Bleve's phrase searcher builds,
	// except that it asks for term vectors.
	opts := options
	opts.IncludeTermVectors = false
	var parts []search.Searcher
	closeAll := func() {
		for _, p := range parts {
			_ = p.Close()
		}
	}
	for _, slot := range q.slots {
		switch len(slot) {
		case 0:
			continue
		case 1:
			ts, err := searcher.NewTermSearcher(ctx, rd, slot[0], q.field, q.boost, opts)
			if err != nil {
				closeAll()
				return nil, err
			}
			parts = append(parts, ts)
		default:
			var alts []search.Searcher
			for _, term := range slot {
				ts, err := searcher.NewTermSearcher(ctx, rd, term, q.field, q.boost, opts)
				if err != nil {
					for _, a := range alts {
						_ = a.Close()
					}
					closeAll()
					return nil, err
				}
				alts = append(alts, ts)
			}
			ds, err := searcher.NewDisjunctionSearcher(ctx, rd, alts, 1, opts)
			if err != nil {
				closeAll()
				return nil, err
			}
			parts = append(parts, ds)
		}
	}
	if len(parts) == 0 {
		return searcher.NewMatchNoneSearcher(rd)
	}
	must, err := searcher.NewConjunctionSearcher(ctx, rd, parts, opts)
	if err != nil {
		closeAll()
		return nil, err
	}
	s := &phraseSearcher{must: must}
	// Bleve's phrase searcher normalizes its conjunction's weights once.
	s.must.SetQueryNorm(1 / math.Sqrt(s.must.Weight()))

	// The positions, for the candidates only.
	for _, slot := range q.slots {
		var ps phraseSlot
		for _, term := range slot {
			r, err := rd.TermFieldReader(ctx, []byte(term), q.field, false, false, true)
			if err != nil {
				_ = s.Close()
				return nil, err
			}
			ps.readers = append(ps.readers, &positionReader{r: r})
		}
		s.slots = append(s.slots, ps)
	}
	return s, nil
}

type phraseSearcher struct {
	must  search.Searcher
	slots []phraseSlot
}

// phraseSlot reads the positions of one slot's terms (none: any position).
type phraseSlot struct {
	readers []*positionReader
	locs    []phraseLoc // positions in the current candidate, sorted
}

type phraseLoc struct {
	pos   uint64
	array []uint64
}

// positionReader is a term reader that remembers where it stands, since
// asking a scorch term reader for a document behind it starts it over.
type positionReader struct {
	r   bleveindex.TermFieldReader
	doc bleveindex.TermFieldDoc
	at  bleveindex.IndexInternalID // the document it stands on; nil before the first
	end bool
}

// advance moves to id and reports whether the term occurs there.
func (p *positionReader) advance(id bleveindex.IndexInternalID) (bool, error) {
	if p.end {
		return false, nil
	}
	if p.at != nil {
		switch p.at.Compare(id) {
		case 0:
			return true, nil
		case 1:
			return false, nil
		}
	}
	d, err := p.r.Advance(id, &p.doc)
	if err != nil {
		return false, err
	}
	if d == nil {
		p.end = true
		return false, nil
	}
	p.at = append(p.at[:0], d.ID...)
	return p.at.Equals(id), nil
}

func (s *phraseSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	for {
		d, err := s.must.Next(ctx)
		if d == nil || err != nil {
			return d, err
		}
		if ok, err := s.check(d.IndexInternalID); ok || err != nil {
			return d, err
		}
		ctx.DocumentMatchPool.Put(d)
	}
}

func (s *phraseSearcher) Advance(ctx *search.SearchContext, id bleveindex.IndexInternalID) (*search.DocumentMatch, error) {
	d, err := s.must.Advance(ctx, id)
	if d == nil || err != nil {
		return d, err
	}
	if ok, err := s.check(d.IndexInternalID); ok || err != nil {
		return d, err
	}
	ctx.DocumentMatchPool.Put(d)
	return s.Next(ctx)
}

// check reports whether the phrase occurs in document id, which has all
// its terms: Bleve's findPhrasePaths without slop, where a term at one
// slot must be at the next position after the previous slot's (an empty
// slot advances the position by one) and in the same array element.
func (s *phraseSearcher) check(id bleveindex.IndexInternalID) (bool, error) {
	for i := range s.slots {
		sl := &s.slots[i]
		sl.locs = sl.locs[:0]
		for _, r := range sl.readers {
			ok, err := r.advance(id)
			if err != nil {
				return false, err
			}
			if !ok {
				continue
			}
			for _, v := range r.doc.Vectors {
				sl.locs = append(sl.locs, phraseLoc{v.Pos, v.ArrayPositions})
			}
		}
		if len(sl.readers) > 1 {
			slices.SortFunc(sl.locs, func(a, b phraseLoc) int { return int(a.pos) - int(b.pos) })
		}
		if len(sl.readers) > 0 && len(sl.locs) == 0 {
			return false, nil
		}
	}
	for _, first := range s.slots[0].locs {
		if s.follows(first) {
			return true, nil
		}
	}
	return false, nil
}

// follows reports whether every later slot has a term right where the
// phrase starting at first puts it.
func (s *phraseSearcher) follows(first phraseLoc) bool {
	for j := 1; j < len(s.slots); j++ {
		sl := &s.slots[j]
		if len(sl.readers) == 0 {
			continue
		}
		want := first.pos + uint64(j)
		k, found := slices.BinarySearchFunc(sl.locs, want, func(l phraseLoc, p uint64) int {
			if l.pos < p {
				return -1
			}
			if l.pos > p {
				return 1
			}
			return 0
		})
		if !found {
			return false
		}
		matched := false
		for ; k < len(sl.locs) && sl.locs[k].pos == want; k++ {
			if slices.Equal(sl.locs[k].array, first.array) {
				matched = true
				break
			}
		}
		if !matched {
			return false
		}
	}
	return true
}

func (s *phraseSearcher) Weight() float64            { return s.must.Weight() }
func (s *phraseSearcher) SetQueryNorm(qnorm float64) { s.must.SetQueryNorm(qnorm) }
func (s *phraseSearcher) Count() uint64              { return s.must.Count() }
func (s *phraseSearcher) Min() int                   { return 0 }
func (s *phraseSearcher) Size() int                  { return s.must.Size() }
func (s *phraseSearcher) DocumentMatchPoolSize() int { return s.must.DocumentMatchPoolSize() + 1 }
func (s *phraseSearcher) Close() error {
	err := s.must.Close()
	for _, sl := range s.slots {
		for _, r := range sl.readers {
			if cerr := r.r.Close(); err == nil {
				err = cerr
			}
		}
	}
	return err
}
