package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"policywatch/model"
)

// ActionRekey is the audit log's record that re-clustering gave a curated
// event a new key and its overrides followed. Its before and after carry
// the old and new key in a "key" field.
const ActionRekey = "rekey"

// RekeyUserName is who the audit log says made a rekey: nobody did, the
// clustering did.
const RekeyUserName = "re-clustering"

// Clustering derives an event's key from its content (actor, category,
// first date), so a re-crawl that finds an earlier document, or a
// different actor, gives the same event a new key. Curation is keyed by
// event key, so without help the editor's title, hiding and dates would
// stop applying, and a confirmed event would stay behind as a stale copy
// next to the new, uncurated one: a duplicate on the timeline.
//
// The rule: a curated key (one with overrides, a confirmed event, or the
// target of a merge) that the new clustering no longer produces follows
// its documents. Its old documents are the ones clustering gave it (plus
// those an editor attached or detached, which say as much about what the
// event is), read from the rows still in the table. The new event that
// shares the most of them takes over its curation when
//   - it shares at least half of them: less is a different story that
//     happens to cite the same sources, and stealing an editor's title for
//     it would be worse than leaving the overrides waiting;
//   - it is not curated under its own key: two editors' decisions about
//     one event would conflict, and the one made on the event as it is
//     now wins;
//   - no other old key claims it with a larger share: when clustering
//     merges two curated events, only one set of overrides can apply.
//     The other keeps today's behaviour.
//
// Among new events sharing as many documents, the one of the old event's
// category wins: the events of one announcement (model.Event.Announcement)
// share their documents, and each category's curation follows its own.
//
// A key that finds no such event keeps today's behaviour: a confirmed
// event stays as it was, and overrides wait in case the key comes back.
// Overrides whose event row is already gone are not matched: there is
// nothing left to say which documents they were about.
//
// The old row itself takes the new key rather than being deleted, so the
// event keeps its id and permalink, and the clustering's upsert then
// refreshes it. An uncurated row already holding the new key gives way.

// rekeyMove is one curated key moved to a new key, with how the event read
// before, for the audit log.
type rekeyMove struct {
	oldKey, newKey string
	before         []byte
}

