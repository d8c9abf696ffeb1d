package crawler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"runtime/debug"
	"sync"
	"time"

	"github.com/temoto/robotstxt"

	"policywatch/model"
)

type jobKind int

const (
	jobRobots   jobKind = iota
	jobDiscover         // a discovery response of a source: feed, sitemap, API page...; read by discoverer(src.Kind)
	jobPage             // a seed source's page: the seed, a pagination page or a followed link
	jobDoc              // a document found by discovery
)

// discoverFunc reads one discovery response of a source and queues what
// it finds (documents as jobDoc, further discovery pages as jobDiscover).
type discoverFunc func(r *runner, ctx context.Context, j *job, res *response)

// discoverer returns how to read a source kind's discovery responses, or
// nil for a kind the crawler does not know. Seed sources are crawled as
// pages, not discovered. A new source kind adds one case here (and, in
// its own file, the method the case names).
func discoverer(kind string) discoverFunc {
	switch kind {
	case model.SourceFeed:
		return (*runner).feed
	case model.SourceSitemap:
		return (*runner).sitemap
	case model.SourceFederalRegister:
		return (*runner).api
	case model.SourceGDELT:
		return (*runner).gdelt
	case model.SourceWayback:
		return (*runner).wayback
	case model.SourceGovUK:
		return (*runner).govuk
	}
	return nil
}

// startURLs returns the first URLs of a source: its URL, unless its kind
// builds its requests from the source's settings (API queries, date
// windows). A new kind of that sort adds one case here.
func (r *runner) startURLs(s *source) []string {
	switch s.Kind {
	case model.SourceGDELT:
		return gdeltStart(s, r.c.opts.Now())
	case model.SourceWayback:
		return waybackStart(s)
	case model.SourceGovUK:
		return govukStart(s)
	}
	return []string{s.URL}
}

// jobKindFor maps a source kind to the job that starts it, or -1.
func jobKindFor(kind string) jobKind {
	if kind == model.SourceSeed {
		return jobPage
	}
	if discoverer(kind) != nil {
		return jobDiscover
	}
	return -1
}

// Limits on how far one source's discovery pages may lead.
const (
	maxListingPages   = 200 // pagination pages per seed source
	maxSitemapDepth   = 3   // index → index → sitemap
	maxDiscoveryPages = 200 // further discovery pages per source: API result pages, child sitemaps
)

// job is one URL to fetch and what to do with it.
type job struct {
	kind    jobKind
	src     *source
	url     string // normalized
	scheme  string
	host    string // politeness key: host[:port]
	depth   int    // link depth from the seed; sitemap nesting; API page number
	attempt int    // failed attempts so far (retries)
	listing bool   // seed or pagination page: followed for links, never a document
	hint    hint   // metadata the discovery page gave
	acked   bool   // acknowledged already (saved and acknowledged at once)
}

// hint is fallback metadata from a feed item, sitemap entry or API result.
type hint struct {
	title      string
	published  time.Time
	dateSource string
	docNumber  string
}

// runner is the state of one Run.
type runner struct {
	c     *Crawler
	ctx   context.Context // the run's: enqueue is called deep in discovery
	run   *model.CrawlRun
	fr    scheduler
	fetch *fetcher
	sink  Sink // the crawler's; a cluster's worker files each claimed URL's page with the claim
	// shared: the run's frontier is a cluster's (shared.go); this runner
	// handles one claimed URL, and what it finds is handed back with the
	// URL rather than written as it goes.
	shared bool

	mu          sync.Mutex
	seen        map[string]bool // visitKey of every URL queued or fetched
	docs        int             // document jobs queued (MaxPages)
	hostDocs    map[string]int  // document jobs queued per host (MaxPerHost)
	calendars   map[string]int  // followed pages per calendar (calendarKey)
	variants    map[string]int  // followed multi-parameter query variants per path (queryVariantKey)
	roots       map[string]bool // rootKey of each source's start URLs
	rootCount   map[string]int  // start URLs per source
	rootFails   map[string]int  // failed start URLs per source
	capLogged   bool
	perSource   map[string]int // discovery pages queued per source (listing/API)
	runCounters model.CrawlRun // guarded copy of the counts, copied to run at each change

	// With a stored run (persist.go): the counts the state holds, and
	// what each URL's work changed that its acknowledgement will write.
	durable  model.CrawlRun
	owed     map[string]model.CrawlRun     // by visitKey
	owedLog  map[string][]model.URLOutcome // by visitKey
	stop     context.CancelCauseFunc       // ends the run early (writeFailed)
	stopOnce sync.Once
}

