package store

import (
	"errors"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// WriteFailed reports whether err is the storage itself failing — the
// disk or the database full, the file system read-only or failing —
// rather than a problem with what was written. Nothing later will fare
// better, so a crawl stops at the first one instead of fetching pages it
// cannot keep (1,580 useless requests once the disk filled).
func WriteFailed(err error) bool {
	if err == nil {
		return false
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff { // primary code; extended codes add high bits
		case sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN,
			sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_PERM:
			return true
		}
	}
	// PostgreSQL: insufficient resources (53: disk full, out of memory),
	// a read-only transaction, system errors (58: I/O).
	var pe *pgconn.PgError
	if errors.As(err, &pe) && (strings.HasPrefix(pe.Code, "53") || strings.HasPrefix(pe.Code, "58") || pe.Code == "25006") {
		return true
	}
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) || errors.Is(err, syscall.EROFS) ||
		errors.Is(err, syscall.EIO)
}

// WriteFailed reports whether err from one of db's writes is the storage
// failing (the package's WriteFailed); the crawler's State asks it, so a
// crawl stops at the first such write.
func (db *DB) WriteFailed(err error) bool { return WriteFailed(err) }
