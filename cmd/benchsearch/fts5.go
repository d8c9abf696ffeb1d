package main

import (
	"context"
	"database/sql"
	"fmt"
	"html"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	_ "modernc.org/sqlite" // the driver, with FTS5 compiled in

	"policywatch/model"
	"policywatch/query"
)

// ftsEngine is the comparison: the same documents in plain SQLite FTS5,
// queried for the same page of hits, snippets and facets.
//
// English (and any Latin text) goes to fts_en with `porter unicode61`,
// the nearest FTS5 has to Bleve's en analyzer (stemming, case folding).
// Chinese goes to fts_zh as text we pre-split into overlapping bigrams
// (after folding Traditional to Simplified with query.FoldHan), under
// `unicode61`. We chose that over FTS5's trigram tokenizer because the
// trigram tokenizer finds nothing for queries under three characters, and
// two-character words (香港, 制裁, 引渡) are the commonest Chinese queries;
// bigrams are also what Bleve's cjk analyzer indexes, so both engines
// answer the same question. The price: fts_zh is contentless (it holds
// bigrams, not the text), so Chinese snippets are cut in Go from the
// stored text instead of by snippet().
type ftsEngine struct {
	db *sql.DB
}

const ftsSchema = `
-- The short columns come first: facets read them for every match, and
-- SQLite reads a row from its start, following overflow pages only as far
-- as the last column asked for; text at the end keeps them off the path.
CREATE TABLE IF NOT EXISTS docs (
	id        INTEGER PRIMARY KEY,
	source    TEXT NOT NULL,
	kind      TEXT NOT NULL,
	lang      TEXT NOT NULL,
	published INTEGER, -- unix seconds; NULL when only the crawl time is known
	year      INTEGER,
	url       TEXT NOT NULL,
	title     TEXT NOT NULL,
	text      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS docs_published ON docs(published);
CREATE TABLE IF NOT EXISTS tags (
	doc_id INTEGER NOT NULL,
	type   TEXT NOT NULL,
	value  TEXT NOT NULL,
	PRIMARY KEY (doc_id, type, value)
) WITHOUT ROWID;
CREATE VIRTUAL TABLE IF NOT EXISTS fts_en USING fts5(title, text, content='docs', content_rowid='id', tokenize='porter unicode61');
CREATE VIRTUAL TABLE IF NOT EXISTS fts_zh USING fts5(title, text, content='', tokenize='unicode61');
`

func openFTS(dir string) (*ftsEngine, error) {
	dsn := "file:" + filepath.Join(dir, "fts.db") +
		"?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=busy_timeout(5000)&_pragma=cache_size(-32000)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open FTS5 database in %s: %w", dir, err)
	}
	// One connection: the benchmark is a single client, and this keeps
	// SQLite's page cache in one place for the memory figures.
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(ftsSchema); err != nil {
		db.Close()
		return nil, fmt.Errorf("create FTS5 schema: %w", err)
	}
	return &ftsEngine{db: db}, nil
}

