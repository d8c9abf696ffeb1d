// Package extract turns one HTML page into an article: headline, byline,
// publication dates with their provenance, language, site name, document
// number and the main text without navigation and other boilerplate.
//
// go-trafilatura (with its readability and dom-distiller fallbacks) finds
// the main content; the metadata rules here (titles, bylines, dates) and
// the post-cleaning of the body are our own, general rules.
package extract

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/markusmobius/go-htmldate"
	trafilatura "github.com/markusmobius/go-trafilatura"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"policywatch/model"
)

// Result is what Extract finds in one page.
type Result struct {
	URL, Title, Byline string
	Published          time.Time // zero when unknown
	PublishedSource    string    // model.DateFrom* constant; "" when unknown
	Modified           time.Time
	Lang, Site, Text   string // Text: plain, paragraphs separated by "\n"
	DocNumber          string // press release / Federal Register number where the page states one
}

// Output is the JSON shape `policywatch extract` prints.
type Output struct {
	URL       string `json:"url"`
	Title     string `json:"title"`
	Byline    string `json:"byline"`
	Published string `json:"published"`
	Modified  string `json:"modified"`
	Lang      string `json:"lang"`
	Site      string `json:"site"`
	Text      string `json:"text"`
}

// Output converts the result to its printed form: dates in ISO 8601, a
// bare date when the page gave no time of day.
func (r *Result) Output() Output {
	return Output{
		URL:       r.URL,
		Title:     r.Title,
		Byline:    r.Byline,
		Published: FormatDate(r.Published),
		Modified:  FormatDate(r.Modified),
		Lang:      r.Lang,
		Site:      r.Site,
		Text:      r.Text,
	}
}

// JSON encodes the result as one JSON object with the fields url, title,
// byline, published, modified, lang, site and text (no HTML escaping, so
// "&" stays readable).
func (r *Result) JSON() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r.Output()); err != nil {
		return nil, fmt.Errorf("encode extraction of %s: %w", r.URL, err)
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// FormatDate renders t as ISO 8601: "2006-01-02" when t is midnight UTC
// (a date without time), else a date-time with its offset. Zero gives "".
func FormatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0 && t.Location() == time.UTC {
		return t.Format("2006-01-02")
	}
	return t.Format(time.RFC3339)
}

// Limits that keep Extract bounded on hostile input.
const (
	// maxWork is the most HTML handed to the content extractor, whose
	// cost grows faster than linearly with page size (a 10 MB page took
	// 45 s, 2 MB 15 s). Larger pages lose scripts, styles and comments;
	// if still too large, they are cut at maxInput and their text is
	// taken from the article element without the extractor.
	maxWork = 1 << 20
	// maxInput bounds what is parsed at all.
	maxInput = 4 << 20
	// maxDepth is the element nesting depth beyond which the tree is
	// flattened; real pages stay far below it.
	maxDepth = 200
)

// cjkMinExtracted is the least text, in characters, that trafilatura
// must find in a Chinese, Japanese or Korean page before it falls back
// to the whole page: its default of 250 scaled by the three to four
// Latin characters a CJK character stands for.
const cjkMinExtracted = 70

// ErrNotHTML is returned for input that does not look like a web page.
var ErrNotHTML = errors.New("input is not HTML")

