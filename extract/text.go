package extract

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"policywatch/prose"
)

// blockAtoms end a line of text in the extracted body.
var blockAtoms = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Li: true, atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true,
	atom.H5: true, atom.H6: true, atom.Blockquote: true, atom.Pre: true, atom.Tr: true, atom.Table: true,
	atom.Ul: true, atom.Ol: true, atom.Dl: true, atom.Dt: true, atom.Dd: true, atom.Section: true,
	atom.Article: true, atom.Header: true, atom.Footer: true, atom.Figure: true, atom.Figcaption: true,
	atom.Hr: true, atom.Main: true, atom.Aside: true, atom.Address: true, atom.Details: true, atom.Summary: true,
	atom.Caption: true, atom.Form: true, atom.Fieldset: true, atom.Nav: true,
}

// nodeText renders an extracted content tree as plain text: one line per
// block element, inline text joined with single spaces.
func nodeText(n *html.Node) []string {
	var lines []string
	var cur strings.Builder
	flush := func() {
		if s := normSpace(cur.String()); s != "" {
			lines = append(lines, s)
		}
		cur.Reset()
	}
	type frame struct {
		n    *html.Node
		exit bool
	}
	stack := []frame{{n: n}}
	for len(stack) > 0 {
		f := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		c := f.n
		if f.exit {
			flush()
			continue
		}
		switch c.Type {
		case html.TextNode:
			cur.WriteString(c.Data)
			continue
		case html.ElementNode:
			// Nodes built by the extractor carry only their tag name.
			a := c.DataAtom
			if a == 0 {
				a = atom.Lookup([]byte(c.Data))
			}
			switch a {
			case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Figcaption:
				continue
			case atom.Br:
				flush()
				continue
			case atom.Td, atom.Th:
				cur.WriteByte(' ')
			}
			if blockAtoms[a] || c.Data == "head" || c.Data == "item" || c.Data == "list" || c.Data == "quote" || c.Data == "row" {
				flush()
				stack = append(stack, frame{n: c, exit: true})
			}
		}
		for k := c.LastChild; k != nil; k = k.PrevSibling {
			stack = append(stack, frame{n: k})
		}
	}
	flush()
	return lines
}

// boilerLine matches whole lines that are page furniture rather than
// article text: share prompts, newsletter sign-ups, "related" headers,
// image credits, cookie notices.
var boilerLine = regexp.MustCompile(`(?i)^(?:` +
	`share (?:this|on|via)\b.*|share|tweet|email|print|copy link|facebook|twitter|linkedin|whatsapp|pinterest|reddit|` +
	`(?:sign up|subscribe)(?: now| today)?(?: to| for)? (?:our|the)? ?(?:free )?(?:daily |weekly )?(?:newsletter|email|updates).*|` +
	`thanks? (?:you )?for (?:signing up|subscribing).*|there was an error processing your subscription.*|sorry!?|` +
	`subscribe to (?:the|our) .{0,60}newsletters?\.?|(?:\S+ ){0,3}newsletters?|.{0,80}delivered (?:right )?(?:to|in) your inbox.*|` +
	`.{0,60}log ?in to (?:post|leave|add) a comment.*|comments? (?:are|is) closed\.?|.{0,40}share it with a friend!?|` +
	`\(?(?:additional )?reporting by .{0,200}(?:editing|edited) by .*|.{0,200} contributed (?:reporting )?to this (?:report|story|article)\.?|` +
	`follow .{0,60} on (?:instagram|facebook|twitter|youtube|linkedin).*|.{0,80}follow (?:him|her|them|us) (?:on twitter|@).*|` +
	`keep an eye on your inbox.*|an error has occurred.*|` +
	`continue reading(?: below| the main story)?|don'?t miss|see more:.*|related:.*|click here to .*|` +
	`(?:read|see|watch|leia|lesen sie|lire|leggi)(?: also| more| too| também| auch| aussi| anche)\b.*|` +
	`(?:get|download) (?:the|our) .{0,30}\bapps?\b.*|` +
	`advertisement|sponsored|anzeige|publicidade|publicité|pubblicità|ad|skip (?:to|ad).*|` +
	`(?:photo|image|picture|credit|source|foto|bild)s?: .{0,80}|` +
	`(?:we use|this (?:site|website) uses) cookies.*|accept (?:all )?cookies|cookie (?:settings|policy|preferences)|` +
	`back to top|top of page|return to top|` +
	`(?:follow us|like us|connect with us)(?: on .*)?|` +
	`all rights reserved\.?` +
	`)$`)

