package cluster

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sort"
	"sync"
	"testing"
	"time"

	"policywatch/crawler"
	"policywatch/demoweb"
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
	checkStoredOnce(t, db, web)
	checkPoliteness(t, web, cfg.Topic.Crawler.Delay)
}

// checkStoredOnce: every on-topic truth page is stored (a syndicated
// story once for all its copies), nothing off-topic is, and each document
// has one version from one capture: no page was stored twice.
func checkStoredOnce(t *testing.T, db *store.DB, web *demoweb.Web) {
	t.Helper()
	ctx := context.Background()
	truth, err := demoweb.Truth()
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64]bool{}
	groups := map[string]map[int64]bool{}
	for _, pt := range truth {
		u, err := crawler.NormalizeURL(web.PageURL(pt))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := db.DocumentByURL(ctx, u)
		stored := err == nil
		switch {
		case !pt.Topic && stored:
			t.Errorf("off-topic page %s%s stored", pt.Site, pt.Path)
		case pt.Topic && !stored:
			t.Errorf("on-topic page %s%s not stored: %v", pt.Site, pt.Path, err)
		case pt.Topic:
			want[doc.ID] = true
			if pt.Syndication != "" {
				if groups[pt.Syndication] == nil {
					groups[pt.Syndication] = map[int64]bool{}
				}
				groups[pt.Syndication][doc.ID] = true
			}
		}
	}
	for g, ids := range groups {
		if len(ids) != 1 {
			t.Errorf("syndicated story %s stored as %d documents", g, len(ids))
		}
	}
	n, err := db.CountDocuments(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != len(want) {
		t.Errorf("%d documents stored, want %d (one per on-topic page or syndicated story)", n, len(want))
	}
	for id := range want {
		caps, err := db.Captures(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(caps) != 1 {
			t.Errorf("document %d has %d captures from one run, want 1", id, len(caps))
		}
	}
}

// checkPoliteness reads the demo web's request log: per host, no two
// requests in flight at once, no two starts closer than the delay, and
// robots.txt asked for once.
func checkPoliteness(t *testing.T, web *demoweb.Web, delay time.Duration) {
	t.Helper()
	byHost := map[string][]demoweb.Request{}
	for _, r := range web.Requests() {
		byHost[r.Host] = append(byHost[r.Host], r)
	}
	if len(byHost) < 10 {
		t.Errorf("requests to %d hosts, want the demo's sites", len(byHost))
	}
	for host, reqs := range byHost {
		sort.Slice(reqs, func(i, j int) bool { return reqs[i].Start.Before(reqs[j].Start) })
		robots := 0
		for i, r := range reqs {
			if r.Path == "/robots.txt" {
				robots++
			}
			if i == 0 {
				continue
			}
			prev := reqs[i-1]
			if r.Start.Before(prev.End) {
				t.Errorf("%s: %s started before %s ended: two requests in flight", host, r.Path, prev.Path)
			}
			if gap := r.Start.Sub(prev.Start); gap < delay {
				t.Errorf("%s: %s started %s after %s, closer than the delay %s", host, r.Path, gap, prev.Path, delay)
			}
		}
		if robots != 1 {
			t.Errorf("%s: robots.txt asked for %d times, want once", host, robots)
		}
	}
}
