package store

import (
	"context"
	"testing"
	"time"

	"policywatch/model"
)

// TestFrontierResume walks the store's part of a crash and resume: URLs
// queued, some acknowledged, the process gone; the next crawl finds the
// run, its counts so far and exactly the URLs not done.
func TestFrontierResume(t *testing.T) { eachEngine(t, testFrontierResume) }

func testFrontierResume(t *testing.T, e testEngine) {
	ctx := context.Background()
	db := e.open(t)
	if run, err := db.PendingRun(ctx, []string{"feed"}); err != nil || run != nil {
		t.Fatalf("empty store: PendingRun = %v, %v; want nothing to resume", run, err)
	}
	run, err := db.StartRun(ctx, []string{"feed"})
	if err != nil {
		t.Fatal(err)
	}
	pub := time.Date(2020, 7, 1, 10, 0, 0, 0, time.FixedZone("", 8*3600))
	items := []model.FrontierItem{
		{Key: "http://e.com/feed", URL: "http://e.com/feed", Source: "feed", Kind: "discover"},
		{Key: "http://e.com/a", URL: "http://e.com/a/", Source: "feed", Kind: "doc", Title: "A", Published: pub, DateSource: model.DateFromFeed},
		{Key: "http://e.com/b", URL: "http://e.com/b/", Source: "feed", Kind: "doc", Depth: 2, Listing: true, DocNumber: "2020-1"},
	}
	if err := db.Enqueue(ctx, run.ID, items...); err != nil {
		t.Fatal(err)
	}
	// Queued again (a resumed discovery page): kept once, state unchanged.
	if err := db.Enqueue(ctx, run.ID, items[0]); err != nil {
		t.Fatal(err)
	}
	// Each acknowledgement adds what its URL did; one made again (a
	// worker's retry, a replayed resume) adds nothing.
	for _, d := range []model.URLDone{
		{RunID: run.ID, Key: "http://e.com/feed", Counts: model.CrawlRun{Fetched: 1}},
		{RunID: run.ID, Key: "http://e.com/a", Counts: model.CrawlRun{Fetched: 1, Stored: 1}},
		{RunID: run.ID, Key: "http://e.com/a", Counts: model.CrawlRun{Fetched: 1, Stored: 1}},
	} {
		if err := db.Ack(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.RecordOutcome(ctx, run.ID, model.URLOutcome{URL: "http://e.com/c/", Source: "feed", Reason: "HTTP 500 (3 attempts)"}); err != nil {
		t.Fatal(err)
	}

	if r, err := db.PendingRun(ctx, []string{"feed", "sitemap"}); err != nil || r != nil {
		t.Errorf("a crawl of other sources: PendingRun = %v, %v; want nothing to resume", r, err)
	}
	pending, err := db.PendingRun(ctx, []string{"feed"})
	if err != nil || pending == nil {
		t.Fatalf("PendingRun = %v, %v; want run %d", pending, err, run.ID)
	}
	if pending.ID != run.ID || pending.Fetched != 2 || pending.Stored != 1 || len(pending.Log) != 1 || !pending.FinishedAt.IsZero() {
		t.Errorf("pending run %+v: want run %d with fetched 2, stored 1, one error, not finished", pending, run.ID)
	}
	got, err := db.LoadFrontier(ctx, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("%d frontier items, want 3", len(got))
	}
	done := map[string]bool{}
	for _, it := range got {
		done[it.Key] = it.Done
	}
	if !done["http://e.com/feed"] || !done["http://e.com/a"] || done["http://e.com/b"] {
		t.Errorf("done %v, want feed and a done, b pending", done)
	}
	if a := got[1]; a.Title != "A" || !a.Published.Equal(pub) || a.DateSource != model.DateFromFeed || a.URL != "http://e.com/a/" {
		t.Errorf("item a came back as %+v", a)
	}
	if b := got[2]; b.Depth != 2 || !b.Listing || b.DocNumber != "2020-1" {
		t.Errorf("item b came back as %+v", b)
	}

	// Once everything is done there is nothing to resume.
	if err := db.Ack(ctx, model.URLDone{RunID: run.ID, Key: "http://e.com/b"}); err != nil {
		t.Fatal(err)
	}
	if r, err := db.PendingRun(ctx, []string{"feed"}); err != nil || r != nil {
		t.Errorf("all done: PendingRun = %v, %v; want nothing", r, err)
	}

	// A newer run supersedes an older one's leftovers.
	if err := db.Enqueue(ctx, run.ID, model.FrontierItem{Key: "http://e.com/d", URL: "http://e.com/d/", Source: "feed", Kind: "doc"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.StartRun(ctx, []string{"feed"}); err != nil {
		t.Fatal(err)
	}
	if r, err := db.PendingRun(ctx, []string{"feed"}); err != nil || r != nil {
		t.Errorf("older run's leftovers: PendingRun = %v, %v; want nothing", r, err)
	}
	if left, _ := db.LoadFrontier(ctx, run.ID); len(left) != 0 {
		t.Errorf("%d stale frontier items kept", len(left))
	}
}

func TestValidators(t *testing.T) { eachEngine(t, testValidators) }

func testValidators(t *testing.T, e testEngine) {
	ctx := context.Background()
	db := e.open(t)
	if e, lm, err := db.Validators(ctx, "http://e.com/a/"); err != nil || e != "" || lm != "" {
		t.Fatalf("unknown URL: %q %q %v", e, lm, err)
	}
	for _, v := range [][2]string{{`"v1"`, "Wed, 01 Jul 2020 10:00:00 GMT"}, {`W/"v2"`, ""}} {
		if err := db.SetValidators(ctx, "http://e.com/a/", v[0], v[1]); err != nil {
			t.Fatal(err)
		}
		e, lm, err := db.Validators(ctx, "http://e.com/a/")
		if err != nil || e != v[0] || lm != v[1] {
			t.Errorf("validators %q %q %v, want %q %q", e, lm, err, v[0], v[1])
		}
	}
}

// TestSaveCaptureAckIsOneTransaction: a page saved with its URL's
// acknowledgement leaves the document, its change-log entry, the URL done
// and the run's counts and log all written, or, when any of it fails,
// none of them.
func TestSaveCaptureAckIsOneTransaction(t *testing.T) {
	eachEngine(t, testSaveCaptureAckIsOneTransaction)
}

func testSaveCaptureAckIsOneTransaction(t *testing.T, e testEngine) {
	ctx := context.Background()
	db := e.open(t)
	run, err := db.StartRun(ctx, []string{"s"})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2020, 7, 1, 10, 0, 0, 0, time.UTC)
	page := func(u, hash string) (*model.Document, *model.Capture) {
		return &model.Document{URL: u, Source: "s", Kind: model.KindNews, Title: "T " + u, Text: "text of " + u, FetchedAt: at, ContentHash: hash},
			&model.Capture{FetchedAt: at, RequestURL: u, FinalURL: u, Status: 200, Body: []byte("<p>" + u + "</p>"), ContentHash: hash, RunID: run.ID}
	}
	if err := db.Enqueue(ctx, run.ID,
		model.FrontierItem{Key: "a", URL: "https://e.example/a", Source: "s", Kind: "doc"},
		model.FrontierItem{Key: "b", URL: "https://e.example/b", Source: "s", Kind: "doc"}); err != nil {
		t.Fatal(err)
	}

	d, c := page("https://e.example/a", "ha")
	var told model.SaveOutcome
	out, err := db.SaveCaptureAck(ctx, d, c, func(o model.SaveOutcome) model.URLDone {
		told = o
		return model.URLDone{RunID: run.ID, Key: "a", Counts: model.CrawlRun{Fetched: 1, Stored: 1}}
	})
	if err != nil || out != model.OutcomeStored || told != out {
		t.Fatalf("SaveCaptureAck = %q, %v (ack told %q); want stored", out, err, told)
	}
	if last, _ := db.LastChange(ctx); last != 1 {
		t.Errorf("change log at %d, want the new document's entry", last)
	}

	// An acknowledgement that cannot be written (a run that does not
	// exist: its log entry breaks a foreign key) takes the save with it.
	d, c = page("https://e.example/b", "hb")
	if _, err := db.SaveCaptureAck(ctx, d, c, func(model.SaveOutcome) model.URLDone {
		return model.URLDone{RunID: run.ID + 99, Key: "b", Counts: model.CrawlRun{Fetched: 1, Stored: 1},
			Log: []model.URLOutcome{{URL: "https://e.example/b", Outcome: model.OutcomeDropped, Reason: "test"}}}
	}); err == nil {
		t.Fatal("a save whose acknowledgement failed succeeded")
	}
	if _, err := db.DocumentByURL(ctx, "https://e.example/b"); err == nil {
		t.Error("the document of a failed acknowledgement was kept")
	}
	if last, _ := db.LastChange(ctx); last != 1 {
		t.Errorf("change log at %d after a failed save, want 1", last)
	}

	got, err := db.Run(ctx, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Fetched != 1 || got.Stored != 1 || len(got.Log) != 0 {
		t.Errorf("run %+v: want fetched 1, stored 1 and nothing logged", got)
	}
	items, _ := db.LoadFrontier(ctx, run.ID)
	for _, it := range items {
		if it.Done != (it.Key == "a") {
			t.Errorf("frontier %s done = %v", it.Key, it.Done)
		}
	}
}

// TestFinishRunKeepsAcknowledgedCounts: a run resumed after its first
// process was killed finishes in a process that knows only its own
// share of the work. Finishing must not overwrite the counts the first
// process acknowledged with that share (the report said 23 stored of
// 24 when the kill fell between two acknowledgements).
func TestFinishRunKeepsAcknowledgedCounts(t *testing.T) {
	eachEngine(t, testFinishRunKeepsAcknowledgedCounts)
}

func testFinishRunKeepsAcknowledgedCounts(t *testing.T, e testEngine) {
	ctx := context.Background()
	db := e.open(t)
	run, err := db.StartRun(ctx, []string{"feed"})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Enqueue(ctx, run.ID,
		model.FrontierItem{Key: "http://e.com/a", URL: "http://e.com/a", Source: "feed", Kind: "doc"},
		model.FrontierItem{Key: "http://e.com/b", URL: "http://e.com/b", Source: "feed", Kind: "doc"},
	); err != nil {
		t.Fatal(err)
	}
	// The first process stores a, then dies.
	if err := db.Ack(ctx, model.URLDone{RunID: run.ID, Key: "http://e.com/a", Counts: model.CrawlRun{Fetched: 1, Stored: 1}}); err != nil {
		t.Fatal(err)
	}
	// The resumed process stores b and finishes with what it counted.
	resumed, err := db.PendingRun(ctx, []string{"feed"})
	if err != nil || resumed == nil {
		t.Fatalf("PendingRun = %v, %v", resumed, err)
	}
	if err := db.Ack(ctx, model.URLDone{RunID: run.ID, Key: "http://e.com/b", Counts: model.CrawlRun{Fetched: 1, Stored: 1}}); err != nil {
		t.Fatal(err)
	}
	resumed.Fetched, resumed.Stored = 1, 1 // this process's share only
	if err := db.FinishRun(ctx, resumed); err != nil {
		t.Fatal(err)
	}
	if resumed.Stored != 2 || resumed.Fetched != 2 {
		t.Errorf("finished run reports fetched %d, stored %d; want 2, 2", resumed.Fetched, resumed.Stored)
	}
	held, err := db.Run(ctx, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	if held.Stored != 2 || held.Fetched != 2 || held.FinishedAt.IsZero() {
		t.Errorf("stored run: fetched %d, stored %d, finished %v; want 2, 2 and finished", held.Fetched, held.Stored, held.FinishedAt)
	}
}
