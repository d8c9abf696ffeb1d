package store

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
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
