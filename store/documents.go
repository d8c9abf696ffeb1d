package store

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"policywatch/model"
)

// SaveCapture stores one fetch of a page and what was extracted from it,
// in one transaction:
//   - a URL seen before with the same content adds a capture (unchanged);
//   - a URL seen before with new content adds a version (updated);
//   - a new URL whose content is already stored under another URL is
//     recorded as an alias of that document (duplicate), so a wire story
//     syndicated by three outlets is stored once;
//   - anything else is a new document (stored).
//
// doc.ID is set to the document the capture belongs to. When doc.Tags is
// not nil the document's tags are replaced by them. Whatever changed for
// the derived data (a new document or version, a new alias, a withdrawn
// page back) is appended to the change log in the same transaction, with
// c.RunID, so the index and the timeline can never miss it.
func (db *DB) SaveCapture(ctx context.Context, doc *model.Document, c *model.Capture) (model.SaveOutcome, error) {
	return db.saveCaptureThen(ctx, doc, c, nil)
}

// saveCaptureThen is SaveCapture running then, when not nil, in the same
// transaction once the outcome is known (frontier.go: SaveCaptureAck).
func (db *DB) saveCaptureThen(ctx context.Context, doc *model.Document, c *model.Capture, then func(*dbTx, model.SaveOutcome) error) (model.SaveOutcome, error) {
	if doc.URL == "" {
		return "", fmt.Errorf("save capture: document has no URL")
	}
	prepareCapture(db, doc, c)
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return "", fmt.Errorf("save capture %s: %w", doc.URL, err)
	}
	defer tx.Rollback()
	if err := lockDocument(ctx, tx, doc); err != nil {
		return "", fmt.Errorf("save capture %s: %w", doc.URL, err)
	}

	outcome, change, err := db.saveCapture(ctx, tx, doc, c)
	if err != nil {
		return "", fmt.Errorf("save capture %s: %w", doc.URL, err)
	}
	if then != nil {
		if err := then(tx, outcome); err != nil {
			return "", fmt.Errorf("save capture %s: %w", doc.URL, err)
		}
	}
	// Last before commit (changelog.go: on PostgreSQL the append holds
	// the change log's lock until then).
	if change != "" {
		if err := appendChange(ctx, tx, doc.ID, change, c.RunID, c.FetchedAt); err != nil {
			return "", fmt.Errorf("save capture %s: %w", doc.URL, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return "", fmt.Errorf("save capture %s: commit: %w", doc.URL, err)
	}
	return outcome, nil
}

// prepareCapture fills what a capture gets before it is saved: its body's
// hash and its time.
func prepareCapture(db *DB, doc *model.Document, c *model.Capture) {
	if c.BodySHA256 == "" {
		sum := sha256.Sum256(c.Body)
		c.BodySHA256 = hex.EncodeToString(sum[:])
	}
	if c.FetchedAt.IsZero() {
		c.FetchedAt = db.Now()
	}
	if doc.FetchedAt.IsZero() {
		doc.FetchedAt = c.FetchedAt
	}
}

// saveCapture does SaveCapture's work in tx and says what changed for the
// change log ("" for nothing).
func (db *DB) saveCapture(ctx context.Context, tx *dbTx, doc *model.Document, c *model.Capture) (model.SaveOutcome, model.ChangeKind, error) {
	var (
		id      int64
		hash    string
		version int
	)
	err := tx.QueryRowContext(ctx, `SELECT id, content_hash, version FROM documents WHERE url = ?`, doc.URL).
		Scan(&id, &hash, &version)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		// A URL we know only as an alias of another document.
		err = tx.QueryRowContext(ctx, `SELECT document_id FROM document_aliases WHERE url = ?`, doc.URL).Scan(&id)
		if err == nil {
			doc.ID = id
			return model.OutcomeDuplicate, "", nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return "", "", err
		}
		if doc.ContentHash != "" {
			err = tx.QueryRowContext(ctx, `SELECT id FROM documents WHERE content_hash = ? ORDER BY id LIMIT 1`,
				doc.ContentHash).Scan(&id)
			if err == nil {
				doc.ID = id
				return model.OutcomeDuplicate, model.ChangeAlias, insertAlias(ctx, tx, doc, c)
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return "", "", err
			}
		}
		if near, ok, err := nearDuplicate(ctx, tx, doc.Text); err != nil {
			return "", "", err
		} else if ok {
			doc.ID = near
			return model.OutcomeDuplicate, model.ChangeAlias, insertAlias(ctx, tx, doc, c)
		}
		doc.Version = 1
		doc.UpdatedAt = c.FetchedAt
		if err := insertDocument(ctx, tx, doc); err != nil {
			return "", "", err
		}
		c.DocumentID, c.Version = doc.ID, 1
		if err := insertVersion(ctx, tx, doc, c); err != nil {
			return "", "", err
		}
		if err := insertCapture(ctx, tx, c); err != nil {
			return "", "", err
		}
		if doc.Tags != nil {
			if err := replaceTags(ctx, tx, doc.ID, doc.Tags); err != nil {
				return "", "", err
			}
		}
		return model.OutcomeStored, model.ChangeNew, nil
	case err != nil:
		return "", "", err
	}

	doc.ID = id
	c.DocumentID = id
	// The same fetch again (a WARC file imported twice, or an export read
	// back into the archive it came from): the same URL, fetch time and
	// body are the same capture, and the archive already holds it. A
	// crawl's own re-fetch always has a new fetch time, so it still adds
	// a capture.
	if capID, capVersion, ok, err := sameCapture(ctx, tx, id, c); err != nil {
		return "", "", err
	} else if ok {
		c.ID, c.Version, doc.Version = capID, capVersion, version
		return model.OutcomeUnchanged, "", nil
	}
	if hash == doc.ContentHash {
		c.Version = version
		doc.Version = version
		res, err := tx.ExecContext(ctx, `UPDATE documents SET withdrawn = 0 WHERE id = ? AND withdrawn <> 0`, id)
		if err != nil {
			return "", "", err
		}
		var change model.ChangeKind
		if n, _ := res.RowsAffected(); n > 0 {
			change = model.ChangeRestored // a withdrawn page answers again
		}
		return model.OutcomeUnchanged, change, insertCapture(ctx, tx, c)
	}
	doc.Version = version + 1
	doc.UpdatedAt = c.FetchedAt
	c.Version = doc.Version
	if _, err := tx.ExecContext(ctx, `UPDATE documents SET title = ?, byline = ?, text = ?, lang = ?, site = ?,
		doc_number = ?, published = ?, date_source = ?, modified = ?, updated_at = ?, content_hash = ?,
		version = ?, withdrawn = 0 WHERE id = ?`,
		doc.Title, doc.Byline, doc.Text, doc.Lang, doc.Site, doc.DocNumber, formatTime(doc.Published),
		doc.DateSource, formatTime(doc.Modified), formatTime(doc.UpdatedAt), doc.ContentHash, doc.Version, id); err != nil {
		return "", "", err
	}
	if err := setSignature(ctx, tx, id, doc.Text); err != nil {
		return "", "", err
	}
	if err := insertVersion(ctx, tx, doc, c); err != nil {
		return "", "", err
	}
	if err := insertCapture(ctx, tx, c); err != nil {
		return "", "", err
	}
	if doc.Tags != nil {
		if err := replaceTags(ctx, tx, id, doc.Tags); err != nil {
			return "", "", err
		}
	}
	return model.OutcomeUpdated, model.ChangeVersion, nil
}

