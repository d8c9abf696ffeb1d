package crawler

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"mime"
	"net/http"
	"strings"
	"time"

	"policywatch/extract"
	"policywatch/model"
)

// BuildDocument turns one archived HTTP response into the document and
// capture a crawl would have saved for it, with the crawl's own decoding,
// extraction and content hash, so captures brought in from elsewhere (a
// WARC file) are stored exactly as if policywatch had fetched them.
// Relevance and tagging are left to the caller, as Options do for a crawl.
// It fails for a response that is not an HTML page with text.
func BuildDocument(src model.Source, finalURL string, status int, header http.Header, body []byte, fetchedAt time.Time) (*model.Document, *model.Capture, error) {
	if header == nil {
		header = http.Header{}
	}
	ct := header.Get("Content-Type")
	if !looksHTML(ct, body) {
		mt, _, _ := mime.ParseMediaType(ct)
		return nil, nil, fmt.Errorf("build document %s: not HTML (%s)", finalURL, mt)
	}
	if src.Charset != "" {
		ct = "text/html; charset=" + src.Charset
	}
	decoded, _, err := extract.DecodeHTML(body, ct)
	if err != nil {
		return nil, nil, fmt.Errorf("build document %s: decode: %w", finalURL, err)
	}
	ex, err := extract.Extract(decoded, finalURL)
	if err != nil {
		return nil, nil, fmt.Errorf("build document %s: extract: %w", finalURL, err)
	}
	text := strings.TrimSpace(ex.Text)
	if text == "" {
		return nil, nil, fmt.Errorf("build document %s: no text extracted", finalURL)
	}
	title := strings.TrimSpace(ex.Title)
	hash := ContentHash(bodyText(text, title))
	doc := &model.Document{
		URL:         documentURL(ex.URL, finalURL),
		Source:      src.Name,
		Kind:        src.DocKind,
		Title:       title,
		Byline:      ex.Byline,
		Text:        text,
		Lang:        firstNonEmpty(ex.Lang, src.Lang),
		Site:        ex.Site,
		DocNumber:   ex.DocNumber,
		Published:   ex.Published,
		DateSource:  ex.PublishedSource,
		Modified:    ex.Modified,
		FetchedAt:   fetchedAt,
		ContentHash: hash,
	}
	if doc.Published.IsZero() {
		doc.DateSource = ""
	}
	sum := sha256.Sum256(body)
	c := &model.Capture{
		FetchedAt:   fetchedAt,
		RequestURL:  finalURL,
		FinalURL:    finalURL,
		Status:      status,
		Header:      header,
		Body:        body,
		BodySHA256:  hex.EncodeToString(sum[:]),
		ContentHash: hash,
	}
	return doc, c, nil
}
