package crawler

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"

	"policywatch/model"
)

// resolve makes href absolute against base and normalizes it.
func resolve(base *url.URL, href string) (*url.URL, string, bool) {
	href = strings.TrimSpace(href)
	if href == "" || strings.HasPrefix(href, "#") {
		return nil, "", false
	}
	ref, err := url.Parse(href)
	if err != nil {
		return nil, "", false
	}
	n, err := NormalizeURL(base.ResolveReference(ref).String())
	if err != nil {
		return nil, "", false
	}
	u, err := url.Parse(n)
	if err != nil {
		return nil, "", false
	}
	return u, n, true
}

// feed queues every item link of an RSS, Atom or JSON feed.
func (r *runner) feed(ctx context.Context, j *job, res *response) {
	f, err := gofeed.NewParser().Parse(bytes.NewReader(res.body))
	if err != nil {
		r.fail(ctx, j.src, j.url, fmt.Sprintf("parse feed: %v", err))
		return
	}
	base, _ := url.Parse(res.finalURL)
	queued := 0
	for _, it := range f.Items {
		link := it.Link
		if link == "" && len(it.Links) > 0 {
			link = it.Links[0]
		}
		u, n, ok := resolve(base, link)
		if !ok || !j.src.wants(u) {
			continue
		}
		h := hint{title: strings.TrimSpace(it.Title)}
		if t, ok := feedDate(it.Published, it.PublishedParsed); ok {
			h.published, h.dateSource = t, model.DateFromFeed
		} else if t, ok := feedDate(it.Updated, it.UpdatedParsed); ok {
			h.published, h.dateSource = t, model.DateFromFeed
		}
		if r.enqueue(&job{kind: jobDoc, src: j.src, url: n, hint: h}) {
			queued++
		}
	}
	r.log().Info("crawler: feed read", slog.String("source", j.src.Name), slog.Int("items", len(f.Items)), slog.Int("queued", queued))
}

// sitemapXML reads both <urlset> and <sitemapindex>, including the news
// extension (matched by local name, whatever the namespace prefix).
type sitemapXML struct {
	XMLName xml.Name
	URLs    []struct {
		Loc  string `xml:"loc"`
		News struct {
			Title           string `xml:"title"`
			PublicationDate string `xml:"publication_date"`
		} `xml:"news"`
	} `xml:"url"`
	Sitemaps []struct {
		Loc string `xml:"loc"`
	} `xml:"sitemap"`
}

// sitemap queues the documents of a urlset and the children of an index.
// Plain-text sitemaps (one URL a line) are read too.
func (r *runner) sitemap(ctx context.Context, j *job, res *response) {
	base, _ := url.Parse(res.finalURL)
	body := bytes.TrimSpace(res.body)
	if len(body) > 0 && body[0] != '<' {
		for _, line := range strings.Split(string(body), "\n") {
			if u, n, ok := resolve(base, line); ok && j.src.wants(u) {
				r.enqueue(&job{kind: jobDoc, src: j.src, url: n})
			}
		}
		return
	}
	var sm sitemapXML
	dec := xml.NewDecoder(bytes.NewReader(body))
	dec.CharsetReader = charset.NewReaderLabel
	dec.Strict = false
	if err := dec.Decode(&sm); err != nil {
		r.fail(ctx, j.src, j.url, fmt.Sprintf("parse sitemap: %v", err))
		return
	}
	switch sm.XMLName.Local {
	case "sitemapindex":
		if j.depth >= maxSitemapDepth {
			r.fail(ctx, j.src, j.url, "sitemap index nested too deep")
			return
		}
		for _, s := range sm.Sitemaps {
			u, n, ok := resolve(base, s.Loc)
			// The sitemap protocol keeps sitemaps on their own site.
			if !ok || !sameSite(u.Host, base.Host) {
				continue
			}
			r.enqueue(&job{kind: jobDiscover, src: j.src, url: n, depth: j.depth + 1})
		}
	case "urlset":
		queued := 0
		for _, e := range sm.URLs {
			u, n, ok := resolve(base, e.Loc)
			if !ok || !j.src.wants(u) {
				continue
			}
			h := hint{title: strings.TrimSpace(e.News.Title)}
			if t, ok := parseDate(e.News.PublicationDate); ok {
				// A news sitemap's publication date is feed metadata.
				h.published, h.dateSource = t, model.DateFromFeed
			}
			if r.enqueue(&job{kind: jobDoc, src: j.src, url: n, hint: h}) {
				queued++
			}
		}
		r.log().Info("crawler: sitemap read", slog.String("source", j.src.Name), slog.String("url", j.url), slog.Int("urls", len(sm.URLs)), slog.Int("queued", queued))
	default:
		r.fail(ctx, j.src, j.url, fmt.Sprintf("not a sitemap: root element <%s>", sm.XMLName.Local))
	}
}

