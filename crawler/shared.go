package crawler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/temoto/robotstxt"

	"policywatch/model"
)

// A cluster's workers crawl from a frontier they share (a PostgreSQL
// archive's; package cluster implements it): each claims one URL at a
// time, under a lease, processes it exactly as a run would (robots.txt,
// fetch, discovery, filing through the Sink) and hands back what it found
// with the URL: counts, log, URLs discovered, robots.txt. The shared
// frontier keeps politeness for all workers together, so a worker does
// not pace anything itself; it only keeps the host's rules and delay it
// was told with the claim.

// Claim is a URL a worker holds from a shared frontier.
type Claim struct {
	RunID   int64
	Item    model.FrontierItem // Kind is "robots", "discover", "page" or "doc"
	Attempt int                // failed attempts before this claim
	// The host as the frontier knows it.
	Delay  time.Duration // between its requests
	Robots *RobotsFile   // its robots.txt; nil until known
	// Lost is closed when the claim was lost to another worker (its lease
	// ran out): the work is abandoned. Nil when it cannot happen.
	Lost <-chan struct{}
	// Handle is the frontier's own (a lease).
	Handle any
}

// RobotsFile is a host's robots.txt as one worker fetched it for all.
type RobotsFile struct {
	Status int    // 0: unavailable (crawled without rules)
	Body   []byte // as served
	Block  string // non-empty: every URL of the host refused, with this reason
}

// ClaimResult is what became of a claimed URL.
type ClaimResult struct {
	// Finished is false when the URL is to be tried again after Wait (a
	// timeout, a 429 or a 5xx): the host is paused meanwhile.
	Finished bool
	Wait     time.Duration
	Counts   model.CrawlRun       // what the URL adds to its run's counts
	Log      []model.URLOutcome   // its outcomes for the run's log
	Enqueue  []model.FrontierItem // URLs it led to, for the same run
	// Robots jobs: the host's robots.txt and the delay its requests keep
	// from now on (max of Options.Delay and its Crawl-delay).
	Robots *RobotsFile
	Delay  time.Duration
}

// Shared is a frontier several crawler processes share.
type Shared interface {
	// Claim returns the next URL that may be fetched now, or nil and how
	// long to wait before asking again.
	Claim(ctx context.Context) (*Claim, time.Duration, error)
	// Sink is where the claimed URL's document goes: filing it is part
	// of finishing the URL (one transaction in a PostgreSQL archive).
	Sink(c *Claim) Sink
	// Finish hands the URL back with what became of it. An error wrapping
	// ErrClaimLost means another worker had taken the URL over: nothing
	// of this result was kept.
	Finish(ctx context.Context, c *Claim, r ClaimResult) error
	// Release hands the URL back untouched (the worker is stopping).
	Release(ctx context.Context, c *Claim) error
}

// ErrClaimLost says a claim was taken over by another worker.
var ErrClaimLost = errors.New("claim lost to another worker")

// Work claims URLs from sh and processes them, Parallelism at a time,
// until ctx ends; then the URLs in hand are released. sources are the
// topic's: a claimed URL names its source, whose settings (patterns,
// depth, charset) apply. until, when not nil, ends the work when it
// reports true (checked before each claim).
func (c *Crawler) Work(ctx context.Context, sh Shared, sources []model.Source, until func() bool) error {
	compiled := map[string]*source{}
	for _, s := range sources {
		cs, err := compileSource(s)
		if err != nil {
			return err
		}
		compiled[s.Name] = cs
	}
	rules := &robotsRules{byOrigin: map[string]*robotsRule{}}
	// A write the store fails (a full disk) stops the worker, as it stops
	// a run: every page fetched after would be lost.
	ctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	var wg sync.WaitGroup
	errc := make(chan error, c.opts.Parallelism)
	for range c.opts.Parallelism {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := c.workLoop(ctx, stop, sh, compiled, rules, until); err != nil {
				errc <- err
			}
		}()
	}
	wg.Wait()
	close(errc)
	if err := <-errc; err != nil {
		return err
	}
	if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
		return cause
	}
	return ctx.Err()
}

// workLoop is one of Work's goroutines: its own fetcher, one claim at a
// time.
func (c *Crawler) workLoop(ctx context.Context, stop context.CancelCauseFunc, sh Shared, sources map[string]*source, rules *robotsRules, until func() bool) error {
	var cur *runner // the claim being processed; its redirects are checked against it
	fetch := newFetcher(ctx, c.opts, func(target *url.URL, via []*http.Request) error { return cur.checkRedirect(target, via) })
	failures := 0
	for ctx.Err() == nil {
		if until != nil && until() {
			return nil
		}
		cl, wait, err := sh.Claim(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			// The database may be restarting: back off, do not die.
			failures++
			c.log.Error("crawler: claim a URL", slog.String("err", err.Error()), slog.Int("failures", failures))
			wait = min(time.Duration(failures)*time.Second, 30*time.Second)
		} else {
			failures = 0
		}
		if cl == nil {
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return nil
			case <-t.C:
			}
			continue
		}
		cur = c.claimRunner(ctx, sh, cl, sources, rules, fetch)
		cur.stop = stop
		c.handleClaim(ctx, sh, cur, cl, sources)
	}
	return nil
}