func (r *runner) log() *slog.Logger { return r.c.log }

// enqueue queues j unless its URL was already queued in this run, looks
// like a trap, or the document cap is reached. It reports whether j was
// queued.
func (r *runner) enqueue(j *job) bool {
	u, err := url.Parse(j.url)
	if err != nil || u.Host == "" {
		return false
	}
	if why := trapReason(j.url); why != "" {
		r.log().Debug("crawler: skip trap url", slog.String("url", j.url), slog.String("why", why))
		return false
	}
	j.scheme, j.host = u.Scheme, u.Host
	isDoc := j.kind == jobDoc || (j.kind == jobPage && !j.listing)
	key := visitKey(j.url)

	r.mu.Lock()
	if r.seen[key] {
		r.mu.Unlock()
		return false
	}
	if isDoc && r.c.opts.MaxPages > 0 && r.docs >= r.c.opts.MaxPages {
		logIt := !r.capLogged
		r.capLogged = true
		r.mu.Unlock()
		if logIt {
			r.log().Info("crawler: page cap reached", slog.Int("max_pages", r.c.opts.MaxPages))
		}
		return false
	}
	if isDoc && r.c.opts.MaxPerHost > 0 && r.hostDocs[j.host] >= r.c.opts.MaxPerHost {
		r.mu.Unlock()
		r.log().Debug("crawler: host page cap reached", slog.String("url", j.url), slog.Int("max_per_host", r.c.opts.MaxPerHost))
		return false
	}
	if r.perSource == nil {
		r.perSource = map[string]int{}
	}
	if j.kind == jobPage && j.depth > 0 {
		if k := calendarKey(u); k != "" {
			if r.calendars[k] >= maxCalendarPages {
				r.mu.Unlock()
				r.log().Debug("crawler: skip calendar page", slog.String("url", j.url), slog.Int("max", maxCalendarPages))
				return false
			}
			r.calendars[k]++
		}
		if k := queryVariantKey(u); k != "" {
			if r.variants[k] >= maxQueryVariants {
				r.mu.Unlock()
				r.log().Debug("crawler: skip query variant", slog.String("url", j.url), slog.Int("max", maxQueryVariants))
				return false
			}
			r.variants[k]++
		}
	}
	switch {
	case j.kind == jobPage && j.listing:
		if r.perSource[j.src.Name] >= maxListingPages {
			r.mu.Unlock()
			return false
		}
		r.perSource[j.src.Name]++
	case j.kind == jobDiscover && j.depth > 0:
		// Further pages of a source's discovery (API result pages, child
		// sitemaps) are bounded per source.
		if r.perSource[j.src.Name] >= maxDiscoveryPages {
			r.mu.Unlock()
			return false
		}
		r.perSource[j.src.Name]++
	}
	r.seen[key] = true
	if isDoc {
		r.docs++
		r.hostDocs[j.host]++
	}
	r.mu.Unlock()
	// Stored before it is queued: a crash between the two then costs a
	// second look at the URL, never the URL.
	r.persist(r.ctx, j)
	r.fr.add(j)
	return true
}

// markSeen records a URL reached by redirect so it is not fetched again.
func (r *runner) markSeen(u string) {
	n, err := NormalizeURL(u)
	if err != nil {
		return
	}
	r.mu.Lock()
	r.seen[visitKey(n)] = true
	r.mu.Unlock()
}

// checkRedirect vets a redirect target: not a URL this run already
// fetched or queued, and not one a known robots.txt refuses. Hosts whose
// robots.txt we have not read yet are allowed.
func (r *runner) checkRedirect(target *url.URL, via []*http.Request) error {
	n, err := NormalizeURL(target.String())
	if err != nil {
		return err
	}
	key := visitKey(n)
	// "/a" → "/a/" and cookie round-trips lead back to this very fetch.
	self := false
	for _, v := range via {
		if vn, err := NormalizeURL(v.URL.String()); err == nil && visitKey(vn) == key {
			self = true
		}
	}
	r.mu.Lock()
	seen := r.seen[key]
	r.mu.Unlock()
	if seen && !self {
		return errRedirectSeen
	}
	p := target.EscapedPath()
	if target.RawQuery != "" {
		p += "?" + target.RawQuery
	}
	if why := r.fr.refusalFor(target.Host, p); why != "" {
		return errRedirectRobots
	}
	// Each hop is a request too: pace it like one. (The slot of the
	// original host is held meanwhile, which is what its pace asks.)
	if d := r.fr.delayFor(target.Host, r.c.opts.Delay); d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.ctx.Done():
			return r.ctx.Err()
		}
	}
	return nil
}

