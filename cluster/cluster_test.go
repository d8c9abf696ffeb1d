package cluster

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"policywatch/demoweb"
	"policywatch/internal/clustercheck"
	"policywatch/internal/testpg"
	"policywatch/model"
	"policywatch/store"
	"policywatch/tagging"
	"policywatch/topic"
	"policywatch/topics"
)

func demoConfig(t *testing.T, web *demoweb.Web) Config {
	t.Helper()
	tp, err := topic.Parse(web.TopicYAML(), "demo-topic.yaml")
	if err != nil {
		t.Fatal(err)
	}
	data, err := topics.FS.ReadFile("hk-nsl.taxonomy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tax, err := tagging.ParseTaxonomy(data, "builtin:hk-nsl.taxonomy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.DiscardHandler)
	if os.Getenv("CLUSTER_VERBOSE") != "" {
		logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return Config{Topic: tp, Taxonomy: tax, Lease: 5 * time.Second, AllowPrivate: true, Logger: logger}
}

// TestWorkersCrawlTheDemoOnce: three workers (goroutines, each with its
// own connections, as processes would have) crawl the demo web from one
// PostgreSQL archive: every on-topic page is stored once, each host sees
// one request at a time, spaced by its delay, and its robots.txt once.
func TestWorkersCrawlTheDemoOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("crawl of the demo web skipped in -short mode")
	}
	spec := testpg.NewDatabase(t)
	ctx := context.Background()
	web, err := demoweb.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer web.Close()
	web.RecordRequests()
	cfg := demoConfig(t, web)

	open := func() *store.DB {
		db, err := store.Open(ctx, spec)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	db := open()
	run, err := StartRun(ctx, db, cfg, cfg.Topic.Sources)
	if err != nil {
		t.Fatal(err)
	}
	wctx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for i := range 3 {
		wg.Add(1)
		w := cfg
		w.Name = fmt.Sprintf("w%d", i)
		wdb := open()
		go func() {
			defer wg.Done()
			if err := Work(wctx, wdb, w); err != nil && wctx.Err() == nil {
				t.Error(err)
			}
		}()
	}
	deadline := time.Now().Add(3 * time.Minute)
	for {
		open, err := db.ClusterRunOpen(ctx, run.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !open {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the run did not finish in 3 minutes")
		}
		time.Sleep(100 * time.Millisecond)
	}
	stop()
	wg.Wait()

	r, err := db.Run(ctx, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("run %d: fetched %d, stored %d, dropped %d, skipped %d, refused %d, failed %d", r.ID, r.Fetched, r.Stored,
		r.Dropped, r.Skipped, r.Refused, r.Failed)
	if r.FinishedAt.IsZero() || r.Stored == 0 {
		t.Errorf("run %d: finished %v, stored %d", r.ID, r.FinishedAt, r.Stored)
	}
	for _, e := range r.Logged(model.OutcomeFailed) {
		t.Errorf("failed: %s: %s", e.URL, e.Reason)
	}
	clustercheck.StoredOnce(t, db, web)
	clustercheck.Polite(t, web, db, cfg.Topic.Crawler.Delay)
}
