package store

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"policywatch/model"
)

// openTestDB opens a fresh SQLite store. Tests of the store do not call
// it: they run on every engine through eachEngine (engines_test.go), and
// TestEveryStoreTestRunsOnEveryEngine says so when one does not.
func openTestDB(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "pw.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func testDoc(url, text string) (*model.Document, *model.Capture) {
	d := &model.Document{URL: url, Source: "state", Kind: model.KindOfficial, Title: "Visa restrictions",
		Text: text, Published: time.Date(2020, 6, 26, 16, 30, 0, 0, time.FixedZone("EDT", -4*3600)),
		DateSource: model.DateFromJSONLD, ContentHash: "h-" + text}
	c := &model.Capture{RequestURL: url, FinalURL: url, Status: 200, Body: []byte("<html>" + text + "</html>"),
		ContentHash: d.ContentHash}
	return d, c
}

func TestSaveCaptureOutcomes(t *testing.T) { eachEngine(t, testSaveCaptureOutcomes) }

func testSaveCaptureOutcomes(t *testing.T, e testEngine) {
	ctx := context.Background()
	db := e.open(t)

	steps := []struct {
		name string
		url  string
		text string
		want model.SaveOutcome
	}{
		{"new page", "https://a.example/1", "first text", model.OutcomeStored},
		{"same page again", "https://a.example/1", "first text", model.OutcomeUnchanged},
		{"page amended", "https://a.example/1", "amended text", model.OutcomeUpdated},
		{"syndicated copy elsewhere", "https://b.example/copy", "amended text", model.OutcomeDuplicate},
		{"syndicated copy seen again", "https://b.example/copy", "amended text", model.OutcomeDuplicate},
		{"another page", "https://a.example/2", "other text", model.OutcomeStored},
	}
	for _, s := range steps {
		d, c := testDoc(s.url, s.text)
		got, err := db.SaveCapture(ctx, d, c)
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got != s.want {
			t.Errorf("%s: outcome %s, want %s", s.name, got, s.want)
		}
	}
	n, err := db.CountDocuments(ctx)
	if err != nil || n != 2 {
		t.Fatalf("documents = %d (%v), want 2", n, err)
	}
	d, err := db.DocumentByURL(ctx, "https://b.example/copy")
	if err != nil {
		t.Fatal(err)
	}
	if d.URL != "https://a.example/1" || d.Version != 2 || d.Text != "amended text" {
		t.Errorf("alias resolved to %s v%d %q", d.URL, d.Version, d.Text)
	}
	if got := d.Published.Format(time.RFC3339); got != "2020-06-26T16:30:00-04:00" {
		t.Errorf("published kept as %s, want the page's own offset", got)
	}
	caps, err := db.Captures(ctx, d.ID)
	if err != nil || len(caps) != 3 {
		t.Fatalf("captures = %d (%v), want 3", len(caps), err)
	}
	full, err := db.Capture(ctx, caps[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if string(full.Body) != "<html>amended text</html>" || full.Version != 2 || full.Header == nil {
		t.Errorf("capture body %q version %d", full.Body, full.Version)
	}
	aliases, err := db.Aliases(ctx, d.ID)
	if err != nil || len(aliases) != 1 || aliases[0].URL != "https://b.example/copy" {
		t.Errorf("aliases = %+v (%v)", aliases, err)
	}
}

func TestTagsKeepOrderAndEvidence(t *testing.T) { eachEngine(t, testTagsKeepOrderAndEvidence) }

func testTagsKeepOrderAndEvidence(t *testing.T, e testEngine) {
	ctx := context.Background()
	db := e.open(t)
	d, c := testDoc("https://a.example/1", "text")
	d.Tags = []model.Tag{
		{Type: model.TagActor, Value: "us", Score: 3, Matches: []model.Match{{Phrase: "State Department", Field: "title"}}},
		{Type: model.TagActor, Value: "china", Score: 1},
		{Type: model.TagCategory, Value: "visa-restriction", Score: 2},
	}
	if _, err := db.SaveCapture(ctx, d, c); err != nil {
		t.Fatal(err)
	}
	got, err := db.Document(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if a := got.Actors(); len(a) != 2 || a[0] != "us" {
		t.Errorf("actors = %v, want issuer us first", a)
	}
	if cat := got.Categories(); len(cat) != 1 || cat[0] != "visa-restriction" {
		t.Errorf("categories = %v", cat)
	}
	if got.Tags[0].Matches[0].Phrase != "State Department" {
		t.Errorf("evidence lost: %+v", got.Tags[0])
	}
}

func TestReplaceEventsKeepsIDs(t *testing.T) { eachEngine(t, testReplaceEventsKeepsIDs) }

func testReplaceEventsKeepsIDs(t *testing.T, e testEngine) {
	ctx := context.Background()
	db := e.open(t)
	d, c := testDoc("https://a.example/1", "text")
	if _, err := db.SaveCapture(ctx, d, c); err != nil {
		t.Fatal(err)
	}
	day := time.Date(2020, 6, 26, 0, 0, 0, 0, time.UTC)
	ev := func(key string) model.Event {
		return model.Event{Key: key, Title: key, Category: "visa-restriction", Actors: []string{"us"}, Date: day,
			Documents: []model.EventDocument{{DocumentID: d.ID, Primary: true, Passage: "p"}}}
	}
	if err := db.ReplaceEvents(ctx, []model.Event{ev("us/visa/2020-06-26"), ev("us/visa/2024-03-29")}); err != nil {
		t.Fatal(err)
	}
	first, err := db.Events(ctx, EventFilter{})
	if err != nil || len(first) != 2 {
		t.Fatalf("events = %d (%v)", len(first), err)
	}
	if err := db.ReplaceEvents(ctx, []model.Event{ev("us/visa/2020-06-26")}); err != nil {
		t.Fatal(err)
	}
	second, err := db.Events(ctx, EventFilter{Actor: "us", Category: "visa-restriction"})
	if err != nil || len(second) != 1 {
		t.Fatalf("events after re-cluster = %d (%v), want 1", len(second), err)
	}
	if second[0].ID != first[0].ID {
		t.Errorf("event id changed from %d to %d across re-clustering", first[0].ID, second[0].ID)
	}
	if len(second[0].Documents) != 1 || !second[0].Documents[0].Primary || second[0].Documents[0].URL != d.URL {
		t.Errorf("event documents = %+v", second[0].Documents)
	}
	if none, _ := db.Events(ctx, EventFilter{Actor: "uk"}); len(none) != 0 {
		t.Errorf("actor filter let through %d events", len(none))
	}
	if _, err := db.Event(ctx, 9999); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing event: %v, want ErrNotFound", err)
	}
}

func TestRunsRecordErrors(t *testing.T) { eachEngine(t, testRunsRecordErrors) }

func testRunsRecordErrors(t *testing.T, e testEngine) {
	ctx := context.Background()
	db := e.open(t)
	run, err := db.StartRun(ctx, []string{"state"})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.RecordOutcome(ctx, run.ID, model.URLOutcome{URL: "https://a.example/x", Reason: "HTTP 503"}); err != nil {
		t.Fatal(err)
	}
	// Counts come only from acknowledgements; finishing records the end.
	if err := db.Ack(ctx, model.URLDone{RunID: run.ID, Counts: model.CrawlRun{Fetched: 10, Failed: 1}}); err != nil {
		t.Fatal(err)
	}
	if err := db.FinishRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	runs, err := db.Runs(ctx, 10)
	if err != nil || len(runs) != 1 {
		t.Fatalf("runs = %d (%v)", len(runs), err)
	}
	if runs[0].Fetched != 10 || runs[0].Failed != 1 || runs[0].FinishedAt.IsZero() || len(runs[0].Log) != 1 || runs[0].Log[0].Reason != "HTTP 503" {
		t.Errorf("run = %+v", runs[0])
	}
}

func TestReopenKeepsData(t *testing.T) { eachEngine(t, testReopenKeepsData) }

func testReopenKeepsData(t *testing.T, e testEngine) {
	ctx := context.Background()
	path := e.spec(t)
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	d, c := testDoc("https://a.example/1", "text")
	if _, err := db.SaveCapture(ctx, d, c); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen (migrations must not run twice): %v", err)
	}
	defer db.Close()
	if n, _ := db.CountDocuments(ctx); n != 1 {
		t.Errorf("documents after reopen = %d", n)
	}
}
