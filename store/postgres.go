package store

import (
	"context"
	"database/sql"
	"fmt"
	"hash/fnv"
	"io/fs"
	"net/url"
	"path"
	"slices"
	"sort"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver

	"policywatch/model"
)

// pgMaxConns bounds one process's connections. A worker or a server needs
// a few at a time; many processes share one server's max_connections
// (100 by default).
const pgMaxConns = 10

// migrationLock is the advisory lock key that serialises migrations when
// several processes open a fresh database at once.
const migrationLock = 0x706f6c6963790001 // "policy" 0001

func openPostgres(ctx context.Context, dsn string) (*DB, error) {
	shown := dsn
	if u, err := url.Parse(dsn); err == nil {
		shown = u.Redacted()
	}
	pool, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", shown, err)
	}
	pool.SetMaxOpenConns(pgMaxConns)
	pool.SetMaxIdleConns(pgMaxConns)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	c := &conn{db: pool, d: dialect{Postgres}}
	db := &DB{engine: Postgres, path: shown, write: c, read: c, Now: func() time.Time { return time.Now().UTC() }}
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open store %s: %w", shown, err)
	}
	if err := db.migrate(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open store %s: %w", shown, err)
	}
	return db, nil
}

// migratePostgres applies migrations/postgres/NNN_*.sql. Every process
// of a cluster opens the store at start, so each migration runs under an
// advisory lock: the first process applies it, the others find it done.
// A migration is recorded under its file name, which mirrors the SQLite
// migration of the same number.
func (db *DB) migratePostgres(ctx context.Context) error {
	files, err := fs.Glob(migrationFS, "migrations/postgres/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(files)
	for _, file := range files {
		name := path.Base(file)
		if err := db.applyPostgresMigration(ctx, name, file); err != nil {
			return fmt.Errorf("migration %s: %w", file, err)
		}
	}
	return nil
}

func (db *DB) applyPostgresMigration(ctx context.Context, name, file string) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?)`, int64(migrationLock)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("create migrations table: %w", err)
	}
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
	// No arguments: pgx sends the script with the simple protocol, which
	// runs several statements.
	if _, err := tx.tx.ExecContext(ctx, string(script)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)`,
		name, formatTime(db.Now())); err != nil {
		return err
	}
	return tx.Commit()
}

// lockKeys serialises, across every process writing to a PostgreSQL
// store, the transactions that decide about the same keys (a URL, a
// content hash, a MinHash band): each waits until the other commits, and
// then sees its rows. The locks are released at commit or rollback. Keys
// are taken in one sorted order, so two transactions cannot deadlock on
// them. On SQLite it does nothing: there is one writer at a time.
func (t *dbTx) lockKeys(ctx context.Context, keys ...string) error {
	if !t.d.pg() || len(keys) == 0 {
		return nil
	}
	ids := make([]int64, 0, len(keys))
	for _, k := range keys {
		h := fnv.New64a()
		h.Write([]byte(k))
		ids = append(ids, int64(h.Sum64()))
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	for _, id := range ids {
		if _, err := t.tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, id); err != nil {
			return fmt.Errorf("lock %d keys: %w", len(ids), err)
		}
	}
	return nil
}

// Lock keys. A document is decided by its URL (new, version or
// unchanged), its content hash (an exact copy elsewhere) and its MinHash
// bands (a near copy): two workers storing the same story from two
// outlets at once must not both find "no copy yet" and store it twice.
func urlLockKey(u string) string { return "url\x00" + u }

func lockDocument(ctx context.Context, tx *dbTx, doc *model.Document) error {
	if !tx.d.pg() {
		return nil
	}
	keys := []string{urlLockKey(doc.URL)}
	if doc.ContentHash != "" {
		keys = append(keys, "hash\x00"+doc.ContentHash)
	}
	for i, b := range bands(signature(doc.Text)) {
		keys = append(keys, fmt.Sprintf("band\x00%d\x00%d", i, b))
	}
	return tx.lockKeys(ctx, keys...)
}

// eventsLockKey serialises writers of the events table: a re-clustering
// rewrites every row and an editor's change re-applies every override, so
// two of them at once on two nodes would interleave.
const eventsLockKey = "events"

// Exclusive runs fn while no other process of the archive runs an fn of
// the same name: on PostgreSQL under a session advisory lock (waiting for
// it), so servers on several machines take turns; on SQLite, whose
// processes share one machine and take turns on their own locks, fn just
// runs.
func (db *DB) Exclusive(ctx context.Context, name string, fn func() error) error {
	if db.engine != Postgres {
		return fn()
	}
	c, err := db.write.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("lock %s: %w", name, err)
	}
	defer c.Close()
	h := fnv.New64a()
	h.Write([]byte("exclusive\x00" + name))
	key := int64(h.Sum64())
	if _, err := c.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, key); err != nil {
		return fmt.Errorf("lock %s: %w", name, err)
	}
	defer c.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, key)
	return fn()
}
