package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"policywatch/index"
	"policywatch/store"
)

// ReleaseStore keeps frozen result sets; *store.DB satisfies it. A server
// whose store lacks it answers the release routes with 501.
type ReleaseStore interface {
	SaveRelease(ctx context.Context, r *store.Release) (bool, error)
	Release(ctx context.Context, id string) (*store.Release, error)
	Releases(ctx context.Context, limit int) ([]store.Release, error)
}

// indexVersioner names the state of the index a release was taken from.
type indexVersioner interface {
	Count() (uint64, error)
}

// releaseFormat versions the manifest's shape.
const releaseFormat = "policywatch-release/1"

// releaseManifest is a search frozen for citation: what was asked, what
// the index held, and every matching document with the exact version and
// capture that was seen. It is stored and served byte for byte as created.
type releaseManifest struct {
	Format       string            `json:"format"`
	ID           string            `json:"id"`
	Created      string            `json:"created"`
	Permalink    string            `json:"permalink"`
	Query        string            `json:"query"`
	Params       string            `json:"params"` // the search as URL parameters
	Filters      releaseFilters    `json:"filters"`
	IndexVersion string            `json:"index_version"`
	Counts       releaseCounts     `json:"counts"`
	Documents    []releaseDocument `json:"documents"`
}

type releaseFilters struct {
	Categories []string `json:"categories"`
	Actors     []string `json:"actors"`
	Sources    []string `json:"sources"`
	Kinds      []string `json:"kinds"`
	Langs      []string `json:"langs"`
	From       string   `json:"from"`
	To         string   `json:"to"`
}

type releaseCounts struct {
	Documents int `json:"documents"`
	Official  int `json:"official"`
	News      int `json:"news"`
	Undated   int `json:"undated"` // no reliable publication date
}

type releaseDocument struct {
	ID            int64  `json:"id"`
	URL           string `json:"url"`
	Title         string `json:"title"`
	Source        string `json:"source"`
	Kind          string `json:"kind"`
	Published     string `json:"published"`
	DateSource    string `json:"date_source"`
	Version       int    `json:"version"`
	ContentHash   string `json:"content_hash"`
	CaptureID     int64  `json:"capture_id"`
	CapturedAt    string `json:"captured_at"`
	CaptureSHA256 string `json:"capture_sha256"`
	Capture       string `json:"capture"` // our copy of this version
}

