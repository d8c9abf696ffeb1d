package crawler

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"

	"policywatch/model"
)

// gzipBomb returns a small gzip stream (concatenated members, which gzip
// readers join) that expands to n MiB of zeros.
func gzipBomb(t *testing.T, n int) []byte {
	t.Helper()
	var member bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&member, gzip.BestCompression)
	zw.Write(make([]byte, 1<<20))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return bytes.Repeat(member.Bytes(), n)
}

// heapPeak samples the live heap until stop is called and returns the
// highest value seen.
func heapPeak() (stop func() uint64) {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var (
		mu   sync.Mutex
		peak uint64
	)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			mu.Lock()
			peak = max(peak, sample[0].Value.Uint64())
			mu.Unlock()
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		wg.Wait()
		return peak
	}
}

// TestGzipBombStaysWithinMaxBody: a sitemap or page that is small on the
// wire but expands to 128 MiB is refused as over max_body, whichever way
// it says it is gzip (a .xml.gz path, a gzip Content-Type, a
// Content-Encoding Go's transport leaves alone, or none at all), and the
// crawler's heap stays within a few times max_body while it finds out.
func TestGzipBombStaysWithinMaxBody(t *testing.T) {
	const maxBody = 1 << 20
	bomb := gzipBomb(t, 128)
	if len(bomb) >= maxBody {
		t.Fatalf("bomb is %d bytes on the wire; it must pass the compressed size check", len(bomb))
	}
	site := newSite(t)
	site.addRoute("/sitemap.xml.gz", route{ctype: "application/xml", body: bomb})
	site.addRoute("/typed-sitemap", route{ctype: "application/x-gzip", body: bomb})
	site.addRoute("/plain-sitemap", route{ctype: "application/octet-stream", body: bomb})
	encoded := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		w.Header().Set("Content-Encoding", "x-gzip")
		w.Write(bomb)
	}
	site.srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/encoded-sitemap" {
			encoded(w, r)
			return
		}
		site.serve(w, r)
	})
	// Collect garbage eagerly, so the peak measures what was held, not
	// what the collector had yet to reclaim.
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	for _, p := range []string{"/sitemap.xml.gz", "/typed-sitemap", "/plain-sitemap", "/encoded-sitemap"} {
		t.Run(strings.TrimPrefix(p, "/"), func(t *testing.T) {
			runtime.GC()
			sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
			metrics.Read(sample)
			base := sample[0].Value.Uint64()
			stop := heapPeak()
			sink := newMemSink()
			run := crawl(t, sink, Options{MaxBody: maxBody}, model.Source{Name: "s", Kind: model.SourceSitemap, URL: site.url(p), DocKind: model.KindNews})
			peak := stop()

			grew := int64(peak) - int64(base)
			t.Logf("heap grew by %.1f MB", float64(grew)/(1<<20))
			if grew > 4*maxBody {
				t.Errorf("heap grew by %.1f MB while refusing a gzip bomb under a 1 MB max_body; want under 4 MB", float64(grew)/(1<<20))
			}
			if reason := sink.reasons()[p]; !strings.Contains(reason, "over 1 MB") || run.Failed != 1 {
				t.Errorf("reason %q, %d failures; want one, refused as over 1 MB", reason, run.Failed)
			}
		})
	}
}

// TestGzipCodedSitemapIsRead: a sitemap sent with a gzip content coding
// Go's transport does not decode ("x-gzip") is still read, now by the
// bounded decoder.
func TestGzipCodedSitemapIsRead(t *testing.T) {
	site := newSite(t)
	sitemap := gz(t, `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>`+site.url("/a/")+`</loc></url></urlset>`)
	site.srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/sitemap.xml" {
			w.Header().Set("Content-Type", "application/xml")
			w.Header().Set("Content-Encoding", "x-gzip")
			w.Write([]byte(sitemap))
			return
		}
		site.serve(w, r)
	})
	site.add("/a/", htmlType, article("A", "2020-07-01T10:00:00Z", prose("page a", 5)))
	sink := newMemSink()
	run := crawl(t, sink, Options{}, model.Source{Name: "s", Kind: model.SourceSitemap, URL: site.url("/sitemap.xml"), DocKind: model.KindNews})
	if run.Stored != 1 || run.Failed != 0 {
		t.Errorf("stored %d, failed %d (%v); want the sitemap's one page stored", run.Stored, run.Failed, run.Log)
	}
}
