package ingest

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"policywatch/crawler"
	"policywatch/model"
	"policywatch/tagging"
	"policywatch/topic"
)

// RunStore keeps crawl runs. *store.DB satisfies it.
type RunStore interface {
	SyncSources(ctx context.Context, srcs []model.Source) error
	PendingRun(ctx context.Context, sources []string) (*model.CrawlRun, error)
	StartRun(ctx context.Context, sources []string) (*model.CrawlRun, error)
	FinishRun(ctx context.Context, r *model.CrawlRun) error
	NoteRunStop(ctx context.Context, id int64, note string) error
}

// ChangeLogRetention is how long the change log keeps an entry that
// everything derived from it has taken in (store.PruneChanges); an index
// away for longer rebuilds from the store when it returns.
const ChangeLogRetention = 30 * 24 * time.Hour

// ArchiveStore is the store as the pipeline's processes use it: filing
// documents, the crawler's state, runs, and the change log with what is
// derived from it. *store.DB satisfies it (checked where cmd/policywatch
// wires it).
type ArchiveStore interface {
	Store
	crawler.State
	RunStore
	OwnerStore
	PruneChanges(ctx context.Context, before time.Time) (int64, error)
}

// Archive is a data directory as one process uses it.
type Archive struct {
	Dir   Dir
	Store ArchiveStore
	// Owner is the search index when this process holds it for as long
	// as it runs (serve, demo); nil otherwise, and then a crawl or an
	// import takes the index for a moment at its end, unless a server
	// holds it and takes their changes in itself.
	Owner  *Owner
	Logger *slog.Logger
	// SettleWait is how long the end of a crawl or import waits for
	// another process that is not a server (a search, a re-index) to
	// release the index before leaving the changes to the next holder.
	SettleWait time.Duration
	// AllowPrivate lets the webhooks this process tells reach non-public
	// addresses (Owner.AllowPrivate), as --allow-private lets crawls.
	AllowPrivate bool
}

func (a *Archive) log() *slog.Logger {
	if a.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return a.Logger
}

// CrawlConfig is what a crawl runs.
type CrawlConfig struct {
	Topic    *topic.Topic // sources, crawl settings, relevance query
	Taxonomy *tagging.Taxonomy
	// AllowPrivate lets the crawler reach loopback and private addresses
	// (the demo web, tests).
	AllowPrivate bool
	Progress     func(crawler.Progress) // optional
}

// Crawl crawls the topic's sources once through the pipeline (resuming
// the run a killed crawl left unfinished), records the run, and brings
// what is derived from the store up to date (Settle). It holds the data
// directory's crawl lock meanwhile. The run is returned, with what it
// did, also when ctx ends it.
func (a *Archive) Crawl(ctx context.Context, cfg CrawlConfig) (*model.CrawlRun, error) {
	lock, err := a.Dir.LockCrawl()
	if err != nil {
		return nil, err
	}
	defer lock.Unlock()
	t := cfg.Topic
	if err := a.Store.SyncSources(ctx, t.Sources); err != nil {
		return nil, err
	}
	names := make([]string, len(t.Sources))
	for i, s := range t.Sources {
		names[i] = s.Name
	}
	// A crawl killed mid-way left its frontier in the store: finish that
	// run first rather than start over.
	run, err := a.Store.PendingRun(ctx, names)
	if err != nil {
		return nil, err
	}
	if run != nil {
		a.log().Info("resuming unfinished crawl run", "run", run.ID)
		if err := a.Store.NoteRunStop(ctx, run.ID, "resumed"); err != nil {
			return nil, err
		}
	} else if run, err = a.Store.StartRun(ctx, names); err != nil {
		return nil, err
	}
	p := NewPipeline(a.Store, &t.Relevant, tagging.New(cfg.Taxonomy), a.Logger)
	c := crawler.New(p, a.Store, crawler.Options{
		UserAgent:    t.Crawler.UserAgent,
		Delay:        t.Crawler.Delay,
		Parallelism:  t.Crawler.Parallelism,
		Timeout:      t.Crawler.Timeout,
		MaxBody:      t.Crawler.MaxBody,
		MaxPages:     t.Crawler.MaxPages,
		MaxPerHost:   t.Crawler.MaxPerHost,
		MaxAttempts:  t.Crawler.MaxAttempts,
		RetryMaxWait: t.Crawler.RetryMaxWait,
		Logger:       a.Logger,
		Progress:     cfg.Progress,
		AllowPrivate: cfg.AllowPrivate,
	})
	crawlErr := c.Run(ctx, run, t.Sources)
	// Record what was done even when the run was interrupted: the store
	// already holds every document saved so far, and the derived data
	// follows it.
	finishCtx := context.WithoutCancel(ctx)
	if stop := stopNote(ctx, crawlErr); stop != "" {
		// Best effort: on a full disk this note may not fit either, and
		// the error and the log say why the run stopped.
		if err := a.Store.NoteRunStop(finishCtx, run.ID, stop); err != nil {
			a.log().Error("could not note why the crawl run stopped", "run", run.ID, "err", err)
		}
	}
	if err := a.Store.FinishRun(finishCtx, run); err != nil {
		// A run stopped by a full disk cannot record itself either:
		// keep why it stopped first.
		return run, errors.Join(crawlErr, err)
	}
	if err := a.Settle(finishCtx, run.ID); err != nil {
		return run, errors.Join(crawlErr, err)
	}
	return run, crawlErr
}

// stopNote says why a run stopped before its frontier was done, or ""
// when it went through (or failed for a reason of its own, which its
// error says).
func stopNote(ctx context.Context, err error) string {
	if err == nil {
		return ""
	}
	if why, ok := crawler.StoppedByStore(err); ok {
		return why
	}
	if ctx.Err() != nil {
		return "stopped: interrupted (" + context.Cause(ctx).Error() + "); the next crawl resumes this run"
	}
	return ""
}

// Settle brings what is derived from the store up to date after this
// process changed the archive: it re-clusters the timeline, then, when
// this process holds the index or can take it (no server holds it), takes
// the change log into it and, after a crawl run (runID != 0), tells the
// saved searches' webhooks. A server holding the index does both itself,
// within seconds. Derived data can always be rebuilt (`policywatch
// reindex`), so an index it cannot reach is logged, not an error.
func (a *Archive) Settle(ctx context.Context, runID int64) error {
	if _, err := Recluster(ctx, a.Store, true, a.log()); err != nil {
		return err
	}
	// Trimming the log is housekeeping: a failure is for the log, not
	// the crawl's error.
	if n, err := a.Store.PruneChanges(ctx, time.Now().Add(-ChangeLogRetention)); err != nil {
		a.log().Warn("could not trim the change log", "err", err)
	} else if n > 0 {
		a.log().Info("trimmed the change log", "entries", n)
	}
	o := a.Owner
	if o == nil {
		var err error
		o, err = OwnIndex(ctx, a.Dir, a.Store, OwnOptions{Role: "settle", Wait: a.SettleWait, Logger: a.Logger})
		var se *ServedError
		switch {
		case errors.As(err, &se):
			a.log().Info("the server of this data directory indexes the changes", "server", se.Holder.String())
			return nil
		case errors.Is(err, ErrLocked):
			a.log().Warn("search index busy; the next process to open it takes the changes in", "err", err)
			return nil
		case err != nil:
			return err
		}
		defer o.Close()
		o.AllowPrivate = a.AllowPrivate
	}
	if _, err := o.Apply(ctx); err != nil {
		return err
	}
	if runID != 0 {
		o.Notify(ctx, runID)
	}
	return nil
}