var (
	endMark       = regexp.MustCompile(`(?i)^(?:-*\s*ends?\s*-*(?:\s*/.*)?|#{3}|nnnn|完)$`)
	socialWords   = regexp.MustCompile(`(?i)\b(?:facebook|twitter|whatsapp|pinterest|pint|linkedin|e-?mail|share|tweet|print|reddit|telegram)\b`)
	urlLine       = regexp.MustCompile(`^\s*https?://\S+\s*$`)
	copyrightLine = regexp.MustCompile(`(?i)^(?:copyright|©).{0,160}$|all rights reserved\.?$`)
	// stampLine is an "Updated ..." / "Published ..." time stamp.
	stampLine = regexp.MustCompile(`(?i)^(?:last )?(?:updated|published|posted|modified|first published)\b`)
)

// sectionEnd matches headings after which a page lists other content;
// what follows them near the end of the body is dropped.
var sectionEnd = regexp.MustCompile(`(?i)^(?:` +
	`(?:you (?:may|might) also (?:like|enjoy)|related(?: articles| stories| posts| news| content| coverage| topics| links)?|` +
	`more (?:stories|news|like this|great)\b.*|most (?:read|popular|viewed)|recommended(?: for you| stories| articles)?|` +
	`explore further|further reading|read next|what to read next|something to consider|` +
	`tags?|topics|keywords|trending(?: now)?|popular(?: now| stories)?|latest(?: news| stories)?|` +
	`leia (?:também|mais)|lesen sie auch|mehr zum thema|lire aussi|à lire aussi|leggi anche|te puede interesar)` +
	`)\W*$`)

// moreOn matches "More from ...", "More on ...", "More in ...": the
// heading of a list of other stories, or of the article's last section
// ("More on the budget"); only the first is cut (see listFollows).
var moreOn = regexp.MustCompile(`(?i)^more (?:from|on|in)\b.*$`)

// commentsStart matches headings that open the readers' comments or the
// sharing tools: what follows is never the article.
var commentsStart = regexp.MustCompile(`(?i)^(?:comments?|\d+ comments?|leave a (?:comment|reply)|post a comment|share this(?: article| story| post)?)\W*$`)

// dateLine matches a short line that is only a date or time stamp,
// in any of the common shapes ("Updated at 1:23 p.m.", "05/10/2018 - ...").
var dateLine = regexp.MustCompile(`(?i)(?:\b\d{1,2}[:h]\d{2}\b|\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b|` +
	`\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2}\b|\b\d{1,2}\.? (?:de )?(?:jan|feb|fév|mär|mar|apr|avr|mai|may|jun|juin|jul|juil|aug|aoû|ago|sep|set|okt|oct|out|nov|dez|déc|dic|dec)[a-zé]*\.?\b)`)

// cleanText renders the extracted content and drops boilerplate: the
// headline repeated at the top, kickers above it, byline and date lines,
// share and sign-up prompts, repeated furniture lines, and lists of
// links to other content after a "Related"-style heading.
func cleanText(n *html.Node, p *page) string {
	if n == nil {
		return ""
	}
	lines := nodeText(n)
	counts := map[string]int{}
	for _, l := range lines {
		counts[squash(l)]++
	}
	heads := p.headlineKeys()
	out := make([]string, 0, len(lines))
	leading, afterHead := true, false
	for i, l := range lines {
		k := squash(l)
		if k == "" {
			continue
		}
		if leading {
			switch {
			case heads[k]:
				afterHead = true
				continue
			case prose.WordCount(l) <= 4 && p.isLinkLine(lines, i):
				// A section label above the headline ("Media releases")
				// that is also a navigation link.
				continue
			case !afterHead && isKicker(l) && headlineAhead(lines[i+1:], heads):
				// Kickers and section labels written above the headline
				// ("Press releases and statements", "Analysis"): the
				// article starts after its headline.
				continue
			case isBylineLine(l) || isDateLine(l) || urlLine.MatchString(l) || isBreadcrumb(l):
				continue
			}
			leading = false
		}
		if boilerLine.MatchString(strings.TrimSpace(l)) {
			continue
		}
		if counts[k] > 2 && prose.WordCount(l) <= 6 && (p.anchors[k] || socialWords.MatchString(l)) {
			continue // "Share Tweet Email" after every paragraph
		}
		if stampLine.MatchString(l) && prose.WordCount(l) <= 12 && (!isSentence(l) || dateLine.MatchString(l)) {
			continue
		}
		out = append(out, l)
	}
	// Copyright notices close the page, not the article.
	for len(out) > 1 && copyrightLine.MatchString(out[len(out)-1]) {
		out = out[:len(out)-1]
	}
	// Cut a trailing "Related"/"Tags" section: a matching heading in the
	// last part of the text, followed by short lines.
	total := 0
	for _, l := range out {
		total += len(l)
	}
	seen := 0
	for i, l := range out {
		if t := strings.TrimSpace(l); seen > total/2 && (commentsStart.MatchString(t) || sectionEnd.MatchString(t) || moreOn.MatchString(t) && p.listFollows(out, i+1)) {
			out = out[:i]
			break
		}
		seen += len(l)
	}
	out = dropLinkRuns(out, p)
	// Press releases close with an end mark ("Ends", "-ENDS-", "###",
	// "NNNN", 完); the issue time and tools after it are not the text.
	for i := len(out) / 2; i < len(out); i++ {
		if i > 0 && endMark.MatchString(strings.TrimSpace(out[i])) {
			out = out[:i]
			break
		}
	}
	// Drop trailing link texts (lists of other stories).
	for len(out) > 1 && p.isLinkLine(out, len(out)-1) && prose.WordCount(out[len(out)-1]) <= 20 {
		out = out[:len(out)-1]
	}
	return strings.Join(out, "\n")
}