// safeProcess runs process, turning a panic (a parser meeting hostile
// input) into a failure of that one URL rather than of the whole run. It
// reports whether j is finished (false: queued again for a retry, or
// interrupted by ctx).
func (r *runner) safeProcess(ctx context.Context, j *job, hq *hostQueue) (finished bool) {
	defer func() {
		if v := recover(); v != nil {
			r.log().Error("crawler: panic", slog.String("url", j.url), slog.Any("panic", v), slog.String("stack", string(debug.Stack())))
			r.fail(ctx, j.src, j.url, fmt.Sprintf("internal error: %v", v))
			finished = true
		}
	}()
	return r.process(ctx, j, hq)
}

// process runs one job on its host's slot and reports whether it is
// finished (see safeProcess).
func (r *runner) process(ctx context.Context, j *job, hq *hostQueue) bool {
	if j.kind == jobRobots {
		return r.robots(ctx, j, hq)
	}
	u, _ := url.Parse(j.url)
	p := u.EscapedPath()
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	if why := r.fr.refusal(hq, p); why != "" {
		r.outcome(ctx, j.src, j.url, model.OutcomeRefused, why, true)
		return true
	}
	var cond http.Header
	if j.kind == jobDoc || (j.kind == jobPage && !j.listing) {
		cond = r.conditional(ctx, j.url)
	}
	res, err := r.fetch.get(ctx, j.url, acceptFor(j), cond)
	if ctx.Err() != nil {
		return false
	}
	if res != nil {
		r.count(j.url, func(c *model.CrawlRun) { c.Fetched++ })
		if res.finalURL != j.url {
			r.markSeen(res.finalURL)
		}
	}
	if err != nil {
		var fe *fetchError
		if errors.As(err, &fe) && fe.skipped {
			// fetch.go skips two things: what robots.txt refuses, and
			// (quietly) a redirect to a URL this run already fetched.
			if fe.quiet {
				r.outcome(ctx, j.src, j.url, model.OutcomeSkipped, fe.reason, false)
			} else {
				r.outcome(ctx, j.src, j.url, model.OutcomeRefused, fe.reason, true)
			}
			return true
		}
		if errors.As(err, &fe) && fe.retry {
			return r.retry(ctx, j, hq, fe)
		}
		if r.withdrawn(ctx, j, res) { // withdraw.go: a document page answering 404/410
			return true
		}
		r.fail(ctx, j.src, j.url, errReason(err))
		return true
	}
	if res.status == http.StatusNotModified {
		r.notModified(ctx, j)
		return true
	}
	switch j.kind {
	case jobDiscover:
		discoverer(j.src.Kind)(r, ctx, j, res)
	case jobPage:
		r.page(ctx, j, res)
	case jobDoc:
		r.document(ctx, j, res)
	}
	return true
}

// retry queues j for another attempt after a backoff, or the server's
// Retry-After, and reports false; when attempts are used up, or the
// server asks for a longer wait than we make, it records the failure and
// reports true.
func (r *runner) retry(ctx context.Context, j *job, hq *hostQueue, fe *fetchError) bool {
	o := r.c.opts
	attempts := j.attempt + 1
	var wait time.Duration
	if fe.hasRetryAfter {
		wait = fe.retryAfter
	} else {
		wait = backoff(o.RetryBase, j.attempt)
	}
	switch {
	case fe.hasRetryAfter && wait > o.RetryMaxWait:
		r.fail(ctx, j.src, j.url, fmt.Sprintf("%s: Retry-After %s is longer than the %s we wait", fe.reason, wait, o.RetryMaxWait))
		return true
	case attempts >= o.MaxAttempts:
		reason := fe.reason
		if attempts > 1 {
			reason = fmt.Sprintf("%s (%d attempts)", reason, attempts)
		}
		r.fail(ctx, j.src, j.url, reason)
		return true
	}
	wait = min(wait, o.RetryMaxWait)
	j.attempt = attempts
	r.log().Info("crawler: will retry", slog.String("url", j.url), slog.String("reason", fe.reason),
		slog.Int("attempt", attempts), slog.Duration("wait", wait))
	r.fr.retryLater(hq, j, wait)
	return false
}

