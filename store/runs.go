package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"policywatch/model"
)

// StartRun records the start of a crawl run.
func (db *DB) StartRun(ctx context.Context, sources []string) (*model.CrawlRun, error) {
	run := &model.CrawlRun{StartedAt: db.Now(), Sources: sources}
	names, _ := json.Marshal(sources)
	if err := db.write.QueryRowContext(ctx, `INSERT INTO crawl_runs (started_at, sources) VALUES (?, ?) RETURNING id`,
		formatTime(run.StartedAt), string(names)).Scan(&run.ID); err != nil {
		return nil, fmt.Errorf("start crawl run: %w", err)
	}
	return run, nil
}

// RecordOutcome logs one URL of a run that did not become an archived
// document: failed, refused, withdrawn, dropped or skipped, with why.
// It is an acknowledgement with nothing to count (Ack): a crawl records
// each URL's entries with the URL's acknowledgement instead, so that a
// crash neither loses nor repeats them.
func (db *DB) RecordOutcome(ctx context.Context, runID int64, e model.URLOutcome) error {
	if err := db.Ack(ctx, model.URLDone{RunID: runID, Log: []model.URLOutcome{e}}); err != nil {
		return fmt.Errorf("record %s %s in run %d: %w", e.Outcome, e.URL, runID, err)
	}
	return nil
}

// insertOutcome appends one URL's entry to a run's log in tx.
func (db *DB) insertOutcome(ctx context.Context, tx *dbTx, runID int64, e model.URLOutcome) error {
	if e.At.IsZero() {
		e.At = db.Now()
	}
	if e.Outcome == "" {
		e.Outcome = model.OutcomeFailed
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO crawl_errors (run_id, url, source, outcome, reason, at,
		source_failed) VALUES (?, ?, ?, ?, ?, ?, ?)`, runID, e.URL, e.Source, string(e.Outcome), e.Reason,
		formatTime(e.At), e.SourceFailed); err != nil {
		return fmt.Errorf("record %s %s in run %d: %w", e.Outcome, e.URL, runID, err)
	}
	return nil
}

// runCountArgs are a run's counts in the order of the crawl_runs
// columns fetched, stored, updated, unchanged, dropped, skipped, refused,
// withdrawn, failed.
func runCountArgs(r *model.CrawlRun) []any {
	return []any{r.Fetched, r.Stored, r.Updated, r.Unchanged, r.Dropped, r.Skipped, r.Refused, r.Withdrawn, r.Failed}
}

// FinishRun records the end of a run (r.FinishedAt, now when zero) and
// gives r the counts and log the store holds. It writes no counts: a
// run's counts are only ever added, by the acknowledgement of each URL
// (Ack, SaveCaptureAck, AddRunCounts), which adds a URL's once however
// often it is done again. Writing the counts a process kept in memory
// over them would undo that guarantee whenever the two differ (a run
// resumed after a crash, a cluster run whose failures were added as it
// started), and a report would then say something the log of URLs does
// not.
func (db *DB) FinishRun(ctx context.Context, r *model.CrawlRun) error {
	if r.FinishedAt.IsZero() {
		r.FinishedAt = db.Now()
	}
	if _, err := db.write.ExecContext(ctx, `UPDATE crawl_runs SET finished_at = ? WHERE id = ?`,
		formatTime(r.FinishedAt), r.ID); err != nil {
		return fmt.Errorf("finish crawl run %d: %w", r.ID, err)
	}
	held, err := db.Run(ctx, r.ID)
	if err != nil {
		return fmt.Errorf("finish crawl run %d: %w", r.ID, err)
	}
	r.Fetched, r.Stored, r.Updated, r.Unchanged = held.Fetched, held.Stored, held.Updated, held.Unchanged
	r.Dropped, r.Skipped, r.Refused, r.Withdrawn, r.Failed = held.Dropped, held.Skipped, held.Refused, held.Withdrawn, held.Failed
	r.Log = held.Log
	return nil
}

// LastFinishedRun returns the id of the newest run that finished (0 when
// none has).
func (db *DB) LastFinishedRun(ctx context.Context) (int64, error) {
	var id int64
	if err := db.read.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM crawl_runs WHERE finished_at <> ''`).
		Scan(&id); err != nil {
		return 0, fmt.Errorf("find the last finished crawl run: %w", err)
	}
	return id, nil
}

