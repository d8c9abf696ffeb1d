package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"policywatch/model"
)

// Curation is stored as overrides keyed by an event's stable key (never by
// its row id), in event_overrides, event_document_overrides and
// manual_events. The events table holds the curated view: every edit
// applies the overrides at once, and ReplaceEvents applies them again in
// the same transaction right after writing a new clustering. We chose
// this over applying them on every read because every reader (timeline,
// API, feeds, filters by date and category in SQL) then sees curated
// events without knowing curation exists, and a read stays one query.

// Curation actions, as recorded in the audit log.
const (
	ActionConfirm = "confirm"
	ActionRetitle = "retitle"
	ActionRedate  = "redate"
	ActionHide    = "hide"
	ActionUnhide  = "unhide"
	ActionMerge   = "merge"
	ActionSplit   = "split"
	ActionAttach  = "attach"
	ActionDetach  = "detach"
	ActionAdd     = "add"
)

// ManualKeyPrefix starts the key of an event an editor made by hand.
const ManualKeyPrefix = "manual/"

// MaxTitleLen bounds an editor's title.
const MaxTitleLen = 300

// Edit is one change an editor makes. Which fields count depends on
// Action:
//
//	confirm, hide, unhide: EventID; for hide and unhide, Announcement
//	          also hides or shows every other event of its announcement
//	retitle:  EventID, Title
//	redate:   EventID, DateKind (model.Date*), Date
//	merge:    EventID (merged away and hidden), IntoID (shows its documents)
//	split:    EventID, DocumentIDs (moved to a new event), Title (optional)
//	attach, detach: EventID, DocumentIDs
//	add:      Title, Category, Actors, Date, DocumentIDs
type Edit struct {
	Action      string
	EventID     int64
	Title       string
	DateKind    string
	Date        time.Time
	IntoID      int64
	DocumentIDs []int64
	Category    string
	Actors      []string
	// Announcement applies a hide or unhide to every event of the
	// event's announcement (model.Event.Announcement), each recorded in
	// its own history. Without it, hiding one event of an announcement
	// leaves the others on the timeline (see dropHiddenCategories).
	Announcement bool
}

// EditError is an edit that cannot be made as asked (a missing title, a
// document that is not in the event). Its message is meant for the
// editor.
type EditError struct{ Msg string }

func (e *EditError) Error() string { return e.Msg }

func editErr(format string, args ...any) error { return &EditError{Msg: fmt.Sprintf(format, args...)} }

// DateKinds are the kinds of date an editor can set.
var DateKinds = []string{model.DateAnnounced, model.DatePublished, model.DateEffective, model.DateAmended, model.DateRevoked}

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	ID       int64
	At       time.Time
	UserName string
	Action   string
	EventKey string
	EventID  int64  // the event's id now; 0 when it is gone
	Before   string // JSON of the event before the change; "" for add
	After    string // JSON of the event after it
}

// AuditFilter narrows the audit log. Zero fields do not filter.
type AuditFilter struct {
	EventKey string
	Limit    int // default 100
}

