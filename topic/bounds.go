package topic

import (
	"fmt"
	"time"

	"policywatch/model"
)

// Bounds on crawl settings. A value past them is a typo or a wish the
// crawler cannot honour safely: `parallelism: 100000000` started that
// many goroutines, stalled the crawl and took minutes to stop. Each
// message says the limit, so the fix is obvious.
const (
	MaxParallelism = 64               // workers of one crawl
	MaxDelay       = time.Hour        // pause between two requests to one host
	MinTimeout     = time.Second      // per request
	MaxTimeout     = 10 * time.Minute // per request
	MinBody        = 1 << 10          // max_body floor: a smaller page is no page
	MaxBody        = 256 << 20        // max_body ceiling: each worker may hold a few times this
	MaxAttempts    = 10               // tries of one URL
	MaxRetryWait   = time.Hour        // longest wait before a retry
	MaxPageCap     = 10_000_000       // max_pages, max_per_host
)

// earliestFrom is the first day a source kind's archive holds: a window
// starting before it asks for what does not exist, and walking it costs
// requests (GDELT is walked a week at a time).
var earliestFrom = map[string]time.Time{
	model.SourceGDELT:   time.Date(2017, 1, 1, 0, 0, 0, 0, time.UTC), // the DOC 2.0 API's archive
	model.SourceWayback: time.Date(1996, 1, 1, 0, 0, 0, 0, time.UTC), // the Wayback Machine's first captures
	model.SourceGovUK:   time.Date(1991, 1, 1, 0, 0, 0, 0, time.UTC), // before the web, nothing was published on it
}

// checkCrawlerBounds refuses crawl settings outside the bounds above.
func checkCrawlerBounds(c Crawler, at func(msg string, path ...any) *Error) error {
	field := func(name string) []any { return []any{"crawler", name} }
	switch {
	case c.Parallelism > MaxParallelism:
		return at(fmt.Sprintf("%d is more than %d, the most workers one crawl runs (politeness keeps one host to one or a few anyway)", c.Parallelism, MaxParallelism), field("parallelism")...)
	case c.Delay > MaxDelay:
		return at(fmt.Sprintf("%s is longer than %s", c.Delay, MaxDelay), field("delay")...)
	case c.Timeout < MinTimeout || c.Timeout > MaxTimeout:
		return at(fmt.Sprintf("%s is outside %s..%s", c.Timeout, MinTimeout, MaxTimeout), field("timeout")...)
	case c.MaxBody < MinBody || c.MaxBody > MaxBody:
		return at(fmt.Sprintf("%d bytes is outside 1KB..256MB (a crawl worker holds a few times max_body in memory)", c.MaxBody), field("max_body")...)
	case c.MaxAttempts > MaxAttempts:
		return at(fmt.Sprintf("%d is more than %d", c.MaxAttempts, MaxAttempts), field("max_attempts")...)
	case c.RetryMaxWait > MaxRetryWait:
		return at(fmt.Sprintf("%s is longer than %s", c.RetryMaxWait, MaxRetryWait), field("retry_max_wait")...)
	case c.MaxPages > MaxPageCap:
		return at(fmt.Sprintf("%d is more than %d", c.MaxPages, MaxPageCap), field("max_pages")...)
	case c.MaxPerHost > MaxPageCap:
		return at(fmt.Sprintf("%d is more than %d", c.MaxPerHost, MaxPageCap), field("max_per_host")...)
	}
	return nil
}

// checkWindow refuses a source's from date before its archive begins.
// given says the config set one: 0001-01-01 parses to Go's zero time,
// which would otherwise read as no date at all.
func checkWindow(s *model.Source, given bool, at func(msg, field string) *Error) error {
	if first, ok := earliestFrom[s.Kind]; ok && given && s.From.Before(first) {
		return at(fmt.Sprintf("%s is before %s, where the %s archive begins", s.From.Format(time.DateOnly), first.Format(time.DateOnly), s.Kind), "from")
	}
	return nil
}
