package tagging

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"policywatch/prose"
)

// phrase is one compiled rule phrase.
//
// Matching ignores case. Latin phrases match whole words: "visa" does not
// match "visas" unless written "visa*" (a star at a word's end allows any
// ending). A lone "*" between words stands for up to four words
// ("pass* * law" matches "passes sweeping security law"), and in Chinese
// for up to a dozen characters of the clause ("通過 * 決定"). A leading "="
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
		if prose.IsCJK(r) {
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
				if cjk {
					// Chinese has no spaces: up to a dozen characters
					// within the clause ("通過 * 決定" is 通過了…的決定).
					b.WriteString(`[^\s，,。；;：:!?！？]{0,12}?`)
				} else {
					b.WriteString(`\s+(?:[^\s.;!?。]+\s+){0,4}`)
				}
				gap = true
			}
			continue
		}
		if i > 0 && !gap {
			if cjk {
				b.WriteString(`\s*`)
			} else {
				b.WriteString(`\s+`)
			}
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

// isWordRune reports whether r continues a Latin word: a letter or a
// digit, but not a Chinese or Japanese character, which sits against
// Latin words without a space ("不承认BNO护照").
func isWordRune(r rune) bool {
	return (unicode.IsLetter(r) || unicode.IsDigit(r)) && !prose.IsCJK(r)
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

// sentences splits text into sentences the way the timeline does
// (prose.Sentences), so a tag's evidence sentence is a timeline passage.
func sentences(text string) []segment {
	ss := prose.Sentences(text)
	out := make([]segment, len(ss))
	for i, s := range ss {
		out[i] = segment{start: s.Start, end: s.End, para: s.Para, lead: s.Lead}
	}
	return out
}

// segmentAt returns the index of the segment holding byte offset off
// (the last one past the end).
func segmentAt(segs []segment, off int) int {
	i := sort.Search(len(segs), func(i int) bool { return segs[i].end > off })
	if i == len(segs) {
		return len(segs) - 1
	}
	return i
}