// Curate makes one editor's change, records it in the audit log and
// returns the event as it now reads (for split and add, the new event).
func (db *DB) Curate(ctx context.Context, u *User, e Edit) (*model.Event, error) {
	if !u.CanCurate() {
		return nil, fmt.Errorf("curate: %w", editErr("only editors can change events"))
	}
	now := db.Now()
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("curate %s: %w", e.Action, err)
	}
	defer tx.Rollback()
	if err := tx.lockKeys(ctx, eventsLockKey); err != nil {
		return nil, fmt.Errorf("curate %s: %w", e.Action, err)
	}

	var ev *model.Event
	var before []byte
	if e.Action != ActionAdd {
		if ev, err = txEvent(ctx, tx, e.EventID); err != nil {
			return nil, fmt.Errorf("curate %s: %w", e.Action, err)
		}
		before = snapshot(ev)
	}
	// The other events of its announcement, when the edit is of all.
	var siblings []*model.Event
	var siblingsBefore [][]byte
	if e.Announcement {
		if e.Action != ActionHide && e.Action != ActionUnhide {
			return nil, fmt.Errorf("curate %s: %w", e.Action, editErr("only hiding and showing apply to a whole announcement"))
		}
		if siblings, err = txSiblings(ctx, tx, ev); err != nil {
			return nil, fmt.Errorf("curate %s: %w", e.Action, err)
		}
		for _, sib := range siblings {
			siblingsBefore = append(siblingsBefore, snapshot(sib))
		}
	}
	resultKey, err := writeOverrides(ctx, tx, u, e, ev, now)
	if err != nil {
		return nil, fmt.Errorf("curate %s: %w", e.Action, err)
	}
	for _, sib := range siblings {
		if _, err := writeOverrides(ctx, tx, u, Edit{Action: e.Action, EventID: sib.ID}, sib, now); err != nil {
			return nil, fmt.Errorf("curate %s: event %s: %w", e.Action, sib.Key, err)
		}
	}
	// Merge and split change a second event (the one merged into, the
	// one split off); its history records that too.
	var otherBefore []byte
	if ev != nil && resultKey != ev.Key {
		other, err := txEventByKey(ctx, tx, resultKey)
		if err == nil {
			otherBefore = snapshot(other)
		} else if !errors.Is(err, ErrNotFound) {
			return nil, fmt.Errorf("curate %s: %w", e.Action, err)
		}
	}
	if err := applyOverrides(ctx, tx); err != nil {
		return nil, fmt.Errorf("curate %s: %w", e.Action, err)
	}
	type change struct {
		key           string
		before, after []byte
	}
	var changes []change
	if ev != nil {
		after, err := txEvent(ctx, tx, ev.ID)
		if err != nil {
			return nil, fmt.Errorf("curate %s: %w", e.Action, err)
		}
		changes = append(changes, change{ev.Key, before, snapshot(after)})
	}
	result, err := txEventByKey(ctx, tx, resultKey)
	if err != nil {
		return nil, fmt.Errorf("curate %s: %w", e.Action, err)
	}
	if ev == nil || resultKey != ev.Key {
		changes = append(changes, change{resultKey, otherBefore, snapshot(result)})
	}
	for i, sib := range siblings {
		after, err := txEvent(ctx, tx, sib.ID)
		if err != nil {
			return nil, fmt.Errorf("curate %s: %w", e.Action, err)
		}
		changes = append(changes, change{sib.Key, siblingsBefore[i], snapshot(after)})
	}
	ts := formatTime(now)
	for _, c := range changes {
		// Curation changes what readers see: feeds of changed events
		// must notice it.
		if _, err := tx.ExecContext(ctx, `UPDATE events SET updated_at = ? WHERE key = ?`, ts, c.key); err != nil {
			return nil, fmt.Errorf("curate %s: %w", e.Action, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO audit_log (at, user_id, user_name, action, event_key, before, after)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, ts, u.ID, u.Name, e.Action, c.key, string(c.before),
			string(c.after)); err != nil {
			return nil, fmt.Errorf("curate %s: audit: %w", e.Action, err)
		}
	}
	id := result.ID
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("curate %s: %w", e.Action, err)
	}
	return db.Event(ctx, id)
}

