// Command benchextract measures policywatch's article extractor against
// plain go-trafilatura on the public benchmark pages in shared/bench: it
// runs both on the same pages in the same process, writes one JSON file
// per page and extractor, scores both with score.py and prints the scores
// and throughputs side by side.
//
//	go run ./cmd/benchextract                  # all three sets
//	go run ./cmd/benchextract -set extraction  # one set while iterating
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	trafilatura "github.com/markusmobius/go-trafilatura"

	"policywatch/extract"
)

// sets maps a benchmark set name to its folder under the bench root.
var sets = []struct{ name, dir string }{
	{"extraction", "extraction"},
	{"readability", "metadata/readability"},
	{"htmldate", "metadata/htmldate"},
}

type extractor struct {
	name string
	run  func(page []byte) ([]byte, error)
}

func main() {
	benchDir := flag.String("bench", "", "benchmark root (default: ../shared/bench relative to the repository root)")
	setName := flag.String("set", "all", "set to run: extraction, readability, htmldate or all")
	outDir := flag.String("out", "", "folder for per-page output (default: a new temporary folder)")
	only := flag.String("only", "both", "extractors to run: both, ours or trafilatura")
	limit := flag.Int("limit", 0, "run at most this many pages per set (0 = all)")
	python := flag.String("python", "python3", "Python interpreter for score.py")
	flag.Parse()

	if err := run(*benchDir, *setName, *outDir, *only, *python, *limit); err != nil {
		fmt.Fprintln(os.Stderr, "benchextract:", err)
		os.Exit(1)
	}
}

