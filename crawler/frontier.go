package crawler

import (
	"context"
	"sync"
	"time"

	"github.com/temoto/robotstxt"
)

// scheduler decides when each queued URL may be fetched: the run's own
// frontier (below), or, for a worker of a cluster, the shared frontier in
// the archive (shared.go).
type scheduler interface {
	add(j *job)
	next(ctx context.Context) (*job, *hostQueue, bool)
	done(hq *hostQueue)
	retryLater(hq *hostQueue, j *job, wait time.Duration)
	// setRobots records hq's robots.txt (fetched: the response, nil when
	// none came) and its verdict: g's rules, or block for a refused host.
	setRobots(hq *hostQueue, g *robotstxt.Group, block string, fetched *response)
	refusal(hq *hostQueue, p string) string
	refusalFor(host, p string) string
	hostDelay(hq *hostQueue) time.Duration
	delayFor(host string, def time.Duration) time.Duration
	pending() int
}

var _ scheduler = (*frontier)(nil)

// frontier is the run's scheduler: one FIFO queue per host, handed to a
// fixed pool of workers so that a slow or rate-limited host never holds
// a worker while another host has work that may start now. colly's
// LimitRule limits per rule, not per host, and sleeps its delay while
// holding the slot; doing it here also lets waits end when ctx does.
type frontier struct {
	mu       sync.Mutex
	hosts    map[string]*hostQueue
	order    []string // hosts in arrival order, scanned round-robin
	rr       int
	queued   int
	inflight int
	changed  chan struct{} // closed and replaced whenever a host may have become ready

	delay       time.Duration // politeness floor for every host
	parallelism int           // per-host cap when the host asks for no delay
	maxDelay    time.Duration // cap on a robots.txt Crawl-delay
}

// hostQueue is one host's pending jobs and politeness state.
type hostQueue struct {
	host  string
	jobs  []*job
	busy  int
	next  time.Time     // earliest start of the next request
	pause time.Time     // no request before this: a Retry-After or a backoff
	delay time.Duration // max(Options.Delay, Crawl-delay)

	robotsDone  bool
	robots      *robotstxt.Group // nil: everything allowed
	robotsBlock string           // non-empty: every URL refused, with this reason
}

func newFrontier(delay time.Duration, parallelism int, maxDelay time.Duration) *frontier {
	return &frontier{
		hosts:       map[string]*hostQueue{},
		changed:     make(chan struct{}),
		delay:       delay,
		parallelism: parallelism,
		maxDelay:    maxDelay,
	}
}

// notify wakes workers waiting for a ready host. Callers hold f.mu.
func (f *frontier) notify() {
	close(f.changed)
	f.changed = make(chan struct{})
}

// add queues j on its host. A host seen for the first time gets its
// robots.txt fetched before anything else.
func (f *frontier) add(j *job) {
	f.mu.Lock()
	defer f.mu.Unlock()
	hq, ok := f.hosts[j.host]
	if !ok {
		hq = &hostQueue{host: j.host, delay: f.delay}
		f.hosts[j.host] = hq
		f.order = append(f.order, j.host)
		hq.jobs = append(hq.jobs, &job{kind: jobRobots, host: j.host, url: j.scheme + "://" + j.host + "/robots.txt", src: j.src})
		f.queued++
	}
	hq.jobs = append(hq.jobs, j)
	f.queued++
	f.notify()
}

// limit is how many requests may be in flight on hq at once.
func (f *frontier) limit(hq *hostQueue) int {
	if !hq.robotsDone || hq.delay > 0 {
		return 1
	}
	return f.parallelism
}

