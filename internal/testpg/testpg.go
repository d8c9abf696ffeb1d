// Package testpg gives tests their own PostgreSQL database on the server
// named by POLICYWATCH_TEST_POSTGRES (scripts/testpg.sh starts one;
// .ci/run does it for CI). Each call creates a fresh, empty schema and
// drops it when the test ends, so tests never see each other's rows.
//
// Without the variable, tests that need PostgreSQL skip — unless CI is
// set (or POLICYWATCH_REQUIRE_POSTGRES), where a missing server is a
// failure: a CI run that silently skipped every PostgreSQL test would
// pass without testing the scale-out at all.
package testpg

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// Env names the variable holding the test server's URL (a superuser
// connection: tests create and drop databases).
const Env = "POLICYWATCH_TEST_POSTGRES"

// Required reports whether a missing test server fails tests rather than
// skipping them.
func Required() bool {
	return os.Getenv("POLICYWATCH_REQUIRE_POSTGRES") != "" || os.Getenv("CI") != ""
}

// ServerURL returns the test server's URL, or "" after skipping (or
// failing, in CI) t when there is none.
func ServerURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(Env)
	if u != "" {
		return u
	}
	if Required() {
		t.Fatalf("%s is not set: this run must test PostgreSQL (start one with scripts/testpg.sh, as .ci/run does)", Env)
	}
	t.Skipf("PostgreSQL tests skipped: %s is not set (eval \"$(scripts/testpg.sh start)\" starts a throwaway server)", Env)
	return ""
}

var seq atomic.Int64

// NewDatabase returns the URL of an empty database for t: a schema of its
// own on the test server, named in the URL's search_path, so everything
// the store creates lands there. (A schema costs a fraction of a CREATE
// DATABASE, which matters on a shared two-core machine.) It is dropped
// when t ends.
func NewDatabase(t testing.TB) string {
	t.Helper()
	server := ServerURL(t)
	admin, err := sql.Open("pgx", server)
	if err != nil {
		t.Fatalf("testpg: %v", err)
	}
	t.Cleanup(func() { admin.Close() })
	name := fmt.Sprintf("pwtest_%d_%d_%d", os.Getpid(), time.Now().UnixNano()%1e6, seq.Add(1))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+name); err != nil {
		t.Fatalf("testpg: create schema on %s: %v", redact(server), err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, `DROP SCHEMA IF EXISTS `+name+` CASCADE`); err != nil {
			t.Logf("testpg: drop schema %s: %v", name, err)
		}
	})
	return WithSchema(server, name)
}

// WithSchema returns server's URL with search_path set to schema.
func WithSchema(server, schema string) string {
	u, err := url.Parse(server)
	if err != nil {
		return server
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func redact(s string) string {
	if u, err := url.Parse(s); err == nil {
		return u.Redacted()
	}
	return strings.SplitN(s, "@", 2)[0]
}
