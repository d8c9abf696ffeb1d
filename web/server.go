// Package web serves policywatch's server-rendered UI and its JSON API
// over the store and the search index.
package web

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"policywatch/model"
	"policywatch/query"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// pages are the templates rendered inside the shared layout. Listing them
// here means a missing file fails New, not the first request.
var pages = []string{"search", "document", "timeline", "event", "runs", "error", "timeline_matrix", "version", "diff", "changes", "login", "curate_new", "curate_audit", "curate_users", "help", "release", "coverage", "coverage_source", "saved_searches"}

// Server holds the parsed templates and the dependencies of the handlers.
type Server struct {
	store  Store
	index  Searcher
	lanes  []Lane
	labels map[string]string
	vocab  *query.Vocabulary
	log    *slog.Logger
	now    func() time.Time
	pages  map[string]*template.Template

	// Sign-in and curation (auth.go, curate.go).
	accounts Accounts
	curator  Curator
	limiter  *loginLimiter

	secureCookies, trustProxy bool // Config.SecureCookies, Config.TrustProxy (auth.go)

	searches, exports *searchGate                                    // searchlimit.go
	baseURL           string                                         // Config.BaseURL, normalised (baseurl.go)
	checkWebhook      func(ctx context.Context, rawURL string) error // Config.CheckWebhook

	bare   *template.Template // capture view: standalone, no app stylesheet under its CSP
	static http.Handler
}

// New parses the embedded templates and returns a server ready to serve.
// It fails when a template is missing or broken, so a bad build is caught
// at start-up.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil {
		return nil, errors.New("web: Config.Store is nil")
	}
	if cfg.Index == nil {
		return nil, errors.New("web: Config.Index is nil")
	}
	s := &Server{
		store:  cfg.Store,
		index:  cfg.Index,
		lanes:  cfg.Lanes,
		labels: cfg.Labels,
		vocab:  cfg.Vocabulary,
		log:    cfg.Logger,
		now:    cfg.Now,
	}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.accounts, s.curator, s.limiter = cfg.Accounts, cfg.Curator, newLoginLimiter(cfg.SignInLog, s.now)
	s.secureCookies, s.trustProxy = cfg.SecureCookies, cfg.TrustProxy
	s.checkWebhook = cfg.CheckWebhook
	s.searches, s.exports = newGates(cfg.MaxSearches, cfg.SearchTimeout)
	if cfg.BaseURL != "" {
		b, err := ParseBaseURL(cfg.BaseURL)
		if err != nil {
			return nil, fmt.Errorf("web: %w", err)
		}
		s.baseURL = b
	}
	if err := s.parseTemplates(templateFS); err != nil {
		return nil, err
	}
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, fmt.Errorf("web: static files: %w", err)
	}
	s.static = http.StripPrefix("/static/", http.FileServerFS(sub))
	return s, nil
}

// parseTemplates parses the layout, every page and the capture view from
// fsys (the embedded templates; tests pass broken sets).
func (s *Server) parseTemplates(fsys fs.FS) error {
	funcs := template.FuncMap{
		"date":       formatDate,
		"datetime":   formatDateTime,
		"dayMonth":   func(t time.Time) string { return t.UTC().Format("2 Jan 2006") },
		"join":       strings.Join,
		"dateSource": dateSourceLabel,
		"pct":        func(f float64) string { return fmt.Sprintf("%.0f%%", f*100) },
		"label":      s.label,
		"ownCats":    ownCategories,
	}
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(fsys, "templates/layout.html")
	if err != nil {
		return fmt.Errorf("web: parse layout template: %w", err)
	}
	s.pages = make(map[string]*template.Template, len(pages))
	for _, name := range pages {
		t, err := template.Must(layout.Clone()).ParseFS(fsys, "templates/"+name+".html")
		if err != nil {
			return fmt.Errorf("web: parse template %s: %w", name, err)
		}
		if t.Lookup("content") == nil {
			return fmt.Errorf("web: template %s defines no \"content\" for the layout", name)
		}
		s.pages[name] = t
	}
	s.bare, err = template.New("capture.html").Funcs(funcs).ParseFS(fsys, "templates/capture.html")
	if err != nil {
		return fmt.Errorf("web: parse template capture: %w", err)
	}
	return nil
}

// page is what every page template receives: the layout reads Title and
// Nav, the page body reads Data.
type page struct {
	Title string
	Nav   string // "search", "timeline", "runs": the current nav entry
	Data  any

	// Set by render for the header: who is signed in (nil for a reader),
	// whether this site signs anyone in, and where to come back after.
	Viewer *viewer
	SignIn bool
	Here   string
}

// viewer is the signed-in account as the header shows it.
type viewer struct {
	Name, Role, CSRF string
	Admin            bool
}

// render executes a page into a buffer first so a template error becomes
// a clean 500 instead of half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	t, ok := s.pages[name]
	if !ok {
		s.serverError(w, r, fmt.Errorf("render: no template %q", name))
		return
	}
	p.SignIn, p.Here = s.accounts != nil, r.URL.RequestURI()
	if sess := sessionFrom(r); sess != nil {
		p.Viewer = &viewer{Name: sess.User.Name, Role: sess.User.Role, CSRF: sess.CSRF, Admin: sess.User.IsAdmin()}
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", p); err != nil {
		s.serverError(w, r, fmt.Errorf("render %s: %w", name, err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// securityHeaders sets the defaults for every response; the capture view
// replaces the CSP with a stricter, sandboxed one.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", appCSP)
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

const (
	appCSP     = "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
	captureCSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; sandbox"
)

// recoverPanics turns a handler panic into a logged 500 rather than a
// dropped connection.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.serverError(w, r, fmt.Errorf("panic: %v", v))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// label is the display name of a category or actor id.
func (s *Server) label(id string) string {
	if l, ok := s.labels[id]; ok && l != "" {
		return l
	}
	return strings.NewReplacer("_", " ", "-", " ").Replace(id)
}

// formatDate writes t's calendar day where t was written: a page
// published at 11:05+12:00 on 28 July was published on 28 July, though
// the instant is 27 July in UTC. (Days the store keeps as midnight UTC,
// an event's, read the same either way.)
func formatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

func formatDateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// dateSourceLabel explains where a published date came from, so a reader
// can judge how far to trust it.
func dateSourceLabel(src string) string {
	switch src {
	case model.DateFromJSONLD:
		return "structured data (JSON-LD)"
	case model.DateFromMeta:
		return "page metadata"
	case model.DateFromTime:
		return "a <time> element"
	case model.DateFromURL:
		return "the URL"
	case model.DateFromText:
		return "the page text"
	case model.DateFromFeed:
		return "the feed entry"
	case model.DateFromAPI:
		return "the publisher's API"
	case model.DateFromCrawl:
		return "crawl time (not the publication date)"
	case "":
		return "unknown"
	}
	return src
}
