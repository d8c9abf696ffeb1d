package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"policywatch/crawler"
	"policywatch/model"
)

// TestCrawlExitStatusWhenASourceFailsEntirely: a source whose own URL
// fails makes `crawl` fail (so cron and systemd notice), after printing
// the summary; a crawl whose sources all answered succeeds even when some
// documents failed.
func TestCrawlExitStatusWhenASourceFailsEntirely(t *testing.T) {
	mux := http.NewServeMux()
	var srv *httptest.Server
	mux.HandleFunc("/sitemap.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprintf(w, `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>%s/news/a/</loc></url><url><loc>%s/news/gone/</loc></url></urlset>`, srv.URL, srv.URL)
	})
	mux.HandleFunc("/news/a/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!DOCTYPE html><html lang="en"><head><title>Sanctions over Hong Kong</title>
<meta property="article:published_time" content="2020-07-14T10:00:00Z"></head><body><article><h1>Sanctions over Hong Kong</h1>
<p>The government announced sanctions on officials over the national security law in Hong Kong today.</p>
<p>Partners were consulted before the decision, which takes effect at once and will be reviewed next year.</p></article></body></html>`)
	})
	srv = httptest.NewServer(mux)
	defer srv.Close()

	for _, tc := range []struct {
		name       string
		extra      string // another source
		wantFailed string // "" when the crawl should succeed
	}{
		{name: "all sources answer"},
		{name: "feed missing", extra: "  - name: broken-feed\n    kind: feed\n    doc_kind: news\n    url: '" + srv.URL + "/no-such-feed.xml'\n",
			wantFailed: "1 of 2 sources failed entirely: broken-feed (HTTP 404)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			cfg := filepath.Join(dir, "topic.yaml")
			yaml := `topic:
  name: exit status test
  query: '"hong kong" AND sanction*'
  taxonomy: builtin:hk-nsl
crawler:
  user_agent: "policywatch-test/1.0"
  delay: 1ms
  timeout: 5s
sources:
  - name: site
    kind: sitemap
    doc_kind: news
    url: '` + srv.URL + `/sitemap.xml'
` + tc.extra
			if err := os.WriteFile(cfg, []byte(yaml), 0o644); err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			err := run(context.Background(), []string{"crawl", "--json", "--allow-private", "--config", cfg, "--data", filepath.Join(dir, "data")}, &out, io.Discard)
			var summary model.RunReport
			if jerr := json.Unmarshal(out.Bytes(), &summary); jerr != nil {
				t.Fatalf("summary %q: %v", out.String(), jerr)
			}
			if summary.Stored != 1 {
				t.Errorf("stored %d, want 1", summary.Stored)
			}
			// The document that 404s is a failure of one URL, never of the run.
			gone := false
			for _, f := range summary.Failed {
				gone = gone || strings.HasSuffix(f.URL, "/news/gone/")
			}
			if !gone {
				t.Errorf("failed %+v, want /news/gone/ listed", summary.Failed)
			}
			switch {
			case tc.wantFailed == "" && err != nil:
				t.Errorf("crawl failed: %v", err)
			case tc.wantFailed != "" && (err == nil || err.Error() != tc.wantFailed):
				t.Errorf("crawl error %v, want %q", err, tc.wantFailed)
			}
		})
	}
}

// TestProgressLine: on a terminal the line shows fetched, queued, rate,
// failures and the busiest sources; in a log it is one line with the same.
func TestProgressLine(t *testing.T) {
	var term bytes.Buffer
	p := &progressReporter{w: &term, tty: true, began: time.Now().Add(-2 * time.Second), perSource: map[string]int{}}
	for i, src := range []string{"state", "state", "treasury", "state", "hk-gov"} {
		p.report(crawler.Progress{Source: src, Fetched: 10 * (i + 1), Queued: 40 - i, Stored: i, Failed: 1})
		p.drawn = time.Time{} // draw every event, not every 200ms
	}
	lines := strings.Split(term.String(), "\r\033[K")
	last := lines[len(lines)-1]
	for _, want := range []string{"fetched 50", "queued 36", "/s", "failed 1", "state 3, hk-gov 1, treasury 1"} {
		if !strings.Contains(last, want) {
			t.Errorf("terminal line %q lacks %q", last, want)
		}
	}
	if strings.Contains(last, "\n") {
		t.Errorf("terminal line %q has a newline; it should redraw in place", last)
	}

	var logBuf bytes.Buffer
	p.logger = slog.New(slog.NewTextHandler(&logBuf, nil))
	p.tty = false
	p.logLine()
	for _, want := range []string{"crawl progress", "fetched=50", "queued=36", "failed=1", `per_source="state 3, hk-gov 1, treasury 1"`} {
		if !strings.Contains(logBuf.String(), want) {
			t.Errorf("log line %q lacks %q", logBuf.String(), want)
		}
	}
}
