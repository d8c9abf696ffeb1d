package main

import (
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// archiveCounts reads how many rows the archive's history tables hold,
// without the store's writer.
func archiveCounts(t *testing.T, data string) map[string]int {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(data, "policywatch.db")+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out := map[string]int{}
	for _, table := range []string{"documents", "captures", "document_versions", "document_withdrawals", "change_log"} {
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	return out
}

// warcRecord is one WARC/1.0 response record of an HTTP response.
func warcRecord(uri, date, response string) string {
	return "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: " + uri + "\r\nWARC-Date: " + date +
		"\r\nWARC-Record-ID: <urn:uuid:" + fmt.Sprintf("%08x", len(uri)+len(date)+len(response)) + "-0000-4000-8000-000000000000>\r\n" +
		"Content-Type: application/http; msgtype=response\r\nContent-Length: " + fmt.Sprint(len(response)) + "\r\n\r\n" + response + "\r\n\r\n"
}

func htmlResponse(body string) string {
	return "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: " + fmt.Sprint(len(body)) + "\r\n\r\n" + body
}

func articlePage(title, text string) string {
	return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>` + title + `</title>
<meta property="article:published_time" content="2020-07-14T09:00:00Z"></head><body><main><article><h1>` + title + `</h1>
<p>` + text + `</p><p>` + text + `</p></article></main></body></html>`
}

// TestReimportAddsNothing: a WARC file imported a second time (or an
// archive's export read back into it) holds the same fetches: the same
// URL, fetch time and body are the same capture, so nothing is added and
// every record is reported unchanged. A crawl fetching a page again is a
// new fetch and is still recorded.
func TestReimportAddsNothing(t *testing.T) {
	c := newCLI(t)
	tmp := t.TempDir()
	v1 := articlePage("Sanctions over Hong Kong", "The government announced sanctions on officials over the national security law in Hong Kong.")
	v2 := articlePage("Sanctions over Hong Kong", "The government announced sanctions on officials over the national security law in Hong Kong, and named them today.")
	other := articlePage("Export controls on Hong Kong", "Export licences for Hong Kong are suspended under the national security law, the ministry said today.")
	file := filepath.Join(tmp, "history.warc")
	data := warcRecord("https://www.gov.example/news/sanctions", "2020-07-14T10:00:00Z", htmlResponse(v1)) +
		warcRecord("https://www.gov.example/news/exports", "2020-07-14T10:00:01Z", htmlResponse(other)) +
		warcRecord("https://www.gov.example/news/sanctions", "2020-07-15T10:00:00Z", htmlResponse(v2)) +
		warcRecord("https://www.gov.example/news/exports", "2020-07-16T10:00:00Z",
			"HTTP/1.1 410 Gone\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n\r\ngone")
	if err := os.WriteFile(file, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(tmp, "data")
	first := c.ok("import", "warc", "--data", dir, file).stdout
	if !strings.Contains(first, "stored 2, updated 1, unchanged 0,") || !strings.Contains(first, "withdrawn 1,") {
		t.Fatalf("first import: %s", first)
	}
	before := archiveCounts(t, dir)
	if before["captures"] != 3 || before["document_versions"] != 3 || before["document_withdrawals"] != 1 {
		t.Fatalf("after the first import: %v", before)
	}

	second := c.ok("import", "warc", "--data", dir, file).stdout
	if !strings.Contains(second, "stored 0, updated 0, unchanged 4,") || !strings.Contains(second, "withdrawn 0,") {
		t.Errorf("second import of the same file: %s, want all four records unchanged", second)
	}
	if after := archiveCounts(t, dir); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("the second import changed the archive: %v, was %v", after, before)
	}

	// The archive's own export, read back into it, is the same fetches too.
	export := filepath.Join(tmp, "export.warc.gz")
	c.ok("export", "warc", "--data", dir, export)
	back := c.ok("import", "warc", "--data", dir, export).stdout
	if !strings.Contains(back, "stored 0, updated 0, unchanged 4,") {
		t.Errorf("importing the archive's own export: %s", back)
	}
	if after := archiveCounts(t, dir); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("importing the archive's own export changed it: %v, was %v", after, before)
	}
	if out := c.ok("verify", "--data", dir).stdout; !strings.Contains(out, "3 captures checked, 0 mismatches") {
		t.Errorf("verify after the imports: %s", out)
	}

	// A crawl that fetches an unchanged page again records that fetch.
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/sitemap.xml":
			w.Header().Set("Content-Type", "application/xml")
			fmt.Fprintf(w, `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>http://%s/news/sanctions/</loc></url></urlset>`, r.Host)
		case "/news/sanctions/":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			io.WriteString(w, v1)
		default:
			http.NotFound(w, r)
		}
	}))
	defer site.Close()
	cfg := filepath.Join(tmp, "topic.yaml")
	if err := os.WriteFile(cfg, []byte(`topic:
  name: reimport test
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
`), 0o644); err != nil {
		t.Fatal(err)
	}
	crawled := filepath.Join(tmp, "crawled")
	c.ok("crawl", "--allow-private", "--config", cfg, "--data", crawled)
	again := c.ok("crawl", "--allow-private", "--config", cfg, "--data", crawled).stdout
	if !strings.Contains(again, "unchanged 1,") {
		t.Errorf("second crawl: %s", again)
	}
	if n := archiveCounts(t, crawled); n["documents"] != 1 || n["captures"] != 2 || n["document_versions"] != 1 {
		t.Errorf("two crawls of an unchanged page hold %v, want 1 document, 1 version and 2 captures", n)
	}
}
