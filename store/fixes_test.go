package store

import (
	"context"
	"testing"
	"time"

	"policywatch/model"
)

// TestTheSameFetchIsOneCapture: a capture saved again (a WARC record
// imported twice) adds nothing and is unchanged, even after a newer
// version; a fetch at another moment is a capture of its own; a
// withdrawal recorded again changes nothing.
func TestTheSameFetchIsOneCapture(t *testing.T) { eachEngine(t, testTheSameFetchIsOneCapture) }

func testTheSameFetchIsOneCapture(t *testing.T, e testEngine) {
	ctx := context.Background()
	db := e.open(t)
	at := time.Date(2020, 7, 1, 10, 0, 0, 123456789, time.UTC)
	save := func(text string, when time.Time) model.SaveOutcome {
		t.Helper()
		d, c := testDoc("https://a.example/1", text)
		c.FetchedAt = when
		out, err := db.SaveCapture(ctx, d, c)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	counts := func() (captures, versions, changes int) {
		t.Helper()
		for q, n := range map[string]*int{`SELECT count(*) FROM captures`: &captures,
			`SELECT count(*) FROM document_versions`: &versions, `SELECT count(*) FROM change_log`: &changes} {
			if err := db.read.QueryRowContext(ctx, q).Scan(n); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	if out := save("first", at); out != model.OutcomeStored {
		t.Fatalf("first save: %s", out)
	}
	if out := save("second", at.Add(time.Hour)); out != model.OutcomeUpdated {
		t.Fatalf("second version: %s", out)
	}
	c0, v0, ch0 := counts()
	// The first fetch again, written with another offset: the same moment.
	for _, when := range []time.Time{at, at.In(time.FixedZone("HKT", 8*3600))} {
		if out := save("first", when); out != model.OutcomeUnchanged {
			t.Errorf("the first fetch again at %v: %s, want unchanged", when, out)
		}
	}
	if out := save("second", at.Add(time.Hour)); out != model.OutcomeUnchanged {
		t.Errorf("the second fetch again: %s, want unchanged", out)
	}
	if c, v, ch := counts(); c != c0 || v != v0 || ch != ch0 {
		t.Errorf("saving the same fetches again: %d captures, %d versions, %d changes; were %d, %d, %d", c, v, ch, c0, v0, ch0)
	}
	if d, _ := db.DocumentByURL(ctx, "https://a.example/1"); d == nil || d.Version != 2 || d.Text != "second" {
		t.Errorf("the document after the same fetches again: %+v, want version 2 still", d)
	}
	// A new fetch of the same content: a capture of its own.
	if out := save("second", at.Add(2*time.Hour)); out != model.OutcomeUnchanged {
		t.Errorf("a new fetch of unchanged content: %s", out)
	}
	if c, _, _ := counts(); c != c0+1 {
		t.Errorf("a new fetch added %d captures, want 1", c-c0)
	}

	// A withdrawal, the page back, the same withdrawal again: nothing.
	gone := at.Add(3 * time.Hour)
	if _, marked, err := db.MarkWithdrawn(ctx, "https://a.example/1", 410, gone, 0); err != nil || !marked {
		t.Fatalf("withdraw: %v %v", marked, err)
	}
	save("second", at.Add(4*time.Hour)) // back
	if id, marked, err := db.MarkWithdrawn(ctx, "https://a.example/1", 410, gone, 0); err != nil || marked || id == 0 {
		t.Errorf("the same withdrawal again: id %d, marked %v, %v; want the document, not marked", id, marked, err)
	}
	if d, _ := db.DocumentByURL(ctx, "https://a.example/1"); d == nil || d.Withdrawn {
		t.Errorf("the same withdrawal again withdrew the page that came back")
	}
}

// TestSourcesUsersAndOneSnapshot: the lookups the command line and the
// web make before acting (sources, users), and verify over one snapshot.
func TestSourcesUsersAndOneSnapshot(t *testing.T) { eachEngine(t, testSourcesUsersAndOneSnapshot) }

func testSourcesUsersAndOneSnapshot(t *testing.T, e testEngine) {
	ctx := context.Background()
	db := e.open(t)
	if err := db.SyncSources(ctx, []model.Source{{Name: "us-state", Kind: "feed", URL: "https://state.example/feed", DocKind: model.KindOfficial}}); err != nil {
		t.Fatal(err)
	}
	d, c := testDoc("https://wire.example/1", "text")
	d.Source = "Wire-Import"
	if _, err := db.SaveCapture(ctx, d, c); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]bool{"us-state": true, "US-State": true, "wire-import": true, "nosuch": false} {
		if got, err := db.HasSource(ctx, name); err != nil || got != want {
			t.Errorf("HasSource(%q) = %v, %v; want %v", name, got, err, want)
		}
	}
	if names, err := db.SourceNames(ctx); err != nil || len(names) != 2 {
		t.Errorf("SourceNames = %v, %v", names, err)
	}
	if _, err := db.AddUser(ctx, "ed", RoleEditor, "a long enough password"); err != nil {
		t.Fatal(err)
	}
	if ok, err := db.HasUser(ctx, "ed"); err != nil || !ok {
		t.Errorf("HasUser(ed) = %v, %v", ok, err)
	}
	if ok, err := db.HasUser(ctx, "bob"); err != nil || ok {
		t.Errorf("HasUser(bob) = %v, %v", ok, err)
	}
	if err := ValidRole("boss"); err == nil {
		t.Error("role boss accepted")
	}
	n, docs, err := db.VerifyArchive(ctx, func(m Mismatch) { t.Errorf("mismatch %+v", m) }, func(m Mismatch) { t.Errorf("inconsistent %+v", m) })
	if err != nil || n != 1 || docs != 1 {
		t.Errorf("VerifyArchive = %d captures, %d documents, %v", n, docs, err)
	}
}
