package extract

import (
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"policywatch/prose"
)

// page holds what one walk over the parsed document found: the raw
// material the metadata rules choose from.
type page struct {
	lang       string
	titleTag   string
	meta       map[string][]string // lower-cased name/property/itemprop -> contents, in page order
	propCount  map[string]int      // how many leading meta values came from property=
	links      map[string]string   // rel -> href (first)
	ld         []map[string]any    // JSON-LD objects, @graph flattened
	h1         []string
	headings   []string // h1 and h2 texts
	times      []timeElem
	authors    []string        // texts of byline-like elements, in page order
	authorProp []string        // texts of itemprop=author/creator elements (microdata of the article item)
	authorRel  []string        // texts of rel=author elements
	anchors    map[string]bool // squashed texts of links, to spot link lists in the body
	// sectionHeads holds the squashed texts of subheadings (h2-h6) that
	// are not links themselves: a table of contents links to them, but
	// they head the article's own sections.
	sectionHeads map[string]bool
	datelines    []string // short texts of elements marked as dates ("Published 21 July 2020")
	dlArticle    []bool   // datelines[i] sits inside <article> or <main>
	// nearHeadline holds the short texts of the elements right before and
	// after the first <h1>: where article headers put the date line.
	nearHeadline []string
	docNumbers   []string // texts of elements marked as document numbers
	// strippedSite is the part of the title removed as the site's name,
	// a better site name than the host when the page states none.
	strippedSite string
}

// maxAnchors bounds the link texts remembered per page.
const maxAnchors = 20000

type timeElem struct {
	datetime, text string
	pubdate        bool // marked as the publication date (pubdate, itemprop)
	modified       bool // marked as an update date
	inArticle      bool
}

// maxLD bounds the JSON-LD we decode per page.
const maxLD = 1 << 20

func collect(doc *html.Node) *page {
	p := &page{meta: map[string][]string{}, propCount: map[string]int{}, links: map[string]string{}, anchors: map[string]bool{}, sectionHeads: map[string]bool{}}
	ldBytes := 0
	// Iterative walk with an explicit stack: pages can be deep.
	type frame struct {
		n                                    *html.Node
		inArticle, inHead, inComment, inLink bool
	}
	stack := []frame{{n: doc}}
	for len(stack) > 0 {
		f := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		n := f.n
		inArticle, inHead, inComment, inLink := f.inArticle, f.inHead, f.inComment, f.inLink
		descend := true
		if n.Type == html.ElementNode {
			if !inComment && n.DataAtom != atom.Body && n.DataAtom != atom.Html && isCommentBlock(n) {
				inComment = true
			}
			switch n.DataAtom {
			case atom.Html:
				p.lang = attr(n, "lang")
				if p.lang == "" {
					p.lang = attr(n, "xml:lang")
				}
			case atom.Head:
				inHead = true
			case atom.Title:
				if p.titleTag == "" && !inSVG(n) {
					p.titleTag = normSpace(textOf(n))
				}
				descend = false
			case atom.Meta:
				content := strings.TrimSpace(attr(n, "content"))
				if content == "" {
					content = strings.TrimSpace(attr(n, "value"))
				}
				for _, k := range []string{"name", "property", "itemprop", "http-equiv"} {
					if v := strings.ToLower(strings.TrimSpace(attr(n, k))); v != "" && content != "" {
						// property can hold several space-separated names.
						for _, key := range strings.Fields(v) {
							p.addMeta(key, content, k == "property")
						}
					}
				}
			case atom.Link:
				for _, rel := range strings.Fields(strings.ToLower(attr(n, "rel"))) {
					if _, ok := p.links[rel]; !ok {
						p.links[rel] = strings.TrimSpace(attr(n, "href"))
					}
				}
			case atom.Script:
				if strings.Contains(strings.ToLower(attr(n, "type")), "ld+json") && ldBytes < maxLD {
					raw := textOf(n)
					ldBytes += len(raw)
					p.ld = append(p.ld, parseLD(raw)...)
				}
				descend = false
			case atom.Style, atom.Noscript, atom.Template:
				descend = false
			case atom.A:
				inLink = true
				if len(p.anchors) < maxAnchors {
					if k := squash(textOf(n)); len(k) > 0 && len(k) < 400 {
						p.anchors[k] = true
					}
				}
			case atom.Article, atom.Main:
				inArticle = true
			case atom.H1, atom.H2:
				t := normSpace(textOf(n))
				if t != "" {
					if n.DataAtom == atom.H1 {
						if len(p.h1) == 0 && !inComment {
							p.nearHeadline = siblingTexts(n)
						}
						p.h1 = append(p.h1, t)
					}
					p.headings = append(p.headings, t)
				}
			case atom.Time:
				if inComment {
					break // a reader's comment, not the article
				}
				te := timeElem{datetime: strings.TrimSpace(attr(n, "datetime")), text: normSpace(textOf(n)), inArticle: inArticle}
				te.pubdate = hasAttr(n, "pubdate")
				ip := strings.ToLower(attr(n, "itemprop") + " " + attr(n, "class"))
				if strings.Contains(ip, "datepublished") || strings.Contains(ip, "published") {
					te.pubdate = true
				}
				if strings.Contains(ip, "modified") || strings.Contains(ip, "updated") {
					te.modified = true
				}
				p.times = append(p.times, te)
			}
			if !inHead && !inComment && n.DataAtom != atom.Html && n.DataAtom != atom.Body {
				if !inLink {
					p.noteSectionHead(n)
				}
				p.noteByline(n)
				p.noteDateline(n, inArticle)
				p.noteDocNumber(n)
			}
		}
		if descend {
			for c := n.LastChild; c != nil; c = c.PrevSibling {
				stack = append(stack, frame{c, inArticle, inHead, inComment, inLink})
			}
		}
	}
	return p
}

