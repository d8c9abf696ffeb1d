package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// SavedSearch is a search kept under a name. Params is the search as URL
// parameters (q=...&category=...), the form the web UI and API read.
type SavedSearch struct {
	ID        int64
	Name      string
	Params    string
	Webhook   string    // URL POSTed new matches after each crawl; "" for none
	CreatedAt time.Time // set by SaveSearch
	CheckedAt time.Time // when the webhook was last told (or the search saved)
	// AlertedSeq is how far into the change log the webhook has been
	// told: documents new or changed by a later change are new to it.
	AlertedSeq int64
}

// SaveSearch stores a new saved search and sets its ID, times and mark.
// Its webhook starts from the newest change: only what changes later is
// new.
func (db *DB) SaveSearch(ctx context.Context, s *SavedSearch) error {
	if s.Name == "" {
		return fmt.Errorf("save search: no name")
	}
	now := db.Now()
	err := db.write.QueryRowContext(ctx, `INSERT INTO saved_searches (name, params, webhook_url, created_at, checked_at,
		alerted_seq) VALUES (?, ?, ?, ?, ?, (SELECT coalesce(max(seq), 0) FROM change_log)) RETURNING id, alerted_seq`,
		s.Name, s.Params, s.Webhook, formatTime(now), formatTime(now)).Scan(&s.ID, &s.AlertedSeq)
	if err != nil {
		return fmt.Errorf("save search %q: %w", s.Name, err)
	}
	s.CreatedAt, s.CheckedAt = now, now
	return nil
}

// SavedSearches lists the saved searches, oldest first.
func (db *DB) SavedSearches(ctx context.Context) ([]SavedSearch, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, name, params, webhook_url, created_at, checked_at,
		alerted_seq FROM saved_searches ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list saved searches: %w", err)
	}
	defer rows.Close()
	var out []SavedSearch
	for rows.Next() {
		s, err := scanSavedSearch(rows)
		if err != nil {
			return nil, fmt.Errorf("list saved searches: %w", err)
		}
		out = append(out, *s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list saved searches: %w", err)
	}
	return out, nil
}

// SavedSearchByID returns one saved search, or ErrNotFound.
func (db *DB) SavedSearchByID(ctx context.Context, id int64) (*SavedSearch, error) {
	row := db.read.QueryRowContext(ctx, `SELECT id, name, params, webhook_url, created_at, checked_at,
		alerted_seq FROM saved_searches WHERE id = ?`, id)
	s, err := scanSavedSearch(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load saved search %d: %w", id, err)
	}
	return s, nil
}

// DeleteSavedSearch removes a saved search; ErrNotFound when there is none.
func (db *DB) DeleteSavedSearch(ctx context.Context, id int64) error {
	res, err := db.write.ExecContext(ctx, `DELETE FROM saved_searches WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("delete saved search %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// MarkSearchAlerted records that the webhook of saved search id has been
// told about every change up to seq, at a time. The mark only moves
// forward, so a late writer cannot make a webhook hear of changes twice.
func (db *DB) MarkSearchAlerted(ctx context.Context, id, seq int64, at time.Time) error {
	if _, err := db.write.ExecContext(ctx, `UPDATE saved_searches SET alerted_seq = ?, checked_at = ?
		WHERE id = ? AND alerted_seq < ?`, seq, formatTime(at), id, seq); err != nil {
		return fmt.Errorf("mark saved search %d alerted up to change %d: %w", id, seq, err)
	}
	return nil
}

func scanSavedSearch(r scanner) (*SavedSearch, error) {
	var s SavedSearch
	var created, checked string
	if err := r.Scan(&s.ID, &s.Name, &s.Params, &s.Webhook, &created, &checked, &s.AlertedSeq); err != nil {
		return nil, err
	}
	s.CreatedAt, s.CheckedAt = parseTime(created), parseTime(checked)
	return &s, nil
}
