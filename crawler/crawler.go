// Package crawler discovers documents from a topic's sources (feeds,
// sitemaps, seed pages with their listings, the Federal Register API),
// fetches them politely with colly, extracts their text and metadata and
// hands each one to a Sink (the store).
//
// Politeness is ours, not colly's: a per-host scheduler (frontier.go)
// gives every host its robots.txt first, then paces requests by
// max(Options.Delay, Crawl-delay) with one request in flight per host
// whenever a delay applies.
package crawler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"policywatch/model"
)

// Sink receives what the crawler fetches. *store.DB satisfies it.
type Sink interface {
	SaveCapture(ctx context.Context, doc *model.Document, c *model.Capture) (model.SaveOutcome, error)
	RecordError(ctx context.Context, runID int64, e model.CrawlError) error
}

// Options configure a Crawler. Zero values get the defaults noted.
type Options struct {
	UserAgent   string        // default "policywatch/1.0"
	Delay       time.Duration // minimum pause between two requests to one host; robots.txt Crawl-delay may raise it
	Parallelism int           // workers across all hosts, and per host when no delay applies; default 4
	Timeout     time.Duration // per request; default 30s
	MaxBody     int64         // larger bodies are refused; default 10 MB
	MaxPages    int           // documents fetched per run; 0: no limit
	MaxPerHost  int           // documents fetched per host per run; 0: no limit

	// Retries of timeouts, connection errors, 429 and 5xx: MaxAttempts in
	// all (default 3; 1 turns retries off), waiting RetryBase·2^n plus
	// jitter between attempts (default 1s), or the server's Retry-After.
	// A wait over RetryMaxWait (default 60s) is not made: the URL fails.
	MaxAttempts  int
	RetryBase    time.Duration
	RetryMaxWait time.Duration

	Relevant func(*model.Document) bool // nil: everything is relevant
	Tag      func(*model.Document)      // optional: fills doc.Tags before saving
	Now      func() time.Time           // default time.Now
	Logger   *slog.Logger               // default discards
	Progress func(Progress)             // optional: called after each document, from worker goroutines

	// AllowPrivate lets the crawler connect to loopback, private,
	// link-local, unspecified and multicast addresses. Off, such
	// fetches fail with a BlockedAddressError (netguard.go): pages and
	// redirects from the web must not reach the crawling machine's own
	// network. The loopback demo and tests turn it on.
	AllowPrivate bool
	addrPolicy   addrPolicy // tests only: replaces the public-address check
}

// Progress is a snapshot of a run's counts, reported after each document.
type Progress struct {
	Source    string // source of the document just handled
	URL       string
	Outcome   string // "stored", "updated", "unchanged", "duplicate", "skipped", "failed"
	Fetched   int
	Stored    int
	Updated   int
	Unchanged int
	Skipped   int
	Failed    int
	Queued    int // URLs waiting in the frontier

	Reason string // why the URL failed or was skipped
	// SourceFailed: every start URL of Source failed (its feed, sitemap,
	// seed or API query), so nothing of it was crawled in this run.
	SourceFailed bool
}

// maxCrawlDelay caps a robots.txt Crawl-delay so one site cannot stall a
// run indefinitely (unless Options.Delay is larger still).
const maxCrawlDelay = 30 * time.Second

// Crawler crawls sources into a Sink. It is safe to call Run from one
// goroutine at a time per run; separate runs may share a Crawler.
type Crawler struct {
	sink Sink
	opts Options
	log  *slog.Logger
}

