package extract

import (
	"regexp"
	"strings"
)

var (
	// frDocNumber is a Federal Register document number ("2020-15646"),
	// which the FR states as "FR Doc. 2020-15646" or in its metadata.
	frDocNumber = regexp.MustCompile(`\bFR Doc(?:\.|ument)?(?: No\.?| Number)?:?\s*((?:19|20)\d{2}-\d{4,6})\b`)
	// frCitation is a Federal Register citation ("85 FR 43413").
	frCitation = regexp.MustCompile(`\b(\d{1,3} FR \d{1,6})\b`)
	// pressNumber matches the numbers press offices put on releases:
	// "Press Release No. 123/2020", "PR-20-045", "Media Note 2020/123".
	pressNumber = regexp.MustCompile(`(?i)\b(?:press release|media note|release|statement)\s+(?:no\.?|number|#)\s*:?\s*([A-Z0-9][A-Z0-9/._-]{1,24})`)
)

// docNumber returns the document number the page states: a Federal
// Register document number or citation, or a press release number from
// the page metadata or text.
func (p *page) docNumber(text string) string {
	for _, k := range []string{"citation_doc_number", "dc.identifier", "document-number", "docnumber", "release-number"} {
		if v := p.metaFirst(k); v != "" && len(v) < 40 && !strings.HasPrefix(v, "http") {
			return v
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