// Extract finds the article in a UTF-8 HTML page. pageURL may be empty;
// when given it helps resolve the canonical URL, site and URL dates. It
// is safe for concurrent use.
func Extract(page []byte, pageURL string) (*Result, error) {
	if looksBinary(page) {
		return nil, fmt.Errorf("extract %s: %w", pageURL, ErrNotHTML)
	}
	huge := false
	if len(page) > maxWork {
		page = shrinkPage(page)
		huge = len(page) > maxWork
	}
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		// x/net/html gives up on nesting deeper than 512 elements;
		// drop the excess tags (keeping their text) and try again.
		doc, err = html.Parse(bytes.NewReader(flattenDeepTags(page, maxDepth)))
		if err != nil {
			return nil, fmt.Errorf("parse html of %s: %w", pageURL, err)
		}
	}
	limitDepth(doc, maxDepth)

	pg := collect(doc)
	res := &Result{URL: pg.canonical(pageURL)}
	var base *url.URL
	if u, err := url.Parse(firstNonEmpty(pageURL, res.URL)); err == nil && u.Host != "" {
		base = u
	}

	// Dates first: htmldate's result is handed to trafilatura so it does
	// not run the date search a second time.
	hd := runHTMLDate(doc)
	res.Published, res.PublishedSource = pg.published(hd, base)
	res.Modified = pg.modified()
	if !res.Modified.IsZero() && !res.Published.IsZero() && res.Modified.Before(res.Published) {
		res.Modified = time.Time{}
	}

	opts := trafilatura.Options{
		OriginalURL:      base,
		EnableFallback:   true,
		ExcludeComments:  true,
		HtmlDateOverride: &htmldate.Result{},
	}
	if pg.cjk() {
		// trafilatura replaces an extraction shorter than 250
		// characters with a dump of the whole page. That is a few
		// sentences in English but a whole press release in Chinese,
		// Japanese or Korean, where a character carries about a word.
		cfg := trafilatura.DefaultConfig()
		cfg.MinExtractedSize = cjkMinExtracted
		opts.Config = cfg
	}
	var meta trafilatura.Metadata
	prof := profileFor(base)
	var profNode *html.Node
	if prof != nil && !huge {
		profNode = prof.contentNode(doc)
	}
	if profNode != nil {
		// A known official layout: its document element is exact.
		res.Text = cleanText(profNode, pg)
	} else if huge {
		// Too big for the content extractor in bounded time: take the
		// article (or main, or body) element's text as it stands.
		res.Text = cleanText(mainElement(doc), pg)
	} else if tr, err := trafilatura.ExtractDocument(prepare(doc), opts); err == nil && tr != nil {
		meta = tr.Metadata
		res.Text = cleanText(tr.ContentNode, pg)
	}

	res.Site = pg.siteName(meta.Sitename, base)
	res.Title = pg.title(meta.Title, res.Site)
	if pg.strippedSite != "" && pg.metaFirst("og:site_name") == "" && base != nil && res.Site == strings.TrimPrefix(base.Hostname(), "www.") {
		res.Site = pg.strippedSite
	}
	res.Byline = pg.byline(meta.Author)
	res.Lang = pg.language(meta.Language)
	if prof != nil {
		res.Text = prof.trimEnd(res.Text)
		if pg.metaFirst("og:site_name") == "" {
			res.Site = prof.name
		}
		if prof.docNumber != nil {
			res.DocNumber = prof.docNumber(base, res.Text)
		}
		if res.Published.IsZero() && prof.date != nil {
			if t, ok := prof.date(base); ok {
				res.Published, res.PublishedSource = t, model.DateFromURL
			}
		}
	}
	if res.DocNumber == "" {
		res.DocNumber = pg.docNumber(base, res.Text)
	}
	if res.PublishedSource == "" || res.PublishedSource == model.DateFromText {
		// A dateline that opens the article ("November 12, 2020 —
		// Ottawa — ...") when the page states no date: it beats a
		// page-wide guess that only found the month (htmldate then
		// gives the 1st).
		if d, ok := leadDate(res.Text); ok && (res.Published.IsZero() || res.Published.Day() == 1 && d.Year() == res.Published.Year() && d.Month() == res.Published.Month()) {
			res.Published, res.PublishedSource = d, model.DateFromText
		}
	}
	return res, nil
}

// commentsSection is a class or id naming a whole readers' comments
// section (not one comment, and not a "comment" label that opinion
// pieces carry).
var commentsSection = regexp.MustCompile(`(?i)^(?:comments|comments?[-_](?:list|area|section|container|wrapper|thread)|commentlist|disqus_thread|comment-respond)$`)

// withoutComments removes readers' comments sections from doc before the
// content extractor sees it: on a page with a short article and a long
// discussion, the extractor takes a comment for the article. A section
// that holds the page's headline is not a comments section, whatever its
// name.
func withoutComments(doc *html.Node) *html.Node {
	var drop []*html.Node
	walkElems(doc, func(n *html.Node) bool {
		if n.DataAtom == atom.Body || n.DataAtom == atom.Html || n.DataAtom == atom.Article || n.DataAtom == atom.Main {
			return true
		}
		for _, tok := range strings.Fields(attr(n, "id") + " " + attr(n, "class")) {
			if commentsSection.MatchString(tok) {
				if !holdsHeadline(n) {
					drop = append(drop, n)
				}
				return false
			}
		}
		return true
	})
	for _, n := range drop {
		if n.Parent != nil {
			n.Parent.RemoveChild(n)
		}
	}
	return doc
}

// prepare readies doc for the content extractor: readers' comments out,
// loose text into paragraphs.
func prepare(doc *html.Node) *html.Node {
	withoutComments(doc)
	liftEmbeddedPosts(doc)
	wrapLooseText(doc)
	return doc
}

// holdsHeadline reports whether n contains an <h1> or an <article>.
func holdsHeadline(n *html.Node) bool {
	found := false
	walkElems(n, func(c *html.Node) bool {
		if c.DataAtom == atom.H1 || c.DataAtom == atom.Article && c != n {
			found = true
		}
		return !found
	})
	return found
}

