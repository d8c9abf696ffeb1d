package main

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"policywatch/internal/testpg"
	"policywatch/store"
)

// TestMigrateDemoArchiveToPostgres: the demo archive, crawled into
// SQLite, is copied into PostgreSQL by `policywatch migrate`; the copy has
// the same rows (counts and content digests, table by table), `verify`
// passes on it, and a node serving from it finds what the SQLite node
// finds.
func TestMigrateDemoArchiveToPostgres(t *testing.T) {
	d := crawlDemo(t)
	pg := testpg.NewDatabase(t)
	ctx := context.Background()

	var out bytes.Buffer
	if err := run(ctx, []string{"migrate", "--data", d.app.dir, "--to", pg}, &out, io.Discard); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "content digest match the source") {
		t.Errorf("migrate output does not report the check:\n%s", out.String())
	}

	src, err := store.Open(ctx, filepath.Join(d.app.dir, "policywatch.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := store.Open(ctx, pg)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	want, err := src.Digests(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got, err := dst.Digests(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("table digests differ:\nSQLite     %v\nPostgreSQL %v", want, got)
	}
	docs, _ := src.CountDocuments(ctx)
	if n, _ := dst.CountDocuments(ctx); n != docs || n == 0 {
		t.Errorf("PostgreSQL holds %d documents, SQLite %d", n, docs)
	}

	out.Reset()
	if err := run(ctx, []string{"verify", "--db", pg}, &out, io.Discard); err != nil {
		t.Fatalf("verify on PostgreSQL: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), " 0 mismatches") || !strings.Contains(out.String(), " 0 inconsistencies") {
		t.Errorf("verify output:\n%s", out.String())
	}

	// A new node (its own, empty index) on the PostgreSQL archive
	// searches the same documents as one on the SQLite archive.
	var lite, cluster bytes.Buffer
	liteDB := filepath.Join(d.app.dir, "policywatch.db")
	if err := run(ctx, []string{"search", "--data", t.TempDir(), "--db", liteDB, "--all", "--csv", "hong kong"}, &lite, io.Discard); err != nil {
		t.Fatal(err)
	}
	if err := run(ctx, []string{"search", "--data", t.TempDir(), "--db", pg, "--all", "--csv", "hong kong"}, &cluster, io.Discard); err != nil {
		t.Fatal(err)
	}
	if lite.String() != cluster.String() || strings.Count(lite.String(), "\n") < 3 {
		t.Errorf("search on the PostgreSQL archive differs from SQLite:\nSQLite:\n%s\nPostgreSQL:\n%s", lite.String(), cluster.String())
	}

	// Migrating again into the now-filled database is refused.
	if err := run(ctx, []string{"migrate", "--data", d.app.dir, "--to", pg}, io.Discard, io.Discard); err == nil ||
		!strings.Contains(err.Error(), "empty database") {
		t.Errorf("second migrate: %v, want a refusal naming the non-empty destination", err)
	}
}

func TestMigrateNeedsAnArchive(t *testing.T) {
	err := run(context.Background(), []string{"migrate", "--data", t.TempDir(), "--to", filepath.Join(t.TempDir(), "x.db")}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "no policywatch archive in") {
		t.Errorf("migrate of an empty data directory: %v", err)
	}
	err = run(context.Background(), []string{"migrate", "--data", t.TempDir()}, io.Discard, io.Discard)
	if _, ok := err.(usageError); !ok {
		t.Errorf("migrate without --to: %v, want a usage error", err)
	}
}
