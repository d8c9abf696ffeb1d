package crawler

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"policywatch/model"
	"policywatch/store"
	"policywatch/store/storetest"
)

var errKilled = errors.New("the process was killed")

// killableStore is a store as a crash leaves it: the first `after` writes
// succeed, the next one and every later one fail, and the run's context
// ends at that moment, as if the process had died between two writes. It
// is the crawler's State and what its sink files pages into.
type killableStore struct {
	*store.DB
	kill func()

	mu     sync.Mutex
	after  int
	writes int
	dead   bool
}

func (k *killableStore) write() error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if !k.dead && k.writes < k.after {
		k.writes++
		return nil
	}
	if !k.dead {
		k.dead = true
		k.kill()
	}
	return errKilled
}

func (k *killableStore) SaveCapture(ctx context.Context, d *model.Document, c *model.Capture) (model.SaveOutcome, error) {
	if err := k.write(); err != nil {
		return "", err
	}
	return k.DB.SaveCapture(ctx, d, c)
}

func (k *killableStore) SaveCaptureAck(ctx context.Context, d *model.Document, c *model.Capture, a func(model.SaveOutcome) model.URLDone) (model.SaveOutcome, error) {
	if err := k.write(); err != nil {
		return "", err
	}
	return k.DB.SaveCaptureAck(ctx, d, c, a)
}

func (k *killableStore) Enqueue(ctx context.Context, runID int64, items ...model.FrontierItem) error {
	if err := k.write(); err != nil {
		return err
	}
	return k.DB.Enqueue(ctx, runID, items...)
}

func (k *killableStore) Ack(ctx context.Context, d model.URLDone) error {
	if err := k.write(); err != nil {
		return err
	}
	return k.DB.Ack(ctx, d)
}

func (k *killableStore) MarkWithdrawn(ctx context.Context, u string, status int, at time.Time, runID int64) (int64, bool, error) {
	if err := k.write(); err != nil {
		return 0, false, err
	}
	return k.DB.MarkWithdrawn(ctx, u, status, at, runID)
}

func (k *killableStore) SetValidators(ctx context.Context, u, etag, lm string) error {
	if err := k.write(); err != nil {
		return err
	}
	return k.DB.SetValidators(ctx, u, etag, lm)
}

// TestKilledAtEveryWriteResumesWithExactCounts kills a crawl after each
// of its writes in turn (between saving a page and counting it,
// between recording a failure and acknowledging its URL...), resumes it
// in a new crawler, and expects every page stored once and the run's
// counts and error log exactly those of a crawl never killed.
func TestKilledAtEveryWriteResumesWithExactCounts(t *testing.T) {
	site := newSite(t)
	var locs string
	for _, p := range []string{"/a/", "/b/", "/c/", "/missing/"} {
		locs += "<url><loc>" + site.url(p) + "</loc></url>"
	}
	site.add("/sitemap.xml", "application/xml", `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`+locs+`</urlset>`)
	for _, p := range []string{"/a/", "/b/", "/c/"} {
		site.add(p, htmlType, article("Page "+p, "2020-07-01T10:00:00Z", distinctProse(len(p)*7+int(p[1]))))
	}
	src := model.Source{Name: "s", Kind: model.SourceSitemap, URL: site.url("/sitemap.xml"), DocKind: model.KindNews}
	opts := Options{AllowPrivate: true, Parallelism: 1, MaxAttempts: 1}
	want := model.CrawlRun{Fetched: 5, Stored: 3, Failed: 1}
	var changesWanted int64 = 3 // one "new" entry in the change log per page

	for after := 1; ; after++ {
		ctx := context.Background()
		db, err := store.Open(ctx, t.TempDir()+"/pw.db")
		if err != nil {
			t.Fatal(err)
		}
		run, err := db.StartRun(ctx, []string{"s"})
		if err != nil {
			t.Fatal(err)
		}
		runCtx, kill := context.WithCancel(ctx)
		ks := &killableStore{DB: db, after: after, kill: kill}
		firstErr := New(&storeSink{DB: db, files: ks}, ks, opts).Run(runCtx, run, []model.Source{src})
		kill()
		if !ks.dead {
			// No write left to kill at: every point has been tried.
			db.Close()
			if after < 6 {
				t.Fatalf("a whole crawl made only %d writes", after-1)
			}
			return
		}
		if firstErr == nil {
			t.Errorf("kill after write %d: the run did not notice", after)
		}
		t.Run(fmt.Sprintf("killed after write %d", after), func(t *testing.T) {
			if resumed, err := db.PendingRun(ctx, []string{"s"}); err != nil {
				t.Fatal(err)
			} else if resumed != nil {
				if err := New(&storeSink{DB: db}, db, opts).Run(ctx, resumed, []model.Source{src}); err != nil {
					t.Fatal(err)
				}
				if err := db.FinishRun(ctx, resumed); err != nil {
					t.Fatal(err)
				}
			} else {
				// Nothing was queued before the kill: a new run.
				fresh, err := db.StartRun(ctx, []string{"s"})
				if err != nil {
					t.Fatal(err)
				}
				if err := New(&storeSink{DB: db}, db, opts).Run(ctx, fresh, []model.Source{src}); err != nil {
					t.Fatal(err)
				}
				db.FinishRun(ctx, fresh)
				run = fresh
			}
			got, err := db.Run(ctx, run.ID)
			if err != nil {
				t.Fatal(err)
			}
			if c := countsOf(got); c != countsOf(&want) {
				t.Errorf("run counts %s, want %s", c, countsOf(&want))
			}
			if len(got.Log) != 1 || got.Log[0].Reason != "HTTP 404" || got.Log[0].Outcome != model.OutcomeFailed {
				t.Errorf("run log %+v, want the one 404, once", got.Log)
			}
			if last, err := db.LastChange(ctx); err != nil || last != changesWanted {
				t.Errorf("change log holds %d entries (%v), want %d: one per page stored", last, err, changesWanted)
			}
			if n, _ := db.CountDocuments(ctx); n != 3 {
				t.Errorf("%d documents stored, want 3", n)
			}
			for _, p := range []string{"/a/", "/b/", "/c/"} {
				d, err := db.DocumentByURL(ctx, site.url(p))
				if err != nil {
					t.Errorf("%s: %v", p, err)
					continue
				}
				if caps, _ := db.Captures(ctx, d.ID); len(caps) != 1 {
					t.Errorf("%s has %d captures, want 1", p, len(caps))
				}
			}
		})
		db.Close()
	}
}

