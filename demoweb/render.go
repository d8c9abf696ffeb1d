package demoweb

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"html/template"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/traditionalchinese"
)

//go:embed templates
var templateFS embed.FS

// families are the template families; each has templates/<family>.html
// redefining the blocks of templates/base.html.
var families = []string{"usgov", "fedreg", "hkgov", "govuk", "ministry", "newsroom", "tabloid"}

const perPage = 10

// renderer holds one parsed template set per family.
type renderer struct {
	sets map[string]*template.Template
}

func newRenderer() (*renderer, error) {
	base, err := template.New("base.html").Funcs(funcs).ParseFS(templateFS, "templates/base.html")
	if err != nil {
		return nil, fmt.Errorf("parse base template: %w", err)
	}
	r := &renderer{sets: map[string]*template.Template{}}
	for _, f := range families {
		t, err := base.Clone()
		if err != nil {
			return nil, fmt.Errorf("clone base template for %s: %w", f, err)
		}
		if t, err = t.ParseFS(templateFS, "templates/"+f+".html"); err != nil {
			return nil, fmt.Errorf("parse template family %s: %w", f, err)
		}
		r.sets[f] = t
	}
	for i := range sites {
		if r.sets[sites[i].Family] == nil {
			return nil, fmt.Errorf("site %s: unknown template family %q", sites[i].ID, sites[i].Family)
		}
	}
	return r, nil
}

var funcs = template.FuncMap{
	"date":  showDate,
	"iso":   func(t time.Time) string { return t.Format(time.RFC3339) },
	"day":   func(t time.Time) string { return t.Format("2006-01-02") },
	"clock": func(t time.Time) string { return t.Format("15:04") },
	"short": shorten,
	"upper": strings.ToUpper,
	"slug":  func(s string) string { return strings.ToLower(strings.ReplaceAll(s, " ", "-")) },
	"eqs":   func(a, b string) bool { return a == b },
	"zh":    func(lang string) bool { return strings.HasPrefix(lang, "zh") },
	// isoAttr writes name="RFC 3339 time" as a trusted attribute:
	// html/template would otherwise escape the zone's "+" as &#43;, which
	// real CMSs do not do.
	"isoAttr": func(name string, t time.Time) template.HTMLAttr {
		return template.HTMLAttr(name + `="` + t.Format(time.RFC3339) + `"`)
	},
	// signin links to the site's private area (which robots.txt
	// disallows), as real sites link their login pages.
	"signin": func(s *siteSpec) string {
		if s.Private != "" {
			return s.Private
		}
		return "/about/"
	},
	// byline drops a leading "By ", which templates add themselves.
	"byline": func(s string) string {
		if rest, ok := strings.CutPrefix(s, "By "); ok {
			return rest
		}
		return s
	},
	"sectionURL": func(s *siteSpec, sec string) string {
		return (&siteServer{spec: s}).sectionPath(sec)
	},
}

var zhWeekdays = []string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}

// showDate writes a date the way a site's readers expect it.
func showDate(t time.Time, style, lang string) string {
	if strings.HasPrefix(lang, "zh") {
		return fmt.Sprintf("%d年%d月%d日（%s）", t.Year(), int(t.Month()), t.Day(), zhWeekdays[t.Weekday()])
	}
	switch style {
	case "uk":
		return t.Format("2 January 2006")
	case "iso":
		return t.Format("2006-01-02")
	default:
		return t.Format("January 2, 2006")
	}
}

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n])
	if i := strings.LastIndex(cut, " "); i > n/2 {
		cut = cut[:i]
	}
	return cut + "…"
}

// view is what every template receives.
type view struct {
	Site      *siteSpec
	Base      string
	Kind      string // article | listing | home | info | notfound | forbidden
	Lang      string
	Charset   string
	Title     string
	Canonical string
	Robots    string // meta robots, "" for none
	Page      *page
	JSONLD    []template.JS
	Related   []*page
	Listing   *listingView
	Latest    []*page
	Sections  []string
	Comments  []comment
	Info      infoText
	Year      int
	URL       string // absolute URL of this page, for share links
}

type listingView struct {
	Heading   string
	Items     []*page
	Page      int
	Pages     int
	PrevURL   string
	NextURL   string
	PageLinks []pageLink
}

type pageLink struct {
	N       int
	URL     string
	Current bool
}

type comment struct{ Author, Ago, Text string }

type infoText struct {
	Heading string
	Paras   []string
}

