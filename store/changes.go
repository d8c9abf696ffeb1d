package store

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/sergi/go-diff/diffmatchpatch"

	"policywatch/model"
)

// Change kinds: what happened to a page after it was first archived.
const (
	ChangeAmended   = "amended"   // a re-crawl found different text: a new version
	ChangeWithdrawn = "withdrawn" // the page started answering 404/410
)

// Change is one amendment or withdrawal of an archived page, newest first
// in a list. For an amendment From and To are consecutive versions; for a
// withdrawal both are the last version, which the archive keeps.
type Change struct {
	Kind       string // ChangeAmended or ChangeWithdrawn
	DocumentID int64
	URL        string
	Title      string
	Source     string
	DocKind    model.DocKind
	Categories []string
	From, To   int
	Status     int // withdrawals: the HTTP status answered
	At         time.Time
}

// ChangeFilter narrows Changes. Empty slices do not filter.
type ChangeFilter struct {
	Sources    []string
	Categories []string
	DocKinds   []string // e.g. "official"; empty for every kind
	Kinds      []string // ChangeAmended, ChangeWithdrawn
	DocumentID int64    // only this document's changes; 0 for all
	Limit      int      // default 100
}

// Changes lists amendments and withdrawals, newest first.
func (db *DB) Changes(ctx context.Context, f ChangeFilter) ([]Change, error) {
	var (
		where []string
		args  []any
	)
	in := func(col string, vals []string) {
		if len(vals) == 0 {
			return
		}
		where = append(where, col+` IN (`+strings.TrimSuffix(strings.Repeat("?,", len(vals)), ",")+`)`)
		for _, v := range vals {
			args = append(args, v)
		}
	}
	in("source", f.Sources)
	in("doc_kind", f.DocKinds)
	in("kind", f.Kinds)
	if len(f.Categories) > 0 {
		where = append(where, `document_id IN (SELECT document_id FROM tags WHERE type = 'category' AND value IN (`+
			strings.TrimSuffix(strings.Repeat("?,", len(f.Categories)), ",")+`))`)
		for _, c := range f.Categories {
			args = append(args, c)
		}
	}
	if f.DocumentID != 0 {
		where = append(where, `document_id = ?`)
		args = append(args, f.DocumentID)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	q := `SELECT kind, document_id, url, title, source, doc_kind, from_v, to_v, status, at FROM (
		SELECT 'amended' AS kind, d.id AS document_id, d.url, d.title, d.source, d.kind AS doc_kind,
			v.version - 1 AS from_v, v.version AS to_v, 0 AS status, v.captured_at AS at
		FROM document_versions v JOIN documents d ON d.id = v.document_id WHERE v.version > 1
		UNION ALL
		SELECT 'withdrawn', d.id, d.url, d.title, d.source, d.kind, w.version, w.version, w.status, w.at
		FROM document_withdrawals w JOIN documents d ON d.id = w.document_id) AS ch`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	q += ` ORDER BY at DESC, document_id DESC, to_v DESC LIMIT ?`
	args = append(args, limit)
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list changes: %w", err)
	}
	var out []Change
	for rows.Next() {
		var (
			c      Change
			dk, at string
		)
		if err := rows.Scan(&c.Kind, &c.DocumentID, &c.URL, &c.Title, &c.Source, &dk, &c.From, &c.To, &c.Status, &at); err != nil {
			rows.Close()
			return nil, fmt.Errorf("list changes: %w", err)
		}
		c.DocKind, c.At = model.DocKind(dk), parseTime(at)
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list changes: %w", err)
	}
	for i := range out {
		tags, err := db.tags(ctx, out[i].DocumentID)
		if err != nil {
			return nil, fmt.Errorf("list changes: %w", err)
		}
		for _, t := range tags {
			if t.Type == model.TagCategory {
				out[i].Categories = append(out[i].Categories, t.Value)
			}
		}
	}
	return out, nil
}

