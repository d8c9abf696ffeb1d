package main

import (
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"policywatch/topic"
)

// policywatch extract reads gzipped pages, but one that inflates past
// what any crawl accepts is refused before it fills the memory.
func TestExtractRefusesAGzipBomb(t *testing.T) {
	c := newCLI(t)
	dir := t.TempDir()

	page := filepath.Join(dir, "page.html.gz")
	writeGzip(t, page, func(zw *gzip.Writer) {
		zw.Write([]byte("<html><head><title>Visa restrictions</title></head><body><article><p>The Secretary announced visa restrictions on officials over Hong Kong.</p></article></body></html>"))
	})
	if r := c.ok("extract", page); !strings.Contains(r.stdout, "Visa restrictions") {
		t.Errorf("extract of a gzipped page: %s", r.stdout)
	}

	bomb := filepath.Join(dir, "bomb.html.gz")
	writeGzip(t, bomb, func(zw *gzip.Writer) {
		zeros := make([]byte, 1<<20)
		for range topic.MaxBody>>20 + 1 {
			zw.Write(zeros)
		}
	})
	r := c.run("extract", bomb)
	if r.code == 0 || !strings.Contains(r.stderr, "decompresses to more than 256 MB") {
		t.Errorf("extract of a gzip bomb: exit %d, stderr %q", r.code, r.stderr)
	}
}

func writeGzip(t *testing.T, path string, write func(*gzip.Writer)) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw, _ := gzip.NewWriterLevel(f, gzip.BestSpeed)
	write(zw)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}
