package store

import (
	"context"
	"crypto/rand"
	"fmt"
	"syscall"
	"testing"
	"time"

	"policywatch/model"
)

// TestWriteFailedKnowsAFullDatabase: a database that cannot grow (here
// capped with max_page_count, as a full disk caps it) fails a save with
// an error WriteFailed recognises; a document the store refuses on its
// own merits is not a storage failure. (SQLite only: PostgreSQL cannot
// be capped from a test; its full-disk codes are in WriteFailed.)
func TestWriteFailedKnowsAFullDatabase(t *testing.T) {
	ctx := context.Background()
	db := engines[0].open(t) // SQLite, on purpose
	var pages int
	if err := db.write.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := db.write.ExecContext(ctx, fmt.Sprintf(`PRAGMA max_page_count = %d`, pages+2)); err != nil {
		t.Fatal(err)
	}
	body := make([]byte, 256<<10) // random: gzip cannot shrink it
	rand.Read(body)
	at := time.Now()
	d := &model.Document{URL: "https://e.example/big", Source: "s", Kind: model.KindNews, Title: "Big", Text: "big text", FetchedAt: at, ContentHash: "hb"}
	_, err := db.SaveCapture(ctx, d, &model.Capture{FetchedAt: at, RequestURL: d.URL, FinalURL: d.URL, Status: 200, Body: body, ContentHash: "hb"})
	if err == nil {
		t.Fatal("a save past max_page_count succeeded")
	}
	if !WriteFailed(err) {
		t.Errorf("WriteFailed(%v) = false, want a full database recognised", err)
	}
	if _, err := db.SaveCapture(ctx, &model.Document{}, &model.Capture{}); err == nil || WriteFailed(err) {
		t.Errorf("a document without a URL: %v; want an error that is not a storage failure", err)
	}
	if !WriteFailed(fmt.Errorf("write wal: %w", syscall.ENOSPC)) || WriteFailed(nil) {
		t.Error("ENOSPC not recognised, or nil taken for a failure")
	}
}
