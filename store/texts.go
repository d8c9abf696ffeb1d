package store

import (
	"context"
	"fmt"
	"strings"
)

// maxTextIDs bounds one statement's IN list (SQLite allows 32,766
// parameters; a page of search hits is 20 to 500).
const maxTextIDs = 1000

// DocumentTexts returns the current text of the documents with these ids;
// ids not stored are left out. The search index keeps no copy of the text
// and cuts its snippets from this one (index.TextSource).
func (db *DB) DocumentTexts(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(ids))
	for start := 0; start < len(ids); start += maxTextIDs {
		part := ids[start:min(start+maxTextIDs, len(ids))]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		rows, err := db.read.QueryContext(ctx, `SELECT id, text FROM documents WHERE id IN (`+
			strings.TrimSuffix(strings.Repeat("?,", len(part)), ",")+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("text of %d documents: %w", len(part), err)
		}
		for rows.Next() {
			var id int64
			var text string
			if err := rows.Scan(&id, &text); err != nil {
				rows.Close()
				return nil, fmt.Errorf("text of %d documents: %w", len(part), err)
			}
			out[id] = text
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("text of %d documents: %w", len(part), err)
		}
	}
	return out, nil
}
