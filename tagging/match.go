package tagging

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// phrase is one compiled rule phrase.
//
// Matching ignores case. Latin phrases match whole words: "visa" does not
// match "visas" unless written "visa*" (a star at a word's end allows any
// ending). A lone "*" between words stands for up to four words
// ("pass* * law" matches "passes sweeping security law"). A leading "="
// makes the phrase case-sensitive ("=US"). Runs of spaces
// match any whitespace. Phrases holding CJK characters match as
// substrings, since Chinese has no spaces between words.
type phrase struct {
	text   string // as written in the taxonomy, for evidence
	re     *regexp.Regexp
	checkL bool // starts with a letter/digit: needs a word boundary before
	checkR bool // ends with a letter/digit: needs a word boundary after
	// anchor is a lower-case literal every match contains: texts without
	// it are skipped before running the regular expression.
	anchor string
}

const wordChars = `[\p{L}\p{N}]*`

func compilePhrase(s string) phrase {
	p := phrase{text: s}
	cjk := false
	for _, r := range s {
		if isCJK(r) {
			cjk = true
			break
		}
	}
	var b strings.Builder
	// A leading "=" asks for exact case: "=US" is the country, not "us".
	if exact, ok := strings.CutPrefix(s, "="); ok {
		s = exact
	} else {
		b.WriteString("(?i)")
	}
	words := strings.Fields(s)
	gap := false // a lone "*" precedes the next word
	for i, w := range words {
		if w == "*" {
			if i > 0 && i < len(words)-1 {
				b.WriteString(`\s+(?:[^\s.;!?。]+\s+){0,4}`)
				gap = true
			}
			continue
		}
		if i > 0 && !gap {
			b.WriteString(`\s+`)
		}
		gap = false
		star := strings.HasSuffix(w, "*")
		w = strings.TrimRight(w, "*")
		b.WriteString(strings.ReplaceAll(regexp.QuoteMeta(w), "'", "['\u2019]"))
		if star {
			b.WriteString(wordChars)
		}
	}
	p.re = regexp.MustCompile(b.String())
	for _, w := range words {
		w = strings.ToLower(strings.TrimRight(w, "*"))
		if w != "" && !strings.ContainsAny(w, "'*") && len(w) > len(p.anchor) {
			p.anchor = w
		}
	}
	body := strings.Trim(strings.TrimSpace(s), "*")
	first, _ := utf8.DecodeRuneInString(body)
	last, _ := utf8.DecodeLastRuneInString(body)
	p.checkL = !cjk && isWordRune(first)
	p.checkR = !cjk && !strings.HasSuffix(s, "*") && isWordRune(last)
	return p
}

// span is one occurrence of a phrase in a field.
type span struct{ start, end int }

// find returns every occurrence of p in text.
func (p *phrase) find(text string) []span {
	return p.findLower(text, strings.ToLower(text))
}

// findLower is find with the text's lower-case form already computed.
func (p *phrase) findLower(text, lower string) []span {
	if p.anchor != "" && !strings.Contains(lower, p.anchor) {
		return nil
	}
	var out []span
	for _, m := range p.re.FindAllStringIndex(text, -1) {
		start, end := m[0], m[1]
		if p.checkL && start > 0 {
			r, _ := utf8.DecodeLastRuneInString(text[:start])
			if isWordRune(r) {
				continue
			}
		}
		if p.checkR && end < len(text) {
			r, _ := utf8.DecodeRuneInString(text[end:])
			if isWordRune(r) {
				continue
			}
		}
		out = append(out, span{start, end})
	}
	return out
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func isCJK(r rune) bool {
	return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) ||
		unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r)
}

// segment is one sentence of a field, with the paragraph it belongs to.
type segment struct {
	start, end int
	para       int
	lead       bool // in the opening paragraph
	// background: the sentence recalls what happened well before the
	// document was published (see isBackground).
	background bool
}

// sentences splits text into sentences by paragraph ("\n") and sentence
// punctuation. Abbreviations such as "U.S." and "Mr." do not end a
// sentence. The sentences of the opening paragraph are marked lead.
func sentences(text string) []segment {
	out := splitParagraphs(text)
	markLead(text, out)
	return out
}

// markLead marks the opening paragraph: the first with a dozen words or
// forty characters of Chinese. Datelines, bylines and "Share this" lines
// that extraction leaves at the top are not the opening.
func markLead(text string, segs []segment) {
	words, cjk := map[int]int{}, map[int]int{}
	for _, s := range segs {
		words[s.para] += len(strings.Fields(text[s.start:s.end]))
		for _, r := range text[s.start:s.end] {
			if isCJK(r) {
				cjk[s.para]++
			}
		}
	}
	lead := -1
	for _, s := range segs {
		if words[s.para] >= 12 || cjk[s.para] >= 40 {
			lead = s.para
			break
		}
	}
	for i := range segs {
		segs[i].lead = segs[i].para == lead
	}
}

func splitParagraphs(text string) []segment {
	var out []segment
	para := 0
	pstart := 0
	for pstart <= len(text) {
		pend := strings.IndexByte(text[pstart:], '\n')
		if pend < 0 {
			pend = len(text)
		} else {
			pend += pstart
		}
		if strings.TrimSpace(text[pstart:pend]) != "" {
			for _, s := range splitSentences(text, pstart, pend) {
				out = append(out, segment{start: s.start, end: s.end, para: para})
			}
			para++
		}
		pstart = pend + 1
	}
	return out
}

func splitSentences(text string, start, end int) []span {
	var out []span
	s := start
	for i := start; i < end; {
		r, n := utf8.DecodeRuneInString(text[i:])
		next := i + n
		switch r {
		case '。', '！', '？', '；':
			out = append(out, span{s, next})
			s = next
		case '.', '!', '?':
			// A sentence ends at punctuation followed by a space (or the end).
			if next < end && text[next] != ' ' && text[next] != '"' && text[next] != '\'' {
				break
			}
			if r == '.' && isAbbrev(text[s:i]) {
				break
			}
			if next < end && (text[next] == '"' || text[next] == '\'') {
				next++
			}
			out = append(out, span{s, next})
			s = next
		}
		i = next
	}
	if strings.TrimSpace(text[s:end]) != "" {
		out = append(out, span{s, end})
	}
	// Trim leading spaces so a passage starts at its first word.
	for i := range out {
		for out[i].start < out[i].end && text[out[i].start] == ' ' {
			out[i].start++
		}
	}
	return out
}

// isAbbrev reports whether the word before a period is an abbreviation
// ("U.S", "Mr", "No", "Jan") rather than the end of a sentence.
func isAbbrev(before string) bool {
	w := before
	if i := strings.LastIndexAny(before, " (\u00a0"); i >= 0 {
		w = before[i+1:]
	}
	if w == "" {
		return false
	}
	if strings.Contains(w, ".") {
		return true // U.S, a.m, e.g
	}
	if utf8.RuneCountInString(w) == 1 && unicode.IsUpper(rune(w[0])) {
		return true // initials
	}
	switch strings.ToLower(w) {
	case "mr", "mrs", "ms", "dr", "st", "no", "nos", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
		"sep", "sept", "oct", "nov", "dec", "gen", "gov", "sen", "rep", "vs", "inc", "co", "jr", "art":
		return true
	}
	return false
}

// segmentAt returns the index of the segment holding byte offset off.
func segmentAt(segs []segment, off int) int {
	i := sort.Search(len(segs), func(i int) bool { return segs[i].end > off })
	if i == len(segs) {
		return len(segs) - 1
	}
	return i
}