func (s *siteServer) newView(kind, title, path string) *view {
	lang := s.spec.Lang
	if s.spec.HTMLLang != "" {
		lang = s.spec.HTMLLang
	}
	v := &view{
		Site: s.spec, Base: s.base, Kind: kind, Lang: lang, Charset: "utf-8",
		Title: title, Year: time.Now().Year(), URL: s.base + path,
		Sections: s.sections(),
	}
	if s.spec.Canonical {
		v.Canonical = s.base + path
	}
	return v
}

func (s *siteServer) sections() []string {
	if s.spec.SectionStyle == "" {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	for _, p := range s.pages {
		if p.Section != "" && !seen[p.Section] {
			seen[p.Section] = true
			out = append(out, p.Section)
		}
	}
	sort.Strings(out)
	return out
}

func (s *siteServer) serveArticle(w http.ResponseWriter, r *http.Request, p *page) {
	v := s.newView("article", p.Title+" | "+s.spec.Name, p.Path)
	v.Page = p
	if p.Lang != "" {
		v.Lang = p.Lang
		if p.Lang == "en" && s.spec.HTMLLang != "" {
			v.Lang = s.spec.HTMLLang
		}
	}
	if p.Charset == "big5" {
		v.Charset = "big5"
	}
	if p.DateMarkup == "jsonld" {
		v.JSONLD = s.jsonLD(p)
	}
	v.Related = s.related(p, 3)
	if s.spec.Kind == "news" {
		v.Comments = commentsFor(p.Path)
	}
	mod := p.Published
	if !p.Modified.IsZero() {
		mod = p.Modified
	}
	s.write(w, r, v, http.StatusOK, mod)
}

// related picks other pages like this one: same language, and on the same
// side of the topic line, as a tag-based "related" widget would. Off-topic
// pages thus do not carry on-topic headlines in their boilerplate.
func (s *siteServer) related(p *page, n int) []*page {
	var out []*page
	for _, o := range s.pages {
		if o == p || o.Topic != p.Topic || o.Lang != p.Lang {
			continue
		}
		out = append(out, o)
		if len(out) == n {
			break
		}
	}
	return out
}

// jsonLD builds the page's structured data the way its kind of site
// does: a plain Article on official sites, a NewsArticle plus a
// BreadcrumbList on the newsroom sites, and a WordPress-style @graph on
// the tabloid, so an extractor has to find the article among other nodes.
func (s *siteServer) jsonLD(p *page) []template.JS {
	typ, pubType := "Article", "GovernmentOrganization"
	if s.spec.Kind == "news" {
		typ, pubType = "NewsArticle", "NewsMediaOrganization"
	}
	article := map[string]any{
		"@type":            typ,
		"headline":         p.Title,
		"datePublished":    p.Published.Format(time.RFC3339),
		"mainEntityOfPage": s.base + p.Path,
		"publisher":        map[string]any{"@type": pubType, "name": s.spec.Name, "logo": map[string]any{"@type": "ImageObject", "url": s.base + "/static/logo.png"}},
	}
	if !p.Modified.IsZero() {
		article["dateModified"] = p.Modified.Format(time.RFC3339)
	}
	if p.Byline != "" {
		article["author"] = map[string]any{"@type": "Person", "name": p.Byline}
	}
	if p.Lang != "" {
		article["inLanguage"] = p.Lang
	}
	var docs []map[string]any
	switch s.spec.Family {
	case "tabloid":
		docs = append(docs, map[string]any{
			"@context": "https://schema.org",
			"@graph": []any{
				map[string]any{"@type": "WebSite", "@id": s.base + "/#website", "url": s.base + "/", "name": s.spec.Name},
				map[string]any{"@type": "WebPage", "@id": s.base + p.Path, "url": s.base + p.Path, "name": p.Title, "isPartOf": map[string]any{"@id": s.base + "/#website"}},
				article,
			},
		})
	case "newsroom":
		article["@context"] = "https://schema.org"
		docs = append(docs, article, map[string]any{
			"@context": "https://schema.org",
			"@type":    "BreadcrumbList",
			"itemListElement": []any{
				map[string]any{"@type": "ListItem", "position": 1, "name": "Home", "item": s.base + "/"},
				map[string]any{"@type": "ListItem", "position": 2, "name": titleCase(p.Section), "item": s.base + s.sectionPath(p.Section)},
			},
		})
	default:
		article["@context"] = "https://schema.org"
		docs = append(docs, article)
	}
	var out []template.JS
	for _, d := range docs {
		b, err := json.Marshal(d) // escapes <, > and & so it cannot end the script
		if err != nil {
			continue
		}
		out = append(out, template.JS(b))
	}
	return out
}

func (s *siteServer) sectionPath(sec string) string {
	if s.spec.SectionStyle == "query" {
		return "/section/" + sec
	}
	return "/" + sec + "/"
}

var commentPool = []comment{
	{"kestrel_77", "2 hours ago", "Thanks for laying out the timeline so clearly."},
	{"R. Okafor", "5 hours ago", "Would be good to see the full text of the document linked."},
	{"longtime_reader", "1 day ago", "This is the kind of reporting I pay my subscription for."},
	{"M. Lindqvist", "3 hours ago", "Curious what the knock-on effects for shipping will be."},
	{"quietobserver", "7 hours ago", "Good piece. The graphic on mobile is hard to read though."},
	{"Dana P.", "2 days ago", "Shared this with my study group, thank you."},
}

// commentsFor picks a stable handful of generic reader comments.
func commentsFor(path string) []comment {
	h := fnv.New32a()
	h.Write([]byte(path))
	n := int(h.Sum32())
	out := make([]comment, 0, 3)
	for i := 0; i < 2+n%2; i++ {
		out = append(out, commentPool[(n+i*2)%len(commentPool)])
	}
	return out
}

func (s *siteServer) serveHome(w http.ResponseWriter, r *http.Request) {
	v := s.newView("home", s.spec.Name, "/")
	v.Robots = "noindex, follow"
	v.Latest = s.pages[:min(5, len(s.pages))]
	s.write(w, r, v, http.StatusOK, time.Time{})
}

func (s *siteServer) serveInfo(w http.ResponseWriter, r *http.Request, path string) {
	var info infoText
	switch path {
	case "/about/":
		carries := "It carries official releases, statements and notices. Material is available for reuse with attribution unless stated otherwise."
		if s.spec.Kind == "news" {
			carries = "Our newsroom publishes reporting, analysis and opinion, and follows a published code of editorial standards."
		}
		info = infoText{"About " + s.spec.Name, []string{
			"This website is maintained by " + s.spec.Name + " (" + s.spec.Tagline + "). " + carries,
			"Questions about this website can be sent through the contact form. We aim to reply within ten working days.",
		}}
	case "/developers/":
		info = infoText{"Developer API", []string{
			"Documents are available as JSON from /api/v1/documents.json. Use conditions[term] for full-text search, per_page and page for paging; responses include next_page_url until the last page.",
		}}
	case "/subscribe/":
		info = infoText{"Subscribe", []string{
			"Sign up to receive " + strings.ToLower(s.spec.Tagline) + " from " + s.spec.Name + " by email. You can unsubscribe at any time using the link in every message.",
		}}
	default:
		info = infoText{"Privacy and cookies", []string{
			"We use a small number of cookies to remember your settings and to understand how the site is used. You can change your cookie settings at any time.",
			"We do not sell personal information. Server logs are kept for thirty days for security purposes.",
		}}
	}
	v := s.newView("info", info.Heading+" | "+s.spec.Name, path)
	v.Info = info
	s.write(w, r, v, http.StatusOK, time.Time{})
}

func (s *siteServer) serveNotFound(w http.ResponseWriter, r *http.Request) {
	v := s.newView("notfound", "Page not found | "+s.spec.Name, r.URL.Path)
	v.Canonical = ""
	v.Robots = "noindex"
	v.Info = infoText{"Page not found", []string{
		"The page you were looking for may have been moved or removed. Check the address, or start again from the home page.",
	}}
	s.write(w, r, v, http.StatusNotFound, time.Time{})
}

func (s *siteServer) serveForbidden(w http.ResponseWriter, r *http.Request) {
	v := s.newView("forbidden", "Sign in | "+s.spec.Name, r.URL.Path)
	v.Canonical = ""
	v.Robots = "noindex, nofollow"
	v.Info = infoText{"Sign in required", []string{"This area is for staff only."}}
	s.write(w, r, v, http.StatusForbidden, time.Time{})
}

func (s *siteServer) serveRobots(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte(strings.ReplaceAll(s.spec.Robots, "{base}", s.base)))
}

