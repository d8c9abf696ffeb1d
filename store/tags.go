package store

import (
	"context"
	"encoding/json"
	"fmt"

	"policywatch/model"
)

// SetTags replaces a document's tags, keeping the order given (an actor
// list's first entry is the issuer), and logs the change so the index
// takes the new tags in.
func (db *DB) SetTags(ctx context.Context, docID int64, tags []model.Tag) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("set tags of document %d: %w", docID, err)
	}
	defer tx.Rollback()
	if err := replaceTags(ctx, tx, docID, tags); err != nil {
		return fmt.Errorf("set tags of document %d: %w", docID, err)
	}
	if err := appendChange(ctx, tx, docID, model.ChangeTags, 0, db.Now()); err != nil {
		return fmt.Errorf("set tags of document %d: %w", docID, err)
	}
	return tx.Commit()
}

func replaceTags(ctx context.Context, tx *dbTx, docID int64, tags []model.Tag) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM tags WHERE document_id = ?`, docID); err != nil {
		return err
	}
	for i, t := range tags {
		matches, err := json.Marshal(t.Matches)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO tags (document_id, type, value, position, score, matches)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, docID, t.Type, t.Value, i, t.Score, string(matches)); err != nil {
			return fmt.Errorf("insert tag %s=%s: %w", t.Type, t.Value, err)
		}
	}
	return nil
}

func (db *DB) tags(ctx context.Context, docID int64) ([]model.Tag, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT type, value, score, matches FROM tags
		WHERE document_id = ? ORDER BY type, position`, docID)
	if err != nil {
		return nil, fmt.Errorf("tags: %w", err)
	}
	defer rows.Close()
	var out []model.Tag
	for rows.Next() {
		var (
			t       model.Tag
			matches string
		)
		if err := rows.Scan(&t.Type, &t.Value, &t.Score, &matches); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(matches), &t.Matches); err != nil {
			return nil, fmt.Errorf("tag %s matches: %w", t.Value, err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}
