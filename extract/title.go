package extract

import (
	"net/url"
	"strings"
	"unicode"

	"golang.org/x/net/html"

	"policywatch/prose"
)

// titleSeparators split a document title into headline and site name.
// " » " only when the title has no « : guillemets are also quotation
// marks ("La ministre prévient : « Pas question »").
var titleSeparators = []string{" | ", " - ", " – ", " — ", " :: ", " · ", " • ", " » ", " / ", " \\ ", " > ", " ~ "}

// title picks the headline. Publisher metadata (JSON-LD headline, Open
// Graph, Twitter cards) is preferred over <title>, which usually carries
// the site name; whichever is used loses a site-name suffix or prefix.
func (p *page) title(fromTraf, site string) string {
	var cands []string
	// JSON-LD "headline" is sometimes a description (Wikipedia puts
	// "matrix equal to its conjugate-transpose" there): use it, or the
	// object's name, only when it agrees with the page's own title.
	ref := p.titleTag + " " + p.metaFirst("og:title")
	for _, o := range p.ldArticles() {
		for _, k := range []string{"headline", "name"} {
			if s := ldString(o[k]); s != "" && (ref == " " || overlap(s, ref) >= 0.6) {
				cands = append(cands, s)
				break
			}
		}
		if len(cands) > 0 {
			break
		}
	}
	cands = append(cands, p.metaFirst("dc.title", "dcterms.title", "dc:title", "dcterm:title", "og:title", "title",
		"twitter:title", "parsely-title", "sailthru.title"))
	var t string
	for _, c := range cands {
		// A "title" that is just the site's name (og:title on a home
		// template) says nothing about this page.
		if c = normSpace(html2text(c)); c != "" && !(p.isSiteName(c, site) && !p.isSiteName(p.titleTag, site)) {
			t = c
			break
		}
	}
	fromTag := false
	if t == "" {
		t = p.titleTag
		fromTag = true
	}
	if t == "" && len(p.h1) > 0 {
		return p.h1[0]
	}
	if t == "" {
		return normSpace(fromTraf)
	}
	return p.stripSiteName(t, site, fromTag)
}

// stripSiteName removes a site name joined to the headline by a separator
// (" - BBC News", "GOV.UK | ..."). A part is a site name when it matches
// the page's site name or host, or when the page's own headings show which
// part is the headline.
func (p *page) stripSiteName(t, site string, fromTag bool) string {
	// "Site Name: Headline": a colon joins a site name the way a
	// separator does, but also joins a headline's own parts ("Brexit:
	// what happens next"), so only a known site name is taken off.
	if i := strings.Index(t, ": "); i > 0 && p.namesSite(t[:i], site) && prose.WordCount(t[i+2:]) >= 3 {
		p.strippedSite = strings.TrimSpace(t[:i])
		return p.stripSiteName(strings.TrimSpace(t[i+2:]), site, fromTag)
	}
	// The page's own headline shows the whole title: no part of it is a
	// site name unless it names the site.
	whole := false
	for _, h := range p.h1 {
		if sameText(h, t) {
			whole = true
		}
	}
	for _, sep := range titleSeparators {
		if !strings.Contains(t, sep) || sep == " » " && strings.Contains(t, "«") {
			continue
		}
		parts := strings.Split(t, sep)
		first, last := parts[0], parts[len(parts)-1]
		rest := strings.Join(parts[:len(parts)-1], sep)
		head := strings.Join(parts[1:], sep)
		switch {
		case p.isSiteName(last, site):
			p.strippedSite = strings.TrimSpace(last)
			return p.stripSiteName(strings.TrimSpace(rest), site, fromTag)
		case squash(first) == squash(site) && prose.WordCount(head) >= 3:
			return p.stripSiteName(strings.TrimSpace(head), site, fromTag)
		case whole:
			continue
		}
		// The page's heading equals one side: that side is the headline.
		for _, h := range p.headings {
			if sameText(h, rest) {
				p.strippedSite = strings.TrimSpace(last)
				return rest
			}
		}
		if fromTag && prose.WordCount(rest) >= 3 && prose.WordCount(last) <= 4 && len(parts) >= 2 {
			p.strippedSite = strings.TrimSpace(last)
			// <title> "Headline words here - Short Name": the short
			// trailing part is the site.
			return strings.TrimSpace(rest)
		}
	}
	return t
}

// isSiteName reports whether s names the site: equal to its site name
// or the start of it ("BBC" for "BBC News"), or to its host name without
// "www." and the top-level domain.
func (p *page) isSiteName(s, site string) bool {
	return p.siteMatch(s, site, true)
}

// namesSite is isSiteName without the partial matches: s is exactly the
// site's name or host.
func (p *page) namesSite(s, site string) bool {
	return p.siteMatch(s, site, false)
}

func (p *page) siteMatch(s, site string, partial bool) bool {
	k := squash(s)
	if k == "" {
		return false
	}
	for _, cand := range []string{site, p.metaFirst("og:site_name"), p.metaFirst("application-name"), p.metaFirst("twitter:site")} {
		c := squash(strings.TrimPrefix(cand, "@"))
		if c == "" {
			continue
		}
		if c == k || partial && ((len(k) >= 4 && strings.HasPrefix(c, k)) || (len(c) >= 4 && strings.HasPrefix(k, c))) {
			return true
		}
	}
	for _, u := range []string{p.links["canonical"], p.metaFirst("og:url")} {
		if pu, err := url.Parse(u); err == nil && pu.Host != "" {
			h := strings.TrimPrefix(strings.ToLower(pu.Hostname()), "www.")
			if squash(h) == k {
				return true
			}
			if i := strings.Index(h, "."); i > 0 && squash(h[:i]) == k {
				return true
			}
		}
	}
	return false
}

// squash lower-cases s and keeps only letters and digits, so "BBC News"
// and "bbcnews" compare equal.
func squash(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func sameText(a, b string) bool {
	a, b = squash(a), squash(b)
	return a != "" && a == b
}

// html2text decodes the entities that survive in attribute values and
// JSON-LD strings, double-escaped ones included (&amp;eacute;), by the
// full HTML table, and drops stray tags.
func html2text(s string) string {
	if !strings.ContainsAny(s, "&<") {
		return s
	}
	for i := 0; i < 2 && strings.Contains(s, "&"); i++ {
		u := html.UnescapeString(s)
		if u == s {
			break
		}
		s = u
	}
	var b strings.Builder
	in := false
	for _, c := range s {
		switch {
		case c == '<':
			in = true
		case c == '>' && in:
			in = false
		case !in:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// overlap returns the share of a's words that also occur in b, ignoring
// case and punctuation.
func overlap(a, b string) float64 {
	bw := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(b), notWordRune) {
		bw[w] = true
	}
	aw := strings.FieldsFunc(strings.ToLower(a), notWordRune)
	if len(aw) == 0 {
		return 0
	}
	n := 0
	for _, w := range aw {
		if bw[w] {
			n++
		}
	}
	return float64(n) / float64(len(aw))
}

func notWordRune(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }
