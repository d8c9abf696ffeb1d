package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"policywatch/store"
	"policywatch/topic"
)

// Where the archive lives. By default, policywatch.db in the data
// directory: one machine, SQLite. With --db postgres://… (or database: in
// the topic config) the archive is a PostgreSQL database that crawl
// workers and servers on any number of machines share; the data
// directory then keeps what is each node's own (its search index).

// dbFlag adds --db to the flags of a command that opens the archive.
func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", "", "the archive at `URL`: a PostgreSQL database (postgres://user:password@host:5432/dbname) shared by several machines, or an SQLite file (default: the topic config's database:, else policywatch.db in the data directory)")
}

// storeSpec is where a command's archive is: --db, else the topic
// config's database: (a file relative to the config), else the data
// directory's SQLite file.
func storeSpec(dataDir, db string, t *topic.Topic) string {
	switch {
	case db != "":
		return db
	case t != nil && t.Database != "":
		if store.IsURL(t.Database) || filepath.IsAbs(t.Database) || strings.HasPrefix(t.File, "builtin:") {
			return t.Database
		}
		return filepath.Join(filepath.Dir(t.File), t.Database)
	}
	return filepath.Join(dataDir, storeFile)
}

// openStore opens the archive alone, for commands that do not search.
func openStore(ctx context.Context, dataDir, spec string) (*store.DB, error) {
	if !store.IsURL(spec) {
		if err := os.MkdirAll(filepath.Dir(spec), 0o755); err != nil {
			return nil, fmt.Errorf("create data directory: %w", err)
		}
	}
	return store.Open(ctx, spec)
}

// needArchiveAt is needArchive (datadir.go) for an archive that may be
// elsewhere than the data directory: a named SQLite file must exist; a
// PostgreSQL database is checked by connecting to it.
func needArchiveAt(dir, spec string) error {
	switch {
	case store.IsURL(spec):
		return nil
	case spec == filepath.Join(dir, storeFile):
		return needArchive(dir)
	}
	if _, err := os.Stat(spec); errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("no policywatch archive at %s: check --db", spec)
	}
	return nil
}

// openExistingAt is openExisting for the archive at spec.
func openExistingAt(ctx context.Context, dir, spec string, logger *slog.Logger) (*app, error) {
	if err := needArchiveAt(dir, spec); err != nil {
		return nil, err
	}
	return openAppAt(ctx, dir, spec, logger)
}

// openOrCreateAt is openOrCreate for the archive at spec.
func openOrCreateAt(ctx context.Context, dir, spec string, logger *slog.Logger) (*app, error) {
	if spec == filepath.Join(dir, storeFile) {
		return openOrCreate(ctx, dir, logger)
	}
	return openAppAt(ctx, dir, spec, logger)
}