// sameCapture finds a capture of document docID fetched at the same
// moment with the same body as c. Times are compared as instants, so an
// offset written differently is still the same fetch.
func sameCapture(ctx context.Context, tx *dbTx, docID int64, c *model.Capture) (int64, int, bool, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, version, fetched_at FROM captures
		WHERE document_id = ? AND body_sha256 = ?`, docID, c.BodySHA256)
	if err != nil {
		return 0, 0, false, fmt.Errorf("find capture of document %d: %w", docID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id      int64
			version int
			fetched string
		)
		if err := rows.Scan(&id, &version, &fetched); err != nil {
			return 0, 0, false, fmt.Errorf("find capture of document %d: %w", docID, err)
		}
		if parseTime(fetched).Equal(c.FetchedAt) {
			return id, version, true, nil
		}
	}
	return 0, 0, false, rows.Err()
}

// insertAlias records doc.URL as another address of document doc.ID (a
// URL already known as an alias never gets here).
func insertAlias(ctx context.Context, tx *dbTx, doc *model.Document, c *model.Capture) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO document_aliases (url, document_id, source, found_at)
		VALUES (?, ?, ?, ?) ON CONFLICT (url) DO NOTHING`, doc.URL, doc.ID, doc.Source, formatTime(c.FetchedAt))
	return err
}

