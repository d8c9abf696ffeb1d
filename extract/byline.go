package extract

import (
	"regexp"
	"strings"
	"unicode"
)

var (
	// andWords join several authors: "A and B", "A & B", "A et B".
	andWords = regexp.MustCompile(`\s+(?:and|&|et|und|y|e|en|och|og|i)\s+`)
	// notByline starts texts that sit in byline slots but name no one.
	notByline      = regexp.MustCompile(`(?i)^(?:last )?(?:updated|published|posted|modified|reviewed|share|follow|read|min read|listen)\b`)
	bylineClass    = regexp.MustCompile(`byline|author(?:[^i]|$)|writtenby|p-author|contributor|speaker`)
	bylineNegClass = regexp.MustCompile(`comment|avatar|related|bio|about|footer|widget|share|social|image|photo|img|pic|-box|hidden|label|follow`)
	// otherCredit starts a second credit after the author's name
	// ("Written by A Edited by B"): editors and photographers are not authors.
	otherCredit = regexp.MustCompile(`(?i)\s(?:edited|photos?|photographs?|pictures|images|illustrations?|graphics|video|additional reporting|translated|fact[- ]checked|reviewed)\s+by\b.*$`)
	// inlineURL is a web or mail address written next to a name.
	inlineURL = regexp.MustCompile(`(?i)\(?\s*(?:https?://|mailto:|www\.)[^\s)]*\s*\)?|\(?\s*[\w.+-]+@[\w-]+\.[\w.-]+\s*\)?`)
	// bylinePrefix is a leading "By", "Written by", "Posted by", "Von", "Par"...
	bylinePrefix = regexp.MustCompile(`(?i)^\s*(?:(?:written|posted|reported|story|text|words|published|article)\s+)?(?:by|von|par|por|door|di|av)\s*[:\-]?\s+`)
	// jobTitle ends a name: "Jane Doe, Senior Correspondent".
	jobTitle = regexp.MustCompile(`(?i)\b(?:staff|senior|chief|correspondent|editor|reporter|writer|contributor|columnist|analyst|producer|journalist|bureau chief|director|professor|fellow|officer|secretary|minister|spokesperson|press office|news desk)\b`)
	// bylineDate finds a date or time appended to a byline.
	bylineDate = regexp.MustCompile(`(?i)(?:\b(?:updated|published|posted|on)\b\s*:?\s*)?(?:\b(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?(?:\b\d{1,2}(?:st|nd|rd|th)?\s+)?\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}.*$|\b\d{4}-\d{2}-\d{2}.*$|\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}.*$|\b\d{1,2}:\d{2}.*$`)
)

// byline finds the author names: JSON-LD author, then author meta tags,
// then marked-up byline elements. The result has no "By", no dates and no
// job titles; several authors are joined with ", ". A login name
// ("jane.doe") gives way to a later source that writes a name.
func (p *page) byline(fromTraf string) string {
	login := ""
	found := p.eachBylineCandidate(func(s string) bool {
		if !isLoginName(s) {
			return true
		}
		if login == "" {
			login = s
		}
		return false
	})
	if found != "" {
		return found
	}
	if login != "" {
		return login
	}
	return cleanByline(fromTraf)
}

// eachBylineCandidate calls take with the cleaned byline each source
// gives, most trusted first, until take accepts one, which it returns.
func (p *page) eachBylineCandidate(take func(string) bool) string {
	try := func(s string) bool { return s != "" && take(s) }
	for _, o := range p.ldArticles() {
		if names := ldAuthors(o["author"]); len(names) > 0 {
			if s := joinNames(names); try(s) {
				return s
			}
		}
	}
	keys := []string{"dc.creator", "dc:creator", "dcterms.creator", "author", "article:author", "parsely-author", "sailthru.author", "byl", "cxenseparse:author"}
	if v := p.metaFirst(keys...); v != "" && !strings.HasPrefix(v, "http") {
		if s := joinNames([]string{v}); try(s) {
			return s
		}
	}
	for _, k := range keys {
		var names []string
		for _, v := range p.meta[k] {
			if strings.HasPrefix(v, "http") || strings.Contains(v, "/") {
				continue // article:author is often a profile URL
			}
			names = append(names, v)
		}
		if s := joinNames(names); try(s) {
			return s
		}
	}
	// Microdata authors belong to the page's article item; rel=author
	// links also sit in teasers for other stories, so they come second.
	if s := joinNames(dedup(p.authorProp)); try(s) {
		return s
	}
	if s := joinNames(dedup(p.authorRel)); try(s) {
		return s
	}
	for _, a := range p.authors {
		if s := joinNames([]string{a}); try(s) {
			return s
		}
	}
	return ""
}

