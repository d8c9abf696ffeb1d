// Package cluster runs policywatch on several machines around one
// PostgreSQL archive: crawl workers that share the archive's frontier
// (leases, politeness for all of them together), runs started once across
// the cluster, and what a run's end brings up to date. The archive's side
// is store/cluster.go; the crawling is the crawler's (crawler.Work); this
// package joins them, with the document pipeline (ingest) in between.
package cluster

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"policywatch/crawler"
	"policywatch/ingest"
	"policywatch/model"
	"policywatch/store"
)

// Frontier is a PostgreSQL archive's shared frontier as a crawler's
// workers use it (crawler.Shared): claims are leases, renewed while the
// URL is worked on; a URL's page is stored, the URL done, its run counted
// and its change logged in one transaction.
type Frontier struct {
	DB     *store.DB
	Claims store.ClaimOptions // who claims, for how long, how many per host
	Queue  store.QueueOptions // caps and new hosts' delay for what URLs lead to
	// Pipeline files a claimed URL's document into st (the claim's
	// transaction): ingest.NewPipeline with the topic's relevance query
	// and tagger.
	Pipeline func(st ingest.Store) crawler.Sink
	// RunFinished, when not nil, is called after a completion finished
	// its run (its last URL done).
	RunFinished func(ctx context.Context, runID int64)
	Logger      *slog.Logger
}

var _ crawler.Shared = (*Frontier)(nil)

// claim is a lease with what the worker holds on to while it works on it.
type claim struct {
	lease *store.Lease
	lost  chan struct{}

	mu      sync.Mutex
	stopped bool
	stop    chan struct{} // ends the renewals
	done    chan struct{} // closed when the renewals have ended
	ltx     *store.LeaseTx
	acked   model.URLDone // counts and log acknowledged with a page (SaveCaptureAck)
}

func (f *Frontier) log() *slog.Logger {
	if f.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return f.Logger
}

// Claim leases the next URL that may be fetched now and keeps renewing
// the lease until the URL is finished or released.
func (f *Frontier) Claim(ctx context.Context) (*crawler.Claim, time.Duration, error) {
	l, wait, err := f.DB.ClusterClaim(ctx, f.Claims)
	if err != nil || l == nil {
		return nil, wait, err
	}
	c := &claim{lease: l, lost: make(chan struct{}), stop: make(chan struct{}), done: make(chan struct{})}
	go f.renew(ctx, c)
	cl := &crawler.Claim{RunID: l.RunID, Item: l.Item, Attempt: l.Attempt, Delay: l.Delay, Lost: c.lost, Handle: c}
	if l.Item.Kind == store.KindRobots {
		cl.Item.Source = ""
	}
	if l.Robots != nil {
		cl.Robots = &crawler.RobotsFile{Status: l.Robots.Status, Body: l.Robots.Body, Block: l.Robots.Block}
	}
	return cl, 0, nil
}

// renew extends the lease every third of its length until stopped; a
// lease found lost closes c.lost, so the worker drops the URL.
func (f *Frontier) renew(ctx context.Context, c *claim) {
	defer close(c.done)
	t := time.NewTicker(max(c.lease.Length/3, 10*time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-ctx.Done():
			return
		case <-t.C:
		}
		err := f.DB.ClusterRenew(ctx, c.lease)
		if errors.Is(err, store.ErrLeaseLost) {
			close(c.lost)
			return
		}
		if err != nil && ctx.Err() == nil {
			f.log().Warn("cluster: renew lease", "url", c.lease.Item.URL, "err", err)
		}
	}
}

// stopRenewing ends the renewals and waits for them: the lease's row is
// about to be updated by its completion.
func (c *claim) stopRenewing() {
	c.mu.Lock()
	if !c.stopped {
		c.stopped = true
		close(c.stop)
	}
	c.mu.Unlock()
	<-c.done
}

func handle(cl *crawler.Claim) *claim { return cl.Handle.(*claim) }

// Sink files the claimed URL's document within the claim's completion.
func (f *Frontier) Sink(cl *crawler.Claim) crawler.Sink {
	return f.Pipeline(&leaseStore{f: f, c: handle(cl)})
}

