package demoweb

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// writeXML sends an XML document with Last-Modified and ETag, so feed
// and sitemap readers can poll with conditional requests.
func writeXML(w http.ResponseWriter, r *http.Request, ctype string, mod time.Time, v any) {
	out, err := xml.MarshalIndent(v, "", "  ")
	if err != nil {
		http.Error(w, "encode xml: "+err.Error(), http.StatusInternalServerError)
		return
	}
	body := append([]byte(xml.Header), out...)
	sum := sha256.Sum256(body)
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("ETag", `"`+hex.EncodeToString(sum[:8])+`"`)
	http.ServeContent(w, r, "", mod, bytes.NewReader(body))
}

// newest is the latest date among pages, zero for none.
func newest(pages []*page) time.Time {
	var t time.Time
	for _, p := range pages {
		if m := lastMod(p); m.After(t) {
			t = m
		}
	}
	return t
}

// lastMod is the newest of a page's dates.
func lastMod(p *page) time.Time {
	if !p.Modified.IsZero() {
		return p.Modified
	}
	return p.Published
}

// ---- sitemaps ----

type urlset struct {
	XMLName xml.Name     `xml:"urlset"`
	NS      string       `xml:"xmlns,attr"`
	NewsNS  string       `xml:"xmlns:news,attr,omitempty"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc        string    `xml:"loc"`
	LastMod    string    `xml:"lastmod,omitempty"`
	ChangeFreq string    `xml:"changefreq,omitempty"`
	News       *newsNews `xml:"news:news,omitempty"`
}

type newsNews struct {
	Publication struct {
		Name     string `xml:"news:name"`
		Language string `xml:"news:language"`
	} `xml:"news:publication"`
	PublicationDate string `xml:"news:publication_date"`
	Title           string `xml:"news:title"`
}

const sitemapNS = "http://www.sitemaps.org/schemas/sitemap/0.9"

// serveSitemap lists the given pages; withHubs adds the home page and
// listings, as CMS-generated sitemaps do.
func (s *siteServer) serveSitemap(w http.ResponseWriter, r *http.Request, pages []*page, withHubs bool) {
	us := urlset{NS: sitemapNS}
	if withHubs {
		us.URLs = append(us.URLs, sitemapURL{Loc: s.base + "/", ChangeFreq: "daily"})
		for _, l := range s.spec.Listings {
			us.URLs = append(us.URLs, sitemapURL{Loc: s.base + l.Path, ChangeFreq: "daily"})
		}
	}
	for _, p := range pages {
		us.URLs = append(us.URLs, sitemapURL{Loc: s.base + p.Path, LastMod: lastMod(p).Format("2006-01-02")})
	}
	writeXML(w, r, "application/xml; charset=utf-8", newest(pages), us)
}

func (s *siteServer) serveNewsSitemap(w http.ResponseWriter, r *http.Request) {
	us := urlset{NS: sitemapNS, NewsNS: "http://www.google.com/schemas/sitemap-news/0.9"}
	for _, p := range s.pages {
		n := &newsNews{PublicationDate: p.Published.Format(time.RFC3339), Title: p.Title}
		n.Publication.Name = s.spec.Name
		n.Publication.Language = "en"
		if p.Lang != "" {
			n.Publication.Language = p.Lang
		}
		us.URLs = append(us.URLs, sitemapURL{Loc: s.base + p.Path, News: n})
	}
	writeXML(w, r, "application/xml; charset=utf-8", newest(s.pages), us)
}

type sitemapIndex struct {
	XMLName  xml.Name `xml:"sitemapindex"`
	NS       string   `xml:"xmlns,attr"`
	Sitemaps []struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod,omitempty"`
	} `xml:"sitemap"`
}

func (s *siteServer) years() map[int][]*page {
	out := map[int][]*page{}
	for _, p := range s.pages {
		out[p.Published.Year()] = append(out[p.Published.Year()], p)
	}
	return out
}

func (s *siteServer) serveSitemapIndex(w http.ResponseWriter, r *http.Request) {
	byYear := s.years()
	var years []int
	for y := range byYear {
		years = append(years, y)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(years)))
	idx := sitemapIndex{NS: sitemapNS}
	for _, y := range years {
		newest := byYear[y][0]
		for _, p := range byYear[y] {
			if lastMod(p).After(lastMod(newest)) {
				newest = p
			}
		}
		idx.Sitemaps = append(idx.Sitemaps, struct {
			Loc     string `xml:"loc"`
			LastMod string `xml:"lastmod,omitempty"`
		}{s.base + "/sitemap-" + strconv.Itoa(y) + ".xml", lastMod(newest).Format(time.RFC3339)})
	}
	writeXML(w, r, "application/xml; charset=utf-8", newest(s.pages), idx)
}

