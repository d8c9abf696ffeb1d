package crawler

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"policywatch/model"
)

func TestCalendarKey(t *testing.T) {
	tests := []struct {
		url      string
		calendar bool
	}{
		{"http://e.com/calendar/?month=2020-07", true},
		{"http://e.com/events/2020/07/", true},
		{"http://e.com/agenda?date=20200701", true},
		{"http://e.com/search?year=2020&q=hong+kong", true},
		{"http://e.com/news/2020/07/01/statement/", false}, // a dated article, not a calendar
		{"http://e.com/events/summit-on-hong-kong/", false},
		{"http://e.com/press?page=3", false},
	}
	for _, tc := range tests {
		u, _ := url.Parse(tc.url)
		if got := calendarKey(u) != ""; got != tc.calendar {
			t.Errorf("calendarKey(%s) calendar=%v, want %v", tc.url, got, tc.calendar)
		}
	}
	// Months of one calendar share a key; another calendar does not.
	a, _ := url.Parse("http://e.com/calendar/?month=2020-07")
	b, _ := url.Parse("http://e.com/calendar/?month=1999-01")
	c, _ := url.Parse("http://e.com/other/calendar/?month=2020-07")
	if calendarKey(a) != calendarKey(b) || calendarKey(a) == calendarKey(c) {
		t.Errorf("keys %q %q %q: want the first two equal, the third apart", calendarKey(a), calendarKey(b), calendarKey(c))
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 26, 6, 0, 0, 0, time.UTC)
	tests := []struct {
		v    string
		want time.Duration
		ok   bool
	}{
		{"120", 2 * time.Minute, true},
		{" 0 ", 0, true},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true}, // past: now
		{"-5", 0, false},
		{"soon", 0, false},
		{"", 0, false},
		{"99999999999", 24 * time.Hour, true}, // clamped, no overflow
	}
	for _, tc := range tests {
		got, ok := parseRetryAfter(tc.v, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseRetryAfter(%q) = %s, %v; want %s, %v", tc.v, got, ok, tc.want, tc.ok)
		}
	}
}

func TestRedirectLoopDetection(t *testing.T) {
	req := func(u string) *http.Request {
		r, _ := http.NewRequest(http.MethodGet, u, nil)
		return r
	}
	target := func(u string) *url.URL { p, _ := url.Parse(u); return p }
	tests := []struct {
		name   string
		via    []string
		target string
		loop   bool
	}{
		{"onward", []string{"http://e.com/a"}, "http://e.com/b", false},
		{"cookie detour back to the start", []string{"http://e.com/a", "http://e.com/set-cookie"}, "http://e.com/a", false},
		{"back to the start twice", []string{"http://e.com/a", "http://e.com/b", "http://e.com/a", "http://e.com/b"}, "http://e.com/a", true},
		{"back to a middle hop", []string{"http://e.com/a", "http://e.com/b", "http://e.com/c"}, "http://e.com/b", true},
	}
	for _, tc := range tests {
		var via []*http.Request
		for _, v := range tc.via {
			via = append(via, req(v))
		}
		err := redirectLoop(target(tc.target), via)
		if (err != nil) != tc.loop {
			t.Errorf("%s: redirectLoop = %v, want loop %v", tc.name, err, tc.loop)
		}
		if err != nil && !strings.Contains(err.Error(), tc.target) {
			t.Errorf("%s: %q does not name the repeated URL", tc.name, err)
		}
	}
}

