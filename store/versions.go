package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"policywatch/model"
)

// Version is one extracted state of a document: what the page said from
// CapturedAt until the next version. A citation names one by its number.
type Version struct {
	DocumentID  int64
	Number      int
	Title       string
	Text        string
	Published   time.Time
	ContentHash string
	CapturedAt  time.Time // first capture that showed this content
	LastSeenAt  time.Time // newest capture that still showed it
	CaptureID   int64     // that first capture, the evidence for the version
	Captures    int       // how many fetches confirmed it
}

// Versions lists a document's versions, oldest first, with their text.
func (db *DB) Versions(ctx context.Context, docID int64) ([]Version, error) {
	rows, err := db.read.QueryContext(ctx, versionSelect+` WHERE v.document_id = ? ORDER BY v.version`, docID)
	if err != nil {
		return nil, fmt.Errorf("versions of document %d: %w", docID, err)
	}
	defer rows.Close()
	var out []Version
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			return nil, fmt.Errorf("versions of document %d: %w", docID, err)
		}
		out = append(out, *v)
	}
	return out, rows.Err()
}

// Version returns version n of a document (store.ErrNotFound when the
// document has no such version).
func (db *DB) Version(ctx context.Context, docID int64, n int) (*Version, error) {
	v, err := scanVersion(db.read.QueryRowContext(ctx, versionSelect+` WHERE v.document_id = ? AND v.version = ?`, docID, n))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("version %d of document %d: %w", n, docID, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("version %d of document %d: %w", n, docID, err)
	}
	return v, nil
}

const versionSelect = `SELECT v.document_id, v.version, v.title, v.text, v.published, v.content_hash, v.captured_at,
	coalesce((SELECT min(c.id) FROM captures c WHERE c.document_id = v.document_id AND c.version = v.version), 0),
	coalesce((SELECT max(c.fetched_at) FROM captures c WHERE c.document_id = v.document_id AND c.version = v.version), ''),
	(SELECT count(*) FROM captures c WHERE c.document_id = v.document_id AND c.version = v.version)
	FROM document_versions v`

func scanVersion(s scanner) (*Version, error) {
	var (
		v                         Version
		published, captured, seen string
	)
	if err := s.Scan(&v.DocumentID, &v.Number, &v.Title, &v.Text, &published, &v.ContentHash, &captured,
		&v.CaptureID, &seen, &v.Captures); err != nil {
		return nil, err
	}
	v.Published, v.CapturedAt, v.LastSeenAt = parseTime(published), parseTime(captured), parseTime(seen)
	if v.LastSeenAt.IsZero() {
		v.LastSeenAt = v.CapturedAt
	}
	return &v, nil
}

// Withdrawal is the moment a page started answering 404 or 410: the
// document keeps its last version, which is now the record of what the
// page said before it went.
type Withdrawal struct {
	DocumentID int64
	Version    int // the last version, still kept
	Status     int // HTTP status the page answered
	URL        string
	At         time.Time
}

// MarkWithdrawn records that url answered status (404 or 410) at a time.
// The document stored under url (or fetched from it) is marked withdrawn
// and keeps every version; a page already marked withdrawn is not logged
// again, so a re-crawl that meets the same 404 changes nothing. It
// reports the document's id and whether this call withdrew it; a URL the
// store has never archived gives id 0 and no error. A withdrawal is
// logged in the change log with runID (0 outside a crawl).
func (db *DB) MarkWithdrawn(ctx context.Context, url string, status int, at time.Time, runID int64) (int64, bool, error) {
	if at.IsZero() {
		at = db.Now()
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return 0, false, fmt.Errorf("mark %s withdrawn: %w", url, err)
	}
	defer tx.Rollback()
	id, marked, err := markWithdrawn(ctx, tx, url, status, at)
	if err != nil || !marked {
		return id, false, err
	}
	if err := appendChange(ctx, tx, id, model.ChangeWithdrawn, runID, at); err != nil {
		return id, false, fmt.Errorf("mark %s withdrawn: %w", url, err)
	}
	if err := tx.Commit(); err != nil {
		return id, false, fmt.Errorf("mark %s withdrawn: commit: %w", url, err)
	}
	return id, true, nil
}