// rekeyCurated moves the curation of keys the new clustering (events) no
// longer produces to the new events that carry on their documents. It
// runs inside ReplaceEvents before the new clustering is written.
func rekeyCurated(ctx context.Context, tx *dbTx, events []model.Event, snap curatedSnapshot) ([]rekeyMove, error) {
	// Document to new events, and each new event's size, so a match
	// costs the old event's documents, not the whole clustering.
	newSize := make(map[string]int, len(events))
	newCategory := make(map[string]string, len(events))
	inNew := map[int64][]string{}
	for _, e := range events {
		newSize[e.Key] = len(e.Documents)
		newCategory[e.Key] = e.Category
		for _, d := range e.Documents {
			if ks := inNew[d.DocumentID]; len(ks) == 0 || ks[len(ks)-1] != e.Key { // listed twice
				inNew[d.DocumentID] = append(ks, e.Key)
			}
		}
	}
	curated, err := curatedKeys(ctx, tx)
	if err != nil {
		return nil, err
	}
	type candidate struct {
		oldKey, newKey string
		oldID          int64
		shared, total  int
	}
	var cands []candidate
	for key, id := range curated {
		if _, still := newSize[key]; still || id == 0 || strings.HasPrefix(key, ManualKeyPrefix) {
			continue
		}
		old, err := rekeyDocuments(ctx, tx, key, id)
		if err != nil {
			return nil, err
		}
		shared := map[string]int{}
		for d := range old {
			for _, nk := range inNew[d] {
				shared[nk]++
			}
		}
		var oldCategory string
		if err := tx.QueryRowContext(ctx, `SELECT category FROM events WHERE id = ?`, id).Scan(&oldCategory); err != nil {
			return nil, fmt.Errorf("category of %s: %w", key, err)
		}
		best := candidate{oldKey: key, oldID: id, total: len(old)}
		for nk, n := range shared {
			// Ties go to the event of the same category (the events of
			// one announcement share their documents: each category's
			// curation follows its own), then to the smaller event, the
			// closer fit, then to the first key, so the same input always
			// gives the same answer.
			same, bestSame := newCategory[nk] == oldCategory, newCategory[best.newKey] == oldCategory
			if n > best.shared || n == best.shared && (same && !bestSame || same == bestSame &&
				(newSize[nk] < newSize[best.newKey] || newSize[nk] == newSize[best.newKey] && nk < best.newKey)) {
				best.newKey, best.shared = nk, n
			}
		}
		if best.shared == 0 || 2*best.shared < best.total {
			continue
		}
		if _, own := curated[best.newKey]; own {
			continue
		}
		cands = append(cands, best)
	}
	// The closest matches claim their new events first.
	slices.SortFunc(cands, func(a, b candidate) int {
		if a.shared != b.shared {
			return b.shared - a.shared
		}
		// a.shared/a.total > b.shared/b.total
		if d := b.shared*a.total - a.shared*b.total; d != 0 {
			return d
		}
		return strings.Compare(a.oldKey, b.oldKey)
	})
	claimed := map[string]bool{}
	var moves []rekeyMove
	for _, c := range cands {
		if claimed[c.newKey] {
			continue
		}
		claimed[c.newKey] = true
		ev, err := txEvent(ctx, tx, c.oldID)
		if err != nil {
			return nil, fmt.Errorf("rekey %s: %w", c.oldKey, err)
		}
		if err := moveCuration(ctx, tx, c.oldKey, c.newKey); err != nil {
			return nil, fmt.Errorf("rekey %s to %s: %w", c.oldKey, c.newKey, err)
		}
		if s, ok := snap[c.oldKey]; ok {
			delete(snap, c.oldKey)
			snap[c.newKey] = s
		}
		moves = append(moves, rekeyMove{oldKey: c.oldKey, newKey: c.newKey, before: withKey(snapshot(ev), c.oldKey)})
	}
	return moves, nil
}

// curatedKeys returns every key curation refers to, with the id of its
// event row (0 when there is none).
func curatedKeys(ctx context.Context, tx *dbTx) (map[string]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT k.key, coalesce(e.id, 0) FROM (
			SELECT event_key AS key FROM event_overrides
			UNION SELECT event_key FROM event_document_overrides
			UNION SELECT `+tx.d.jsonText("value")+` FROM event_overrides WHERE field = 'merged_into'
			UNION SELECT key FROM events WHERE confirmed = 1) k
		LEFT JOIN events e ON e.key = k.key`)
	if err != nil {
		return nil, fmt.Errorf("curated keys: %w", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var k string
		var id int64
		if err := rows.Scan(&k, &id); err != nil {
			return nil, fmt.Errorf("curated keys: %w", err)
		}
		out[k] = id
	}
	return out, rows.Err()
}

// rekeyDocuments is the set of documents that say which event a curated
// key was about: what clustering put in it, what an editor attached, and
// what an editor detached (clustering still finds those with it). Documents
// merged in from another event belong to that event and do not count.
func rekeyDocuments(ctx context.Context, tx *dbTx, key string, id int64) (map[int64]struct{}, error) {
	rows, err := tx.QueryContext(ctx, `SELECT document_id FROM event_documents WHERE event_id = ? AND via IN ('', 'attach')
		UNION SELECT document_id FROM event_document_overrides WHERE event_key = ?`, id, key)
	if err != nil {
		return nil, fmt.Errorf("documents of %s: %w", key, err)
	}
	defer rows.Close()
	out := map[int64]struct{}{}
	for rows.Next() {
		var d int64
		if err := rows.Scan(&d); err != nil {
			return nil, fmt.Errorf("documents of %s: %w", key, err)
		}
		out[d] = struct{}{}
	}
	return out, rows.Err()
}

// moveCuration gives the event row and every override of oldKey the key
// newKey.
func moveCuration(ctx context.Context, tx *dbTx, oldKey, newKey string) error {
	newJSON, _ := json.Marshal(newKey)
	for _, q := range []struct {
		what string
		sql  string
		args []any
	}{
		// An uncurated row under the new key (the event as an earlier
		// clustering knew it) gives way to the curated one.
		{"drop uncurated row", `DELETE FROM events WHERE key = ?`, []any{newKey}},
		{"event", `UPDATE events SET key = ? WHERE key = ?`, []any{newKey, oldKey}},
		{"overrides", `UPDATE event_overrides SET event_key = ? WHERE event_key = ?`, []any{newKey, oldKey}},
		{"document overrides", `UPDATE event_document_overrides SET event_key = ? WHERE event_key = ?`,
			[]any{newKey, oldKey}},
		{"merges into it", `UPDATE event_overrides SET value = ? WHERE field = 'merged_into'
			AND ` + tx.d.jsonText("value") + ` = ?`, []any{string(newJSON), oldKey}},
		{"merged evidence", `UPDATE event_documents SET via = ? WHERE via = ?`, []any{newKey, oldKey}},
	} {
		if _, err := tx.ExecContext(ctx, q.sql, q.args...); err != nil {
			return fmt.Errorf("%s: %w", q.what, err)
		}
	}
	return nil
}

// auditRekeys records each move in the audit log, once the new clustering
// and the overrides are in place, so "after" is how the event now reads.
// The event's history stays reachable by its new key: Audit follows these
// entries back to the old one.
func auditRekeys(ctx context.Context, tx *dbTx, moves []rekeyMove, now string) error {
	for _, m := range moves {
		ev, err := txEventByKey(ctx, tx, m.newKey)
		if err != nil {
			return fmt.Errorf("audit rekey %s: %w", m.oldKey, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO audit_log (at, user_id, user_name, action, event_key, before, after)
			VALUES (?, NULL, ?, ?, ?, ?, ?)`, now, RekeyUserName, ActionRekey, m.newKey, string(m.before),
			string(withKey(snapshot(ev), m.newKey))); err != nil {
			return fmt.Errorf("audit rekey %s: %w", m.oldKey, err)
		}
	}
	return nil
}