func run(benchDir, setName, outDir, only, python string, limit int) error {
	if benchDir == "" {
		root, err := repoRoot()
		if err != nil {
			return err
		}
		benchDir = filepath.Join(root, "..", "shared", "bench")
	}
	if _, err := os.Stat(filepath.Join(benchDir, "score.py")); err != nil {
		return fmt.Errorf("bench folder %s: %w", benchDir, err)
	}
	if outDir == "" {
		d, err := os.MkdirTemp("", "benchextract-")
		if err != nil {
			return fmt.Errorf("create output folder: %w", err)
		}
		outDir = d
	}
	var exs []extractor
	if only == "both" || only == "ours" {
		exs = append(exs, extractor{"policywatch", runOurs})
	}
	if only == "both" || only == "trafilatura" {
		exs = append(exs, extractor{"go-trafilatura", runTrafilatura})
	}
	if len(exs) == 0 {
		return fmt.Errorf("unknown -only %q", only)
	}

	// stats[extractor] -> per set seconds and pages.
	type stat struct {
		pages   int
		elapsed time.Duration
		errors  int
	}
	stats := map[string]map[string]*stat{}
	var chosen []string
	for _, s := range sets {
		if setName != "all" && setName != s.name {
			continue
		}
		chosen = append(chosen, s.name)
		pages, err := filepath.Glob(filepath.Join(benchDir, s.dir, "html", "*.html.gz"))
		if err != nil {
			return err
		}
		sort.Strings(pages)
		if limit > 0 && len(pages) > limit {
			pages = pages[:limit]
		}
		if len(pages) == 0 {
			return fmt.Errorf("no pages in %s", filepath.Join(benchDir, s.dir, "html"))
		}
		dirs := map[string]string{}
		for _, ex := range exs {
			if stats[ex.name] == nil {
				stats[ex.name] = map[string]*stat{}
			}
			stats[ex.name][s.name] = &stat{}
			dir := filepath.Join(outDir, ex.name, s.name)
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return fmt.Errorf("create %s: %w", dir, err)
			}
			dirs[ex.name] = dir
		}
		fmt.Fprintf(os.Stderr, "%s: %d pages...\n", s.name, len(pages))
		for _, p := range pages {
			raw, err := readPage(p)
			if err != nil {
				return err
			}
			// Both extractors get the same UTF-8 input; decoding is not
			// part of the timed work.
			body, _, err := extract.DecodeHTML(raw, "")
			if err != nil {
				body = raw
			}
			id := strings.TrimSuffix(filepath.Base(p), ".html.gz")
			// The extractors take turns page by page, so that load from
			// other processes on the machine falls on both alike.
			for _, ex := range exs {
				st := stats[ex.name][s.name]
				start := time.Now()
				out, err := ex.run(body)
				st.elapsed += time.Since(start)
				st.pages++
				if err != nil {
					st.errors++
					continue // a missing file scores as an empty answer
				}
				if err := os.WriteFile(filepath.Join(dirs[ex.name], id+".json"), out, 0o644); err != nil {
					return fmt.Errorf("write output: %w", err)
				}
			}
		}
	}

	// Score each extractor's folder.
	scores := map[string]map[string]any{}
	for _, ex := range exs {
		mfile := filepath.Join(outDir, ex.name+"-metrics.json")
		args := []string{filepath.Join(benchDir, "score.py"), filepath.Join(outDir, ex.name), "--bootstrap", "0", "--json", mfile}
		for _, s := range chosen {
			args = append(args, "--set", s)
		}
		cmd := exec.Command(python, args...)
		cmd.Stderr = os.Stderr
		if _, err := cmd.Output(); err != nil {
			return fmt.Errorf("score %s: %w", ex.name, err)
		}
		b, err := os.ReadFile(mfile)
		if err != nil {
			return fmt.Errorf("read metrics: %w", err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			return fmt.Errorf("decode metrics of %s: %w", ex.name, err)
		}
		scores[ex.name] = m
	}

	// Side-by-side table.
	rows := []struct{ set, label, key string }{
		{"extraction", "body F1", "f1"},
		{"extraction", "body precision", "precision"},
		{"extraction", "body recall", "recall"},
		{"extraction", "body exact (accuracy)", "accuracy"},
		{"readability", "title exact", "title_exact"},
		{"readability", "title same words", "title_same_words"},
		{"readability", "byline same words", "byline_exact"},
		{"readability", "byline contains", "byline_loose"},
		{"readability", "date same day", "date_same_day"},
		{"htmldate", "publication day correct", "date_correct_share"},
	}
	fmt.Printf("%-34s", "metric")
	for _, ex := range exs {
		fmt.Printf(" %15s", ex.name)
	}
	fmt.Println()
	for _, r := range rows {
		if !contains(chosen, r.set) {
			continue
		}
		fmt.Printf("%-34s", r.set+": "+r.label)
		for _, ex := range exs {
			v, _ := scores[ex.name][r.set].(map[string]any)[r.key].(float64)
			fmt.Printf(" %15.3f", v)
		}
		fmt.Println()
	}
	for _, s := range chosen {
		fmt.Printf("%-34s", s+": pages/s")
		for _, ex := range exs {
			st := stats[ex.name][s]
			fmt.Printf(" %15.1f", float64(st.pages)/st.elapsed.Seconds())
		}
		fmt.Println()
	}
	fmt.Printf("%-34s", "all: pages/s")
	for _, ex := range exs {
		var n int
		var d time.Duration
		for _, st := range stats[ex.name] {
			n += st.pages
			d += st.elapsed
		}
		fmt.Printf(" %15.1f", float64(n)/d.Seconds())
	}
	fmt.Println()
	for _, ex := range exs {
		errs := 0
		for _, st := range stats[ex.name] {
			errs += st.errors
		}
		if errs > 0 {
			fmt.Printf("%s: %d pages gave no result\n", ex.name, errs)
		}
	}
	fmt.Println("per-page output:", outDir)
	return nil
}

func runOurs(page []byte) ([]byte, error) {
	r, err := extract.Extract(page, "")
	if err != nil {
		return nil, err
	}
	return r.JSON()
}

// runTrafilatura is the baseline: go-trafilatura v1.12.2 with its
// fallback extractors, as the published benchmark ran it.
func runTrafilatura(page []byte) ([]byte, error) {
	r, err := trafilatura.Extract(bytes.NewReader(page), trafilatura.Options{EnableFallback: true, ExcludeComments: true})
	if err != nil {
		return nil, err
	}
	out := map[string]string{
		"title":  r.Metadata.Title,
		"byline": r.Metadata.Author,
		"text":   r.ContentText,
		"url":    r.Metadata.URL,
	}
	if !r.Metadata.Date.IsZero() {
		out["published"] = r.Metadata.Date.Format("2006-01-02")
	}
	return json.Marshal(out)
}

func readPage(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open page: %w", err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return nil, fmt.Errorf("gunzip %s: %w", path, err)
		}
		defer zr.Close()
		r = zr
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return b, nil
}

// repoRoot finds the folder holding go.mod, from the working directory up.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod found above the working directory; pass -bench")
		}
		dir = parent
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
