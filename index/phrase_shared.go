package index

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"
	bq "github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"
)

// The glossary turns the topic's own phrase into spellings that contain
// one another: "national security law" is inside "Hong Kong national
// security law", 國安法 inside 香港國安法 and 港區國安法. Searched apart,
// the longer spelling finds every document with all its words and reads
// the positions of the shorter one's words there again. A longer
// spelling can only match where the shorter one does, so within one
// search part they share one scan of the shorter phrase: its matches, with
// where in the document each starts, are read by its own searcher and by
// the longer spellings' searchers, which check only their extra words
// there. Each searcher still scores its matches as Bleve's phrase
// searcher would, with its own scorers, so nothing a search returns
// changes (TestNestedSpellingsShareOneScan). Measured at 100k documents
// (one core, best of 12): the search page for "national security law" or
// 國安法, six spellings, went from 168-181 ms to 114-121 ms (with the
// buffers reused and kept small; see BENCH-SEARCH.md item 16).

// shareNestedPhrases links the phrases among qs (a query's spellings, each
// searched over the text fields) that hold a shorter one of the same
// field in a row to that shorter phrase. The shorter phrase is one that
// holds no other, so a scan never reads another scan.
func shareNestedPhrases(qs []bq.Query) {
	var leaves []*phraseQuery
	var walk func(q bq.Query)
	walk = func(q bq.Query) {
		switch x := q.(type) {
		case *phraseQuery:
			if x.simple() && !slices.ContainsFunc(x.slots, func(s []string) bool { return len(s) != 1 }) {
				leaves = append(leaves, x)
			}
		case *bq.DisjunctionQuery:
			for _, d := range x.Disjuncts {
				walk(d)
			}
		}
	}
	for _, q := range qs {
		walk(q)
	}
	contains := func(long, short *phraseQuery) int {
		if long.field != short.field || len(short.slots) >= len(long.slots) {
			return -1
		}
		lt, st := long.terms(), short.terms()
		for at := 0; at+len(st) <= len(lt); at++ {
			if slices.Equal(lt[at:at+len(st)], st) {
				return at
			}
		}
		return -1
	}
	minimal := func(p *phraseQuery) bool {
		return !slices.ContainsFunc(leaves, func(o *phraseQuery) bool { return o != p && contains(p, o) >= 0 })
	}
	for _, long := range leaves {
		var base *phraseQuery
		at := -1
		for _, short := range leaves {
			if i := contains(long, short); i >= 0 && minimal(short) && (base == nil || len(short.slots) > len(base.slots)) {
				base, at = short, i
			}
		}
		if base != nil {
			long.extends, long.extendsAt = base.terms(), at
			base.extended = true
		}
	}
}

// scanKey names the scan of a phrase in a field within a search part.
func scanKey(field string, terms []string) string {
	return field + "\x00" + strings.Join(terms, "\x00")
}

// phraseScan is one scan of a phrase in one search part, read by several
// searchers, each at its own pace: the matches some have read and others
// not yet are kept until all have. They are kept in flat buffers (no
// allocation a match): a longer spelling found in few documents reads
// the whole scan at its first step, long before the scanned phrase's own
// searcher reads the first match.
type phraseScan struct {
	scan    *segmentPhraseSearcher // the phrase's cursors and check; its scorers are not used
	matches []scanMatch
	first   int // the number of matches[0] among all matches found
	dead    int // matches[:dead] are read by every reader (trim)
	// starts holds the matches' starts; the numbers in scanMatch count
	// from the first ever kept, so dropping the front moves its base.
	// stats holds each match's term statistics, len(scan.cursors) a match
	// in the order of matches.
	starts     []scanStart
	startsBase int
	stats      []termStat
	arrays     [][]uint64 // array positions of the starts that have any
	readers    []*scanReader
	next       uint64 // the first document number not yet looked at
	done       bool
	limit      int // maxScanQueue
}

