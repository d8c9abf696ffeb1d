package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"policywatch/model"
)

// Enqueue records URLs queued in a run. A URL the run already holds is
// left as it is (done or not).
func (db *DB) Enqueue(ctx context.Context, runID int64, items ...model.FrontierItem) error {
	if len(items) == 0 {
		return nil
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("enqueue frontier: %w", err)
	}
	defer tx.Rollback()
	now := formatTime(db.Now())
	for _, it := range items {
		listing := 0
		if it.Listing {
			listing = 1
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO crawl_frontier (run_id, key, url, source, kind, depth, listing,
			title, published, date_source, doc_number, queued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (run_id, key) DO NOTHING`,
			runID, it.Key, it.URL, it.Source, it.Kind, it.Depth, listing, it.Title, formatTime(it.Published),
			it.DateSource, it.DocNumber, now); err != nil {
			return fmt.Errorf("enqueue %s: %w", it.URL, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("enqueue frontier: %w", err)
	}
	return nil
}

// Ack writes what a crawl run did with one URL (model.URLDone) in one
// transaction: the URL marked done, its counts added to the run's, its
// log entries appended. A resumed run thus counts on from the last
// acknowledged URL, and a URL done again after a crash is neither
// counted nor logged twice. A URL acknowledged already is left as it
// is; a key without a frontier row (a source that failed before
// anything was queued, or no key) adds its counts and entries only.
func (db *DB) Ack(ctx context.Context, d model.URLDone) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("acknowledge %s: %w", d.Key, err)
	}
	defer tx.Rollback()
	if err := db.ackTx(ctx, tx, d); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("acknowledge %s: %w", d.Key, err)
	}
	return nil
}

// ackTx is Ack's work inside tx. Counts are added, not overwritten, so
// that acknowledgements made at once by several workers (each in its
// own transaction, one writer at a time) cannot write counts built from
// a stale total.
func (db *DB) ackTx(ctx context.Context, tx *dbTx, d model.URLDone) error {
	if d.Key != "" {
		res, err := tx.ExecContext(ctx, `UPDATE crawl_frontier SET done_at = ? WHERE run_id = ? AND key = ? AND done_at = ''`,
			formatTime(db.Now()), d.RunID, d.Key)
		if err != nil {
			return fmt.Errorf("acknowledge %s: %w", d.Key, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("acknowledge %s: %w", d.Key, err)
		} else if n == 0 {
			var queued int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM crawl_frontier WHERE run_id = ? AND key = ?`,
				d.RunID, d.Key).Scan(&queued); err != nil {
				return fmt.Errorf("acknowledge %s: %w", d.Key, err)
			}
			if queued > 0 {
				return nil // done and counted already
			}
		}
	}
	c := &d.Counts
	if _, err := tx.ExecContext(ctx, `UPDATE crawl_runs SET fetched = fetched + ?, stored = stored + ?,
		updated = updated + ?, unchanged = unchanged + ?, dropped = dropped + ?, skipped = skipped + ?,
		refused = refused + ?, withdrawn = withdrawn + ?, failed = failed + ? WHERE id = ?`,
		append(runCountArgs(c), d.RunID)...); err != nil {
		return fmt.Errorf("acknowledge %s: run counts: %w", d.Key, err)
	}
	for _, e := range d.Log {
		if err := db.insertOutcome(ctx, tx, d.RunID, e); err != nil {
			return fmt.Errorf("acknowledge %s: %w", d.Key, err)
		}
	}
	return nil
}

// SaveCaptureAck is SaveCapture and Ack in one transaction, with the
// document, its change log entry, the URL marked done and the run's
// counts and log: a crawl killed between a save and its acknowledgement
// would otherwise have stored the page without counting it, and the
// resumed run would find it "unchanged" — one stored short. ack is
// called inside the transaction with what the save did, and returns what
// to acknowledge.
func (db *DB) SaveCaptureAck(ctx context.Context, doc *model.Document, c *model.Capture,
	ack func(model.SaveOutcome) model.URLDone) (model.SaveOutcome, error) {
	return db.saveCaptureThen(ctx, doc, c, func(tx *dbTx, out model.SaveOutcome) error {
		return db.ackTx(ctx, tx, ack(out))
	})
}