// siblingTexts returns the texts of the element siblings right before and
// after n, when short enough to be a date line.
func siblingTexts(n *html.Node) []string {
	var out []string
	add := func(s *html.Node) {
		if s == nil {
			return
		}
		if t := normSpace(textOf(s)); t != "" && len(t) < 120 {
			out = append(out, t)
		}
	}
	prev := n.PrevSibling
	for prev != nil && prev.Type != html.ElementNode {
		prev = prev.PrevSibling
	}
	next := n.NextSibling
	for next != nil && next.Type != html.ElementNode {
		next = next.NextSibling
	}
	add(prev)
	add(next)
	return out
}

// commentToken is a class or id naming a readers' comments block.
var commentToken = regexp.MustCompile(`(?i)^(?:comments?(?:[-_](?:list|area|section|container|wrapper|thread|body|content|item))?|commentlist|disqus_thread|respond)$`)

// teaserToken is a class or id naming a block of links to other stories.
var teaserToken = regexp.MustCompile(`(?i)^(?:related|more|recommended|trending|popular|most-read|sidebar)(?:[-_](?:stories|articles|posts|content|news|links|items|list|reads))?$|^(?:related|more|recommended)[-_]?(?:stories|articles|posts|content|news|links|reads)$`)

// isCommentBlock reports whether n holds readers' comments or teasers for
// other stories, whose bylines and dates are not the article's.
func isCommentBlock(n *html.Node) bool {
	if n.DataAtom == atom.Aside {
		return true
	}
	for _, tok := range strings.Fields(attr(n, "class") + " " + attr(n, "id")) {
		if commentToken.MatchString(tok) || teaserToken.MatchString(tok) {
			return true
		}
	}
	return false
}

// addMeta records a meta value. Values from property= attributes (Open
// Graph, RDFa) go before those from name= for the same key: they are the
// more deliberate statement.
func (p *page) addMeta(key, content string, property bool) {
	if !property {
		p.meta[key] = append(p.meta[key], content)
		return
	}
	n := p.propCount[key]
	vals := p.meta[key]
	vals = append(vals, "")
	copy(vals[n+1:], vals[n:])
	vals[n] = content
	p.meta[key] = vals
	p.propCount[key] = n + 1
}

// noteSectionHead records the text of a subheading that holds no link.
func (p *page) noteSectionHead(n *html.Node) {
	switch n.DataAtom {
	case atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
	default:
		return
	}
	if len(p.sectionHeads) >= maxAnchors {
		return
	}
	hasLink := false
	walkElems(n, func(c *html.Node) bool {
		if c.DataAtom == atom.A {
			hasLink = true
		}
		return !hasLink
	})
	if t, ok := shortText(n, 400); ok && !hasLink {
		if k := squash(t); k != "" {
			p.sectionHeads[k] = true
		}
	}
}

// shortText returns the text of n when it is shorter than max bytes and
// has fewer than max nodes; it stops reading as soon as it is not, so
// that asking of many elements costs little.
func shortText(n *html.Node, max int) (string, bool) {
	var b strings.Builder
	stack := []*html.Node{n}
	for nodes := 0; len(stack) > 0; nodes++ {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if nodes > max {
			return "", false // a large tree of (nearly) empty elements
		}
		switch c.Type {
		case html.TextNode:
			if b.Len()+len(c.Data) >= max {
				return "", false
			}
			b.WriteString(c.Data)
			continue
		case html.ElementNode:
			if c != n && (c.DataAtom == atom.Script || c.DataAtom == atom.Style) {
				continue
			}
			if c.DataAtom == atom.Br {
				b.WriteByte(' ')
			}
		}
		for k := c.LastChild; k != nil; k = k.PrevSibling {
			stack = append(stack, k)
		}
	}
	return b.String(), true
}

