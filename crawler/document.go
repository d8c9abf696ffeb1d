package crawler

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"mime"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"policywatch/extract"
	"policywatch/model"
	"policywatch/store"
)

// minArticleWords is how much text a page found by following links needs
// to count as a document when it states no publication date: enough to
// tell an article from a section front or a contact page.
const minArticleWords = 80

// page handles a seed source's page: follows its links while the depth
// allows, then treats it as a document unless it is a listing.
func (r *runner) page(ctx context.Context, j *job, res *response) {
	decoded, reason, skipped := r.decode(j, res)
	if reason != "" {
		if skipped {
			r.skip(ctx, j, reason, false)
		} else {
			r.fail(ctx, j.src, j.url, reason)
		}
		return
	}
	pageLinks := links(decoded, res.finalURL)
	maxDepth := max(j.src.Depth, 1)
	if j.depth < maxDepth {
		for _, l := range pageLinks {
			n, err := NormalizeURL(l)
			if err != nil {
				continue
			}
			u, err := url.Parse(n)
			if err != nil {
				continue
			}
			// Further pages of the seed's listing are followed at the
			// seed's depth: "page 7" is no further from the topic than
			// "page 1".
			if base, ok := paginationBase(u); ok && base == j.src.seedListing {
				if !j.src.excluded(n) {
					r.enqueue(&job{kind: jobPage, src: j.src, url: n, depth: j.depth, listing: true})
				}
				continue
			}
			if j.src.wants(u) {
				r.enqueue(&job{kind: jobPage, src: j.src, url: n, depth: j.depth + 1})
			}
		}
	}
	if j.listing {
		return // only read for its links
	}
	if isListing(res.finalURL, pageLinks) {
		r.skip(ctx, j, "listing page", false)
		return
	}
	ex, err := extract.Extract(decoded, res.finalURL)
	if err != nil {
		r.fail(ctx, j.src, j.url, fmt.Sprintf("extract: %v", err))
		return
	}
	dated := !ex.Published.IsZero() && model.ReliableDateSource(ex.PublishedSource)
	if !dated && wordCount(ex.Text) < minArticleWords {
		r.skip(ctx, j, "not an article: no date and little text", false)
		return
	}
	r.save(ctx, j, res, ex)
}

// document handles a page a feed, sitemap or the API named.
func (r *runner) document(ctx context.Context, j *job, res *response) {
	res = r.asOriginal(j, res) // an archived copy reads as the page it preserves
	decoded, reason, skipped := r.decode(j, res)
	if reason != "" {
		if skipped {
			r.skip(ctx, j, reason, true)
		} else {
			r.fail(ctx, j.src, j.url, reason)
		}
		return
	}
	// Sitemaps list home and section pages too.
	if isListing(res.finalURL, links(decoded, res.finalURL)) {
		r.skip(ctx, j, "listing page", false)
		return
	}
	ex, err := extract.Extract(decoded, res.finalURL)
	if err != nil {
		r.fail(ctx, j.src, j.url, fmt.Sprintf("extract: %v", err))
		return
	}
	r.save(ctx, j, res, ex)
}

// decode converts a fetched page to UTF-8 (colly ignores <meta charset>,
// and we keep its raw bytes). On failure it returns a reason and whether
// the page is merely not ours to read (not HTML) rather than broken.
func (r *runner) decode(j *job, res *response) ([]byte, string, bool) {
	ct := res.header.Get("Content-Type")
	if !looksHTML(ct, res.body) {
		mt, _, _ := mime.ParseMediaType(ct)
		return nil, fmt.Sprintf("not HTML (%s)", mt), true
	}
	if j.src.Charset != "" {
		// The source is known to mislabel its pages.
		ct = "text/html; charset=" + j.src.Charset
	} else if mt, params, err := mime.ParseMediaType(ct); err == nil && isUTF8Label(params["charset"]) && !utf8.Valid(res.body) {
		// A server default ("charset=utf-8" on every page) in front of a
		// Big5 or GB page: the bytes say otherwise, so let the page's
		// <meta> or detection decide.
		ct = mt
	}
	decoded, _, err := extract.DecodeHTML(res.body, ct)
	if err != nil {
		return nil, fmt.Sprintf("decode: %v", err), false
	}
	return decoded, "", false
}