func runHTMLDate(doc *html.Node) htmldate.Result {
	// Only the day is used: asking for the time of day changes which
	// candidate htmldate settles on, for the worse on its own test set.
	// The URL is not handed over: htmldate trusts a URL date early, but
	// a date the page writes (a dateline in local time) is the better
	// evidence; URL dates are our last resort.
	opts := htmldate.Options{UseOriginalDate: true}
	r, err := htmldate.FromDocument(doc, opts)
	if err != nil {
		return htmldate.Result{}
	}
	return r
}

// looksBinary reports input that is evidently not text: NUL bytes or a
// high share of control characters near the start.
func looksBinary(b []byte) bool {
	head := b
	if len(head) > 4096 {
		head = head[:4096]
	}
	if len(head) == 0 {
		return false
	}
	ctl := 0
	for _, c := range head {
		if c == 0 {
			return true
		}
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' {
			ctl++
		}
	}
	return ctl*10 > len(head)
}

// limitDepth moves children of elements deeper than max up to the element
// at depth max, so recursive walks in the extractors stay shallow.
func limitDepth(n *html.Node, max int) {
	type item struct {
		n     *html.Node
		depth int
	}
	stack := []item{{n, 0}}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if it.depth >= max {
			flattenInto(it.n)
			continue
		}
		for c := it.n.FirstChild; c != nil; c = c.NextSibling {
			stack = append(stack, item{c, it.depth + 1})
		}
	}
}

// flattenInto replaces n's subtree with its descendants' text and leaf
// elements laid out as direct children, iteratively.
func flattenInto(n *html.Node) {
	var leaves []*html.Node
	stack := []*html.Node{}
	for c := n.LastChild; c != nil; c = c.PrevSibling {
		stack = append(stack, c)
	}
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if c.FirstChild == nil {
			leaves = append(leaves, c)
			continue
		}
		for k := c.LastChild; k != nil; k = k.PrevSibling {
			stack = append(stack, k)
		}
	}
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		n.RemoveChild(c)
		c = next
	}
	for _, l := range leaves {
		if l.Parent != nil {
			l.Parent.RemoveChild(l)
		}
		n.AppendChild(l)
	}
}

// shrinkPage cuts an oversized page down to maxWork bytes: it drops
// script (except JSON-LD), style, svg and comment content, then cuts the
// rest at a tag boundary.
func shrinkPage(page []byte) []byte {
	z := html.NewTokenizer(bytes.NewReader(page))
	var out bytes.Buffer
	out.Grow(maxWork)
	skip := ""
	for out.Len() < maxInput {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return out.Bytes()
		case html.CommentToken:
			continue
		case html.StartTagToken:
			name, hasAttr := z.TagName()
			n := string(name)
			if skip != "" {
				continue
			}
			if n == "script" || n == "style" || n == "svg" {
				keep := false
				raw := append([]byte(nil), z.Raw()...)
				for hasAttr {
					var k, v []byte
					k, v, hasAttr = z.TagAttr()
					if string(k) == "type" && bytes.Contains(bytes.ToLower(v), []byte("ld+json")) {
						keep = true
					}
				}
				if !keep {
					skip = n
					continue
				}
				out.Write(raw)
				continue
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			if skip != "" {
				if string(name) == skip {
					skip = ""
				}
				continue
			}
		default:
			if skip != "" {
				continue
			}
		}
		out.Write(z.Raw())
	}
	return out.Bytes()
}

// mainElement returns the page's <article>, else <main>, else <body>.
func mainElement(doc *html.Node) *html.Node {
	var article, main, body *html.Node
	walkElems(doc, func(n *html.Node) bool {
		switch {
		case n.DataAtom == atom.Article && article == nil:
			article = n
		case n.DataAtom == atom.Main && main == nil:
			main = n
		case n.DataAtom == atom.Body && body == nil:
			body = n
		}
		return true
	})
	for _, n := range []*html.Node{article, main, body} {
		if n != nil {
			return n
		}
	}
	return doc
}

// flattenDeepTags re-serializes page without the start and end tags of
// elements nested deeper than max (counting only elements that are not
// void). Text and shallower markup are kept.
func flattenDeepTags(page []byte, max int) []byte {
	z := html.NewTokenizer(bytes.NewReader(page))
	var out bytes.Buffer
	out.Grow(len(page))
	depth := 0
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return out.Bytes()
		case html.StartTagToken:
			name, _ := z.TagName()
			if voidElements[string(name)] {
				out.Write(z.Raw())
				continue
			}
			depth++
			if depth > max {
				continue
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			if voidElements[string(name)] {
				continue
			}
			depth--
			if depth >= max {
				continue
			}
			if depth < 0 {
				depth = 0
			}
		}
		out.Write(z.Raw())
	}
}

var voidElements = map[string]bool{
	"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true, "img": true,
	"input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true,
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}
