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
	CheckedAt time.Time // documents changed after this are new to the webhook
}

// SaveSearch stores a new saved search and sets its ID and times. Its
// webhook starts from now: only what changes later is new.
func (db *DB) SaveSearch(ctx context.Context, s *SavedSearch) error {
	if s.Name == "" {
		return fmt.Errorf("save search: no name")
	}
	now := db.Now()
	if err := db.write.QueryRowContext(ctx, `INSERT INTO saved_searches (name, params, webhook_url, created_at, checked_at)
		VALUES (?, ?, ?, ?, ?) RETURNING id`, s.Name, s.Params, s.Webhook, formatTime(now), formatTime(now)).Scan(&s.ID); err != nil {
		return fmt.Errorf("save search %q: %w", s.Name, err)
	}
	s.CreatedAt, s.CheckedAt = now, now
	return nil
}

// SavedSearches lists the saved searches, oldest first.
func (db *DB) SavedSearches(ctx context.Context) ([]SavedSearch, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, name, params, webhook_url, created_at, checked_at
		FROM saved_searches ORDER BY id`)
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
	row := db.read.QueryRowContext(ctx, `SELECT id, name, params, webhook_url, created_at, checked_at
		FROM saved_searches WHERE id = ?`, id)
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

// MarkSearchChecked records that the webhook of saved search id has been
// told about everything changed before t.
func (db *DB) MarkSearchChecked(ctx context.Context, id int64, t time.Time) error {
	if _, err := db.write.ExecContext(ctx, `UPDATE saved_searches SET checked_at = ? WHERE id = ?`, formatTime(t), id); err != nil {
		return fmt.Errorf("mark saved search %d checked: %w", id, err)
	}
	return nil
}

// DocumentIDsChangedSince returns the documents first stored or changed at
// or after t. Times are compared as times, not as text: RFC 3339 strings
// with fractional seconds do not sort lexically.
func (db *DB) DocumentIDsChangedSince(ctx context.Context, t time.Time) ([]int64, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, updated_at FROM documents`)
	if err != nil {
		return nil, fmt.Errorf("list changed documents: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		var updated string
		if err := rows.Scan(&id, &updated); err != nil {
			return nil, fmt.Errorf("list changed documents: %w", err)
		}
		if !parseTime(updated).Before(t) {
			out = append(out, id)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list changed documents: %w", err)
	}
	return out, nil
}

func scanSavedSearch(r scanner) (*SavedSearch, error) {
	var s SavedSearch
	var created, checked string
	if err := r.Scan(&s.ID, &s.Name, &s.Params, &s.Webhook, &created, &checked); err != nil {
		return nil, err
	}
	s.CreatedAt, s.CheckedAt = parseTime(created), parseTime(checked)
	return &s, nil
}
