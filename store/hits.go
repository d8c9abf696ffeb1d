package store

import (
	"context"
	"fmt"
	"strings"

	"policywatch/model"
)

// maxHitIDs bounds one statement's IN list (SQLite allows 32,766
// parameters; a page of search hits is 20 to 500).
const maxHitIDs = 1000

// HitDocuments returns what a search hit shows of the documents with
// these ids: their columns (the text included) and their tags' types and
// values, in the order the index was given them. Ids not stored are left
// out. The search index keeps none of this; it finds documents, and the
// store shows them (index.Archive).
func (db *DB) HitDocuments(ctx context.Context, ids []int64) (map[int64]model.Document, error) {
	out := make(map[int64]model.Document, len(ids))
	for start := 0; start < len(ids); start += maxHitIDs {
		part := ids[start:min(start+maxHitIDs, len(ids))]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		in := strings.TrimSuffix(strings.Repeat("?,", len(part)), ",")
		if err := db.hitDocuments(ctx, in, args, out); err != nil {
			return nil, fmt.Errorf("documents of %d search hits: %w", len(part), err)
		}
	}
	return out, nil
}

func (db *DB) hitDocuments(ctx context.Context, in string, args []any, out map[int64]model.Document) error {
	rows, err := db.read.QueryContext(ctx, `SELECT `+documentColumns+` FROM documents WHERE id IN (`+in+`)`, args...)
	if err != nil {
		return err
	}
	for rows.Next() {
		d, err := scanDocument(rows)
		if err != nil {
			rows.Close()
			return err
		}
		out[d.ID] = *d
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return err
	}
	rows, err = db.read.QueryContext(ctx, `SELECT document_id, type, value FROM tags
		WHERE document_id IN (`+in+`) ORDER BY document_id, type, position`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var t model.Tag
		if err := rows.Scan(&id, &t.Type, &t.Value); err != nil {
			return err
		}
		if d, ok := out[id]; ok {
			d.Tags = append(d.Tags, t)
			out[id] = d
		}
	}
	return rows.Err()
}
