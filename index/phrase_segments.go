package index

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/scorer"
	bleveindex "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// segmentPhraseSearcher answers a phraseQuery in one pass over the
// postings of its terms, read straight from the snapshot's segments:
// each term's postings are read once, with frequencies, norms and
// positions, to find the documents that have every term (rarest term
// first), to check the positions, and to score the matches with Bleve's
// own term and conjunction scorers, set up exactly as Bleve's phrase
// searcher sets up its term searchers, so scores are the same to the bit
// (TestPhraseMatchesBlevesPhraseQuery). Going through Bleve's term
// readers instead costs a second pass over the same postings and a copy
// of every position.
type segmentPhraseSearcher struct {
	cursors []*termCursor // by document frequency, rarest first, as Bleve's conjunction orders them
	offsets []int         // each cursor's slot in the phrase (relative position)
	scoring *phraseScorer // nil for a phraseScan's scanner
	count   uint64

	lazy   bool          // some cursors read positions only when asked (termCursor)
	starts []phraseStart // where the phrase may start in the current candidate
	pos    [][]uint64    // for matchesEager: each cursor's positions in the candidate
	arrays [][][]uint64
	at     []int
	next   uint64 // the first document number not yet looked at
	done   bool
	// ctx is the search's context: a phrase whose candidates seldom
	// match can scan long between two matches, so it checks for a
	// deadline itself rather than leave that to the collector.
	ctx    context.Context
	polled int
	// part, when set, is the search part it is built for (rank): no match
	// at or beyond its end is wanted.
	part *searchPart
}

func newSegmentPhraseSearcher(ctx context.Context, snap *scorch.IndexSnapshot, q *phraseQuery, options search.SearcherOptions) (search.Searcher, error) {
	docTotal, avgLen, err := scoringStats(ctx, snap, q.field)
	if err != nil {
		return nil, err
	}
	// Every leaf term counts against a search's term budget, as in
	// Bleve's term searchers.
	for range q.terms() {
		if err := search.RecordTermSearcher(ctx); err != nil {
			return nil, err
		}
	}
	s, err := newPhraseScanner(ctx, snap, q, options)
	if err != nil {
		return nil, err
	}
	s.scoring = newPhraseScorer(s.cursors, q, docTotal, avgLen, options)
	return s, nil
}

// newPhraseScanner is a segmentPhraseSearcher without its scorers: what
// finds the matches of q, in document order.
func newPhraseScanner(ctx context.Context, snap *scorch.IndexSnapshot, q *phraseQuery, options search.SearcherOptions) (*segmentPhraseSearcher, error) {
	segs, offsets := segmentOffsets(snap)
	s := &segmentPhraseSearcher{ctx: ctx, part: searchPartOf(ctx)}
	var err error
	if s.cursors, s.offsets, err = phraseCursors(segs, offsets, q); err != nil {
		return nil, err
	}
	for _, c := range s.cursors {
		s.count += c.count
	}
	for i, c := range s.cursors {
		// The rarest term leads: it stops at every candidate and its
		// positions are read first in every check, so it reads them as it
		// goes. So does every term of a short phrase, whose candidates
		// mostly match (measured at 100k: two- and three-term phrases lost
		// 10-20% reading positions lazily, phrases of four and five terms
		// that seldom match gained 25-50%).
		c.open(i == 0 || len(s.cursors) < lazyPositionsFrom)
	}
	s.lazy = len(s.cursors) >= lazyPositionsFrom
	s.pos = make([][]uint64, len(s.cursors))
	s.arrays = make([][][]uint64, len(s.cursors))
	s.at = make([]int, len(s.cursors))
	return s, nil
}

// segmentOffsets are the snapshot's segments and the number of each
// one's first document (scorch numbers documents across segments so).
func segmentOffsets(snap *scorch.IndexSnapshot) ([]*scorch.SegmentSnapshot, []uint64) {
	segs := snap.Segments()
	offsets := make([]uint64, len(segs))
	var running uint64
	for i, ss := range segs {
		offsets[i] = running
		running += ss.Segment().Count()
	}
	return segs, offsets
}

