// Package store is policywatch's system of record: an SQLite database (pure
// Go, modernc.org/sqlite) or, for several machines sharing one archive, a
// PostgreSQL database (pgx), holding sources, documents with every version
// and raw capture, tags, events and crawl runs. The search index is
// derived from it and can always be rebuilt.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path/filepath"
	"sort"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/*.sql migrations/postgres/*.sql
var migrationFS embed.FS

// ErrNotFound is returned when a requested row does not exist.
var ErrNotFound = errors.New("not found")

// DB is the store, on SQLite (the default: one file, one machine) or on
// PostgreSQL (one archive shared by crawl workers and servers on many
// machines). Both run the same SQL (dialect.go).
//
// On SQLite it keeps one writer connection, because SQLite allows one
// writer at a time and queuing in Go is kinder than SQLITE_BUSY, and a
// pool of readers that WAL lets run beside it. On PostgreSQL one pool
// does both, and writers that could race on the same document take
// advisory locks (lockKeys).
type DB struct {
	engine Engine
	path   string // SQLite: the file; PostgreSQL: the URL without its password
	write  *conn
	read   *conn
	// Now is the clock; tests replace it.
	Now func() time.Time
}

// IsURL reports whether a --db value or a config's database: names a
// PostgreSQL database rather than an SQLite file.
func IsURL(spec string) bool {
	return strings.HasPrefix(spec, "postgres://") || strings.HasPrefix(spec, "postgresql://")
}

// Open opens (creating when missing) the database spec names and applies
// any pending migrations: an SQLite file path, or a PostgreSQL URL
// (postgres://user:password@host:port/dbname?sslmode=...).
func Open(ctx context.Context, spec string) (*DB, error) {
	if IsURL(spec) {
		return openPostgres(ctx, spec)
	}
	return openSQLite(ctx, spec)
}

func openSQLite(ctx context.Context, path string) (*DB, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	pragmas := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(NORMAL)", "foreign_keys(1)"} {
		pragmas.Add("_pragma", p)
	}
	writeDSN := "file:" + abs + "?" + pragmas.Encode() + "&_txlock=immediate"
	readDSN := "file:" + abs + "?" + pragmas.Encode()

	d := dialect{SQLite}
	db := &DB{engine: SQLite, path: abs, Now: nowUTC}
	w, err := sql.Open("sqlite", writeDSN)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	db.write = &conn{db: w, d: d}
	r, err := sql.Open("sqlite", readDSN)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	r.SetMaxOpenConns(4)
	db.read = &conn{db: r, d: d}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return db, nil
}

func nowUTC() time.Time { return time.Now().UTC() }

// Engine is the database behind db.
func (db *DB) Engine() Engine { return db.engine }

// Path is the database file's absolute path, or the PostgreSQL URL with
// its password left out.
func (db *DB) Path() string { return db.path }

// Close closes the connection pools.
func (db *DB) Close() error {
	var errs []error
	if db.read != nil && db.read != db.write {
		errs = append(errs, db.read.db.Close())
	}
	if db.write != nil {
		errs = append(errs, db.write.db.Close())
	}
	return errors.Join(errs...)
}

// migrate applies the embedded numbered migrations of the engine that
// have not run yet, each in its own transaction, recording each one.
func (db *DB) migrate(ctx context.Context) error {
	if db.engine == Postgres {
		return db.migratePostgres(ctx)
	}
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("create migrations table: %w", err)
	}
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		if err := db.applyMigration(ctx, db.write, name, name); err != nil {
			return fmt.Errorf("migration %s: %w", name, err)
		}
	}
	return nil
}

// applyMigration runs the script at file unless a migration called name
// is recorded already.
func (db *DB) applyMigration(ctx context.Context, c *conn, name, file string) error {
	tx, err := c.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE name = ?`, name).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	script, err := migrationFS.ReadFile(file)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, string(script)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)`,
		name, formatTime(db.Now())); err != nil {
		return err
	}
	return tx.Commit()
}

// Times are stored as RFC 3339 text. Published dates keep the offset the
// page gave, because "the day the page says" is what researchers cite.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339Nano)
}

func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t
}
