package store

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"policywatch/model"
)

// fillArchive puts a row in every table a user can fill: documents with
// versions, aliases, tags and a withdrawal, events with curation, users
// and sessions, saved searches, releases, runs with errors and a
// frontier, HTTP validators.
func fillArchive(t *testing.T, e testEngine) *DB {
	t.Helper()
	ctx := context.Background()
	f := newCurationFixture(t, e)
	db := f.db
	d, c := testDoc("https://a.example/0", "text 0 amended with \x00 a NUL the page had")
	if _, err := db.SaveCapture(ctx, d, c); err != nil {
		t.Fatal(err)
	}
	d, c = testDoc("https://b.example/copy", "text 1")
	if out, err := db.SaveCapture(ctx, d, c); err != nil || out != model.OutcomeDuplicate {
		t.Fatalf("alias: %s %v", out, err)
	}
	if _, _, err := db.MarkWithdrawn(ctx, "https://a.example/3", 410, time.Time{}, 0); err != nil {
		t.Fatal(err)
	}
	a := f.byKey(t, "us/visa/2020-07-01")
	if _, err := db.Curate(ctx, f.editor, Edit{Action: ActionRetitle, EventID: a.ID, Title: "Curated"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Curate(ctx, f.editor, Edit{Action: ActionAttach, EventID: a.ID, DocumentIDs: []int64{f.docs[3]}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateSession(ctx, f.editor); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveSearch(ctx, &SavedSearch{Name: "visas", Params: "q=visa", Webhook: "http://hook.example/"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SaveRelease(ctx, &Release{ID: "r1", Params: "q=visa", Total: 1, Manifest: []byte(`{"documents":[]}`)}); err != nil {
		t.Fatal(err)
	}
	run, err := db.StartRun(ctx, []string{"state"})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.RecordOutcome(ctx, run.ID, model.URLOutcome{URL: "https://a.example/x", Source: "state", Outcome: model.OutcomeFailed, Reason: "HTTP 503", SourceFailed: true}); err != nil {
		t.Fatal(err)
	}
	if err := db.Enqueue(ctx, run.ID, model.FrontierItem{Key: "k1", URL: "https://a.example/9", Source: "state", Kind: "doc"},
		model.FrontierItem{Key: "k2", URL: "https://a.example/8", Source: "state", Kind: "doc"}); err != nil {
		t.Fatal(err)
	}
	if err := db.SetValidators(ctx, "https://a.example/0", `"etag"`, ""); err != nil {
		t.Fatal(err)
	}
	if err := db.SyncSources(ctx, []model.Source{{Name: "state", Kind: "seed", URL: "https://a.example/", DocKind: model.KindOfficial}}); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestCopyToEveryEngine(t *testing.T) { eachEngine(t, testCopyToEveryEngine) }

// testCopyToEveryEngine copies an archive on e to each engine (SQLite to
// PostgreSQL is `policywatch migrate`; PostgreSQL to SQLite is a backup)
// and checks the copy reads the same.
func testCopyToEveryEngine(t *testing.T, e testEngine) {
	ctx := context.Background()
	src := fillArchive(t, e)
	want, err := src.Digests(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, to := range engines {
		t.Run("to "+string(to.name), func(t *testing.T) {
			dst := to.open(t)
			rep, err := Copy(ctx, src, dst, nil)
			if err != nil {
				t.Fatal(err)
			}
			got, err := dst.Digests(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, want) {
				t.Errorf("digests differ:\nsource %v\ncopy   %v", want, got)
			}
			// The NUL in one version's text cannot go into PostgreSQL: the
			// copy counts each value it cleaned (the text of the document and
			// of its version, and the content hash testDoc derives from the
			// text, in the document, version and capture).
			if wantCleaned := map[bool]int{true: 5}[e.name == SQLite && to.name == Postgres]; rep.Cleaned != wantCleaned {
				t.Errorf("cleaned %d text values, want %d", rep.Cleaned, wantCleaned)
			}
			if rep.Rows() < 30 {
				t.Errorf("copied %d rows: the fixture fills more", rep.Rows())
			}
			// What readers see: the same ids, the same curated events, the
			// same raw captures.
			for _, db := range []*DB{src, dst} {
				d, err := db.DocumentByURL(ctx, "https://b.example/copy")
				if err != nil || d.URL != "https://a.example/1" {
					t.Fatalf("%s: alias resolves to %v (%v)", db.engine, d, err)
				}
			}
			evs, err := dst.Events(ctx, EventFilter{IncludeHidden: true})
			if err != nil || len(evs) == 0 || !slices.ContainsFunc(evs, func(ev model.Event) bool { return ev.Title == "Curated" }) {
				t.Errorf("events in copy: %+v (%v)", evs, err)
			}
			if n, err := dst.Verify(ctx, func(m Mismatch) { t.Errorf("mismatch in copy: %+v", m) }); err != nil || n == 0 {
				t.Errorf("verify copy: %d, %v", n, err)
			}
			if _, err := dst.Authenticate(ctx, "EDITOR1", "correct horse battery"); err != nil {
				t.Errorf("user names stay case-insensitive in the copy: %v", err)
			}
			// New rows get new ids after the copied ones.
			run, err := dst.StartRun(ctx, []string{"state"})
			if err != nil {
				t.Fatal(err)
			}
			if run.ID <= 1 {
				t.Errorf("new run id %d reuses a copied id", run.ID)
			}
			// A second copy into the now-filled store is refused.
			if _, err := Copy(ctx, src, dst, nil); err == nil {
				t.Error("copy into a store holding rows succeeded")
			}
		})
	}
}

func TestCopyRefusesItself(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "pw.db")
	a, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := Copy(ctx, a, b, nil); err == nil {
		t.Fatal("a store was copied onto itself")
	}
}

func TestCopyCatchesADifference(t *testing.T) {
	d := newDigester("t", []string{"a", "b"})
	d.add([]any{int64(1), "x"})
	d.add([]any{int64(2), "y"})
	e := newDigester("t", []string{"b", "a"}) // column and row order do not matter
	e.add([]any{"y", int64(2)})
	e.add([]any{"x", int64(1)})
	if d.result() != e.result() {
		t.Errorf("same rows, different digests: %v %v", d.result(), e.result())
	}
	f := newDigester("t", []string{"a", "b"})
	f.add([]any{int64(1), "x"})
	f.add([]any{int64(2), "z"})
	if d.result().Sum == f.result().Sum {
		t.Error("different rows, same digest")
	}
	var ce *CopyError
	if !errors.As(error(&CopyError{Table: "t"}), &ce) {
		t.Error("CopyError")
	}
}
