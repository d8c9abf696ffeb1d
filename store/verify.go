package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
)

// Mismatch is one capture whose stored body no longer hashes to the
// SHA-256 recorded when it was fetched.
type Mismatch struct {
	CaptureID  int64
	DocumentID int64
	URL        string
	Reason     string
}

// Verify rechecks every capture's body against its recorded SHA-256 and
// reports each one that differs or cannot be read. It returns how many
// captures were checked.
func (db *DB) Verify(ctx context.Context, report func(Mismatch)) (int, error) {
	return verifyCaptures(ctx, db.read, report)
}

// VerifyArchive is Verify and VerifyVersions over one snapshot of the
// store, read in one transaction: while a crawl adds documents, the
// captures checked and the documents checked are of the same moment, so
// their counts agree and no check sees half of a save.
func (db *DB) VerifyArchive(ctx context.Context, captures, versions func(Mismatch)) (nCaptures, nDocuments int, err error) {
	// Repeatable read: PostgreSQL's default would take a new snapshot for
	// each statement (SQLite's read transaction is one snapshot anyway).
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return 0, 0, fmt.Errorf("verify: %w", err)
	}
	defer tx.Rollback() // read only: nothing to commit
	if nCaptures, err = verifyCaptures(ctx, tx, captures); err != nil {
		return nCaptures, 0, err
	}
	nDocuments, err = verifyVersions(ctx, tx, versions)
	return nCaptures, nDocuments, err
}

// querier is a connection pool or a transaction.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func verifyCaptures(ctx context.Context, q querier, report func(Mismatch)) (int, error) {
	var (
		after   int64
		checked int
	)
	for {
		rows, err := q.QueryContext(ctx, `SELECT id, document_id, request_url, body_gzip, body_sha256
			FROM captures WHERE id > ? ORDER BY id LIMIT 100`, after)
		if err != nil {
			return checked, fmt.Errorf("verify captures after %d: %w", after, err)
		}
		n := 0
		for rows.Next() {
			var (
				m    Mismatch
				body []byte
				want string
			)
			if err := rows.Scan(&m.CaptureID, &m.DocumentID, &m.URL, &body, &want); err != nil {
				rows.Close()
				return checked, fmt.Errorf("verify captures: %w", err)
			}
			after = m.CaptureID
			n++
			checked++
			raw, err := gunzipBytes(body)
			if err != nil {
				m.Reason = "body cannot be decompressed: " + err.Error()
				report(m)
				continue
			}
			sum := sha256.Sum256(raw)
			if got := hex.EncodeToString(sum[:]); got != want {
				m.Reason = fmt.Sprintf("body SHA-256 is %s, recorded %s", got, want)
				report(m)
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return checked, fmt.Errorf("verify captures: %w", err)
		}
		if n == 0 {
			return checked, nil
		}
	}
}

// Backup writes a consistent copy of the database to path, an SQLite
// file, while others keep reading and writing: VACUUM INTO runs in one
// read transaction; a PostgreSQL store is copied from one snapshot
// (copy.go), so its backup opens with every policywatch command on any
// machine, no PostgreSQL needed. (pg_dump remains PostgreSQL's own way.)
func (db *DB) Backup(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup to %s: file exists", path)
	}
	if db.engine == Postgres {
		dst, err := Open(ctx, path)
		if err != nil {
			return fmt.Errorf("backup to %s: %w", path, err)
		}
		_, err = Copy(ctx, db, dst, nil)
		if cerr := dst.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			for _, f := range []string{path, path + "-wal", path + "-shm"} {
				os.Remove(f)
			}
			return fmt.Errorf("backup to %s: %w", path, err)
		}
		return nil
	}
	if _, err := db.read.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}
