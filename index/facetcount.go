package index

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"sync"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"
	bleveindex "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// Counting facets through Bleve means reading each match's doc values:
// finding its chunk, decompressing it, walking its terms and hashing each
// one into a map. With queries that match a fifth to a third of the
// archive that was most of the time a search took. Segments never change
// once written, so each segment's facet keys are read once, interned to
// small integers and kept in memory (about 36 bytes a document); a
// search then counts a match with a few array increments, done by a
// searcher that sees every match on its way to Bleve's top-N collector.
//
// This relies on two facts of Bleve's scorch index that its API does not
// promise: an index reader is an *scorch.IndexSnapshot whose segments
// are immutable, and a match's internal ID is its segment's offset plus
// its number within the segment. When the reader is anything else,
// Search falls back to a terms facet over facet_keys (searchWithFacet).

// keyTable interns facet keys to dense ids and keeps each segment's
// documents' keys. It is safe for concurrent use.
type keyTable struct {
	mu    sync.Mutex
	ids   map[string]uint32
	names []string
	segs  map[segment.Segment]*segmentKeys
}

// segmentKeys holds one segment's keys in compressed-row form: document
// d's keys are keys[starts[d]:starts[d+1]].
type segmentKeys struct {
	starts []uint32
	keys   []uint32
	ids    []string // each document's external ID, for the tie-break (docIDSort)
	// published is each document's publication time in Unix nanoseconds,
	// noDate without one, for sorting by date (publishedSort).
	published []int64
}

// noDate marks a document without a publication date in
// segmentKeys.published (Bleve cannot store a date that far back).
const noDate = math.MinInt64

func newKeyTable() *keyTable {
	return &keyTable{ids: map[string]uint32{}, segs: map[segment.Segment]*segmentKeys{}}
}

// snapshotKeys is a key table's view of one index snapshot.
type snapshotKeys struct {
	offsets []uint64 // global number of each segment's first document
	segs    []*segmentKeys
	names   []string // key names by id, as of this view
}

var errNoSnapshot = errors.New("index reader is not a scorch snapshot")

// view returns the keys of every segment of snap, reading the segments it
// has not seen yet.
func (kt *keyTable) view(snap *scorch.IndexSnapshot) (*snapshotKeys, error) {
	kt.mu.Lock()
	defer kt.mu.Unlock()
	segs := snap.Segments()
	v := &snapshotKeys{offsets: make([]uint64, len(segs)), segs: make([]*segmentKeys, len(segs))}
	var running uint64
	for i, ss := range segs {
		seg := ss.Segment()
		v.offsets[i] = running
		running += seg.Count() // the raw count, deleted documents included, as scorch numbers them
		sk, ok := kt.segs[seg]
		if !ok {
			var err error
			if sk, err = kt.read(seg); err != nil {
				return nil, err
			}
			kt.segs[seg] = sk
		}
		v.segs[i] = sk
	}
	// Merged-away segments are dropped once the table holds many more
	// than the index has; a search still on an old snapshot re-reads them.
	if len(kt.segs) > 2*len(segs)+8 {
		live := make(map[segment.Segment]bool, len(segs))
		for _, ss := range segs {
			live[ss.Segment()] = true
		}
		for seg := range kt.segs {
			if !live[seg] {
				delete(kt.segs, seg)
			}
		}
	}
	v.names = kt.names[:len(kt.names):len(kt.names)]
	return v, nil
}

// read reads the facet keys of every document of seg.
func (kt *keyTable) read(seg segment.Segment) (*segmentKeys, error) {
	dv, ok := seg.(segment.DocValueVisitable)
	if !ok {
		return nil, fmt.Errorf("read facet keys: segment %T has no doc values", seg)
	}
	n := seg.Count()
	sk := &segmentKeys{starts: make([]uint32, n+1), ids: make([]string, n), published: make([]int64, n)}
	fields := []string{fFacetKeys, fPublished}
	var state segment.DocVisitState
	var err error
	for doc := range n {
		sk.starts[doc] = uint32(len(sk.keys))
		sk.published[doc] = noDate
		state, err = dv.VisitDocValues(doc, fields, func(field string, term []byte) {
			if field == fPublished {
				if t, ok := parsePublishedKey(term); ok {
					sk.published[doc] = t
				}
				return
			}
			id, ok := kt.ids[string(term)]
			if !ok {
				id = uint32(len(kt.names))
				kt.names = append(kt.names, string(term))
				kt.ids[string(term)] = id
			}
			sk.keys = append(sk.keys, id)
		}, state)
		if err != nil {
			return nil, fmt.Errorf("read facet keys of document %d: %w", doc, err)
		}
		id, err := seg.DocID(doc)
		if err != nil {
			return nil, fmt.Errorf("read ID of document %d: %w", doc, err)
		}
		sk.ids[doc] = string(id)
	}
	sk.starts[n] = uint32(len(sk.keys))
	return sk, nil
}

