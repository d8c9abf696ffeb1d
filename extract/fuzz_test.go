package extract

import (
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
	"unicode/utf8"
)

// benchSeeds is how many pages of each benchmark set seed the fuzzer
// when the shared benchmark folder is present.
const benchSeeds = 2

// FuzzExtract checks that no input makes Extract panic or run away, and
// that what it returns can always be encoded. Seeds: our test pages, a
// few benchmark pages, and some malformed fragments.
func FuzzExtract(f *testing.F) {
	pages, _ := filepath.Glob(filepath.Join("testdata", "pages", "*.html"))
	for _, p := range pages {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	for _, set := range []string{"extraction", "metadata/readability", "metadata/htmldate"} {
		files, _ := filepath.Glob(filepath.Join("..", "..", "shared", "bench", set, "html", "*.html.gz"))
		for i, p := range files {
			if i == benchSeeds {
				break
			}
			if b, err := readGz(p); err == nil {
				f.Add(b)
			}
		}
	}
	for _, s := range []string{
		"", "<", "<html", "<script type=application/ld+json>{\"@graph\":[[[[", "<title> - | - </title>",
		"<meta property=article:published_time content=9999-99-99>", "\xff\xfe<\x00h\x00",
		"<div class=byline>By</div><time datetime=2020-02-30>",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, page []byte) {
		// A run that never returns is the failure to find: a check after
		// Extract returns would never run, and the fuzzer would wait on
		// the stuck worker until -fuzztime and report success. Crashing
		// the worker makes the fuzzer keep the input as a failure.
		hung := time.AfterFunc(20*time.Second, func() {
			panic(fmt.Sprintf("Extract still running after 20s on a %d-byte input", len(page)))
		})
		r, err := Extract(page, "")
		hung.Stop()
		if err != nil {
			return
		}
		if r == nil {
			t.Fatal("nil result without error")
		}
		if !utf8.ValidString(r.Text) && utf8.Valid(page) {
			t.Errorf("text is not valid UTF-8")
		}
		if _, err := r.JSON(); err != nil {
			t.Errorf("JSON: %v", err)
		}
		if _, _, err := DecodeHTML(page, ""); err != nil {
			t.Errorf("DecodeHTML: %v", err)
		}
	})
}

func readGz(path string) ([]byte, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	zr, err := gzip.NewReader(fh)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}
