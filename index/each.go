package index

import (
	"context"
	"fmt"

	"github.com/blevesearch/bleve/v2"
)

// eachPage is how many hits Each fetches per round trip.
const eachPage = 500

// Each calls fn for every match of r (Page and PerPage are ignored), newest
// first and then by ID, until fn returns an error or the matches run out.
// It pages with search-after on the sort key rather than skipping hits,
// so the cost per page stays flat however deep it goes, and the set is
// complete and free of repeats even at a million matches. Hits carry the
// start of the text as snippet (no highlighting), from the Archive.
func (ix *Index) Each(ctx context.Context, r Request, fn func(Hit) error) error {
	n, err := ix.parse(r) // budget.go: parsed and held to the limits
	if err != nil {
		return err
	}
	q := ix.filtered(ix.translate(n, 1), r)
	var after []string
	for {
		req := bleve.NewSearchRequestOptions(q, eachPage, 0, false)
		req.SortBy([]string{"-" + fPublished, "_id"})
		if after != nil {
			req.SetSearchAfter(after)
		}
		res, err := ix.bi.SearchInContext(ctx, req)
		if err != nil {
			return fmt.Errorf("list matches of %q: %w", r.Query, err)
		}
		hits, err := ix.hitsOf(ctx, res.Hits, nil)
		if err != nil {
			return fmt.Errorf("list matches of %q: %w", r.Query, err)
		}
		for _, h := range hits {
			if err := fn(h); err != nil {
				return err
			}
		}
		if len(res.Hits) < eachPage {
			return nil
		}
		after = res.Hits[len(res.Hits)-1].DecodedSort
	}
}
