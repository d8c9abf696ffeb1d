package store

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"policywatch/model"
)

// TestOpenReadOnly: a read-only open reads, verifies and backs up an
// archive without creating or changing a file beside it (a read-only
// directory could hold none), refuses writes, and refuses a database
// that still needs a migration, saying what to do.
func TestOpenReadOnly(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "pw.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2020, 7, 1, 10, 0, 0, 0, time.UTC)
	d := &model.Document{URL: "https://e.example/a", Source: "s", Kind: model.KindNews, Title: "A", Text: "text a", FetchedAt: at, ContentHash: "ha"}
	if _, err := db.SaveCapture(ctx, d, &model.Capture{FetchedAt: at, RequestURL: d.URL, FinalURL: d.URL, Status: 200, Body: []byte("<p>a</p>"), ContentHash: "ha"}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	listing := func() []string {
		entries, _ := os.ReadDir(dir)
		var out []string
		for _, e := range entries {
			info, _ := e.Info()
			out = append(out, e.Name()+" "+info.ModTime().String())
		}
		return out
	}
	before := listing()

	ro, err := OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := ro.DocumentByURL(ctx, d.URL); err != nil || got.Title != "A" {
		t.Errorf("read: %v, %v", got, err)
	}
	if n, err := ro.Verify(ctx, func(m Mismatch) { t.Errorf("mismatch %+v", m) }); err != nil || n != 1 {
		t.Errorf("verify: %d captures, %v", n, err)
	}
	backup := filepath.Join(t.TempDir(), "backup.db")
	if err := ro.Backup(ctx, backup); err != nil {
		t.Errorf("backup: %v", err)
	}
	if _, err := ro.StartRun(ctx, []string{"s"}); err == nil || !strings.Contains(err.Error(), "readonly") {
		t.Errorf("a write through a read-only open: %v, want SQLite's readonly error", err)
	}
	if err := ro.Close(); err != nil {
		t.Fatal(err)
	}
	if after := listing(); !slices.Equal(before, after) {
		t.Errorf("the directory changed: %v, then %v", before, after)
	}
	if b, err := OpenReadOnly(ctx, backup); err != nil {
		t.Errorf("the backup does not open: %v", err)
	} else {
		b.Close()
	}

	// A database from before a migration.
	db, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.write.ExecContext(ctx, `DELETE FROM schema_migrations WHERE name = 'migrations/006_archive.sql'`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := OpenReadOnly(ctx, path); err == nil || !strings.Contains(err.Error(), "needs migration 006_archive.sql") {
		t.Errorf("an unmigrated database: %v, want it refused naming the migration", err)
	}
	if _, err := OpenReadOnly(ctx, filepath.Join(dir, "missing.db")); err == nil || !strings.Contains(err.Error(), "no database there") {
		t.Errorf("a missing database: %v", err)
	}
}
