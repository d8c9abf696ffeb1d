package crawler

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"policywatch/model"
)

// page handles a seed source's page: follows its links while the depth
// allows, then files it as a document unless it is a listing.
func (r *runner) page(ctx context.Context, j *job, res *response) {
	decoded, err := DecodePage(res.header, res.body, j.src.Charset)
	if err != nil {
		r.notDocument(ctx, j, AsNotDocument(err))
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
	r.file(ctx, j, res, true, nil)
}

// document handles a page a feed, sitemap or the API named.
func (r *runner) document(ctx context.Context, j *job, res *response) {
	res, archived := r.asOriginal(j, res) // an archived copy reads as the page it preserves
	r.file(ctx, j, res, false, archived)
}

// file hands a fetched document page to the sink and counts what became
// of it. followed and archived are Fetched's. In a stored run the sink
// acknowledges the URL in the transaction that stores the page, so a
// crash cannot store it without counting it: the resumed run would find
// it "unchanged", one stored short.
func (r *runner) file(ctx context.Context, j *job, res *response, followed bool, archived *Archived) {
	f := &Fetched{
		Source: j.src.Source, RequestURL: res.requestURL, FinalURL: res.finalURL, Status: res.status,
		Header: res.header, Body: res.body, FetchedAt: r.c.opts.Now(), RunID: r.run.ID,
		Hint:     Hint{Title: j.hint.title, Published: j.hint.published, DateSource: j.hint.dateSource, DocNumber: j.hint.docNumber},
		Followed: followed, Archived: archived,
	}
	key := visitKey(j.url)
	var written model.URLDone
	if r.persisted() {
		f.Ack = func(filed Filed) model.URLDone {
			written = r.owing(key, func(d *model.URLDone) {
				o, entry := r.filedAs(j, filed)
				d.Counts.Add(o)
				if entry != nil {
					d.Log = append(d.Log, *entry)
				}
			})
			return written
		}
	}
	filed, err := r.sink.Accept(ctx, f)
	if err != nil {
		if ctx.Err() != nil || r.writeFailed(j.url, err) { // persist.go: a full disk stops the run
			return
		}
		r.fail(ctx, j.src, j.url, fmt.Sprintf("save: %v", err))
		return
	}
	switch filed.Outcome {
	case model.OutcomeStored, model.OutcomeUpdated, model.OutcomeUnchanged:
		r.remember(ctx, j.url, res)
		counts := r.count(j.url, func(c *model.CrawlRun) { c.Add(filed.Outcome) })
		r.progress(j.src, firstNonEmpty(filed.URL, j.url), filed.Outcome, counts)
	case model.OutcomeFailed:
		r.fail(ctx, j.src, j.url, filed.Reason)
	default:
		r.notDocument(ctx, j, &NotDocument{filed.Outcome, filed.Reason})
	}
	if filed.Acked && f.Ack != nil {
		// What the sink wrote is what this URL's work just counted.
		r.acked(key, written)
		j.acked = true
	}
}

// filedAs is what a filed page adds to its run, as file counts it: the
// outcome counted and, when the page goes in the run's log, its entry.
func (r *runner) filedAs(j *job, filed Filed) (model.Outcome, *model.URLOutcome) {
	entry := &model.URLOutcome{URL: j.url, Source: j.src.Name, Outcome: filed.Outcome, Reason: filed.Reason, At: r.c.opts.Now()}
	switch filed.Outcome {
	case model.OutcomeStored, model.OutcomeUpdated, model.OutcomeUnchanged:
		return filed.Outcome, nil
	case model.OutcomeFailed:
		r.mu.Lock()
		if r.roots[rootKey(j.src.Name, j.url)] {
			entry.SourceFailed = r.rootFails[j.src.Name]+1 == r.rootCount[j.src.Name]
		}
		r.mu.Unlock()
		return filed.Outcome, entry
	}
	if !logged(&NotDocument{filed.Outcome, filed.Reason}) {
		entry = nil
	}
	return filed.Outcome, entry
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
