package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Release is a search frozen as a citable set. Manifest is the JSON the
// release is served as; the store keeps it byte for byte.
type Release struct {
	ID        string
	CreatedAt time.Time
	Params    string // the search as URL parameters
	Total     int
	Manifest  []byte
}

// SaveRelease stores r unless a release with its ID exists already (the
// ID names the content, so the same set frozen twice is one release). It
// sets CreatedAt to the stored row's time and reports whether it was new.
func (db *DB) SaveRelease(ctx context.Context, r *Release) (created bool, err error) {
	if r.ID == "" {
		return false, fmt.Errorf("save release: no id")
	}
	now := db.Now()
	res, err := db.write.ExecContext(ctx, `INSERT INTO releases (id, created_at, params, total, manifest)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`, r.ID, formatTime(now), r.Params, r.Total, string(r.Manifest))
	if err != nil {
		return false, fmt.Errorf("save release %s: %w", r.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		r.CreatedAt = now
		return true, nil
	}
	old, err := db.Release(ctx, r.ID)
	if err != nil {
		return false, err
	}
	*r = *old
	return false, nil
}

// Release returns a release by ID, or ErrNotFound.
func (db *DB) Release(ctx context.Context, id string) (*Release, error) {
	var r Release
	var created, manifest string
	err := db.read.QueryRowContext(ctx, `SELECT id, created_at, params, total, manifest FROM releases WHERE id = ?`, id).
		Scan(&r.ID, &created, &r.Params, &r.Total, &manifest)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load release %s: %w", id, err)
	}
	r.CreatedAt, r.Manifest = parseTime(created), []byte(manifest)
	return &r, nil
}

// Releases lists up to limit releases, newest first, without manifests.
func (db *DB) Releases(ctx context.Context, limit int) ([]Release, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, created_at, params, total FROM releases
		ORDER BY created_at DESC, id LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("list releases: %w", err)
	}
	defer rows.Close()
	var out []Release
	for rows.Next() {
		var r Release
		var created string
		if err := rows.Scan(&r.ID, &created, &r.Params, &r.Total); err != nil {
			return nil, fmt.Errorf("list releases: %w", err)
		}
		r.CreatedAt = parseTime(created)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list releases: %w", err)
	}
	return out, nil
}
