package crawler

import (
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"policywatch/model"
)

// TestNormalizeURLKeepsIPv6: an IPv6 literal keeps its brackets with a
// port, without one and with a zone; dropping them made the URL
// unparsable and crashed the crawler.
func TestNormalizeURLKeepsIPv6(t *testing.T) {
	tests := []struct{ in, want string }{
		{"http://[::1]:8080/a", "http://[::1]:8080/a"},
		{"http://[::1]:80/a", "http://[::1]/a"},
		{"https://[2001:DB8::1]/", "https://[2001:db8::1]/"},
		{"https://[2001:db8::1]:443", "https://[2001:db8::1]/"},
		{"http://[fe80::1%25eth0]:8080/", "http://[fe80::1%25eth0]:8080/"},
	}
	for _, tc := range tests {
		got, err := NormalizeURL(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("NormalizeURL(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

// TestIPv6SourceIsCrawled crawls a site on [::1]: the source's URL and
// its links keep their address through normalisation and scheduling.
func TestIPv6SourceIsCrawled(t *testing.T) {
	ln, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Skipf("no IPv6 loopback here: %v", err)
	}
	site := &testSite{routes: map[string]route{}}
	site.srv = &httptest.Server{Listener: ln, Config: &http.Server{Handler: http.HandlerFunc(site.serve)}}
	site.srv.Start()
	defer site.srv.Close()
	if !strings.HasPrefix(site.srv.URL, "http://[::1]:") {
		t.Fatalf("test server at %s", site.srv.URL)
	}
	site.add("/sitemap.xml", "application/xml", `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>`+site.url("/a/")+`</loc></url></urlset>`)
	site.add("/a/", htmlType, article("A", "2020-07-01T10:00:00Z", prose("page a", 5)))
	sink := newMemSink()
	run := crawl(t, sink, Options{}, model.Source{Name: "v6", Kind: model.SourceSitemap, URL: site.url("/sitemap.xml"), DocKind: model.KindNews})
	if run.Stored != 1 || run.Failed != 0 {
		t.Fatalf("stored %d, failed %d (%v); want the page on [::1] stored", run.Stored, run.Failed, run.Log)
	}
	if d := sink.doc("/a/"); d == nil || d.URL != site.url("/a/") {
		t.Errorf("stored document %+v, want URL %s", d, site.url("/a/"))
	}
}

// FuzzNormalizeURL: whatever a page links to, normalising it never
// panics, gives a URL that parses to the same host (names compared
// without case, default ports dropped), and is stable when normalised
// again; the crawler's other URL helpers take the result without panic.
func FuzzNormalizeURL(f *testing.F) {
	for _, s := range []string{
		"http://example.com/a", "HTTP://Example.COM:80/a/b/?utm_source=x&b=2&a=1#frag", "https://[::1]:8080/x",
		"http://[fe80::1%25eth0]/", "http://user:pw@host:1/;jsessionid=1?q=%zz", "http://127.0.0.1//a//b",
		"https://例子.测试/路径?q=香港", "http://[::ffff:127.0.0.1]:443/", "http://h/a/b/a/b/a/b?page=2",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		n, err := NormalizeURL(raw)
		if err != nil {
			return
		}
		orig, err := url.Parse(strings.TrimSpace(raw))
		if err != nil {
			t.Fatalf("NormalizeURL(%q) accepted a URL url.Parse refuses: %v", raw, err)
		}
		got, err := url.Parse(n)
		if err != nil {
			t.Fatalf("NormalizeURL(%q) = %q, which does not parse: %v", raw, n, err)
		}
		if got.Hostname() != strings.ToLower(orig.Hostname()) {
			t.Fatalf("NormalizeURL(%q) = %q: host %q became %q", raw, n, orig.Hostname(), got.Hostname())
		}
		if wantPort := defaultPortless(orig); got.Port() != wantPort {
			t.Fatalf("NormalizeURL(%q) = %q: port %q became %q", raw, n, wantPort, got.Port())
		}
		again, err := NormalizeURL(n)
		if err != nil || again != n {
			t.Fatalf("NormalizeURL(%q) = %q, but normalising that gives %q, %v", raw, n, again, err)
		}
		visitKey(n)
		trapReason(n)
		if u, err := url.Parse(n); err == nil {
			paginationBase(u)
			calendarKey(u)
			queryVariantKey(u)
		}
	})
}

// defaultPortless is u's port, or "" when it is the scheme's default.
func defaultPortless(u *url.URL) string {
	p := u.Port()
	if (strings.EqualFold(u.Scheme, "http") && p == "80") || (strings.EqualFold(u.Scheme, "https") && p == "443") {
		return ""
	}
	return p
}
