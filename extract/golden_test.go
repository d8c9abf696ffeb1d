package extract

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/pages")

// golden is everything Extract returns, in a stable printable form.
type golden struct {
	URL             string   `json:"url"`
	Title           string   `json:"title"`
	Byline          string   `json:"byline"`
	Published       string   `json:"published"`
	PublishedSource string   `json:"published_source"`
	Modified        string   `json:"modified"`
	Lang            string   `json:"lang"`
	Site            string   `json:"site"`
	DocNumber       string   `json:"doc_number"`
	Text            []string `json:"text"` // one entry per line, for readable diffs
}

var pageURLComment = regexp.MustCompile(`^<!-- url: (\S+) -->`)

// TestGolden runs Extract on the pages in testdata/pages (pages we wrote,
// each exercising title, byline, date and boilerplate rules) and compares
// the result with <page>.golden.json. Run with -update to rewrite them
// after a deliberate change, then review the diff.
func TestGolden(t *testing.T) {
	pages, err := filepath.Glob(filepath.Join("testdata", "pages", "*.html"))
	if err != nil || len(pages) == 0 {
		t.Fatalf("no test pages: %v", err)
	}
	for _, path := range pages {
		name := strings.TrimSuffix(filepath.Base(path), ".html")
		t.Run(name, func(t *testing.T) {
			page, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			pageURL := ""
			if m := pageURLComment.FindSubmatch(page); m != nil {
				pageURL = string(m[1])
			}
			r, err := Extract(page, pageURL)
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			got := golden{
				URL: r.URL, Title: r.Title, Byline: r.Byline,
				Published: FormatDate(r.Published), PublishedSource: r.PublishedSource,
				Modified: FormatDate(r.Modified), Lang: r.Lang, Site: r.Site,
				DocNumber: r.DocNumber, Text: strings.Split(r.Text, "\n"),
			}
			gotJSON, err := json.MarshalIndent(got, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			gotJSON = append(gotJSON, '\n')
			goldenPath := filepath.Join("testdata", "pages", name+".golden.json")
			if *update {
				if err := os.WriteFile(goldenPath, gotJSON, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(goldenPath)
			if err != nil {
				t.Fatalf("read golden file (run with -update to create it): %v", err)
			}
			if !bytes.Equal(want, gotJSON) {
				t.Errorf("%s differs from the golden file:\n%s", name, lineDiff(string(want), string(gotJSON)))
			}
		})
	}
}

// lineDiff lists the lines that differ between want and got.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			b.WriteString("- " + wl + "\n+ " + gl + "\n")
		}
	}
	return b.String()
}