// New returns a crawler writing to sink.
func New(sink Sink, opts Options) *Crawler {
	if opts.UserAgent == "" {
		opts.UserAgent = "policywatch/1.0"
	}
	if opts.Parallelism <= 0 {
		opts.Parallelism = 4
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 30 * time.Second
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = 10 << 20
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = 3
	}
	if opts.RetryBase <= 0 {
		opts.RetryBase = time.Second
	}
	if opts.RetryMaxWait <= 0 {
		opts.RetryMaxWait = 60 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Crawler{sink: sink, opts: opts, log: opts.Logger}
}

// Run crawls sources once, saving documents to the sink and filling
// run's counts and Errors. Fetched counts HTTP responses other than
// robots.txt. Failures of single URLs and invalid sources are counted
// and recorded, not returned; Run returns an error only when ctx ends,
// and returns promptly then.
func (c *Crawler) Run(ctx context.Context, run *model.CrawlRun, sources []model.Source) error {
	if run == nil {
		run = &model.CrawlRun{}
	}
	// The run's own context: a failing store stops it (writeFailed).
	ctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	resumedCounts := model.CrawlRun{Fetched: run.Fetched, Stored: run.Stored, Updated: run.Updated,
		Unchanged: run.Unchanged, Skipped: run.Skipped, Failed: run.Failed}
	r := &runner{
		c:         c,
		ctx:       ctx,
		stop:      stop,
		run:       run,
		fr:        newFrontier(c.opts.Delay, c.opts.Parallelism, maxCrawlDelay),
		seen:      map[string]bool{},
		hostDocs:  map[string]int{},
		calendars: map[string]int{},
		variants:  map[string]int{},
		roots:     map[string]bool{},
		rootCount: map[string]int{},
		rootFails: map[string]int{},
		// A resumed run goes on counting from where it was.
		runCounters: resumedCounts,
		durable:     resumedCounts,
		owed:        map[string]model.CrawlRun{},
		owedErrs:    map[string][]model.CrawlError{},
	}
	if fs, ok := c.sink.(FrontierStore); ok {
		r.store = fs
	}
	r.fetch = newFetcher(ctx, c.opts, r.checkRedirect)
	compiled := map[string]*source{}
	var roots []*job
	for i := range sources {
		s, err := compileSource(sources[i])
		if err != nil {
			// One broken source should not keep the others from being
			// crawled; the run's log says what is wrong with it.
			r.addRoot(sources[i].Name, sources[i].URL)
			r.failSource(ctx, &source{Source: sources[i]}, sources[i].URL, err.Error())
			continue
		}
		kind := jobKindFor(s.Kind)
		if kind < 0 {
			r.addRoot(s.Name, s.URL)
			r.failSource(ctx, s, s.URL, fmt.Sprintf("unknown source kind %q", s.Kind))
			continue
		}
		compiled[s.Name] = s
		for _, u := range r.startURLs(s) {
			r.addRoot(s.Name, u)
			roots = append(roots, &job{kind: kind, src: s, url: u, listing: kind == jobPage})
		}
	}
	if n, err := r.resume(ctx, compiled); err != nil {
		c.log.Error("crawler: load stored frontier; starting afresh", slog.String("err", err.Error()))
	} else if n > 0 {
		c.log.Info("crawler: resuming run", slog.Int64("run", run.ID), slog.Int("queued", n))
	}
	// A resumed run's roots are in its seen set already: enqueue skips them.
	for _, j := range roots {
		r.enqueue(j)
	}

	var wg sync.WaitGroup
	for range c.opts.Parallelism {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				j, hq, ok := r.fr.next(ctx)
				if !ok {
					return
				}
				finished := r.safeProcess(ctx, j, hq)
				r.fr.done(hq)
				if finished {
					r.ack(ctx, j)
				}
			}
		}()
	}
	wg.Wait()
	if r.persisted() {
		// The run's counts are what the store holds: work cut short by
		// a stop is done again, and counted, by the resumed run.
		r.mu.Lock()
		run.Fetched, run.Stored, run.Updated = r.durable.Fetched, r.durable.Stored, r.durable.Updated
		run.Unchanged, run.Skipped, run.Failed = r.durable.Unchanged, r.durable.Skipped, r.durable.Failed
		r.mu.Unlock()
	}
	c.log.Info("crawler: run finished",
		slog.Int64("run", run.ID), slog.Int("fetched", run.Fetched), slog.Int("stored", run.Stored),
		slog.Int("updated", run.Updated), slog.Int("unchanged", run.Unchanged),
		slog.Int("skipped", run.Skipped), slog.Int("failed", run.Failed))
	var se *storageError
	if errors.As(context.Cause(ctx), &se) {
		return fmt.Errorf("crawl run %d: %w", run.ID, se)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("crawl run: %w", err)
	}
	return nil
}

// failSource records a source that cannot be crawled at all (a bad
// pattern, an unknown kind). A resumed run met it before the crash and
// holds the failure already, so it is not counted or logged again.
func (r *runner) failSource(ctx context.Context, src *source, u, reason string) {
	for _, e := range r.run.Errors {
		if e.Source == src.Name && e.URL == u && e.Reason == reason {
			return
		}
	}
	r.fail(ctx, src, u, reason)
	r.ackKey(ctx, visitKey(u)) // persist.go: no job will acknowledge it
}

// source is a configured source with its patterns compiled.
type source struct {
	model.Source
	include, exclude []*regexp.Regexp
	host             string // host[:port] of the source URL
	seedListing      string // listingKey of a seed URL
}

func compileSource(s model.Source) (*source, error) {
	out := &source{Source: s}
	for _, p := range s.Include {
		re, err := regexp.Compile(p)
		if err != nil {
			return nil, fmt.Errorf("source %s: include pattern %q: %w", s.Name, p, err)
		}
		out.include = append(out.include, re)
	}
	for _, p := range s.Exclude {
		re, err := regexp.Compile(p)
		if err != nil {
			return nil, fmt.Errorf("source %s: exclude pattern %q: %w", s.Name, p, err)
		}
		out.exclude = append(out.exclude, re)
	}
	n, err := NormalizeURL(s.URL)
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", s.Name, err)
	}
	out.URL = n
	u, err := url.Parse(n)
	if err != nil {
		return nil, fmt.Errorf("source %s: normalized url %q: %w", s.Name, n, err)
	}
	out.host = u.Host
	if base, ok := paginationBase(u); ok {
		out.seedListing = base
	} else {
		out.seedListing = listingKey(u)
	}
	return out, nil
}

// wants reports whether u (normalized) passes the source's patterns and
// host rule: a URL on another site must be named by an include pattern
// that itself names a host (contains "//" or the host).
func (s *source) wants(u *url.URL) bool {
	full := u.String()
	for _, re := range s.exclude {
		if re.MatchString(full) {
			return false
		}
	}
	onSite := sameSite(u.Host, s.host)
	if len(s.include) == 0 {
		return onSite
	}
	for i, re := range s.include {
		if !re.MatchString(full) {
			continue
		}
		if onSite || namesHost(s.Include[i], u.Hostname()) {
			return true
		}
	}
	return false
}

// excluded reports whether an exclude pattern drops u.
func (s *source) excluded(u string) bool {
	for _, re := range s.exclude {
		if re.MatchString(u) {
			return true
		}
	}
	return false
}

func namesHost(pattern, host string) bool {
	p := strings.ToLower(pattern)
	h := strings.ToLower(host)
	return strings.Contains(p, "//") || strings.Contains(p, h) || strings.Contains(p, strings.ToLower(regexp.QuoteMeta(h)))
}