// claimRunner prepares a runner for one claimed URL.
func (c *Crawler) claimRunner(ctx context.Context, sh Shared, cl *Claim, sources map[string]*source, rules *robotsRules, fetch *fetcher) *runner {
	sc := &claimScheduler{c: c, claim: cl, hq: &hostQueue{host: hostOf(cl.Item.URL), delay: cl.Delay}}
	if cl.Robots != nil {
		rule := rules.get(c.opts.UserAgent, originOf(cl.Item.URL), cl.Robots)
		sc.hq.robotsDone, sc.hq.robots, sc.hq.robotsBlock = true, rule.group, cl.Robots.Block
		// colly's own robots.txt check reads the shared copy.
		status, body := cl.Robots.Status, cl.Robots.Body
		if status == 0 {
			status, body = 404, nil // unavailable: crawled without rules, as decided
		}
		fetch.cache.seed(originOf(cl.Item.URL), status, body)
	}
	r := &runner{
		c: c, ctx: ctx, run: &model.CrawlRun{ID: cl.RunID}, fr: sc, fetch: fetch, sink: c.sink, shared: true,
		seen: map[string]bool{}, hostDocs: map[string]int{}, calendars: map[string]int{}, variants: map[string]int{},
		roots: map[string]bool{}, rootCount: map[string]int{}, rootFails: map[string]int{},
	}
	sc.r = r
	if src := sources[cl.Item.Source]; src != nil {
		// A source's start URLs are its roots: when the only one fails,
		// the source failed entirely.
		for _, u := range r.startURLs(src) {
			r.addRoot(src.Name, u)
		}
	}
	return r
}

// handleClaim runs one claimed URL and finishes it.
func (c *Crawler) handleClaim(ctx context.Context, sh Shared, r *runner, cl *Claim, sources map[string]*source) {
	sc := r.fr.(*claimScheduler)
	jobCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	if cl.Lost != nil {
		go func() {
			select {
			case <-cl.Lost:
				cancel()
			case <-jobCtx.Done():
			}
		}()
	}
	j, err := claimJob(cl, r, sources)
	finished := true
	if err != nil {
		r.fail(jobCtx, &source{Source: model.Source{Name: cl.Item.Source}}, cl.Item.URL, err.Error())
	} else {
		r.sink = sh.Sink(cl)
		finished = r.safeProcess(jobCtx, j, sc.hq)
	}
	if jobCtx.Err() != nil {
		// Stopping (or the claim was lost): hand the URL back as it was.
		if ctx.Err() != nil {
			if err := sh.Release(context.WithoutCancel(ctx), cl); err != nil {
				c.log.Warn("crawler: release a claimed URL", slog.String("url", cl.Item.URL), slog.String("err", err.Error()))
			}
		} else {
			c.log.Warn("crawler: claim lost to another worker; its work here is dropped", slog.String("url", cl.Item.URL))
		}
		return
	}
	res := ClaimResult{Finished: finished && !sc.retry, Wait: sc.wait, Counts: r.runCounters, Log: r.run.Log,
		Enqueue: sc.queued, Robots: sc.robots, Delay: sc.hq.delay}
	if err := sh.Finish(ctx, cl, res); err != nil {
		if errors.Is(err, ErrClaimLost) {
			c.log.Warn("crawler: late result refused: another worker took the URL over", slog.String("url", cl.Item.URL))
			return
		}
		c.log.Error("crawler: finish a claimed URL", slog.String("url", cl.Item.URL), slog.String("err", err.Error()))
	}
}

// claimJob turns a claimed URL back into the job it was queued as.
func claimJob(cl *Claim, r *runner, sources map[string]*source) (*job, error) {
	it := cl.Item
	u, err := url.Parse(it.URL)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("claimed URL %q has no host", it.URL)
	}
	j := &job{url: it.URL, scheme: u.Scheme, host: u.Host, depth: it.Depth, attempt: cl.Attempt, listing: it.Listing,
		hint: hint{title: it.Title, published: it.Published, dateSource: it.DateSource, docNumber: it.DocNumber}}
	if it.Kind == kindRobots {
		j.kind = jobRobots
		j.src = &source{}
		return j, nil
	}
	kind, ok := jobKindNamed(it.Kind)
	if !ok {
		return nil, fmt.Errorf("claimed URL %s has an unknown kind %q", it.URL, it.Kind)
	}
	j.kind = kind
	j.src = sources[it.Source]
	if j.src == nil {
		return nil, fmt.Errorf("source %q of the claimed URL is not in this worker's topic config", it.Source)
	}
	r.mu.Lock()
	r.seen[visitKey(it.URL)] = true
	r.mu.Unlock()
	return j, nil
}

// kindRobots is the frontier kind of a host's robots.txt.
const kindRobots = "robots"