// withKey adds the event's key to an audit snapshot (a JSON object).
func withKey(snap []byte, key string) []byte {
	q, _ := json.Marshal(key)
	k := append([]byte(`{"key":`), q...)
	if len(snap) > 2 {
		k = append(k, ',')
	}
	return append(k, snap[1:]...)
}

// auditByKey is the audit query (without order and limit) for one event's
// history. When re-clustering changed the event's key (a "rekey" entry),
// the history recorded under the old key is the event's too, so the
// lookup follows rekey entries back, each key only for the span of ids in
// which the event had it: a key that clustering later gives to another
// event does not show this one's history, nor the reverse. Every entry
// names the event's id now.
func auditByKey(d dialect, key string) (string, []any) {
	// keys(k, lo, hi): the event had key k for audit ids in (lo, hi).
	// lo is the last rekey away from k before hi, if any.
	lastAway := `coalesce((SELECT max(x.id) FROM audit_log x WHERE x.action = '` + ActionRekey + `'
		AND ` + d.jsonField("x.before", "key") + ` = %s AND x.id < %s), 0)`
	q := `WITH RECURSIVE keys (k, lo, hi) AS (
			SELECT ?1, ` + fmt.Sprintf(lastAway, "?1", "9223372036854775807") + `, 9223372036854775807
			UNION
			SELECT ` + d.jsonField("r.before", "key") + `, ` + fmt.Sprintf(lastAway, d.jsonField("r.before", "key"), "r.id") + `, r.id
			FROM audit_log r JOIN keys ON r.event_key = keys.k AND r.id > keys.lo AND r.id < keys.hi
			WHERE r.action = '` + ActionRekey + `')
		SELECT a.id, a.at, a.user_name, a.action, a.event_key,
			coalesce((SELECT id FROM events WHERE key = ?1), 0), a.before, a.after
		FROM audit_log a WHERE EXISTS (SELECT 1 FROM keys WHERE a.event_key = keys.k AND a.id > keys.lo
			AND a.id < keys.hi)`
	return q, []any{key}
}