// releaseID names a manifest by its content: the query, filters and the
// documents with their versions and hashes. Freezing the same set twice
// gives the same release; any difference gives another.
func releaseID(m releaseManifest) string {
	m.ID, m.Created, m.Permalink, m.IndexVersion = "", "", "", ""
	b, _ := json.Marshal(m)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

var releaseIDPattern = regexp.MustCompile(`^[0-9a-f]{16}$`)

// buildRelease runs the search in v and freezes its matches.
func (s *Server) buildRelease(ctx context.Context, v url.Values, base string) (*releaseManifest, error) {
	p, err := s.parseSearch(ctx, v)
	if err != nil {
		return nil, err
	}
	req := p.request()
	check := req
	check.Page, check.PerPage = 1, 1
	if _, err := s.index.Search(ctx, check); err != nil {
		return nil, err
	}
	q := cloneValues(v)
	for _, k := range []string{"page", "sort", csrfField} {
		q.Del(k)
	}
	m := &releaseManifest{
		Format: releaseFormat, Query: p.Query, Params: q.Encode(),
		Filters: releaseFilters{
			Categories: nonNil(p.Categories), Actors: nonNil(p.Actors), Sources: nonNil(p.Sources), Kinds: nonNil(p.Kinds),
			Langs: nonNil(p.Langs), From: p.FromRaw, To: p.ToRaw,
		},
		Documents: []releaseDocument{},
	}
	err = s.eachHit(ctx, req, func(h index.Hit) error {
		a, err := s.loadArchived(ctx, h.ID)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		e := a.export(base)
		rd := releaseDocument{
			ID: e.ID, URL: e.URL, Title: e.Title, Source: e.Source, Kind: e.Kind,
			Published: e.Published, DateSource: e.DateSource, Version: e.Version, ContentHash: e.ContentHash,
			CaptureID: e.CaptureID, CapturedAt: e.CapturedAt, CaptureSHA256: e.CaptureSHA256,
		}
		if !e.DateReliable {
			rd.Published = ""
			m.Counts.Undated++
		}
		if e.CaptureID != 0 {
			rd.Capture = captureURL(e.ID, e.CaptureID)
		}
		switch e.Kind {
		case "official":
			m.Counts.Official++
		case "news":
			m.Counts.News++
		}
		m.Documents = append(m.Documents, rd)
		return nil
	})
	if err != nil {
		return nil, err
	}
	m.Counts.Documents = len(m.Documents)
	m.IndexVersion = s.indexVersion()
	m.ID = releaseID(*m)
	m.Permalink = base + "/releases/" + m.ID
	m.Created = s.now().UTC().Format(time.RFC3339)
	return m, nil
}

// indexVersion describes the index a release came from: its format and
// how many documents it held.
func (s *Server) indexVersion() string {
	v := "bleve-v2/" + releaseFormat
	if n, err := s.index.Count(); err == nil {
		v += fmt.Sprintf("; %d documents", n)
	}
	return v
}

// freeze builds and stores a release of the search in v, returning the
// stored manifest (the earlier one when the same set was frozen before).
func (s *Server) freeze(r *http.Request, v url.Values) (*store.Release, bool, error) {
	rs := s.store
	m, err := s.buildRelease(r.Context(), v, s.archiveBase(r))
	if err != nil {
		return nil, false, err
	}
	body, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, false, fmt.Errorf("encode release: %w", err)
	}
	rel := &store.Release{ID: m.ID, Params: m.Params, Total: m.Counts.Documents, Manifest: body}
	created, err := rs.SaveRelease(r.Context(), rel)
	return rel, created, err
}

// createRelease is POST /releases from the search page's form: it freezes
// the search and sends the browser to the release's permalink. Like every
// POST it has passed s.guard (csrf.go): a signed-in session and its CSRF
// token.
func (s *Server) createRelease(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, badParam("body", "unreadable form"))
		return
	}
	rel, _, err := s.freeze(r, r.PostForm)
	if err != nil {
		s.releaseFail(w, r, err, false)
		return
	}
	http.Redirect(w, r, "/releases/"+rel.ID, http.StatusSeeOther)
}

// apiCreateRelease is POST /api/releases: the search as form or query
// parameters; answers 201 with the manifest (200 when it existed). It
// needs a session and its CSRF token in X-CSRF-Token (s.guard).
func (s *Server) apiCreateRelease(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.failJSON(w, r, badParam("body", "unreadable form"))
		return
	}
	rel, created, err := s.freeze(r, r.Form)
	if err != nil {
		s.releaseFail(w, r, err, true)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	w.Header().Set("Location", "/api/releases/"+rel.ID)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(rel.Manifest)
}

func (s *Server) releaseFail(w http.ResponseWriter, r *http.Request, err error, api bool) {
	if api {
		s.failJSON(w, r, err)
	} else {
		s.fail(w, r, err)
	}
}

// loadRelease reads a stored release and its manifest.
func (s *Server) loadRelease(r *http.Request) (*store.Release, *releaseManifest, error) {
	rs := s.store
	id := r.PathValue("id")
	if !releaseIDPattern.MatchString(id) {
		return nil, nil, errNotFound
	}
	rel, err := rs.Release(r.Context(), id)
	if err != nil {
		return nil, nil, err
	}
	var m releaseManifest
	if err := json.Unmarshal(rel.Manifest, &m); err != nil {
		return nil, nil, fmt.Errorf("decode release %s: %w", id, err)
	}
	return rel, &m, nil
}

