// Package demoweb serves policywatch's demo web: a dozen government and
// news sites on loopback, each on its own port (so its own host), with
// realistic boilerplate, feeds, sitemaps, a Federal Register–style API and
// ground truth for testing the pipeline end to end.
package demoweb

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Web is a running demo web: one HTTP server per site.
type Web struct {
	order  []string
	sites  map[string]*siteServer
	stop   func() bool // detaches the context watcher
	closed sync.Once
	// serving counts the sites' Serve goroutines; Close waits for them so
	// none outlives the Web that started it.
	serving sync.WaitGroup

	mu   sync.Mutex
	hits map[string]int // "site path" → requests, to check crawler politeness
	// log, when recording, holds every request with its start and end,
	// so tests can check politeness across crawler processes.
	recording bool
	log       []Request
	hold      func(*http.Request)

	// stateMu guards the sites' pages while SetState switches between the
	// demo's first and second state (state2.go).
	stateMu sync.RWMutex
	state   stateSet
}

// siteServer is one site's listener, server and pages.
type siteServer struct {
	web    *Web
	spec   *siteSpec
	base   string // "http://127.0.0.1:PORT"
	pages  []*page
	byPath map[string]*page
	render *renderer
	srv    *http.Server
	ln     net.Listener
}

// Start loads every site's pages, parses all templates and starts one
// listener per site on 127.0.0.1. Broken content or templates fail here,
// not at the first request. Cancelling ctx shuts the servers down.
func Start(ctx context.Context) (*Web, error) {
	return startFS(ctx, content)
}

// startFS serves the sites found in fsys (laid out like the embedded
// sites/ tree), so tests can serve fixtures.
func startFS(ctx context.Context, fsys fs.FS) (*Web, error) {
	r, err := newRenderer()
	if err != nil {
		return nil, err
	}
	w := &Web{sites: map[string]*siteServer{}, hits: map[string]int{}}
	for i := range sites {
		spec := &sites[i]
		pages, err := loadSite(fsys, spec.ID)
		if err != nil {
			w.Close()
			return nil, err
		}
		var lc net.ListenConfig
		ln, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
		if err != nil {
			w.Close()
			return nil, fmt.Errorf("listen for site %s: %w", spec.ID, err)
		}
		s := &siteServer{
			web: w, spec: spec, base: "http://" + ln.Addr().String(),
			pages: pages, byPath: map[string]*page{}, render: r, ln: ln,
		}
		for _, p := range pages {
			s.byPath[p.Path] = p
		}
		s.srv = &http.Server{
			Handler:           s,
			ReadHeaderTimeout: 5 * time.Second,
			BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
		}
		w.order = append(w.order, spec.ID)
		w.sites[spec.ID] = s
		w.serving.Add(1)
		go func() {
			defer w.serving.Done()
			// Serve returns ErrServerClosed on Close; nothing else to report.
			_ = s.srv.Serve(ln)
		}()
	}
	w.stop = context.AfterFunc(ctx, func() { w.Close() })
	return w, nil
}

// URL is the base URL of a site ("http://127.0.0.1:PORT"), or "" for an
// unknown site id.
func (w *Web) URL(site string) string {
	if s, ok := w.sites[site]; ok {
		return s.base
	}
	return ""
}

// Sites lists the site ids in a stable order.
func (w *Web) Sites() []string {
	return append([]string(nil), w.order...)
}

// Hits reports how many requests a site received for a path (without the
// query string), so tests can check that a crawler kept out of areas
// robots.txt disallows.
func (w *Web) Hits(site, path string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.hits[site+" "+path]
}

// Close stops every site's server. It is safe to call more than once.
func (w *Web) Close() error {
	var errs []error
	w.closed.Do(func() {
		if w.stop != nil {
			w.stop()
		}
		for _, id := range w.order {
			if err := w.sites[id].srv.Close(); err != nil {
				errs = append(errs, fmt.Errorf("close site %s: %w", id, err))
			}
		}
		w.serving.Wait()
	})
	return errors.Join(errs...)
}

