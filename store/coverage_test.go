package store

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"policywatch/model"
)

func TestSourceCoverage(t *testing.T) { eachEngine(t, testSourceCoverage) }

func testSourceCoverage(t *testing.T, e testEngine) {
	ctx := context.Background()
	db := e.open(t)
	now := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	if err := db.SyncSources(ctx, []model.Source{{Name: "state", Kind: model.SourceFeed, URL: "https://state.example/feed",
		DocKind: model.KindOfficial, Schedule: "@hourly"}}); err != nil {
		t.Fatal(err)
	}

	// Run 1 captures documents and meets some failures.
	run1, err := db.StartRun(ctx, []string{"state"})
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Minute)
	edt := time.FixedZone("EDT", -4*3600)
	docs := []struct {
		published time.Time
		from      string
	}{
		{time.Date(2020, 6, 26, 16, 30, 0, 0, edt), model.DateFromJSONLD},
		{time.Date(2020, 6, 30, 23, 0, 0, 0, edt), model.DateFromMeta}, // July in UTC, June where published
		{time.Date(2020, 9, 1, 9, 0, 0, 0, time.UTC), model.DateFromFeed},
		{time.Date(2021, 2, 1, 9, 0, 0, 0, time.UTC), model.DateFromCrawl}, // when we fetched: undated
		{time.Time{}, ""},
	}
	for i, d := range docs {
		doc, c := testDoc(fmt.Sprintf("https://state.example/%d", i), fmt.Sprintf("text %d", i))
		doc.Published, doc.DateSource = d.published, d.from
		if _, err := db.SaveCapture(ctx, doc, c); err != nil {
			t.Fatal(err)
		}
	}
	for _, e := range []model.URLOutcome{
		{URL: "https://state.example/a", Source: "state", Outcome: model.OutcomeFailed, Reason: "HTTP 404"},
		{URL: "https://state.example/b", Source: "state", Outcome: model.OutcomeFailed, Reason: "HTTP 404"},
		{URL: "https://state.example/c", Source: "state", Outcome: model.OutcomeFailed, Reason: "fetch failed: dial tcp 192.0.2.1:443: connection refused"},
		{URL: "https://state.example/private/x", Source: "state", Outcome: model.OutcomeRefused, Reason: "robots.txt disallows"},
		// Neither is a failure: a page withdrawn, a page off the topic.
		{URL: "https://state.example/gone", Source: "state", Outcome: model.OutcomeWithdrawn, Reason: "HTTP 410"},
		{URL: "https://state.example/flowers", Source: "state", Outcome: model.OutcomeDropped, Reason: "off-topic"},
		{URL: "https://other.example/z", Source: "other", Outcome: model.OutcomeFailed, Reason: "HTTP 500"},
	} {
		if err := db.RecordOutcome(ctx, run1.ID, e); err != nil {
			t.Fatal(err)
		}
	}
	now = now.Add(time.Minute)
	if err := db.FinishRun(ctx, run1); err != nil {
		t.Fatal(err)
	}

	// Run 2 fails: the feed answered 503, so nothing of the source was crawled.
	now = now.Add(24 * time.Hour)
	run2, _ := db.StartRun(ctx, []string{"state"})
	db.RecordOutcome(ctx, run2.ID, model.URLOutcome{URL: "https://state.example/feed", Source: "state",
		Outcome: model.OutcomeFailed, Reason: "HTTP 503", SourceFailed: true})
	now = now.Add(time.Minute)
	db.FinishRun(ctx, run2)

	c, err := db.SourceCoverage(ctx, "state")
	if err != nil {
		t.Fatal(err)
	}
	if !c.Configured || c.Source.Kind != model.SourceFeed || c.Source.Schedule != "@hourly" {
		t.Errorf("source = %+v, configured %v", c.Source, c.Configured)
	}
	if c.Documents != 5 || c.Undated != 2 {
		t.Errorf("documents %d, undated %d; want 5 and 2", c.Documents, c.Undated)
	}
	if len(c.Months) != 12 || c.Months[0].Month.Format("2006-01") != "2020-01" {
		t.Fatalf("months = %v, want Jan..Dec 2020", c.Months)
	}
	got := map[string]int{}
	for _, m := range c.Months {
		if m.Count > 0 {
			got[m.Month.Format("2006-01")] = m.Count
		}
	}
	if len(got) != 2 || got["2020-06"] != 2 || got["2020-09"] != 1 {
		t.Errorf("months with documents = %v, want June 2 and September 1", got)
	}
	if c.LastRun == nil || c.LastRun.ID != run2.ID {
		t.Errorf("last run = %+v, want run %d", c.LastRun, run2.ID)
	}
	if c.LastSuccess == nil || c.LastSuccess.ID != run1.ID {
		t.Errorf("last successful run = %+v, want run %d (the source failed in run %d)", c.LastSuccess, run1.ID, run2.ID)
	}
	want := []ReasonCount{{"HTTP 404", 2, "https://state.example/a"}, {"HTTP 503", 1, "https://state.example/feed"},
		{"fetch failed", 1, "https://state.example/c"}}
	if fmt.Sprint(c.Failures) != fmt.Sprint(want) {
		t.Errorf("failures = %v, want %v", c.Failures, want)
	}
	// robots.txt status is the newest run's: run 2 was refused nothing.
	if c.Robots.RunID != run2.ID || c.Robots.Refused != 0 {
		t.Errorf("robots = %+v, want run %d with no refusals", c.Robots, run2.ID)
	}

	// A run still going has captured a newer document: the last
	// successful crawl stays the newest finished one.
	now = now.Add(time.Hour)
	run3, err := db.StartRun(ctx, []string{"state"})
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Minute)
	doc, capt := testDoc("https://state.example/new", "new text")
	if _, err := db.SaveCapture(ctx, doc, capt); err != nil {
		t.Fatal(err)
	}
	if c, err = db.SourceCoverage(ctx, "state"); err != nil {
		t.Fatal(err)
	}
	if c.LastSuccess == nil || c.LastSuccess.ID != run1.ID || c.LastRun.ID != run2.ID || !c.LastCapture.Equal(now) {
		t.Errorf("with a run in progress: last success %+v, last run %+v, last capture %v; want runs %d and %d, capture %v",
			c.LastSuccess, c.LastRun, c.LastCapture, run1.ID, run2.ID, now)
	}
	// It finishes cleanly: it is the last successful crawl, and so is a
	// clean run after it that found nothing new (every page unchanged).
	db.FinishRun(ctx, run3)
	now = now.Add(time.Hour)
	run4, _ := db.StartRun(ctx, []string{"state"})
	db.RecordOutcome(ctx, run4.ID, model.URLOutcome{URL: "https://state.example/gone2", Source: "state",
		Outcome: model.OutcomeWithdrawn, Reason: "HTTP 410"})
	db.FinishRun(ctx, run4)
	if c, err = db.SourceCoverage(ctx, "state"); err != nil {
		t.Fatal(err)
	}
	if c.LastSuccess == nil || c.LastSuccess.ID != run4.ID || c.LastRun.ID != run4.ID {
		t.Errorf("after clean runs %d and %d: last success %+v, last run %+v; want run %d for both", run3.ID, run4.ID,
			c.LastSuccess, c.LastRun, run4.ID)
	}

	if _, err := db.SourceCoverage(ctx, "nowhere"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown source: err = %v, want ErrNotFound", err)
	}
	all, err := db.SourceCoverages(ctx)
	if err != nil || len(all) != 1 || all[0].Source.Name != "state" {
		t.Errorf("SourceCoverages = %v, %v; want the one source", all, err)
	}
}