// feedDate prefers the feed's own date string, parsed with its offset
// kept: gofeed converts parsed dates to UTC, which moves an evening
// statement in Washington to the next day.
func feedDate(raw string, parsed *time.Time) (time.Time, bool) {
	raw = strings.TrimSpace(raw)
	for _, l := range []string{time.RFC1123Z, time.RFC1123, time.RFC3339Nano, "Mon, 2 Jan 2006 15:04:05 -0700", "2 Jan 2006 15:04:05 -0700"} {
		if t, err := time.Parse(l, raw); err == nil {
			return t, true
		}
	}
	if parsed != nil && !parsed.IsZero() {
		return *parsed, true
	}
	return time.Time{}, false
}

var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05",
	"2006-01-02",
}

func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// frPage is one page of Federal Register API search results.
type frPage struct {
	Count       int    `json:"count"`
	TotalPages  int    `json:"total_pages"`
	NextPageURL string `json:"next_page_url"`
	Results     []struct {
		Title           string `json:"title"`
		Type            string `json:"type"`
		DocumentNumber  string `json:"document_number"`
		HTMLURL         string `json:"html_url"`
		PublicationDate string `json:"publication_date"`
	} `json:"results"`
}

// api queues each result's html_url with the API's publication date and
// document number, then the next result page. The API is the authority
// on where its documents live, so their host is not restricted.
func (r *runner) api(ctx context.Context, j *job, res *response) {
	var p frPage
	if err := json.Unmarshal(res.body, &p); err != nil {
		r.fail(ctx, j.src, j.url, fmt.Sprintf("parse API response: %v", err))
		return
	}
	base, _ := url.Parse(res.finalURL)
	for _, it := range p.Results {
		_, n, ok := resolve(base, it.HTMLURL)
		if !ok || j.src.excluded(n) || !j.src.includes(n) {
			continue
		}
		h := hint{title: strings.TrimSpace(it.Title), docNumber: strings.TrimSpace(it.DocumentNumber)}
		if t, ok := parseDate(it.PublicationDate); ok {
			h.published, h.dateSource = t, model.DateFromAPI
		}
		r.enqueue(&job{kind: jobDoc, src: j.src, url: n, hint: h})
	}
	if p.NextPageURL != "" {
		if u, n, ok := resolve(base, p.NextPageURL); ok && sameSite(u.Host, base.Host) {
			r.enqueue(&job{kind: jobDiscover, src: j.src, url: n, depth: j.depth + 1})
		}
	}
}

// includes reports whether u matches an include pattern (true when the
// source has none).
func (s *source) includes(u string) bool {
	if len(s.include) == 0 {
		return true
	}
	for _, re := range s.include {
		if re.MatchString(u) {
			return true
		}
	}
	return false
}

// links returns the href of every <a> in an HTML page, resolved against
// the page URL (or its <base href>).
func links(page []byte, pageURL string) []string {
	base, err := url.Parse(pageURL)
	if err != nil {
		return nil
	}
	var out []string
	z := html.NewTokenizer(bytes.NewReader(page))
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return out
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			if !hasAttr || (string(name) != "a" && string(name) != "base") {
				continue
			}
			var href string
			for {
				k, v, more := z.TagAttr()
				if string(k) == "href" {
					href = string(v)
				}
				if !more {
					break
				}
			}
			if string(name) == "base" {
				if b, err := base.Parse(strings.TrimSpace(href)); err == nil && href != "" {
					base = b
				}
				continue
			}
			ref, err := url.Parse(strings.TrimSpace(href))
			if err != nil || href == "" {
				continue
			}
			out = append(out, base.ResolveReference(ref).String())
		}
	}
}
