package crawler

import (
	"context"
	"strings"
	"testing"
	"time"

	"policywatch/crawler/internal/faultsrv"
	"policywatch/model"
)

// TestFaultInjection crawls a site that produces every fault the crawler
// must survive, and checks each one's recorded outcome, that nothing hung
// past its timeout, and, from the server's own log, that the per-host
// pace and Retry-After were respected.
func TestFaultInjection(t *testing.T) {
	srv := faultsrv.Start()
	defer srv.Close()
	const (
		delay   = 30 * time.Millisecond
		timeout = 500 * time.Millisecond
		base    = 50 * time.Millisecond
	)
	opts := Options{
		UserAgent: "policywatch-test/1.0", Delay: delay, Parallelism: 2, Timeout: timeout,
		MaxAttempts: 3, RetryBase: base, RetryMaxWait: 3 * time.Second, AllowPrivate: true,
	}
	sink := newMemSink()
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	run := &model.CrawlRun{ID: 1}
	start := time.Now()
	err := New(sink, sink, opts).Run(ctx, run, []model.Source{
		{Name: "faults", Kind: model.SourceSeed, URL: srv.URL + faultsrv.PathSeed, DocKind: model.KindNews, Depth: 1},
		{Name: "calendar", Kind: model.SourceSeed, URL: srv.URL + faultsrv.PathCalendar + "?month=2020-07", DocKind: model.KindNews, Depth: 60},
	})
	took := time.Since(start)
	if err != nil {
		t.Fatalf("Run: %v (after %s)", err, took)
	}
	u := func(p string) string { return srv.URL + p }

	t.Run("recorded outcomes", func(t *testing.T) {
		wantFailed := map[string]string{
			faultsrv.Path500:         "HTTP 500 (3 attempts)",
			faultsrv.Path429Long:     "HTTP 429: Retry-After 1h0m0s is longer than the 3s we wait",
			faultsrv.PathSlow:        "timeout after 500ms (3 attempts)",
			faultsrv.PathSlowBody:    "timeout after 500ms (3 attempts)",
			faultsrv.PathTruncated:   "truncated body (3 attempts)",
			faultsrv.PathChain:       "stopped after 10 redirects",
			faultsrv.PathHuge:        "body over 10 MB",
			faultsrv.PathHugeChunked: "body over 10 MB",
			faultsrv.PathMissing:     "HTTP 404",
		}
		got := sink.reasons()
		for p, want := range wantFailed {
			if got[p] != want {
				t.Errorf("%s: recorded %q, want %q", p, got[p], want)
			}
		}
		if r := got[faultsrv.PathLoopA]; !strings.HasPrefix(r, "redirect loop: "+u(faultsrv.PathLoopA)+" → "+u(faultsrv.PathLoopB)) {
			t.Errorf("%s: recorded %q, want a redirect loop naming both pages", faultsrv.PathLoopA, r)
		}
		for _, p := range []string{faultsrv.PathOK, faultsrv.PathFlaky, faultsrv.Path429, faultsrv.Path429Date,
			faultsrv.PathBig5, faultsrv.PathGB18030, faultsrv.PathCP1252, faultsrv.PathBig5AsUTF8, "/fault/session/", faultsrv.PathETag} {
			if sink.doc(p) == nil {
				t.Errorf("%s not stored (recorded %q)", p, got[p])
			}
		}
		// The robots refusal is a refusal, logged apart from failures.
		if r := sink.logged(model.OutcomeRefused)[faultsrv.PathPrivate]; r != "robots.txt disallows" || got[faultsrv.PathPrivate] != "" {
			t.Errorf("%s: refused %q, failed %q; want it refused by robots.txt only", faultsrv.PathPrivate, r, got[faultsrv.PathPrivate])
		}
		if run.Failed != len(wantFailed)+1 || run.Refused != 1 { // the loop in
			t.Errorf("run counts %d failures and %d refusals, want %d and 1: %v", run.Failed, run.Refused, len(wantFailed)+1, run.Log)
		}
	})

	t.Run("charsets detected", func(t *testing.T) {
		for _, tc := range []struct{ path, want string }{
			{faultsrv.PathBig5, faultsrv.ChineseText(true)},
			{faultsrv.PathGB18030, faultsrv.ChineseText(false)},
			{faultsrv.PathCP1252, faultsrv.CP1252Text},
			{faultsrv.PathBig5AsUTF8, faultsrv.ChineseText(true)},
		} {
			d := sink.doc(tc.path)
			if d == nil {
				continue // reported above
			}
			if !strings.Contains(d.Text, tc.want) {
				t.Errorf("%s: text %.80q, want it to contain %.40q", tc.path, d.Text, tc.want)
			}
			// The capture keeps the bytes as served, not our decoding.
			if c := sink.captures[d.URL]; c != nil && strings.Contains(string(c.Body), tc.want) {
				t.Errorf("%s: capture body was re-encoded; it should keep the raw bytes", tc.path)
			}
		}
	})

	t.Run("nothing hangs", func(t *testing.T) {
		// Three timed-out attempts of two slow pages, the 429 waits (≤ 3s)
		// and backoffs: well under the 10s the slow pages would take.
		if took > 20*time.Second {
			t.Errorf("crawl took %s", took)
		}
		for _, p := range []string{faultsrv.PathSlow, faultsrv.PathSlowBody} {
			reqs := srv.Requests(p)
			if len(reqs) != 3 {
				t.Errorf("%s requested %d times, want 3 attempts", p, len(reqs))
			}
			for _, e := range reqs {
				if d := e.End.Sub(e.Start); d > timeout+time.Second {
					t.Errorf("%s: the server held a request for %s; the crawler should hang up after %s", p, d, timeout)
				}
			}
		}
	})

	t.Run("server log: pace and Retry-After", func(t *testing.T) {
		log := srv.Log()
		for i := 1; i < len(log); i++ {
			if gap := log[i].Start.Sub(log[i-1].Start); gap < delay-2*time.Millisecond {
				t.Errorf("%s started %s after %s: under the %s per-host delay", log[i].Path, gap, log[i-1].Path, delay)
			}
		}
		for _, tc := range []struct {
			path string
			wait time.Duration
		}{{faultsrv.Path429, time.Second}, {faultsrv.Path429Date, time.Second}} {
			reqs := srv.Requests(tc.path)
			if len(reqs) != 2 {
				t.Errorf("%s requested %d times, want 2 (429, then the page)", tc.path, len(reqs))
				continue
			}
			if gap := reqs[1].Start.Sub(reqs[0].Start); gap < tc.wait {
				t.Errorf("%s retried after %s; Retry-After asked for %s", tc.path, gap, tc.wait)
			}
			// Retry-After speaks for the host: nothing else was asked of it meanwhile.
			for _, e := range log {
				if e.Start.After(reqs[0].End) && e.Start.Before(reqs[0].End.Add(tc.wait-50*time.Millisecond)) {
					t.Errorf("%s requested %s after a 429 that asked for %s", e.Path, e.Start.Sub(reqs[0].End), tc.wait)
				}
			}
		}
		if n := len(srv.Requests(faultsrv.Path429Long)); n != 1 {
			t.Errorf("%s requested %d times; a Retry-After beyond the limit is not waited for", faultsrv.Path429Long, n)
		}
		if reqs := srv.Requests(faultsrv.Path500); len(reqs) == 3 {
			g1, g2 := reqs[1].Start.Sub(reqs[0].End), reqs[2].Start.Sub(reqs[1].End)
			if g1 < base || g2 < 2*base {
				t.Errorf("500 retried after %s and %s, want backoff of at least %s then %s", g1, g2, base, 2*base)
			}
		} else {
			t.Errorf("%s requested %d times, want 3", faultsrv.Path500, len(reqs))
		}
		if n := len(srv.Requests(faultsrv.PathMissing)); n != 1 {
			t.Errorf("%s requested %d times; a 404 is not retried", faultsrv.PathMissing, n)
		}
	})

	t.Run("traps and robots", func(t *testing.T) {
		calendar := 0
		for _, e := range srv.Log() {
			switch {
			case strings.HasPrefix(e.Path, "/private/"):
				t.Errorf("fetched %s, which robots.txt disallows", e.Path)
			case e.Path == faultsrv.PathRepeated, strings.HasPrefix(e.Path, "/fault/search/"):
				t.Errorf("fetched trap URL %s", e.Path)
			case strings.HasPrefix(e.Path, faultsrv.PathCalendar):
				calendar++
			}
		}
		if calendar > maxCalendarPages+1 || calendar < 3 {
			t.Errorf("calendar pages fetched: %d, want a few and at most %d", calendar, maxCalendarPages+1)
		}
		if n := len(srv.Requests("/fault/session/")) + len(srv.Requests(faultsrv.PathSessionA)) + len(srv.Requests(faultsrv.PathSessionB)); n != 1 {
			t.Errorf("one page behind two session ids fetched %d times, want once", n)
		}
	})
}

