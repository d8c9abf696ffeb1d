package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// slowSite serves a sitemap of n on-topic articles, each answered after a
// delay, and counts the requests per path.
type slowSite struct {
	srv   *httptest.Server
	n     int
	delay time.Duration

	mu   sync.Mutex
	hits map[string]int
}

func newSlowSite(t *testing.T, n int, delay time.Duration) *slowSite {
	s := &slowSite{n: n, delay: delay, hits: map[string]int{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *slowSite) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.hits[r.URL.Path]++
	s.mu.Unlock()
	switch {
	case r.URL.Path == "/sitemap.xml":
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprint(w, `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
		for i := range s.n {
			fmt.Fprintf(w, "<url><loc>%s</loc></url>", s.docURL(i))
		}
		fmt.Fprint(w, `</urlset>`)
	case strings.HasPrefix(r.URL.Path, "/news/"):
		var i int
		if _, err := fmt.Sscanf(r.URL.Path, "/news/%d/", &i); err != nil || i < 0 || i >= s.n {
			http.NotFound(w, r)
			return
		}
		select {
		case <-time.After(s.delay):
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!DOCTYPE html><html lang="en"><head><title>Statement %[1]d on Hong Kong sanctions</title>
<meta property="article:published_time" content="2020-07-%02[2]dT10:00:00Z"></head><body><main><article>
<h1>Statement %[1]d on Hong Kong sanctions</h1>`, i, 1+i%28)
		fmt.Fprintf(w, "<p>The government announced sanctions over Hong Kong in statement %d.</p>\n", i)
		for p := range 5 {
			fmt.Fprintf(w, "<p>%s.</p>\n", babble(i*10+p, 40))
		}
		fmt.Fprint(w, `</article></main></body></html>`)
	default:
		http.NotFound(w, r)
	}
}

var words = strings.Fields(`minister council treaty export licence visa asylum court judge
	bank asset freeze airport harbour election senate committee report review hearing
	tariff customs permit passport embassy consulate ambassador protest march police
	arrest charge bail appeal newspaper editor reporter broadcast satellite cable
	university student teacher library archive museum garden river bridge tunnel
	railway station ferry island village market farmer fisher weather typhoon`)

// babble writes n words chosen by a small generator seeded with seed, so
// every page's text is its own and no two pages look like copies.
func babble(seed, n int) string {
	x := uint32(seed*2654435761 + 12345)
	out := make([]string, n)
	for k := range out {
		x = x*1664525 + 1013904223
		out[k] = words[int(x>>16)%len(words)]
	}
	return strings.Join(out, " ")
}

func (s *slowSite) docURL(i int) string { return fmt.Sprintf("%s/news/%d/", s.srv.URL, i) }

func (s *slowSite) docFetches() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for p, c := range s.hits {
		if strings.HasPrefix(p, "/news/") {
			n += c
		}
	}
	return n
}

// buildPolicywatch compiles this command into dir.
func buildPolicywatch(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "policywatch")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// countDocs reads the number of stored documents without taking the
// store's writer (the crawl holds it).
func countDocs(path string) (int, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(2000)")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var n int
	err = db.QueryRow(`SELECT count(*) FROM documents`).Scan(&n)
	return n, err
}

// TestKilledCrawlResumes runs a real crawl process, SIGKILLs it after some
// documents are stored, runs it again and expects every document of the
// site exactly once, with the second process carrying on the same run
// instead of starting over.
func TestKilledCrawlResumes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the policywatch binary")
	}
	const n = 24
	site := newSlowSite(t, n, 80*time.Millisecond)
	tmp := t.TempDir()
	bin := buildPolicywatch(t, tmp)
	data := filepath.Join(tmp, "data")
	config := filepath.Join(tmp, "topic.yaml")
	yaml := fmt.Sprintf(`topic:
  name: resume test
  query: '"hong kong" AND sanction*'
  taxonomy: builtin:hk-nsl
crawler:
  user_agent: "policywatch-test/1.0 (+mailto:test@example.org)"
  delay: 10ms
  parallelism: 2
  timeout: 5s
  max_body: 1MB
sources:
  - name: slow
    kind: sitemap
    doc_kind: official
    url: '%s/sitemap.xml'
`, site.srv.URL)
	if err := os.WriteFile(config, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	dbPath := filepath.Join(data, "policywatch.db")

	// First run: killed once a third of the documents are in.
	first := exec.Command(bin, "crawl", "--allow-private", "--config", config, "--data", data)
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		if time.Now().After(deadline) {
			first.Process.Kill()
			t.Fatal("first crawl stored too few documents within 60s")
		}
		if got, err := countDocs(dbPath); err == nil && got >= n/3 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	first.Wait()
	storedBefore, err := countDocs(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if storedBefore >= n {
		t.Fatalf("the first crawl finished (%d documents) before it was killed; slow the site down", storedBefore)
	}
	fetchesBefore := site.docFetches()

	// Second run: resumes.
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	second := exec.CommandContext(ctx, bin, "crawl", "--json", "--allow-private", "--config", config, "--data", data)
	var stderr strings.Builder
	second.Stderr = &stderr
	out, err := second.Output()
	if err != nil {
		t.Fatalf("second crawl: %v\n%s", err, stderr.String())
	}
	var summary struct {
		RunID  int64 `json:"run_id"`
		Stored int   `json:"stored"`
	}
	if err := json.Unmarshal(out, &summary); err != nil {
		t.Fatalf("summary %q: %v", out, err)
	}

	db, err := sql.Open("sqlite", "file:"+dbPath+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT url, version FROM documents`)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for rows.Next() {
		var (
			u string
			v int
		)
		if err := rows.Scan(&u, &v); err != nil {
			t.Fatal(err)
		}
		got[u]++
		if v != 1 {
			t.Errorf("%s stored in %d versions, want 1", u, v)
		}
	}
	rows.Close()
	for i := range n {
		if got[site.docURL(i)] != 1 {
			t.Errorf("%s stored %d times, want once", site.docURL(i), got[site.docURL(i)])
		}
	}
	if len(got) != n {
		t.Errorf("%d documents stored, want %d", len(got), n)
	}
	var runs int
	db.QueryRow(`SELECT count(*) FROM crawl_runs`).Scan(&runs)
	if runs != 1 || summary.RunID != 1 {
		t.Errorf("%d runs, summary run %d: the second process should have resumed run 1", runs, summary.RunID)
	}
	if summary.Stored != n {
		t.Errorf("run 1 counts %d stored, want %d over both processes", summary.Stored, n)
	}
	// Resuming fetches what was left, not the whole site again: at most
	// the pages in flight at the kill (parallelism 2 on one host: 1) are
	// fetched twice.
	if total := site.docFetches(); total > n+2 {
		t.Errorf("documents fetched %d times in all (%d before the kill), want at most %d", total, fetchesBefore, n+2)
	}
}