// phraseCursors reads the postings of q's terms, one cursor a term in
// the order Bleve's conjunction visits its searchers (by document
// frequency, rarest first), with each term's slot in the phrase.
func phraseCursors(segs []*scorch.SegmentSnapshot, offsets []uint64, q *phraseQuery) ([]*termCursor, []int, error) {
	var cursors []*termCursor
	var slots []int
	for slot, terms := range q.slots {
		if len(terms) == 0 {
			continue
		}
		c, err := newTermCursor(segs, offsets, q.field, terms[0])
		if err != nil {
			return nil, nil, err
		}
		cursors = append(cursors, c)
		slots = append(slots, slot)
	}
	// Bleve's conjunction sorts its searchers by count with sort.Sort; for
	// up to 12 that is an insertion sort, which keeps ties in order.
	order := make([]int, len(cursors))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return cursors[order[a]].count < cursors[order[b]].count })
	sorted, offs := make([]*termCursor, len(order)), make([]int, len(order))
	for i, o := range order {
		sorted[i], offs[i] = cursors[o], slots[o]
	}
	return sorted, offs, nil
}

// phraseScorer scores a phrase's matches as Bleve's phrase searcher does:
// a term scorer for each term, in conjunction order, and the
// conjunction's scorer, with the weights normalized by the conjunction
// and then by the phrase searcher; a match scores the sum of its terms'
// scores.
type phraseScorer struct {
	terms []*scorer.TermQueryScorer
	conj  *scorer.ConjunctionQueryScorer
	score bool // false: Bleve asked for no scores ("none")
	id    bleveindex.IndexInternalID
	// tfds are the match's frequency and norm of each term, which the
	// searcher sets before calling match.
	tfds []bleveindex.TermFieldDoc
	dms  []*search.DocumentMatch
}

func newPhraseScorer(cursors []*termCursor, q *phraseQuery, docTotal uint64, avgLen float64, options search.SearcherOptions) *phraseScorer {
	p := &phraseScorer{conj: scorer.NewConjunctionQueryScorer(options), score: options.Score != "none",
		tfds: make([]bleveindex.TermFieldDoc, len(cursors)), dms: make([]*search.DocumentMatch, len(cursors))}
	for _, c := range cursors {
		p.terms = append(p.terms, scorer.NewTermQueryScorer([]byte(c.term), q.field, q.boost, docTotal, c.count, avgLen, options))
	}
	p.setQueryNorm(1 / math.Sqrt(p.weight()))
	p.setQueryNorm(1 / math.Sqrt(p.weight()))
	return p
}

// match is the document match for doc, from the statistics in tfds.
func (p *phraseScorer) match(ctx *search.SearchContext, doc uint64) *search.DocumentMatch {
	p.id = bleveindex.NewIndexInternalID(p.id, doc)
	if !p.score {
		dm := ctx.DocumentMatchPool.Get()
		dm.IndexInternalID = append(dm.IndexInternalID[:0], p.id...)
		return dm
	}
	for i, sc := range p.terms {
		p.tfds[i].ID = p.id
		p.dms[i] = sc.Score(ctx, &p.tfds[i])
	}
	dm := p.conj.Score(ctx, p.dms)
	for _, o := range p.dms[1:] {
		ctx.DocumentMatchPool.Put(o)
	}
	return dm
}

func (p *phraseScorer) weight() float64 {
	var w float64
	for _, sc := range p.terms {
		w += sc.Weight()
	}
	return w
}

func (p *phraseScorer) setQueryNorm(qnorm float64) {
	for _, sc := range p.terms {
		sc.SetQueryNorm(qnorm)
	}
}

// lazyPositionsFrom is the number of terms from which a phrase reads its
// terms' positions only as its check needs them (termCursor).
const lazyPositionsFrom = 4

