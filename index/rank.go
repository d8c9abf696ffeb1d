package index

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/collector"
	bq "github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"
)

// ranked is what the ranking pass returns: the collected hits, the total
// and, when counted, the facet keys' counts by name.
type ranked struct {
	hits   search.DocumentMatchCollection
	total  uint64
	counts map[string]int // nil when not counted
	// official reports whether a hit is an official document, from its
	// facet keys (no stored fields read).
	official func(*search.DocumentMatch) bool
}

// parallelFrom is how much work (the sum of the query's terms' document
// frequencies, Bleve's estimate) makes a search worth splitting over the
// cores: below it, building a second set of searchers costs more than it
// saves.
const parallelFrom = 20000

// rank runs q once: the top size hits after skipping from, in sort
// order, and, when count is set, every match's facet keys counted.
// score is Bleve's scoring option ("" or "none").
//
// A large search is split by document number into one part per core,
// each with its own searchers over the same snapshot (so the same
// statistics and scores), and the parts' hits, totals and counts are
// merged. That takes a search at a million documents from one core to
// two; it is skipped while other searches keep the cores busy, where it
// would only add the cost of the extra searchers.
func (ix *Index) rank(ctx context.Context, q bq.Query, size, from int, sortBy []string, score string, count bool) (*ranked, error) {
	adv, err := ix.bi.Advanced()
	if err != nil {
		return nil, fmt.Errorf("open index: %w", err)
	}
	rd, err := adv.Reader()
	if err != nil {
		return nil, fmt.Errorf("open index reader: %w", err)
	}
	defer rd.Close()
	snap, ok := rd.(*scorch.IndexSnapshot)
	if !ok {
		return nil, errNoSnapshot
	}
	keys, err := ix.keys.view(snap)
	if err != nil {
		return nil, err
	}
	// What bleve's SearchInContext tells its searchers: the index's
	// scoring model (the mapping's, BM25).
	ctx = context.WithValue(ctx, search.GetScoringModelCallbackKey,
		search.GetScoringModelCallbackFn(func() string { return bleveindex.BM25Scoring }))
	opts := search.SearcherOptions{Score: score}
	// Each part's phrase searchers stop at its end (searchPart): a phrase
	// that seldom matches would otherwise go on checking candidates past
	// it, into the next part's share, for a match that part throws away.
	firstPart := ix.newSearchPart()
	first, err := q.Searcher(withSearchPart(ctx, firstPart), rd, ix.mapping, opts)
	if err != nil {
		return nil, err
	}
	docs := keys.docs()
	parts := 1
	splitFrom := parallelFrom
	if ix.splitFrom > 0 {
		splitFrom = ix.splitFrom
	}
	if n := max(runtime.GOMAXPROCS(0), ix.splitParts); n > 1 && first.Count() >= uint64(splitFrom) && docs > uint64(2*splitFrom) {
		// Only as many parts as cores no other search is using.
		busy := int(ix.searching.Add(1))
		defer ix.searching.Add(-1)
		parts = max(1, min(n, n-busy+1))
	} else {
		ix.searching.Add(1)
		defer ix.searching.Add(-1)
	}

	results := make([]*rankPart, parts)
	errs := make([]error, parts)
	var wg sync.WaitGroup
	for p := range parts {
		lo, hi := docs*uint64(p)/uint64(parts), docs*uint64(p+1)/uint64(parts)
		s := first
		part := firstPart
		if p > 0 {
			part = ix.newSearchPart()
			if s, err = q.Searcher(withSearchPart(ctx, part), rd, ix.mapping, opts); err != nil {
				first.Close()
				return nil, err
			}
		}
		if p < parts-1 {
			part.end = hi
		}
		run := func() {
			defer s.Close()
			results[p], errs[p] = ix.rankPart(ctx, rd, keys, s, lo, hi, parts > 1, size+from, sortBy, count)
		}
		if p == parts-1 {
			run()
		} else {
			wg.Add(1)
			go func() { defer wg.Done(); run() }()
		}
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}

	out := &ranked{}
	var counts []int
	for _, r := range results {
		out.total += r.total
		out.hits = append(out.hits, r.hits...)
		if count {
			if counts == nil {
				counts = r.counts
			} else {
				for i, n := range r.counts {
					counts[i] += n
				}
			}
		}
	}
	if parts > 1 {
		order := results[0].order
		scoring, desc := order.CacheIsScore(), order.CacheDescending()
		slices.SortStableFunc(out.hits, func(a, b *search.DocumentMatch) int { return order.Compare(scoring, desc, a, b) })
	}
	out.hits = out.hits[min(from, len(out.hits)):min(from+size, len(out.hits))]
	if count {
		out.counts = make(map[string]int)
		for id, n := range counts {
			if n > 0 {
				out.counts[keys.names[id]] = n
			}
		}
	}
	officialKey := keyKind + "official"
	out.official = func(d *search.DocumentMatch) bool {
		ks, _ := keys.keysOf(d.IndexInternalID.Value(), 0)
		return slices.ContainsFunc(ks, func(k uint32) bool { return keys.names[k] == officialKey })
	}
	return out, nil
}

