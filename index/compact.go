package index

import (
	"context"
	"fmt"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
)

// Compact merges every segment smaller than the largest into one, as a
// bulk load ends (a rebuild, `policywatch reindex`): what SQLite FTS5's
// optimize and Elasticsearch's force merge do.
//
// Bleve merges segments in the background in tiers of ten, so a bulk
// load leaves up to nine segments of each size behind it, and each keeps
// dictionaries and postings headers of its own: in the benchmark's 100k
// index the last segments of 1,000 documents took 7.6 KB a document, the
// ones of 10,000 6.1 KB and the one of 53,000 5.5 KB (the text is about
// 4 KB a document). Merging the smaller ones is cheap beside indexing:
// they were written once already, and a merge copies their postings
// without analyzing anything (about 2.5 s of one core for 47,000
// documents at 100k). The largest segment is left as it is, so the cost
// stays in proportion to what the load added.
//
// Searches go on meanwhile; they see the merged segment once it is in.
func (ix *Index) Compact(ctx context.Context) error {
	adv, err := ix.bi.Advanced()
	if err != nil {
		return fmt.Errorf("compact index: %w", err)
	}
	sc, ok := adv.(*scorch.Scorch)
	if !ok {
		return nil // only scorch indexes have segments to merge
	}
	largest, n, err := ix.segmentSizes()
	if err != nil || n < 3 {
		return err // with two segments or fewer there is nothing to gain
	}
	opts := mergeplan.MergePlanOptions{
		// A segment is merged when it holds fewer than half of
		// MaxSegmentSize documents: every one smaller than the largest.
		MaxSegmentSize:       min(2*largest, mergeplan.MaxSegmentSizeLimit),
		MaxSegmentsPerTier:   1,
		TierGrowth:           10,
		SegmentsPerMergeTask: n,
		// Segments count as at least this large when the planner works
		// out how many it may keep: as large as the largest, the smaller
		// ones all go into one merge.
		FloorSegmentSize:     largest,
		ReclaimDeletesWeight: 2,
	}
	if err := sc.ForceMerge(ctx, &opts); err != nil {
		return fmt.Errorf("compact index: %w", err)
	}
	ix.changed()
	ix.warmKeys() // the merged segment's keys, before a search needs them
	return nil
}

// segmentSizes returns the number of live documents of the largest
// segment and the number of segments.
func (ix *Index) segmentSizes() (largest int64, n int, err error) {
	adv, err := ix.bi.Advanced()
	if err != nil {
		return 0, 0, fmt.Errorf("compact index: %w", err)
	}
	rd, err := adv.Reader()
	if err != nil {
		return 0, 0, fmt.Errorf("compact index: %w", err)
	}
	defer rd.Close()
	snap, ok := rd.(*scorch.IndexSnapshot)
	if !ok {
		return 0, 0, nil
	}
	for _, ss := range snap.Segments() {
		largest = max(largest, int64(ss.Count()))
	}
	return largest, len(snap.Segments()), nil
}
