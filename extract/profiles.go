package extract

import (
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
)

// A profile describes an official site whose layout we know, where the
// generic extractor is close but not exact: which element holds the
// document, and where the site writes its document number and dates.
// Profiles only narrow the content and add metadata; every other rule
// still applies.
type profile struct {
	name    string
	hosts   []string               // host names or suffixes (".gov.hk")
	content cascadia.SelectorGroup // the document body, first match wins
	drop    cascadia.SelectorGroup // furniture inside the body
	// docNumber finds the site's number for the document.
	docNumber func(u *url.URL, text string) string
	// date reads the publication day from the URL when the site encodes it.
	date func(u *url.URL) (time.Time, bool)
	// end matches the line that closes the document (the "Ends/" line of
	// Hong Kong press releases); it and what follows are dropped.
	end *regexp.Regexp
}

// trimEnd cuts text at the profile's closing line.
func (pr *profile) trimEnd(text string) string {
	if pr.end == nil {
		return text
	}
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if i > 0 && pr.end.MatchString(l) {
			return strings.Join(lines[:i], "\n")
		}
	}
	return text
}

var (
	treasuryNumber = regexp.MustCompile(`(?i)/press-releases/((?:sm|jy|tg|jl|as)\d{2,5})\b`)
	frDocInURL     = regexp.MustCompile(`/documents/\d{4}/\d{2}/\d{2}/(\d{4}-\d{4,6})/`)
	hkPressNumber  = regexp.MustCompile(`\b(P\d{13})\.htm`)
	hkDateInURL    = regexp.MustCompile(`/(\d{4})(\d{2})/(\d{2})/`)
	govukNothing   = func(*url.URL, string) string { return "" }
)

func mustSel(s string) cascadia.SelectorGroup {
	if s == "" {
		return nil
	}
	g, err := cascadia.ParseGroup(s)
	if err != nil {
		panic("extract: bad profile selector " + s + ": " + err.Error())
	}
	return g
}

var profiles = []profile{
	{
		name:    "Federal Register",
		hosts:   []string{"federalregister.gov"},
		content: mustSel("#fulltext_content_area, .doc-content, .document-content"),
		drop:    mustSel(".printed-page-wrapper, .printed-page-details, .document-markup-tools, .table-of-contents"),
		docNumber: func(u *url.URL, text string) string {
			if m := frDocInURL.FindStringSubmatch(u.Path); m != nil {
				return m[1]
			}
			return ""
		},
	},
	{
		name:      "GOV.UK",
		hosts:     []string{"gov.uk"},
		content:   mustSel(".govspeak, .gem-c-govspeak"),
		drop:      mustSel(".gem-c-attachment__metadata, .gem-c-contextual-sidebar, .gem-c-print-link, .gem-c-single-page-notification-button"),
		docNumber: govukNothing,
	},
	{
		name:      "US Department of State",
		hosts:     []string{"state.gov"},
		content:   mustSel(".entry-content, .article__content"),
		drop:      mustSel(".article-meta, .related-tags, .share-this, .sharethis-inline-share-buttons"),
		docNumber: govukNothing,
	},
	{
		name:    "US Treasury",
		hosts:   []string{"treasury.gov"},
		content: mustSel(".field--name-field-news-body, .field--name-body, article .content"),
		drop:    mustSel(".field--name-field-news-related, .social-media"),
		docNumber: func(u *url.URL, text string) string {
			if m := treasuryNumber.FindStringSubmatch(u.Path); m != nil {
				return strings.ToUpper(m[1])
			}
			return ""
		},
	},
	{
		name:      "US Department of Commerce",
		hosts:     []string{"commerce.gov", "bis.doc.gov"},
		content:   mustSel(".field--name-body, .node__content .text-formatted, #content .item-page"),
		drop:      mustSel(".field--name-field-related-content, .social-share"),
		docNumber: govukNothing,
	},
	{
		name:    "Hong Kong SAR Government",
		hosts:   []string{".gov.hk", "info.gov.hk"},
		content: mustSel("#pressrelease, .pressrelease, #contentBody, #content"),
		drop:    mustSel(".mB15, #pressreleaseTools"),
		end:     regexp.MustCompile(`^(?:Ends|完)\s*/`),
		docNumber: func(u *url.URL, text string) string {
			if m := hkPressNumber.FindStringSubmatch(u.Path); m != nil {
				return m[1]
			}
			return ""
		},
		date: func(u *url.URL) (time.Time, bool) {
			// Press releases live under /gia/general/YYYYMM/DD/.
			if m := hkDateInURL.FindStringSubmatch(u.Path); m != nil {
				return parseDate(m[1] + "-" + m[2] + "-" + m[3])
			}
			return time.Time{}, false
		},
	},
}

// profileFor returns the profile of u's site, or nil.
func profileFor(u *url.URL) *profile {
	if u == nil {
		return nil
	}
	host := strings.ToLower(strings.TrimPrefix(u.Hostname(), "www."))
	for i := range profiles {
		for _, h := range profiles[i].hosts {
			if host == strings.TrimPrefix(h, ".") || strings.HasSuffix(host, "."+strings.TrimPrefix(h, ".")) {
				return &profiles[i]
			}
		}
	}
	return nil
}

// minProfileText is the least text a profile's content element must hold
// to be trusted over the generic extractor (a layout change would
// otherwise yield an empty document).
const minProfileText = 200

// content returns the profile's document element with furniture removed,
// or nil when the page does not have the expected layout.
func (pr *profile) contentNode(doc *html.Node) *html.Node {
	if pr.content == nil {
		return nil
	}
	n := cascadia.Query(doc, pr.content)
	if n == nil {
		return nil
	}
	if pr.drop != nil {
		for _, d := range cascadia.QueryAll(n, pr.drop) {
			if d.Parent != nil {
				d.Parent.RemoveChild(d)
			}
		}
	}
	if len(strings.TrimSpace(textOf(n))) < minProfileText {
		return nil
	}
	return n
}
