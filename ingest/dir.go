package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"policywatch/index"
)

// Dir is a data directory: the store, the search index, and the locks
// that let several processes share them.
type Dir string

// StorePath is the SQLite store's file.
func (d Dir) StorePath() string { return filepath.Join(string(d), "policywatch.db") }

// IndexPath is the Bleve index's directory.
func (d Dir) IndexPath() string { return filepath.Join(string(d), "index") }

// SocketPath is where a serving process answers other processes on this
// data directory (searches, re-index requests). A Unix socket path is
// limited to about 100 bytes, so a deep data directory gets one in the
// temporary directory, named by the data directory's path.
func (d Dir) SocketPath() string {
	p := filepath.Join(string(d), "serve.sock")
	if abs, err := filepath.Abs(p); err == nil && len(abs) < 100 {
		return abs
	}
	abs, _ := filepath.Abs(string(d))
	sum := sha256.Sum256([]byte(abs))
	return filepath.Join(os.TempDir(), "policywatch-"+hex.EncodeToString(sum[:6])+".sock")
}

// Holder says which process holds a lock, written into the lock file so
// another process can name it, and reach it when it serves.
type Holder struct {
	PID    int       `json:"pid"`
	Role   string    `json:"role"` // "serve", "crawl", "search", "reindex", ...
	Since  time.Time `json:"since"`
	Socket string    `json:"socket,omitempty"` // a server's control socket
}

func (h Holder) String() string {
	return fmt.Sprintf("pid %d (%s, since %s)", h.PID, h.Role, h.Since.UTC().Format(time.RFC3339))
}

// Serving reports whether the holder is a server other processes can ask.
func (h Holder) Serving() bool { return h.Role == RoleServe && h.Socket != "" }

// RoleServe is the role of a process that serves the archive and keeps
// its index current for as long as it runs.
const RoleServe = "serve"

// Lock is an advisory flock on a file of the data directory: the kernel
// releases it when its process dies, even by SIGKILL.
type Lock struct{ f *os.File }

// ErrLocked is the error of a lock held by another process.
var ErrLocked = errors.New("locked")

// LockedError says who holds a lock that could not be taken.
type LockedError struct {
	What   string // "search index", "crawl"
	Holder Holder
}

func (e *LockedError) Error() string {
	return fmt.Sprintf("the %s is held by %s", e.What, e.Holder)
}

func (e *LockedError) Unwrap() error { return ErrLocked }

// tryLock takes the lock at path without waiting and writes holder into
// it; a held lock gives a *LockedError naming its holder.
func tryLock(path, what string, holder Holder) (*Lock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open %s lock: %w", what, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, &LockedError{What: what, Holder: readHolder(path)}
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	data, _ := json.Marshal(holder)
	if err := f.Truncate(0); err == nil {
		f.WriteAt(data, 0)
	}
	return &Lock{f: f}, nil
}

// readHolder reads who holds (or last held) the lock at path.
func readHolder(path string) Holder {
	var h Holder
	data, err := os.ReadFile(path)
	if err != nil {
		return h
	}
	if json.Unmarshal(data, &h) != nil {
		// An older policywatch wrote "pid N, started T".
		h.Role = strings.TrimSpace(string(data))
	}
	return h
}

// Unlock releases the lock.
func (l *Lock) Unlock() {
	if l == nil || l.f == nil {
		return
	}
	syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	l.f.Close()
	l.f = nil
}

func newHolder(role string) Holder {
	return Holder{PID: os.Getpid(), Role: role, Since: time.Now().UTC()}
}

// LockCrawl keeps two crawls off one data directory: both would fetch the
// same frontier and race on versions.
func (d Dir) LockCrawl() (*Lock, error) {
	l, err := tryLock(filepath.Join(string(d), "crawl.lock"), "crawl", newHolder("crawl"))
	var le *LockedError
	if errors.As(err, &le) {
		return nil, fmt.Errorf("another crawl is already running on %s (%s); wait for it to finish", d, le.Holder)
	}
	return l, err
}

// indexLockPath is the lock of the search index: one process writes the
// index at a time (Bleve allows one opener).
func (d Dir) indexLockPath() string { return filepath.Join(string(d), "index.lock") }

// consumerName names d's index among the readers of a shared change log
// (store.NoteConsumer): the machine and the index's path.
func (d Dir) consumerName() string {
	host, _ := os.Hostname()
	path, err := filepath.Abs(d.IndexPath())
	if err != nil {
		path = d.IndexPath()
	}
	return host + ":" + path
}

// IndexApplied returns the last change of the store's log the search
// index of d took in, changing nothing (taking the index with OwnIndex
// would bring it up to date first). It waits for a holder that is not a
// server; a server keeps the index current itself: *ServedError.
func IndexApplied(ctx context.Context, d Dir, wait time.Duration) (applied int64, err error) {
	deadline := time.Now().Add(wait)
	for {
		l, err := tryLock(d.indexLockPath(), "search index", newHolder("peek"))
		if err == nil {
			defer l.Unlock()
			return index.AppliedSeqAt(d.IndexPath())
		}
		var le *LockedError
		if !errors.As(err, &le) {
			return 0, err
		}
		if le.Holder.Serving() {
			return 0, &ServedError{Holder: le.Holder}
		}
		if time.Now().After(deadline) {
			return 0, err
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}