func (e *ftsEngine) put(ctx context.Context, docs []model.Document) error {
	tx, err := e.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin FTS5 batch: %w", err)
	}
	defer tx.Rollback()
	insDoc, err := tx.PrepareContext(ctx, `INSERT OR REPLACE INTO docs(id, source, kind, lang, published, year, url, title, text) VALUES (?,?,?,?,?,?,?,?,?)`)
	if err != nil {
		return fmt.Errorf("prepare document insert: %w", err)
	}
	insTag, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO tags(doc_id, type, value) VALUES (?,?,?)`)
	if err != nil {
		return fmt.Errorf("prepare tag insert: %w", err)
	}
	insEn, err := tx.PrepareContext(ctx, `INSERT INTO fts_en(rowid, title, text) VALUES (?,?,?)`)
	if err != nil {
		return fmt.Errorf("prepare fts_en insert: %w", err)
	}
	insZh, err := tx.PrepareContext(ctx, `INSERT INTO fts_zh(rowid, title, text) VALUES (?,?,?)`)
	if err != nil {
		return fmt.Errorf("prepare fts_zh insert: %w", err)
	}
	for i := range docs {
		d := &docs[i]
		var pub, year any
		if d.HasReliableDate() {
			pub, year = d.Published.Unix(), d.Published.UTC().Year()
		}
		if _, err := insDoc.ExecContext(ctx, d.ID, d.Source, string(d.Kind), d.Lang, pub, year, d.URL, d.Title, d.Text); err != nil {
			return fmt.Errorf("insert document %d: %w", d.ID, err)
		}
		for _, t := range d.Tags {
			if _, err := insTag.ExecContext(ctx, d.ID, t.Type, strings.ToLower(t.Value)); err != nil {
				return fmt.Errorf("insert tag of document %d: %w", d.ID, err)
			}
		}
		if _, err := insEn.ExecContext(ctx, d.ID, d.Title, d.Text); err != nil {
			return fmt.Errorf("index document %d in fts_en: %w", d.ID, err)
		}
		if hasHan(d.Title) || hasHan(d.Text) {
			if _, err := insZh.ExecContext(ctx, d.ID, bigrams(d.Title), bigrams(d.Text)); err != nil {
				return fmt.Errorf("index document %d in fts_zh: %w", d.ID, err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit FTS5 batch: %w", err)
	}
	return nil
}

// finish merges the FTS5 b-trees into one, as one would after a bulk
// load, and folds the WAL into the database so its size is measurable.
func (e *ftsEngine) finish(ctx context.Context) error {
	for _, t := range []string{"fts_en", "fts_zh"} {
		if _, err := e.db.ExecContext(ctx, fmt.Sprintf("INSERT INTO %s(%s) VALUES('optimize')", t, t)); err != nil {
			return fmt.Errorf("optimize %s: %w", t, err)
		}
	}
	if _, err := e.db.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return nil
}

func (e *ftsEngine) close() error { return e.db.Close() }

// search runs q the way the search page needs it: one page of hits with
// snippets, the total, and facet counts over all matches.
func (e *ftsEngine) search(ctx context.Context, q benchQuery) (int, error) {
	table := "fts_en"
	if q.Zh {
		table = "fts_zh"
	}
	where := []string{table + " MATCH ?"}
	args := []any{q.Match}
	if q.Category != "" {
		where = append(where, "EXISTS (SELECT 1 FROM tags t WHERE t.doc_id = d.id AND t.type = 'category' AND t.value = ?)")
		args = append(args, q.Category)
	}
	if q.Kind != "" {
		where = append(where, "d.kind = ?")
		args = append(args, q.Kind)
	}
	if !q.From.IsZero() {
		where = append(where, "d.published >= ?")
		args = append(args, q.From.Unix())
	}
	if !q.To.IsZero() {
		where = append(where, "d.published <= ?")
		args = append(args, q.To.Unix())
	}
	from := fmt.Sprintf(" FROM %s JOIN docs d ON d.id = %s.rowid WHERE %s", table, table, strings.Join(where, " AND "))

	// The page of hits: rank first, then snippets for the 20 shown only
	// (with snippet() in the ranking query SQLite would cut one for every
	// match before sorting). The second MATCH is a rowid seek.
	// bm25 is negative, lower is better; official documents score 1.5×
	// news matching as well, like our index's official bonus.
	order := fmt.Sprintf("bm25(%s, 2.0, 1.0) * (CASE d.kind WHEN 'official' THEN 1.5 ELSE 1.0 END)", table)
	if q.ByDate {
		order = "coalesce(-d.published, 9e18)" // undated last, as Bleve sorts them
	}
	page := max(q.Page, 1)
	top := "WITH top AS (SELECT d.id AS id, " + order + " AS k" + from +
		fmt.Sprintf(" ORDER BY k, d.id LIMIT 20 OFFSET %d) ", (page-1)*20)
	snip := fmt.Sprintf("snippet(%s, 1, '<mark>', '</mark>', '…', 24)", table)
	if q.Zh {
		snip = "d.text" // contentless: cut in Go below
	}
	rows, err := e.db.QueryContext(ctx, top+"SELECT d.id, d.url, d.title, d.source, d.kind, d.lang, d.published, "+snip+
		" FROM top JOIN "+table+" ON "+table+".rowid = top.id JOIN docs d ON d.id = top.id WHERE "+table+" MATCH ? ORDER BY top.k, top.id",
		append(args, q.Match)...)
	if err != nil {
		return 0, fmt.Errorf("FTS5 search %q: %w", q.Match, err)
	}
	hitIDs := []int64{}
	for rows.Next() {
		var (
			id                                 int64
			url, title, source, kind, lang, sn string
			pub                                sql.NullInt64
		)
		if err := rows.Scan(&id, &url, &title, &source, &kind, &lang, &pub, &sn); err != nil {
			rows.Close()
			return 0, fmt.Errorf("read FTS5 hit: %w", err)
		}
		if q.Zh {
			sn = hanSnippet(sn, q.Query)
		}
		hitIDs = append(hitIDs, id)
	}
	if err := rows.Close(); err != nil {
		return 0, err
	}
	// The hits' tags, shown under each hit.
	if len(hitIDs) > 0 {
		ph := strings.Repeat(",?", len(hitIDs))[1:]
		idArgs := make([]any, len(hitIDs))
		for i, id := range hitIDs {
			idArgs[i] = id
		}
		if err := drain(e.db.QueryContext(ctx, "SELECT doc_id, type, value FROM tags WHERE doc_id IN ("+ph+")", idArgs...)); err != nil {
			return 0, fmt.Errorf("FTS5 hit tags: %w", err)
		}
	}

	// Total and the single-valued facets in one pass over the matches.
	rows, err = e.db.QueryContext(ctx, "SELECT d.source, d.kind, d.lang, d.year, count(*)"+from+" GROUP BY 1, 2, 3, 4", args...)
	if err != nil {
		return 0, fmt.Errorf("FTS5 facets %q: %w", q.Match, err)
	}
	total := 0
	facets := map[string]map[string]int{"source": {}, "kind": {}, "lang": {}, "year": {}}
	for rows.Next() {
		var (
			source, kind, lang string
			year               sql.NullInt64
			n                  int
		)
		if err := rows.Scan(&source, &kind, &lang, &year, &n); err != nil {
			rows.Close()
			return 0, fmt.Errorf("read FTS5 facet: %w", err)
		}
		total += n
		facets["source"][source] += n
		facets["kind"][kind] += n
		facets["lang"][lang] += n
		if year.Valid {
			facets["year"][fmt.Sprint(year.Int64)] += n
		}
	}
	if err := rows.Close(); err != nil {
		return 0, err
	}
	// Categories and actors are many per document: a join.
	if err := drain(e.db.QueryContext(ctx, "SELECT tg.type, tg.value, count(*)"+
		strings.Replace(from, " WHERE ", " JOIN tags tg ON tg.doc_id = d.id WHERE ", 1)+" GROUP BY 1, 2", args...)); err != nil {
		return 0, fmt.Errorf("FTS5 tag facets %q: %w", q.Match, err)
	}
	return total, nil
}

func drain(rows *sql.Rows, err error) error {
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	vals := make([]any, len(cols))
	for i := range vals {
		vals[i] = new(any)
	}
	for rows.Next() {
		if err := rows.Scan(vals...); err != nil {
			return err
		}
	}
	return rows.Err()
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// bigrams rewrites s for fts_zh: Traditional folded to Simplified, each
// run of Han characters replaced by its overlapping bigrams (a lone
// character stays itself), everything else kept for unicode61.
func bigrams(s string) string {
	s = query.FoldHan(s)
	var b strings.Builder
	b.Grow(len(s) * 2)
	var run []rune
	flush := func() {
		switch len(run) {
		case 0:
		case 1:
			b.WriteRune(run[0])
			b.WriteByte(' ')
		default:
			for i := 0; i+1 < len(run); i++ {
				b.WriteRune(run[i])
				b.WriteRune(run[i+1])
				b.WriteByte(' ')
			}
		}
		run = run[:0]
	}
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			run = append(run, r)
			continue
		}
		flush()
		b.WriteRune(r)
	}
	flush()
	return b.String()
}

// ftsHanPhrase is the fts_zh query for a Chinese word: its bigrams as a
// phrase.
func ftsHanPhrase(w string) string {
	return `"` + strings.TrimSpace(bigrams(w)) + `"`
}

// hanSnippet cuts about 60 characters around the first occurrence of w in
// text (comparing folded forms, which keep byte offsets) and marks it.
func hanSnippet(text, w string) string {
	ft, fw := query.FoldHan(text), query.FoldHan(w)
	i := strings.Index(ft, fw)
	if i < 0 {
		return html.EscapeString(cutRunes(text, 0, 120))
	}
	start := i
	for n := 0; n < 30 && start > 0; n++ {
		_, size := utf8.DecodeLastRuneInString(text[:start])
		start -= size
	}
	end := i + len(fw)
	after := cutRunes(text[end:], 0, 60)
	return html.EscapeString(text[start:i]) + "<mark>" + html.EscapeString(text[i:end]) + "</mark>" + html.EscapeString(after)
}

func cutRunes(s string, from, n int) string {
	rs := []rune(s)
	return string(rs[min(from, len(rs)):min(from+n, len(rs))])
}
