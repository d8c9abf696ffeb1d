package main

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"policywatch/model"
	"policywatch/store"
)

// TestVerifyReadsOneSnapshot: verify while another process keeps adding
// documents (a crawl) checks the captures and the documents of one moment
// of the store: every document here has one capture, so the two counts
// verify prints must be equal, however the writes fall.
func TestVerifyReadsOneSnapshot(t *testing.T) {
	c := newCLI(t)
	dir := emptyArchive(t)
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(dir, storeFile))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	words := strings.Fields("law court visa trade treaty envoy port bank press vote rule city")
	n := 0
	add := func() error {
		n++
		u := fmt.Sprintf("https://gov.example/statement/%d", n)
		// Words in an order of their own, so no two are near-duplicates.
		var b strings.Builder
		for i := range 400 {
			b.WriteString(words[(n*7+i*i*(n%11+1))%len(words)] + " ")
		}
		text := fmt.Sprintf("Statement %d. %s", n, b.String())
		d := &model.Document{URL: u, Source: "gov", Kind: model.KindOfficial, Title: fmt.Sprintf("Statement %d", n),
			Text: text, Lang: "en", ContentHash: fmt.Sprintf("h%d", n)}
		_, err := db.SaveCapture(ctx, d, &model.Capture{RequestURL: u, FinalURL: u, Status: 200,
			Body: []byte("<p>" + text + "</p>"), ContentHash: d.ContentHash})
		return err
	}
	for range 200 {
		if err := add(); err != nil {
			t.Fatal(err)
		}
	}

	// A crawl in all but name: documents keep arriving while verify runs.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if err := add(); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	counts := regexp.MustCompile(`(?m)^(\d+) captures checked, 0 mismatches\n(\d+) documents' versions checked, 0 inconsistencies$`)
	for i := range 2 {
		r := c.run("verify", "--data", dir) // the index lags behind the writes: only the store's lines count here
		m := counts.FindStringSubmatch(r.stdout)
		if m == nil {
			t.Fatalf("verify %d: %s%s", i, r.stdout, r.stderr)
		}
		if m[1] != m[2] {
			t.Errorf("verify %d checked %s captures and %s documents, one capture each: not one snapshot", i, m[1], m[2])
		}
	}
	close(stop)
	wg.Wait()
}
