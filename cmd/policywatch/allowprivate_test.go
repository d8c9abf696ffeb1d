package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// TestCrawlRefusesLoopbackUnlessAllowed: `policywatch crawl` does not
// fetch from this machine's own addresses unless --allow-private says so,
// and its failure message tells the user which URL and why.
func TestCrawlRefusesLoopbackUnlessAllowed(t *testing.T) {
	var hits atomic.Int32
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		switch r.URL.Path {
		case "/sitemap.xml":
			w.Header().Set("Content-Type", "application/xml")
			fmt.Fprintf(w, `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>%s/news/a/</loc></url></urlset>`, srv.URL)
		case "/news/a/":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, `<!DOCTYPE html><html lang="en"><head><title>Sanctions over Hong Kong</title></head><body><article>
<h1>Sanctions over Hong Kong</h1><p>The government announced sanctions on officials over the national security law in Hong Kong today.</p>
<p>Partners were consulted before the decision, which takes effect at once and will be reviewed next year.</p></article></body></html>`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()

	for _, tc := range []struct {
		name      string
		flags     []string
		wantErr   []string // parts of the crawl's error; nil: success
		wantFetch bool
	}{
		{name: "refused by default", wantErr: []string{"1 of 1 sources failed entirely: site", "refused " + srv.URL + "/sitemap.xml", "127.0.0.1 is a loopback address", "--allow-private"}},
		{name: "allowed with --allow-private", flags: []string{"--allow-private"}, wantFetch: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hits.Store(0)
			dir := t.TempDir()
			cfg := filepath.Join(dir, "topic.yaml")
			yaml := "topic:\n  name: t\n  query: '\"hong kong\"'\n  taxonomy: builtin:hk-nsl\ncrawler:\n  user_agent: \"policywatch-test/1.0\"\n  delay: 1ms\n  timeout: 5s\n" +
				"sources:\n  - name: site\n    kind: sitemap\n    doc_kind: news\n    url: '" + srv.URL + "/sitemap.xml'\n"
			if err := os.WriteFile(cfg, []byte(yaml), 0o644); err != nil {
				t.Fatal(err)
			}
			args := append([]string{"crawl", "--config", cfg, "--data", filepath.Join(dir, "data")}, tc.flags...)
			var out bytes.Buffer
			err := run(context.Background(), args, &out, io.Discard)
			if tc.wantErr == nil && err != nil {
				t.Fatalf("crawl: %v\n%s", err, out.String())
			}
			for _, part := range tc.wantErr {
				if err == nil || !strings.Contains(err.Error(), part) {
					t.Errorf("crawl error %v, want it to contain %q", err, part)
				}
			}
			if got := hits.Load() > 0; got != tc.wantFetch {
				t.Errorf("server received %d requests; want requests: %v", hits.Load(), tc.wantFetch)
			}
		})
	}
}
