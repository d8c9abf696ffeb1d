package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/bits"
	"slices"
	"strconv"
	"strings"
)

// Copying a whole archive from one store to another: `policywatch migrate
// --to postgres://…` moves an SQLite archive into PostgreSQL, and a
// backup of a PostgreSQL store is a copy into a new SQLite file. The copy
// reads one consistent snapshot of the source, writes the destination in
// one transaction (all or nothing), keeps every id (permalinks, citations
// and releases name them), and proves itself: each table's rows are
// digested as they are read and again as they are read back from the
// destination, and the two must agree.

// TableDigest sums up a table's content: its row count and an
// order-independent hash of its rows, equal on both engines when the
// rows hold the same values.
type TableDigest struct {
	Table string
	Rows  int64
	Sum   string // hex; independent of row order
}

// CopyReport is what Copy did, table by table.
type CopyReport struct {
	Tables []TableDigest // as read from the source, in copy order
	// Cleaned counts text values that held NUL bytes or invalid UTF-8,
	// which PostgreSQL cannot store: they were copied without them (the
	// NULs dropped, bad bytes as U+FFFD). Digests compare text so cleaned.
	Cleaned int
}

// Rows is how many rows were copied in all.
func (r *CopyReport) Rows() int64 {
	var n int64
	for _, t := range r.Tables {
		n += t.Rows
	}
	return n
}

// CopyError names a table whose copy does not match its source.
type CopyError struct {
	Table        string
	Source, Dest TableDigest
}

func (e *CopyError) Error() string {
	return fmt.Sprintf("table %s: source has %d rows (digest %.12s), destination %d rows (digest %.12s)",
		e.Table, e.Source.Rows, e.Source.Sum, e.Dest.Rows, e.Dest.Sum)
}

// clusterOnlyTables are PostgreSQL's working tables of a running cluster
// (leases, host slots): state of the moment, not archive, so a copy
// leaves them out.
var clusterOnlyTables = map[string]bool{"cluster_hosts": true, "cluster_frontier": true, "cluster_schedule": true}

// seededTables get a row from the migrations themselves (derived_state's
// "timeline" mark): a fresh destination holds it, and the copy replaces it
// with the source's.
var seededTables = map[string]bool{"derived_state": true}

// Copy copies every table of src into dst, which must be empty (freshly
// migrated). progress, when not nil, is called after each table.
func Copy(ctx context.Context, src, dst *DB, progress func(TableDigest)) (*CopyReport, error) {
	if src.engine == dst.engine && src.path == dst.path {
		return nil, fmt.Errorf("copy store: source and destination are the same database (%s)", src.path)
	}
	srcTables, err := src.tables(ctx)
	if err != nil {
		return nil, fmt.Errorf("copy store: read source schema: %w", err)
	}
	dstTables, err := dst.tables(ctx)
	if err != nil {
		return nil, fmt.Errorf("copy store: read destination schema: %w", err)
	}
	for name := range srcTables {
		if _, ok := dstTables[name]; !ok && !clusterOnlyTables[name] {
			return nil, fmt.Errorf("copy store: destination %s has no table %s (is it older than the source?)", dst.path, name)
		}
	}
	order, err := copyOrder(dstTables)
	if err != nil {
		return nil, fmt.Errorf("copy store: %w", err)
	}

	// The source as of one moment: a crawl or a server may keep writing.
	opts := &sql.TxOptions{ReadOnly: true}
	if src.engine == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	stx, err := src.read.BeginTx(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("copy store: read source: %w", err)
	}
	defer stx.Rollback()
	dtx, err := dst.write.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("copy store: write destination: %w", err)
	}
	defer dtx.Rollback()

	report := &CopyReport{}
	for _, name := range order {
		st, ok := srcTables[name]
		if !ok || clusterOnlyTables[name] {
			continue
		}
		dt := dstTables[name]
		if seededTables[name] {
			if _, err := dtx.ExecContext(ctx, `DELETE FROM `+name); err != nil {
				return nil, fmt.Errorf("copy store: table %s: %w", name, err)
			}
		}
		var n int
		if err := dtx.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM `+name+` LIMIT 1) AS t`).Scan(&n); err != nil {
			return nil, fmt.Errorf("copy store: table %s: %w", name, err)
		}
		if n > 0 {
			return nil, fmt.Errorf("copy store: destination %s already holds rows in %s; copy into an empty database", dst.path, name)
		}
		cols, srcCols, err := copyColumns(name, st, dt, src.engine, dst.engine)
		if err != nil {
			return nil, fmt.Errorf("copy store: %w", err)
		}
		dg, cleaned, err := copyTable(ctx, stx, dtx, name, cols, srcCols)
		if err != nil {
			return nil, fmt.Errorf("copy store: table %s: %w", name, err)
		}
		if dst.engine == Postgres {
			report.Cleaned += cleaned
		}
		report.Tables = append(report.Tables, dg)
		if progress != nil {
			progress(dg)
		}
	}
	if dst.engine == Postgres {
		// Ids were copied as they were: the identities go on after them.
		for _, name := range order {
			if id := dstTables[name].identity; id != "" {
				if _, err := dtx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('`+name+`', '`+id+`'),
					coalesce((SELECT max(`+id+`) FROM `+name+`), 0) + 1, false)`); err != nil {
					return nil, fmt.Errorf("copy store: table %s: restart ids: %w", name, err)
				}
			}
		}
	}
	if err := dtx.Commit(); err != nil {
		return nil, fmt.Errorf("copy store: commit: %w", err)
	}
	stx.Rollback()

	// Read back what was written.
	for _, want := range report.Tables {
		got, err := dst.digest(ctx, dst.read, want.Table, dstTables[want.Table].cols)
		if err != nil {
			return report, fmt.Errorf("copy store: check %s: %w", want.Table, err)
		}
		if got != want {
			return report, &CopyError{Table: want.Table, Source: want, Dest: got}
		}
	}
	return report, nil
}

