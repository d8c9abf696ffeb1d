package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"syscall"

	"policywatch/index"
	"policywatch/store"
)

// A data directory may be read-only: a mounted snapshot, a backup
// volume, an archive handed to a researcher. Commands that only read
// (verify, backup, export, search, runs) then open the store and the
// index read-only; commands that write (crawl, serve, reindex, import,
// user, search --save) refuse at once with readOnlyError rather than
// SQLite's "unable to open database file" from deep inside a migration.

// readOnlyError is a writing command pointed at a read-only data
// directory.
type readOnlyError struct{ dir string }

func (e readOnlyError) Error() string { return "data directory is read-only: " + e.dir }

// dataDirReadOnly reports whether dir, or the database in it, cannot be
// written by this process (permissions, or a read-only file system). A
// directory that does not exist is not read-only: a writer creates it.
func dataDirReadOnly(dir string) bool {
	for _, p := range []string{dir, filepath.Join(dir, "policywatch.db")} {
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

// openReader opens the archive in dir for a command that only reads: as
// openExisting does when the directory can be written (migrations
// applied, a missing index rebuilt), read-only otherwise.
func openReader(ctx context.Context, dir string, logger *slog.Logger) (*app, error) {
	if !dataDirReadOnly(dir) {
		return openExisting(ctx, dir, logger)
	}
	if err := needArchive(dir); err != nil {
		return nil, err
	}
	db, err := store.OpenReadOnly(ctx, filepath.Join(dir, "policywatch.db"))
	if err != nil {
		return nil, fmt.Errorf("%w (data directory is read-only)", err)
	}
	ix, err := index.OpenReadOnly(filepath.Join(dir, "index"))
	if err != nil {
		db.Close()
		if errors.Is(err, index.ErrNeedsRebuild) {
			return nil, fmt.Errorf("%w: run policywatch reindex --data %s with write access", err, dir)
		}
		return nil, err
	}
	return &app{dir: dir, db: db, ix: ix, logger: logger, readOnly: true}, nil
}

// openStoreReader opens only the store of the data directory, read-only
// when the directory is (verify, backup, export warc).
func openStoreReader(ctx context.Context, dir string) (*store.DB, error) {
	if err := needArchive(dir); err != nil { // datadir.go
		return nil, err
	}
	path := filepath.Join(dir, "policywatch.db")
	if dataDirReadOnly(dir) {
		return store.OpenReadOnly(ctx, path)
	}
	return store.Open(ctx, path)
}