func isYearlySitemap(p string) bool {
	y, ok := strings.CutPrefix(p, "/sitemap-")
	y, ok2 := strings.CutSuffix(y, ".xml")
	if !ok || !ok2 || len(y) != 4 {
		return false
	}
	_, err := strconv.Atoi(y)
	return err == nil
}

func (s *siteServer) serveYearlySitemap(w http.ResponseWriter, r *http.Request, p string) {
	y, _ := strconv.Atoi(p[len("/sitemap-") : len("/sitemap-")+4])
	pages, ok := s.years()[y]
	if !ok {
		s.serveNotFound(w, r)
		return
	}
	s.serveSitemap(w, r, pages, false)
}

// ---- RSS 2.0 and Atom ----

// feedPages are the pages a feed carries: the newest FeedLimit, or all.
func (s *siteServer) feedPages() []*page {
	if s.spec.FeedLimit > 0 && len(s.pages) > s.spec.FeedLimit {
		return s.pages[:s.spec.FeedLimit]
	}
	return s.pages
}

type rss struct {
	XMLName xml.Name `xml:"rss"`
	Version string   `xml:"version,attr"`
	DC      string   `xml:"xmlns:dc,attr"`
	Atom    string   `xml:"xmlns:atom,attr"`
	Channel struct {
		Title string `xml:"title"`
		Link  string `xml:"link"`
		Self  struct {
			Href string `xml:"href,attr"`
			Rel  string `xml:"rel,attr"`
			Type string `xml:"type,attr"`
		} `xml:"atom:link"`
		Description string    `xml:"description"`
		Language    string    `xml:"language"`
		LastBuild   string    `xml:"lastBuildDate,omitempty"`
		Items       []rssItem `xml:"item"`
	} `xml:"channel"`
}

type rssItem struct {
	Title       string `xml:"title"`
	Link        string `xml:"link"`
	GUID        string `xml:"guid"`
	PubDate     string `xml:"pubDate"`
	Creator     string `xml:"dc:creator,omitempty"`
	Category    string `xml:"category,omitempty"`
	Description string `xml:"description"`
}

