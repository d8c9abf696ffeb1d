package main

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// The benchmark is split once and for all into a development half, on
// which rules may be tuned, and a check half, which only confirms them: a
// page belongs to the development half when the first byte of the SHA-256
// of its id is even. The split depends on nothing but the id, so it never
// moves when pages or rules change.
const (
	halfDev   = "dev"
	halfCheck = "check"
	halfAll   = "all"
)

// halfOf returns the half page id belongs to.
func halfOf(id string) string {
	if sum := sha256.Sum256([]byte(id)); sum[0]%2 == 0 {
		return halfDev
	}
	return halfCheck
}

// inHalf reports whether id is scored in half h ("all" holds every page).
func inHalf(id, h string) bool {
	return h == halfAll || halfOf(id) == h
}

// halfBench builds, under dir, a bench root that score.py can read and
// that holds only the answers of half h: the extraction ground truth cut
// to the half's ids, and links to the half's readability answers and
// htmldate pages (score.py scores the htmldate entries whose page is
// present). The pages themselves are not needed to score.
func halfBench(benchDir, dir, h string) error {
	gt, err := readGroundTruth(benchDir)
	if err != nil {
		return err
	}
	cut := map[string]json.RawMessage{}
	for id, v := range gt {
		if inHalf(id, h) {
			cut[id] = v.raw
		}
	}
	b, err := json.Marshal(cut)
	if err != nil {
		return fmt.Errorf("encode ground truth of half %s: %w", h, err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "extraction"), 0o755); err != nil {
		return fmt.Errorf("create half bench: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "extraction", "ground-truth.json"), b, 0o644); err != nil {
		return fmt.Errorf("write ground truth of half %s: %w", h, err)
	}
	link := func(sub, suffix string) error {
		src := filepath.Join(benchDir, sub)
		dst := filepath.Join(dir, sub)
		if err := os.MkdirAll(dst, 0o755); err != nil {
			return fmt.Errorf("create %s: %w", dst, err)
		}
		entries, err := os.ReadDir(src)
		if err != nil {
			return fmt.Errorf("list %s: %w", src, err)
		}
		for _, e := range entries {
			name := e.Name()
			if !strings.HasSuffix(name, suffix) || !inHalf(strings.TrimSuffix(name, suffix), h) {
				continue
			}
			if err := os.Symlink(filepath.Join(src, name), filepath.Join(dst, name)); err != nil {
				return fmt.Errorf("link %s: %w", name, err)
			}
		}
		return nil
	}
	if err := link("metadata/readability/expected-metadata", ".json"); err != nil {
		return err
	}
	if err := link("metadata/htmldate/html", ".html.gz"); err != nil {
		return err
	}
	for _, name := range []string{"eval_default.json", "eval_mediacloud_2020.json"} {
		if err := os.Symlink(filepath.Join(benchDir, "metadata/htmldate", name), filepath.Join(dir, "metadata/htmldate", name)); err != nil {
			return fmt.Errorf("link %s: %w", name, err)
		}
	}
	return nil
}

// truthEntry is one page of the extraction ground truth.
type truthEntry struct {
	Body string `json:"articleBody"`
	raw  json.RawMessage
}

func readGroundTruth(benchDir string) (map[string]truthEntry, error) {
	b, err := os.ReadFile(filepath.Join(benchDir, "extraction", "ground-truth.json"))
	if err != nil {
		return nil, fmt.Errorf("read ground truth: %w", err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("decode ground truth: %w", err)
	}
	out := make(map[string]truthEntry, len(raw))
	for id, r := range raw {
		var e truthEntry
		if err := json.Unmarshal(r, &e); err != nil {
			return nil, fmt.Errorf("decode ground truth of %s: %w", id, err)
		}
		e.raw = r
		out[id] = e
	}
	return out, nil
}