// scanMatch is a document the scanned phrase matches: where its starts
// and its terms' frequencies and norms (in the scan's cursor order, for
// scoring) are kept.
type scanMatch struct {
	doc     uint64
	starts  int
	nstarts uint32
}

// scanStart is where the scanned phrase starts in a document; array is
// 0, or 1 + the index in arrays of the start's array positions. Kept
// small, as a scan may keep maxScanQueue matches: a position is below
// 2^32 in any document an index can hold.
type scanStart struct {
	pos   uint32
	array uint32
}

// termStat is a term's frequency and norm in a match. A zap norm is a
// float32 (Posting.Norm widens it), so float32 keeps it exactly.
type termStat struct {
	freq uint32
	norm float32
}

// maxScanQueue is how many matches a scan keeps for a reader that lags:
// about 4 MiB for a three-word phrase. A reader ahead by more goes on
// with a scan of its own (sharedPhraseSearcher.alone), so that a search
// of a million documents does not hold all its matches at once.
const maxScanQueue = 1 << 16

// scanOf returns the part's scan of the phrase terms in field, started
// on first use.
func (p *searchPart) scanOf(ctx context.Context, snap *scorch.IndexSnapshot, field string, terms []string, options search.SearcherOptions) (*phraseScan, error) {
	key := scanKey(field, terms)
	if s, ok := p.scans[key]; ok {
		return s, nil
	}
	slots := make([][]string, len(terms))
	for i, t := range terms {
		slots[i] = []string{t}
	}
	scan, err := newPhraseScanner(ctx, snap, &phraseQuery{slots: slots, field: field}, options)
	if err != nil {
		return nil, err
	}
	s := &phraseScan{scan: scan, limit: p.scanQueue}
	// The buffers of an earlier search, grown to what it needed: made new
	// for every search, they were a third of what a search page allocated.
	// Small and large ones are kept apart, so that a scan of a few matches
	// does not hold the buffers a large one grew.
	pool := &smallScanBuffers
	if len(scan.cursors) > 0 && scan.cursors[0].count > smallScan {
		pool = &largeScanBuffers
	}
	if b, ok := pool.Get().(*scanBuffers); ok {
		s.matches, s.starts, s.stats = b.matches[:0], b.starts[:0], b.stats[:0]
	}
	p.scans[key] = s
	return s, nil
}

// scanReader is one searcher's place in a phraseScan.
type scanReader struct {
	scan   *phraseScan
	next   int    // the number of the next match it reads
	want   uint64 // it wants no document numbered below this
	closed bool
}

func (s *phraseScan) reader() *scanReader {
	r := &scanReader{scan: s}
	s.readers = append(s.readers, r)
	return r
}

// ahead reports whether r has read every match found so far while the
// scan keeps the most it may for the others.
func (r *scanReader) ahead() bool {
	s := r.scan
	return r.next == s.first+len(s.matches) && len(s.matches)-s.dead >= s.limit && !s.done
}

// read returns the index in the scan's buffers of the first match
// numbered from or above that r has not read, or -1 when there is none.
// It stays valid until the next read of any reader (a read may move the
// matches in their buffers).
func (r *scanReader) read(from uint64) (int, error) {
	s := r.scan
	r.want = max(r.want, from)
	s.trim()
	for {
		for r.next < s.first+len(s.matches) {
			i := r.next - s.first
			r.next++
			if s.matches[i].doc >= from {
				return i, nil
			}
		}
		if s.done {
			return -1, nil
		}
		if err := s.find(); err != nil {
			return -1, err
		}
	}
}

func (r *scanReader) close() {
	r.closed = true
	s := r.scan
	if slices.ContainsFunc(s.readers, func(r *scanReader) bool { return !r.closed }) {
		s.trim()
		return
	}
	pool := &smallScanBuffers
	if cap(s.matches) > smallScan {
		pool = &largeScanBuffers
	}
	pool.Put(&scanBuffers{s.matches, s.starts, s.stats})
	s.matches, s.starts, s.stats = nil, nil, nil
}

