package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"policywatch/internal/corpus"
	"policywatch/store"
)

// Our index keeps no copy of the text nor of what a hit shows: hits and
// their snippets are read from the store (index.Archive), as in
// policywatch itself. So the Bleve engines read their shown hits from a
// real policywatch store holding the corpus, and scripts/bench-search.sh
// serves that same data directory (archiveDir/policywatch.db beside the
// index) with `policywatch serve`.
//
// The store is written before the index is timed and outside it: in
// policywatch the archive exists before anything is indexed, and
// `policywatch reindex` reads it. Its rows are inserted directly rather
// than through store.SaveCapture, which would also keep raw captures and
// near-duplicate fingerprints of a corpus that has no pages behind it;
// store.Open creates the schema first, so the store is one policywatch
// opens like any other.

// archiveDir is the data directory for corpus size n in work.
func archiveDir(work string, n int) string {
	return filepath.Join(work, "data-"+strconv.Itoa(n))
}

// archiveOf is the data directory beside an index directory WORK/bleve-N.
func archiveOf(indexDir string, n int) string {
	return archiveDir(filepath.Dir(indexDir), n)
}

func archivePath(dir string) string { return filepath.Join(dir, "policywatch.db") }

// buildArchive writes documents 0..n-1 of g into a new store in dir,
// unless a complete one is there already.
func buildArchive(ctx context.Context, g *corpus.Generator, dir string, n int) error {
	done := filepath.Join(dir, "complete")
	if _, err := os.Stat(done); err == nil {
		return nil
	}
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	db, err := store.Open(ctx, archivePath(dir))
	if err != nil {
		return err
	}
	if err := db.Close(); err != nil {
		return err
	}
	raw, err := sql.Open("sqlite", "file:"+archivePath(dir)+"?_pragma=journal_mode(WAL)&_pragma=synchronous(OFF)&_txlock=immediate")
	if err != nil {
		return err
	}
	defer raw.Close()
	raw.SetMaxOpenConns(1)
	const perTx = 5000
	for start := 0; start < n; start += perTx {
		if err := insertDocs(ctx, raw, g, start, min(start+perTx, n)); err != nil {
			return fmt.Errorf("write the archive of %d documents: %w", n, err)
		}
	}
	if _, err := raw.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return err
	}
	return os.WriteFile(done, nil, 0o644)
}

func insertDocs(ctx context.Context, db *sql.DB, g *corpus.Generator, from, to int) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	doc, err := tx.PrepareContext(ctx, `INSERT INTO documents (id, url, source, kind, title, text, lang, site,
		published, date_source, fetched_at, updated_at, content_hash, version) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`)
	if err != nil {
		return err
	}
	tag, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO tags (document_id, type, value, position, score) VALUES (?,?,?,?,?)`)
	if err != nil {
		return err
	}
	for i := from; i < to; i++ {
		d := g.Doc(i)
		if _, err := doc.ExecContext(ctx, d.ID, d.URL, d.Source, string(d.Kind), d.Title, d.Text, d.Lang, d.Site,
			rfc3339(d.Published), d.DateSource, rfc3339(d.FetchedAt), rfc3339(d.UpdatedAt), d.ContentHash, d.Version); err != nil {
			return fmt.Errorf("document %d: %w", d.ID, err)
		}
		for p, t := range d.Tags {
			if _, err := tag.ExecContext(ctx, d.ID, t.Type, t.Value, p, t.Score); err != nil {
				return fmt.Errorf("tag of document %d: %w", d.ID, err)
			}
		}
	}
	return tx.Commit()
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339Nano)
}

// archiveTexts opens the archive beside an index for its text.
func archiveTexts(indexDir string, n int) (*store.DB, error) {
	p := archivePath(archiveOf(indexDir, n))
	if _, err := os.Stat(p); err != nil {
		return nil, fmt.Errorf("no archive for the snippets at %s (built by the index phase): %w", p, err)
	}
	return store.Open(context.Background(), p)
}