// LoadFrontier returns every URL a run queued, in queue order.
func (db *DB) LoadFrontier(ctx context.Context, runID int64) ([]model.FrontierItem, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT key, url, source, kind, depth, listing, title, published,
		date_source, doc_number, done_at FROM crawl_frontier WHERE run_id = ? ORDER BY rowid`, runID)
	if err != nil {
		return nil, fmt.Errorf("load frontier of run %d: %w", runID, err)
	}
	defer rows.Close()
	var out []model.FrontierItem
	for rows.Next() {
		var (
			it              model.FrontierItem
			listing         int
			published, done string
		)
		if err := rows.Scan(&it.Key, &it.URL, &it.Source, &it.Kind, &it.Depth, &listing, &it.Title, &published,
			&it.DateSource, &it.DocNumber, &done); err != nil {
			return nil, fmt.Errorf("load frontier of run %d: %w", runID, err)
		}
		it.Listing, it.Published, it.Done = listing != 0, parseTime(published), done != ""
		out = append(out, it)
	}
	return out, rows.Err()
}

// PendingRun returns the newest crawl run when it crawled the same
// sources (in any order) and left URLs undone (it was killed or
// interrupted), ready to be resumed: its counts and errors so far,
// FinishedAt cleared. It returns nil when there is nothing to resume.
// Only the newest run is resumed: once a later run has started, an older
// run's leftovers are stale, and they are dropped here. A scheduled crawl
// of other sources does not pick up a run that is not its own.
func (db *DB) PendingRun(ctx context.Context, sources []string) (*model.CrawlRun, error) {
	var id int64
	err := db.read.QueryRowContext(ctx, `SELECT id FROM crawl_runs ORDER BY id DESC LIMIT 1`).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find pending crawl run: %w", err)
	}
	if _, err := db.write.ExecContext(ctx, `DELETE FROM crawl_frontier WHERE run_id <> ?`, id); err != nil {
		return nil, fmt.Errorf("drop stale frontier: %w", err)
	}
	var pending int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM crawl_frontier WHERE run_id = ? AND done_at = ''`,
		id).Scan(&pending); err != nil {
		return nil, fmt.Errorf("find pending crawl run: %w", err)
	}
	if pending == 0 {
		return nil, nil
	}
	r, err := db.Run(ctx, id)
	if err != nil {
		return nil, err
	}
	if !sameSet(r.Sources, sources) {
		return nil, nil
	}
	r.FinishedAt = time.Time{}
	return r, nil
}

// Validators returns the ETag and Last-Modified last seen for a URL
// ("" when none).
func (db *DB) Validators(ctx context.Context, url string) (etag, lastModified string, err error) {
	err = db.read.QueryRowContext(ctx, `SELECT etag, last_modified FROM http_validators WHERE url = ?`, url).
		Scan(&etag, &lastModified)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", nil
	}
	if err != nil {
		return "", "", fmt.Errorf("validators of %s: %w", url, err)
	}
	return etag, lastModified, nil
}

// SetValidators keeps a URL's ETag and Last-Modified for the next crawl.
func (db *DB) SetValidators(ctx context.Context, url, etag, lastModified string) error {
	if _, err := db.write.ExecContext(ctx, `INSERT INTO http_validators (url, etag, last_modified, updated_at)
		VALUES (?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET etag = excluded.etag,
		last_modified = excluded.last_modified, updated_at = excluded.updated_at`,
		url, etag, lastModified, formatTime(db.Now())); err != nil {
		return fmt.Errorf("keep validators of %s: %w", url, err)
	}
	return nil
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	in := map[string]int{}
	for _, x := range a {
		in[x]++
	}
	for _, x := range b {
		if in[x] == 0 {
			return false
		}
		in[x]--
	}
	return true
}
