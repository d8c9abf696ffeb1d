package extract

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"testing"
)

func TestExtractFilePlainAndGzip(t *testing.T) {
	page, err := os.ReadFile(filepath.Join("testdata", "pages", "jsonld-dates.html"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	plain := filepath.Join(dir, "page.html")
	if err := os.WriteFile(plain, page, 0o644); err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(page)
	zw.Close()
	// A misleading name: the magic bytes decide.
	packed := filepath.Join(dir, "page.html")
	packed = packed[:len(packed)-5] + ".htm"
	if err := os.WriteFile(packed, gz.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{plain, packed} {
		r, err := ExtractFile(p, "")
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if r.Title != "Senate passes sanctions bill" || r.Text == "" {
			t.Errorf("%s: title %q, %d bytes of text", p, r.Title, len(r.Text))
		}
	}
	if _, err := ExtractFile(filepath.Join(dir, "missing.html"), ""); err == nil {
		t.Error("missing file: want an error")
	}
}