// isLoginName reports whether s reads as an account name rather than a
// person's: one lower-case ASCII token, often with dots, digits or
// underscores ("christian.stadtfeld", "jdoe2").
func isLoginName(s string) bool {
	if s == "" || strings.ContainsAny(s, " ,") {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

func ldAuthors(v any) []string {
	var out []string
	switch t := v.(type) {
	case string:
		out = append(out, t)
	case []any:
		for _, e := range t {
			out = append(out, ldAuthors(e)...)
		}
	case map[string]any:
		if s := ldString(t["name"]); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func joinNames(names []string) string {
	var out []string
	seen := map[string]bool{}
	for _, n := range names {
		// Entities first: each ends in ";", which also separates names.
		for i, part := range splitAuthors(html2text(n)) {
			if i > 0 && jobTitle.MatchString(part) {
				continue // "Jane Doe, Diplomatic Correspondent"
			}
			c := cleanByline(part)
			if c == "" || seen[strings.ToLower(c)] {
				continue
			}
			seen[strings.ToLower(c)] = true
			out = append(out, c)
		}
	}
	return strings.Join(out, ", ")
}

// splitAuthors splits "A, B and C" into names, but leaves "Doe, Jane"
// style single names alone when there is no "and".
func splitAuthors(s string) []string {
	s = normSpace(s)
	if strings.ContainsAny(s, "()") {
		// "A (with B and C)": one credit line, not a list to split.
		return []string{s}
	}
	s = andWords.ReplaceAllString(s, ", ")
	var out []string
	for _, q := range strings.Split(s, ";") {
		out = append(out, strings.Split(q, ", ")...)
	}
	return out
}

// cleanByline strips "By", trailing dates, job titles and pipes from one
// name; it returns "" for strings that do not look like a name.
func cleanByline(s string) string {
	s = normSpace(html2text(s))
	if s == "" {
		return ""
	}
	s = bylinePrefix.ReplaceAllString(s, "")
	s = otherCredit.ReplaceAllString(s, "")
	s = normSpace(inlineURL.ReplaceAllString(s, " "))
	if notByline.MatchString(s) {
		return ""
	}
	if i := strings.IndexAny(s, "|\n•·"); i > 0 {
		s = s[:i]
	}
	s = bylineDate.ReplaceAllString(s, "")
	if loc := jobTitle.FindStringIndex(s); loc != nil {
		// Keep what precedes the title, without the joining comma/dash.
		if loc[0] == 0 {
			return ""
		}
		s = s[:loc[0]]
	}
	// Names have no digits: a digit starts a date, a time or a count
	// ("2 hours ago"); lower-case words left before it are part of that.
	if i := strings.IndexFunc(s, unicode.IsDigit); i >= 0 {
		s = s[:i]
		f := strings.Fields(s)
		for len(f) > 0 && isLowerWord(f[len(f)-1]) {
			f = f[:len(f)-1]
		}
		s = strings.Join(f, " ")
	}
	s = strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) && r != '.' })
	s = strings.TrimSpace(s)
	if s == "" || len([]rune(s)) > 80 || len(strings.Fields(s)) > 8 {
		return ""
	}
	if strings.Contains(strings.ToLower(s), "http") || strings.Contains(s, "@") && !strings.Contains(s, " ") {
		return ""
	}
	hasLetter := false
	for _, r := range s {
		if unicode.IsLetter(r) {
			hasLetter = true
			break
		}
	}
	if !hasLetter {
		return ""
	}
	return s
}

func dedup(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func isLowerWord(w string) bool {
	for _, r := range w {
		if unicode.IsLetter(r) {
			return unicode.IsLower(r)
		}
	}
	return true
}