// TestConditionalGetOnRecrawl crawls a page with an ETag twice into the
// store: the second crawl sends If-None-Match, gets a 304 and counts the
// page unchanged without storing anything new.
func TestConditionalGetOnRecrawl(t *testing.T) {
	srv := faultsrv.Start()
	defer srv.Close()
	ctx := context.Background()
	db := openStoreSink(t)
	site := newSite(t)
	site.add("/sitemap.xml", "application/xml", `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>`+srv.URL+faultsrv.PathETag+`</loc></url></urlset>`)
	src := model.Source{Name: "etag", Kind: model.SourceSitemap, URL: site.url("/sitemap.xml"), DocKind: model.KindNews,
		Include: []string{"^" + srv.URL}}
	var runs []*model.CrawlRun
	for range 2 {
		run, err := db.StartRun(ctx, []string{"etag"})
		if err != nil {
			t.Fatal(err)
		}
		if err := New(db, db, Options{Timeout: 5 * time.Second, AllowPrivate: true}).Run(ctx, run, []model.Source{src}); err != nil {
			t.Fatal(err)
		}
		runs = append(runs, run)
	}
	reqs := srv.Requests(faultsrv.PathETag)
	if len(reqs) != 2 {
		t.Fatalf("page requested %d times, want 2", len(reqs))
	}
	if h := reqs[0].Header.Get("If-None-Match"); h != "" {
		t.Errorf("first crawl sent If-None-Match %q", h)
	}
	if h := reqs[1].Header.Get("If-None-Match"); h != faultsrv.ETag || reqs[1].Status != 304 {
		t.Errorf("second crawl sent If-None-Match %q and got %d, want %s and 304", h, reqs[1].Status, faultsrv.ETag)
	}
	if runs[0].Stored != 1 || runs[1].Unchanged != 1 || runs[1].Stored+runs[1].Updated+runs[1].Failed != 0 {
		t.Errorf("runs: first stored %d, second unchanged %d stored %d updated %d failed %d; want 1, then 1 unchanged only",
			runs[0].Stored, runs[1].Unchanged, runs[1].Stored, runs[1].Updated, runs[1].Failed)
	}
	d, err := db.DocumentByURL(ctx, srv.URL+faultsrv.PathETag)
	if err != nil {
		t.Fatal(err)
	}
	if caps, _ := db.Captures(ctx, d.ID); len(caps) != 1 {
		t.Errorf("%d captures, want 1: a 304 stores nothing", len(caps))
	}
}