// serveListing answers a listing or section page; false when the path is
// none of them.
func (s *siteServer) serveListing(w http.ResponseWriter, r *http.Request) bool {
	p := r.URL.Path
	for _, l := range s.spec.Listings {
		if p != l.Path {
			continue
		}
		var items []*page
		for _, pg := range s.pages {
			if l.Lang == "" || pg.Lang == l.Lang || (l.Lang == "en" && pg.Lang == "") {
				items = append(items, pg)
			}
		}
		n, ok := queryPage(r)
		s.listing(w, r, l.Title, items, n, ok, func(k int) string { return l.Path + "?page=" + strconv.Itoa(k) }, l.Lang)
		return true
	}
	for _, sec := range s.sections() {
		var n int
		var ok bool
		switch s.spec.SectionStyle {
		case "path":
			base := "/" + sec + "/"
			if p == base {
				n, ok = 1, true
			} else if rest, found := strings.CutPrefix(p, base+"page/"); found {
				k, err := strconv.Atoi(strings.TrimSuffix(rest, "/"))
				n, ok = k, err == nil && strings.HasSuffix(rest, "/")
			} else {
				continue
			}
			items := s.inSection(sec)
			s.listing(w, r, titleCase(sec), items, n, ok, func(k int) string {
				if k == 1 {
					return base
				}
				return base + "page/" + strconv.Itoa(k) + "/"
			}, "")
			return true
		case "query":
			if p != "/section/"+sec {
				continue
			}
			n, ok = queryPage(r)
			s.listing(w, r, titleCase(sec), s.inSection(sec), n, ok, func(k int) string {
				return "/section/" + sec + "?page=" + strconv.Itoa(k)
			}, "")
			return true
		}
	}
	return false
}

