package main

import (
	"strings"
	"testing"
)

func TestSecondCrawlOnOneDataDirectoryIsRefused(t *testing.T) {
	dir := t.TempDir()
	first, err := lockCrawl(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = lockCrawl(dir)
	if err == nil || !strings.Contains(err.Error(), "another crawl is already running") {
		t.Fatalf("second lock: %v, want a clear refusal", err)
	}
	first.Unlock()
	again, err := lockCrawl(dir)
	if err != nil {
		t.Fatalf("lock after unlock: %v", err)
	}
	again.Unlock()
}
