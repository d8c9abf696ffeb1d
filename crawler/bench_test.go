package crawler

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"policywatch/crawler/internal/benchsite"
	"policywatch/model"
)

// BenchmarkCrawlLocalSite crawls a generated local site (home, 10
// sections, 500 articles) with politeness off (no delay, 4 workers),
// extracting and saving every article into memory, and reports pages
// fetched per second. scripts/bench-crawl.sh runs it beside wget.
func BenchmarkCrawlLocalSite(b *testing.B) {
	benchCrawl(b, func(b *testing.B) (Sink, State, *model.CrawlRun) {
		s := newMemSink()
		s.relevant = func(*model.Document) bool { return true }
		return s, s, &model.CrawlRun{ID: 1}
	})
}

// BenchmarkCrawlLocalSiteIntoStore is the same crawl into the SQLite store,
// with the persistent frontier, captures and versions written as a real
// crawl writes them.
func BenchmarkCrawlLocalSiteIntoStore(b *testing.B) {
	benchCrawl(b, func(b *testing.B) (Sink, State, *model.CrawlRun) {
		db := openStoreSink(b)
		db.all = true
		run, err := db.StartRun(context.Background(), []string{"bench"})
		if err != nil {
			b.Fatal(err)
		}
		return db, db, run
	})
}

func benchCrawl(b *testing.B, newSink func(*testing.B) (Sink, State, *model.CrawlRun)) {
	site := benchsite.Site{Sections: 10, PerSection: 50}
	srv := httptest.NewServer(site)
	defer srv.Close()
	src := model.Source{Name: "bench", Kind: model.SourceSeed, URL: srv.URL + "/", DocKind: model.KindNews, Depth: 2}
	var pages int
	var elapsed time.Duration
	for b.Loop() {
		b.StopTimer()
		sink, state, run := newSink(b)
		b.StartTimer()
		start := time.Now()
		if err := New(sink, state, Options{Parallelism: 4, Timeout: 10 * time.Second, AllowPrivate: true}).Run(context.Background(), run, []model.Source{src}); err != nil {
			b.Fatal(err)
		}
		elapsed += time.Since(start)
		if run.Stored != site.Sections*site.PerSection {
			b.Fatalf("stored %d of %d articles (failed %d: %v)", run.Stored, site.Sections*site.PerSection, run.Failed, run.Log)
		}
		pages += run.Fetched
	}
	b.ReportMetric(float64(pages)/elapsed.Seconds(), "pages/s")
}