// smallScan is the most matches a scan can have (its rarest term's
// document count) to take its buffers from smallScanBuffers. The
// largest buffers are bounded by maxScanQueue, whatever the index's
// size: about 8 MiB for the topic's three-word phrase.
const smallScan = 1 << 12

// scanBuffers are a phraseScan's buffers, kept for the next search.
type scanBuffers struct {
	matches []scanMatch
	starts  []scanStart
	stats   []termStat
}

var smallScanBuffers, largeScanBuffers sync.Pool

// startsOf and statsOf are what the scan kept of matches[i].
func (s *phraseScan) startsOf(i int) []scanStart {
	m := &s.matches[i]
	at := m.starts - s.startsBase
	return s.starts[at : at+int(m.nstarts)]
}

func (s *phraseScan) statsOf(i int) []termStat {
	n := len(s.scan.cursors)
	return s.stats[i*n : (i+1)*n]
}

// find adds the next match to the queue, or marks the scan done. It
// skips the documents no open reader wants.
func (s *phraseScan) find() error {
	want, open := uint64(0), false
	for _, r := range s.readers {
		if !r.closed && (!open || r.want < want) {
			want, open = r.want, true
		}
	}
	from := max(s.next, want)
	ps := s.scan
	for {
		doc, ok, err := ps.candidate(from)
		if err != nil {
			return err
		}
		if !ok {
			s.done = true
			return nil
		}
		from = doc + 1
		s.next = from
		if ps.polled++; ps.polled%1024 == 0 {
			if err := ps.ctx.Err(); err != nil {
				return err
			}
		}
		ok, err = ps.matches()
		if err != nil {
			return err
		}
		if ok {
			s.push(doc)
			return nil
		}
	}
}

// push keeps doc, a match, with what the scan's check left: the starts
// and every cursor's posting in it.
func (s *phraseScan) push(doc uint64) {
	if len(s.matches) == cap(s.matches) || len(s.starts)+len(s.scan.starts) > cap(s.starts) || len(s.stats)+len(s.scan.cursors) > cap(s.stats) {
		s.compact()
	}
	m := scanMatch{doc: doc, starts: s.startsBase + len(s.starts), nstarts: uint32(len(s.scan.starts))}
	s.matches = grown(s.matches, 1)
	s.starts = grown(s.starts, len(s.scan.starts))
	s.stats = grown(s.stats, len(s.scan.cursors))
	for _, st := range s.scan.starts {
		a := 0
		if len(st.array) > 0 {
			// The posting's location buffers are reused by its iterator.
			s.arrays = append(s.arrays, slices.Clone(st.array))
			a = len(s.arrays)
		}
		s.starts = append(s.starts, scanStart{uint32(st.pos), uint32(a)})
	}
	for _, c := range s.scan.cursors {
		s.stats = append(s.stats, termStat{uint32(c.at.Frequency()), float32(c.at.Norm())})
	}
	s.matches = append(s.matches, m)
}

// grown is b with room for n more, doubled when it has to grow: append
// grows large slices by a quarter, which copied a scan's buffers over and
// over.
func grown[T any](b []T, n int) []T {
	if len(b)+n <= cap(b) {
		return b
	}
	return append(make([]T, 0, max(2*cap(b), len(b)+n, 256)), b...)
}

// trim marks the matches every open reader has read as dead.
func (s *phraseScan) trim() {
	keep := s.first + len(s.matches)
	for _, r := range s.readers {
		if !r.closed {
			keep = min(keep, max(r.next, s.first+s.dead))
		}
	}
	s.dead = max(s.dead, keep-s.first)
}