// crumbSeparator joins the steps of a breadcrumb trail ("Home » World »
// Europe", "Home > News", "Start › Politik").
var crumbSeparator = regexp.MustCompile(`\s*[»›]\s*|\s>\s`)

// isBreadcrumb reports whether l is a breadcrumb trail: three or more
// steps joined by separators, all but the last (often the headline)
// a few words. Guillemets are also quotation marks (« … » in French and
// Spanish, » … « in German): a line that opens a quotation with « is a
// sentence, and so is one whose steps read as clauses.
func isBreadcrumb(l string) bool {
	if strings.ContainsRune(l, '«') {
		return false
	}
	steps := crumbSeparator.Split(l, -1)
	if len(steps) < 3 {
		return false
	}
	for i, s := range steps {
		if n := prose.WordCount(s); n > 4 && i < len(steps)-1 || n > 25 {
			return false
		}
	}
	return true
}

// listFollows reports whether the lines from i on read as a list of other
// content rather than more of the article: mostly links or short lines,
// none of them a long paragraph. A late subheading such as "More on the
// budget" is followed by paragraphs.
func (p *page) listFollows(lines []string, i int) bool {
	n, listy := 0, 0
	for ; i < len(lines) && n < 8; i++ {
		wc := prose.WordCount(lines[i])
		if wc == 0 {
			continue
		}
		n++
		if wc > 40 {
			return false
		}
		if wc <= 15 || p.isLinkLine(lines, i) {
			listy++
		}
	}
	return listy*2 >= n
}

// isSentence reports whether l reads as a sentence rather than a label,
// byline or time stamp: six words or more ending with a full stop,
// question or exclamation mark.
func isSentence(l string) bool {
	t := strings.TrimRight(strings.TrimSpace(l), `"'”’»)`)
	return prose.WordCount(t) >= 6 && t != "" && strings.ContainsAny(t[len(t)-1:], ".!?。！？")
}

// isKicker reports whether l reads as a label rather than a sentence:
// a few words without closing punctuation.
func isKicker(l string) bool {
	t := strings.TrimSpace(l)
	return prose.WordCount(t) <= 6 && !strings.ContainsAny(t[len(t)-1:], ".!?。")
}

// headlineAhead reports whether the headline follows within the next
// few lines, and only labels (no sentences) come before it.
func headlineAhead(rest []string, heads map[string]bool) bool {
	seen := 0
	for _, l := range rest {
		k := squash(l)
		if k == "" {
			continue
		}
		if heads[k] {
			return true
		}
		if seen++; seen >= 4 || !isKicker(l) {
			return false
		}
	}
	return false
}

// headlineKeys returns the squashed forms of the texts a body may repeat
// at its top as the headline. The description is not among them: CMSs copy
// the lead into it, and a standfirst that repeats it is the publisher's
// text too.
func (p *page) headlineKeys() map[string]bool {
	keys := map[string]bool{}
	add := func(s string) {
		if k := squash(html2text(s)); len(k) > 3 {
			keys[k] = true
		}
	}
	for _, h := range p.h1 {
		add(h)
	}
	add(p.titleTag)
	for _, sep := range titleSeparators {
		if parts := strings.Split(p.titleTag, sep); len(parts) > 1 {
			for _, part := range parts {
				add(part)
			}
		}
	}
	for _, k := range []string{"og:title", "twitter:title", "title"} {
		for _, v := range p.meta[k] {
			add(v)
		}
	}
	for _, o := range p.ldArticles() {
		add(ldString(o["headline"]))
	}
	return keys
}

