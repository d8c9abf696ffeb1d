package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/jonboulle/clockwork"

	"policywatch/cluster"
	"policywatch/crawler"
	"policywatch/demoweb"
	"policywatch/internal/clustercheck"
	"policywatch/internal/testpg"
	"policywatch/model"
	"policywatch/store"
	"policywatch/topic"
)

// TestClusterChild is a worker or server process of TestCluster; it does
// nothing in a normal test run. SIGTERM stops it as it stops the real
// binary.
func TestClusterChild(t *testing.T) {
	args := os.Getenv("POLICYWATCH_CLUSTER_CHILD")
	if args == "" {
		t.Skip("only run as a child process of TestCluster")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, strings.Split(args, "\x1f"), os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

// child is a policywatch process of the cluster under test.
type child struct {
	name string
	cmd  *exec.Cmd
	out  *syncBuffer // stdout and stderr
	done chan error
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func startChild(t *testing.T, name string, args ...string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestClusterChild$")
	cmd.Env = append(os.Environ(), "POLICYWATCH_CLUSTER_CHILD="+strings.Join(args, "\x1f"))
	c := &child{name: name, cmd: cmd, out: &syncBuffer{}, done: make(chan error, 1)}
	cmd.Stdout, cmd.Stderr = c.out, c.out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { c.done <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-c.done
		if t.Failed() {
			t.Logf("--- %s output:\n%s", c.name, c.out.String())
		}
	})
	return c
}

// stop ends the process as an operator would (SIGTERM) and reports how
// it exited.
func (c *child) stop(t *testing.T) error {
	t.Helper()
	c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-c.done:
		c.done <- err // for the cleanup
		return err
	case <-time.After(30 * time.Second):
		t.Errorf("%s did not stop within 30s of SIGTERM", c.name)
		return nil
	}
}

var servingAt = regexp.MustCompile(`serving .* at (http://\S+)/`)

// address waits for a server's banner and returns its base URL.
func (c *child) address(t *testing.T) string {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if m := servingAt.FindStringSubmatch(c.out.String()); m != nil {
			return m[1]
		}
		select {
		case err := <-c.done:
			t.Fatalf("%s exited before serving: %v\n%s", c.name, err, c.out.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
	t.Fatalf("%s did not start serving:\n%s", c.name, c.out.String())
	return ""
}

// TestCluster runs the scale-out end to end: one PostgreSQL archive, the
// demo web with its request log, three `policywatch worker` processes and
// two `policywatch serve` processes, each server with its own index. One
// worker is SIGKILLed while it holds a URL (the demo web keeps that
// request in flight until the worker is gone). Every on-topic page is
// stored exactly once; the killed worker's URL is completed by another;
// the demo web saw, per host, one request at a time, starts no closer
// than the delay and one robots.txt; both servers answer the same search
// totals once they have taken the change log in.
func TestCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("multi-process cluster test skipped in -short mode")
	}
	pg := testpg.NewDatabase(t)
	ctx := context.Background()
	web, err := demoweb.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer web.Close()
	web.RecordRequests()
	truth, err := demoweb.Truth()
	if err != nil {
		t.Fatal(err)
	}

	// The page whose request is held: an on-topic article, fetched once.
	var held demoweb.PageTruth
	for _, pt := range truth {
		if pt.Topic && pt.Syndication == "" {
			held = pt
			break
		}
	}
	heldURL, err := crawler.NormalizeURL(web.PageURL(held))
	if err != nil {
		t.Fatal(err)
	}
	heldHost := strings.TrimPrefix(web.URL(held.Site), "http://")
	inFlight := make(chan struct{})
	var holdOnce sync.Once
	web.Hold(func(r *http.Request) {
		if r.Host != heldHost || r.URL.Path != held.Path {
			return
		}
		holdOnce.Do(func() {
			close(inFlight)
			<-r.Context().Done() // until the client is gone
		})
	})

	dir := t.TempDir()
	cfg := filepath.Join(dir, "demo-topic.yaml")
	if err := os.WriteFile(cfg, web.TopicYAML(), 0o644); err != nil {
		t.Fatal(err)
	}
	tp, err := topic.Load(cfg)
	if err != nil {
		t.Fatal(err)
	}

	var servers []*child
	for i := range 2 {
		servers = append(servers, startChild(t, fmt.Sprintf("server%d", i), "serve", "--db", pg, "--config", cfg,
			"--schedule=false", "--data", filepath.Join(dir, fmt.Sprintf("node%d", i)), "--addr", "127.0.0.1:0"))
	}
	bases := []string{servers[0].address(t), servers[1].address(t)}

	db, err := store.Open(ctx, pg)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	run, err := cluster.StartRun(ctx, db, cluster.Config{Topic: tp}, tp.Sources)
	if err != nil {
		t.Fatal(err)
	}

	workers := map[string]*child{}
	for i := range 3 {
		name := fmt.Sprintf("worker%d", i)
		workers[name] = startChild(t, name, "worker", "--db", pg, "--config", cfg, "--allow-private",
			"--name", name, "--lease", "3s")
	}

	// Kill the worker that holds the held page, while its request is in
	// flight.
	select {
	case <-inFlight:
	case <-time.After(2 * time.Minute):
		t.Fatal("the held page was never requested")
	}
	lease, err := db.ClusterURL(ctx, run.ID, heldURL)
	if err != nil || lease.State != "leased" {
		t.Fatalf("lease on the held page %s: %+v, %v", heldURL, lease, err)
	}
	owner, claims := lease.Owner, lease.Claims
	victim := workers[owner]
	if victim == nil {
		t.Fatalf("the held page is leased to %q, not a worker of this test", owner)
	}
	victim.cmd.Process.Kill()
	<-victim.done
	victim.done <- nil
	delete(workers, owner)
	t.Logf("killed %s holding %s (claim %d)", owner, heldURL, claims)

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
			t.Fatal("the run did not finish within 3 minutes")
		}
		time.Sleep(200 * time.Millisecond)
	}
	for name, w := range workers {
		if err := w.stop(t); err != nil {
			t.Errorf("%s stopped with %v (want a clean exit on SIGTERM)", name, err)
		}
	}

	after, err := db.ClusterURL(ctx, run.ID, heldURL)
	if err != nil {
		t.Fatal(err)
	}
	if after.State != "done" || after.DoneBy == owner || after.DoneBy == "" || after.Claims < 2 {
		t.Errorf("held page after the kill: %+v; want it done by another worker than the killed %s", after, owner)
	}
	r, err := db.Run(ctx, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("run %d: fetched %d, stored %d, dropped %d, skipped %d, refused %d, failed %d", r.ID, r.Fetched, r.Stored,
		r.Dropped, r.Skipped, r.Refused, r.Failed)
	clustercheck.StoredOnce(t, db, web)
	clustercheck.Polite(t, web, db, tp.Crawler.Delay)

	// Both servers take the change log in (within seconds) and answer
	// the same totals.
	docs, err := db.CountDocuments(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"", "hong kong", "sanctions", "香港"} {
		var totals []uint64
		for _, base := range bases {
			totals = append(totals, searchTotal(t, base, q, docs))
		}
		if totals[0] != totals[1] || (q == "" && totals[0] != uint64(docs)) {
			t.Errorf("search %q: totals %v on the two servers (archive: %d documents)", q, totals, docs)
		}
	}
	for _, s := range servers {
		if err := s.stop(t); err != nil {
			t.Errorf("%s stopped with %v", s.name, err)
		}
	}
}

