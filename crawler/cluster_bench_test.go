package crawler_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"policywatch/cluster"
	"policywatch/crawler/internal/benchsite"
	"policywatch/internal/testpg"
	"policywatch/store"
	"policywatch/tagging"
	"policywatch/topic"
	"policywatch/topics"
)

// BenchmarkClusterWorkers crawls generated local sites (4 hosts, each a
// home page, 4 sections and 60 articles, no article shared) from a PostgreSQL archive's
// shared frontier with 1, 2 and 3 workers, politeness off (no delay; 4
// requests per worker and per host at once), and reports pages fetched
// per second: claim, fetch, extract, relevance, tagging, store and
// completion, everything a worker does. Each worker has its own
// connections, as a process would. scripts/bench-cluster.sh runs it.
func BenchmarkClusterWorkers(b *testing.B) {
	const hosts = 4
	site := benchsite.Site{Sections: 4, PerSection: 60}
	var cfg strings.Builder
	cfg.WriteString(`topic:
  name: bench
  query: '"hong kong"'
crawler:
  user_agent: "policywatch-bench/1"
  delay: 0s
  parallelism: 4
  timeout: 10s
sources:
`)
	for i := range hosts {
		s := site
		s.Seed = i
		srv := httptest.NewServer(s)
		b.Cleanup(srv.Close)
		fmt.Fprintf(&cfg, "  - name: bench%d\n    kind: seed\n    doc_kind: news\n    url: %s/\n    depth: 2\n", i, srv.URL)
	}
	tp, err := topic.Parse([]byte(cfg.String()), "bench.yaml")
	if err != nil {
		b.Fatal(err)
	}
	data, err := topics.FS.ReadFile("hk-nsl.taxonomy.yaml")
	if err != nil {
		b.Fatal(err)
	}
	tax, err := tagging.ParseTaxonomy(data, "builtin:hk-nsl.taxonomy.yaml")
	if err != nil {
		b.Fatal(err)
	}
	for _, workers := range []int{1, 2, 3} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			var pages int
			var elapsed time.Duration
			for b.Loop() {
				b.StopTimer()
				spec := testpg.NewDatabase(b)
				ctx := context.Background()
				var dbs []*store.DB
				for range workers + 1 {
					db, err := store.Open(ctx, spec)
					if err != nil {
						b.Fatal(err)
					}
					dbs = append(dbs, db)
				}
				cfg := cluster.Config{Topic: tp, Taxonomy: tax, AllowPrivate: true}
				b.StartTimer()
				start := time.Now()
				run, err := cluster.StartRun(ctx, dbs[0], cfg, tp.Sources)
				if err != nil {
					b.Fatal(err)
				}
				wctx, stop := context.WithCancel(ctx)
				var wg sync.WaitGroup
				for w := range workers {
					wg.Add(1)
					c := cfg
					c.Name = fmt.Sprintf("bench%d", w)
					go func() {
						defer wg.Done()
						cluster.Work(wctx, dbs[w+1], c)
					}()
				}
				for {
					open, err := dbs[0].ClusterRunOpen(ctx, run.ID)
					if err != nil {
						b.Fatal(err)
					}
					if !open {
						break
					}
					time.Sleep(20 * time.Millisecond)
				}
				elapsed += time.Since(start)
				b.StopTimer()
				stop()
				wg.Wait()
				r, err := dbs[0].Run(ctx, run.ID)
				if err != nil {
					b.Fatal(err)
				}
				if want := hosts * site.Sections * site.PerSection; r.Stored != want {
					b.Fatalf("stored %d of %d articles (failed %d)", r.Stored, want, r.Failed)
				}
				pages += r.Fetched
				for _, db := range dbs {
					db.Close()
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(pages)/elapsed.Seconds(), "pages/s")
		})
	}
}
