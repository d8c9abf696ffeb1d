package web

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"

	"policywatch/model"
	"policywatch/store"
)

// captureView is what templates/capture.html renders.
type captureView struct {
	Doc     *model.Document
	Capture *model.Capture
	Charset string
	// Body is the archived page after bluemonday's UGC policy: no
	// scripts, no event handlers, no javascript: URLs. It is the only
	// crawled HTML we ever mark as safe, and the page it is served in is
	// sandboxed by its CSP as a second wall.
	Body template.HTML
	// Text is a non-HTML capture (JSON from an API, XML from a feed),
	// shown escaped as it came.
	Text string
	// Note explains why nothing is shown (binary content, empty body).
	Note string
}

// loadCapture fetches a capture and checks that it belongs to the
// document the URL names, so ids cannot be mixed and matched.
func (s *Server) loadCapture(r *http.Request) (*model.Document, *model.Capture, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, nil, err
	}
	cid, err := pathID(r, "cid")
	if err != nil {
		return nil, nil, err
	}
	c, err := s.store.Capture(r.Context(), cid)
	if err != nil {
		return nil, nil, err
	}
	if c.DocumentID != id {
		return nil, nil, errNotFound
	}
	doc, err := s.store.Document(r.Context(), id)
	if err != nil {
		return nil, nil, err
	}
	return doc, c, nil
}

