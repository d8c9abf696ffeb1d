// Command benchextract measures policywatch's article extractor against
// plain go-trafilatura on the public benchmark pages in shared/bench: it
// runs both on the same pages in the same process, writes one JSON file
// per page and extractor, scores both with score.py and prints the scores
// and throughputs side by side.
//
//	go run ./cmd/benchextract                  # all three sets, both halves
//	go run ./cmd/benchextract -set extraction  # one set while iterating
//	go run ./cmd/benchextract -half dev        # only the development half
//
// Every set is split into a development half (tune rules on it) and a
// check half (only confirm on it), by page id; see halves.go. Beside
// score.py's figures it reports the share of pages whose whole reference
// lead paragraph is kept, and title and byline agreement that ignores our
// deliberate conventions (measures.go).
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
	half := flag.String("half", "both", "pages to run and score: dev, check, both (each half scored apart) or all (one table)")
	flag.Parse()

	if err := run(*benchDir, *setName, *outDir, *only, *python, *half, *limit); err != nil {
		fmt.Fprintln(os.Stderr, "benchextract:", err)
		os.Exit(1)
	}
}

func run(benchDir, setName, outDir, only, python, half string, limit int) error {
	var halves []string
	switch half {
	case "both":
		halves = []string{halfDev, halfCheck}
	case halfDev, halfCheck, halfAll:
		halves = []string{half}
	default:
		return fmt.Errorf("unknown -half %q (want dev, check, both or all)", half)
	}
	if benchDir == "" {
		d, err := defaultBench()
		if err != nil {
			return err
		}
		benchDir = d
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
		if len(halves) == 1 {
			kept := pages[:0]
			for _, p := range pages {
				if inHalf(strings.TrimSuffix(filepath.Base(p), ".html.gz"), halves[0]) {
					kept = append(kept, p)
				}
			}
			pages = kept
		}
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

	truth, err := readGroundTruth(benchDir)
	if err != nil {
		return err
	}
	for _, h := range halves {
		if err := report(benchDir, outDir, python, h, chosen, exs, truth); err != nil {
			return err
		}
	}
	fmt.Printf("throughput (pages/s, the extractors taking turns page by page)\n")
	for _, s := range chosen {
		fmt.Printf("%-44s", s+": pages/s")
		for _, ex := range exs {
			st := stats[ex.name][s]
			fmt.Printf(" %15.1f", float64(st.pages)/st.elapsed.Seconds())
		}
		fmt.Println()
	}
	fmt.Printf("%-44s", "all: pages/s")
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

// scoreRow is one line of the printed table: a score.py figure (key in
// the set's metrics) or one of ours (key prefixed "own:").
type scoreRow struct{ set, label, key string }

var scoreRows = []scoreRow{
	{"extraction", "body F1", "f1"},
	{"extraction", "body precision", "precision"},
	{"extraction", "body recall", "recall"},
	{"extraction", "body exact (accuracy)", "accuracy"},
	{"extraction", "lead paragraph kept", "own:lead_kept"},
	{"readability", "title exact", "title_exact"},
	{"readability", "title same words", "title_same_words"},
	{"readability", "title, our conventions", "own:title_convention"},
	{"readability", "byline same words", "byline_exact"},
	{"readability", "byline contains", "byline_loose"},
	{"readability", "byline, our conventions", "own:byline_convention"},
	{"readability", "date same day", "date_same_day"},
	{"htmldate", "publication day correct", "date_correct_share"},
}

// report scores every extractor's folder on half h (score.py on a bench
// root cut to the half, plus our own measures) and prints one table.
func report(benchDir, outDir, python, h string, chosen []string, exs []extractor, truth map[string]truthEntry) error {
	hb := filepath.Join(outDir, "bench-"+h)
	if err := os.RemoveAll(hb); err != nil {
		return fmt.Errorf("clear %s: %w", hb, err)
	}
	if err := halfBench(benchDir, hb, h); err != nil {
		return err
	}
	scores := map[string]map[string]any{}
	own := map[string]map[string]float64{}
	for _, ex := range exs {
		mfile := filepath.Join(outDir, ex.name+"-"+h+"-metrics.json")
		args := []string{filepath.Join(benchDir, "score.py"), filepath.Join(outDir, ex.name), "--bench", hb, "--bootstrap", "0", "--json", mfile}
		for _, s := range chosen {
			args = append(args, "--set", s)
		}
		cmd := exec.Command(python, args...)
		cmd.Stderr = os.Stderr
		if _, err := cmd.Output(); err != nil {
			return fmt.Errorf("score %s on the %s half: %w", ex.name, h, err)
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
		o, err := ownMeasures(benchDir, filepath.Join(outDir, ex.name), h, truth)
		if err != nil {
			return fmt.Errorf("measure %s on the %s half: %w", ex.name, h, err)
		}
		own[ex.name] = o
	}
	fmt.Printf("%-44s", "half: "+h)
	for _, ex := range exs {
		fmt.Printf(" %15s", ex.name)
	}
	fmt.Println()
	for _, r := range scoreRows {
		if !contains(chosen, r.set) {
			continue
		}
		fmt.Printf("%-44s", r.set+": "+r.label)
		for _, ex := range exs {
			var v float64
			if k, ok := strings.CutPrefix(r.key, "own:"); ok {
				v = own[ex.name][k]
			} else {
				set, _ := scores[ex.name][r.set].(map[string]any)
				v, _ = set[r.key].(float64)
			}
			fmt.Printf(" %15.3f", v)
		}
		fmt.Println()
	}
	for _, s := range chosen {
		set, _ := scores[exs[0].name][s].(map[string]any)
		switch s {
		case "extraction", "readability":
			fmt.Printf("  %s: %v pages", s, set["pages"])
			if s == "readability" {
				fmt.Printf(" (title %v, byline %v, date %v)", set["title_pages"], set["byline_pages"], set["date_pages"])
			}
			fmt.Println()
		case "htmldate":
			fmt.Printf("  htmldate: %v pages, %v dated entries\n", set["pages"], set["dated_entries"])
		}
	}
	fmt.Println()
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

// defaultBench finds shared/bench beside the repository: next to this
// work tree, or next to the main work tree when this is a linked one
// (git worktree), where the shared folder sits beside the main checkout.
func defaultBench() (string, error) {
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	cands := []string{filepath.Join(root, "..", "shared", "bench")}
	if out, err := exec.Command("git", "-C", root, "rev-parse", "--path-format=absolute", "--git-common-dir").Output(); err == nil {
		main := filepath.Dir(strings.TrimSpace(string(out)))
		cands = append(cands, filepath.Join(main, "..", "shared", "bench"))
	}
	for _, c := range cands {
		if _, err := os.Stat(filepath.Join(c, "score.py")); err == nil {
			return c, nil
		}
	}
	return "", fmt.Errorf("no shared/bench with score.py at %s; pass -bench", strings.Join(cands, " or "))
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