// claimScheduler is the scheduler of a runner that handles one claimed
// URL: it keeps what the URL leads to and what its robots.txt said, for
// the claim's result, and answers with the host state the claim came
// with. Pacing is the shared frontier's.
type claimScheduler struct {
	c     *Crawler
	r     *runner
	claim *Claim
	hq    *hostQueue

	mu     sync.Mutex
	queued []model.FrontierItem
	retry  bool
	wait   time.Duration
	robots *RobotsFile
}

var _ scheduler = (*claimScheduler)(nil)

func (s *claimScheduler) add(j *job) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queued = append(s.queued, model.FrontierItem{
		Key: visitKey(j.url), URL: j.url, Source: j.src.Name, Kind: jobKindNames[j.kind],
		Depth: j.depth, Listing: j.listing, Title: j.hint.title, Published: j.hint.published,
		DateSource: j.hint.dateSource, DocNumber: j.hint.docNumber,
	})
}

func (s *claimScheduler) next(context.Context) (*job, *hostQueue, bool) { return nil, nil, false }

func (s *claimScheduler) done(*hostQueue) {}

func (s *claimScheduler) retryLater(_ *hostQueue, _ *job, wait time.Duration) {
	s.mu.Lock()
	s.retry, s.wait = true, wait
	s.mu.Unlock()
}

func (s *claimScheduler) setRobots(hq *hostQueue, g *robotstxt.Group, block string, fetched *response) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rf := &RobotsFile{Block: block}
	if fetched != nil {
		rf.Status, rf.Body = fetched.status, fetched.body
	}
	s.robots = rf
	hq.robots, hq.robotsBlock, hq.robotsDone = g, block, true
	hq.delay = s.c.opts.Delay
	if g != nil && g.CrawlDelay > hq.delay {
		hq.delay = min(g.CrawlDelay, max(maxCrawlDelay, s.c.opts.Delay))
	}
}

func (s *claimScheduler) refusal(hq *hostQueue, p string) string {
	switch {
	case hq.robotsBlock != "":
		return hq.robotsBlock
	case hq.robots != nil && !hq.robots.Test(p):
		return "robots.txt disallows"
	}
	return ""
}

func (s *claimScheduler) refusalFor(host, p string) string {
	if host == s.hq.host {
		return s.refusal(s.hq, p)
	}
	return ""
}

func (s *claimScheduler) hostDelay(hq *hostQueue) time.Duration { return hq.delay }

func (s *claimScheduler) delayFor(host string, def time.Duration) time.Duration {
	if host == s.hq.host {
		return s.hq.delay
	}
	return def
}

func (s *claimScheduler) pending() int { return 0 }

// robotsRules caches each origin's parsed robots.txt in a worker, so a
// host's rules are parsed once per worker, not once per URL.
type robotsRules struct {
	mu       sync.Mutex
	byOrigin map[string]*robotsRule
}

type robotsRule struct {
	file  *RobotsFile
	group *robotstxt.Group // nil: everything allowed
}

func (rr *robotsRules) get(agent, origin string, f *RobotsFile) *robotsRule {
	rr.mu.Lock()
	defer rr.mu.Unlock()
	if r, ok := rr.byOrigin[origin]; ok && r.file.Status == f.Status && string(r.file.Body) == string(f.Body) {
		return r
	}
	r := &robotsRule{file: f}
	if f.Status != 0 && f.Block == "" {
		if data, err := robotstxt.FromStatusAndBytes(f.Status, f.Body); err == nil {
			r.group = data.FindGroup(agent)
		}
	}
	rr.byOrigin[origin] = r
	return r
}

// originOf is scheme://host[:port] of a URL.
func originOf(u string) string {
	pu, err := url.Parse(u)
	if err != nil {
		return ""
	}
	return pu.Scheme + "://" + pu.Host
}

// Roots returns the first URLs of sources as frontier items, to start a
// run in a shared frontier, and an outcome for each source that cannot be
// crawled (a broken pattern, an unknown kind), as Run would log it.
func (c *Crawler) Roots(sources []model.Source) ([]model.FrontierItem, []model.URLOutcome) {
	r := &runner{c: c}
	var (
		items []model.FrontierItem
		bad   []model.URLOutcome
	)
	for _, src := range sources {
		s, err := compileSource(src)
		if err != nil {
			bad = append(bad, model.URLOutcome{URL: src.URL, Source: src.Name, Outcome: model.OutcomeFailed,
				Reason: err.Error(), At: c.opts.Now(), SourceFailed: true})
			continue
		}
		kind := jobKindFor(s.Kind)
		if kind < 0 {
			bad = append(bad, model.URLOutcome{URL: s.URL, Source: s.Name, Outcome: model.OutcomeFailed,
				Reason: fmt.Sprintf("unknown source kind %q", s.Kind), At: c.opts.Now(), SourceFailed: true})
			continue
		}
		for _, u := range r.startURLs(s) {
			items = append(items, model.FrontierItem{Key: visitKey(u), URL: u, Source: s.Name, Kind: jobKindNames[kind],
				Listing: kind == jobPage})
		}
	}
	return items, bad
}