// backoff is base·2^n with up to 50% added at random, so that many
// clients failing together do not come back together.
func backoff(base time.Duration, n int) time.Duration {
	d := base << min(n, 16)
	return d + time.Duration(rand.Int64N(int64(d)/2+1))
}

func acceptFor(j *job) string {
	if j.kind == jobDiscover {
		switch j.src.Kind {
		case model.SourceFeed:
			return "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, */*;q=0.5"
		case model.SourceSitemap:
			return "application/xml, text/xml;q=0.9, */*;q=0.5"
		}
		return "application/json, application/xml;q=0.9, */*;q=0.5"
	}
	return "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
}

func errReason(err error) string {
	var fe *fetchError
	if errors.As(err, &fe) {
		return fe.Error()
	}
	return err.Error()
}

// robots fetches and applies a host's robots.txt. A missing robots.txt
// (4xx) or an unreachable one allows everything; a 5xx refuses the host
// for this run, as the robots.txt convention asks.
//
// A robots.txt that times out or answers 429 or 5xx is tried again like
// any page (MaxAttempts, backoff, Retry-After) before that verdict: one
// hiccup should not cost a whole site's crawl. It reports false while a
// retry is queued.
func (r *runner) robots(ctx context.Context, j *job, hq *hostQueue) bool {
	res, err := r.fetch.getRobots(ctx, j.url)
	if ctx.Err() != nil {
		r.fr.setRobots(hq, nil, "", nil)
		return true
	}
	var fe *fetchError
	if err != nil {
		errors.As(err, &fe)
	} else if res != nil && res.status >= 400 {
		fe = statusError(res)
	}
	if fe != nil && fe.retry && j.attempt+1 < r.c.opts.MaxAttempts {
		wait := backoff(r.c.opts.RetryBase, j.attempt)
		if fe.hasRetryAfter {
			wait = fe.retryAfter
		}
		if wait <= r.c.opts.RetryMaxWait {
			j.attempt++
			r.log().Info("crawler: will retry robots.txt", slog.String("url", j.url), slog.String("reason", fe.reason),
				slog.Int("attempt", j.attempt), slog.Duration("wait", wait))
			r.fr.retryLater(hq, j, wait)
			return false
		}
	}
	if err != nil || res == nil {
		r.log().Info("crawler: robots.txt unavailable, crawling without it", slog.String("url", j.url), slog.String("err", errReason(err)))
		r.fr.setRobots(hq, nil, "", nil)
		return true
	}
	if res.status >= 500 || res.status == http.StatusTooManyRequests {
		r.fr.setRobots(hq, nil, fmt.Sprintf("robots.txt answered HTTP %d", res.status), res)
		return true
	}
	data, err := robotstxt.FromStatusAndBytes(res.status, res.body)
	if err != nil {
		r.log().Info("crawler: unparsable robots.txt, crawling without it", slog.String("url", j.url), slog.String("err", err.Error()))
		r.fr.setRobots(hq, nil, "", res)
		return true
	}
	g := data.FindGroup(r.c.opts.UserAgent)
	r.fr.setRobots(hq, g, "", res)
	if d := r.fr.hostDelay(hq); d > r.c.opts.Delay {
		r.log().Debug("crawler: host delay from robots.txt", slog.String("host", j.host), slog.Duration("delay", d))
	}
	return true
}

// count applies f to the run's counts and copies them to run; in a
// stored run the change is also owed by URL u until its acknowledgement
// writes it (persist.go).
func (r *runner) count(u string, f func(*model.CrawlRun)) model.CrawlRun {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.persisted() {
		k := visitKey(u)
		o := r.owed[k]
		f(&o)
		r.owed[k] = o
	}
	f(&r.runCounters)
	c := r.runCounters
	r.run.Fetched, r.run.Stored, r.run.Updated, r.run.Unchanged = c.Fetched, c.Stored, c.Updated, c.Unchanged
	r.run.Dropped, r.run.Skipped, r.run.Refused, r.run.Withdrawn, r.run.Failed = c.Dropped, c.Skipped, c.Refused, c.Withdrawn, c.Failed
	return c
}