// writeOverrides records what the edit asks for and returns the key of
// the event to show afterwards.
func writeOverrides(ctx context.Context, tx *dbTx, u *User, e Edit, ev *model.Event, now time.Time) (string, error) {
	ts := formatTime(now)
	set := func(key, field string, v any) error {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO event_overrides (event_key, field, value, user_id, updated_at)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (event_key, field) DO UPDATE SET value = excluded.value,
			user_id = excluded.user_id, updated_at = excluded.updated_at`, key, field, string(b), u.ID, ts)
		return err
	}
	docs := func(key, action string, ids []int64) error {
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `INSERT INTO event_document_overrides (event_key, document_id, action,
				user_id, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (event_key, document_id) DO UPDATE SET
				action = excluded.action, user_id = excluded.user_id, updated_at = excluded.updated_at`,
				key, id, action, u.ID, ts); err != nil {
				return fmt.Errorf("document %d: %w", id, err)
			}
		}
		return nil
	}
	switch e.Action {
	case ActionConfirm:
		return ev.Key, set(ev.Key, "confirmed", true)
	case ActionHide, ActionUnhide:
		if e.Action == ActionUnhide {
			// Unhiding a merged event undoes the merge: its documents
			// leave the other event again.
			if _, err := tx.ExecContext(ctx, `DELETE FROM event_overrides WHERE event_key = ? AND field = 'merged_into'`,
				ev.Key); err != nil {
				return "", err
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM event_documents WHERE via = ?`, ev.Key); err != nil {
				return "", err
			}
		}
		return ev.Key, set(ev.Key, "hidden", e.Action == ActionHide)
	case ActionRetitle:
		title, err := cleanTitle(e.Title)
		if err != nil {
			return "", err
		}
		return ev.Key, set(ev.Key, "title", title)
	case ActionRedate:
		if !slices.Contains(DateKinds, e.DateKind) {
			return "", editErr("unknown kind of date %q (one of %s)", e.DateKind, strings.Join(DateKinds, ", "))
		}
		if e.Date.IsZero() {
			return "", editErr("a date is needed")
		}
		return ev.Key, set(ev.Key, "date:"+e.DateKind, e.Date.Format(time.DateOnly))
	case ActionMerge:
		if e.IntoID == ev.ID {
			return "", editErr("an event cannot be merged into itself")
		}
		into, err := txEvent(ctx, tx, e.IntoID)
		if errors.Is(err, ErrNotFound) {
			return "", editErr("there is no event %d to merge into", e.IntoID)
		}
		if err != nil {
			return "", err
		}
		if err := set(ev.Key, "merged_into", into.Key); err != nil {
			return "", err
		}
		return into.Key, nil
	case ActionAttach, ActionDetach:
		if len(e.DocumentIDs) == 0 {
			return "", editErr("choose at least one document")
		}
		for _, id := range e.DocumentIDs {
			in := hasDocument(ev, id)
			if e.Action == ActionDetach && !in {
				return "", editErr("document %d is not part of this event", id)
			}
			if e.Action == ActionAttach {
				if in {
					return "", editErr("document %d is already part of this event", id)
				}
				if err := documentExists(ctx, tx, id); err != nil {
					return "", err
				}
			}
		}
		return ev.Key, docs(ev.Key, e.Action, e.DocumentIDs)
	case ActionSplit:
		if len(e.DocumentIDs) == 0 {
			return "", editErr("choose the documents to move to the new event")
		}
		for _, id := range e.DocumentIDs {
			if !hasDocument(ev, id) {
				return "", editErr("document %d is not part of this event", id)
			}
		}
		if len(e.DocumentIDs) == len(ev.Documents) {
			return "", editErr("leave at least one document in the event (or retitle it instead)")
		}
		title := e.Title
		if strings.TrimSpace(title) == "" {
			title = ev.Title
		}
		// The new event is placed on the day its earliest document
		// was published; the editor can redate it.
		var date time.Time
		for _, d := range ev.Documents {
			if slices.Contains(e.DocumentIDs, d.DocumentID) && !d.Published.IsZero() {
				if pd := dayOf(d.Published); date.IsZero() || pd.Before(date) {
					date = pd
				}
			}
		}
		if date.IsZero() {
			date = ev.Date
		}
		key, err := insertManual(ctx, tx, u, title, ev.Category, ev.Actors, date, now)
		if err != nil {
			return "", err
		}
		if err := docs(ev.Key, ActionDetach, e.DocumentIDs); err != nil {
			return "", err
		}
		return key, docs(key, ActionAttach, e.DocumentIDs)
	case ActionAdd:
		if strings.TrimSpace(e.Category) == "" {
			return "", editErr("a category is needed")
		}
		if e.Date.IsZero() {
			return "", editErr("a date is needed")
		}
		for _, id := range e.DocumentIDs {
			if err := documentExists(ctx, tx, id); err != nil {
				return "", err
			}
		}
		key, err := insertManual(ctx, tx, u, e.Title, e.Category, e.Actors, e.Date, now)
		if err != nil {
			return "", err
		}
		return key, docs(key, ActionAttach, e.DocumentIDs)
	}
	return "", editErr("unknown action %q", e.Action)
}