// searchTotal asks a server for a search's total, waiting until the
// server holds every document of the archive (docs).
func searchTotal(t *testing.T, base, q string, docs int) uint64 {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		all := getTotal(t, base, "")
		if all == uint64(docs) || time.Now().After(deadline) {
			return getTotal(t, base, q)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func getTotal(t *testing.T, base, q string) uint64 {
	t.Helper()
	resp, err := http.Get(base + "/api/search?q=" + url.QueryEscape(q))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(bufio.NewReader(resp.Body))
	var res struct {
		Total uint64 `json:"total"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &res) != nil {
		t.Fatalf("search %q on %s: %s %s", q, base, resp.Status, body)
	}
	return res.Total
}

// TestCrawlOnPostgresStoresWhatSQLiteStores: `policywatch crawl --db
// postgres://…` runs the crawl in the cluster's shared frontier (this
// process working as a worker) and archives the same documents as the
// single-process crawl of the demo web into SQLite.
func TestCrawlOnPostgresStoresWhatSQLiteStores(t *testing.T) {
	d := crawlDemo(t)
	pg := testpg.NewDatabase(t)
	ctx := context.Background()
	cfg := filepath.Join(t.TempDir(), "demo-topic.yaml")
	if err := os.WriteFile(cfg, d.web.TopicYAML(), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(ctx, []string{"crawl", "--db", pg, "--config", cfg, "--allow-private", "--data", t.TempDir(), "--json"},
		&out, io.Discard); err != nil {
		t.Fatalf("crawl on PostgreSQL: %v\n%s", err, out.String())
	}
	var report struct {
		RunID  int64 `json:"run_id"`
		Counts map[string]int
		Stored int `json:"stored"`
	}
	if err := json.Unmarshal(out.Bytes(), &report); err != nil {
		t.Fatalf("crawl --json: %v\n%s", err, out.String())
	}
	db, err := store.Open(ctx, pg)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	urls := func(db *store.DB) map[string]bool {
		m := map[string]bool{}
		if err := db.EachDocument(ctx, func(doc *model.Document) error { m[doc.URL] = true; return nil }); err != nil {
			t.Fatal(err)
		}
		return m
	}
	lite, cluster := urls(d.app.db), urls(db)
	for u := range lite {
		if !cluster[u] {
			t.Errorf("%s archived by the SQLite crawl, not by the cluster crawl", u)
		}
	}
	for u := range cluster {
		if !lite[u] {
			t.Errorf("%s archived by the cluster crawl, not by the SQLite crawl", u)
		}
	}
	r, err := db.Run(ctx, report.RunID)
	if err != nil || r.FinishedAt.IsZero() || r.Stored != len(cluster) {
		t.Errorf("run %+v (%v): want it finished, with %d stored", report, err, len(cluster))
	}
}

// TestScheduledCrawlStartsOnceAcrossServers: two servers keep the same
// schedule on one PostgreSQL archive; when a crawl comes due, one of them
// starts it and the other lets it be.
func TestScheduledCrawlStartsOnceAcrossServers(t *testing.T) {
	pg := testpg.NewDatabase(t)
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/feed.xml":
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><title>Hong Kong sanctions</title><link>http://%s/news/sanctions</link></item></channel></rss>`, r.Host)
		case "/news/sanctions":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, `<!DOCTYPE html><html lang="en"><head><title>Hong Kong sanctions</title></head><body><article><h1>Hong Kong sanctions</h1>`+
				strings.Repeat(`<p>The government announced sanctions on officials over the national security law in Hong Kong.</p>`, 6)+
				`</article></body></html>`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer site.Close()
	tp, err := topic.Parse([]byte(fmt.Sprintf(`topic:
  name: Schedule test
  query: '"hong kong"'
crawler:
  user_agent: "policywatch-test/1 (+mailto:t@example.org)"
  delay: 0s
sources:
  - name: hourly-feed
    kind: feed
    doc_kind: official
    url: %s/feed.xml
`, site.URL)), "schedule-test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tax, err := defaultTaxonomy()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	type node struct {
		a    *app
		logs *syncBuffer
		wait func()
	}
	var nodes []node
	for range 2 {
		logs := &syncBuffer{}
		a, err := openStoreAt(ctx, place{dir: t.TempDir(), spec: pg}, slog.New(slog.NewTextHandler(logs, nil)))
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		a.allowPrivate = true
		clock := clockwork.NewFakeClockAt(time.Date(2026, 3, 1, 10, 59, 0, 0, time.UTC))
		wait, err := a.startSchedule(ctx, tp, tax, gocron.WithClock(clock), gocron.WithLocation(time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		if err := clock.BlockUntilContext(ctx, 1); err != nil {
			t.Fatal(err)
		}
		nodes = append(nodes, node{a, logs, wait})
		clock.Advance(time.Minute) // 11:00: the hourly crawl comes due on this node
	}
	db := nodes[0].a.db
	runs := func() (int, bool) {
		runs, err := db.Runs(ctx, 10)
		if err != nil || len(runs) == 0 {
			return 0, false
		}
		return len(runs), !runs[0].FinishedAt.IsZero()
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		n, finished := runs()
		told := strings.Contains(nodes[0].logs.String()+nodes[1].logs.String(), "crawl started by another node")
		if n >= 1 && finished && told {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 60s: %d runs (finished %v), other node told %v\n%s\n%s", n, finished, told,
				nodes[0].logs.String(), nodes[1].logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if n, _ := runs(); n != 1 {
		t.Errorf("%d crawl runs started for one due time on two servers, want 1", n)
	}
	cancel()
	for _, n := range nodes {
		n.wait()
	}
}