// apiRelease is GET /api/releases/{id}: the manifest exactly as frozen.
func (s *Server) apiRelease(w http.ResponseWriter, r *http.Request) {
	rel, _, err := s.loadRelease(r)
	if err != nil {
		s.releaseFail(w, r, err, true)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(rel.Manifest)
}

type releaseView struct {
	M         *releaseManifest
	SearchURL string // the same search today
}

// releasePage is GET /releases/{id}: the frozen set, listed from its
// manifest (not searched again), linking each document's captured copy.
func (s *Server) releasePage(w http.ResponseWriter, r *http.Request) {
	_, m, err := s.loadRelease(r)
	if err != nil {
		s.releaseFail(w, r, err, false)
		return
	}
	view := releaseView{M: m, SearchURL: "/?" + m.Params}
	title := "Release " + m.ID
	if m.Query != "" {
		title += ": " + m.Query
	}
	s.render(w, r, http.StatusOK, "release", page{Title: title, Nav: "search", Data: view})
}

// apiReleases is GET /api/releases: the newest releases, without manifests.
func (s *Server) apiReleases(w http.ResponseWriter, r *http.Request) {
	pr, err := readPage(r, listPerPage, listMaxPerPage)
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	list, err := s.store.Releases(r.Context(), listCap)
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	pg := paging(r, pr, len(list))
	list = pageOf(list, pr)
	type item struct {
		ID      string `json:"id"`
		Created string `json:"created"`
		Params  string `json:"params"`
		Total   int    `json:"total"`
		URL     string `json:"url"`
	}
	out := struct {
		Releases []item `json:"releases"`
		apiPaging
	}{Releases: []item{}, apiPaging: pg}
	for _, rel := range list {
		out.Releases = append(out.Releases, item{rel.ID, rfc3339(rel.CreatedAt), rel.Params, rel.Total, "/api/releases/" + rel.ID})
	}
	writeJSON(w, http.StatusOK, out)
}

// releaseFormHidden are the current search's parameters as hidden form
// fields, so "freeze this search" posts exactly what is shown.
func releaseFormHidden(v url.Values) []activeFilter {
	var out []activeFilter
	c := cloneValues(v)
	for _, k := range []string{"page", "sort"} {
		c.Del(k)
	}
	// In a fixed order, so the page renders the same every time.
	for _, k := range slices.Sorted(maps.Keys(c)) {
		for _, x := range c[k] {
			out = append(out, activeFilter{Param: k, Value: x})
		}
	}
	return out
}

// releaseCitation cites a release as a dataset: the permalink, the day it
// was frozen, and what it holds.
func releaseCitation(m *releaseManifest) citation {
	created, _ := time.Parse(time.RFC3339, m.Created)
	title := "policywatch release " + m.ID
	if m.Query != "" {
		title += ": " + m.Query
	}
	note := fmt.Sprintf("Search frozen by policywatch: %d documents (%d official, %d news), query %q, parameters %q, index %s; manifest %s",
		m.Counts.Documents, m.Counts.Official, m.Counts.News, m.Query, m.Params, m.IndexVersion,
		strings.TrimSuffix(m.Permalink, "/releases/"+m.ID)+"/api/releases/"+m.ID)
	return citation{
		Key: "policywatch-release-" + m.ID, Dataset: true, Title: title, Publisher: "policywatch",
		URL: m.Permalink, Permalink: m.Permalink, Published: created, Captured: created, Note: note,
	}
}

// releaseCite is GET /releases/{id}/cite.bib|.ris|.json.
func (s *Server) releaseCite(format string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		_, m, err := s.loadRelease(r)
		if err != nil {
			s.releaseFail(w, r, err, true)
			return
		}
		c := releaseCitation(m)
		citationHeaders(w, format, c.Key)
		switch format {
		case citeBibTeX:
			_, _ = io.WriteString(w, bibtex(c))
		case citeRIS:
			_, _ = io.WriteString(w, ris(c))
		default:
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			_ = enc.Encode([]cslItem{csl(c)})
		}
	}
}