func isUTF8Label(cs string) bool {
	cs = strings.ToLower(strings.TrimSpace(cs))
	return cs == "utf-8" || cs == "utf8"
}

func looksHTML(contentType string, body []byte) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err == nil && (mt == "text/html" || mt == "application/xhtml+xml") {
		return true
	}
	if contentType != "" && err == nil && mt != "text/plain" && mt != "application/octet-stream" {
		return false
	}
	// Missing or vague type: sniff.
	head := bytes.ToLower(bytes.TrimSpace(body[:min(len(body), 512)]))
	return bytes.HasPrefix(head, []byte("<!doctype html")) || bytes.HasPrefix(head, []byte("<html")) || bytes.Contains(head, []byte("<head"))
}

// save builds the document and its capture, applies relevance and
// tagging, and hands both to the sink.
func (r *runner) save(ctx context.Context, j *job, res *response, ex *extract.Result) {
	text := strings.TrimSpace(ex.Text)
	if text == "" {
		r.skip(ctx, j, "no text extracted", false)
		return
	}
	now := r.c.opts.Now()
	hash := ContentHash(bodyText(text, firstNonEmpty(strings.TrimSpace(ex.Title), j.hint.title)))
	doc := &model.Document{
		URL:         documentURL(ex.URL, res.finalURL),
		Source:      j.src.Name,
		Kind:        j.src.DocKind,
		Title:       firstNonEmpty(strings.TrimSpace(ex.Title), j.hint.title),
		Byline:      ex.Byline,
		Text:        text,
		Lang:        firstNonEmpty(ex.Lang, j.src.Lang),
		Site:        ex.Site,
		DocNumber:   firstNonEmpty(ex.DocNumber, j.hint.docNumber),
		Published:   ex.Published,
		DateSource:  ex.PublishedSource,
		Modified:    ex.Modified,
		FetchedAt:   now,
		ContentHash: hash,
	}
	// A feed's or the API's date beats a date guessed from the URL or the
	// text; the page's own markup (JSON-LD, meta, <time>) beats both.
	if !j.hint.published.IsZero() && weakDate(doc.DateSource) {
		doc.Published, doc.DateSource = j.hint.published, j.hint.dateSource
	}
	if doc.Published.IsZero() {
		doc.DateSource = ""
	}
	if rel := r.c.opts.Relevant; rel != nil && !rel(doc) {
		r.skip(ctx, j, "off-topic", false)
		return
	}
	if r.c.opts.Tag != nil {
		r.c.opts.Tag(doc)
	}
	sum := sha256.Sum256(res.body)
	capture := &model.Capture{
		FetchedAt:   now,
		RequestURL:  res.requestURL,
		FinalURL:    res.finalURL,
		Status:      res.status,
		Header:      res.header,
		Body:        res.body,
		BodySHA256:  hex.EncodeToString(sum[:]),
		ContentHash: hash,
	}
	j.hint.archive.apply(capture) // nil unless a Wayback copy
	out, counts, err := r.saveCapture(ctx, j, doc, capture)
	if err != nil {
		if ctx.Err() != nil || r.writeFailed(j.url, err) { // persist.go: a full disk stops the run
			return
		}
		r.fail(ctx, j.src, j.url, fmt.Sprintf("save: %v", err))
		return
	}
	r.remember(ctx, j.url, res)
	r.progress(j.src, doc.URL, string(out), counts)
}

// outcomeCount is the count a save's outcome adds to.
func outcomeCount(out model.SaveOutcome) func(*model.CrawlRun) {
	switch out {
	case model.OutcomeStored:
		return func(c *model.CrawlRun) { c.Stored++ }
	case model.OutcomeUpdated:
		return func(c *model.CrawlRun) { c.Updated++ }
	case model.OutcomeUnchanged:
		return func(c *model.CrawlRun) { c.Unchanged++ }
	}
	// duplicate: the same text is already stored under another URL
	return func(c *model.CrawlRun) { c.Skipped++ }
}

