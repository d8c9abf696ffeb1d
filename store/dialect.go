package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The store's SQL is written once, in the form SQLite reads (`?`
// placeholders, 0/1 for booleans), and runs on both engines: conn and dbTx
// rebind it for PostgreSQL on the way out. What the two engines spell
// differently (JSON paths, time arithmetic) comes from the few dialect
// methods below, so a query reads the same in both and a new query
// written for SQLite is wrong on PostgreSQL only where it uses one of
// those features — and the one suite that runs against both says so.

// Engine names the database behind a DB.
type Engine string

const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// dialect is what differs between the engines in the SQL text.
type dialect struct{ engine Engine }

func (d dialect) pg() bool { return d.engine == Postgres }

// rebind turns SQLite placeholders into PostgreSQL ones: `?NNN` becomes
// `$NNN` and a bare `?` the next number after the largest seen so far,
// which is how SQLite numbers them. Quoted strings, quoted identifiers
// and comments are left alone.
func (d dialect) rebind(q string) string {
	if !d.pg() || !strings.ContainsRune(q, '?') {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	maxN := 0
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch c {
		case '\'', '"':
			j := i + 1
			for j < len(q) {
				if q[j] == c {
					if j+1 < len(q) && q[j+1] == c { // doubled quote inside
						j += 2
						continue
					}
					break
				}
				j++
			}
			b.WriteString(q[i:min(j+1, len(q))])
			i = j
		case '-':
			if i+1 < len(q) && q[i+1] == '-' {
				j := strings.IndexByte(q[i:], '\n')
				if j < 0 {
					j = len(q) - i
				}
				b.WriteString(q[i : i+j])
				i += j - 1
				continue
			}
			b.WriteByte(c)
		case '?':
			j := i + 1
			for j < len(q) && q[j] >= '0' && q[j] <= '9' {
				j++
			}
			n := maxN + 1
			if j > i+1 {
				n, _ = strconv.Atoi(q[i+1 : j])
			}
			maxN = max(maxN, n)
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			i = j - 1
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// args adapts arguments for PostgreSQL: booleans go into the 0/1 integer
// columns both schemas use, and text loses what PostgreSQL refuses in a
// text value (NUL bytes, invalid UTF-8) but SQLite kept. Page text is
// never meaningful there; refusing the whole document would lose it.
func (d dialect) args(args []any) []any {
	if !d.pg() {
		return args
	}
	var out []any
	for i, a := range args {
		var v any
		switch x := a.(type) {
		case bool:
			v = int64(0)
			if x {
				v = int64(1)
			}
		case string:
			c, changed := cleanText(x)
			if !changed {
				continue
			}
			v = c
		default:
			continue
		}
		if out == nil {
			out = append([]any(nil), args...)
		}
		out[i] = v
	}
	if out == nil {
		return args
	}
	return out
}

// cleanText drops NUL bytes and replaces invalid UTF-8, which PostgreSQL
// refuses in text; it reports whether s had any.
func cleanText(s string) (string, bool) {
	if strings.IndexByte(s, 0) < 0 && utf8.ValidString(s) {
		return s, false
	}
	return strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", ""), "\uFFFD"), true
}

// jsonArrayHas is a condition: the JSON array of strings in col holds the
// next parameter.
func (d dialect) jsonArrayHas(col string) string {
	if d.pg() {
		return `(` + col + `)::jsonb @> jsonb_build_array(?::text)`
	}
	return `EXISTS (SELECT 1 FROM json_each(` + col + `) AS je WHERE je.value = ?)`
}

// jsonText is the JSON string held in col, as text.
func (d dialect) jsonText(col string) string {
	if d.pg() {
		return `((` + col + `)::jsonb #>> '{}')`
	}
	return `(` + col + ` ->> '$')`
}

// jsonField is the text of a top-level field of the JSON object in col;
// NULL when col is empty (audit entries of added events have no before).
func (d dialect) jsonField(col, field string) string {
	if d.pg() {
		// CASE, because PostgreSQL does not promise to test another
		// condition of the WHERE first, and '' is not JSON.
		return `(CASE WHEN ` + col + ` <> '' THEN (` + col + `)::jsonb ->> '` + field + `' END)`
	}
	return `(` + col + ` ->> '$.` + field + `')`
}

// jsonArrayFn and jsonObjectFn name the functions that build a JSON
// array and object from SQL values.
func (d dialect) jsonArrayFn() string {
	if d.pg() {
		return "json_build_array"
	}
	return "json_array"
}

func (d dialect) jsonObjectFn() string {
	if d.pg() {
		return "json_build_object"
	}
	return "json_object"
}

// instant is an RFC 3339 text (a column or a placeholder) as a value
// that compares as a moment in time, whatever its offset.
func (d dialect) instant(expr string) string {
	if d.pg() {
		return `(` + expr + `)::timestamptz`
	}
	return `julianday(` + expr + `)`
}

// conn is a connection pool that speaks the store's SQL on either engine.
type conn struct {
	db *sql.DB
	d  dialect
}

func (c *conn) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return c.db.ExecContext(ctx, c.d.rebind(q), c.d.args(args)...)
}

func (c *conn) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return c.db.QueryContext(ctx, c.d.rebind(q), c.d.args(args)...)
}

func (c *conn) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return c.db.QueryRowContext(ctx, c.d.rebind(q), c.d.args(args)...)
}

func (c *conn) BeginTx(ctx context.Context, opts *sql.TxOptions) (*dbTx, error) {
	tx, err := c.db.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &dbTx{tx: tx, d: c.d}, nil
}

// dbTx is a transaction that speaks the store's SQL on either engine.
type dbTx struct {
	tx *sql.Tx
	d  dialect
}

func (t *dbTx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(ctx, t.d.rebind(q), t.d.args(args)...)
}

func (t *dbTx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(ctx, t.d.rebind(q), t.d.args(args)...)
}

func (t *dbTx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(ctx, t.d.rebind(q), t.d.args(args)...)
}

func (t *dbTx) Commit() error   { return t.tx.Commit() }
func (t *dbTx) Rollback() error { return t.tx.Rollback() }
