package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"policywatch/model"
)

// The change log is plain SQL on one table (migrations/007): an entry is
// appended by the transaction that makes the change, and consumers read
// `WHERE seq > last ORDER BY seq`. SQLite has one writer at a time, so
// sequence numbers are taken in commit order and a reader never sees seq
// N+1 before N. PostgreSQL has concurrent writers: a transaction could
// take seq 9, another seq 10 and commit first, and a reader at 10 would
// never see 9. So there, appends are serialised: each takes the change
// log's advisory lock just before it inserts, and holds it to its commit
// (appendChange is the last statement of every transaction that calls
// it), so sequence numbers are taken in commit order there too.

// changeLogLockKey serialises appends to the change log (PostgreSQL).
const changeLogLockKey = "change log"

// appendChange logs one change of a document inside the transaction that
// made it. It must be the transaction's last statement before commit.
func appendChange(ctx context.Context, tx *dbTx, docID int64, kind model.ChangeKind, runID int64, at time.Time) error {
	if err := tx.lockKeys(ctx, changeLogLockKey); err != nil {
		return fmt.Errorf("log %s change of document %d: %w", kind, docID, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO change_log (document_id, kind, run_id, at) VALUES (?, ?, ?, ?)`,
		docID, string(kind), runID, formatTime(at)); err != nil {
		return fmt.Errorf("log %s change of document %d: %w", kind, docID, err)
	}
	return nil
}

// LastChange returns the sequence number of the newest change (0 when
// the log is empty).
func (db *DB) LastChange(ctx context.Context) (int64, error) {
	var seq int64
	if err := db.read.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM change_log`).Scan(&seq); err != nil {
		return 0, fmt.Errorf("read the change log: %w", err)
	}
	return seq, nil
}

// ChangesAfter returns up to limit changes with a sequence number above
// seq, oldest first.
func (db *DB) ChangesAfter(ctx context.Context, seq int64, limit int) ([]model.Change, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT seq, document_id, kind, run_id, at FROM change_log
		WHERE seq > ? ORDER BY seq LIMIT ?`, seq, limit)
	if err != nil {
		return nil, fmt.Errorf("read the change log after %d: %w", seq, err)
	}
	defer rows.Close()
	var out []model.Change
	for rows.Next() {
		var (
			c    model.Change
			kind string
			at   string
		)
		if err := rows.Scan(&c.Seq, &c.DocumentID, &kind, &c.RunID, &at); err != nil {
			return nil, fmt.Errorf("read the change log after %d: %w", seq, err)
		}
		c.Kind, c.At = model.ChangeKind(kind), parseTime(at)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read the change log after %d: %w", seq, err)
	}
	return out, nil
}

// ChangedDocuments returns the documents first stored or given a new
// version by a change in (after, upTo], each once, in id order: what is
// new to a saved search between two marks.
func (db *DB) ChangedDocuments(ctx context.Context, after, upTo int64) ([]int64, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT DISTINCT document_id FROM change_log
		WHERE seq > ? AND seq <= ? AND kind IN (?, ?) ORDER BY document_id`,
		after, upTo, string(model.ChangeNew), string(model.ChangeVersion))
	if err != nil {
		return nil, fmt.Errorf("changed documents in (%d, %d]: %w", after, upTo, err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("changed documents in (%d, %d]: %w", after, upTo, err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// DocumentsByID returns the documents with the given ids as the index
// takes them: tags and amendment text filled in. Ids the store does not
// hold are left out.
func (db *DB) DocumentsByID(ctx context.Context, ids []int64) ([]model.Document, error) {
	var out []model.Document
	for start := 0; start < len(ids); start += 200 {
		part := ids[start:min(start+200, len(ids))]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		rows, err := db.read.QueryContext(ctx, `SELECT `+documentColumns+` FROM documents WHERE id IN (`+
			strings.TrimSuffix(strings.Repeat("?,", len(part)), ",")+`) ORDER BY id`, args...)
		if err != nil {
			return nil, fmt.Errorf("documents by id: %w", err)
		}
		var docs []*model.Document
		for rows.Next() {
			d, err := scanDocument(rows)
			if err != nil {
				rows.Close()
				return nil, fmt.Errorf("documents by id: %w", err)
			}
			docs = append(docs, d)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("documents by id: %w", err)
		}
		if err := db.fillDocuments(ctx, docs); err != nil {
			return nil, fmt.Errorf("documents by id: %w", err)
		}
		for _, d := range docs {
			out = append(out, *d)
		}
	}
	return out, nil
}

// DerivedSeq returns how far into the change log the derived data called
// name is built (0 when never).
func (db *DB) DerivedSeq(ctx context.Context, name string) (int64, error) {
	var seq int64
	err := db.read.QueryRowContext(ctx, `SELECT seq FROM derived_state WHERE name = ?`, name).Scan(&seq)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("derived state %s: %w", name, err)
	}
	return seq, nil
}

// DerivedTimeline names the events in derived_state.
const DerivedTimeline = "timeline"

// ReplaceEventsAsOf is ReplaceEvents for a clustering of the documents as
// they stood at change seq. Two processes may cluster at once (a crawl
// that just ended, a server that saw the archive quiet down); the one
// that read the older archive must not overwrite the newer result, so
// events built as of an older seq than the stored timeline's are
// dropped, and it reports false.
func (db *DB) ReplaceEventsAsOf(ctx context.Context, events []model.Event, seq int64) (bool, error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("replace events: %w", err)
	}
	defer tx.Rollback()
	// Under the events lock (PostgreSQL), so the check and the write are
	// one step for every node.
	if err := tx.lockKeys(ctx, eventsLockKey); err != nil {
		return false, fmt.Errorf("replace events: %w", err)
	}
	var have int64
	err = tx.QueryRowContext(ctx, `SELECT seq FROM derived_state WHERE name = ?`, DerivedTimeline).Scan(&have)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return false, fmt.Errorf("replace events: %w", err)
	}
	if have > seq {
		return false, nil
	}
	if err := db.replaceEvents(ctx, tx, events); err != nil {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO derived_state (name, seq) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET seq = excluded.seq`, DerivedTimeline, seq); err != nil {
		return false, fmt.Errorf("replace events: record seq %d: %w", seq, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("replace events: %w", err)
	}
	return true, nil
}