func countsOf(r *model.CrawlRun) string {
	return fmt.Sprintf("fetched %d, stored %d, updated %d, unchanged %d, dropped %d, skipped %d, refused %d, withdrawn %d, failed %d",
		r.Fetched, r.Stored, r.Updated, r.Unchanged, r.Dropped, r.Skipped, r.Refused, r.Withdrawn, r.Failed)
}

// TestDiskFullStopsTheCrawlAndItResumes: when the store cannot write, the
// crawl stops at once instead of fetching pages it cannot keep, says why
// in its error and its log, counts nothing it could not keep (the page is
// not a failure: it is fetched again), and the next crawl resumes the run
// from the page it could not save.
func TestDiskFullStopsTheCrawlAndItResumes(t *testing.T) {
	site := newSite(t)
	var locs string
	const pages = 20
	for i := range pages {
		p := fmt.Sprintf("/p%d/", i)
		locs += "<url><loc>" + site.url(p) + "</loc></url>"
		site.add(p, htmlType, article(fmt.Sprintf("Page %d", i), "2020-07-01T10:00:00Z", distinctProse(i)))
	}
	site.add("/sitemap.xml", "application/xml", `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`+locs+`</urlset>`)
	src := model.Source{Name: "s", Kind: model.SourceSitemap, URL: site.url("/sitemap.xml"), DocKind: model.KindNews}
	opts := Options{AllowPrivate: true, Parallelism: 2}
	var logged bytes.Buffer
	stopping := opts
	stopping.Logger = slog.New(slog.NewTextHandler(&logged, nil))

	ctx := context.Background()
	db, err := store.Open(ctx, t.TempDir()+"/pw.db")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	run, err := db.StartRun(ctx, []string{"s"})
	if err != nil {
		t.Fatal(err)
	}
	fs := &storetest.FullDisk{DB: db, Room: 3}
	err = New(&storeSink{DB: db, files: fs}, fs, stopping).Run(ctx, run, []model.Source{src})
	if err == nil || !errors.Is(err, syscall.ENOSPC) || !containsAll(err.Error(), "stopped", "no space left on device", "resumes") {
		t.Fatalf("Run = %v, want it stopped with the disk full named", err)
	}
	if fetched := len(site.pageHits()); fetched > 1+3+1+2 {
		t.Errorf("%d requests after the disk filled at the fourth page; want it to stop at once", fetched)
	}
	// Two workers save at once: the save beside the one that met the full
	// disk may be cut short by the stop too. Whatever was kept is counted.
	if n, _ := db.CountDocuments(ctx); run.Stored != n || n > 3 || run.Failed != 0 {
		t.Errorf("run counts %d stored, %d failed, with %d documents in the store; want the documents saved (at most 3) counted, and the page that could not be saved left for the resumed run",
			run.Stored, run.Failed, n)
	}
	if stored, err := db.Run(ctx, run.ID); err != nil || countsOf(stored) != countsOf(run) {
		t.Errorf("the store holds run counts %s (%v); the crawl reported %s", countsOf(stored), err, countsOf(run))
	}
	if !containsAll(logged.String(), "stopped", "no space left on device") {
		t.Errorf("the log does not say why the crawl stopped:\n%s", logged.String())
	}

	resumed, err := db.PendingRun(ctx, []string{"s"})
	if err != nil || resumed == nil || resumed.ID != run.ID {
		t.Fatalf("PendingRun = %v, %v; want run %d to resume", resumed, err, run.ID)
	}
	if err := New(&storeSink{DB: db}, db, opts).Run(ctx, resumed, []model.Source{src}); err != nil {
		t.Fatal(err)
	}
	if n, _ := db.CountDocuments(ctx); n != pages || resumed.Stored != pages {
		t.Errorf("after resuming: %d documents, run counts %d stored; want %d", n, resumed.Stored, pages)
	}
}

// distinctProse is an on-topic article body of its own for each seed, so
// no two pages look like near-duplicates of each other.
func distinctProse(seed int) string {
	words := strings.Fields(`minister council treaty export licence visa asylum court judge bank asset freeze
		airport harbour election senate committee report review hearing tariff customs permit passport embassy
		consulate ambassador protest march police arrest charge bail appeal newspaper editor reporter broadcast
		university student teacher library archive museum garden river bridge tunnel railway station ferry island`)
	x := uint32(seed*2654435761 + 12345)
	var b strings.Builder
	for p := range 5 {
		fmt.Fprintf(&b, "<p>Hong Kong item %d.%d:", seed, p)
		for range 40 {
			x = x*1664525 + 1013904223
			b.WriteString(" " + words[int(x>>16)%len(words)])
		}
		b.WriteString(".</p>\n")
	}
	return b.String()
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}