// locate finds the segment and local number of the document with global
// number docNum; seg is a hint (the segment of the previous call), since
// searchers hand out documents in increasing order. ok is false for a
// number outside the snapshot.
func (v *snapshotKeys) locate(docNum uint64, seg int) (sk *segmentKeys, local uint64, at int, ok bool) {
	if seg < 0 || seg >= len(v.offsets) || docNum < v.offsets[seg] {
		seg = sort.Search(len(v.offsets), func(i int) bool { return v.offsets[i] > docNum }) - 1
	}
	for seg+1 < len(v.offsets) && docNum >= v.offsets[seg+1] {
		seg++
	}
	if seg < 0 {
		return nil, 0, 0, false
	}
	sk, local = v.segs[seg], docNum-v.offsets[seg]
	return sk, local, seg, local < uint64(len(sk.ids))
}

// docs is the number of document numbers in the snapshot, deleted ones
// included.
func (v *snapshotKeys) docs() uint64 {
	if len(v.offsets) == 0 {
		return 0
	}
	last := len(v.offsets) - 1
	return v.offsets[last] + uint64(len(v.segs[last].ids))
}

// keysOf returns the key ids of the document with global number docNum
// (see locate for seg).
func (v *snapshotKeys) keysOf(docNum uint64, seg int) ([]uint32, int) {
	sk, local, seg, ok := v.locate(docNum, seg)
	if !ok {
		return nil, seg
	}
	return sk.keys[sk.starts[local]:sk.starts[local+1]], seg
}

// docIDSort orders by external ID, as Bleve's "_id" sort does, but reads
// the ID from the key table instead of the segment's stored fields for
// every match: that lookup was a sixth of a search's time once facets
// were counted here.
type docIDSort struct {
	keys *snapshotKeys
	seg  int
	desc bool
}

func (s *docIDSort) UpdateVisitor(string, []byte) {}

func (s *docIDSort) Value(d *search.DocumentMatch) string {
	if d.ID != "" {
		return d.ID
	}
	sk, local, seg, ok := s.keys.locate(d.IndexInternalID.Value(), s.seg)
	s.seg = seg
	if !ok {
		return ""
	}
	return sk.ids[local]
}

func (s *docIDSort) DecodeValue(v string) string { return v }
func (s *docIDSort) Descending() bool            { return s.desc }
func (s *docIDSort) RequiresDocID() bool         { return false }
func (s *docIDSort) RequiresScoring() bool       { return false }
func (s *docIDSort) RequiresFields() []string    { return nil }
func (s *docIDSort) Reverse()                    { s.desc = !s.desc }
func (s *docIDSort) Copy() search.SearchSort     { c := *s; return &c }

// publishedSort orders by publication date as Bleve's sort on the
// published field does (the value is the date's term, see publishedKey;
// a document without a date sorts last either way), but reads the date
// from the key table instead of decoding the segment's doc values for
// every match: that was a tenth of the time of searches sorted by date.
type publishedSort struct {
	keys *snapshotKeys
	seg  int
	desc bool
}

func (s *publishedSort) UpdateVisitor(string, []byte) {}

func (s *publishedSort) Value(d *search.DocumentMatch) string {
	sk, local, seg, ok := s.keys.locate(d.IndexInternalID.Value(), s.seg)
	s.seg = seg
	if !ok || sk.published[local] == noDate {
		if s.desc {
			return search.LowTerm
		}
		return search.HighTerm
	}
	return publishedKeyNanos(sk.published[local])
}

func (s *publishedSort) DecodeValue(v string) string { return v }
func (s *publishedSort) Descending() bool            { return s.desc }
func (s *publishedSort) RequiresDocID() bool         { return false }
func (s *publishedSort) RequiresScoring() bool       { return false }
func (s *publishedSort) RequiresFields() []string    { return nil }
func (s *publishedSort) Reverse()                    { s.desc = !s.desc }
func (s *publishedSort) Copy() search.SearchSort     { c := *s; return &c }

// countingSearcher counts the facet keys of every match it hands on.
type countingSearcher struct {
	search.Searcher
	keys   *snapshotKeys
	counts []int
	seg    int
}

func (s *countingSearcher) count(d *search.DocumentMatch) {
	var ks []uint32
	ks, s.seg = s.keys.keysOf(d.IndexInternalID.Value(), s.seg)
	for _, k := range ks {
		s.counts[k]++
	}
}

func (s *countingSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	d, err := s.Searcher.Next(ctx)
	if d != nil {
		s.count(d)
	}
	return d, err
}

func (s *countingSearcher) Advance(ctx *search.SearchContext, id bleveindex.IndexInternalID) (*search.DocumentMatch, error) {
	d, err := s.Searcher.Advance(ctx, id)
	if d != nil {
		s.count(d)
	}
	return d, err
}

// warmKeys reads, in the background, the facet keys of segments the key
// table has not seen, so the first search after Open (at a million
// documents, about six seconds of reading here) or after a crawl's
// writes does not pay for it. Segments a later merge makes are read by
// the first search that meets them. Close waits for it.
func (ix *Index) warmKeys() {
	ix.warming.Add(1)
	go func() {
		defer ix.warming.Done()
		adv, err := ix.bi.Advanced()
		if err != nil {
			return
		}
		rd, err := adv.Reader()
		if err != nil {
			return
		}
		defer rd.Close()
		if snap, ok := rd.(*scorch.IndexSnapshot); ok {
			// An error here is met again, and reported, by the search
			// that needs the segment.
			_, _ = ix.keys.view(snap)
		}
	}()
}