func (s *siteServer) inSection(sec string) []*page {
	var out []*page
	for _, p := range s.pages {
		if p.Section == sec {
			out = append(out, p)
		}
	}
	return out
}

func titleCase(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// queryPage reads ?page=N; a missing parameter is page 1.
func queryPage(r *http.Request) (int, bool) {
	q := r.URL.Query().Get("page")
	if q == "" {
		return 1, true
	}
	n, err := strconv.Atoi(q)
	return n, err == nil
}

func (s *siteServer) listing(w http.ResponseWriter, r *http.Request, heading string, items []*page, n int, ok bool, urlFor func(int) string, lang string) {
	pages := max(1, (len(items)+perPage-1)/perPage)
	if !ok || n < 1 || n > pages {
		s.serveNotFound(w, r)
		return
	}
	path := r.URL.Path
	if n > 1 {
		path = urlFor(n)
	}
	v := s.newView("listing", heading+" | "+s.spec.Name, path)
	v.Robots = "noindex, follow"
	if lang != "" {
		v.Lang = lang
	}
	lv := &listingView{Heading: heading, Page: n, Pages: pages}
	lv.Items = items[min((n-1)*perPage, len(items)):min(n*perPage, len(items))]
	if n > 1 {
		lv.PrevURL = urlFor(n - 1)
	}
	if n < pages {
		lv.NextURL = urlFor(n + 1)
	}
	for k := 1; k <= pages; k++ {
		lv.PageLinks = append(lv.PageLinks, pageLink{N: k, URL: urlFor(k), Current: k == n})
	}
	v.Listing = lv
	var mod time.Time
	if len(lv.Items) > 0 {
		mod = lv.Items[0].Published
	}
	s.write(w, r, v, http.StatusOK, mod)
}

// write renders v with the site's family templates and sends it. Big5
// pages are encoded to Big5 and, like many older government sites, name
// their charset only in <meta>, not in the Content-Type header.
func (s *siteServer) write(w http.ResponseWriter, r *http.Request, v *view, status int, mod time.Time) {
	var buf bytes.Buffer
	if err := s.render.sets[s.spec.Family].ExecuteTemplate(&buf, "layout", v); err != nil {
		http.Error(w, "render: "+err.Error(), http.StatusInternalServerError)
		return
	}
	body := buf.Bytes()
	ctype := "text/html; charset=utf-8"
	if v.Charset == "big5" {
		enc := encoding.HTMLEscapeUnsupported(traditionalchinese.Big5.NewEncoder())
		b, err := enc.Bytes(body)
		if err != nil {
			http.Error(w, "encode big5: "+err.Error(), http.StatusInternalServerError)
			return
		}
		body, ctype = b, "text/html"
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	if status != http.StatusOK {
		w.WriteHeader(status)
		_, _ = w.Write(body)
		return
	}
	// Validators let a crawler revisit with conditional requests.
	sum := sha256.Sum256(body)
	h.Set("ETag", `"`+hex.EncodeToString(sum[:8])+`"`)
	http.ServeContent(w, r, "", mod, bytes.NewReader(body))
}