// next blocks until a job may start, and returns it with its host. It
// returns false when the frontier is drained (nothing queued, nothing
// in flight that could add more) or ctx is done.
func (f *frontier) next(ctx context.Context) (*job, *hostQueue, bool) {
	for {
		if ctx.Err() != nil {
			return nil, nil, false
		}
		f.mu.Lock()
		if f.queued == 0 && f.inflight == 0 {
			f.mu.Unlock()
			return nil, nil, false
		}
		now := time.Now()
		wait := time.Duration(-1)
		for i := range f.order {
			idx := (f.rr + i) % len(f.order)
			hq := f.hosts[f.order[idx]]
			if len(hq.jobs) == 0 || hq.busy >= f.limit(hq) {
				continue
			}
			if d := hq.next.Sub(now); d > 0 {
				if wait < 0 || d < wait {
					wait = d
				}
				continue
			}
			j := hq.jobs[0]
			hq.jobs[0] = nil
			hq.jobs = hq.jobs[1:]
			hq.busy++
			f.queued--
			f.inflight++
			f.rr = idx + 1
			f.mu.Unlock()
			return j, hq, true
		}
		ch := f.changed
		f.mu.Unlock()

		var timer *time.Timer
		var tc <-chan time.Time
		if wait > 0 {
			timer = time.NewTimer(wait)
			tc = timer.C
		}
		select {
		case <-ctx.Done():
		case <-ch:
		case <-tc:
		}
		if timer != nil {
			timer.Stop()
		}
	}
}

// done releases a job's slot on hq; the host's next request may start
// after its delay, counted from the end of this one.
func (f *frontier) done(hq *hostQueue) {
	f.mu.Lock()
	defer f.mu.Unlock()
	hq.busy--
	f.inflight--
	hq.next = time.Now().Add(hq.delay)
	if hq.pause.After(hq.next) {
		hq.next = hq.pause
	}
	f.notify()
}

// retryLater queues j again at the end of its host's queue and keeps the
// whole host quiet for wait: a 429 or 503 speaks for the server, not for
// one page, so no other request to it should jump in before the wait ends.
// The caller still calls done for the attempt that failed.
func (f *frontier) retryLater(hq *hostQueue, j *job, wait time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if until := time.Now().Add(wait); until.After(hq.pause) {
		hq.pause = until
	}
	if j.kind == jobRobots {
		// robots.txt stays first: nothing else of the host goes out
		// before its rules are known.
		hq.jobs = append([]*job{j}, hq.jobs...)
	} else {
		hq.jobs = append(hq.jobs, j)
	}
	f.queued++
}

// setRobots records hq's robots.txt rules and Crawl-delay; block, when
// not empty, refuses the whole host (robots.txt answered 5xx).
func (f *frontier) setRobots(hq *hostQueue, g *robotstxt.Group, block string, _ *response) {
	f.mu.Lock()
	defer f.mu.Unlock()
	hq.robots = g
	hq.robotsBlock = block
	hq.robotsDone = true
	if g != nil && g.CrawlDelay > hq.delay {
		hq.delay = min(g.CrawlDelay, max(f.maxDelay, f.delay))
	}
}

// refusal returns why robots.txt does not let us fetch the path+query
// p, or "" when it does.
func (f *frontier) refusal(hq *hostQueue, p string) string {
	f.mu.Lock()
	g, block := hq.robots, hq.robotsBlock
	f.mu.Unlock()
	switch {
	case block != "":
		return block
	case g != nil && !g.Test(p):
		return "robots.txt disallows"
	}
	return ""
}

// refusalFor is refusal for a host that may not be known yet; unknown
// hosts are allowed.
func (f *frontier) refusalFor(host, p string) string {
	f.mu.Lock()
	hq := f.hosts[host]
	f.mu.Unlock()
	if hq == nil {
		return ""
	}
	return f.refusal(hq, p)
}

// hostDelay returns hq's current delay between requests.
func (f *frontier) hostDelay(hq *hostQueue) time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return hq.delay
}

// delayFor returns host's delay between requests, or def for a host not
// seen yet.
func (f *frontier) delayFor(host string, def time.Duration) time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	if hq := f.hosts[host]; hq != nil {
		return hq.delay
	}
	return def
}

// pending is how many jobs wait in the frontier.
func (f *frontier) pending() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.queued
}
