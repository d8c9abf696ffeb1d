package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"policywatch/model"
)

// EventFilter narrows an event listing. Zero fields do not filter.
type EventFilter struct {
	Category string
	Actor    string
	From, To time.Time // inclusive days
	// IncludeHidden also returns events an editor hid.
	IncludeHidden bool
}

// ReplaceEvents stores the result of a clustering pass. Events are matched
// by key, so an event keeps its id (and permalink) when clustering finds it
// again; events that clustering no longer finds are removed unless an
// editor confirmed them. A curated event whose key changed keeps its
// curation under the new key (see rekeyCurated).
func (db *DB) ReplaceEvents(ctx context.Context, events []model.Event) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("replace events: %w", err)
	}
	defer tx.Rollback()
	if err := db.replaceEvents(ctx, tx, events); err != nil {
		return err
	}
	return tx.Commit()
}

// replaceEvents is ReplaceEvents inside tx.
func (db *DB) replaceEvents(ctx context.Context, tx *dbTx, events []model.Event) error {
	if err := tx.lockKeys(ctx, eventsLockKey); err != nil {
		return fmt.Errorf("replace events: %w", err)
	}
	curated, err := snapshotCurated(ctx, tx)
	if err != nil {
		return fmt.Errorf("replace events: %w", err)
	}
	// Curated events whose key the clustering changed take the new key
	// first (rekey.go), so the overrides below find them.
	moves, err := rekeyCurated(ctx, tx, events, curated)
	if err != nil {
		return fmt.Errorf("replace events: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE events SET stale = 1`); err != nil {
		return fmt.Errorf("replace events: %w", err)
	}
	now := formatTime(db.Now())
	for i := range events {
		if err := upsertEvent(ctx, tx, &events[i], now); err != nil {
			return fmt.Errorf("replace events: event %s: %w", events[i].Key, err)
		}
	}
	// Editors' overrides (curation.go) apply to the new clustering before
	// stale events go, so manual events are never dropped.
	if err := reapplyCuration(ctx, tx, curated); err != nil {
		return fmt.Errorf("replace events: %w", err)
	}
	if err := auditRekeys(ctx, tx, moves, now); err != nil {
		return fmt.Errorf("replace events: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM events WHERE stale = 1 AND confirmed = 0`); err != nil {
		return fmt.Errorf("replace events: drop stale: %w", err)
	}
	return nil
}

func upsertEvent(ctx context.Context, tx *dbTx, e *model.Event, now string) error {
	actors, _ := json.Marshal(e.Actors)
	cats := []string{}
	if len(e.Categories) > 1 {
		cats = e.Categories
	}
	categories, _ := json.Marshal(cats)
	dates, err := json.Marshal(e.Dates)
	if err != nil {
		return err
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO events (key, title, category, categories, clustered_categories,
		announcement, actors, target, instrument, date, dates, news_only, stale, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)
		ON CONFLICT (key) DO UPDATE SET title = excluded.title, category = excluded.category,
		categories = excluded.categories, clustered_categories = excluded.clustered_categories,
		announcement = excluded.announcement, actors = excluded.actors, target = excluded.target,
		instrument = excluded.instrument,
		date = excluded.date, dates = excluded.dates, news_only = excluded.news_only, stale = 0,
		updated_at = CASE WHEN events.title = excluded.title AND events.date = excluded.date
			AND events.dates = excluded.dates AND events.clustered_categories = excluded.clustered_categories
			THEN events.updated_at ELSE excluded.updated_at END
		RETURNING id`,
		e.Key, e.Title, e.Category, string(categories), string(categories), e.Announcement, string(actors), e.Target,
		e.Instrument,
		e.Date.Format(time.DateOnly),
		string(dates), e.NewsOnly, now).Scan(&e.ID)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM event_documents WHERE event_id = ?`, e.ID); err != nil {
		return err
	}
	for i, d := range e.Documents {
		if _, err := tx.ExecContext(ctx, `INSERT INTO event_documents (event_id, document_id, position, passage,
			is_primary) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, e.ID, d.DocumentID, i, d.Passage, d.Primary); err != nil {
			return fmt.Errorf("document %d: %w", d.DocumentID, err)
		}
	}
	return nil
}

// Events lists events by date, with their documents.
func (db *DB) Events(ctx context.Context, f EventFilter) ([]model.Event, error) {
	var (
		where []string
		args  []any
	)
	if !f.IncludeHidden {
		where = append(where, "hidden = 0")
	}
	if f.Category != "" {
		// An announcement of several kinds is found under each of them.
		where = append(where, "(category = ? OR "+db.read.d.jsonArrayHas("events.categories")+")")
		args = append(args, f.Category, f.Category)
	}
	if f.Actor != "" {
		where = append(where, db.read.d.jsonArrayHas("events.actors"))
		args = append(args, f.Actor)
	}
	if !f.From.IsZero() {
		where = append(where, "date >= ?")
		args = append(args, f.From.Format(time.DateOnly))
	}
	if !f.To.IsZero() {
		where = append(where, "date <= ?")
		args = append(args, f.To.Format(time.DateOnly))
	}
	q := `SELECT ` + eventColumns + ` FROM events`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY date, id"
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list events: %w", err)
	}
	var out []model.Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("list events: %w", err)
		}
		out = append(out, *e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list events: %w", err)
	}
	for i := range out {
		if out[i].Documents, err = db.eventDocuments(ctx, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Event returns one event with its documents.
func (db *DB) Event(ctx context.Context, id int64) (*model.Event, error) {
	e, err := scanEvent(db.read.QueryRowContext(ctx, `SELECT `+eventColumns+` FROM events WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("event %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("event %d: %w", id, err)
	}
	if e.Documents, err = db.eventDocuments(ctx, id); err != nil {
		return nil, err
	}
	return e, nil
}

const eventColumns = `id, key, title, category, categories, announcement, actors, target, instrument, date, dates,
	news_only, confirmed, hidden, updated_at`

func scanEvent(s scanner) (*model.Event, error) {
	var (
		e                                        model.Event
		categories, actors, date, dates, updated string
	)
	if err := s.Scan(&e.ID, &e.Key, &e.Title, &e.Category, &categories, &e.Announcement, &actors, &e.Target,
		&e.Instrument, &date, &dates, &e.NewsOnly, &e.Confirmed, &e.Hidden, &updated); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(categories), &e.Categories); err != nil {
		return nil, fmt.Errorf("event %d categories: %w", e.ID, err)
	}
	e.Categories = withCategory(e.Category, e.Categories)
	if err := json.Unmarshal([]byte(actors), &e.Actors); err != nil {
		return nil, fmt.Errorf("event %d actors: %w", e.ID, err)
	}
	if err := json.Unmarshal([]byte(dates), &e.Dates); err != nil {
		return nil, fmt.Errorf("event %d dates: %w", e.ID, err)
	}
	e.Date, _ = time.Parse(time.DateOnly, date)
	e.UpdatedAt = parseTime(updated)
	return &e, nil
}

func (db *DB) eventDocuments(ctx context.Context, eventID int64) ([]model.EventDocument, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT d.id, d.title, d.url, d.source, d.kind, d.published,
		ed.passage, ed.is_primary FROM event_documents ed JOIN documents d ON d.id = ed.document_id
		WHERE ed.event_id = ? ORDER BY ed.position`, eventID)
	if err != nil {
		return nil, fmt.Errorf("documents of event %d: %w", eventID, err)
	}
	defer rows.Close()
	var out []model.EventDocument
	for rows.Next() {
		var (
			d               model.EventDocument
			kind, published string
		)
		if err := rows.Scan(&d.DocumentID, &d.Title, &d.URL, &d.Source, &kind, &published, &d.Passage,
			&d.Primary); err != nil {
			return nil, fmt.Errorf("documents of event %d: %w", eventID, err)
		}
		d.Kind = model.DocKind(kind)
		d.Published = parseTime(published)
		out = append(out, d)
	}
	return out, rows.Err()
}

// AnnouncementEvents lists the visible events of every announcement that
// has more than one (model.Event.Announcement), without their documents,
// by announcement key, each announcement's events in the order of its
// categories (the main event first). Given keys, only those
// announcements.
func (db *DB) AnnouncementEvents(ctx context.Context, keys ...string) (map[string][]model.Event, error) {
	q := `SELECT ` + eventColumns + ` FROM events WHERE hidden = 0 AND announcement IN (
		SELECT announcement FROM events WHERE announcement != '' AND hidden = 0`
	var args []any
	if len(keys) > 0 {
		q += ` AND announcement IN (?` + strings.Repeat(", ?", len(keys)-1) + `)`
		for _, k := range keys {
			args = append(args, k)
		}
	}
	q += ` GROUP BY announcement HAVING count(*) > 1) ORDER BY id`
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("events of announcements: %w", err)
	}
	defer rows.Close()
	out := map[string][]model.Event{}
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, fmt.Errorf("events of announcements: %w", err)
		}
		out[e.Announcement] = append(out[e.Announcement], *e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("events of announcements: %w", err)
	}
	for _, evs := range out {
		order := evs[0].Categories
		for _, e := range evs {
			if e.MainOfAnnouncement() && len(e.Categories) > 0 {
				order = e.Categories
			}
		}
		rank := func(e model.Event) int {
			if e.MainOfAnnouncement() {
				return -1
			}
			if i := slices.Index(order, e.Category); i >= 0 {
				return i
			}
			return len(order)
		}
		slices.SortStableFunc(evs, func(a, b model.Event) int { return rank(a) - rank(b) })
	}
	return out, nil
}

// RelatedEvent is an event that shares documents with another: two
// governments' acts one page reports, the parts of an editor's split.
type RelatedEvent struct {
	model.Event     // without its documents
	Shared      int // documents the two events share
}

// RelatedEvents lists the visible events sharing a document with event
// id, those sharing most first, then by date.
func (db *DB) RelatedEvents(ctx context.Context, id int64) ([]RelatedEvent, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+eventColumns+`, r.shared FROM events JOIN (
			SELECT b.event_id AS rid, count(DISTINCT b.document_id) AS shared
			FROM event_documents a JOIN event_documents b ON b.document_id = a.document_id AND b.event_id != a.event_id
			WHERE a.event_id = ? GROUP BY b.event_id) r ON events.id = r.rid
		WHERE hidden = 0 ORDER BY r.shared DESC, date, id LIMIT 50`, id)
	if err != nil {
		return nil, fmt.Errorf("events related to %d: %w", id, err)
	}
	defer rows.Close()
	var out []RelatedEvent
	for rows.Next() {
		var shared int
		e, err := scanEvent(withExtra{rows, []any{&shared}})
		if err != nil {
			return nil, fmt.Errorf("events related to %d: %w", id, err)
		}
		out = append(out, RelatedEvent{Event: *e, Shared: shared})
	}
	return out, rows.Err()
}

// withExtra scans a row's event columns and then more.
type withExtra struct {
	s     scanner
	extra []any
}

func (w withExtra) Scan(dest ...any) error { return w.s.Scan(append(dest, w.extra...)...) }

// withCategory is an event's categories in their order (an
// announcement's main category first), holding its own category (first
// when it was missing: an editor may have filed it elsewhere), or empty
// when there is no other.
func withCategory(category string, cats []string) []string {
	var out []string
	if !slices.Contains(cats, category) {
		out = append(out, category)
	}
	for _, c := range cats {
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	if len(out) == 1 {
		return nil
	}
	return out
}