// compact moves the live matches to the front of the buffers. push calls
// it when a buffer is full, so the buffers, made for the limit, seldom
// grow: one reader far ahead of another reading one match at a time then
// costs a copy of each match once.
func (s *phraseScan) compact() {
	n := s.dead
	if n == 0 {
		return
	}
	startsFrom := s.startsBase + len(s.starts)
	if n < len(s.matches) {
		startsFrom = s.matches[n].starts
	}
	s.matches = s.matches[:copy(s.matches, s.matches[n:])]
	s.starts = s.starts[:copy(s.starts, s.starts[startsFrom-s.startsBase:])]
	s.stats = s.stats[:copy(s.stats, s.stats[n*len(s.scan.cursors):])]
	s.first, s.dead, s.startsBase = s.first+n, 0, startsFrom
}

// sharedPhraseSearcher is a phrase's searcher in a search part where it
// shares a scan: the scanned phrase itself (extra empty), or a phrase
// that holds it, which checks its extra terms where the scanned phrase
// matched.
type sharedPhraseSearcher struct {
	r     *scanReader
	scan  *phraseScan
	extra []*termCursor // terms the scanned phrase does not have, rarest first
	// extraSlots[i] is extra[i]'s position relative to where the scanned
	// phrase starts (negative before it).
	extraSlots []int64
	// For scoring, the phrase's terms in conjunction order: fromScan[i] is
	// the scan cursor term i reads from, or -1 for extra[fromExtra[i]].
	fromScan, fromExtra []int
	scoring             *phraseScorer
	count               uint64

	starts []phraseStart
	last   uint64 // the last document returned, +1; 0 before the first
	done   bool

	// alone is the phrase's own scan, once it ran maxScanQueue matches
	// ahead of another reader of the shared one; with what makes it.
	alone   *segmentPhraseSearcher
	ctx     context.Context
	snap    *scorch.IndexSnapshot
	q       *phraseQuery
	options search.SearcherOptions
}

func newSharedPhraseSearcher(ctx context.Context, snap *scorch.IndexSnapshot, part *searchPart, q *phraseQuery, options search.SearcherOptions) (search.Searcher, error) {
	docTotal, avgLen, err := scoringStats(ctx, snap, q.field)
	if err != nil {
		return nil, err
	}
	for range q.terms() {
		if err := search.RecordTermSearcher(ctx); err != nil {
			return nil, err
		}
	}
	scanned, at := q.terms(), 0
	if q.extends != nil {
		scanned, at = q.extends, q.extendsAt
	}
	scan, err := part.scanOf(ctx, snap, q.field, scanned, options)
	if err != nil {
		return nil, err
	}
	// The phrase's own cursors in conjunction order, as
	// newSegmentPhraseSearcher orders them: the scan's where it has the
	// term at that slot, new ones for the rest.
	segs, offsets := segmentOffsets(snap)
	cursors, slots, err := phraseCursors(segs, offsets, q)
	if err != nil {
		return nil, err
	}
	s := &sharedPhraseSearcher{r: scan.reader(), scan: scan, ctx: ctx, snap: snap, q: q, options: options}
	for i, c := range cursors {
		s.count += c.count
		rel := int64(slots[i] - at)
		k := -1
		for j, sc := range scan.scan.cursors {
			if sc.term == c.term && int64(scan.scan.offsets[j]) == rel {
				k = j
				break
			}
		}
		if k >= 0 {
			s.fromScan, s.fromExtra = append(s.fromScan, k), append(s.fromExtra, -1)
			continue
		}
		// Asked only for documents where the scanned phrase matched, most
		// of which have the term: one iterator reading positions as it
		// goes costs less than a second one that reads them on demand.
		c.open(true)
		s.fromScan, s.fromExtra = append(s.fromScan, -1), append(s.fromExtra, len(s.extra))
		s.extra = append(s.extra, c)
		s.extraSlots = append(s.extraSlots, rel)
	}
	s.scoring = newPhraseScorer(cursors, q, docTotal, avgLen, options)
	return s, nil
}

func (s *sharedPhraseSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	return s.from(ctx, s.last)
}

func (s *sharedPhraseSearcher) Advance(ctx *search.SearchContext, id bleveindex.IndexInternalID) (*search.DocumentMatch, error) {
	return s.from(ctx, max(id.Value(), s.last))
}