func cleanTitle(s string) (string, error) {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return "", editErr("a title is needed")
	}
	if len([]rune(s)) > MaxTitleLen {
		return "", editErr("a title is at most %d characters", MaxTitleLen)
	}
	return s, nil
}

func dayOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func hasDocument(ev *model.Event, id int64) bool {
	return slices.ContainsFunc(ev.Documents, func(d model.EventDocument) bool { return d.DocumentID == id })
}

func documentExists(ctx context.Context, tx *dbTx, id int64) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM documents WHERE id = ?`, id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return editErr("there is no document %d", id)
	}
	return nil
}

func insertManual(ctx context.Context, tx *dbTx, u *User, title, category string, actors []string, date, now time.Time) (string, error) {
	title, err := cleanTitle(title)
	if err != nil {
		return "", err
	}
	if actors == nil {
		actors = []string{}
	}
	a, _ := json.Marshal(actors)
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO manual_events (title, category, actors, date, user_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, title, category, string(a), date.Format(time.DateOnly), u.ID,
		formatTime(now)).Scan(&id); err != nil {
		return "", err
	}
	return ManualKeyPrefix + strconv.FormatInt(id, 10), nil
}

// curatedSnapshot remembers, before a new clustering is written, how the
// curated events read, so re-applying the same overrides does not make an
// event look changed to feeds.
type curatedSnapshot map[string]struct{ title, date, dates, updated string }

func snapshotCurated(ctx context.Context, tx *dbTx) (curatedSnapshot, error) {
	rows, err := tx.QueryContext(ctx, `SELECT key, title, date, dates, updated_at FROM events
		WHERE key IN (SELECT event_key FROM event_overrides)`)
	if err != nil {
		return nil, fmt.Errorf("snapshot curated events: %w", err)
	}
	defer rows.Close()
	snap := curatedSnapshot{}
	for rows.Next() {
		var k string
		var v struct{ title, date, dates, updated string }
		if err := rows.Scan(&k, &v.title, &v.date, &v.dates, &v.updated); err != nil {
			return nil, fmt.Errorf("snapshot curated events: %w", err)
		}
		snap[k] = v
	}
	return snap, rows.Err()
}

// reapplyCuration is called by ReplaceEvents after the new clustering is
// written and before stale events are dropped: it brings back manual
// events, re-applies every override and keeps the change time of events
// that read as they did before.
func reapplyCuration(ctx context.Context, tx *dbTx, snap curatedSnapshot) error {
	if err := applyOverrides(ctx, tx); err != nil {
		return err
	}
	for key, old := range snap {
		if _, err := tx.ExecContext(ctx, `UPDATE events SET updated_at = ? WHERE key = ? AND title = ? AND date = ?
			AND dates = ?`, old.updated, key, old.title, old.date, old.dates); err != nil {
			return fmt.Errorf("curation: keep change time of %s: %w", key, err)
		}
	}
	return nil
}

// applyOverrides makes the events table show every override. It is
// idempotent: applying twice reads the same as once.
func applyOverrides(ctx context.Context, tx *dbTx) error {
	// Manual events are never produced by clustering; they come back from
	// manual_events, confirmed so that nothing drops them.
	if _, err := tx.ExecContext(ctx, `INSERT INTO events (key, title, category, actors, date, dates, confirmed,
		stale, updated_at)
		SELECT '`+ManualKeyPrefix+`' || id, title, category, actors, date,
			`+tx.d.jsonArrayFn()+`(`+tx.d.jsonObjectFn()+`('kind', 'announced', 'date', date || 'T00:00:00Z', 'document_id', 0,
				'passage', '', 'confidence', 1)), 1, 0, created_at FROM manual_events WHERE true
		ON CONFLICT (key) DO UPDATE SET stale = 0, confirmed = 1`); err != nil {
		return fmt.Errorf("curation: manual events: %w", err)
	}

	// What merges widen starts from what clustering gave (an undone
	// merge leaves no category behind).
	if _, err := tx.ExecContext(ctx, `UPDATE events SET categories = clustered_categories
		WHERE categories != clustered_categories`); err != nil {
		return fmt.Errorf("curation: categories: %w", err)
	}

	// Attached and detached documents.
	if _, err := tx.ExecContext(ctx, `DELETE FROM event_documents WHERE (event_id, document_id) IN (
		SELECT e.id, o.document_id FROM event_document_overrides o JOIN events e ON e.key = o.event_key
		WHERE o.action = 'detach')`); err != nil {
		return fmt.Errorf("curation: detach documents: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO event_documents (event_id, document_id, position, passage,
		is_primary, via)
		SELECT e.id, o.document_id, 100000 + o.rowid, '', 0, 'attach'
		FROM event_document_overrides o JOIN events e ON e.key = o.event_key WHERE o.action = 'attach'
		ON CONFLICT DO NOTHING`); err != nil {
		return fmt.Errorf("curation: attach documents: %w", err)
	}

	// Field overrides.
	rows, err := tx.QueryContext(ctx, `SELECT o.event_key, o.field, o.value, e.id FROM event_overrides o
		JOIN events e ON e.key = o.event_key ORDER BY o.updated_at, o.rowid`)
	if err != nil {
		return fmt.Errorf("curation: read overrides: %w", err)
	}
	type override struct {
		key, field, value string
		id                int64
	}
	var ovs []override
	for rows.Next() {
		var o override
		if err := rows.Scan(&o.key, &o.field, &o.value, &o.id); err != nil {
			rows.Close()
			return fmt.Errorf("curation: read overrides: %w", err)
		}
		ovs = append(ovs, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("curation: read overrides: %w", err)
	}
	// Merges go last so a merged event is hidden whatever else was said
	// about it.
	slices.SortStableFunc(ovs, func(a, b override) int {
		return boolInt(a.field == "merged_into") - boolInt(b.field == "merged_into")
	})
	for _, o := range ovs {
		if err := applyOverride(ctx, tx, o.id, o.key, o.field, o.value); err != nil {
			return fmt.Errorf("curation: %s of %s: %w", o.field, o.key, err)
		}
	}

	if err := dropHiddenCategories(ctx, tx); err != nil {
		return fmt.Errorf("curation: %w", err)
	}

	// Evidence changed by hand may change whether an official document
	// backs the event.
	if _, err := tx.ExecContext(ctx, `UPDATE events SET news_only = CASE WHEN EXISTS (
			SELECT 1 FROM event_documents ed JOIN documents d ON d.id = ed.document_id
			WHERE ed.event_id = events.id AND d.kind = 'official') THEN 0 ELSE 1 END
		WHERE key LIKE '`+ManualKeyPrefix+`%'
			OR key IN (SELECT event_key FROM event_document_overrides)
			OR key IN (SELECT `+tx.d.jsonText("value")+` FROM event_overrides WHERE field = 'merged_into')`); err != nil {
		return fmt.Errorf("curation: news-only flags: %w", err)
	}
	return nil
}

