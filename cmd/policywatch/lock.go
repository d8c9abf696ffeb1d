package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// crawlLock keeps two crawls off one data directory: both would fetch the
// same frontier and race on versions. It is an advisory flock, so the
// kernel releases it when a crawl dies, even by SIGKILL.
type crawlLock struct{ f *os.File }

func lockCrawl(dir string) (*crawlLock, error) {
	path := filepath.Join(dir, "crawl.lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open crawl lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder, _ := os.ReadFile(path)
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("another crawl is already running on %s (%s); wait for it to finish",
				dir, strings.TrimSpace(string(holder)))
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	f.Truncate(0)
	fmt.Fprintf(f, "pid %d, started %s", os.Getpid(), time.Now().UTC().Format(time.RFC3339))
	return &crawlLock{f: f}, nil
}

func (l *crawlLock) Unlock() {
	syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	l.f.Close()
}