// fail counts a failure and logs it in the run, noting when it leaves
// the source with nothing crawled (every start URL failed).
func (r *runner) fail(ctx context.Context, src *source, u, reason string) {
	r.mu.Lock()
	whole := false
	if r.roots[rootKey(src.Name, u)] {
		r.rootFails[src.Name]++
		whole = r.rootFails[src.Name] == r.rootCount[src.Name]
	}
	r.mu.Unlock()
	counts := r.count(u, func(c *model.CrawlRun) { c.Failed++ })
	r.record(ctx, model.URLOutcome{URL: u, Source: src.Name, Outcome: model.OutcomeFailed, Reason: reason, SourceFailed: whole})
	r.report(src, u, model.OutcomeFailed, reason, whole, counts)
	r.log().Warn("crawler: failed", slog.String("source", src.Name), slog.String("url", u), slog.String("reason", reason))
	if whole {
		r.log().Error("crawler: source failed entirely", slog.String("source", src.Name), slog.String("reason", reason))
	}
}

// outcome counts a URL that was not archived and not failed (refused,
// withdrawn, dropped, skipped); logged says whether it goes in the run's
// log (a redirect to a URL already fetched and a listing page do not:
// they say nothing about the sources).
func (r *runner) outcome(ctx context.Context, src *source, u string, o model.Outcome, reason string, logged bool) {
	counts := r.count(u, func(c *model.CrawlRun) { c.Add(o) })
	if logged {
		r.record(ctx, model.URLOutcome{URL: u, Source: src.Name, Outcome: o, Reason: reason})
	}
	r.report(src, u, o, reason, false, counts)
	r.log().Debug("crawler: "+string(o), slog.String("source", src.Name), slog.String("url", u), slog.String("reason", reason))
}

// notDocument counts a page Build (or the sink) would not archive.
func (r *runner) notDocument(ctx context.Context, j *job, nd *NotDocument) {
	switch {
	case nd == nil:
		r.fail(ctx, j.src, j.url, "internal error: no reason given")
	case nd.Outcome == model.OutcomeFailed:
		r.fail(ctx, j.src, j.url, nd.Reason)
	default:
		r.outcome(ctx, j.src, j.url, nd.Outcome, nd.Reason, logged(nd))
	}
}

// logged reports whether a page not archived goes in the run's log:
// listing pages are the crawler's way in, not news about a source.
func logged(nd *NotDocument) bool { return nd.Reason != "listing page" }

// record adds an entry to the run's log: at once in a run kept in memory;
// in a stored run, with its URL's acknowledgement (persist.go), so that
// a URL done again after a crash is not logged twice.
func (r *runner) record(ctx context.Context, e model.URLOutcome) {
	e.At = r.c.opts.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.persisted() {
		k := visitKey(e.URL)
		r.owedLog[k] = append(r.owedLog[k], e)
		return
	}
	r.run.Log = append(r.run.Log, e)
}

func (r *runner) progress(src *source, u string, o model.Outcome, c model.CrawlRun) {
	r.report(src, u, o, "", false, c)
}

func (r *runner) report(src *source, u string, o model.Outcome, reason string, sourceFailed bool, c model.CrawlRun) {
	if r.c.opts.Progress == nil {
		return
	}
	r.c.opts.Progress(Progress{
		Source: src.Name, URL: u, Outcome: o, Reason: reason, SourceFailed: sourceFailed,
		Fetched: c.Fetched, Stored: c.Stored, Updated: c.Updated, Unchanged: c.Unchanged, Dropped: c.Dropped,
		Skipped: c.Skipped, Refused: c.Refused, Withdrawn: c.Withdrawn, Failed: c.Failed, Queued: r.fr.pending(),
	})
}

// addRoot records u as one of the start URLs of the named source.
func (r *runner) addRoot(name, u string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := rootKey(name, u)
	if r.roots[k] {
		return
	}
	r.roots[k] = true
	r.rootCount[name]++
}

func rootKey(source, u string) string { return source + "\x00" + visitKey(u) }

// hostOf returns the host[:port] of a URL, or "".
func hostOf(u string) string {
	pu, err := url.Parse(u)
	if err != nil {
		return ""
	}
	return pu.Host
}