// scoringStats are the document count and average field length Bleve's
// term searcher scores with (bm25ScoreMetrics), for BM25; for TF-IDF the
// count alone.
func scoringStats(ctx context.Context, rd bleveindex.IndexReader, field string) (uint64, float64, error) {
	model := ""
	if f, ok := ctx.Value(search.GetScoringModelCallbackKey).(search.GetScoringModelCallbackFn); ok {
		model = f()
	}
	if model != bleveindex.BM25Scoring {
		n, err := rd.DocCount()
		return n, 0, err
	}
	var count uint64
	var card int
	if st, ok := ctx.Value(search.BM25StatsKey).(*search.BM25Stats); ok {
		count = uint64(st.DocCount)
		c, ok := st.FieldCardinality[field]
		if !ok {
			return 0, 0, fmt.Errorf("field stat for bm25 not present %s", field)
		}
		card = c
	} else {
		n, err := rd.DocCount()
		if err != nil {
			return 0, 0, err
		}
		count = n
		if br, ok := rd.(bleveindex.BM25Reader); ok {
			if card, err = br.FieldCardinality(field); err != nil {
				return 0, 0, err
			}
		}
	}
	if count == 0 && card == 0 {
		return 0, 0, nil
	}
	return count, math.Ceil(float64(card) / float64(count)), nil
}

// termCursor walks one term's postings across the snapshot's segments in
// document number order (a segment's offset plus its own number, as
// scorch numbers documents).
//
// An eager cursor reads positions as it goes: a zap iterator that reads
// locations decodes every location of every document it stops at (five
// numbers each). A lazy one walks the postings with document numbers
// only and has a second iterator read the positions of just the
// candidates whose check gets to this term (passing a document, that one
// skips its locations by their length), so a candidate whose check
// already failed on a rarer term costs no decoding; but the postings are
// walked twice.
type termCursor struct {
	term    string
	offsets []uint64
	sizes   []uint64
	pls     []segment.PostingsList
	its     []segment.PostingsIterator
	locIts  []segment.PostingsIterator // the same as its when eager
	count   uint64                     // documents with the term, deletions left out
	eager   bool

	seg int
	cur segment.Posting // from its
	at  segment.Posting // from locIts: frequency, norm and positions, once read
	doc uint64
	end bool
}

func newTermCursor(segs []*scorch.SegmentSnapshot, offsets []uint64, field, term string) (*termCursor, error) {
	c := &termCursor{term: term, offsets: offsets, sizes: make([]uint64, len(segs)), pls: make([]segment.PostingsList, len(segs))}
	for i, ss := range segs {
		c.sizes[i] = ss.Segment().Count()
		dict, err := ss.Segment().Dictionary(field)
		if err != nil {
			return nil, fmt.Errorf("read the terms of %s: %w", field, err)
		}
		pl, err := dict.PostingsList([]byte(term), ss.Deleted(), nil)
		if err != nil {
			return nil, fmt.Errorf("read the postings of %q: %w", term, err)
		}
		c.count += pl.Count()
		c.pls[i] = pl
	}
	return c, nil
}

// open makes the cursor's iterators, eager or lazy.
func (c *termCursor) open(eager bool) {
	c.eager = eager
	c.locIts = make([]segment.PostingsIterator, len(c.pls))
	for i, pl := range c.pls {
		c.locIts[i] = pl.Iterator(true, true, true, nil)
	}
	c.its = c.locIts
	if !eager {
		c.its = make([]segment.PostingsIterator, len(c.pls))
		for i, pl := range c.pls {
			c.its[i] = pl.Iterator(false, false, false, nil)
		}
	}
}

