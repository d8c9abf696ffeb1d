package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"policywatch/model"
)

// outcomeSite is a site whose pages end every way a URL can: archived,
// dropped (off-topic, a duplicate, no text), refused by robots.txt,
// failed, and, in its second state, withdrawn. Archived pages answer 304
// to a conditional request, so a second crawl captures nothing new.
func outcomeSite(t *testing.T, state *atomic.Int32) *httptest.Server {
	page := func(title, text string) string {
		return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>` + title + `</title>
<meta property="article:published_time" content="2020-07-14T10:00:00Z"></head><body><main><article><h1>` + title + `</h1>
<p>` + text + `</p><p>` + text + `</p></article></main></body></html>`
	}
	statement := "The government announced sanctions on officials over the national security law in Hong Kong, and said partners were consulted."
	pages := map[string]string{
		"/news/sanctions/": page("Sanctions over Hong Kong", statement),
		"/news/copy/":      page("Sanctions over Hong Kong (copy)", statement),
		"/news/exports/":   page("Export controls on Hong Kong", "Export licences for Hong Kong are suspended under the national security law, the ministry said today."),
		"/news/flowers/":   page("Flower show opens", "The annual flower show opens this weekend with tulips and daffodils from across the region."),
		"/news/empty/":     `<!doctype html><html><head><title>Hong Kong</title></head><body></body></html>`,
		"/private/secret/": page("Hong Kong internal", statement),
	}
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/robots.txt":
			fmt.Fprint(w, "User-agent: *\nDisallow: /private/\n")
			return
		case "/sitemap.xml":
			w.Header().Set("Content-Type", "application/xml")
			fmt.Fprint(w, `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
			for _, p := range []string{"/news/sanctions/", "/news/copy/", "/news/exports/", "/news/flowers/", "/news/empty/", "/private/secret/", "/news/broken/"} {
				fmt.Fprintf(w, "<url><loc>%s%s</loc></url>", srv.URL, p)
			}
			fmt.Fprint(w, `</urlset>`)
			return
		case "/news/broken/":
			http.Error(w, "down", http.StatusInternalServerError)
			return
		case "/news/exports/":
			if state.Load() == 2 {
				http.Error(w, "gone", http.StatusGone)
				return
			}
		}
		body, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		etag := fmt.Sprintf(`"%x"`, len(body))
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestEveryReportGivesEachURLOneOutcome: the crawl's summary and JSON,
// `runs` and `runs --json`, /runs, /api/runs, /sources and its API tell
// the same story of two crawls: a robots.txt refusal is not a failure, a
// page withdrawn (410) is not a failure, pages dropped for being
// off-topic, a duplicate or empty are listed with their reason and
// counted apart from failures, and a clean second run is the source's
// last successful crawl although it captured nothing new.
func TestEveryReportGivesEachURLOneOutcome(t *testing.T) {
	bin := policywatchBinary(t)
	var state atomic.Int32
	state.Store(1)
	site := outcomeSite(t, &state)
	tmp := t.TempDir()
	cfg := filepath.Join(tmp, "topic.yaml")
	if err := os.WriteFile(cfg, []byte(`topic:
  name: outcomes test
  query: '"hong kong"'
  taxonomy: builtin:hk-nsl
crawler:
  user_agent: "policywatch-test/1.0"
  delay: 1ms
  timeout: 5s
  max_attempts: 1
sources:
  - name: site
    kind: sitemap
    doc_kind: official
    url: '`+site.URL+`/sitemap.xml'
  - name: dead
    kind: feed
    doc_kind: news
    url: '`+site.URL+`/no-such-feed.xml'
`), 0o644); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(tmp, "data")
	u := func(p string) string { return site.URL + p }

	// An archive no crawl has run on says so.
	if out := runOK(t, bin, "runs", "--data", emptyArchive(t)); out != "no crawl runs yet: start one with policywatch crawl\n" {
		t.Errorf("runs on an archive without runs: %q", out)
	}

	// First crawl: one source fails entirely, so the exit status says so.
	out, err := runBinary(bin, "", "crawl", "--json", "--allow-private", "--config", cfg, "--data", data)
	if err == nil || !strings.Contains(err.Error(), "1 of 2 sources failed entirely: dead (HTTP 404)") {
		t.Errorf("first crawl: %v, want it to fail naming the dead source", err)
	}
	var first model.RunReport
	if err := json.Unmarshal([]byte(out), &first); err != nil {
		t.Fatalf("crawl --json: %v\n%s", err, out)
	}
	reasons := func(l []model.URLOutcome) map[string]string {
		m := map[string]string{}
		for _, e := range l {
			m[strings.TrimPrefix(e.URL, site.URL)] = e.Reason
		}
		return m
	}
	if got := reasons(first.Failed); len(got) != 2 || got["/news/broken/"] != "HTTP 500" || got["/no-such-feed.xml"] != "HTTP 404" {
		t.Errorf("crawl --json failed = %v, want the broken page and the dead feed only (no robots.txt refusal)", got)
	}
	if got := reasons(first.Refused); len(got) != 1 || got["/private/secret/"] != "robots.txt disallows" {
		t.Errorf("crawl --json refused = %v, want the robots.txt refusal", got)
	}
	dropped := reasons(first.Dropped)
	if len(dropped) != 3 || dropped["/news/flowers/"] != "off-topic" || dropped["/news/empty/"] != "no text extracted" ||
		!regexp.MustCompile(`^duplicate of document \d+$`).MatchString(dropped["/news/copy/"]) {
		t.Errorf("crawl --json dropped = %v, want the off-topic, empty and duplicate pages with their reasons", dropped)
	}
	if first.Stored != 2 || len(first.FailedSources) != 1 || first.FailedSources[0] != "dead" {
		t.Errorf("crawl --json: stored %d, failed sources %v; want 2 and [dead]", first.Stored, first.FailedSources)
	}

	// Second crawl: the exports page is gone (410): a withdrawal, not a
	// failure. Everything archived answers 304.
	state.Store(2)
	summary, _ := runBinary(bin, "", "crawl", "--allow-private", "--config", cfg, "--data", data)
	for _, want := range []string{"unchanged 1,", "dropped 3,", "refused by robots.txt 1,", "withdrawn 1,", "failed 2",
		"  withdrawn " + u("/news/exports/") + ": HTTP 410", "  failed " + u("/news/broken/") + ": HTTP 500",
		"  refused by robots.txt " + u("/private/secret/"), "  dropped: duplicate 1; no text extracted 1; off-topic 1; (policywatch runs lists them)"} {
		if !strings.Contains(summary, want) {
			t.Errorf("crawl summary lacks %q:\n%s", want, summary)
		}
	}
	if strings.Contains(summary, "failed "+u("/news/exports/")) || strings.Contains(summary, "failed "+u("/private/")) {
		t.Errorf("crawl summary counts a withdrawal or a refusal as failed:\n%s", summary)
	}
	// The outcomes add up to the URLs the summary names; the responses
	// are said to be another count.
	m := regexp.MustCompile(`crawl run 2: (\d+) URLs: stored (\d+), updated (\d+), unchanged (\d+), dropped (\d+), skipped (\d+), refused by robots.txt (\d+), withdrawn (\d+), failed (\d+); (\d+) HTTP responses \(feeds, sitemaps and retries included\)`).FindStringSubmatch(summary)
	if m == nil {
		t.Fatalf("crawl summary does not count URLs and responses apart:\n%s", summary)
	}
	sum := 0
	for _, n := range m[2:10] {
		var v int
		fmt.Sscan(n, &v)
		sum += v
	}
	if m[1] != fmt.Sprint(sum) {
		t.Errorf("crawl summary: %s URLs, but its outcomes add up to %d", m[1], sum)
	}

	var runs []model.RunReport
	if err := json.Unmarshal([]byte(runOK(t, bin, "runs", "--json", "--data", data)), &runs); err != nil || len(runs) != 2 {
		t.Fatalf("runs --json: %d runs (%v)", len(runs), err)
	}
	second := runs[0]
	if got := reasons(second.Withdrawn); len(got) != 1 || got["/news/exports/"] != "HTTP 410" || len(second.Failed) != 2 {
		t.Errorf("runs --json run 2: withdrawn %v, %d failed; want the 410 withdrawn and 2 failures", got, len(second.Failed))
	}
	if got := reasons(runs[1].Dropped); !reflect.DeepEqual(got, dropped) {
		t.Errorf("runs --json run 1 dropped %v, crawl --json said %v", got, dropped)
	}
	if text := runOK(t, bin, "runs", "--data", data); !strings.Contains(text, "  dropped "+u("/news/empty/")+": no text extracted") ||
		!strings.Contains(text, "  dropped "+u("/news/copy/")+": duplicate of document") {
		t.Errorf("runs does not show the dropped pages with their reasons:\n%s", text)
	}

	// The web UI and the API, from a running server.
	srv := startServer(t, bin, data)
	get := func(path string) string {
		res, err := http.Get(srv.base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %s", path, res.Status)
		}
		return string(body)
	}
	var api struct {
		ID                                  int64
		URLs                                int
		Counts                              map[string]int
		Dropped, Refused, Withdrawn, Failed []model.URLOutcome
		FailedSources                       []string `json:"failed_sources"`
	}
	srv.getJSON(t, "/api/runs/2", &api)
	wantCounts := map[string]int{"fetched": second.Fetched, "stored": second.Stored, "updated": second.Updated,
		"unchanged": second.Unchanged, "skipped": second.Skipped, "dropped": len(second.Dropped), "refused": len(second.Refused),
		"withdrawn": len(second.Withdrawn), "failed": len(second.Failed)}
	// runs --json and the API: one shape, the same counts.
	if second.ID != second.RunID || second.ID != 2 || !reflect.DeepEqual(second.Counts, wantCounts) || second.URLs != sum {
		t.Errorf("runs --json run 2: id %d (run_id %d), counts %v, urls %d; want id 2, counts %v, %d URLs",
			second.ID, second.RunID, second.Counts, second.URLs, wantCounts, sum)
	}
	var rawRuns []map[string]any
	if err := json.Unmarshal([]byte(runOK(t, bin, "runs", "--json", "--data", data)), &rawRuns); err != nil || len(rawRuns) != 2 {
		t.Fatal(err)
	}
	var rawAPI map[string]any
	srv.getJSON(t, "/api/runs/2", &rawAPI)
	for k := range rawRuns[0] {
		if _, ok := rawAPI[k]; !ok {
			t.Errorf("runs --json has %q, /api/runs/2 does not", k)
		}
	}
	if api.ID != second.RunID || api.URLs != sum || !reflect.DeepEqual(api.Counts, wantCounts) || !reflect.DeepEqual(api.Dropped, second.Dropped) ||
		!reflect.DeepEqual(api.Refused, second.Refused) || !reflect.DeepEqual(api.Withdrawn, second.Withdrawn) ||
		!reflect.DeepEqual(api.Failed, second.Failed) || !reflect.DeepEqual(api.FailedSources, second.FailedSources) {
		t.Errorf("/api/runs/2 = %+v\nruns --json = %+v", api, second)
	}
	page := get("/runs")
	row := regexp.MustCompile(`(?s)<th scope="row" id="run-2">#2</th>(.*?)</tr>`).FindStringSubmatch(page)
	if row == nil || !strings.Contains(row[1], `<td class="failed">2</td>`) {
		t.Errorf("/runs row of run 2 does not show 2 failed: %q", row)
	}
	// /runs names the counts as the command line does.
	head := regexp.MustCompile(`(?s)<thead>(.*?)</thead>`).FindStringSubmatch(page)
	if head == nil || !strings.Contains(head[1], `<th scope="col">HTTP responses</th><th scope="col">URLs</th><th scope="col">Stored</th>`) || strings.Contains(head[1], ">New<") {
		t.Errorf("/runs column heads: %q, want HTTP responses, URLs and Stored as the CLI says", head)
	}
	if row != nil && !strings.Contains(row[1], fmt.Sprintf("<td>%d</td><td>%d</td><td>%d</td>", second.Fetched, sum, second.Stored)) {
		t.Errorf("/runs row of run 2 %q lacks %d responses, %d URLs, %d stored", row[1], second.Fetched, sum, second.Stored)
	}
	for _, want := range []string{"<summary>2 failed</summary>", "<summary>1 withdrawn</summary>", "<summary>1 refused by robots.txt</summary>",
		"<summary>3 dropped</summary>", "Failed entirely (nothing crawled): dead"} {
		if !strings.Contains(page, want) {
			t.Errorf("/runs lacks %q", want)
		}
	}
	failedList := regexp.MustCompile(`(?s)<summary>2 failed</summary>(.*?)</details>`).FindStringSubmatch(page)
	if failedList == nil || strings.Contains(failedList[1], "/news/exports/") || strings.Contains(failedList[1], "/private/") {
		t.Errorf("/runs lists a withdrawal or a refusal among the failures: %q", failedList)
	}
	var cov struct {
		LastSuccess *struct{ ID int64 } `json:"last_successful_run"`
		Failures    []struct {
			Reason string `json:"reason"`
			Count  int    `json:"count"`
		} `json:"failures"`
	}
	srv.getJSON(t, "/api/sources/site/coverage", &cov)
	if cov.LastSuccess == nil || cov.LastSuccess.ID != 2 {
		t.Errorf("last successful crawl of site = %+v, want run 2 (clean, nothing new captured)", cov.LastSuccess)
	}
	if len(cov.Failures) != 1 || cov.Failures[0].Reason != "HTTP 500" || cov.Failures[0].Count != 2 {
		t.Errorf("failures of site = %+v, want only the broken page's HTTP 500 in both runs", cov.Failures)
	}
	sources := get("/sources")
	if !regexp.MustCompile(`(?s)>site</a>.*?\(run #2\)`).MatchString(sources) {
		t.Errorf("/sources does not give run #2 as site's last successful crawl")
	}
	if !regexp.MustCompile(`(?s)>dead</a>.*?never`).MatchString(sources) {
		t.Errorf("/sources does not say the dead source never succeeded")
	}
}
