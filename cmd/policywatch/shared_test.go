package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"policywatch/demoweb"
	"policywatch/index"
	"policywatch/ingest"
	"policywatch/model"
	"policywatch/store"
)

// Tests of several policywatch processes on one data directory, as the
// README's cron/systemd setup runs them: `serve` for good, `crawl` from a
// timer, and the other commands whenever someone types them.

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// policywatchBinary builds this command once for the tests that run it
// as separate processes.
func policywatchBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the policywatch binary")
	}
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "policywatch-bin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "policywatch")
		if out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput(); err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// server is `policywatch serve` running as a child process.
type server struct {
	cmd    *exec.Cmd
	base   string // http://127.0.0.1:PORT
	stderr *lockedBuffer
	exited chan error
}

var servingLine = regexp.MustCompile(`at (http://\S+)/`)

// startServer runs `policywatch serve` on data until the test ends.
func startServer(t *testing.T, bin, data string, flags ...string) *server {
	t.Helper()
	args := append([]string{"serve", "--data", data, "--addr", "127.0.0.1:0"}, flags...)
	s := &server{cmd: exec.Command(bin, args...), stderr: &lockedBuffer{},
		exited: make(chan error, 1)}
	s.cmd.Stderr = s.stderr
	out, err := s.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.exited <- s.cmd.Wait() }()
	t.Cleanup(func() { s.stop(t) })
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	deadline := time.After(2 * time.Minute)
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("serve exited before serving:\n%s", s.stderr)
			}
			if m := servingLine.FindStringSubmatch(line); m != nil {
				s.base = m[1]
				go io.Copy(io.Discard, out)
				return s
			}
		case <-deadline:
			t.Fatalf("serve did not start in two minutes:\n%s", s.stderr)
		}
	}
}

// stop ends the server with SIGTERM, as systemd does, and waits for it.
func (s *server) stop(t *testing.T) {
	if s.cmd.ProcessState != nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		t.Errorf("serve did not stop on SIGTERM:\n%s", s.stderr)
	}
}