func TestMaxPerHostCapsDocumentsPerHost(t *testing.T) {
	a, b := newSite(t), newSite(t)
	items := func(s *testSite, prefix string, n int) string {
		var sb strings.Builder
		for i := range n {
			p := "/" + prefix + "/" + string(rune('a'+i)) + "/"
			s.add(p, htmlType, article(prefix+" "+p, "2020-07-01T10:00:00Z", prose(prefix+p, 5)))
			sb.WriteString("<url><loc>" + s.url(p) + "</loc></url>")
		}
		return sb.String()
	}
	a.add("/sitemap.xml", "application/xml", `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`+items(a, "first", 5)+`</urlset>`)
	b.add("/sitemap.xml", "application/xml", `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`+items(b, "second", 2)+`</urlset>`)
	sink := newMemSink()
	run := crawl(t, sink, Options{MaxPerHost: 3},
		model.Source{Name: "a", Kind: model.SourceSitemap, URL: a.url("/sitemap.xml"), DocKind: model.KindNews},
		model.Source{Name: "b", Kind: model.SourceSitemap, URL: b.url("/sitemap.xml"), DocKind: model.KindNews})
	if len(a.pageHits()) != 1+3 || len(b.pageHits()) != 1+2 {
		t.Errorf("pages fetched: %d on the first host, %d on the second; want the sitemap and 3, the sitemap and 2",
			len(a.pageHits()), len(b.pageHits()))
	}
	if run.Stored != 5 {
		t.Errorf("stored %d, want 3 + 2", run.Stored)
	}
}

func TestConnectionRefusedIsRetriedThenRecorded(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	sink := newMemSink()
	start := time.Now()
	run := crawl(t, sink, Options{RetryBase: 20 * time.Millisecond},
		model.Source{Name: "down", Kind: model.SourceFeed, URL: "http://" + addr + "/feed.xml", DocKind: model.KindNews})
	if got := sink.reasons()["/feed.xml"]; got != "connection failed (3 attempts)" {
		t.Errorf("recorded %q, want %q", got, "connection failed (3 attempts)")
	}
	// Backoff of 20ms then 40ms (plus jitter) between the attempts.
	if took := time.Since(start); took < 60*time.Millisecond {
		t.Errorf("three attempts in %s: no backoff between them", took)
	}
	if run.Failed != 1 {
		t.Errorf("failed %d, want 1", run.Failed)
	}
}

// TestSourceFailedEntirely: Progress says so when every start URL of a
// source failed, and not for a source of which only documents failed.
func TestSourceFailedEntirely(t *testing.T) {
	site := newSite(t)
	site.add("/feed", "application/rss+xml", `<rss version="2.0"><channel><title>x</title>
<item><title>a</title><link>`+site.url("/a/")+`</link></item><item><title>b</title><link>`+site.url("/gone/")+`</link></item></channel></rss>`)
	site.add("/a/", htmlType, article("A", "2020-07-01T10:00:00Z", prose("page a", 5)))
	var mu sync.Mutex
	failed := map[string]string{}
	sink := newMemSink()
	crawl(t, sink, Options{Progress: func(p Progress) {
		if p.SourceFailed {
			mu.Lock()
			failed[p.Source] = p.Reason
			mu.Unlock()
		}
	}},
		model.Source{Name: "good", Kind: model.SourceFeed, URL: site.url("/feed"), DocKind: model.KindNews},
		model.Source{Name: "missing", Kind: model.SourceFeed, URL: site.url("/no-feed"), DocKind: model.KindNews},
		model.Source{Name: "odd", Kind: "gopher", URL: site.url("/x")})
	want := map[string]string{"missing": "HTTP 404", "odd": `unknown source kind "gopher"`}
	if len(failed) != len(want) || failed["missing"] != want["missing"] || failed["odd"] != want["odd"] {
		t.Errorf("sources failed entirely: %v, want %v (a failed document does not fail its source)", failed, want)
	}
}