// leaseStore is ingest.Store inside a claim's completion transaction,
// begun by the first write (the lease is checked then: a worker that lost
// it stores nothing).
type leaseStore struct {
	f *Frontier
	c *claim
}

var _ ingest.Store = (*leaseStore)(nil)

func (s *leaseStore) tx(ctx context.Context) (*store.LeaseTx, error) {
	if s.c.ltx != nil {
		return s.c.ltx, nil
	}
	s.c.stopRenewing()
	ltx, err := s.f.DB.BeginLease(ctx, s.c.lease)
	if err != nil {
		return nil, err
	}
	s.c.ltx = ltx
	return ltx, nil
}

func (s *leaseStore) SaveCapture(ctx context.Context, doc *model.Document, c *model.Capture) (model.SaveOutcome, error) {
	ltx, err := s.tx(ctx)
	if err != nil {
		return "", err
	}
	return ltx.SaveCapture(ctx, doc, c)
}

// SaveCaptureAck is SaveCapture with the run's acknowledgement of the
// page written in the same (the lease's) transaction: its counts and log
// entries go with the completion. (A worker's crawler hands a claimed
// URL's counts back with the claim instead, and files pages with
// SaveCapture.)
func (s *leaseStore) SaveCaptureAck(ctx context.Context, doc *model.Document, c *model.Capture,
	ack func(model.SaveOutcome) model.URLDone) (model.SaveOutcome, error) {
	ltx, err := s.tx(ctx)
	if err != nil {
		return "", err
	}
	out, err := ltx.SaveCapture(ctx, doc, c)
	if err != nil {
		return "", err
	}
	d := ack(out)
	s.c.acked.Counts.AddCounts(d.Counts)
	s.c.acked.Log = append(s.c.acked.Log, d.Log...)
	return out, nil
}

func (s *leaseStore) MarkWithdrawn(ctx context.Context, url string, status int, at time.Time, _ int64) (int64, bool, error) {
	ltx, err := s.tx(ctx)
	if err != nil {
		return 0, false, err
	}
	return ltx.MarkWithdrawn(ctx, url, status, at)
}

// Finish completes (or, for a retry, puts back) the claimed URL with what
// the worker found.
func (f *Frontier) Finish(ctx context.Context, cl *crawler.Claim, r crawler.ClaimResult) error {
	c := handle(cl)
	c.stopRenewing()
	comp := store.Completion{Counts: r.Counts, Log: append(r.Log, c.acked.Log...), Enqueue: r.Enqueue, Queue: f.Queue}
	comp.Counts.AddCounts(c.acked.Counts)
	if r.Robots != nil {
		comp.Robots, comp.Delay = &store.RobotsFile{Status: r.Robots.Status, Body: r.Robots.Body, Block: r.Robots.Block}, r.Delay
	}
	var (
		fin bool
		err error
	)
	switch {
	case !r.Finished:
		if c.ltx != nil {
			c.ltx.Rollback() // nothing is stored with a URL that is tried again
		}
		err = f.DB.ClusterRetry(ctx, c.lease, r.Wait, true, comp)
	case c.ltx != nil:
		fin, err = c.ltx.Commit(ctx, comp)
	default:
		fin, err = f.DB.ClusterComplete(ctx, c.lease, comp)
	}
	if errors.Is(err, store.ErrLeaseLost) {
		return fmt.Errorf("%w: %w", crawler.ErrClaimLost, err)
	}
	if err != nil {
		return err
	}
	if fin {
		f.log().Info("cluster: crawl run finished", "run", c.lease.RunID)
		if f.RunFinished != nil {
			f.RunFinished(ctx, c.lease.RunID)
		}
	}
	return nil
}

// Release hands the URL back at once (the worker is stopping).
func (f *Frontier) Release(ctx context.Context, cl *crawler.Claim) error {
	c := handle(cl)
	c.stopRenewing()
	if c.ltx != nil {
		c.ltx.Rollback()
	}
	return f.DB.ClusterRelease(ctx, c.lease)
}