// datelineClass marks elements that show the page's date.
var datelineClass = regexp.MustCompile(`(?i)date|posted|published|timestamp|byline|article-meta|entry-meta|post-meta`)

// updateClass marks elements that show an update date, not the publication
// (unless also marked published, as WordPress does when both are the same).
var (
	updateClass    = regexp.MustCompile(`(?i)updated|modified`)
	publishedClass = regexp.MustCompile(`(?i)published|pubdate`)
)

// maxDatelines bounds the dateline texts remembered per page.
const maxDatelines = 20

// noteDateline records the text of elements whose class or id says they
// show a date.
func (p *page) noteDateline(n *html.Node, inArticle bool) {
	if len(p.datelines) >= maxDatelines {
		return
	}
	cls := attr(n, "class") + " " + attr(n, "id")
	if cls == " " || !datelineClass.MatchString(cls) || bylineNegClass.MatchString(strings.ToLower(cls)) || updateClass.MatchString(cls) && !publishedClass.MatchString(cls) {
		return
	}
	if t := normSpace(textOf(n)); t != "" && len(t) < 120 {
		p.datelines = append(p.datelines, t)
		p.dlArticle = append(p.dlArticle, inArticle)
	}
}

// docNumberClass marks elements that show a document or release number.
var docNumberClass = regexp.MustCompile(`(?i)doc-?num|document-?number|release-?number|doc-?type|reference-?number`)

// noteDocNumber records the text of elements marked as document numbers,
// and of <dd> elements following a "Document Number" <dt>.
func (p *page) noteDocNumber(n *html.Node) {
	if len(p.docNumbers) >= maxDatelines {
		return
	}
	cls := attr(n, "class") + " " + attr(n, "id")
	if docNumberClass.MatchString(cls) {
		if t := normSpace(textOf(n)); t != "" && len(t) < 80 {
			p.docNumbers = append(p.docNumbers, t)
		}
		return
	}
	if n.DataAtom == atom.Dt && strings.Contains(strings.ToLower(textOf(n)), "number") {
		for dd := n.NextSibling; dd != nil; dd = dd.NextSibling {
			if dd.Type == html.ElementNode {
				if dd.DataAtom == atom.Dd {
					if t := normSpace(textOf(dd)); t != "" && len(t) < 80 {
						p.docNumbers = append(p.docNumbers, t)
					}
				}
				break
			}
		}
	}
}

// noteByline records elements that by their markup carry an author name.
func (p *page) noteByline(n *html.Node) {
	rel := strings.ToLower(attr(n, "rel"))
	ip := strings.ToLower(attr(n, "itemprop"))
	if rel == "author" || strings.Contains(ip, "author") || strings.Contains(ip, "creator") {
		t := bylineText(n)
		isProp := strings.Contains(ip, "author") || strings.Contains(ip, "creator")
		if isProp {
			// itemprop=author often wraps an itemprop=name.
			if nm := findItemprop(n, "name"); nm != "" {
				t = nm
			}
		}
		if t != "" && len(t) < 120 {
			if isProp {
				p.authorProp = append(p.authorProp, t)
			} else {
				p.authorRel = append(p.authorRel, t)
			}
		}
		return
	}
	cls := strings.ToLower(attr(n, "class") + " " + attr(n, "id"))
	if cls == " " {
		return
	}
	if bylineClass.MatchString(cls) && !bylineNegClass.MatchString(cls) {
		t := bylineText(n)
		if t != "" && len([]rune(t)) < 120 {
			p.authors = append(p.authors, t)
		}
	}
}

// bylineRoleClass marks parts of a byline element that are not the name:
// the author's job title, role or bio, and the date line.
var bylineRoleClass = regexp.MustCompile(`(?i)title|role|position|job|bio|date|time|avatar|follow|social|twitter`)