var bylineStart = regexp.MustCompile(`(?i)^(?:by|written by|posted by|von|par|por|door|di)\s+\S`)

// isBylineLine reports whether l is a byline ("By Jane Doe and Tom Roe |
// Reuters", "Par Sébastien Farcis"): "By" or its translation followed by
// names. "Par ailleurs", "Por su parte" and "By Friday, the river had
// risen" start sentences.
func isBylineLine(l string) bool {
	loc := bylineStart.FindStringIndex(l)
	if loc == nil || prose.WordCount(l) > 12 || isSentence(l) {
		return false
	}
	rest := otherCredit.ReplaceAllString(strings.TrimSpace(l[loc[1]-1:]), "")
	if i := bylineNameEnd.FindStringIndex(rest); i != nil {
		rest = rest[:i[0]]
	}
	names := strings.Fields(rest)
	if len(names) == 0 || len(names) > 8 {
		return false
	}
	for _, w := range names {
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) && !nameParticle[strings.ToLower(w)] {
			return false
		}
	}
	return true
}

// bylineNameEnd is where the names of a byline end: a separator, a
// comma before a job title or place, a date or time.
var bylineNameEnd = regexp.MustCompile(`[|•·,;(@\d]|\s[-–—]\s`)

// nameParticle lists the lower-case words that occur in bylines between
// names: connectives and the particles of family names.
var nameParticle = map[string]bool{
	"and": true, "&": true, "und": true, "et": true, "y": true, "e": true, "en": true, "og": true, "och": true, "i": true,
	"de": true, "da": true, "di": true, "del": true, "della": true, "der": true, "den": true, "van": true, "von": true,
	"la": true, "le": true, "du": true, "dos": true, "das": true, "do": true, "bin": true, "al": true, "ter": true, "ten": true, "zu": true,
}

// isDateLine reports whether l is a date or time stamp ("Updated March 3,
// 2024 10:45 GMT"), not a sentence that names a day.
func isDateLine(l string) bool {
	return prose.WordCount(l) <= 14 && dateLine.MatchString(l) && !isSentence(l)
}

// isLinkLine reports whether lines[i] is the text of a link to other
// content. A subheading of the page that is not a link itself, followed
// by a line that is not a link either, heads a section of the article even
// when a table of contents links to it; and a web address written out is
// part of the text (a list of sources), not a teaser's headline.
func (p *page) isLinkLine(lines []string, i int) bool {
	k := squash(lines[i])
	if !p.anchors[k] || urlLine.MatchString(lines[i]) {
		return false
	}
	if p.sectionHeads[k] {
		for _, next := range lines[i+1:] {
			if nk := squash(next); nk != "" {
				return p.anchors[nk]
			}
		}
	}
	return true
}

// dropLinkRuns removes runs of lines that are mostly link texts: teaser
// lists of other stories ("headline" link, one-line teaser, next link...)
// that the content extractor kept. A run needs three link lines, and at
// least half of its lines must be links.
func dropLinkRuns(lines []string, p *page) []string {
	const maxTeaserWords = 30
	isLink := make([]bool, len(lines))
	for i, l := range lines {
		isLink[i] = p.isLinkLine(lines, i) && prose.WordCount(l) <= 25
	}
	drop := make([]bool, len(lines))
	total := 0
	for _, l := range lines {
		total += len(l)
	}
	for i := 0; i < len(lines); {
		if !isLink[i] {
			i++
			continue
		}
		// Extend the run while links keep coming at least every other line.
		j, links, last := i, 0, i
		for j < len(lines) && j-last <= 2 {
			if !isLink[j] && prose.WordCount(lines[j]) > maxTeaserWords {
				break // a paragraph, not a teaser's blurb
			}
			if isLink[j] {
				links++
				last = j
			}
			j++
		}
		end := last + 1
		// A teaser line right after the last link belongs to it.
		if end < len(lines) && !isLink[end] && prose.WordCount(lines[end]) <= 30 && end+1 == len(lines) {
			end++
		}
		runLen := 0
		for k := i; k < end; k++ {
			runLen += len(lines[k])
		}
		// A run that is a large part of the text is the article itself
		// (a list of recommendations, a link round-up).
		if links >= 3 && links*2 >= end-i && runLen*10 < total*3 {
			for k := i; k < end; k++ {
				drop[k] = true
			}
		}
		i = end
	}
	out := lines[:0]
	for i, l := range lines {
		if !drop[i] {
			out = append(out, l)
		}
	}
	return out
}
