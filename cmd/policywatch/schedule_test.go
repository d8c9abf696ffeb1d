package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/jonboulle/clockwork"

	"policywatch/model"
	"policywatch/topic"
)

// crawlLog is a fake crawl that records which sources each crawl got and
// the most crawls ever running at once.
type crawlLog struct {
	mu        sync.Mutex
	runs      []string
	active    int
	maxActive int
}

func (l *crawlLog) crawl(ctx context.Context, srcs []model.Source) error {
	l.mu.Lock()
	l.active++
	l.maxActive = max(l.maxActive, l.active)
	l.mu.Unlock()
	time.Sleep(5 * time.Millisecond) // long enough for a second due group to try to overlap
	l.mu.Lock()
	l.active--
	l.runs = append(l.runs, sourceNames(srcs))
	l.mu.Unlock()
	return nil
}

func (l *crawlLog) snapshot() ([]string, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.runs...), l.maxActive
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func TestSchedulerRunsEachScheduleOneCrawlAtATime(t *testing.T) {
	sources := []model.Source{
		{Name: "state-feed", Kind: model.SourceFeed, Schedule: "@hourly"},
		{Name: "fedreg", Kind: model.SourceFederalRegister, Schedule: "@daily"},
		{Name: "news-feed", Kind: model.SourceFeed, Schedule: "@hourly"},
		{Name: "gdelt", Kind: model.SourceGDELT, Schedule: "30 6 * * *"},
	}
	start := time.Date(2026, 1, 1, 22, 30, 0, 0, time.UTC)
	clock := clockwork.NewFakeClockAt(start)
	log := &crawlLog{}
	s, err := newScheduler(sources, log.crawl, slog.New(slog.NewTextHandler(io.Discard, nil)),
		gocron.WithClock(clock), gocron.WithLocation(time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.run(ctx); close(done) }()

	// Walk the fake clock an hour at a time to 07:30 the next day, waiting
	// after each step for the crawls that came due.
	want := 0
	expect := map[string]int{}
	for now := start; now.Before(start.Add(9 * time.Hour)); {
		// Each schedule's next run must be planned past now, and its timer
		// armed, before the clock moves on.
		waitFor(t, "next runs planned", func() bool {
			for _, j := range s.cron.Jobs() {
				if next, err := j.NextRun(); err != nil || !next.After(now) {
					return false
				}
			}
			return true
		})
		ctxWait, cancelWait := context.WithTimeout(ctx, 5*time.Second)
		if err := clock.BlockUntilContext(ctxWait, 3); err != nil { // one timer per schedule
			t.Fatalf("scheduler timers not armed at %v: %v", now, err)
		}
		cancelWait()
		clock.Advance(time.Hour)
		now = now.Add(time.Hour)
		// Due in (now-1h, now]: hourly at every full hour; daily at 00:00; 06:30.
		want++
		expect["state-feed,news-feed"]++
		if now.Hour() == 0 {
			want++
			expect["fedreg"]++
		}
		if now.Hour() == 7 {
			want++
			expect["gdelt"]++
		}
		waitFor(t, "due crawls", func() bool { runs, _ := log.snapshot(); return len(runs) == want })
	}
	runs, maxActive := log.snapshot()
	got := map[string]int{}
	for _, r := range runs {
		got[r]++
	}
	if !reflect.DeepEqual(got, expect) {
		t.Errorf("crawls by group = %v, want %v", got, expect)
	}
	if maxActive != 1 {
		t.Errorf("%d crawls ran at once, want 1", maxActive)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("scheduler did not stop after its context ended")
	}
}

func TestSchedulerCancelsRunningCrawlOnShutdown(t *testing.T) {
	clock := clockwork.NewFakeClockAt(time.Date(2026, 1, 1, 0, 59, 0, 0, time.UTC))
	started := make(chan struct{})
	crawl := func(ctx context.Context, _ []model.Source) error {
		close(started)
		<-ctx.Done() // a long crawl that only stops when told to
		return ctx.Err()
	}
	s, err := newScheduler([]model.Source{{Name: "feed", Schedule: "@hourly"}}, crawl,
		slog.New(slog.NewTextHandler(io.Discard, nil)), gocron.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.run(ctx); close(done) }()
	if err := clock.BlockUntilContext(ctx, 1); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute)
	select {
	case <-started:
	case <-time.After(5 * time.Second):
		t.Fatal("the due crawl did not start")
	}
	cancel() // SIGTERM
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("scheduler did not stop while a crawl was running")
	}
}

func TestSchedulerRejectsBadSchedule(t *testing.T) {
	_, err := newScheduler([]model.Source{{Name: "x", Schedule: "every tuesday"}},
		func(context.Context, []model.Source) error { return nil }, slog.New(slog.DiscardHandler))
	if err == nil {
		t.Fatal("a schedule gocron cannot read was accepted")
	}
}

// TestServeScheduleCrawlsDueSourcesIntoStore runs the schedule of `serve`
// on a real data directory: when the hourly group comes due, only its
// sources are crawled, through (*app).crawl, and the run is recorded.
func TestServeScheduleCrawlsDueSourcesIntoStore(t *testing.T) {
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/feed.xml":
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><title>Hong Kong sanctions</title><link>http://%s/news/sanctions</link><pubDate>Tue, 14 Jul 2020 17:00:00 -0400</pubDate></item>
</channel></rss>`, r.Host)
		case "/news/sanctions":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, `<!DOCTYPE html><html lang="en"><head><title>Hong Kong sanctions</title></head><body><article><h1>Hong Kong sanctions</h1>`+
				strings.Repeat(`<p>The government announced sanctions on officials over the national security law in Hong Kong, and said partners were consulted.</p>`, 6)+
				`</article></body></html>`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer site.Close()
	cfg := fmt.Sprintf(`topic:
  name: Schedule test
  query: '"hong kong"'
crawler:
  user_agent: "policywatch-test/1 (+mailto:t@example.org)"
  delay: 0s
sources:
  - name: hourly-feed
    kind: feed
    doc_kind: official
    url: %[1]s/feed.xml
  - name: daily-seed
    kind: seed
    doc_kind: official
    url: %[1]s/listing/
    schedule: "@daily"
`, site.URL)
	tp, err := topic.Parse([]byte(cfg), "schedule-test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tax, err := defaultTaxonomy()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, err := openApp(ctx, t.TempDir(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	a.allowPrivate = true // the test site listens on 127.0.0.1
	clock := clockwork.NewFakeClockAt(time.Date(2026, 3, 1, 10, 59, 0, 0, time.UTC))
	wait, err := a.startSchedule(ctx, tp, tax, gocron.WithClock(clock), gocron.WithLocation(time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if err := clock.BlockUntilContext(ctx, 2); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute) // 11:00: the hourly group is due, the daily one is not
	var runs []model.CrawlRun
	waitFor(t, "the scheduled crawl to finish", func() bool {
		runs, err = a.db.Runs(ctx, 10)
		return err == nil && len(runs) == 1 && !runs[0].FinishedAt.IsZero()
	})
	if got := strings.Join(runs[0].Sources, ","); got != "hourly-feed" {
		t.Errorf("scheduled run crawled %q, want only the due hourly-feed", got)
	}
	if runs[0].Stored != 1 {
		t.Errorf("scheduled run stored %d documents (errors %v), want 1", runs[0].Stored, runs[0].Log)
	}
	cancel()
	done := make(chan struct{})
	go func() { wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the schedule did not stop after its context ended")
	}
}