// bylineText is the text of a byline element without its descendants
// that by their markup hold a job title, a role or a date ("Ben Doe" +
// <div class="author-title">Games Editor</div> gives "Ben Doe").
func bylineText(n *html.Node) string {
	var b strings.Builder
	stack := []*html.Node{n}
	for len(stack) > 0 && b.Len() < 1<<12 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		switch c.Type {
		case html.TextNode:
			b.WriteString(c.Data)
			continue
		case html.ElementNode:
			if c != n {
				if c.DataAtom == atom.Script || c.DataAtom == atom.Style || c.DataAtom == atom.Time {
					continue
				}
				if bylineRoleClass.MatchString(attr(c, "class") + " " + attr(c, "itemprop")) {
					continue
				}
			}
			if c.DataAtom == atom.Br {
				b.WriteByte(' ')
			}
		}
		for k := c.LastChild; k != nil; k = k.PrevSibling {
			stack = append(stack, k)
		}
	}
	return normSpace(b.String())
}

func findItemprop(n *html.Node, prop string) string {
	var found string
	walkElems(n, func(c *html.Node) bool {
		if found != "" {
			return false
		}
		if c != n && strings.EqualFold(attr(c, "itemprop"), prop) {
			if c.DataAtom == atom.Meta {
				found = strings.TrimSpace(attr(c, "content"))
			} else {
				found = normSpace(textOf(c))
			}
			return false
		}
		return true
	})
	return found
}

// parseLD decodes one JSON-LD script into its objects, flattening @graph
// and top-level arrays. Broken JSON yields nothing.
func parseLD(raw string) []map[string]any {
	// Sites wrap JSON-LD in comments or CDATA, or add a trailing ";".
	raw = strings.NewReplacer("<![CDATA[", "", "]]>", "", "<!--", "", "-->", "").Replace(raw)
	i := strings.IndexAny(raw, "{[")
	j := strings.LastIndexAny(raw, "}]")
	if i < 0 || j < i {
		return nil
	}
	raw = raw[i : j+1]
	var v any
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		// Raw control characters inside strings are a common defect.
		fixed := strings.Map(func(r rune) rune {
			if r == '\n' || r == '\r' || r == '\t' {
				return ' '
			}
			return r
		}, raw)
		if json.Unmarshal([]byte(fixed), &v) != nil {
			return nil
		}
	}
	var out []map[string]any
	var add func(v any, depth int)
	add = func(v any, depth int) {
		if depth > 4 {
			return
		}
		switch t := v.(type) {
		case []any:
			for _, e := range t {
				add(e, depth+1)
			}
		case map[string]any:
			if g, ok := t["@graph"]; ok {
				add(g, depth+1)
			}
			out = append(out, t)
		}
	}
	add(v, 0)
	return out
}

// ldTypes returns the lower-cased @type values of a JSON-LD object.
func ldTypes(o map[string]any) []string {
	var out []string
	switch t := o["@type"].(type) {
	case string:
		out = append(out, strings.ToLower(t))
	case []any:
		for _, e := range t {
			if s, ok := e.(string); ok {
				out = append(out, strings.ToLower(s))
			}
		}
	}
	return out
}

// ldRank ranks schema.org types by how surely their headline, author and
// dates describe the page's own content: 0 articles and reports, 1 other
// works (videos, reviews), 2 generic web pages; -1 for anything else
// (organizations, breadcrumbs, people).
func ldRank(o map[string]any) int {
	best := -1
	for _, t := range ldTypes(o) {
		r := -1
		switch {
		case strings.Contains(t, "article") || strings.Contains(t, "posting") || t == "report" ||
			t == "pressrelease" || t == "legislation" || t == "blog" || t == "scholarlyarticle":
			r = 0
		case t == "videoobject" || t == "review" || t == "recipe" || t == "event" || t == "governmentservice" ||
			t == "book" || t == "chapter" || t == "podcastepisode" || t == "qapage" || t == "howto":
			r = 1
		case t == "webpage" || t == "creativework" || t == "itempage" || t == "aboutpage" || t == "collectionpage" ||
			t == "profilepage" || t == "faqpage" || t == "searchresultspage":
			r = 2
		}
		if r >= 0 && (best < 0 || r < best) {
			best = r
		}
	}
	return best
}

// ldArticles returns JSON-LD objects that describe the page's content,
// best ranked first.
func (p *page) ldArticles() []map[string]any {
	var byRank [3][]map[string]any
	for _, o := range p.ld {
		if r := ldRank(o); r >= 0 {
			byRank[r] = append(byRank[r], o)
		}
	}
	return append(append(byRank[0], byRank[1]...), byRank[2]...)
}

func ldString(v any) string {
	switch t := v.(type) {
	case string:
		return strings.TrimSpace(t)
	case []any:
		if len(t) > 0 {
			return ldString(t[0])
		}
	case map[string]any:
		if s := ldString(t["name"]); s != "" {
			return s
		}
		return ldString(t["@value"])
	}
	return ""
}

