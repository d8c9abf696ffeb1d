package index

import (
	"context"
	"fmt"
	"time"

	"github.com/blevesearch/bleve/v2"
	bq "github.com/blevesearch/bleve/v2/search/query"

	"policywatch/query"
)

// hitFields are the stored fields a Hit is built from.
var hitFields = []string{fTitle, fText, fURL, fSource, fKind, fLang, fPublished, fDateSource, fCategories, fActors}

// hasDate reports whether a query filters on the publication date itself.
func hasDate(n query.Node) bool {
	if n.Op == query.OpDate {
		return true
	}
	for _, c := range n.Children {
		if hasDate(c) {
			return true
		}
	}
	return false
}

// undated counts the matches of q that have no reliable publication date:
// all matches minus those with any date in the published field (which
// holds reliable dates only).
func (ix *Index) undated(ctx context.Context, q bq.Query, total uint64) (uint64, error) {
	req := bleve.NewSearchRequestOptions(bq.NewConjunctionQuery([]bq.Query{q, dateQuery(time.Time{}, time.Time{}, true)}), 0, 0, false)
	res, err := ix.bi.SearchInContext(ctx, req)
	if err != nil {
		return 0, fmt.Errorf("count undated matches: %w", err)
	}
	if res.Total > total {
		return 0, nil
	}
	return total - res.Total, nil
}

// BucketFor picks the histogram bucket for matches spread from first to
// last: days up to three months, months up to eight years, years beyond,
// so a chart has between a handful and about a hundred bars.
func BucketFor(first, last time.Time) string {
	span := last.Sub(first)
	switch {
	case span <= 92*24*time.Hour:
		return BucketDay
	case span <= 8*366*24*time.Hour:
		return BucketMonth
	}
	return BucketYear
}

// DateRange returns the oldest and newest reliable publication dates among
// the matches of r (zero times when no match has one).
func (ix *Index) DateRange(ctx context.Context, r Request) (first, last time.Time, err error) {
	n, err := query.Parse(r.Query)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	return ix.dateEdges(ctx, ix.filtered(ix.translate(n, 1), r))
}