// locations are the term's positions in the document the cursor stands on.
func (c *termCursor) locations() ([]segment.Location, error) {
	if c.eager {
		c.at = c.cur
		return c.cur.Locations(), nil
	}
	base := c.offsets[c.seg]
	p, err := c.locIts[c.seg].Advance(c.doc - base)
	if err != nil {
		return nil, fmt.Errorf("read the positions of %q: %w", c.term, err)
	}
	if p == nil || p.Number() != c.doc-base {
		return nil, fmt.Errorf("read the positions of %q: the postings lost document %d", c.term, c.doc)
	}
	c.at = p
	return p.Locations(), nil
}

// seek moves to the first document numbered target or above that has the
// term; false when there is none.
func (c *termCursor) seek(target uint64) (bool, error) {
	if c.end {
		return false, nil
	}
	if c.cur != nil && c.doc >= target {
		return true, nil
	}
	for c.seg < len(c.its) {
		base := c.offsets[c.seg]
		if target >= base+c.sizes[c.seg] {
			c.seg, c.cur = c.seg+1, nil
			continue
		}
		var p segment.Posting
		var err error
		switch {
		case target <= base && c.cur == nil:
			p, err = c.its[c.seg].Next()
		case target <= base:
			// Cannot happen (cur is in this segment and below target),
			// but Advance must only go forward.
			p, err = c.its[c.seg].Next()
		default:
			p, err = c.its[c.seg].Advance(target - base)
		}
		if err != nil {
			return false, err
		}
		if p != nil {
			c.cur, c.doc = p, base+p.Number()
			return true, nil
		}
		c.seg, c.cur = c.seg+1, nil
	}
	c.end = true
	return false, nil
}

// candidate finds the first document numbered from or above that has
// every term, short of the search part's end.
func (s *segmentPhraseSearcher) candidate(from uint64) (uint64, bool, error) {
	lead := s.cursors[0]
	ok, err := lead.seek(from)
	if !ok || err != nil {
		return 0, false, err
	}
	doc := lead.doc
	for {
		if s.part != nil && doc >= s.part.end {
			return 0, false, nil
		}
		agreed := true
		for _, c := range s.cursors[1:] {
			ok, err := c.seek(doc)
			if !ok || err != nil {
				return 0, false, err
			}
			if c.doc > doc {
				doc, agreed = c.doc, false
				break
			}
		}
		if agreed {
			return doc, true, nil
		}
		if ok, err := lead.seek(doc); !ok || err != nil {
			return 0, false, err
		}
		doc = lead.doc
	}
}

// phraseStart is a position where the phrase may start, with the array
// element it is in.
type phraseStart struct {
	pos   int64
	array []uint64
}

// matches checks the positions of the current candidate: some start p
// with every slot's term at p plus the slot's offset, in the same array
// element (Bleve's findPhrasePaths, no slop). The terms are read rarest
// first, each narrowing the possible starts, so a candidate that fails is
// often given up before the positions of its later terms are decoded.
func (s *segmentPhraseSearcher) matches() (bool, error) {
	locs, err := s.cursors[0].locations()
	if err != nil {
		return false, err
	}
	starts := s.starts[:0]
	off := int64(s.offsets[0])
	for _, l := range locs {
		if p := int64(l.Pos()) - off; p > 0 {
			starts = append(starts, phraseStart{p, l.ArrayPositions()})
		}
	}
	// Every list is in position order, so each narrowing is one merge.
	for ci := 1; ci < len(s.cursors); ci++ {
		if len(starts) == 0 {
			break
		}
		locs, err := s.cursors[ci].locations()
		if err != nil {
			return false, err
		}
		starts = narrowStarts(starts, locs, int64(s.offsets[ci]))
	}
	s.starts = starts // phraseScan reads them
	return len(starts) > 0, nil
}

// narrowStarts keeps the starts st that have a location at st.pos+off in
// the same array element, in place; starts and locs are in position
// order, so it is one merge.
func narrowStarts(starts []phraseStart, locs []segment.Location, off int64) []phraseStart {
	kept, j := starts[:0], 0
	for _, st := range starts {
		want := uint64(st.pos + off)
		for j < len(locs) && locs[j].Pos() < want {
			j++
		}
		for k := j; k < len(locs) && locs[k].Pos() == want; k++ {
			if slices.Equal(locs[k].ArrayPositions(), st.array) {
				kept = append(kept, st)
				break
			}
		}
	}
	return kept
}