// rankPart is one part's share of a ranking pass.
type rankPart struct {
	hits   search.DocumentMatchCollection
	total  uint64
	counts []int
	order  search.SortOrder
}

// rankPart collects the best n matches of s among documents numbered lo
// to hi (all of them unless ranged), counting their keys when count is
// set.
func (ix *Index) rankPart(ctx context.Context, rd bleveindex.IndexReader, keys *snapshotKeys, s search.Searcher,
	lo, hi uint64, ranged bool, n int, sortBy []string, count bool) (*rankPart, error) {
	if ranged {
		s = &rangeSearcher{Searcher: s, lo: bleveindex.NewIndexInternalID(nil, lo), hi: bleveindex.NewIndexInternalID(nil, hi)}
	}
	cs := &countingSearcher{Searcher: s, keys: keys}
	if count {
		cs.counts = make([]int, len(keys.names))
		s = cs
	}
	order := search.ParseSortOrderStrings(sortBy)
	if last := len(sortBy) - 1; last >= 0 && (sortBy[last] == "_id" || sortBy[last] == "-_id") {
		order[last] = &docIDSort{keys: keys, desc: sortBy[last] == "-_id"}
	}
	if len(sortBy) > 0 && (sortBy[0] == fPublished || sortBy[0] == "-"+fPublished) {
		order[0] = &publishedSort{keys: keys, desc: sortBy[0] == "-"+fPublished}
	}
	coll := collector.NewTopNCollector(n, 0, order)
	if err := coll.Collect(ctx, s, rd); err != nil {
		return nil, err
	}
	return &rankPart{hits: coll.Results(), total: coll.Total(), counts: cs.counts, order: order}, nil
}

// searchPart is what the searchers of one part of a ranking pass share
// (rank builds a set of searchers for each part): the document number
// they need not look at or beyond (the part's rangeSearcher drops what
// they find there), and the scans of phrases that several of a query's
// phrases contain (phrase_shared.go).
type searchPart struct {
	end       uint64
	scans     map[string]*phraseScan
	scanQueue int // maxScanQueue, unless a test sets less
}

func (ix *Index) newSearchPart() *searchPart {
	p := &searchPart{end: math.MaxUint64, scans: map[string]*phraseScan{}, scanQueue: maxScanQueue}
	if ix.scanQueue > 0 {
		p.scanQueue = ix.scanQueue
	}
	return p
}

type searchPartKey struct{}

func withSearchPart(ctx context.Context, p *searchPart) context.Context {
	return context.WithValue(ctx, searchPartKey{}, p)
}

// searchPartOf is the part ctx's searchers are built for, or nil outside
// rank (Bleve's own search, used where rank cannot read the index).
func searchPartOf(ctx context.Context) *searchPart {
	p, _ := ctx.Value(searchPartKey{}).(*searchPart)
	return p
}

// rangeSearcher hands on only the matches numbered from lo up to hi.
type rangeSearcher struct {
	search.Searcher
	lo, hi  bleveindex.IndexInternalID
	started bool
}

func (s *rangeSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	if !s.started {
		return s.Advance(ctx, s.lo)
	}
	return s.within(s.Searcher.Next(ctx))
}

func (s *rangeSearcher) Advance(ctx *search.SearchContext, id bleveindex.IndexInternalID) (*search.DocumentMatch, error) {
	s.started = true
	if id.Compare(s.lo) < 0 {
		id = s.lo
	}
	return s.within(s.Searcher.Advance(ctx, id))
}

func (s *rangeSearcher) within(d *search.DocumentMatch, err error) (*search.DocumentMatch, error) {
	if d != nil && d.IndexInternalID.Compare(s.hi) >= 0 {
		return nil, err
	}
	return d, err
}