// TestFacetTrapIsBounded: a faceted search whose every page links to more
// filter combinations is followed for maxQueryVariants pages at most,
// while documents numbered by a single id parameter are all fetched.
func TestFacetTrapIsBounded(t *testing.T) {
	var mu sync.Mutex
	facets, docs := 0, 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", htmlType)
		switch r.URL.Path {
		case "/search":
			mu.Lock()
			facets++
			mu.Unlock()
			q := r.URL.Query()
			var b strings.Builder
			b.WriteString("<html><body><h1>Results</h1>")
			for _, k := range []string{"country", "year", "type", "sort"} {
				for v := range 4 {
					q2 := url.Values{}
					for kk, vv := range q {
						q2[kk] = vv
					}
					q2.Set(k, strconv.Itoa(v))
					if len(q2) < 2 {
						q2.Set("lang", "en")
					}
					fmt.Fprintf(&b, `<a href="/search?%s">%s %d</a> `, q2.Encode(), k, v)
				}
			}
			b.WriteString("</body></html>")
			fmt.Fprint(w, b.String())
		case "/press.asp":
			mu.Lock()
			docs++
			mu.Unlock()
			fmt.Fprint(w, article("Release "+r.URL.Query().Get("id"), "2020-07-01T10:00:00Z", prose("release "+r.URL.Query().Get("id"), 5)))
		default:
			var b strings.Builder
			b.WriteString(`<html><body><a href="/search?q=hk&lang=en">search</a>`)
			for i := range 120 {
				fmt.Fprintf(&b, `<a href="/press.asp?id=%d">release %d</a>`, i, i)
			}
			b.WriteString("</body></html>")
			fmt.Fprint(w, b.String())
		}
	}))
	defer srv.Close()
	sink := newMemSink()
	crawl(t, sink, Options{Parallelism: 4},
		model.Source{Name: "s", Kind: model.SourceSeed, URL: srv.URL + "/", DocKind: model.KindNews, Depth: 6})
	if facets > maxQueryVariants {
		t.Errorf("%d facet pages fetched, want at most %d", facets, maxQueryVariants)
	}
	if facets < 10 {
		t.Errorf("%d facet pages fetched: the search itself should be followed a while", facets)
	}
	if docs != 120 {
		t.Errorf("%d of 120 id-numbered releases fetched", docs)
	}
}

// TestRobotsTxtHiccupIsRetried: a robots.txt that answers 503 once is
// asked again before the host is judged, and its rules then apply; one
// that keeps answering 503 refuses the host for the run.
func TestRobotsTxtHiccupIsRetried(t *testing.T) {
	for _, tc := range []struct {
		name      string
		failures  int // 503s before robots.txt answers
		wantStore int
	}{
		{"one 503", 1, 1},
		{"always 503", 100, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			var robotsAt []time.Time
			var paths []string
			var srv *httptest.Server
			srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				paths = append(paths, r.URL.Path)
				if r.URL.Path == "/robots.txt" {
					robotsAt = append(robotsAt, time.Now())
					n := len(robotsAt)
					mu.Unlock()
					if n <= tc.failures {
						http.Error(w, "busy", http.StatusServiceUnavailable)
						return
					}
					fmt.Fprint(w, "User-agent: *\nDisallow: /private/\n")
					return
				}
				mu.Unlock()
				switch r.URL.Path {
				case "/feed":
					w.Header().Set("Content-Type", "application/rss+xml")
					fmt.Fprintf(w, `<rss version="2.0"><channel><title>x</title><item><title>a</title><link>%s/news/a/</link></item><item><title>p</title><link>%s/private/p/</link></item></channel></rss>`, srv.URL, srv.URL)
				case "/news/a/", "/private/p/":
					w.Header().Set("Content-Type", htmlType)
					fmt.Fprint(w, article("A "+r.URL.Path, "2020-07-01T10:00:00Z", prose("page "+r.URL.Path, 5)))
				default:
					http.NotFound(w, r)
				}
			}))
			defer srv.Close()
			sink := newMemSink()
			run := crawl(t, sink, Options{RetryBase: 20 * time.Millisecond},
				model.Source{Name: "s", Kind: model.SourceFeed, URL: srv.URL + "/feed", DocKind: model.KindNews})
			mu.Lock()
			defer mu.Unlock()
			if paths[0] != "/robots.txt" {
				t.Errorf("first request %s, want robots.txt", paths[0])
			}
			for i, p := range paths {
				if p != "/robots.txt" && i < min(tc.failures, 3) {
					t.Errorf("%s requested before robots.txt was settled (%v)", p, paths)
				}
				if strings.HasPrefix(p, "/private/") {
					t.Errorf("fetched %s, which robots.txt disallows", p)
				}
			}
			if want := min(tc.failures+1, 3); len(robotsAt) != want {
				t.Errorf("robots.txt requested %d times, want %d", len(robotsAt), want)
			}
			if run.Stored != tc.wantStore {
				t.Errorf("stored %d, want %d (errors %v)", run.Stored, tc.wantStore, run.Log)
			}
		})
	}
}
