package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// The change log is trimmed once everything derived from it has taken its
// old entries in (migration 016). Without that a years-long archive would
// keep a row for every change it ever saw.

// DerivedPruned names, in derived_state, the highest change the log no
// longer holds: an index whose mark is below it missed changes it can no
// longer read, and must be rebuilt from the store.
const DerivedPruned = "pruned"

// NoteConsumer records that the index called name has taken the change
// log in up to seq.
func (db *DB) NoteConsumer(ctx context.Context, name string, seq int64) error {
	if _, err := db.write.ExecContext(ctx, `INSERT INTO change_consumers (name, seq, seen_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET seq = excluded.seq, seen_at = excluded.seen_at`,
		name, seq, formatTime(db.Now())); err != nil {
		return fmt.Errorf("note how far %s took the change log in: %w", name, err)
	}
	return nil
}

// PrunedChanges returns the highest change the log no longer holds (0:
// it holds them all).
func (db *DB) PrunedChanges(ctx context.Context) (int64, error) {
	return db.DerivedSeq(ctx, DerivedPruned)
}

// PruneChanges removes the change-log entries written before before that
// everything derived from them has taken in: the timeline, every
// webhook, and every index heard of since before (NoteConsumer). Indexes
// not heard of since then are forgotten; they rebuild when they return
// (PrunedChanges). It returns how many entries it removed.
func (db *DB) PruneChanges(ctx context.Context, before time.Time) (int64, error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("prune the change log: %w", err)
	}
	defer tx.Rollback()
	cutoff := formatTime(before)
	if _, err := tx.ExecContext(ctx, `DELETE FROM change_consumers WHERE seen_at < ?`, cutoff); err != nil {
		return 0, fmt.Errorf("prune the change log: %w", err)
	}
	// The lowest mark of what reads the log; a reader with none yet
	// (no row) holds nothing back.
	var safe sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT min(seq) FROM (
			SELECT seq FROM derived_state WHERE name = ?
			UNION ALL SELECT alerted_seq FROM saved_searches WHERE webhook_url <> ''
			UNION ALL SELECT seq FROM change_consumers) AS marks`, DerivedTimeline).Scan(&safe); err != nil {
		return 0, fmt.Errorf("prune the change log: %w", err)
	}
	if !safe.Valid {
		return 0, nil
	}
	var horizon sql.NullInt64
	// The newest entry always stays: it is how far the log goes
	// (LastChange), which an index's mark is checked against.
	err = tx.QueryRowContext(ctx, `SELECT max(seq) FROM change_log WHERE seq <= ? AND at < ?
		AND seq < (SELECT max(seq) FROM change_log)`, safe.Int64, cutoff).Scan(&horizon)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("prune the change log: %w", err)
	}
	if !horizon.Valid {
		return 0, nil
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM change_log WHERE seq <= ?`, horizon.Int64)
	if err != nil {
		return 0, fmt.Errorf("prune the change log: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("prune the change log: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO derived_state (name, seq) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET seq = excluded.seq WHERE excluded.seq > derived_state.seq`,
		DerivedPruned, horizon.Int64); err != nil {
		return 0, fmt.Errorf("prune the change log: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("prune the change log: %w", err)
	}
	return n, nil
}
