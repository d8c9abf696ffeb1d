package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
)

// OpenReadOnly opens an existing database for reading only, as commands
// that read (verify, backup, export, search) do when the data directory
// is read-only: a mounted snapshot, a backup volume, an archive handed
// over. It writes nothing, applies no migrations (a database that needs
// one is refused, naming what to do) and never creates the file. Any
// write through the returned DB fails.
//
// SQLite in WAL mode keeps a -shm file beside the database, which a
// read-only directory cannot hold. When the database was closed cleanly
// (no -wal file left), it is opened immutable, which needs none; when a
// -wal file is there, its changes are read through it as usual.
func OpenReadOnly(ctx context.Context, path string) (*DB, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if _, err := os.Stat(abs); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("open store %s: no database there", abs)
		}
		return nil, fmt.Errorf("open store %s: %w", abs, err)
	}
	q := url.Values{}
	q.Set("mode", "ro")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	if _, err := os.Stat(abs + "-wal"); errors.Is(err, fs.ErrNotExist) {
		q.Set("immutable", "1")
	}
	dsn := "file:" + abs + "?" + q.Encode()
	db := &DB{engine: SQLite, path: abs, Now: nowUTC}
	r, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", abs, err)
	}
	r.SetMaxOpenConns(4)
	db.read = &conn{db: r, d: dialect{SQLite}}
	// Writes go to a read-only connection too, so one made by mistake
	// fails with SQLite's "readonly database" rather than a nil pointer.
	w, err := sql.Open("sqlite", dsn)
	if err != nil {
		r.Close()
		return nil, fmt.Errorf("open store %s: %w", abs, err)
	}
	w.SetMaxOpenConns(1)
	db.write = &conn{db: w, d: dialect{SQLite}}
	if err := db.checkMigrated(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s read-only: %w", abs, err)
	}
	return db, nil
}

// checkMigrated fails unless every embedded migration has been applied.
func (db *DB) checkMigrated(ctx context.Context) error {
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return err
	}
	applied := map[string]bool{}
	rows, err := db.read.QueryContext(ctx, `SELECT name FROM schema_migrations`)
	if err != nil {
		return fmt.Errorf("read applied migrations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return err
		}
		applied[n] = true
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, n := range names {
		if !applied[n] {
			return fmt.Errorf("the database needs migration %s, which a read-only open cannot apply: run any policywatch command on it once with write access", filepath.Base(n))
		}
	}
	return nil
}