// dropHiddenCategories takes the category of an announcement's event that
// an editor hid, or merged into another announcement's event, off the
// categories its other events list: they stay on the timeline, without
// the measure the editor took off it (hiding one event never hides the
// rest of its announcement; an editor who means the whole announcement
// hides it whole, Edit.Announcement). A category another visible event of
// the announcement still has is kept, and so is the category of an event
// merged into one of its own announcement: that one now stands for it.
func dropHiddenCategories(ctx context.Context, tx *dbTx) error {
	rows, err := tx.QueryContext(ctx, `SELECT h.announcement, h.category, coalesce(t.announcement, '')
		FROM events h
		LEFT JOIN event_overrides o ON o.event_key = h.key AND o.field = 'merged_into'
		LEFT JOIN events t ON t.key = `+tx.d.jsonText("o.value")+` AND t.hidden = 0
		WHERE h.hidden = 1 AND h.announcement != ''`)
	if err != nil {
		return fmt.Errorf("hidden categories: %w", err)
	}
	gone := map[string][]string{}
	for rows.Next() {
		var ann, cat, into string
		if err := rows.Scan(&ann, &cat, &into); err != nil {
			rows.Close()
			return fmt.Errorf("hidden categories: %w", err)
		}
		if into != ann {
			gone[ann] = append(gone[ann], cat)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("hidden categories: %w", err)
	}
	anns := slices.Sorted(maps.Keys(gone))
	for _, ann := range anns {
		type member struct {
			id       int64
			category string
			cats     []string
		}
		rows, err := tx.QueryContext(ctx, `SELECT id, category, categories FROM events
			WHERE announcement = ? AND hidden = 0 ORDER BY id`, ann)
		if err != nil {
			return fmt.Errorf("hidden categories of %s: %w", ann, err)
		}
		var members []member
		for rows.Next() {
			var m member
			var raw string
			if err := rows.Scan(&m.id, &m.category, &raw); err != nil {
				rows.Close()
				return fmt.Errorf("hidden categories of %s: %w", ann, err)
			}
			if err := json.Unmarshal([]byte(raw), &m.cats); err != nil {
				rows.Close()
				return fmt.Errorf("categories of event %d: %w", m.id, err)
			}
			members = append(members, m)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("hidden categories of %s: %w", ann, err)
		}
		for _, m := range members {
			cats := slices.DeleteFunc(slices.Clone(m.cats), func(c string) bool {
				return slices.Contains(gone[ann], c) &&
					!slices.ContainsFunc(members, func(o member) bool { return o.category == c })
			})
			if len(cats) == len(m.cats) {
				continue
			}
			b, _ := json.Marshal(nonNilStrings(withCategory(m.category, cats)))
			if _, err := tx.ExecContext(ctx, `UPDATE events SET categories = ? WHERE id = ?`, string(b), m.id); err != nil {
				return fmt.Errorf("categories of event %d: %w", m.id, err)
			}
		}
	}
	return nil
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func applyOverride(ctx context.Context, tx *dbTx, id int64, key, field, value string) error {
	switch {
	case field == "title":
		var title string
		if err := json.Unmarshal([]byte(value), &title); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE events SET title = ? WHERE id = ?`, title, id)
		return err
	case field == "hidden", field == "confirmed":
		var b bool
		if err := json.Unmarshal([]byte(value), &b); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE events SET `+field+` = ? WHERE id = ?`, b, id)
		return err
	case strings.HasPrefix(field, "date:"):
		kind := strings.TrimPrefix(field, "date:")
		var s string
		if err := json.Unmarshal([]byte(value), &s); err != nil {
			return err
		}
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return err
		}
		var raw string
		if err := tx.QueryRowContext(ctx, `SELECT dates FROM events WHERE id = ?`, id).Scan(&raw); err != nil {
			return err
		}
		var dates []model.EventDate
		if err := json.Unmarshal([]byte(raw), &dates); err != nil {
			return err
		}
		set := model.EventDate{Kind: kind, Date: d, Passage: "Set by an editor.", Confidence: 1}
		if i := slices.IndexFunc(dates, func(x model.EventDate) bool { return x.Kind == kind }); i >= 0 {
			dates[i] = set
		} else {
			dates = append(dates, set)
		}
		b, _ := json.Marshal(dates)
		if _, err := tx.ExecContext(ctx, `UPDATE events SET dates = ? WHERE id = ?`, string(b), id); err != nil {
			return err
		}
		if kind == model.DateAnnounced {
			// The announced date places the event on the timeline.
			_, err = tx.ExecContext(ctx, `UPDATE events SET date = ? WHERE id = ?`, s, id)
		}
		return err
	case field == "merged_into":
		var into string
		if err := json.Unmarshal([]byte(value), &into); err != nil {
			return err
		}
		var intoID int64
		// Inside ReplaceEvents an event clustering no longer found is
		// still here, marked stale, until it is dropped: it does not count.
		err := tx.QueryRowContext(ctx, `SELECT id FROM events WHERE key = ? AND (stale = 0 OR confirmed = 1)`,
			into).Scan(&intoID)
		if errors.Is(err, sql.ErrNoRows) {
			// The other event is gone for now; show this one (unless an
			// editor hid it) rather than lose its documents from the
			// timeline. The merge applies again if the other comes back.
			_, err := tx.ExecContext(ctx, `UPDATE events SET hidden = coalesce((SELECT CASE WHEN value = 'true' THEN 1 ELSE 0 END
				FROM event_overrides WHERE event_key = ? AND field = 'hidden'), 0) WHERE id = ?`, key, id)
			return err
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM event_documents WHERE event_id = ? AND via = ?`, intoID, key); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO event_documents (event_id, document_id, position, passage,
			is_primary, via) SELECT ?, document_id, 50000 + position, passage, 0, ? FROM event_documents
			WHERE event_id = ? ON CONFLICT DO NOTHING`, intoID, key, id); err != nil {
			return err
		}
		// The merged event's kinds stay on the timeline, under the event
		// it now is part of.
		if err := unionCategories(ctx, tx, intoID, id); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE events SET hidden = 1 WHERE id = ?`, id)
		return err
	}
	return fmt.Errorf("unknown override field %q", field)
}

// unionCategories files event into under the categories of event from
// too, its own category first.
func unionCategories(ctx context.Context, tx *dbTx, into, from int64) error {
	read := func(id int64) (string, []string, error) {
		var cat, raw string
		if err := tx.QueryRowContext(ctx, `SELECT category, categories FROM events WHERE id = ?`, id).Scan(&cat, &raw); err != nil {
			return "", nil, err
		}
		var cats []string
		if err := json.Unmarshal([]byte(raw), &cats); err != nil {
			return "", nil, fmt.Errorf("categories of event %d: %w", id, err)
		}
		return cat, cats, nil
	}
	cat, cats, err := read(into)
	if err != nil {
		return err
	}
	otherCat, other, err := read(from)
	if err != nil {
		return err
	}
	all := withCategory(cat, append(append(slices.Clone(cats), otherCat), other...))
	if len(all) == 0 {
		return nil
	}
	b, _ := json.Marshal(all)
	_, err = tx.ExecContext(ctx, `UPDATE events SET categories = ? WHERE id = ?`, string(b), into)
	return err
}

// txSiblings reads the other events of ev's announcement, hidden or not.
func txSiblings(ctx context.Context, tx *dbTx, ev *model.Event) ([]*model.Event, error) {
	if ev.Announcement == "" {
		return nil, nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT id FROM events WHERE announcement = ? AND id != ? ORDER BY id`,
		ev.Announcement, ev.ID)
	if err != nil {
		return nil, fmt.Errorf("events of announcement %s: %w", ev.Announcement, err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("events of announcement %s: %w", ev.Announcement, err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("events of announcement %s: %w", ev.Announcement, err)
	}
	var out []*model.Event
	for _, id := range ids {
		sib, err := txEvent(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, sib)
	}
	return out, nil
}

func txEventByKey(ctx context.Context, tx *dbTx, key string) (*model.Event, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM events WHERE key = ?`, key).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("event %s: %w", key, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("event %s: %w", key, err)
	}
	return txEvent(ctx, tx, id)
}

// txEvent reads an event inside a transaction, so it sees the
// transaction's own changes.
func txEvent(ctx context.Context, tx *dbTx, id int64) (*model.Event, error) {
	e, err := scanEvent(tx.QueryRowContext(ctx, `SELECT `+eventColumns+` FROM events WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("event %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("event %d: %w", id, err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT d.id, d.title, d.published FROM event_documents ed
		JOIN documents d ON d.id = ed.document_id WHERE ed.event_id = ? ORDER BY ed.position`, id)
	if err != nil {
		return nil, fmt.Errorf("documents of event %d: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var d model.EventDocument
		var published string
		if err := rows.Scan(&d.DocumentID, &d.Title, &published); err != nil {
			return nil, fmt.Errorf("documents of event %d: %w", id, err)
		}
		d.Published = parseTime(published)
		e.Documents = append(e.Documents, d)
	}
	return e, rows.Err()
}

// snapshot is what the audit log keeps of an event: what an editor can
// change.
func snapshot(e *model.Event) []byte {
	docs := make([]int64, 0, len(e.Documents))
	for _, d := range e.Documents {
		docs = append(docs, d.DocumentID)
	}
	slices.Sort(docs)
	dates := map[string]string{}
	for _, d := range e.Dates {
		dates[d.Kind] = d.Date.Format(time.DateOnly)
	}
	b, _ := json.Marshal(struct {
		Title     string            `json:"title"`
		Date      string            `json:"date"`
		Dates     map[string]string `json:"dates,omitempty"`
		Hidden    bool              `json:"hidden"`
		Confirmed bool              `json:"confirmed"`
		Documents []int64           `json:"documents"`
	}{e.Title, e.Date.Format(time.DateOnly), dates, e.Hidden, e.Confirmed, docs})
	return b
}

// Audit lists the audit log, newest first.
func (db *DB) Audit(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	if f.Limit <= 0 {
		f.Limit = 100
	}
	q := `SELECT a.id, a.at, a.user_name, a.action, a.event_key, coalesce(e.id, 0), a.before, a.after
		FROM audit_log a LEFT JOIN events e ON e.key = a.event_key`
	var args []any
	if f.EventKey != "" {
		q, args = auditByKey(db.read.d, f.EventKey)
	}
	q += ` ORDER BY a.id DESC LIMIT ?`
	args = append(args, f.Limit)
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var (
			a  AuditEntry
			at string
		)
		if err := rows.Scan(&a.ID, &at, &a.UserName, &a.Action, &a.EventKey, &a.EventID, &a.Before, &a.After); err != nil {
			return nil, fmt.Errorf("read audit log: %w", err)
		}
		a.At = parseTime(at)
		out = append(out, a)
	}
	return out, rows.Err()
}

// MergedInto returns the event an editor merged the event with this key
// into, or ErrNotFound when it was not merged (or that event is gone).
func (db *DB) MergedInto(ctx context.Context, key string) (*model.Event, error) {
	var id int64
	err := db.read.QueryRowContext(ctx, `SELECT e.id FROM event_overrides o JOIN events e ON e.key = `+
		db.read.d.jsonText("o.value")+` WHERE o.event_key = ? AND o.field = 'merged_into'`, key).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("event %s merged into: %w", key, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("event %s merged into: %w", key, err)
	}
	return db.Event(ctx, id)
}