// saveCapture hands the document to the sink and counts the outcome.
// With a frontier store the save also acknowledges j, in one
// transaction with the run's counts (persist.go), so a crash cannot
// store the page without counting it.
func (r *runner) saveCapture(ctx context.Context, j *job, doc *model.Document, capture *model.Capture) (model.SaveOutcome, model.CrawlRun, error) {
	if !r.persisted() {
		out, err := r.c.sink.SaveCapture(ctx, doc, capture)
		if err != nil {
			return out, model.CrawlRun{}, err
		}
		return out, r.count(j.url, outcomeCount(out)), nil
	}
	key := visitKey(j.url)
	r.ackMu.Lock()
	defer r.ackMu.Unlock()
	var written model.CrawlRun
	out, err := r.store.SaveCaptureAck(ctx, doc, capture, store.RunAck{RunID: r.run.ID, Key: key,
		Counts: func(out model.SaveOutcome) model.CrawlRun {
			r.mu.Lock()
			defer r.mu.Unlock()
			written = addCounts(r.durable, r.owed[key])
			outcomeCount(out)(&written)
			return written
		}})
	if err != nil {
		return out, model.CrawlRun{}, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.durable = written
	delete(r.owed, key)
	delete(r.owedErrs, key)
	j.acked = true
	return out, r.countLocked(outcomeCount(out)), nil
}

// weakDate reports whether a page date from src should give way to a
// date from a feed or the API: none, or one guessed from the URL (which
// gives at best the day, sometimes the day a draft was filed). A date
// the page states, even only in its text, wins: it is the day the
// publisher means, where feeds often give UTC.
func weakDate(src string) bool {
	return src == "" || src == model.DateFromURL || src == model.DateFromCrawl
}

// minChildLinks is how many links to pages below its own path make a
// page a listing (a section front, an archive, a press-release index).
const minChildLinks = 5

// isListing reports whether the page at pageURL, with the given links,
// is a home page, a pagination page or an index of pages below it: such
// pages lead to documents but are not documents themselves.
func isListing(pageURL string, links []string) bool {
	u, err := url.Parse(pageURL)
	if err != nil {
		return false
	}
	if u.Path == "" || u.Path == "/" {
		return true
	}
	if _, ok := paginationBase(u); ok {
		return true
	}
	prefix := u.Path
	if !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	children := map[string]bool{}
	for _, l := range links {
		lu, err := url.Parse(l)
		if err != nil || !strings.EqualFold(lu.Host, u.Host) {
			continue
		}
		if len(lu.Path) > len(prefix) && strings.HasPrefix(lu.Path, prefix) {
			children[lu.Path] = true
		}
	}
	return len(children) >= minChildLinks
}

// documentURL is the page's canonical URL when it is on the same site as
// the page, else the final URL, normalized.
func documentURL(canonical, final string) string {
	fn, err := NormalizeURL(final)
	if err != nil {
		fn = final
	}
	if canonical == "" {
		return fn
	}
	cn, err := NormalizeURL(canonical)
	if err != nil {
		return fn
	}
	cu, err1 := url.Parse(cn)
	fu, err2 := url.Parse(fn)
	if err1 != nil || err2 != nil || !sameSite(cu.Host, fu.Host) {
		return fn
	}
	return cn
}

// bodyText drops a leading line that repeats the headline: copies of a
// syndicated story share their body but not always their headline, and
// the same story should hash the same wherever it appears.
func bodyText(text, title string) string {
	first, rest, ok := strings.Cut(text, "\n")
	if ok && title != "" && strings.EqualFold(strings.Join(strings.Fields(first), " "), strings.Join(strings.Fields(title), " ")) {
		return rest
	}
	return text
}

// ContentHash is the SHA-256 (hex) of text after normalization: Unicode
// NFC, runs of white space collapsed, blank lines dropped. Two captures
// with the same hash say the same thing.
func ContentHash(text string) string {
	text = norm.NFC.String(text)
	var b strings.Builder
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(strings.Join(f, " "))
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}

// wordCount counts words: space-separated tokens, and each Han, kana or
// Hangul character (those scripts do not separate words with spaces).
func wordCount(text string) int {
	n := 0
	for _, tok := range strings.Fields(text) {
		cjk := 0
		other := false
		for _, r := range tok {
			if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) {
				cjk++
			} else if unicode.IsLetter(r) || unicode.IsDigit(r) {
				other = true
			}
		}
		n += cjk
		if other {
			n++
		}
	}
	return n
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