func (s *Server) capturePage(w http.ResponseWriter, r *http.Request) {
	doc, c, err := s.loadCapture(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	view := captureView{Doc: doc, Capture: c}
	switch kind := bodyKind(c); {
	case len(c.Body) == 0:
		view.Note = "No body was stored for this capture."
	case kind == "binary":
		view.Note = "This capture is not a text document (" + contentType(c) + "); download the raw bytes to read it."
	default:
		body, cs, err := decodeBody(c)
		if err != nil {
			s.fail(w, r, fmt.Errorf("decode capture %d: %w", c.ID, err))
			return
		}
		view.Charset = cs
		if kind == "html" {
			base := c.FinalURL
			if base == "" {
				base = c.RequestURL
			}
			view.Body = sanitizeCapture(body, base, s.archivedLinks(r, c.FetchedAt))
		} else {
			view.Text = string(body)
		}
	}
	var buf bytes.Buffer
	if err := s.bare.Execute(&buf, view); err != nil {
		s.serverError(w, r, fmt.Errorf("render capture %d: %w", c.ID, err))
		return
	}
	h := w.Header()
	h.Set("Content-Security-Policy", captureCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Type", "text/html; charset=utf-8")
	_, _ = buf.WriteTo(w)
}

// captureRaw serves the bytes exactly as fetched, as text: the browser
// shows the source instead of running it.
func (s *Server) captureRaw(w http.ResponseWriter, r *http.Request) {
	_, c, err := s.loadCapture(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	_, name, _ := charset.DetermineEncoding(c.Body, contentType(c))
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset="+name)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", captureCSP)
	h.Set("Content-Disposition", "inline")
	_, _ = w.Write(c.Body)
}

func contentType(c *model.Capture) string {
	if c.Header == nil {
		return ""
	}
	return c.Header.Get("Content-Type")
}

// bodyKind says how to show a capture: "html" (sanitized), "text"
// (escaped, for JSON, XML and plain text) or "binary" (not shown). A
// missing Content-Type is sniffed the way browsers do.
func bodyKind(c *model.Capture) string {
	ct := contentType(c)
	if ct == "" {
		ct = http.DetectContentType(c.Body)
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		mt = strings.ToLower(strings.TrimSpace(strings.SplitN(ct, ";", 2)[0]))
	}
	switch {
	case mt == "text/html" || mt == "application/xhtml+xml":
		return "html"
	case strings.HasPrefix(mt, "text/"), mt == "application/json", mt == "application/xml",
		strings.HasSuffix(mt, "+json"), strings.HasSuffix(mt, "+xml"):
		return "text"
	}
	return "binary"
}

// decodeBody converts a capture to UTF-8 using the response header, a
// BOM or the page's <meta charset>, the way a browser would have.
func decodeBody(c *model.Capture) ([]byte, string, error) {
	enc, name, _ := charset.DetermineEncoding(c.Body, contentType(c))
	out, err := enc.NewDecoder().Bytes(c.Body)
	if err != nil {
		return nil, name, fmt.Errorf("charset %s: %w", name, err)
	}
	return out, name, nil
}

// capturePolicy is bluemonday's policy for user content: a fixed list of
// harmless elements and attributes, http(s)/mailto URLs only. The one
// class it lets through on links is ours: whether the link leads to an
// archived copy or to the live web.
var capturePolicy = func() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.RequireNoReferrerOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(false)
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^(` + linkArchived + `|` + linkLive + `)$`)).OnElements("a")
	return p
}()

// The classes links in an archived page get.
const (
	linkArchived = "pw-archived" // rewritten to our archived copy of the page it names
	linkLive     = "pw-live"     // the archive has no copy: it leads to the live web
)

// archiveResolver maps absolute link URLs to the path of our archived
// copy of each that we hold; the others are left out.
type archiveResolver func(links []string) map[string]string

// archivedLinkStore finds archived pages by URL; *store.DB satisfies it.
type archivedLinkStore interface {
	ArchivedAt(ctx context.Context, urls []string, at time.Time) (map[string]store.ArchivedLink, error)
}

// archivedLinks resolves a capture's links to the captures of the pages
// they name nearest to when it was fetched (as the Wayback Machine does).
// A failed lookup leaves every link live, logged: the page still shows.
func (s *Server) archivedLinks(r *http.Request, at time.Time) archiveResolver {
	as := s.store
	return func(links []string) map[string]string {
		keys := map[string][]string{} // lookup key -> links it stands for
		var lookup []string
		for _, l := range links {
			for _, k := range linkKeys(l) {
				if _, seen := keys[k]; !seen {
					lookup = append(lookup, k)
				}
				keys[k] = append(keys[k], l)
			}
		}
		found, err := as.ArchivedAt(r.Context(), lookup, at)
		if err != nil {
			s.log.LogAttrs(r.Context(), slog.LevelError, "archived links", slog.String("path", r.URL.Path), slog.Any("err", err))
			return nil
		}
		out := map[string]string{}
		for _, k := range lookup { // in order: an exact key wins over a variant
			a, ok := found[k]
			if !ok {
				continue
			}
			for _, l := range keys[k] {
				if _, done := out[l]; !done {
					out[l] = captureURL(a.DocumentID, a.CaptureID)
				}
			}
		}
		return out
	}
}

// linkKeys are the forms under which the archive may hold the page a link
// names: without its fragment, scheme and host in lower case, no default
// port, an empty path as "/", then the same with the trailing slash
// added or removed (sites answer both).
func linkKeys(link string) []string {
	u, err := url.Parse(link)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil
	}
	u.Fragment, u.RawFragment, u.User = "", "", nil
	u.Scheme, u.Host = strings.ToLower(u.Scheme), strings.ToLower(u.Host)
	u.Host = strings.TrimSuffix(strings.TrimSuffix(u.Host, ":80"), ":443")
	if u.Path == "" {
		u.Path, u.RawPath = "/", ""
	}
	exact := u.String()
	alt := *u
	if strings.HasSuffix(alt.Path, "/") && alt.Path != "/" {
		alt.Path, alt.RawPath = strings.TrimSuffix(alt.Path, "/"), ""
	} else if !strings.HasSuffix(alt.Path, "/") {
		alt.Path, alt.RawPath = alt.Path+"/", ""
	}
	if v := alt.String(); v != exact {
		return []string{exact, v}
	}
	return []string{exact}
}

// sanitizeCapture makes a fetched page safe to show: links are resolved
// against the page's own URL (so they lead to the original site, not to
// paths on ours), links to pages we archived open our copy, the others
// are marked live, then everything is passed through the UGC policy. The
// sanitizer runs last so nothing we do can reintroduce markup it removed.
func sanitizeCapture(page []byte, pageURL string, archived archiveResolver) template.HTML {
	frag := absolutizeLinks(page, pageURL, archived)
	return template.HTML(capturePolicy.SanitizeBytes(frag))
}

// absolutizeLinks parses the page, rewrites relative href/src values to
// absolute URLs, points links at archived copies (see sanitizeCapture)
// and returns the body's content. On a parse failure it returns the page
// unchanged; the sanitizer still runs on it.
func absolutizeLinks(page []byte, pageURL string, archived archiveResolver) []byte {
	base, err := url.Parse(pageURL)
	if err != nil || !base.IsAbs() {
		base = nil
	}
	// A link to a place in the page itself (#main, or the page's own URL
	// with a fragment) stays a fragment: in our copy it must scroll our
	// copy, not reload it, nor open another capture.
	self := ""
	if base != nil {
		b := *base
		b.Fragment, b.RawFragment = "", ""
		self = b.String()
	}
	root, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		return page
	}
	var body *html.Node
	for n := range root.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		switch n.Data {
		case "base":
			// The page's own <base href> decides how its links resolve.
			for _, a := range n.Attr {
				if a.Key == "href" && base != nil {
					if u, err := base.Parse(strings.TrimSpace(a.Val)); err == nil {
						base = u
					}
				}
			}
		case "body":
			if body == nil {
				body = n
			}
		}
		if base == nil {
			continue
		}
		for i, a := range n.Attr {
			if a.Key != "href" && a.Key != "src" {
				continue
			}
			u, err := base.Parse(strings.TrimSpace(a.Val))
			if err != nil {
				continue
			}
			if a.Key == "href" && u.Fragment != "" {
				whole := *u
				whole.Fragment, whole.RawFragment = "", ""
				if whole.String() == self {
					n.Attr[i].Val = "#" + u.EscapedFragment()
					continue
				}
			}
			n.Attr[i].Val = u.String()
		}
	}
	if body == nil {
		return page
	}
	markLinks(body, archived)
	var buf bytes.Buffer
	for c := body.FirstChild; c != nil; c = c.NextSibling {
		if err := html.Render(&buf, c); err != nil {
			return page
		}
	}
	return buf.Bytes()
}

// markLinks points every web link in the page at our archived copy of
// the page it names, keeping its fragment, or marks it as leading to the
// live web. Classes the page gave its links are dropped: the only ones
// left are ours.
func markLinks(body *html.Node, archived archiveResolver) {
	var links []*html.Node
	var targets []string
	for n := range body.Descendants() {
		if n.Type != html.ElementNode || n.Data != "a" {
			continue
		}
		n.Attr = slices.DeleteFunc(n.Attr, func(a html.Attribute) bool { return a.Key == "class" })
		for _, a := range n.Attr {
			if a.Key == "href" && (strings.HasPrefix(a.Val, "http://") || strings.HasPrefix(a.Val, "https://")) {
				links = append(links, n)
				targets = append(targets, a.Val)
			}
		}
	}
	var found map[string]string
	if archived != nil && len(targets) > 0 {
		found = archived(targets)
	}
	for i, n := range links {
		href := targets[i]
		if path, ok := found[href]; ok {
			if u, err := url.Parse(href); err == nil && u.Fragment != "" {
				path += "#" + u.EscapedFragment()
			}
			setAttr(n, "href", path)
			setAttr(n, "class", linkArchived)
			setAttr(n, "title", "Archived copy of "+href)
			continue
		}
		setAttr(n, "class", linkLive)
		setAttr(n, "title", "Not archived: opens the live page "+href)
	}
}

func setAttr(n *html.Node, key, val string) {
	for i, a := range n.Attr {
		if a.Key == key && a.Namespace == "" {
			n.Attr[i].Val = val
			return
		}
	}
	n.Attr = append(n.Attr, html.Attribute{Key: key, Val: val})
}