// getJSON GETs path from the server into v.
func (s *server) getJSON(t *testing.T, path string, v any) {
	t.Helper()
	res, err := http.Get(s.base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s %s", path, res.Status, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

// searchTotal is what the server's search API counts for q.
func (s *server) searchTotal(t *testing.T, q string) uint64 {
	var res struct {
		Total uint64 `json:"total"`
	}
	s.getJSON(t, "/api/search?q="+url.QueryEscape(q), &res)
	return res.Total
}

// runOK runs one policywatch command to completion and returns its output,
// failing the test when it fails.
func runOK(t *testing.T, bin string, args ...string) string {
	t.Helper()
	out, err := runBinary(bin, "", args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// runBinary runs one policywatch command with stdin and returns its
// output, or an error with everything it printed.
func runBinary(bin, stdin string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var stderr lockedBuffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return string(out), fmt.Errorf("policywatch %s: %v\n%s%s", strings.Join(args, " "), err, out, stderr.String())
	}
	return string(out), nil
}

// storeCount reads the number of stored documents without the store's
// writer.
func storeCount(t *testing.T, data string) int {
	t.Helper()
	n, err := countDocs(filepath.Join(data, "policywatch.db"))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// demoConfig starts the demo web and writes its topic config.
func demoConfig(t *testing.T, dir string) (*demoweb.Web, string) {
	t.Helper()
	web, err := demoweb.Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { web.Close() })
	cfg := filepath.Join(dir, "demo-topic.yaml")
	if err := os.WriteFile(cfg, web.TopicYAML(), 0o644); err != nil {
		t.Fatal(err)
	}
	return web, cfg
}

// waitUntil polls cond every 100 ms until it holds or the time is up.
func waitUntil(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, within)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestServeAndCronCrawlShareADataDirectory is the README's scheduled
// setup: `serve` runs, `crawl` runs as another process (cron, a systemd
// timer) on the same data directory, and what it stores shows up in the
// running server's search and timeline without a restart, while search,
// runs, reindex, verify, backup, export, import and user work beside both.
func TestServeAndCronCrawlShareADataDirectory(t *testing.T) {
	bin := policywatchBinary(t)
	tmp := t.TempDir()
	_, cfg := demoConfig(t, tmp)
	// serve without a schedule wants an archive: an empty one, before the
	// first crawl.
	data := emptyArchive(t)
	srv := startServer(t, bin, data)
	if n := srv.searchTotal(t, ""); n != 0 {
		t.Fatalf("a new archive's server finds %d documents", n)
	}

	crawl := exec.Command(bin, "crawl", "--allow-private", "--config", cfg, "--data", data)
	var crawlOut, crawlErr lockedBuffer
	crawl.Stdout, crawl.Stderr = &crawlOut, &crawlErr
	if err := crawl.Start(); err != nil {
		t.Fatal(err)
	}
	crawled := make(chan error, 1)
	go func() { crawled <- crawl.Wait() }()

	// While the crawl stores and the server serves, every other command
	// works on the same data directory, all at once.
	waitUntil(t, time.Minute, "the crawl stores a document", func() bool { return storeCount(t, data) > 0 })
	commands := [][]string{
		{"search", "--data", data, "hong kong"},
		{"runs", "--data", data},
		{"reindex", "--data", data},
		{"verify", "--data", data},
		{"backup", "--data", data, filepath.Join(tmp, "backup")},
		{"export", "warc", "--data", data, filepath.Join(tmp, "during.warc.gz")},
		{"user", "add", "--data", data, "editor1"},
	}
	outputs := make([]string, len(commands))
	errs := make([]error, len(commands))
	var wg sync.WaitGroup
	for i, args := range commands {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outputs[i], errs[i] = runBinary(bin, "a long enough password\n", args...)
		}()
	}
	wg.Wait()
	during := map[string]string{}
	for i, args := range commands {
		if errs[i] != nil {
			t.Errorf("while serving and crawling: %v", errs[i])
		}
		during[args[0]] = outputs[i]
	}
	select {
	case err := <-crawled:
		t.Log("the crawl ended before every command did")
		crawled <- err
	default:
		t.Log("every command ended while the crawl was running")
	}
	if !strings.Contains(during["reindex"], "rebuilt by the server") {
		t.Errorf("reindex while serving: %q, want the server to rebuild the index", during["reindex"])
	}
	if !strings.Contains(during["verify"], "0 differ") || !strings.Contains(during["verify"], " 0 mismatches") {
		t.Errorf("verify while serving and crawling: %q", during["verify"])
	}
	if !regexp.MustCompile(`(?m)^\d+ matching documents`).MatchString(during["search"]) {
		t.Errorf("search while serving: %q", during["search"])
	}

	select {
	case err := <-crawled:
		if err != nil {
			t.Fatalf("crawl beside the server: %v\n%s", err, crawlErr.String())
		}
	case <-time.After(5 * time.Minute):
		crawl.Process.Kill()
		t.Fatal("the crawl did not finish in five minutes")
	}
	if !strings.Contains(crawlErr.String(), "the server of this data directory indexes the changes") {
		t.Errorf("the crawl did not leave the index to the server:\n%s", crawlErr.String())
	}
	stored := storeCount(t, data)
	if stored < 50 {
		t.Fatalf("the crawl stored %d documents; the demo web has more", stored)
	}
	// Within seconds the server's search holds every stored document,
	// and its timeline the crawl's events: no restart.
	waitUntil(t, 30*time.Second, "the server's search holds the crawl's documents", func() bool {
		return srv.searchTotal(t, "") == uint64(stored)
	})
	var tl struct {
		Events []struct{ Date, Title string } `json:"events"`
	}
	srv.getJSON(t, "/api/timeline?category=visa-restriction&actor=us", &tl)
	if len(tl.Events) == 0 || tl.Events[0].Date != "2020-06-26" {
		t.Errorf("timeline after the crawl: %+v, want the U.S. visa restriction of 2020-06-26", tl.Events)
	}
	if n := srv.searchTotal(t, "國家安全"); n == 0 {
		t.Error("the server's search does not find the crawl's Chinese pages")
	}
	// The CLI's search goes through the server and sees the same.
	out := runOK(t, bin, "search", "--data", data, "--json", "--limit", "1", "visa restrictions")
	var res struct {
		Total uint64 `json:"total"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || res.Total != srv.searchTotal(t, "visa restrictions") || res.Total == 0 {
		t.Errorf("search --json through the server: %s (%v), want the server's %d", out, err, srv.searchTotal(t, "visa restrictions"))
	}
	// An import beside the server: everything is in already.
	if out := runOK(t, bin, "import", "warc", "--data", data, "--config", cfg, filepath.Join(tmp, "during.warc.gz")); !strings.Contains(out, "stored 0,") {
		t.Errorf("import of pages already archived: %s", out)
	}
	if out := runOK(t, bin, "runs", "--data", data, "--json"); !strings.Contains(out, `"run_id": 1`) {
		t.Errorf("runs --json: %.300s", out)
	}
}

// lastChange reads the newest change-log entry without the store's writer.
func lastChange(t *testing.T, data string) int64 {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(data, "policywatch.db")+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var seq int64
	if err := db.QueryRow(`SELECT coalesce(max(seq), 0) FROM change_log`).Scan(&seq); err != nil {
		t.Fatal(err)
	}
	return seq
}

// TestServerKilledBetweenStoreAndIndexCatchesUp kills `serve` with
// SIGKILL while a crawl in another process commits documents the server
// has not indexed yet; the restarted server takes in everything it
// missed, so the index and the store agree: the same documents, each
// with the text stored.
func TestServerKilledBetweenStoreAndIndexCatchesUp(t *testing.T) {
	bin := policywatchBinary(t)
	tmp := t.TempDir()
	_, cfg := demoConfig(t, tmp)
	// serve without a schedule wants an archive: an empty one, before the
	// first crawl.
	data := emptyArchive(t)
	// This server takes in other processes' changes only once an hour, so
	// the kill always lands after a commit and before its index update.
	srv := startServer(t, bin, data, "--apply-every", "1h")

	crawl := exec.Command(bin, "crawl", "--allow-private", "--config", cfg, "--data", data)
	var crawlErr lockedBuffer
	crawl.Stderr = &crawlErr
	if err := crawl.Start(); err != nil {
		t.Fatal(err)
	}
	crawled := make(chan error, 1)
	go func() { crawled <- crawl.Wait() }()

	// Kill the server once a commit lands: the commit is in the store and
	// not yet in its index.
	var committed int64
	waitUntil(t, time.Minute, "the crawl commits a document", func() bool {
		committed = lastChange(t, data)
		return committed > 0
	})
	if err := srv.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-srv.exited
	applied, err := ingest.IndexApplied(context.Background(), ingest.Dir(data), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if applied >= committed {
		t.Fatalf("the server indexed change %d before it was killed, though it applies changes hourly", committed)
	}
	t.Logf("killed the server with change %d committed and %d indexed", committed, applied)

	// Restarted while the crawl goes on: the new server catches up with
	// what the old one missed, then with the rest of the crawl.
	srv = startServer(t, bin, data)
	select {
	case err := <-crawled:
		if err != nil {
			t.Fatalf("crawl: %v\n%s", err, crawlErr.String())
		}
	case <-time.After(5 * time.Minute):
		crawl.Process.Kill()
		t.Fatal("the crawl did not finish in five minutes")
	}
	stored := storeCount(t, data)
	waitUntil(t, 30*time.Second, "the restarted server's search holds every stored document", func() bool {
		return srv.searchTotal(t, "") == uint64(stored)
	})
	srv.stop(t)

	// The index the server left behind agrees with the store, document by
	// document: it was not brought up to date by this check.
	ctx := context.Background()
	if applied, err := ingest.IndexApplied(ctx, ingest.Dir(data), time.Minute); err != nil || applied != lastChange(t, data) {
		t.Fatalf("the server stopped with change %d of %d indexed (%v)", applied, lastChange(t, data), err)
	}
	db, err := store.Open(ctx, filepath.Join(data, "policywatch.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	want := map[int64]string{}
	if err := db.EachDocument(ctx, func(d *model.Document) error {
		want[d.ID] = index.Fingerprint(d.Title, d.Text)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	ix, err := index.Open(filepath.Join(data, "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	got := map[int64]string{}
	if err := ix.Fingerprints(ctx, func(id int64, fp string) error { got[id] = fp; return nil }); err != nil {
		t.Fatal(err)
	}
	if n, _ := ix.Count(); int(n) != len(want) || len(got) != len(want) {
		t.Errorf("index holds %d documents, the store %d", n, len(want))
	}
	for id, fp := range want {
		if got[id] != fp {
			t.Errorf("document %d: indexed %q, stored %q", id, got[id], fp)
		}
	}
}