func insertDocument(ctx context.Context, tx *dbTx, d *model.Document) error {
	err := tx.QueryRowContext(ctx, `INSERT INTO documents (url, source, kind, title, byline, text, lang, site,
		doc_number, published, date_source, modified, fetched_at, updated_at, content_hash, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		d.URL, d.Source, string(d.Kind), d.Title, d.Byline, d.Text, d.Lang, d.Site, d.DocNumber,
		formatTime(d.Published), d.DateSource, formatTime(d.Modified), formatTime(d.FetchedAt),
		formatTime(d.UpdatedAt), d.ContentHash, d.Version).Scan(&d.ID)
	if err != nil {
		return fmt.Errorf("insert document: %w", err)
	}
	return setSignature(ctx, tx, d.ID, d.Text)
}

func insertVersion(ctx context.Context, tx *dbTx, d *model.Document, c *model.Capture) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO document_versions (document_id, version, title, text, published,
		content_hash, captured_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		d.ID, d.Version, d.Title, d.Text, formatTime(d.Published), d.ContentHash, formatTime(c.FetchedAt))
	if err != nil {
		return fmt.Errorf("insert version %d: %w", d.Version, err)
	}
	return nil
}

func insertCapture(ctx context.Context, tx *dbTx, c *model.Capture) error {
	header, err := json.Marshal(c.Header)
	if err != nil {
		return err
	}
	body, err := gzipBytes(c.Body)
	if err != nil {
		return err
	}
	if err := tx.QueryRowContext(ctx, `INSERT INTO captures (document_id, version, fetched_at, request_url, final_url,
		status, header, body_gzip, body_sha256, content_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		c.DocumentID, c.Version, formatTime(c.FetchedAt), c.RequestURL, c.FinalURL, c.Status, string(header),
		body, c.BodySHA256, c.ContentHash).Scan(&c.ID); err != nil {
		return fmt.Errorf("insert capture: %w", err)
	}
	return nil
}

func gzipBytes(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func gunzipBytes(b []byte) ([]byte, error) {
	if len(b) == 0 {
		return nil, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}

const documentColumns = `id, url, source, kind, title, byline, text, lang, site, doc_number, published,
	date_source, modified, fetched_at, updated_at, content_hash, version, withdrawn`

type scanner interface{ Scan(dest ...any) error }

func scanDocument(s scanner) (*model.Document, error) {
	var (
		d                                           model.Document
		kind, published, modified, fetched, updated string
		withdrawn                                   int
	)
	if err := s.Scan(&d.ID, &d.URL, &d.Source, &kind, &d.Title, &d.Byline, &d.Text, &d.Lang, &d.Site,
		&d.DocNumber, &published, &d.DateSource, &modified, &fetched, &updated, &d.ContentHash, &d.Version,
		&withdrawn); err != nil {
		return nil, err
	}
	d.Kind = model.DocKind(kind)
	d.Published, d.Modified = parseTime(published), parseTime(modified)
	d.FetchedAt, d.UpdatedAt = parseTime(fetched), parseTime(updated)
	d.Withdrawn = withdrawn != 0
	return &d, nil
}

// Document returns one document with its tags.
func (db *DB) Document(ctx context.Context, id int64) (*model.Document, error) {
	d, err := scanDocument(db.read.QueryRowContext(ctx, `SELECT `+documentColumns+` FROM documents WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("document %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("document %d: %w", id, err)
	}
	if d.Tags, err = db.tags(ctx, id); err != nil {
		return nil, fmt.Errorf("document %d: %w", id, err)
	}
	return d, nil
}

// DocumentByURL returns the document stored under a normalized URL, or the
// one that URL is an alias of.
func (db *DB) DocumentByURL(ctx context.Context, u string) (*model.Document, error) {
	var id int64
	err := db.read.QueryRowContext(ctx, `SELECT id FROM documents WHERE url = ?
		UNION ALL SELECT document_id FROM document_aliases WHERE url = ? LIMIT 1`, u, u).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("document %s: %w", u, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("document %s: %w", u, err)
	}
	return db.Document(ctx, id)
}

// Alias is another URL at which a document's content was found.
type Alias struct {
	URL     string
	Source  string
	FoundAt time.Time
}

// Aliases lists the other URLs a document was found at.
func (db *DB) Aliases(ctx context.Context, docID int64) ([]Alias, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT url, source, found_at FROM document_aliases
		WHERE document_id = ? ORDER BY url`, docID)
	if err != nil {
		return nil, fmt.Errorf("aliases of document %d: %w", docID, err)
	}
	defer rows.Close()
	var out []Alias
	for rows.Next() {
		var (
			a     Alias
			found string
		)
		if err := rows.Scan(&a.URL, &a.Source, &found); err != nil {
			return nil, err
		}
		a.FoundAt = parseTime(found)
		out = append(out, a)
	}
	return out, rows.Err()
}

// EachDocument calls fn for every document with its tags, in id order. It
// reads in pages so fn may write to the store meanwhile.
func (db *DB) EachDocument(ctx context.Context, fn func(*model.Document) error) error {
	var after int64
	for {
		docs, err := db.documentPage(ctx, after, 200)
		if err != nil {
			return fmt.Errorf("each document after %d: %w", after, err)
		}
		if len(docs) == 0 {
			return nil
		}
		for _, d := range docs {
			if err := fn(d); err != nil {
				return err
			}
			after = d.ID
		}
	}
}

func (db *DB) documentPage(ctx context.Context, after int64, limit int) ([]*model.Document, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+documentColumns+` FROM documents WHERE id > ? ORDER BY id LIMIT ?`,
		after, limit)
	if err != nil {
		return nil, err
	}
	var docs []*model.Document
	for rows.Next() {
		d, err := scanDocument(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		docs = append(docs, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := db.fillDocuments(ctx, docs); err != nil {
		return nil, err
	}
	return docs, nil
}

// fillDocuments adds tags and amendment text to documents read from the
// documents table.
func (db *DB) fillDocuments(ctx context.Context, docs []*model.Document) error {
	var err error
	for _, d := range docs {
		if d.Tags, err = db.tags(ctx, d.ID); err != nil {
			return err
		}
		if d.Version > 1 { // changes.go: amendments are indexed for search
			if d.Added, d.Removed, err = db.ChangeText(ctx, d.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

// CountDocuments returns how many documents the store holds.
func (db *DB) CountDocuments(ctx context.Context) (int, error) {
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM documents`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count documents: %w", err)
	}
	return n, nil
}

// Captures lists a document's captures, newest first, without bodies.
func (db *DB) Captures(ctx context.Context, docID int64) ([]model.Capture, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, document_id, version, fetched_at, request_url, final_url,
		status, header, body_sha256, content_hash FROM captures WHERE document_id = ? ORDER BY id DESC`, docID)
	if err != nil {
		return nil, fmt.Errorf("captures of document %d: %w", docID, err)
	}
	defer rows.Close()
	var out []model.Capture
	for rows.Next() {
		c, err := scanCapture(rows, nil)
		if err != nil {
			return nil, fmt.Errorf("captures of document %d: %w", docID, err)
		}
		out = append(out, *c)
	}
	return out, rows.Err()
}

// Capture returns one capture with its decompressed body.
func (db *DB) Capture(ctx context.Context, id int64) (*model.Capture, error) {
	var body []byte
	c, err := scanCapture(db.read.QueryRowContext(ctx, `SELECT id, document_id, version, fetched_at, request_url,
		final_url, status, header, body_sha256, content_hash, body_gzip FROM captures WHERE id = ?`, id), &body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("capture %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("capture %d: %w", id, err)
	}
	if c.Body, err = gunzipBytes(body); err != nil {
		return nil, fmt.Errorf("capture %d: decompress body: %w", id, err)
	}
	return c, nil
}

func scanCapture(s scanner, body *[]byte) (*model.Capture, error) {
	var (
		c               model.Capture
		fetched, header string
	)
	dest := []any{&c.ID, &c.DocumentID, &c.Version, &fetched, &c.RequestURL, &c.FinalURL, &c.Status, &header,
		&c.BodySHA256, &c.ContentHash}
	if body != nil {
		dest = append(dest, body)
	}
	if err := s.Scan(dest...); err != nil {
		return nil, err
	}
	c.FetchedAt = parseTime(fetched)
	c.Header = http.Header{}
	if err := json.Unmarshal([]byte(header), &c.Header); err != nil {
		return nil, fmt.Errorf("capture %d header: %w", c.ID, err)
	}
	if c.Header == nil {
		c.Header = http.Header{}
	}
	return &c, nil
}