func (s *sharedPhraseSearcher) from(ctx *search.SearchContext, from uint64) (*search.DocumentMatch, error) {
	for !s.done {
		if s.alone == nil && s.r.ahead() {
			if err := s.goAlone(); err != nil {
				return nil, err
			}
		}
		if s.alone != nil {
			return s.alone.from(ctx, max(from, s.alone.next))
		}
		i, err := s.r.read(from)
		if err != nil {
			return nil, err
		}
		if i < 0 {
			s.done = true
			break
		}
		from = s.scan.matches[i].doc + 1
		s.last = from
		ok, err := s.extends(i)
		if err != nil {
			return nil, err
		}
		if ok {
			return s.match(ctx, i), nil
		}
	}
	return nil, nil
}

// goAlone leaves the shared scan for one of the phrase's own, which goes
// on from where this searcher is, with the same scorers (their weights
// are normalized already).
func (s *sharedPhraseSearcher) goAlone() error {
	alone, err := newPhraseScanner(s.ctx, s.snap, s.q, s.options)
	if err != nil {
		return err
	}
	alone.scoring = s.scoring
	alone.next = s.scan.next // the shared scan looked at everything before
	s.alone = alone
	s.r.close()
	return nil
}

// extends checks the extra terms where the scanned phrase starts in m
// (no extra terms: it matches).
func (s *sharedPhraseSearcher) extends(i int) (bool, error) {
	m := &s.scan.matches[i]
	if len(s.extra) == 0 {
		return true, nil
	}
	// Where the phrase would start: every slot at a position from 1 on.
	starts := s.starts[:0]
	lowest := int64(0)
	for _, rel := range s.extraSlots {
		lowest = min(lowest, rel)
	}
	for _, st := range s.scan.startsOf(i) {
		if int64(st.pos)+lowest > 0 {
			var array []uint64
			if st.array > 0 {
				array = s.scan.arrays[st.array-1]
			}
			starts = append(starts, phraseStart{int64(st.pos), array})
		}
	}
	for i, c := range s.extra {
		if len(starts) == 0 {
			break
		}
		ok, err := c.seek(m.doc)
		if err != nil {
			return false, err
		}
		if !ok || c.doc != m.doc {
			starts = starts[:0]
			break
		}
		locs, err := c.locations()
		if err != nil {
			return false, err
		}
		starts = narrowStarts(starts, locs, s.extraSlots[i])
	}
	s.starts = starts[:0]
	return len(starts) > 0, nil
}

// match scores matches[i] from the statistics the scan kept and the
// extra terms' cursors read.
func (s *sharedPhraseSearcher) match(ctx *search.SearchContext, i int) *search.DocumentMatch {
	if s.scoring.score {
		stats := s.scan.statsOf(i)
		for t := range s.scoring.tfds {
			tfd := &s.scoring.tfds[t]
			if k := s.fromScan[t]; k >= 0 {
				tfd.Freq, tfd.Norm = uint64(stats[k].freq), float64(stats[k].norm)
			} else {
				p := s.extra[s.fromExtra[t]].at
				tfd.Freq, tfd.Norm = p.Frequency(), p.Norm()
			}
		}
	}
	return s.scoring.match(ctx, s.scan.matches[i].doc)
}

func (s *sharedPhraseSearcher) Weight() float64            { return s.scoring.weight() }
func (s *sharedPhraseSearcher) SetQueryNorm(qnorm float64) { s.scoring.setQueryNorm(qnorm) }
func (s *sharedPhraseSearcher) Count() uint64              { return s.count }
func (s *sharedPhraseSearcher) Min() int                   { return 0 }
func (s *sharedPhraseSearcher) Size() int                  { return 64 * (1 + len(s.scoring.terms)) }
func (s *sharedPhraseSearcher) DocumentMatchPoolSize() int { return 2*len(s.scoring.terms) + 1 }
func (s *sharedPhraseSearcher) Close() error {
	if !s.r.closed {
		s.r.close()
	}
	return nil
}
