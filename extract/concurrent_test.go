package extract

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// TestExtractConcurrent runs the test pages from several goroutines at
// once and expects the same results as one at a time (the crawler calls
// Extract from its workers). Run with -race to check for data races.
func TestExtractConcurrent(t *testing.T) {
	pages, _ := filepath.Glob(filepath.Join("testdata", "pages", "*.html"))
	want := map[string]string{}
	bodies := map[string][]byte{}
	for _, p := range pages {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		r, err := Extract(b, "https://example.org/x")
		if err != nil {
			t.Fatal(err)
		}
		js, _ := r.JSON()
		want[p], bodies[p] = string(js), b
	}
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		for _, p := range pages {
			wg.Add(1)
			go func(p string) {
				defer wg.Done()
				r, err := Extract(bodies[p], "https://example.org/x")
				if err != nil {
					t.Error(err)
					return
				}
				if js, _ := r.JSON(); string(js) != want[p] {
					t.Errorf("%s: concurrent result differs:\n%s\n%s", p, js, want[p])
				}
			}(p)
		}
	}
	wg.Wait()
}
