package main

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
)

// storeFile is the store's file in a data directory: its presence is what
// makes the directory an archive.
const storeFile = "policywatch.db"

// hasArchive reports whether dir holds an archive. A path that exists but
// is not a directory is an error, not "no archive".
func hasArchive(dir string) (bool, error) {
	st, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("data directory %s: %w", dir, err)
	}
	if !st.IsDir() {
		return false, fmt.Errorf("data directory %s is a file, not a directory", dir)
	}
	st, err = os.Stat(filepath.Join(dir, storeFile))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("data directory %s: %w", dir, err)
	}
	return st.Mode().IsRegular(), nil
}

// needArchive refuses a data directory without an archive, for commands
// that read one: opening it would create an empty archive, and a mistyped
// --data would then answer "0 matching documents" instead of an error.
func needArchive(dir string) error {
	ok, err := hasArchive(dir)
	if err != nil || ok {
		return err
	}
	why := "it holds no " + storeFile
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		why = "it does not exist"
	}
	if dir == defaultDataDir() {
		return fmt.Errorf("no policywatch archive in %s, the default data directory (%s): give --data DIR, or create one with policywatch crawl", dir, why)
	}
	return fmt.Errorf("no policywatch archive in %s (%s): check --data, or create one with policywatch crawl --data %s", dir, why, dir)
}

// noteNewArchive logs that a command that creates archives (crawl, demo,
// import, user add, serve with a schedule) is about to create one in dir,
// so a mistyped --data is noticed.
func noteNewArchive(dir string, logger *slog.Logger) error {
	ok, err := hasArchive(dir)
	if err != nil {
		return err
	}
	if !ok {
		logger.Info("no archive in the data directory: creating one", "dir", dir)
	}
	return nil
}
