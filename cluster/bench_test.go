package cluster

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"policywatch/ingest"
	"policywatch/internal/testpg"
	"policywatch/model"
	"policywatch/store"
)

// BenchmarkApplyChangeLog measures how fast a server's own index takes in
// documents from a PostgreSQL archive's change log: the archive holds
// 2,000 new documents logged after the server's index was last current
// (as after a crawl by the workers), and Apply reads the log, the
// documents with their tags, and indexes them in batches, each with its
// mark. It reports documents per second.
func BenchmarkApplyChangeLog(b *testing.B) {
	const docs = 2000
	words := strings.Fields(`minister council treaty export licence visa asylum court judge bank asset freeze
		airport harbour election senate committee report review hearing tariff customs permit passport embassy
		consulate ambassador protest march police arrest charge bail appeal newspaper editor reporter`)
	var applied int
	var elapsed time.Duration
	for b.Loop() {
		b.StopTimer()
		ctx := context.Background()
		db, err := store.Open(ctx, testpg.NewDatabase(b))
		if err != nil {
			b.Fatal(err)
		}
		o, err := ingest.OwnIndex(ctx, ingest.Dir(b.TempDir()), db, ingest.OwnOptions{Role: ingest.RoleServe})
		if err != nil {
			b.Fatal(err)
		}
		for i := range docs {
			var text strings.Builder
			for k := range 300 {
				// A number of its own every few words: no two documents
				// are near copies, as none of a crawl's are.
				fmt.Fprintf(&text, "%s %d ", words[(i*7+k*13+k*k)%len(words)], i*1000+k)
			}
			fmt.Fprintf(&text, "Hong Kong statement %d.", i)
			d := &model.Document{URL: fmt.Sprintf("https://bench.example/%d", i), Source: "bench", Kind: model.KindNews,
				Title: fmt.Sprintf("Statement %d on Hong Kong", i), Text: text.String(), Lang: "en",
				ContentHash: fmt.Sprintf("bench-%d", i),
				Tags:        []model.Tag{{Type: model.TagActor, Value: "us"}, {Type: model.TagCategory, Value: "sanctions"}}}
			c := &model.Capture{RequestURL: d.URL, FinalURL: d.URL, Status: 200, Body: []byte(d.Text), ContentHash: d.ContentHash}
			if _, err := db.SaveCapture(ctx, d, c); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		start := time.Now()
		n, err := o.Apply(ctx)
		elapsed += time.Since(start)
		b.StopTimer()
		if err != nil || n != docs {
			b.Fatalf("applied %d of %d documents: %v", n, docs, err)
		}
		applied += n
		o.Close()
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(applied)/elapsed.Seconds(), "docs/s")
}
