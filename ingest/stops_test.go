package ingest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"

	"policywatch/crawler"
	"policywatch/store"
	"policywatch/store/storetest"
)

// TestRunRecordsWhyItStopped: a crawl stopped by a full disk records why
// in its run (policywatch runs and /runs show it), and the crawl that
// resumes it records that too, so the report of a run that took two
// attempts says so.
func TestRunRecordsWhyItStopped(t *testing.T) {
	ctx := context.Background()
	const pages = 6
	mux := http.NewServeMux()
	var srv *httptest.Server
	mux.HandleFunc("/sitemap.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprint(w, `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
		for i := range pages {
			fmt.Fprintf(w, `<url><loc>%s/press/%d.htm</loc></url>`, srv.URL, i)
		}
		fmt.Fprint(w, `</urlset>`)
	})
	subjects := []string{"harbour ferries and their winter timetable", "public libraries and their opening hours",
		"the airport's new runway and its noise limits", "school places in the eastern district", "the tunnel tolls charged from next spring",
		"fishing permits for the southern waters"}
	mux.HandleFunc("/press/", func(w http.ResponseWriter, r *http.Request) {
		var n int
		fmt.Sscanf(strings.TrimPrefix(r.URL.Path, "/press/"), "%d", &n)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!DOCTYPE html><html lang="en"><head><title>Hong Kong notice on %[2]s</title>
<meta property="article:published_time" content="2020-08-0%[1]dT12:00:00+08:00"></head><body><main><article><h1>Hong Kong notice on %[2]s</h1>
<p>The government of Hong Kong said today that its review of %[2]s is complete, and that the decision on %[2]s takes effect at the start of the coming season after consultation.</p>
<p>Officials added that residents had sent many replies about %[2]s, and that a summary of what they said about %[2]s will be published with the final report later in the year.</p>
</article></main></body></html>`, n+1, subjects[n%len(subjects)])
	})
	srv = httptest.NewServer(mux)
	defer srv.Close()
	cfg := CrawlConfig{Topic: testTopic(t, srv.URL+"/sitemap.xml"), Taxonomy: testTaxonomy(t), AllowPrivate: true}

	a := testArchive(t)
	db := a.Store.(*store.DB)
	a.Store = &storetest.FullDisk{DB: db, Room: 2}
	run, err := a.Crawl(ctx, cfg)
	if _, stopped := crawler.StoppedByStore(err); !stopped || !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("crawl on a full disk: %v, want it stopped by the store", err)
	}
	held, err := db.Run(ctx, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(held.Stops, "stopped: the store cannot be written") || !strings.Contains(held.Stops, "no space left on device") {
		t.Errorf("the stopped run's record says %q; want why it stopped", held.Stops)
	}

	a.Store = db // room again
	resumed, err := a.Crawl(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if resumed.ID != run.ID {
		t.Fatalf("the next crawl started run %d, want run %d resumed", resumed.ID, run.ID)
	}
	held, err = db.Run(ctx, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := db.CountDocuments(ctx); n != pages || held.Stored != pages {
		t.Errorf("after resuming: %d documents, the run counts %d stored; want %d", n, held.Stored, pages)
	}
	before, after, ok := strings.Cut(held.Stops, "; ")
	if !ok || !strings.Contains(before, "no space left on device") || !strings.HasSuffix(after, " resumed") {
		t.Errorf("the resumed run's record says %q; want why it stopped, then that it was resumed", held.Stops)
	}
	if r := held.Report(); r.Stops != held.Stops {
		t.Errorf("the run's report says stops %q, want %q", r.Stops, held.Stops)
	}
}