// NoteRunStop adds a note, stamped with the time, to the run's stops
// (model.CrawlRun.Stops): why it stopped before its frontier was done, or
// that a crawl resumed it.
func (db *DB) NoteRunStop(ctx context.Context, id int64, note string) error {
	note = db.Now().UTC().Format(time.RFC3339) + " " + note
	if _, err := db.write.ExecContext(ctx, `UPDATE crawl_runs SET stops = CASE WHEN stops = '' THEN ? ELSE stops || '; ' || ? END
		WHERE id = ?`, note, note, id); err != nil {
		return fmt.Errorf("note crawl run %d stopped: %w", id, err)
	}
	return nil
}

// Runs lists the newest crawl runs with their errors.
func (db *DB) Runs(ctx context.Context, limit int) ([]model.CrawlRun, error) {
	if limit <= 0 {
		limit = 50
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id FROM crawl_runs ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("list crawl runs: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("list crawl runs: %w", err)
		}
		ids = append(ids, id)
	}
	// An error that ended the iteration early would otherwise pass as a
	// shorter list.
	err = rows.Err()
	rows.Close()
	if err != nil {
		return nil, fmt.Errorf("list crawl runs: %w", err)
	}
	out := make([]model.CrawlRun, 0, len(ids))
	for _, id := range ids {
		r, err := db.Run(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, *r)
	}
	return out, nil
}

// Run returns one crawl run with its errors.
func (db *DB) Run(ctx context.Context, id int64) (*model.CrawlRun, error) {
	var (
		r                          model.CrawlRun
		started, finished, sources string
	)
	err := db.read.QueryRowContext(ctx, `SELECT id, started_at, finished_at, sources, fetched, stored, updated,
		unchanged, dropped, skipped, refused, withdrawn, failed, stops FROM crawl_runs WHERE id = ?`, id).Scan(&r.ID,
		&started, &finished, &sources, &r.Fetched, &r.Stored, &r.Updated, &r.Unchanged, &r.Dropped, &r.Skipped,
		&r.Refused, &r.Withdrawn, &r.Failed, &r.Stops)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("crawl run %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("crawl run %d: %w", id, err)
	}
	r.StartedAt, r.FinishedAt = parseTime(started), parseTime(finished)
	if err := json.Unmarshal([]byte(sources), &r.Sources); err != nil {
		return nil, fmt.Errorf("crawl run %d sources: %w", id, err)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT url, source, outcome, reason, at, source_failed FROM crawl_errors
		WHERE run_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("crawl run %d errors: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			e           model.URLOutcome
			outcome, at string
		)
		if err := rows.Scan(&e.URL, &e.Source, &outcome, &e.Reason, &at, &e.SourceFailed); err != nil {
			return nil, fmt.Errorf("crawl run %d errors: %w", id, err)
		}
		e.Outcome, e.At = model.Outcome(outcome), parseTime(at)
		r.Log = append(r.Log, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("crawl run %d errors: %w", id, err)
	}
	return &r, nil
}

// SyncSources records the configured sources.
func (db *DB) SyncSources(ctx context.Context, srcs []model.Source) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sync sources: %w", err)
	}
	defer tx.Rollback()
	now := formatTime(db.Now())
	for _, s := range srcs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO sources (name, kind, url, doc_kind, schedule, updated_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, url = excluded.url,
			doc_kind = excluded.doc_kind, schedule = excluded.schedule, updated_at = excluded.updated_at`,
			s.Name, s.Kind, s.URL, string(s.DocKind), s.Schedule, now); err != nil {
			return fmt.Errorf("sync source %s: %w", s.Name, err)
		}
	}
	return tx.Commit()
}