// matchesEager is matches for a phrase whose cursors all read positions
// as they go: some position p of the first slot's term with every other
// slot's term at p plus its offset, in the same array element. It stops
// at the first start that works, which for a candidate that matches
// (most, in a short phrase) is sooner than narrowing every start down.
func (s *segmentPhraseSearcher) matchesEager() bool {
	for i, c := range s.cursors {
		s.pos[i], s.arrays[i] = s.pos[i][:0], s.arrays[i][:0]
		for _, l := range c.cur.Locations() {
			s.pos[i] = append(s.pos[i], l.Pos())
			s.arrays[i] = append(s.arrays[i], l.ArrayPositions())
		}
	}
	// Walk the starts implied by the rarest term's positions; every list
	// is in position order.
	at := s.at[:len(s.cursors)]
	clear(at)
	for k, p := range s.pos[0] {
		start := int64(p) - int64(s.offsets[0])
		ok := true
		for i := 1; i < len(s.cursors) && ok; i++ {
			want := uint64(start + int64(s.offsets[i]))
			ps := s.pos[i]
			for at[i] < len(ps) && ps[at[i]] < want {
				at[i]++
			}
			ok = false
			for j := at[i]; j < len(ps) && ps[j] == want; j++ {
				if slices.Equal(s.arrays[i][j], s.arrays[0][k]) {
					ok = true
					break
				}
			}
		}
		if ok && start > 0 {
			return true
		}
	}
	return false
}

func (s *segmentPhraseSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	return s.from(ctx, s.next)
}

func (s *segmentPhraseSearcher) Advance(ctx *search.SearchContext, id bleveindex.IndexInternalID) (*search.DocumentMatch, error) {
	return s.from(ctx, max(id.Value(), s.next))
}

func (s *segmentPhraseSearcher) from(ctx *search.SearchContext, from uint64) (*search.DocumentMatch, error) {
	for !s.done {
		doc, ok, err := s.candidate(from)
		if err != nil {
			return nil, err
		}
		if !ok {
			s.done = true
			break
		}
		from = doc + 1
		s.next = from
		if s.polled++; s.polled%1024 == 0 {
			if err := s.ctx.Err(); err != nil {
				return nil, err
			}
		}
		if s.lazy {
			ok, err = s.matches()
		} else {
			ok = s.matchesEager()
		}
		if err != nil {
			return nil, err
		}
		if ok {
			return s.match(ctx, doc), nil
		}
	}
	return nil, nil
}

// match is the document match for doc, scored from what the cursors
// read there.
func (s *segmentPhraseSearcher) match(ctx *search.SearchContext, doc uint64) *search.DocumentMatch {
	if s.scoring.score {
		for i, c := range s.cursors {
			p := c.at // what locations read
			if c.eager {
				p = c.cur
			}
			s.scoring.tfds[i].Freq, s.scoring.tfds[i].Norm = p.Frequency(), p.Norm()
		}
	}
	return s.scoring.match(ctx, doc)
}

func (s *segmentPhraseSearcher) Weight() float64            { return s.scoring.weight() }
func (s *segmentPhraseSearcher) SetQueryNorm(qnorm float64) { s.scoring.setQueryNorm(qnorm) }
func (s *segmentPhraseSearcher) Count() uint64              { return s.count }
func (s *segmentPhraseSearcher) Min() int                   { return 0 }
func (s *segmentPhraseSearcher) Size() int                  { return 64 * (1 + len(s.cursors)) }
func (s *segmentPhraseSearcher) DocumentMatchPoolSize() int { return 2*len(s.cursors) + 1 }
func (s *segmentPhraseSearcher) Close() error               { return nil }
