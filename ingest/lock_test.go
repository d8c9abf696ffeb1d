package ingest

import (
	"strings"
	"testing"
)

func TestSecondCrawlOnOneDataDirectoryIsRefused(t *testing.T) {
	dir := Dir(t.TempDir())
	first, err := dir.LockCrawl()
	if err != nil {
		t.Fatal(err)
	}
	_, err = dir.LockCrawl()
	if err == nil || !strings.Contains(err.Error(), "another crawl is already running") || !strings.Contains(err.Error(), "(crawl,") {
		t.Fatalf("second lock: %v, want a clear refusal naming the holder", err)
	}
	first.Unlock()
	again, err := dir.LockCrawl()
	if err != nil {
		t.Fatalf("lock after unlock: %v", err)
	}
	again.Unlock()
}
