package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"policywatch/internal/testpg"
	"policywatch/model"
)

// The shared frontier runs on PostgreSQL only; these tests skip without
// a test server (and fail in CI).

func openCluster(t *testing.T) *DB {
	t.Helper()
	for _, e := range engines {
		if e.name == Postgres {
			return e.open(t)
		}
	}
	t.Fatal("no PostgreSQL engine")
	return nil
}

func clusterRun(t *testing.T, db *DB, delay time.Duration, urls ...string) *model.CrawlRun {
	t.Helper()
	ctx := context.Background()
	run, err := db.StartRun(ctx, []string{"src"})
	if err != nil {
		t.Fatal(err)
	}
	var items []model.FrontierItem
	for _, u := range urls {
		items = append(items, model.FrontierItem{Key: u, URL: u, Source: "src", Kind: "doc"})
	}
	if _, err := db.ClusterEnqueue(ctx, run.ID, QueueOptions{Delay: delay}, items...); err != nil {
		t.Fatal(err)
	}
	return run
}

func claim(t *testing.T, db *DB, owner string, lease time.Duration) *Lease {
	t.Helper()
	l, _, err := db.ClusterClaim(context.Background(), ClaimOptions{Owner: owner, Lease: lease})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestClusterOnSQLiteSaysWhatIsNeeded(t *testing.T) {
	db := engines[0].open(t) // SQLite, on purpose: the one engine without a cluster
	if _, _, err := db.ClusterClaim(context.Background(), ClaimOptions{Owner: "w"}); !errors.Is(err, ErrNotCluster) {
		t.Errorf("claim on SQLite: %v, want ErrNotCluster", err)
	}
}

// TestClusterRobotsFirstThenDelay: a host's robots.txt is its first
// claim and holds the host's other URLs back until it is done; its
// Crawl-delay then spaces the host's requests for every worker.
func TestClusterRobotsFirstThenDelay(t *testing.T) {
	ctx := context.Background()
	db := openCluster(t)
	clusterRun(t, db, 0, "http://a.test/1", "http://a.test/2", "http://b.test/1")

	first, second := claim(t, db, "w1", time.Minute), claim(t, db, "w2", time.Minute)
	if first == nil || second == nil || first.Item.Kind != KindRobots || second.Item.Kind != KindRobots || first.Origin == second.Origin {
		t.Fatalf("first claims %+v, %+v: want each host's robots.txt", first, second)
	}
	if l := claim(t, db, "w3", time.Minute); l != nil {
		t.Fatalf("w3 claimed %s while both hosts' robots.txt were in flight", l.Item.URL)
	}
	a := first
	if a.Origin != "http://a.test" {
		a = second
	}
	const delay = 300 * time.Millisecond
	if _, err := db.ClusterComplete(ctx, a, Completion{Robots: &RobotsFile{Status: 200, Body: []byte("User-agent: *\nCrawl-delay: 0.3\n")},
		Delay: delay}); err != nil {
		t.Fatal(err)
	}
	done := time.Now()
	rf, err := db.ClusterRobots(ctx, "http://a.test")
	if err != nil || rf == nil || !strings.Contains(string(rf.Body), "Crawl-delay") {
		t.Fatalf("shared robots.txt = %+v, %v", rf, err)
	}
	var got *Lease
	for got == nil {
		if got = claim(t, db, "w3", time.Minute); got == nil {
			time.Sleep(20 * time.Millisecond)
		}
	}
	if waited := time.Since(done); waited < delay-20*time.Millisecond {
		t.Errorf("next request on a.test claimable %s after robots.txt, want its Crawl-delay %s", waited, delay)
	}
	if got.Origin != "http://a.test" || got.Delay != delay || got.Robots == nil {
		t.Errorf("claim %+v: want a.test's page with the host's delay and robots.txt", got)
	}
	// One in flight per host: a.test's other page waits for this one.
	if l := claim(t, db, "w4", time.Minute); l != nil {
		t.Errorf("w4 claimed %s while a.test had a request in flight and b.test's robots.txt was out", l.Item.URL)
	}
}

// TestClusterLateResultIsRefused: a worker whose lease ran out (presumed
// dead) loses its URL to another worker; when it comes back with the
// page, the store refuses it, so the page is stored once, by the worker
// that holds the URL, and counted once.
func TestClusterLateResultIsRefused(t *testing.T) {
	ctx := context.Background()
	db := openCluster(t)
	run := clusterRun(t, db, 0, "http://a.test/1")
	robots := claim(t, db, "w1", time.Minute)
	if _, err := db.ClusterComplete(ctx, robots, Completion{Robots: &RobotsFile{Status: 404}}); err != nil {
		t.Fatal(err)
	}
	slow := claim(t, db, "slow", 100*time.Millisecond)
	if slow == nil || slow.Item.URL != "http://a.test/1" {
		t.Fatalf("claim = %+v", slow)
	}
	if l := claim(t, db, "w2", time.Minute); l != nil {
		t.Fatalf("w2 took %s while the slow worker's lease was live", l.Item.URL)
	}
	time.Sleep(150 * time.Millisecond)
	taker := claim(t, db, "w2", time.Minute)
	if taker == nil || taker.ID != slow.ID || taker.Claim != slow.Claim+1 {
		t.Fatalf("after the lease ran out: claim %+v, want the same URL, next claim", taker)
	}
	if err := db.ClusterRenew(ctx, slow); !errors.Is(err, ErrLeaseLost) {
		t.Errorf("renew of a lost lease: %v", err)
	}
	if _, err := db.BeginLease(ctx, slow); !errors.Is(err, ErrLeaseLost) {
		t.Fatalf("late result: %v, want ErrLeaseLost", err)
	}
	if n, _ := db.CountDocuments(ctx); n != 0 {
		t.Fatalf("the late result stored %d documents", n)
	}
	lt, err := db.BeginLease(ctx, taker)
	if err != nil {
		t.Fatal(err)
	}
	d, c := testDoc("http://a.test/1", "the page")
	out, err := lt.SaveCapture(ctx, d, c)
	if err != nil || out != model.OutcomeStored {
		t.Fatalf("save by the lease holder: %s, %v", out, err)
	}
	fin, err := lt.Commit(ctx, Completion{Counts: model.CrawlRun{Fetched: 1, Stored: 1}})
	if err != nil || !fin {
		t.Fatalf("completion: run finished %v, %v", fin, err)
	}
	changes, err := db.ChangesAfter(ctx, 0, 10)
	if err != nil || len(changes) != 1 || changes[0].DocumentID != d.ID || changes[0].RunID != run.ID {
		t.Errorf("change log = %+v (%v): want the one stored page, in its run", changes, err)
	}
	if _, err := db.ClusterComplete(ctx, slow, Completion{}); !errors.Is(err, ErrLeaseLost) {
		t.Errorf("completing a URL done by another: %v", err)
	}
	r, err := db.Run(ctx, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r.Stored != 1 || r.Fetched != 1 || r.FinishedAt.IsZero() {
		t.Errorf("run = %+v: want one fetch, one stored, finished", r)
	}
	var doneBy string
	if err := db.read.db.QueryRowContext(ctx, `SELECT done_by FROM cluster_frontier WHERE id = $1`, slow.ID).Scan(&doneBy); err != nil || doneBy != "w2" {
		t.Errorf("done by %q (%v), want w2", doneBy, err)
	}
}

// TestClusterPauseHoldsTheHost: a 429 or 503 keeps every worker off the
// host for the wait, not only off the URL.
func TestClusterPauseHoldsTheHost(t *testing.T) {
	ctx := context.Background()
	db := openCluster(t)
	run := clusterRun(t, db, 0, "http://a.test/1", "http://a.test/2")
	robots := claim(t, db, "w1", time.Minute)
	if _, err := db.ClusterComplete(ctx, robots, Completion{Robots: &RobotsFile{Status: 404}}); err != nil {
		t.Fatal(err)
	}
	l := claim(t, db, "w1", time.Minute)
	const wait = 300 * time.Millisecond
	if err := db.ClusterRetry(ctx, l, wait, true, Completion{Counts: model.CrawlRun{Fetched: 1}}); err != nil {
		t.Fatal(err)
	}
	paused := time.Now()
	var next *Lease
	for next == nil {
		if next = claim(t, db, "w2", time.Minute); next == nil {
			time.Sleep(20 * time.Millisecond)
		}
	}
	if waited := time.Since(paused); waited < wait-20*time.Millisecond {
		t.Errorf("host claimable again after %s, want the pause of %s", waited, wait)
	}
	if next.Item.URL != "http://a.test/2" {
		t.Errorf("after the pause: %s, want the URL that was not retried", next.Item.URL)
	}
	r, _ := db.Run(ctx, run.ID)
	if r.Fetched != 1 || !r.FinishedAt.IsZero() {
		t.Errorf("run %+v: the retried URL keeps the run open", r)
	}
}

// TestClusterWorkersKeepPolitenessTogether: workers claiming as fast as
// they can from two hosts never hold two requests to one host at once,
// space each host's requests by its delay, and complete every URL once.
func TestClusterWorkersKeepPolitenessTogether(t *testing.T) {
	ctx := context.Background()
	db := openCluster(t)
	const delay = 30 * time.Millisecond
	var urls []string
	for i := range 12 {
		urls = append(urls, fmt.Sprintf("http://a.test/%d", i), fmt.Sprintf("http://b.test/%d", i))
	}
	run := clusterRun(t, db, delay, urls...)
	type span struct {
		start, end time.Time
		url        string
	}
	var (
		mu    sync.Mutex
		spans = map[string][]span{}
		done  = map[string]int{}
		wg    sync.WaitGroup
	)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			owner := fmt.Sprintf("w%d", w)
			for {
				l, wait, err := db.ClusterClaim(ctx, ClaimOptions{Owner: owner, Lease: time.Minute})
				if err != nil {
					t.Error(err)
					return
				}
				if l == nil {
					if open, err := db.ClusterRunOpen(ctx, run.ID); err != nil || !open {
						return
					}
					time.Sleep(wait)
					continue
				}
				s := span{start: time.Now(), url: l.Item.URL}
				time.Sleep(5 * time.Millisecond) // the request
				s.end = time.Now()
				mu.Lock()
				spans[l.Origin] = append(spans[l.Origin], s)
				done[l.Item.URL]++
				mu.Unlock()
				c := Completion{Counts: model.CrawlRun{Fetched: 1}}
				if l.Item.Kind == KindRobots {
					c.Robots, c.Delay = &RobotsFile{Status: 404}, delay
				}
				if _, err := db.ClusterComplete(ctx, l, c); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	for _, u := range urls {
		if done[u] != 1 {
			t.Errorf("%s done %d times", u, done[u])
		}
	}
	for origin, ss := range spans {
		for i := 1; i < len(ss); i++ {
			// Spans are appended after the request, in end order; with one
			// request in flight that is start order too.
			if ss[i].start.Before(ss[i-1].end) {
				t.Errorf("%s: %s started before %s ended", origin, ss[i].url, ss[i-1].url)
			}
			// The test's clock and the database's are the same machine's,
			// read a little apart: allow a few milliseconds.
			if gap := ss[i].start.Sub(ss[i-1].end); gap < delay-5*time.Millisecond {
				t.Errorf("%s: %s started %s after %s ended, want at least %s", origin, ss[i].url, gap, ss[i-1].url, delay)
			}
		}
	}
	r, err := db.Run(ctx, run.ID)
	if err != nil || r.FinishedAt.IsZero() || r.Fetched != len(urls)+2 {
		t.Errorf("run %+v (%v): want %d fetches and finished", r, err, len(urls)+2)
	}
}

// TestConcurrentCopiesAreStoredOnce: writers storing the same story from
// different URLs at the same moment (workers on several machines) store
// it once and record the others as its aliases, on either engine.
func TestConcurrentCopiesAreStoredOnce(t *testing.T) {
	eachEngine(t, testConcurrentCopiesAreStoredOnce)
}

func testConcurrentCopiesAreStoredOnce(t *testing.T, e testEngine) {
	ctx := context.Background()
	db := e.open(t)
	var sb strings.Builder
	for i := range 40 {
		fmt.Fprintf(&sb, "Point %d of the statement concerns measure %d of the law. ", i, i*7)
	}
	story := sb.String()
	var wg sync.WaitGroup
	outcomes := make([]model.SaveOutcome, 8)
	for i := range outcomes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			text := story
			if i%2 == 1 {
				text += fmt.Sprintf("Copy %d adds a line of its own.", i) // a near copy: different hash, same bands
			}
			d, c := testDoc(fmt.Sprintf("https://outlet%d.example/story", i), text)
			out, err := db.SaveCapture(ctx, d, c)
			if err != nil {
				t.Error(err)
			}
			outcomes[i] = out
		}()
	}
	wg.Wait()
	if n, _ := db.CountDocuments(ctx); n != 1 {
		t.Errorf("%d documents stored from 8 copies of one story (outcomes %v)", n, outcomes)
	}
}

// TestScheduledCrawlRunsOnce: of the nodes that see one scheduled crawl
// come due, exactly one starts it; the next due time is another crawl.
func TestScheduledCrawlRunsOnce(t *testing.T) {
	ctx := context.Background()
	db := openCluster(t)
	due := time.Date(2026, 3, 1, 6, 0, 0, 0, time.UTC)
	var (
		mu  sync.Mutex
		won []string
		wg  sync.WaitGroup
	)
	for i := range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			node := fmt.Sprintf("node%d", i)
			ok, err := db.ClaimScheduled(ctx, "@hourly feeds", due, node)
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				won = append(won, node)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(won) != 1 {
		t.Errorf("nodes that started the 06:00 crawl: %v, want one", won)
	}
	if ok, err := db.ClaimScheduled(ctx, "@hourly feeds", due.Add(time.Hour), "node3"); err != nil || !ok {
		t.Errorf("07:00 crawl: %v, %v", ok, err)
	}
	if ok, err := db.ClaimScheduled(ctx, "@daily sitemaps", due, "node3"); err != nil || !ok {
		t.Errorf("another schedule due at the same time: %v, %v", ok, err)
	}
}

// TestClusterCompletionQueuesWhatItFound: the URLs a page leads to are
// queued with its completion, within the run's caps, and the run ends
// only when they are done too.
func TestClusterCompletionQueuesWhatItFound(t *testing.T) {
	ctx := context.Background()
	db := openCluster(t)
	run := clusterRun(t, db, 0, "http://a.test/feed")
	robots := claim(t, db, "w1", time.Minute)
	if _, err := db.ClusterComplete(ctx, robots, Completion{Robots: &RobotsFile{Status: 404}}); err != nil {
		t.Fatal(err)
	}
	feed := claim(t, db, "w1", time.Minute)
	var found []model.FrontierItem
	for i := range 5 {
		u := fmt.Sprintf("http://a.test/doc/%d", i)
		found = append(found, model.FrontierItem{Key: u, URL: u, Source: "src", Kind: "doc"})
	}
	u := "http://b.test/doc/0"
	found = append(found, model.FrontierItem{Key: u, URL: u, Source: "src", Kind: "doc"})
	fin, err := db.ClusterComplete(ctx, feed, Completion{Counts: model.CrawlRun{Fetched: 1}, Enqueue: found,
		Queue: QueueOptions{MaxPages: 4, MaxPerHost: 3}})
	if err != nil || fin {
		t.Fatalf("feed completion: finished %v, %v; want the run still open", fin, err)
	}
	var docs, hosts int
	if err := db.read.db.QueryRowContext(ctx, `SELECT count(*), count(DISTINCT origin) FROM cluster_frontier
		WHERE run_id = $1 AND kind = 'doc'`, run.ID).Scan(&docs, &hosts); err != nil {
		t.Fatal(err)
	}
	// a.test holds 3 (the feed and 2 of the 5 found: max_per_host), b.test
	// 1: 4 documents in all (max_pages).
	if docs != 4 || hosts != 2 {
		t.Errorf("queued %d documents on %d hosts, want 4 on 2 (caps 4 in all, 3 per host)", docs, hosts)
	}
	if open, _ := db.ClusterRunOpen(ctx, run.ID); !open {
		t.Error("run closed with documents queued")
	}
}

// TestExclusiveTakesTurnsAcrossProcesses: two stores (as two servers
// would hold) never run an Exclusive of the same name at once.
func TestExclusiveTakesTurnsAcrossProcesses(t *testing.T) {
	ctx := context.Background()
	spec := testpg.NewDatabase(t)
	var (
		mu      sync.Mutex
		inside  int
		overlap bool
		wg      sync.WaitGroup
	)
	for range 2 {
		db, err := Open(ctx, spec)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 5 {
				err := db.Exclusive(ctx, "alerts", func() error {
					mu.Lock()
					inside++
					overlap = overlap || inside > 1
					mu.Unlock()
					time.Sleep(10 * time.Millisecond)
					mu.Lock()
					inside--
					mu.Unlock()
					return nil
				})
				if err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if overlap {
		t.Error("two stores ran Exclusive(alerts) at once")
	}
}
