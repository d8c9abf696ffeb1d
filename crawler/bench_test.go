package crawler

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"policywatch/crawler/internal/benchsite"
	"policywatch/model"
	"policywatch/store"
)

// BenchmarkCrawlLocalSite crawls a generated local site (home, 10
// sections, 500 articles) with politeness off (no delay, 4 workers),
// extracting and saving every article into memory, and reports pages
// fetched per second. scripts/bench-crawl.sh runs it beside wget.
func BenchmarkCrawlLocalSite(b *testing.B) {
	benchCrawl(b, func(b *testing.B) (Sink, *model.CrawlRun) { return newMemSink(), &model.CrawlRun{ID: 1} })
}

// BenchmarkCrawlLocalSiteIntoStore is the same crawl into the SQLite store,
// with the persistent frontier, captures and versions written as a real
// crawl writes them.
func BenchmarkCrawlLocalSiteIntoStore(b *testing.B) {
	benchCrawl(b, func(b *testing.B) (Sink, *model.CrawlRun) {
		db, err := store.Open(context.Background(), filepath.Join(b.TempDir(), "pw.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
		run, err := db.StartRun(context.Background(), []string{"bench"})
		if err != nil {
			b.Fatal(err)
		}
		return db, run
	})
}

func benchCrawl(b *testing.B, newSink func(*testing.B) (Sink, *model.CrawlRun)) {
	site := benchsite.Site{Sections: 10, PerSection: 50}
	srv := httptest.NewServer(site)
	defer srv.Close()
	src := model.Source{Name: "bench", Kind: model.SourceSeed, URL: srv.URL + "/", DocKind: model.KindNews, Depth: 2}
	var pages int
	var elapsed time.Duration
	for b.Loop() {
		b.StopTimer()
		sink, run := newSink(b)
		b.StartTimer()
		start := time.Now()
		if err := New(sink, Options{Parallelism: 4, Timeout: 10 * time.Second, AllowPrivate: true}).Run(context.Background(), run, []model.Source{src}); err != nil {
			b.Fatal(err)
		}
		elapsed += time.Since(start)
		if run.Stored != site.Sections*site.PerSection {
			b.Fatalf("stored %d of %d articles (failed %d: %v)", run.Stored, site.Sections*site.PerSection, run.Failed, run.Errors)
		}
		pages += run.Fetched
	}
	b.ReportMetric(float64(pages)/elapsed.Seconds(), "pages/s")
}
