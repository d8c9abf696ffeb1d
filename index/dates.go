package index

import (
	"time"

	"policywatch/query"
)

// hitFields are the stored fields a Hit is built from.
var hitFields = []string{fTitle, fURL, fSource, fKind, fLang, fPublished, fDateSource, fCategories, fActors}

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