func TestRobotsStatusOfNewestRun(t *testing.T) { eachEngine(t, testRobotsStatusOfNewestRun) }

func testRobotsStatusOfNewestRun(t *testing.T, e testEngine) {
	ctx := context.Background()
	db := e.open(t)
	db.SyncSources(ctx, []model.Source{{Name: "hk", Kind: model.SourceSeed, URL: "https://hk.example/", DocKind: model.KindOfficial}})
	run, _ := db.StartRun(ctx, []string{"hk"})
	db.RecordOutcome(ctx, run.ID, model.URLOutcome{URL: "https://hk.example/a", Source: "hk", Outcome: model.OutcomeRefused, Reason: "robots.txt disallows"})
	db.RecordOutcome(ctx, run.ID, model.URLOutcome{URL: "https://hk.example/b", Source: "hk", Outcome: model.OutcomeRefused, Reason: "robots.txt answered HTTP 503"})
	db.FinishRun(ctx, run)
	c, err := db.SourceCoverage(ctx, "hk")
	if err != nil {
		t.Fatal(err)
	}
	if c.Robots.Refused != 2 || c.Robots.Blocked != "robots.txt answered HTTP 503" || len(c.Failures) != 0 {
		t.Errorf("robots = %+v, failures %v; want 2 refusals, the host blocked, and no failures", c.Robots, c.Failures)
	}
	// Refused is not failed: the run is the source's last successful
	// crawl, and the robots.txt status says what it was refused.
	if c.LastSuccess == nil || c.LastSuccess.ID != run.ID || len(c.Months) != 0 {
		t.Errorf("a source robots.txt refused has last success %v and months %v; want run %d and none", c.LastSuccess, c.Months, run.ID)
	}
}
