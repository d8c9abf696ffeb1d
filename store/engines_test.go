package store

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"policywatch/internal/testpg"
)

// One suite, every backend: each test of the store runs once on SQLite
// and once on PostgreSQL, as subtests named after the engine, so the two
// cannot drift apart. PostgreSQL runs when POLICYWATCH_TEST_POSTGRES
// names a server (scripts/testpg.sh starts one) and is required in CI.

// testEngine opens fresh stores on one engine.
type testEngine struct {
	name Engine
	// spec returns the spec of a new, empty database (a file path or a
	// URL) that lives as long as t.
	spec func(t *testing.T) string
}

// open opens a new, empty store, closed when t ends.
func (e testEngine) open(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), e.spec(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

var engines = []testEngine{
	{SQLite, func(t *testing.T) string { return filepath.Join(t.TempDir(), "pw.db") }},
	{Postgres, func(t *testing.T) string { return testpg.NewDatabase(t) }},
}

// eachEngine runs test once per engine.
func eachEngine(t *testing.T, test func(t *testing.T, e testEngine)) {
	for _, e := range engines {
		t.Run(string(e.name), func(t *testing.T) { test(t, e) })
	}
}

// TestEveryStoreTestRunsOnEveryEngine fails for a test of this package
// that opens an SQLite store by itself: written that way, it would never
// run against PostgreSQL.
func TestEveryStoreTestRunsOnEveryEngine(t *testing.T) {
	files, err := filepath.Glob("*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, f := range files {
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range file.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || !strings.HasPrefix(fn.Name.Name, "Test") || fn.Body == nil {
				continue
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				if call, ok := n.(*ast.CallExpr); ok {
					if id, ok := call.Fun.(*ast.Ident); ok && id.Name == "openTestDB" {
						t.Errorf("%s: %s opens SQLite only; write it as func %s(t) { eachEngine(t, test%s) } with e.open(t)",
							fset.Position(call.Pos()), fn.Name.Name, fn.Name.Name, strings.TrimPrefix(fn.Name.Name, "Test"))
					}
				}
				return true
			})
		}
	}
}

// TestMigrationsHaveTwins: every SQLite migration has its PostgreSQL
// twin (same file name under migrations/postgres), so a migration added
// for one engine only fails here rather than on a cluster.
func TestMigrationsHaveTwins(t *testing.T) {
	sqlite, _ := filepath.Glob("migrations/*.sql")
	pg, _ := filepath.Glob("migrations/postgres/*.sql")
	have := map[string]bool{}
	for _, f := range pg {
		have[filepath.Base(f)] = true
	}
	for _, f := range sqlite {
		if !have[filepath.Base(f)] {
			t.Errorf("%s has no PostgreSQL twin: add migrations/postgres/%s with the same tables and columns", f, filepath.Base(f))
		}
		delete(have, filepath.Base(f))
	}
	for f := range have {
		if !strings.Contains(f, "_cluster") {
			t.Errorf("migrations/postgres/%s has no SQLite twin (PostgreSQL-only migrations are named *_cluster*.sql)", f)
		}
	}
}

// TestSchemasMatch: after migrating, both engines have the same tables
// with the same columns (rowid aside: SQLite has it implicitly), which
// is what lets one set of queries, and Copy, work on both.
func TestSchemasMatch(t *testing.T) {
	ctx := context.Background()
	schemas := map[Engine]map[string]tableInfo{}
	for _, e := range engines {
		tables, err := e.open(t).tables(ctx)
		if err != nil {
			t.Fatal(err)
		}
		schemas[e.name] = tables
	}
	lite, pg := schemas[SQLite], schemas[Postgres]
	for name, lt := range lite {
		pt, ok := pg[name]
		if !ok {
			t.Errorf("table %s is missing on PostgreSQL", name)
			continue
		}
		pcols := slices.DeleteFunc(slices.Clone(pt.cols), func(c string) bool { return c == "rowid" })
		if !slices.Equal(lt.cols, pcols) {
			t.Errorf("table %s: SQLite columns %v, PostgreSQL %v", name, lt.cols, pcols)
		}
	}
	for name := range pg {
		if _, ok := lite[name]; !ok && !clusterOnlyTables[name] {
			t.Errorf("table %s is on PostgreSQL only but not listed in clusterOnlyTables", name)
		}
	}
}
