package crawler

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"policywatch/extract"
	"policywatch/model"
)

// Fetched is one page to file as a document: a response the crawler
// fetched, or one a WARC file holds. The crawler hands it to its Sink
// (package ingest), which reads it with Build, the one way a response
// becomes a document, whoever fetched it.
type Fetched struct {
	Source     model.Source
	RequestURL string
	FinalURL   string // the page's address: links and canonical URLs resolve against it
	Status     int
	Header     http.Header
	Body       []byte // as received
	FetchedAt  time.Time
	RunID      int64 // the crawl run; 0 for an import
	Hint       Hint  // what the feed, sitemap or API said of the page
	// Followed: reached by following a seed page's links rather than
	// named by a feed, sitemap or API, so it must state a date or hold
	// enough text to count as an article.
	Followed bool
	// Archived: the page is an archive's copy (Wayback), read as the
	// original page; the capture keeps the archive's address and time.
	Archived *Archived
	// Ack, set by a crawl run kept in the store, acknowledges the page's
	// URL in the run: given what became of the page, it returns what to
	// write for the URL. A Sink that stores the page writes that in the
	// same transaction (store.SaveCaptureAck) and reports Filed.Acked.
	// Nil for an import, and for a run kept in memory.
	Ack func(Filed) model.URLDone
}

// Hint is metadata a discovery page gave for a document: the fallback
// when the page itself does not say.
type Hint struct {
	Title      string
	Published  time.Time
	DateSource string
	DocNumber  string
}

// Archived says where and when an archive captured the page.
type Archived struct {
	RequestURL, FinalURL string
	At                   time.Time
}

// NotDocument is why a fetched page was not built into a document, with
// the outcome a run counts it as: skipped (not HTML, a listing page),
// dropped (no text, not an article) or failed (undecodable, unreadable).
type NotDocument struct {
	Outcome model.Outcome
	Reason  string
}

func (e *NotDocument) Error() string { return string(e.Outcome) + ": " + e.Reason }

// AsNotDocument returns the *NotDocument in err's chain, or nil.
func AsNotDocument(err error) *NotDocument {
	var nd *NotDocument
	if errors.As(err, &nd) {
		return nd
	}
	return nil
}

// minArticleWords is how much text a page found by following links needs
// to count as a document when it states no publication date: enough to
// tell an article from a section front or a contact page.
const minArticleWords = 80

// Build reads a fetched page as the document and capture to store:
// decode (DecodePage), drop listing pages, extract, check that a page
// reached by links is an article, fill the gaps from the discovery hint,
// hash the text. Relevance and tagging are the caller's. A page that is
// not a document to keep gives a *NotDocument error.
func Build(f *Fetched) (*model.Document, *model.Capture, error) {
	decoded, err := DecodePage(f.Header, f.Body, f.Source.Charset)
	if err != nil {
		return nil, nil, err
	}
	// Sitemaps list home and section pages too, and seeds link to them.
	if isListing(f.FinalURL, links(decoded, f.FinalURL)) {
		return nil, nil, &NotDocument{model.OutcomeSkipped, "listing page"}
	}
	ex, err := extract.Extract(decoded, f.FinalURL)
	if err != nil {
		return nil, nil, &NotDocument{model.OutcomeFailed, fmt.Sprintf("extract: %v", err)}
	}
	if f.Followed {
		dated := !ex.Published.IsZero() && model.ReliableDateSource(ex.PublishedSource)
		if !dated && wordCount(ex.Text) < minArticleWords {
			return nil, nil, &NotDocument{model.OutcomeDropped, "not an article: no date and little text"}
		}
	}
	text := strings.TrimSpace(ex.Text)
	if text == "" {
		return nil, nil, &NotDocument{model.OutcomeDropped, "no text extracted"}
	}
	title := firstNonEmpty(strings.TrimSpace(ex.Title), f.Hint.Title)
	hash := ContentHash(bodyText(text, title))
	doc := &model.Document{
		URL:         documentURL(ex.URL, f.FinalURL),
		Source:      f.Source.Name,
		Kind:        f.Source.DocKind,
		Title:       title,
		Byline:      ex.Byline,
		Text:        text,
		Lang:        firstNonEmpty(ex.Lang, f.Source.Lang),
		Site:        ex.Site,
		DocNumber:   firstNonEmpty(ex.DocNumber, f.Hint.DocNumber),
		Published:   ex.Published,
		DateSource:  ex.PublishedSource,
		Modified:    ex.Modified,
		FetchedAt:   f.FetchedAt,
		ContentHash: hash,
	}
	// A feed's or the API's date beats a date guessed from the URL or the
	// text; the page's own markup (JSON-LD, meta, <time>) beats both.
	if !f.Hint.Published.IsZero() && weakDate(doc.DateSource) {
		doc.Published, doc.DateSource = f.Hint.Published, f.Hint.DateSource
	}
	if doc.Published.IsZero() {
		doc.DateSource = ""
	}
	sum := sha256.Sum256(f.Body)
	c := &model.Capture{
		FetchedAt:   f.FetchedAt,
		RequestURL:  firstNonEmpty(f.RequestURL, f.FinalURL),
		FinalURL:    f.FinalURL,
		Status:      f.Status,
		Header:      f.Header,
		Body:        f.Body,
		BodySHA256:  hex.EncodeToString(sum[:]),
		ContentHash: hash,
		RunID:       f.RunID,
	}
	if c.Header == nil {
		c.Header = http.Header{}
	}
	if a := f.Archived; a != nil {
		c.RequestURL, c.FinalURL = a.RequestURL, a.FinalURL
		if c.Header.Get("Memento-Datetime") == "" {
			c.Header = c.Header.Clone()
			c.Header.Set("Memento-Datetime", a.At.UTC().Format(http.TimeFormat))
		}
	}
	return doc, c, nil
}

// DecodePage converts an HTML page to UTF-8 for reading (colly ignores
// <meta charset>; the capture keeps the raw bytes). forced is a source's
// charset setting for a site known to mislabel its pages. A page that is
// not HTML is a *NotDocument (skipped); one that cannot be decoded too
// (failed). Crawl and import both decode here, so a page reads the same
// whichever way it came in.
func DecodePage(header http.Header, body []byte, forced string) ([]byte, error) {
	ct := header.Get("Content-Type")
	if !looksHTML(ct, body) {
		mt, _, _ := mime.ParseMediaType(ct)
		return nil, &NotDocument{model.OutcomeSkipped, fmt.Sprintf("not HTML (%s)", mt)}
	}
	if forced != "" {
		ct = "text/html; charset=" + forced
	} else if mt, params, err := mime.ParseMediaType(ct); err == nil && isUTF8Label(params["charset"]) && !utf8.Valid(body) {
		// A server default ("charset=utf-8" on every page) in front of a
		// Big5 or GB page: the bytes say otherwise, so let the page's
		// <meta> or detection decide.
		ct = mt
	}
	decoded, _, err := extract.DecodeHTML(body, ct)
	if err != nil {
		return nil, &NotDocument{model.OutcomeFailed, fmt.Sprintf("decode: %v", err)}
	}
	return decoded, nil
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