// ChangeText is everything amendments added to and removed from a
// document's text, version after version: one line per run of changed
// words. It is what makes edits searchable ("Hong Kong" removed after
// publication). A document with one version gives two empty strings.
func (db *DB) ChangeText(ctx context.Context, docID int64) (added, removed string, err error) {
	rows, err := db.read.QueryContext(ctx, `SELECT title, text FROM document_versions
		WHERE document_id = ? ORDER BY version`, docID)
	if err != nil {
		return "", "", fmt.Errorf("change text of document %d: %w", docID, err)
	}
	defer rows.Close()
	var (
		prev       string
		first      = true
		adds, rems []string
	)
	for rows.Next() {
		var title, text string
		if err := rows.Scan(&title, &text); err != nil {
			return "", "", fmt.Errorf("change text of document %d: %w", docID, err)
		}
		cur := title + "\n" + text
		if !first {
			a, r := AddedRemoved(DiffWords(prev, cur))
			adds, rems = append(adds, a...), append(rems, r...)
		}
		prev, first = cur, false
	}
	if err := rows.Err(); err != nil {
		return "", "", fmt.Errorf("change text of document %d: %w", docID, err)
	}
	return strings.Join(adds, "\n"), strings.Join(rems, "\n"), nil
}

// DiffOp says what a DiffPart does to the older text.
type DiffOp int

const (
	DiffEqual DiffOp = iota
	DiffInsert
	DiffDelete
)

// DiffPart is a run of words kept, inserted or deleted.
type DiffPart struct {
	Op   DiffOp
	Text string
}

// DiffWords compares two texts word by word: a changed word shows as the
// whole word removed and its replacement added, which is how a reader
// compares statements (a character diff would show "Kong" becoming "Kung"
// as one letter). Han and kana characters count as words of their own.
func DiffWords(from, to string) []DiffPart {
	toks := map[string]rune{}
	var list []string
	encode := func(s string) []rune {
		var out []rune
		for _, t := range tokenizeWords(s) {
			r, ok := toks[t]
			if !ok {
				r = tokenRune(len(list))
				toks[t] = r
				list = append(list, t)
			}
			out = append(out, r)
		}
		return out
	}
	a, b := encode(from), encode(to)
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 5 * time.Second
	diffs := dmp.DiffMainRunes(a, b, false)
	diffs = dmp.DiffCleanupSemantic(diffs)
	var out []DiffPart
	for _, d := range diffs {
		var sb strings.Builder
		for _, r := range d.Text {
			sb.WriteString(list[runeIndex(r)])
		}
		op := DiffEqual
		switch d.Type {
		case diffmatchpatch.DiffInsert:
			op = DiffInsert
		case diffmatchpatch.DiffDelete:
			op = DiffDelete
		}
		if n := len(out); n > 0 && out[n-1].Op == op {
			out[n-1].Text += sb.String()
			continue
		}
		out = append(out, DiffPart{Op: op, Text: sb.String()})
	}
	return out
}

// AddedRemoved collects the inserted and the deleted runs of a diff, each
// trimmed, blank runs dropped.
func AddedRemoved(parts []DiffPart) (added, removed []string) {
	for _, p := range parts {
		t := strings.Join(strings.Fields(p.Text), " ")
		if t == "" {
			continue
		}
		switch p.Op {
		case DiffInsert:
			added = append(added, t)
		case DiffDelete:
			removed = append(removed, t)
		}
	}
	return added, removed
}

// tokenizeWords splits s into words, runs of space and punctuation, and
// single Han/kana characters, so joining the tokens gives s back.
func tokenizeWords(s string) []string {
	var out []string
	start := 0
	class := -1
	for i, r := range s {
		c := runeClass(r)
		if i > start && (c != class || c == 2) {
			out = append(out, s[start:i])
			start = i
		}
		class = c
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// runeClass: 0 letters and digits, 1 space and punctuation, 2 a character
// that is a word by itself.
func runeClass(r rune) int {
	switch {
	case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana):
		return 2
	case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' || r == '’' || r == '-':
		return 0
	}
	return 1
}

// tokenRune maps the i-th distinct token to a rune go-diff can carry
// through its string conversions: valid, never a surrogate.
func tokenRune(i int) rune {
	r := rune(i + 1)
	if r >= 0xD800 {
		r += 0x800
	}
	if r > utf8.MaxRune {
		// More distinct tokens than runes; cannot happen below a million
		// distinct words, and we fold the rest into the last one.
		r = utf8.MaxRune
	}
	return r
}

func runeIndex(r rune) int {
	if r >= 0xE000 {
		r -= 0x800
	}
	return int(r - 1)
}
