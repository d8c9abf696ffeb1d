package extract

import (
	"net/url"
	"regexp"
	"strings"
)

var (
	// labelledNumber takes the number out of a labelled element's text:
	// "No. 2021/005", "Document Number: 2020-15646", or the bare number.
	labelledNumber = regexp.MustCompile(`(?i)(?:^|\bno\.?|\bnumber:?|#)\s*([A-Z]{0,4}[0-9][A-Z0-9/._-]{1,30})\s*$`)
	// frDocNumber is a Federal Register document number ("2020-15646"),
	// which the FR states as "FR Doc. 2020-15646" or in its metadata.
	frDocNumber = regexp.MustCompile(`\bFR Doc(?:\.|ument)?(?: No\.?| Number)?:?\s*((?:19|20)\d{2}-\d{4,6})\b`)
	// frCitation is a Federal Register citation ("85 FR 43413").
	frCitation = regexp.MustCompile(`\b(\d{1,3} FR \d{1,6})\b`)
	// pressNumber matches the numbers press offices put on releases:
	// "Press Release No. 123/2020", "PR-20-045", "Media Note 2020/123".
	pressNumber = regexp.MustCompile(`(?i)\b(?:press release|media note|release|statement)\s+(?:no\.?|number|#)\s*:?\s*([A-Z0-9][A-Z0-9/._-]{1,24})`)
)

// docNumber returns the document number the page states: in its
// metadata, in an element labelled as the document number, in the URL
// shapes official sites use (Federal Register /documents/.../2020-15646/,
// Hong Kong press releases .../P2020081000612.htm), or in the text (FR
// Doc. lines, citations, "Press Release No.").
func (p *page) docNumber(u *url.URL, text string) string {
	for _, k := range []string{"citation_doc_number", "dc.identifier", "document-number", "docnumber", "release-number"} {
		if v := p.metaFirst(k); v != "" && len(v) < 40 && !strings.HasPrefix(v, "http") {
			return v
		}
	}
	for _, v := range p.docNumbers {
		if m := labelledNumber.FindStringSubmatch(v); m != nil {
			return strings.TrimRight(m[1], ".")
		}
	}
	for _, s := range []string{p.links["canonical"], p.metaFirst("og:url"), urlString(u)} {
		pu, err := url.Parse(s)
		if err != nil || s == "" {
			continue
		}
		if m := frDocInURL.FindStringSubmatch(pu.Path); m != nil {
			return m[1]
		}
		if m := hkPressNumber.FindStringSubmatch(pu.Path); m != nil {
			return m[1]
		}
	}
	head := text
	if len(head) > 20000 {
		head = head[:20000]
	}
	tail := text
	if len(tail) > 20000 {
		tail = tail[len(tail)-20000:]
	}
	for _, s := range []string{head, tail} {
		if m := frDocNumber.FindStringSubmatch(s); m != nil {
			return m[1]
		}
	}
	if m := frCitation.FindStringSubmatch(head); m != nil {
		return m[1]
	}
	if m := pressNumber.FindStringSubmatch(head); m != nil {
		return strings.TrimRight(m[1], ".")
	}
	return ""
}
