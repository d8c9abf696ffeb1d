package demoweb

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"sort"
	"strings"
	"time"
)

// The demo web has a second state, for showing (and testing) how the
// archive follows official pages after publication: a few pages are
// amended, one is withdrawn (answers 410 Gone) and one is new. Its content
// lives under sites/<site>/state2/: a page file whose path matches a page
// of the first state replaces it, any other page file is new, and
// withdrawn.txt lists the paths that answer 410. Withdrawn pages stay in
// listings, feeds and sitemaps, as stale CMS listings do, so a re-crawl
// meets the withdrawal instead of merely missing the page.

// Change kinds of the second state.
const (
	StateAmended   = "amended"
	StateWithdrawn = "withdrawn"
	StateNew       = "new"
)

// StateChange is one page the second state changes.
type StateChange struct {
	Site string
	Path string
	Kind string // StateAmended, StateWithdrawn or StateNew
}

// stateSet is a Web's switchable state: the first state's pages, kept to
// switch back, and the paths answering 410 in the current state.
type stateSet struct {
	n    int
	base map[string][]*page         // site → first-state pages
	gone map[string]map[string]bool // site → path → withdrawn
}

// siteState2 is one site's second-state content.
type siteState2 struct {
	pages     []*page
	withdrawn []string
}

// State reports the demo web's current state, 1 or 2.
func (w *Web) State() int {
	w.stateMu.RLock()
	defer w.stateMu.RUnlock()
	return max(w.state.n, 1)
}

// SetState switches every site to state 1 (as published) or 2 (after the
// amendments, the withdrawal and the new page). Requests in flight finish
// on the old state first.
func (w *Web) SetState(n int) error {
	if n != 1 && n != 2 {
		return fmt.Errorf("demo web state %d: want 1 or 2", n)
	}
	var second map[string]*siteState2
	if n == 2 {
		var err error
		if second, err = loadState2(content); err != nil {
			return err
		}
	}
	w.stateMu.Lock()
	defer w.stateMu.Unlock()
	if w.state.base == nil {
		w.state.base = map[string][]*page{}
		for id, s := range w.sites {
			w.state.base[id] = s.pages
		}
	}
	w.state.gone = map[string]map[string]bool{}
	for id, s := range w.sites {
		pages := w.state.base[id]
		if st := second[id]; st != nil {
			pages = overlay(pages, st.pages)
			w.state.gone[id] = map[string]bool{}
			for _, p := range st.withdrawn {
				w.state.gone[id][p] = true
			}
		}
		s.pages = pages
		s.byPath = map[string]*page{}
		for _, p := range pages {
			if !w.state.gone[id][p.Path] {
				s.byPath[p.Path] = p
			}
		}
	}
	w.state.n = n
	return nil
}

// State2Changes lists what the second state changes, from its content
// files: the ground truth for tests of versions and withdrawals.
func State2Changes() ([]StateChange, error) {
	second, err := loadState2(content)
	if err != nil {
		return nil, err
	}
	var out []StateChange
	for _, spec := range sites {
		st := second[spec.ID]
		if st == nil {
			continue
		}
		base, err := loadSite(content, spec.ID)
		if err != nil {
			return nil, err
		}
		known := map[string]bool{}
		for _, p := range base {
			known[p.Path] = true
		}
		for _, p := range st.pages {
			kind := StateNew
			if known[p.Path] {
				kind = StateAmended
			}
			out = append(out, StateChange{Site: spec.ID, Path: p.Path, Kind: kind})
		}
		for _, p := range st.withdrawn {
			out = append(out, StateChange{Site: spec.ID, Path: p, Kind: StateWithdrawn})
		}
	}
	return out, nil
}

// overlay replaces pages by path and adds new ones, newest first.
func overlay(base, changed []*page) []*page {
	byPath := map[string]*page{}
	for _, p := range changed {
		byPath[p.Path] = p
	}
	out := make([]*page, 0, len(base)+len(changed))
	for _, p := range base {
		if c, ok := byPath[p.Path]; ok {
			out = append(out, c)
			delete(byPath, p.Path)
			continue
		}
		out = append(out, p)
	}
	var added []*page
	for _, p := range byPath {
		added = append(added, p)
	}
	sort.Slice(added, func(i, j int) bool { return added[i].Path < added[j].Path })
	out = append(out, added...)
	sortNewestFirst(out)
	return out
}

// loadState2 reads every site's state2/ directory.
func loadState2(fsys fs.FS) (map[string]*siteState2, error) {
	out := map[string]*siteState2{}
	for _, spec := range sites {
		dir := path.Join("sites", spec.ID, "state2")
		entries, err := fs.ReadDir(fsys, dir)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", dir, err)
		}
		st := &siteState2{}
		for _, e := range entries {
			file := path.Join(dir, e.Name())
			switch {
			case e.Name() == "withdrawn.txt":
				data, err := fs.ReadFile(fsys, file)
				if err != nil {
					return nil, fmt.Errorf("read %s: %w", file, err)
				}
				sc := bufio.NewScanner(bytes.NewReader(data))
				for sc.Scan() {
					line := strings.TrimSpace(sc.Text())
					if line == "" || strings.HasPrefix(line, "#") {
						continue
					}
					if !strings.HasPrefix(line, "/") {
						return nil, fmt.Errorf("%s: path %q must start with /", file, line)
					}
					st.withdrawn = append(st.withdrawn, line)
				}
			case strings.HasSuffix(e.Name(), ".md"):
				data, err := fs.ReadFile(fsys, file)
				if err != nil {
					return nil, fmt.Errorf("read %s: %w", file, err)
				}
				p, err := parsePage(spec.ID, file, data)
				if err != nil {
					return nil, err
				}
				if tf, err := readTruth(fsys, strings.TrimSuffix(file, ".md")+".truth.json"); err == nil {
					p.Topic = tf.Topic
				}
				st.pages = append(st.pages, p)
			}
		}
		out[spec.ID] = st
	}
	return out, nil
}

// serveGone answers 410 for a page withdrawn in the current state. The
// caller holds stateMu for reading.
func (s *siteServer) serveGone(w http.ResponseWriter, r *http.Request) bool {
	if !s.web.state.gone[s.spec.ID][r.URL.Path] {
		return false
	}
	v := s.newView("notfound", "Page removed | "+s.spec.Name, r.URL.Path)
	v.Canonical = ""
	v.Robots = "noindex"
	v.Info = infoText{"This page has been removed", []string{
		"This page is no longer available. It has been withdrawn by the publisher.",
	}}
	s.write(w, r, v, http.StatusGone, time.Time{})
	return true
}