func (w *Web) count(site, path string) {
	w.mu.Lock()
	w.hits[site+" "+path]++
	w.mu.Unlock()
}

// Request is one request a site served.
type Request struct {
	Site       string
	Host       string // the site's host:port, the crawler's politeness key
	Path       string // with the query string
	Agent      string // User-Agent
	Start, End time.Time
}

// RecordRequests starts keeping every request (Requests returns them).
// It is off unless asked: `policywatch demo` runs for hours.
func (w *Web) RecordRequests() {
	w.mu.Lock()
	w.recording = true
	w.mu.Unlock()
}

// Requests returns the requests recorded so far, in the order they
// ended.
func (w *Web) Requests() []Request {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]Request(nil), w.log...)
}

// Hold sets a function every request passes through before it is
// served (nil: none), so a test can keep a request in flight — e.g. to
// kill the crawler that made it. It runs inside the request's recorded
// span.
func (w *Web) Hold(f func(*http.Request)) {
	w.mu.Lock()
	w.hold = f
	w.mu.Unlock()
}

// record wraps serving one request with the log and the hold.
func (s *siteServer) record(_ http.ResponseWriter, r *http.Request, serve func()) {
	s.web.mu.Lock()
	recording, hold := s.web.recording, s.web.hold
	s.web.mu.Unlock()
	if !recording && hold == nil {
		serve()
		return
	}
	req := Request{Site: s.spec.ID, Host: r.Host, Path: r.URL.RequestURI(), Agent: r.UserAgent(), Start: time.Now()}
	if hold != nil {
		hold(r)
	}
	serve()
	req.End = time.Now()
	if recording {
		s.web.mu.Lock()
		s.web.log = append(s.web.log, req)
		s.web.mu.Unlock()
	}
}

// ServeHTTP serves one request, through the request log when it records.
func (s *siteServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.record(w, r, func() { s.serve(w, r) })
}

// serve routes one request. The routes differ per site (feeds,
// listings, sections), so they are matched here from the site table
// rather than registered on a mux.
func (s *siteServer) serve(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	s.web.count(s.spec.ID, p)
	s.web.stateMu.RLock()
	defer s.web.stateMu.RUnlock()
	if s.serveGone(w, r) { // state2.go: withdrawn in the current state
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	spec := s.spec
	switch {
	case p == "/robots.txt":
		s.serveRobots(w, r)
	case p == "/sitemap.xml":
		s.serveSitemap(w, r, s.pages, true)
	case spec.NewsSitemap != "" && p == spec.NewsSitemap:
		s.serveNewsSitemap(w, r)
	case spec.SitemapIndex != "" && p == spec.SitemapIndex:
		s.serveSitemapIndex(w, r)
	case spec.SitemapIndex != "" && isYearlySitemap(p):
		s.serveYearlySitemap(w, r, p)
	case spec.RSS != "" && p == spec.RSS:
		s.serveRSS(w, r)
	case spec.Atom != "" && p == spec.Atom:
		s.serveAtom(w, r)
	case spec.FRAPI && p == "/api/v1/documents.json":
		s.serveFRAPI(w, r)
	case p == "/":
		s.serveHome(w, r)
	case p == "/about/" || p == "/privacy/" || p == "/subscribe/" || (spec.FRAPI && p == "/developers/"):
		s.serveInfo(w, r, p)
	case spec.Private != "" && strings.HasPrefix(p, spec.Private):
		s.serveForbidden(w, r)
	default:
		if pg, ok := s.byPath[p]; ok {
			s.serveArticle(w, r, pg)
			return
		}
		if s.serveListing(w, r) {
			return
		}
		// A missing trailing slash is a common link mistake; real CMSs
		// redirect rather than 404.
		if _, ok := s.byPath[p+"/"]; ok {
			http.Redirect(w, r, p+"/", http.StatusMovedPermanently)
			return
		}
		s.serveNotFound(w, r)
	}
}
