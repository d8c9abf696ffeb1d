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
// directory then keeps what is each node's own (its search index, its
// locks and control socket).

// place is where a command finds its archive and its node's own files.
type place struct {
	dir  string // the data directory
	spec string // the store: the data directory's policywatch.db, another SQLite file, or a PostgreSQL URL
}

// dbFlag adds --db to the flags of a command that opens the archive.
func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", "", "the archive at `URL`: a PostgreSQL database (postgres://user:password@host:5432/dbname) shared by several machines, or an SQLite file (default: the topic config's database:, else policywatch.db in the data directory)")
}

// locate is where a command's archive is: --db, else the topic config's
// database: (a file relative to the config), else the data directory's
// SQLite file.
func locate(dataDir, db string, t *topic.Topic) place {
	p := place{dir: dataDir, spec: filepath.Join(dataDir, storeFile)}
	switch {
	case db != "":
		p.spec = db
	case t != nil && t.Database != "":
		p.spec = t.Database
		if !store.IsURL(p.spec) && !filepath.IsAbs(p.spec) && !strings.HasPrefix(t.File, "builtin:") {
			p.spec = filepath.Join(filepath.Dir(t.File), p.spec)
		}
	}
	return p
}

// inDir reports whether the archive is the data directory's own file.
func (p place) inDir() bool { return p.spec == filepath.Join(p.dir, storeFile) }

// need refuses a missing archive, for commands that read one (see
// needArchive): a named SQLite file must exist; a PostgreSQL database is
// checked by connecting to it.
func (p place) need() error {
	switch {
	case store.IsURL(p.spec):
		return nil
	case p.inDir():
		return needArchive(p.dir)
	}
	if _, err := os.Stat(p.spec); errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("no policywatch archive at %s: check --db", p.spec)
	}
	return nil
}

// note says when a command is about to create the archive (see
// noteNewArchive).
func (p place) note(logger *slog.Logger) error {
	if p.inDir() {
		return noteNewArchive(p.dir, logger)
	}
	return nil
}

// openDB opens the archive alone, for commands that need no app.
func openDB(ctx context.Context, p place) (*store.DB, error) {
	if !store.IsURL(p.spec) {
		if err := os.MkdirAll(filepath.Dir(p.spec), 0o755); err != nil {
			return nil, fmt.Errorf("create data directory: %w", err)
		}
	}
	return store.Open(ctx, p.spec)
}

// openReaderAt is openReader (readonly.go) for an archive that may live
// elsewhere than the data directory.
func openReaderAt(ctx context.Context, p place, logger *slog.Logger) (*app, error) {
	if p.inDir() {
		return openReader(ctx, p.dir, logger)
	}
	if err := p.need(); err != nil {
		return nil, err
	}
	return openStoreAt(ctx, p, logger)
}

// openStoreReaderAt is openStoreReader (readonly.go) for an archive that
// may live elsewhere than the data directory.
func openStoreReaderAt(ctx context.Context, p place) (*store.DB, error) {
	if p.inDir() {
		return openStoreReader(ctx, p.dir)
	}
	if err := p.need(); err != nil {
		return nil, err
	}
	return openDB(ctx, p)
}