// TestResumeFetchesOnlyWhatWasLeft: a run whose stored frontier has the
// sitemap and one page done goes on with the page left, fetches nothing
// twice, and closes out URLs of a source no longer configured.
func TestResumeFetchesOnlyWhatWasLeft(t *testing.T) {
	ctx := context.Background()
	db := openStoreSink(t)
	site := newSite(t)
	site.add("/sitemap.xml", "application/xml", `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>`+site.url("/a/")+`</loc></url><url><loc>`+site.url("/b/")+`</loc></url></urlset>`)
	site.add("/a/", htmlType, article("A", "2020-07-01T10:00:00Z", prose("page a", 5)))
	site.add("/b/", htmlType, article("B", "2020-07-02T10:00:00Z", prose("page b", 5)))
	src := model.Source{Name: "s", Kind: model.SourceSitemap, URL: site.url("/sitemap.xml"), DocKind: model.KindNews}

	run, err := db.StartRun(ctx, []string{"s"})
	if err != nil {
		t.Fatal(err)
	}
	key := func(p string) string { return visitKey(site.url(p)) }
	if err := db.Enqueue(ctx, run.ID,
		model.FrontierItem{Key: key("/sitemap.xml"), URL: site.url("/sitemap.xml"), Source: "s", Kind: "discover"},
		model.FrontierItem{Key: key("/a/"), URL: site.url("/a/"), Source: "s", Kind: "doc"},
		model.FrontierItem{Key: key("/b/"), URL: site.url("/b/"), Source: "s", Kind: "doc", Title: "B from the sitemap"},
		model.FrontierItem{Key: key("/c/"), URL: site.url("/c/"), Source: "removed", Kind: "doc"},
	); err != nil {
		t.Fatal(err)
	}
	// The sitemap and /a/ done: fetched 2, stored 1 so far.
	for _, d := range []model.URLDone{
		{RunID: run.ID, Key: key("/sitemap.xml"), Counts: model.CrawlRun{Fetched: 1}},
		{RunID: run.ID, Key: key("/a/"), Counts: model.CrawlRun{Fetched: 1, Stored: 1}},
	} {
		if err := db.Ack(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	resumed, err := db.PendingRun(ctx, []string{"s"})
	if err != nil || resumed == nil {
		t.Fatalf("PendingRun = %v, %v", resumed, err)
	}
	if err := New(db, db, Options{AllowPrivate: true}).Run(ctx, resumed, []model.Source{src}); err != nil {
		t.Fatal(err)
	}
	var fetched []string
	for _, h := range site.pageHits() {
		fetched = append(fetched, h.uri)
	}
	if len(fetched) != 1 || fetched[0] != "/b/" {
		t.Errorf("fetched %v, want only /b/", fetched)
	}
	if resumed.Fetched != 3 || resumed.Stored != 2 {
		t.Errorf("resumed run counts fetched %d stored %d, want 3 and 2 (counting on from 2 and 1)", resumed.Fetched, resumed.Stored)
	}
	if r, err := db.PendingRun(ctx, []string{"s"}); err != nil || r != nil {
		t.Errorf("after the resumed run: PendingRun = %v, %v; want nothing left", r, err)
	}
}
