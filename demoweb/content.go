package demoweb

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// content holds every site's pages and their ground-truth sidecars. The
// sidecars are embedded with the pages so tests can read them, but the
// server only ever answers with rendered pages, never with raw files.
//
//go:embed sites
var content embed.FS

// frontMatter is the YAML header of a page file (see docs/DEMOWEB.md).
// fr_type and agencies are used by the fedreg site only.
type frontMatter struct {
	Path       string   `yaml:"path"`
	Title      string   `yaml:"title"`
	Published  string   `yaml:"published"`
	Modified   string   `yaml:"modified"`
	DateMarkup string   `yaml:"date_markup"`
	Byline     string   `yaml:"byline"`
	Section    string   `yaml:"section"`
	Lang       string   `yaml:"lang"`
	Charset    string   `yaml:"charset"`
	DocNumber  string   `yaml:"doc_number"`
	FRType     string   `yaml:"fr_type"`
	Agencies   []string `yaml:"agencies"`
}

// block is one paragraph or subheading of a page body.
type block struct {
	Heading bool
	Text    string
}

// page is one parsed document of a site.
type page struct {
	Site       string
	File       string // path in the embedded FS, for error messages
	Path       string
	Title      string
	Published  time.Time
	Modified   time.Time
	DateMarkup string
	Byline     string
	Section    string
	Lang       string
	Charset    string
	DocNumber  string
	FRType     string
	Agencies   []string
	Body       []block
	Topic      bool // from the sidecar; picks related links, never shown
}

// Summary is the first paragraph, used as feed description and abstract.
func (p *page) Summary() string {
	for _, b := range p.Body {
		if !b.Heading {
			return b.Text
		}
	}
	return ""
}

// Text is the whole body as plain text, for the API's term search.
func (p *page) Text() string {
	var sb strings.Builder
	for _, b := range p.Body {
		sb.WriteString(b.Text)
		sb.WriteByte('\n')
	}
	return sb.String()
}

var dateMarkups = map[string]bool{"jsonld": true, "meta": true, "time": true, "text": true}

// parsePage reads one page file: YAML front matter between "---" lines,
// then the body.
func parsePage(site, file string, data []byte) (*page, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	if !strings.HasPrefix(text, "---\n") {
		return nil, fmt.Errorf("parse page %s: missing front matter", file)
	}
	rest := text[len("---\n"):]
	end := strings.Index(rest, "\n---")
	if end < 0 {
		return nil, fmt.Errorf("parse page %s: unterminated front matter", file)
	}
	head, body := rest[:end], rest[end+len("\n---"):]
	body = strings.TrimLeft(strings.TrimPrefix(body, "-"), "-")
	var fm frontMatter
	if err := yaml.Unmarshal([]byte(head), &fm); err != nil {
		return nil, fmt.Errorf("parse page %s: front matter: %w", file, err)
	}
	p := &page{
		Site: site, File: file, Path: fm.Path, Title: strings.TrimSpace(fm.Title),
		DateMarkup: fm.DateMarkup, Byline: fm.Byline, Section: fm.Section,
		Lang: fm.Lang, Charset: strings.ToLower(fm.Charset), DocNumber: fm.DocNumber,
		FRType: fm.FRType, Agencies: fm.Agencies,
	}
	if p.Path == "" || !strings.HasPrefix(p.Path, "/") {
		return nil, fmt.Errorf("parse page %s: path %q must start with /", file, p.Path)
	}
	if p.Title == "" {
		return nil, fmt.Errorf("parse page %s: missing title", file)
	}
	var err error
	if p.Published, err = parseWhen(fm.Published); err != nil {
		return nil, fmt.Errorf("parse page %s: published: %w", file, err)
	}
	if fm.Modified != "" {
		if p.Modified, err = parseWhen(fm.Modified); err != nil {
			return nil, fmt.Errorf("parse page %s: modified: %w", file, err)
		}
	}
	if p.DateMarkup == "" {
		p.DateMarkup = "time"
	}
	if !dateMarkups[p.DateMarkup] {
		return nil, fmt.Errorf("parse page %s: unknown date_markup %q", file, p.DateMarkup)
	}
	if p.Charset != "" && p.Charset != "big5" && p.Charset != "utf-8" {
		return nil, fmt.Errorf("parse page %s: unsupported charset %q", file, p.Charset)
	}
	p.Body = parseBody(body)
	if len(p.Body) == 0 {
		return nil, fmt.Errorf("parse page %s: empty body", file)
	}
	return p, nil
}

// parseWhen accepts RFC 3339 and, leniently, a bare date or a date with
// a time but no zone (taken as UTC).
func parseWhen(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not an RFC 3339 time", s)
}

// parseBody splits the body into paragraphs at blank lines; a line
// starting with "## " is a subheading of its own.
func parseBody(s string) []block {
	var out []block
	var para []string
	flush := func() {
		if len(para) > 0 {
			out = append(out, block{Text: strings.Join(para, " ")})
			para = nil
		}
	}
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "":
			flush()
		case strings.HasPrefix(line, "## "):
			flush()
			out = append(out, block{Heading: true, Text: strings.TrimSpace(line[3:])})
		default:
			para = append(para, line)
		}
	}
	flush()
	return out
}

// truthFile is the JSON shape of a sidecar.
type truthFile struct {
	Topic       bool     `json:"topic"`
	Categories  []string `json:"categories"`
	Actors      []string `json:"actors"`
	EventDate   string   `json:"event_date"`
	Published   string   `json:"published"`
	Syndication string   `json:"syndication"`
}

// loadSite reads every page of one site, newest first. A site whose
// pages/ directory does not exist yet simply has no pages.
func loadSite(fsys fs.FS, site string) ([]*page, error) {
	dir := path.Join("sites", site, "pages")
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("read %s: %w", dir, err)
	}
	var pages []*page
	seen := map[string]string{}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".md") {
			continue
		}
		file := path.Join(dir, e.Name())
		data, err := fs.ReadFile(fsys, file)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", file, err)
		}
		p, err := parsePage(site, file, data)
		if err != nil {
			return nil, err
		}
		if other, dup := seen[p.Path]; dup {
			return nil, fmt.Errorf("site %s: path %s used by both %s and %s", site, p.Path, other, file)
		}
		seen[p.Path] = file
		if tf, err := readTruth(fsys, strings.TrimSuffix(file, ".md")+".truth.json"); err == nil {
			p.Topic = tf.Topic
		}
		pages = append(pages, p)
	}
	sortNewestFirst(pages)
	return pages, nil
}

func readTruth(fsys fs.FS, file string) (*truthFile, error) {
	data, err := fs.ReadFile(fsys, file)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", file, err)
	}
	var tf truthFile
	if err := json.Unmarshal(data, &tf); err != nil {
		return nil, fmt.Errorf("parse %s: %w", file, err)
	}
	return &tf, nil
}

func sortNewestFirst(pages []*page) {
	sort.SliceStable(pages, func(i, j int) bool {
		if !pages[i].Published.Equal(pages[j].Published) {
			return pages[i].Published.After(pages[j].Published)
		}
		return pages[i].Path < pages[j].Path
	})
}
