// Package crawler discovers documents from a topic's sources (feeds,
// sitemaps, seed pages with their listings, the Federal Register API),
// fetches them politely with colly and hands each document page to a
// Sink (the document pipeline, package ingest), which reads it with Build
// and files it. What it keeps between runs (the frontier, HTTP
// validators, the run's log) lives in a State (the store).
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

// Sink files the document pages the crawler fetches. ingest.Pipeline
// satisfies it: the same pipeline files pages imported from WARC files.
type Sink interface {
	// Accept files one fetched page (see Build) and says what became of
	// it. An error means the page could not be stored; a page that is no
	// document to keep is a Filed outcome, not an error. When it stores
	// the page and f.Ack is set, it writes f.Ack's acknowledgement in the
	// same transaction and says so in Filed.Acked.
	Accept(ctx context.Context, f *Fetched) (Filed, error)
	// Withdraw records that the page at url answered status (404 or
	// 410). known is false for a URL that was never archived: a broken
	// link, not a withdrawal.
	Withdraw(ctx context.Context, url string, status int, at time.Time, runID int64) (known bool, err error)
}

// Filed is what became of a page the Sink accepted.
type Filed struct {
	Outcome    model.Outcome // stored, updated, unchanged, dropped, skipped or failed
	Reason     string        // why it was dropped, skipped or failed
	DocumentID int64         // the document it was filed as (or duplicates)
	URL        string        // the document's URL
	// Acked: Fetched.Ack's acknowledgement was written with the page.
	Acked bool
}

// State is what the crawler keeps outside the process: the frontier
// (queued URLs) and seen set of a run, so a run killed mid-way resumes;
// the HTTP validators of fetched pages, for conditional GET; the run's
// counts and the log of each URL's outcome, written with the URL's
// acknowledgement. *store.DB satisfies it.
type State interface {
	// LoadFrontier returns every URL queued in a run, done or not.
	LoadFrontier(ctx context.Context, runID int64) ([]model.FrontierItem, error)
	// Enqueue records URLs queued in a run; a URL already recorded is kept as it is.
	Enqueue(ctx context.Context, runID int64, items ...model.FrontierItem) error
	// Ack marks a URL done, adds what it did to the run's counts and
	// logs its entries, in one transaction; a URL done already is left
	// as it is.
	Ack(ctx context.Context, d model.URLDone) error
	Validators(ctx context.Context, url string) (etag, lastModified string, err error)
	SetValidators(ctx context.Context, url, etag, lastModified string) error
	// DocumentByURL finds an archived document (or one the URL is an
	// alias of); backfill sources skip what is archived already.
	DocumentByURL(ctx context.Context, u string) (*model.Document, error)
	// WriteFailed reports whether err, from a write to the state or the
	// sink, is the storage itself failing (a full disk, a read-only file
	// system) rather than a problem with what was written: the run then
	// stops, since every page fetched after would be lost.
	WriteFailed(err error) bool
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

	Now      func() time.Time // default time.Now
	Logger   *slog.Logger     // default discards
	Progress func(Progress)   // optional: called after each URL, from worker goroutines

	// AllowPrivate lets the crawler connect to loopback, private,
	// link-local, unspecified and multicast addresses. Off, such
	// fetches fail with a BlockedAddressError (netguard.go): pages and
	// redirects from the web must not reach the crawling machine's own
	// network. The loopback demo and tests turn it on.
	AllowPrivate bool
	addrPolicy   addrPolicy // tests only: replaces the public-address check
}

// Progress is a snapshot of a run's counts, reported after each URL.
type Progress struct {
	Source    string // source of the URL just handled
	URL       string
	Outcome   model.Outcome
	Fetched   int
	Stored    int
	Updated   int
	Unchanged int
	Dropped   int
	Skipped   int
	Refused   int
	Withdrawn int
	Failed    int
	Queued    int // URLs waiting in the frontier

	Reason string // why the URL was not archived
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
	sink  Sink
	state State
	opts  Options
	log   *slog.Logger
}

// New returns a crawler filing documents with sink and keeping its
// frontier, validators and log in state.
func New(sink Sink, state State, opts Options) *Crawler {
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
	return &Crawler{sink: sink, state: state, opts: opts, log: opts.Logger}
}

// Run crawls sources once, filing documents with the sink and filling
// run's counts and Log (every URL not archived, with its outcome).
// Fetched counts HTTP responses other than robots.txt. Failures of single
// URLs and invalid sources are counted and recorded, not returned; Run
// returns an error when ctx ends, and returns promptly then, or when the
// storage fails (a full disk): it stops at the first failed write, and
// the run resumes later from the URL that could not be kept. A run with
// ID 0 keeps its frontier, counts and log in memory only; with an ID,
// run's counts and Log at the end are what the state holds.
func (c *Crawler) Run(ctx context.Context, run *model.CrawlRun, sources []model.Source) error {
	if run == nil {
		run = &model.CrawlRun{}
	}
	// The run's own context: a failing store stops it (writeFailed).
	ctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	resumed := model.CrawlRun{}
	resumed.AddCounts(*run)
	r := &runner{
		c:         c,
		ctx:       ctx,
		stop:      stop,
		run:       run,
		fr:        newFrontier(c.opts.Delay, c.opts.Parallelism, maxCrawlDelay),
		sink:      c.sink,
		seen:      map[string]bool{},
		hostDocs:  map[string]int{},
		calendars: map[string]int{},
		variants:  map[string]int{},
		roots:     map[string]bool{},
		rootCount: map[string]int{},
		rootFails: map[string]int{},
		// A resumed run goes on counting from where it was.
		runCounters: resumed,
		durable:     resumed,
		owed:        map[string]model.CrawlRun{},
		owedLog:     map[string][]model.URLOutcome{},
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
		d := r.durable
		run.Fetched, run.Stored, run.Updated, run.Unchanged = d.Fetched, d.Stored, d.Updated, d.Unchanged
		run.Dropped, run.Skipped, run.Refused, run.Withdrawn, run.Failed = d.Dropped, d.Skipped, d.Refused, d.Withdrawn, d.Failed
		r.mu.Unlock()
	}
	c.log.Info("crawler: run finished",
		slog.Int64("run", run.ID), slog.Int("fetched", run.Fetched), slog.Int("stored", run.Stored),
		slog.Int("updated", run.Updated), slog.Int("unchanged", run.Unchanged), slog.Int("dropped", run.Dropped),
		slog.Int("skipped", run.Skipped), slog.Int("refused", run.Refused), slog.Int("withdrawn", run.Withdrawn),
		slog.Int("failed", run.Failed))
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
// pattern, an unknown kind) and acknowledges it at once, since no job
// will. A resumed run met it before the crash and holds the failure
// already, so it is not counted or logged again.
func (r *runner) failSource(ctx context.Context, src *source, u, reason string) {
	for _, e := range r.run.Log {
		if e.Source == src.Name && e.URL == u && e.Reason == reason {
			return
		}
	}
	r.fail(ctx, src, u, reason)
	r.ackKey(ctx, visitKey(u)) // persist.go
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
