//go:build !unix

package main

import (
	"os"
	"path/filepath"
)

// writable tries to write: a new file in a directory, the file itself
// opened for writing otherwise.
func writable(path string) bool {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		f, err := os.CreateTemp(path, ".policywatch-write-check-*")
		if err != nil {
			return false
		}
		f.Close()
		os.Remove(filepath.Join(path, filepath.Base(f.Name())))
		return true
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return false
	}
	f.Close()
	return true
}