// tableInfo is what Copy needs to know of a table.
type tableInfo struct {
	cols     []string // in schema order
	parents  []string // tables its foreign keys point to
	identity string   // PostgreSQL: the identity column, if any
}

// tables describes the store's tables (schema_migrations aside).
func (db *DB) tables(ctx context.Context) (map[string]tableInfo, error) {
	var q string
	if db.engine == Postgres {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()
			AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations'`
	} else {
		q = `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
			AND name <> 'schema_migrations'`
	}
	names, err := db.strings(ctx, q)
	if err != nil {
		return nil, err
	}
	out := map[string]tableInfo{}
	for _, name := range names {
		var ti tableInfo
		if db.engine == Postgres {
			rows, err := db.read.QueryContext(ctx, `SELECT column_name, is_identity FROM information_schema.columns
				WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position`, name)
			if err != nil {
				return nil, err
			}
			for rows.Next() {
				var col, ident string
				if err := rows.Scan(&col, &ident); err != nil {
					rows.Close()
					return nil, err
				}
				ti.cols = append(ti.cols, col)
				if ident == "YES" && col != "rowid" {
					ti.identity = col
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, err
			}
			if ti.parents, err = db.strings(ctx, `SELECT DISTINCT confrelid::regclass::text FROM pg_constraint
				WHERE contype = 'f' AND conrelid = ?::regclass`, name); err != nil {
				return nil, err
			}
		} else {
			if ti.cols, err = db.strings(ctx, `SELECT name FROM pragma_table_info(?) ORDER BY cid`, name); err != nil {
				return nil, err
			}
			if ti.parents, err = db.strings(ctx, `SELECT DISTINCT "table" FROM pragma_foreign_key_list(?)`, name); err != nil {
				return nil, err
			}
		}
		out[name] = ti
	}
	return out, nil
}

func (db *DB) strings(ctx context.Context, q string, args ...any) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// copyOrder puts every table after the tables its foreign keys point to.
func copyOrder(tables map[string]tableInfo) ([]string, error) {
	names := make([]string, 0, len(tables))
	for n := range tables {
		names = append(names, n)
	}
	slices.Sort(names)
	var order []string
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(string) error
	visit = func(n string) error {
		switch state[n] {
		case 1:
			return fmt.Errorf("foreign keys form a cycle through %s", n)
		case 2:
			return nil
		}
		state[n] = 1
		for _, p := range tables[n].parents {
			if _, ok := tables[p]; ok && p != n {
				if err := visit(p); err != nil {
					return err
				}
			}
		}
		state[n] = 2
		order = append(order, n)
		return nil
	}
	for _, n := range names {
		if err := visit(n); err != nil {
			return nil, err
		}
	}
	return order, nil
}

// copyColumns returns the columns to write and the expressions that read
// them from the source. The tables must have the same columns, except
// rowid: SQLite has one on every table without saying so, and the
// PostgreSQL twins of the tables read in rowid order make it a column.
func copyColumns(table string, src, dst tableInfo, srcEngine, dstEngine Engine) (cols, srcCols []string, err error) {
	has := func(ti tableInfo, c string) bool { return slices.Contains(ti.cols, c) }
	for _, c := range dst.cols {
		switch {
		case has(src, c):
		case c == "rowid" && srcEngine == SQLite:
		default:
			return nil, nil, fmt.Errorf("table %s: the source has no column %s", table, c)
		}
		cols = append(cols, c)
	}
	for _, c := range src.cols {
		if has(dst, c) {
			continue
		}
		if c == "rowid" && dstEngine == SQLite {
			cols = append(cols, c)
			continue
		}
		return nil, nil, fmt.Errorf("table %s: the destination has no column %s", table, c)
	}
	return cols, cols, nil
}

// Inserts go in batches of rows: few round trips, bounded memory (capture
// bodies are large) and under both engines' limits on parameters.
const (
	copyBatchRows   = 500
	copyBatchParams = 30000
	copyBatchBytes  = 8 << 20
)

func copyTable(ctx context.Context, stx, dtx *dbTx, table string, cols, srcCols []string) (_ TableDigest, cleaned int, err error) {
	dg := newDigester(table, cols)
	rows, err := stx.QueryContext(ctx, `SELECT `+strings.Join(srcCols, ", ")+` FROM `+table)
	if err != nil {
		return TableDigest{}, 0, fmt.Errorf("read: %w", err)
	}
	defer rows.Close()
	row := `(` + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + `)`
	insert := `INSERT INTO ` + table + ` (` + strings.Join(cols, ", ") + `) VALUES `
	var (
		args  []any
		nrows int
		bytes int
	)
	flush := func() error {
		if nrows == 0 {
			return nil
		}
		q := insert + strings.TrimSuffix(strings.Repeat(row+", ", nrows), ", ")
		if _, err := dtx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("write: %w", err)
		}
		args, nrows, bytes = args[:0], 0, 0
		return nil
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return TableDigest{}, 0, fmt.Errorf("read: %w", err)
		}
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				vals[i] = slices.Clone(b) // the driver reuses its buffer
				bytes += len(b)
			} else if s, ok := v.(string); ok {
				bytes += len(s)
			}
		}
		dg.add(vals)
		args = append(args, vals...)
		nrows++
		if nrows >= copyBatchRows || (nrows+1)*len(cols) > copyBatchParams || bytes >= copyBatchBytes {
			if err := flush(); err != nil {
				return TableDigest{}, 0, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return TableDigest{}, 0, fmt.Errorf("read: %w", err)
	}
	if err := flush(); err != nil {
		return TableDigest{}, 0, err
	}
	return dg.result(), dg.cleaned, nil
}

