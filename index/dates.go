package index

import (
	"time"

	"policywatch/query"
)

// wallClock is t's date and time as read on the publisher's clock, in
// UTC: 2020-07-01 00:30+08:00 becomes 2020-07-01 00:30Z. The index keys
// publication dates this way, so that a day filter (from=to=2020-07-01,
// bounds at UTC midnight), the day and year facets, the chart and the
// sort by date all use the day the page was published on where it was
// published — the day the document page, the API and the timeline show
// (web formatDate) — rather than the UTC day of the instant, which for
// Asia's mornings and America's evenings is another day. The price is
// that two documents of one day in different zones sort by their local
// times, not by the instant.
func wallClock(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
}

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
