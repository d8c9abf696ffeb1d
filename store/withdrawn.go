package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// WithdrawnAmong returns, of the given documents, those now withdrawn
// with the time the page went away (its newest withdrawal), so a list of
// search hits can mark them without loading each document.
func (db *DB) WithdrawnAmong(ctx context.Context, ids []int64) (map[int64]time.Time, error) {
	out := map[int64]time.Time{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := db.read.QueryContext(ctx, `SELECT d.id, COALESCE((SELECT w.at FROM document_withdrawals w
		WHERE w.document_id = d.id ORDER BY w.id DESC LIMIT 1), '')
		FROM documents d WHERE d.withdrawn = 1 AND d.id IN (`+strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",")+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("withdrawn documents among %d: %w", len(ids), err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id int64
			at string
		)
		if err := rows.Scan(&id, &at); err != nil {
			return nil, fmt.Errorf("withdrawn documents among %d: %w", len(ids), err)
		}
		out[id] = parseTime(at)
	}
	return out, rows.Err()
}
