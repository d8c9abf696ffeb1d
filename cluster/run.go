package cluster

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"policywatch/crawler"
	"policywatch/ingest"
	"policywatch/model"
	"policywatch/store"
	"policywatch/tagging"
	"policywatch/topic"
)

// Config is what a worker crawls with: the topic (sources, crawl
// settings, relevance query) and its taxonomy, the same on every machine.
type Config struct {
	Topic    *topic.Topic
	Taxonomy *tagging.Taxonomy
	// Name names the worker in leases and logs; unique in the cluster
	// (default: host name and process id).
	Name string
	// Lease is how long a claim lasts without renewal: how long a dead
	// worker's URL waits before another worker takes it (default 60s).
	Lease time.Duration
	// AllowPrivate lets the crawler reach loopback and private addresses
	// (the demo web, tests).
	AllowPrivate bool
	Logger       *slog.Logger
}

// DefaultName is a worker's name unless told otherwise: host:pid.
func DefaultName() string {
	host, err := os.Hostname()
	if err != nil {
		host = "worker"
	}
	return fmt.Sprintf("%s:%d", host, os.Getpid())
}

func (c Config) logger() *slog.Logger {
	if c.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return c.Logger
}

// crawler builds the crawler of cfg's topic over db.
func (c Config) crawler(db *store.DB, sink crawler.Sink) *crawler.Crawler {
	t := c.Topic.Crawler
	return crawler.New(sink, db, crawler.Options{
		UserAgent: t.UserAgent, Delay: t.Delay, Parallelism: t.Parallelism, Timeout: t.Timeout, MaxBody: t.MaxBody,
		MaxPages: t.MaxPages, MaxPerHost: t.MaxPerHost, MaxAttempts: t.MaxAttempts, RetryMaxWait: t.RetryMaxWait,
		Logger: c.Logger, AllowPrivate: c.AllowPrivate,
	})
}

// frontier is db's shared frontier for a worker of cfg.
func (c Config) frontier(db *store.DB) *Frontier {
	t := c.Topic
	tagger := tagging.New(c.Taxonomy)
	name := c.Name
	if name == "" {
		name = DefaultName()
	}
	log := c.logger()
	return &Frontier{
		DB: db,
		Claims: store.ClaimOptions{Owner: name, Lease: c.Lease,
			// A host that asks for no delay at all may take this many
			// requests at once, as in a single-machine crawl.
			Parallelism: t.Crawler.Parallelism},
		Queue: c.queue(),
		Pipeline: func(st ingest.Store) crawler.Sink {
			return ingest.NewPipeline(st, &t.Relevant, tagger, c.Logger)
		},
		// The timeline follows the archive: the worker that ends a run
		// re-clusters it (the servers' indexes follow the change log).
		RunFinished: func(ctx context.Context, runID int64) {
			if _, err := ingest.Recluster(context.WithoutCancel(ctx), db, true, log); err != nil {
				log.Error("cluster: re-cluster the timeline after run", "run", runID, "err", err)
			}
		},
		Logger: c.Logger,
	}
}

// queue is how URLs are queued in runs of cfg's topic.
func (c Config) queue() store.QueueOptions {
	t := c.Topic.Crawler
	return store.QueueOptions{Delay: t.Delay, MaxPages: t.MaxPages, MaxPerHost: t.MaxPerHost}
}

// Work claims URLs of every open run from db's shared frontier and
// crawls them until ctx ends (SIGTERM: the URLs in hand are handed back).
func Work(ctx context.Context, db *store.DB, cfg Config) error {
	if db.Engine() != store.Postgres {
		return store.ErrNotCluster
	}
	f := cfg.frontier(db)
	c := cfg.crawler(db, f.Pipeline(db))
	cfg.logger().Info("cluster: worker started", "name", f.Claims.Owner, "parallelism", cfg.Topic.Crawler.Parallelism)
	return c.Work(ctx, f, cfg.Topic.Sources, nil)
}

// StartRun starts a crawl run of sources in db's shared frontier: their
// start URLs are queued for the workers, and sources that cannot be
// crawled are logged as failed.
func StartRun(ctx context.Context, db *store.DB, cfg Config, sources []model.Source) (*model.CrawlRun, error) {
	if db.Engine() != store.Postgres {
		return nil, store.ErrNotCluster
	}
	if err := db.SyncSources(ctx, sources); err != nil {
		return nil, err
	}
	names := make([]string, len(sources))
	for i, s := range sources {
		names[i] = s.Name
	}
	run, err := db.StartRun(ctx, names)
	if err != nil {
		return nil, err
	}
	c := cfg.crawler(db, nil)
	roots, bad := c.Roots(sources)
	for _, b := range bad {
		if err := db.RecordOutcome(ctx, run.ID, b); err != nil {
			return run, err
		}
	}
	if len(bad) > 0 {
		if _, err := db.AddRunCounts(ctx, run.ID, model.CrawlRun{Failed: len(bad)}); err != nil {
			return run, err
		}
	}
	if len(roots) == 0 {
		// Nothing to crawl: the run is over as it starts.
		return run, db.FinishRun(ctx, run)
	}
	if _, err := db.ClusterEnqueue(ctx, run.ID, cfg.queue(), roots...); err != nil {
		return run, err
	}
	cfg.logger().Info("cluster: crawl run started", "run", run.ID, "sources", len(sources), "start_urls", len(roots))
	return run, nil
}

// Crawl starts a run of the topic's sources and works on the shared
// frontier until that run is finished (workers elsewhere help), then
// returns the run as recorded. When ctx ends first, the run is left to
// the workers.
func Crawl(ctx context.Context, db *store.DB, cfg Config) (*model.CrawlRun, error) {
	run, err := StartRun(ctx, db, cfg, cfg.Topic.Sources)
	if err != nil {
		return run, err
	}
	f := cfg.frontier(db)
	c := cfg.crawler(db, f.Pipeline(db))
	done := func() bool {
		open, err := db.ClusterRunOpen(ctx, run.ID)
		return err == nil && !open
	}
	if err := c.Work(ctx, f, cfg.Topic.Sources, done); err != nil {
		if r, rerr := db.Run(context.WithoutCancel(ctx), run.ID); rerr == nil {
			run = r
		}
		return run, err
	}
	return db.Run(ctx, run.ID)
}