func (s *siteServer) serveRSS(w http.ResponseWriter, r *http.Request) {
	var f rss
	f.Version, f.DC, f.Atom = "2.0", "http://purl.org/dc/elements/1.1/", "http://www.w3.org/2005/Atom"
	c := &f.Channel
	c.Title = s.spec.Name + " – " + s.spec.Tagline
	c.Link = s.base + "/"
	c.Self.Href, c.Self.Rel, c.Self.Type = s.base+s.spec.RSS, "self", "application/rss+xml"
	c.Description = "Latest " + strings.ToLower(s.spec.Tagline) + " from " + s.spec.Name
	c.Language = "en-us"
	if len(s.pages) > 0 {
		c.LastBuild = s.pages[0].Published.Format(time.RFC1123Z)
	}
	for _, p := range s.feedPages() {
		c.Items = append(c.Items, rssItem{
			Title: p.Title, Link: s.base + p.Path, GUID: s.base + p.Path,
			PubDate: p.Published.Format(time.RFC1123Z), Creator: p.Byline,
			Category: p.Section, Description: shorten(p.Summary(), 300),
		})
	}
	writeXML(w, r, "application/rss+xml; charset=utf-8", newest(s.feedPages()), f)
}

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  *atomPerson `xml:"author,omitempty"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	Title     string      `xml:"title"`
	ID        string      `xml:"id"`
	Link      atomLink    `xml:"link"`
	Published string      `xml:"published"`
	Updated   string      `xml:"updated"`
	Author    *atomPerson `xml:"author,omitempty"`
	Summary   string      `xml:"summary"`
}

func (s *siteServer) serveAtom(w http.ResponseWriter, r *http.Request) {
	f := atomFeed{
		Title: s.spec.Name + " – " + s.spec.Tagline, ID: s.base + s.spec.Atom,
		Links: []atomLink{
			{Href: s.base + s.spec.Atom, Rel: "self", Type: "application/atom+xml"},
			{Href: s.base + "/", Rel: "alternate", Type: "text/html"},
		},
		Author: &atomPerson{Name: s.spec.Name},
	}
	if len(s.pages) > 0 {
		f.Updated = lastMod(s.pages[0]).Format(time.RFC3339)
	} else {
		f.Updated = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).Format(time.RFC3339)
	}
	for _, p := range s.feedPages() {
		e := atomEntry{
			Title: p.Title, ID: s.base + p.Path,
			Link:      atomLink{Href: s.base + p.Path, Rel: "alternate", Type: "text/html"},
			Published: p.Published.Format(time.RFC3339), Updated: lastMod(p).Format(time.RFC3339),
			Summary: shorten(p.Summary(), 300),
		}
		if p.Byline != "" {
			e.Author = &atomPerson{Name: p.Byline}
		}
		f.Entries = append(f.Entries, e)
	}
	writeXML(w, r, "application/atom+xml; charset=utf-8", newest(s.feedPages()), f)
}

// ---- Federal Register–style API ----

type frAgency struct {
	Name    string `json:"name"`
	RawName string `json:"raw_name"`
	Slug    string `json:"slug"`
}

type frDoc struct {
	DocumentNumber  string     `json:"document_number"`
	Title           string     `json:"title"`
	Type            string     `json:"type"`
	Abstract        string     `json:"abstract"`
	PublicationDate string     `json:"publication_date"`
	HTMLURL         string     `json:"html_url"`
	Agencies        []frAgency `json:"agencies"`
}

type frResponse struct {
	Count           int     `json:"count"`
	Description     string  `json:"description"`
	TotalPages      int     `json:"total_pages"`
	NextPageURL     *string `json:"next_page_url"`
	PreviousPageURL *string `json:"previous_page_url,omitempty"`
	Results         []frDoc `json:"results"`
}

// serveFRAPI answers /api/v1/documents.json like the real Federal
// Register API: conditions[term] (all words must occur), per_page
// (default 20, at most 1000) and page, newest first.
func (s *siteServer) serveFRAPI(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	term := strings.TrimSpace(q.Get("conditions[term]"))
	perPage := 20
	if v := q.Get("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			writeJSON(w, http.StatusBadRequest, map[string]any{"errors": map[string]string{"per_page": "must be a positive integer"}})
			return
		}
		perPage = min(n, 1000)
	}
	pageNo := 1
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			writeJSON(w, http.StatusBadRequest, map[string]any{"errors": map[string]string{"page": "must be a positive integer"}})
			return
		}
		pageNo = n
	}
	var matched []*page
	for _, p := range s.pages {
		if matchesTerm(p, term) {
			matched = append(matched, p)
		}
	}
	switch q.Get("order") {
	case "", "newest", "relevance":
		// pages are already newest first
	case "oldest":
		slices.Reverse(matched)
	default:
		writeJSON(w, http.StatusBadRequest, map[string]any{"errors": map[string]string{"order": "must be newest, oldest or relevance"}})
		return
	}
	resp := frResponse{Count: len(matched), Results: []frDoc{}}
	resp.Description = "All documents"
	if term != "" {
		resp.Description = "Documents matching '" + term + "'"
	}
	resp.TotalPages = (len(matched) + perPage - 1) / perPage
	from, to := min((pageNo-1)*perPage, len(matched)), min(pageNo*perPage, len(matched))
	for _, p := range matched[from:to] {
		resp.Results = append(resp.Results, s.frDoc(p))
	}
	pageURL := func(n int) *string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("page", strconv.Itoa(n))
		u := s.base + "/api/v1/documents.json?" + v.Encode()
		return &u
	}
	if pageNo < resp.TotalPages {
		resp.NextPageURL = pageURL(pageNo + 1)
	}
	if pageNo > 1 && pageNo <= resp.TotalPages+1 {
		resp.PreviousPageURL = pageURL(pageNo - 1)
	}
	writeJSON(w, http.StatusOK, resp)
}

func (s *siteServer) frDoc(p *page) frDoc {
	typ := p.FRType
	if typ == "" {
		typ = "Notice"
	}
	d := frDoc{
		DocumentNumber: p.DocNumber, Title: p.Title, Type: typ, Abstract: p.Summary(),
		PublicationDate: p.Published.Format("2006-01-02"), HTMLURL: s.base + p.Path,
		Agencies: []frAgency{},
	}
	for _, a := range p.Agencies {
		d.Agencies = append(d.Agencies, frAgency{Name: a, RawName: strings.ToUpper(a), Slug: strings.ToLower(strings.ReplaceAll(a, " ", "-"))})
	}
	return d
}

// matchesTerm is a small full-text match: every word of the term must
// occur in the title, abstract or body; a quoted term is one phrase.
func matchesTerm(p *page, term string) bool {
	if term == "" {
		return true
	}
	hay := strings.ToLower(p.Title + "\n" + p.Text())
	term = strings.ToLower(term)
	if strings.HasPrefix(term, `"`) && strings.HasSuffix(term, `"`) && len(term) > 1 {
		return strings.Contains(hay, strings.Trim(term, `"`))
	}
	for _, w := range strings.Fields(term) {
		if !strings.Contains(hay, w) {
			return false
		}
	}
	return true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		http.Error(w, "encode json: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
