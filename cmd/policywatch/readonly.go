package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"syscall"

	"policywatch/index"
	"policywatch/ingest"
	"policywatch/store"
)

// A data directory may be read-only: a mounted snapshot, a backup
// volume, an archive handed to a researcher. Commands that only read
// (verify, backup, export, search, runs, user list) then open the store
// and the index read-only, take no lock and leave the change log for a
// process that may write; commands that write (crawl, serve, reindex,
// import, user add, search --save) refuse at once with readOnlyError
// rather than SQLite's "unable to open database file" from deep inside a
// migration.

// readOnlyError is a writing command pointed at a read-only data
// directory.
type readOnlyError struct{ dir string }

func (e readOnlyError) Error() string { return "data directory is read-only: " + e.dir }

// dataDirReadOnly reports whether dir, or the database in it, cannot be
// written by this process (permissions, or a read-only file system). A
// directory that does not exist is not read-only: a writer creates it.
func dataDirReadOnly(dir string) bool {
	for _, p := range []string{dir, filepath.Join(dir, storeFile)} {
		if _, err := os.Stat(p); err != nil {
			continue
		}
		if !writable(p) {
			return true
		}
	}
	return false
}

// isReadOnlyErr reports whether err says a path cannot be written.
func isReadOnlyErr(err error) bool {
	return errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS)
}

// openReader opens the store of the archive in dir for a command that
// only reads: as openStore does when the directory can be written
// (migrations applied), read-only otherwise (a.readOnly).
func openReader(ctx context.Context, dir string, logger *slog.Logger) (*app, error) {
	if err := needArchive(dir); err != nil { // datadir.go
		return nil, err
	}
	if !dataDirReadOnly(dir) {
		return openStore(ctx, dir, logger)
	}
	db, err := store.OpenReadOnly(ctx, ingest.Dir(dir).StorePath())
	if err != nil {
		return nil, fmt.Errorf("%w (data directory is read-only)", err)
	}
	return &app{dir: dir, db: db, logger: logger, readOnly: true}, nil
}

// openStoreReader opens only the store of the data directory, read-only
// when the directory is (backup, export warc).
func openStoreReader(ctx context.Context, dir string) (*store.DB, error) {
	if err := needArchive(dir); err != nil { // datadir.go
		return nil, err
	}
	path := ingest.Dir(dir).StorePath()
	if dataDirReadOnly(dir) {
		return store.OpenReadOnly(ctx, path)
	}
	return store.Open(ctx, path)
}

// readIndex opens the search index of a read-only app (openReader) for
// reading, without the index lock and without taking the change log in;
// changes the index has yet to take in are said on w, since searches
// miss them until a process that may write the directory applies them.
func (a *app) readIndex(ctx context.Context, w io.Writer) error {
	ix, pending, err := ingest.OpenIndexReadOnly(ctx, ingest.Dir(a.dir), a.db)
	if errors.Is(err, index.ErrNeedsRebuild) {
		return fmt.Errorf("%w: run policywatch reindex --data %s with write access", err, a.dir)
	}
	if err != nil {
		return fmt.Errorf("%w (data directory is read-only)", err)
	}
	if pending > 0 {
		fmt.Fprintf(w, "the search index lacks the %d newest changes of the archive: the data directory is read-only, so they wait for a process that may write it (serve, crawl, reindex)\n", pending)
	}
	a.ix = ix
	return nil
}