// metaFirst returns the first non-empty content among the meta keys,
// preferring values given with property= (the deliberate RDFa/Open Graph
// form) over name= ones.
func (p *page) metaFirst(keys ...string) string {
	for _, k := range keys {
		for _, v := range p.meta[k][:p.propCount[k]] {
			if v = strings.TrimSpace(v); v != "" {
				return v
			}
		}
	}
	for _, k := range keys {
		for _, v := range p.meta[k] {
			if v = strings.TrimSpace(v); v != "" {
				return v
			}
		}
	}
	return ""
}

func (p *page) canonical(pageURL string) string {
	c := firstNonEmpty(p.links["canonical"], p.metaFirst("og:url"))
	if c == "" {
		return pageURL
	}
	if pageURL != "" {
		if b, err := url.Parse(pageURL); err == nil {
			if r, err := b.Parse(c); err == nil {
				return r.String()
			}
		}
	}
	if u, err := url.Parse(c); err == nil && u.IsAbs() && (u.Scheme == "http" || u.Scheme == "https") {
		return u.String()
	}
	return pageURL
}

// cjk reports whether the page is written in Chinese, Japanese or
// Korean: its declared language says so, or its title or headline is
// mostly in those scripts.
func (p *page) cjk() bool {
	switch l := strings.ToLower(p.lang); {
	case strings.HasPrefix(l, "zh"), strings.HasPrefix(l, "ja"), strings.HasPrefix(l, "ko"):
		return true
	case l != "" && !strings.HasPrefix(l, "und"):
		return false
	}
	head := p.titleTag
	if len(p.h1) > 0 {
		head = p.h1[0]
	}
	cjk, other := 0, 0
	for _, r := range head {
		switch {
		case prose.IsCJK(r):
			cjk++
		case unicode.IsLetter(r):
			other++
		}
	}
	return cjk > 0 && cjk*3 >= other
}

func (p *page) language(detected string) string {
	l := firstNonEmpty(p.lang, p.metaFirst("content-language", "og:locale", "language", "dc.language"))
	l = strings.ReplaceAll(l, "_", "-")
	if i := strings.IndexAny(l, ", "); i > 0 {
		l = l[:i]
	}
	if l == "" {
		return detected
	}
	low := strings.ToLower(l)
	switch {
	case low == "zh-tw" || low == "zh-hk" || low == "zh-mo" || strings.HasPrefix(low, "zh-hant"):
		return "zh-Hant"
	case low == "zh-cn" || low == "zh-sg" || strings.HasPrefix(low, "zh-hans"):
		return "zh-Hans"
	}
	return l
}

func (p *page) siteName(fromTraf string, base *url.URL) string {
	if s := normSpace(html2text(p.metaFirst("og:site_name", "application-name", "apple-mobile-web-app-title"))); s != "" {
		return s
	}
	for _, o := range p.ldArticles() {
		if s := normSpace(html2text(ldString(o["publisher"]))); s != "" {
			return s
		}
	}
	if fromTraf != "" {
		return fromTraf
	}
	if base != nil {
		return strings.TrimPrefix(base.Hostname(), "www.")
	}
	return ""
}

// --- small DOM helpers ---

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

func inSVG(n *html.Node) bool {
	return n.Namespace == "svg"
}

// textOf returns the text content of n (iteratively; pages can be deep).
func textOf(n *html.Node) string {
	var b strings.Builder
	stack := []*html.Node{n}
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		switch c.Type {
		case html.TextNode:
			b.WriteString(c.Data)
			if b.Len() > 1<<20 {
				return b.String()
			}
			continue
		case html.ElementNode:
			if c.DataAtom == atom.Script || c.DataAtom == atom.Style {
				if c != n {
					continue
				}
			}
			if c.DataAtom == atom.Br {
				b.WriteByte(' ')
			}
		}
		for k := c.LastChild; k != nil; k = k.PrevSibling {
			stack = append(stack, k)
		}
	}
	return b.String()
}

// walkElems visits element nodes under n in document order; fn returns
// false to skip an element's children.
func walkElems(n *html.Node, fn func(*html.Node) bool) {
	stack := []*html.Node{n}
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if c.Type == html.ElementNode && !fn(c) {
			continue
		}
		for k := c.LastChild; k != nil; k = k.PrevSibling {
			stack = append(stack, k)
		}
	}
}

// normSpace collapses white space and drops soft hyphens (U+00AD), which
// only mark where a browser may break a word and are not part of it.
func normSpace(s string) string {
	if strings.ContainsRune(s, '\u00ad') {
		s = strings.ReplaceAll(s, "\u00ad", "")
	}
	return strings.Join(strings.Fields(s), " ")
}