// Digests sums up every table of the store (see TableDigest), so two
// stores can be compared table by table.
func (db *DB) Digests(ctx context.Context) ([]TableDigest, error) {
	tables, err := db.tables(ctx)
	if err != nil {
		return nil, fmt.Errorf("digest store: %w", err)
	}
	names := make([]string, 0, len(tables))
	for n := range tables {
		if !clusterOnlyTables[n] {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	out := make([]TableDigest, 0, len(names))
	for _, n := range names {
		d, err := db.digest(ctx, db.read, n, tables[n].cols)
		if err != nil {
			return nil, fmt.Errorf("digest store: table %s: %w", n, err)
		}
		out = append(out, d)
	}
	return out, nil
}

func (db *DB) digest(ctx context.Context, c *conn, table string, cols []string) (TableDigest, error) {
	var read []string
	for _, col := range cols {
		if col != "rowid" {
			read = append(read, col)
		}
	}
	dg := newDigester(table, read)
	rows, err := c.QueryContext(ctx, `SELECT `+strings.Join(read, ", ")+` FROM `+table)
	if err != nil {
		return TableDigest{}, err
	}
	defer rows.Close()
	vals := make([]any, len(read))
	ptrs := make([]any, len(read))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return TableDigest{}, err
		}
		dg.add(vals)
	}
	if err := rows.Err(); err != nil {
		return TableDigest{}, err
	}
	return dg.result(), nil
}

// digester hashes each row (its columns by name, rowid left out: it only
// orders rows) and adds the hashes as 256-bit numbers, so the sum does
// not depend on the order rows come in — the engines sort text
// differently, and neither has to sort at all.
type digester struct {
	table   string
	names   []string
	skip    []bool
	order   []int // column indexes by name
	rows    int64
	sum     [4]uint64
	cleaned int // text values cleanText changed
}

func newDigester(table string, cols []string) *digester {
	d := &digester{table: table, names: cols, skip: make([]bool, len(cols))}
	for i, c := range cols {
		d.skip[i] = c == "rowid"
		d.order = append(d.order, i)
	}
	slices.SortFunc(d.order, func(a, b int) int { return strings.Compare(cols[a], cols[b]) })
	return d
}

func (d *digester) add(vals []any) {
	h := sha256.New()
	for _, i := range d.order {
		if d.skip[i] {
			continue
		}
		h.Write([]byte(d.names[i]))
		h.Write([]byte{0})
		switch v := vals[i].(type) {
		case nil:
			h.Write([]byte{'n'})
		case int64:
			h.Write([]byte("i" + strconv.FormatInt(v, 10)))
		case float64:
			h.Write([]byte("f" + strconv.FormatFloat(v, 'g', -1, 64)))
		case bool: // PostgreSQL booleans, were a column to become one
			h.Write([]byte("i" + strconv.Itoa(boolInt(v))))
		case string:
			c, changed := cleanText(v)
			if changed {
				d.cleaned++
			}
			h.Write([]byte("s" + c))
		case []byte:
			h.Write([]byte("b"))
			h.Write(v)
		default:
			h.Write([]byte(fmt.Sprintf("?%v", v)))
		}
		h.Write([]byte{0})
	}
	var sum [32]byte
	h.Sum(sum[:0])
	var carry uint64
	for k := 3; k >= 0; k-- {
		d.sum[k], carry = bits.Add64(d.sum[k], binary.BigEndian.Uint64(sum[8*k:]), carry)
	}
	d.rows++
}

func (d *digester) result() TableDigest {
	var b [32]byte
	for k := range 4 {
		binary.BigEndian.PutUint64(b[8*k:], d.sum[k])
	}
	return TableDigest{Table: d.table, Rows: d.rows, Sum: hex.EncodeToString(b[:])}
}