// markWithdrawn is MarkWithdrawn's work in tx, but for the change log.
func markWithdrawn(ctx context.Context, tx *dbTx, url string, status int, at time.Time) (int64, bool, error) {
	if err := tx.lockKeys(ctx, urlLockKey(url)); err != nil {
		return 0, false, fmt.Errorf("mark %s withdrawn: %w", url, err)
	}
	var (
		id        int64
		version   int
		withdrawn int
	)
	// The document's own URL first; else a URL one of its captures was
	// requested from or redirected to. Aliases are not followed: a
	// syndicated copy going away does not withdraw the original.
	err := tx.QueryRowContext(ctx, `SELECT id, version, withdrawn FROM documents WHERE url = ?
		UNION ALL
		SELECT d.id, d.version, d.withdrawn FROM documents d
		WHERE d.id = (SELECT document_id FROM captures WHERE request_url = ? OR final_url = ? ORDER BY id DESC LIMIT 1)
		LIMIT 1`, url, url, url).Scan(&id, &version, &withdrawn)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("mark %s withdrawn: %w", url, err)
	}
	if withdrawn != 0 {
		return id, false, nil
	}
	// The same withdrawal again (a WARC file imported twice): the page
	// answered so at that moment once, and came back since.
	if seen, err := sameWithdrawal(ctx, tx, id, status, at); err != nil {
		return id, false, fmt.Errorf("mark %s withdrawn: %w", url, err)
	} else if seen {
		return id, false, nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE documents SET withdrawn = 1 WHERE id = ?`, id); err != nil {
		return id, false, fmt.Errorf("mark %s withdrawn: %w", url, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO document_withdrawals (document_id, version, status, url, at)
		VALUES (?, ?, ?, ?, ?)`, id, version, status, url, formatTime(at)); err != nil {
		return id, false, fmt.Errorf("mark %s withdrawn: %w", url, err)
	}
	return id, true, nil
}

// sameWithdrawal reports whether document docID was recorded withdrawn
// with this status at this instant.
func sameWithdrawal(ctx context.Context, tx *dbTx, docID int64, status int, at time.Time) (bool, error) {
	rows, err := tx.QueryContext(ctx, `SELECT at FROM document_withdrawals WHERE document_id = ? AND status = ?`, docID, status)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return false, err
		}
		if parseTime(s).Equal(at) {
			return true, nil
		}
	}
	return false, rows.Err()
}

// Withdrawals lists the times a document was withdrawn, oldest first.
func (db *DB) Withdrawals(ctx context.Context, docID int64) ([]Withdrawal, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT document_id, version, status, url, at FROM document_withdrawals
		WHERE document_id = ? ORDER BY id`, docID)
	if err != nil {
		return nil, fmt.Errorf("withdrawals of document %d: %w", docID, err)
	}
	defer rows.Close()
	var out []Withdrawal
	for rows.Next() {
		var (
			w  Withdrawal
			at string
		)
		if err := rows.Scan(&w.DocumentID, &w.Version, &w.Status, &w.URL, &at); err != nil {
			return nil, fmt.Errorf("withdrawals of document %d: %w", docID, err)
		}
		w.At = parseTime(at)
		out = append(out, w)
	}
	return out, rows.Err()
}

// VerifyVersions checks that the versions and captures agree: every
// version is backed by a capture with its content hash, a document's
// version number is its newest version, and every capture belongs to a
// version. A crash can never leave them apart (each capture is saved in
// one transaction with its version), so a report means the file was
// edited or damaged. It returns how many documents were checked.
func (db *DB) VerifyVersions(ctx context.Context, report func(Mismatch)) (int, error) {
	return verifyVersions(ctx, db.read, report)
}

func verifyVersions(ctx context.Context, q querier, report func(Mismatch)) (int, error) {
	checks := []struct {
		q      string
		reason string
	}{
		{`SELECT v.document_id, d.url, 'version ' || v.version FROM document_versions v JOIN documents d ON d.id = v.document_id
			WHERE NOT EXISTS (SELECT 1 FROM captures c WHERE c.document_id = v.document_id AND c.version = v.version
				AND c.content_hash = v.content_hash)`,
			"has no capture with its content hash"},
		{`SELECT d.id, d.url, 'version ' || d.version FROM documents d
			WHERE d.version <> coalesce((SELECT max(version) FROM document_versions v WHERE v.document_id = d.id), 0)
			   OR d.content_hash <> coalesce((SELECT content_hash FROM document_versions v WHERE v.document_id = d.id
			      AND v.version = d.version), '')`,
			"is not the document's newest stored version"},
		{`SELECT c.document_id, c.request_url, 'capture ' || c.id FROM captures c
			WHERE NOT EXISTS (SELECT 1 FROM document_versions v WHERE v.document_id = c.document_id AND v.version = c.version)`,
			"belongs to no stored version"},
	}
	for _, ch := range checks {
		rows, err := q.QueryContext(ctx, ch.q)
		if err != nil {
			return 0, fmt.Errorf("verify versions: %w", err)
		}
		for rows.Next() {
			var (
				m    Mismatch
				what string
			)
			if err := rows.Scan(&m.DocumentID, &m.URL, &what); err != nil {
				rows.Close()
				return 0, fmt.Errorf("verify versions: %w", err)
			}
			m.Reason = what + " " + ch.reason
			report(m)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return 0, fmt.Errorf("verify versions: %w", err)
		}
	}
	var n int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM documents`).Scan(&n); err != nil {
		return 0, fmt.Errorf("verify versions: count documents: %w", err)
	}
	return n, nil
}
