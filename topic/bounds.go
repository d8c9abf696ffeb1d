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

// checkCrawlerBounds reports each crawl setting outside the bounds
// above. A value its own parse refused (zero here) is not reported again.
func checkCrawlerBounds(c Crawler, at func(msg string, path ...any)) {
	field := func(name string) []any { return []any{"crawler", name} }
	if c.Parallelism > MaxParallelism {
		at(fmt.Sprintf("%d is more than %d, the most workers one crawl runs (politeness keeps one host to one or a few anyway)", c.Parallelism, MaxParallelism), field("parallelism")...)
	}
	if c.Delay > MaxDelay {
		at(fmt.Sprintf("%s is longer than %s", c.Delay, MaxDelay), field("delay")...)
	}
	if c.Timeout > 0 && (c.Timeout < MinTimeout || c.Timeout > MaxTimeout) {
		at(fmt.Sprintf("%s is outside %s..%s", c.Timeout, MinTimeout, MaxTimeout), field("timeout")...)
	}
	if c.MaxBody > 0 && (c.MaxBody < MinBody || c.MaxBody > MaxBody) {
		at(fmt.Sprintf("%d bytes is outside 1KB..256MB (a crawl worker holds a few times max_body in memory)", c.MaxBody), field("max_body")...)
	}
	if c.MaxAttempts > MaxAttempts {
		at(fmt.Sprintf("%d is more than %d", c.MaxAttempts, MaxAttempts), field("max_attempts")...)
	}
	if c.RetryMaxWait > MaxRetryWait {
		at(fmt.Sprintf("%s is longer than %s", c.RetryMaxWait, MaxRetryWait), field("retry_max_wait")...)
	}
	if c.MaxPages > MaxPageCap {
		at(fmt.Sprintf("%d is more than %d", c.MaxPages, MaxPageCap), field("max_pages")...)
	}
	if c.MaxPerHost > MaxPageCap {
		at(fmt.Sprintf("%d is more than %d", c.MaxPerHost, MaxPageCap), field("max_per_host")...)
	}
}

// checkWindow reports a source's from date, as given in the config,
// before its archive begins. (0001-01-01 parses to Go's zero time, so the
// caller, who knows a date was given, decides.)
func checkWindow(s *model.Source, at func(msg, field string)) {
	if first, ok := earliestFrom[s.Kind]; ok && s.From.Before(first) {
		at(fmt.Sprintf("%s is before %s, where the %s archive begins", s.From.Format(time.DateOnly), first.Format(time.DateOnly), s.Kind), "from")
	}
}
