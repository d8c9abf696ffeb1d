package index

import (
	"html/template"
	"slices"
	"strings"
	"unicode/utf8"
)

// Snippet sizes in characters.
const (
	snippetRunes = 240 // the window shown
	snippetLead  = 60  // context kept before the first highlighted term
)

// span is a byte range [start, end) of the stored text to highlight.
type span struct{ start, end int }

// snippet returns about snippetRunes characters of text around the
// densest cluster of spans, HTML-escaped, with each span wrapped in
// <mark>. We build it ourselves rather than use Bleve's HTML highlighter
// so that escaping does not depend on its formatter: every byte of
// crawled text goes through template.HTMLEscapeString and the only markup
// added is <mark>, </mark> and the ellipses. Without spans the snippet is
// the start of the text.
func snippet(text string, spans []span) template.HTML {
	spans = cleanSpans(text, spans)
	from := 0
	if len(spans) > 0 {
		from = spans[bestWindow(text, spans)].start
		from = backUp(text, from)
	}
	to := forward(text, from, snippetRunes)
	// Do not cut a highlighted term in half at the end.
	for _, s := range spans {
		if s.start < to && s.end > to {
			to = s.end
		}
	}

	var b strings.Builder
	if from > 0 {
		b.WriteString("…")
	}
	pos := from
	for _, s := range spans {
		if s.start < from || s.end > to {
			continue
		}
		writeEscaped(&b, text[pos:s.start])
		b.WriteString("<mark>")
		writeEscaped(&b, text[s.start:s.end])
		b.WriteString("</mark>")
		pos = s.end
	}
	writeEscaped(&b, text[pos:to])
	if to < len(text) {
		b.WriteString("…")
	}
	return template.HTML(b.String())
}

// writeEscaped writes s escaped, with paragraph breaks shown as spaces.
func writeEscaped(b *strings.Builder, s string) {
	b.WriteString(template.HTMLEscapeString(strings.ReplaceAll(s, "\n", " ")))
}

// cleanSpans drops spans that do not fit text on character boundaries,
// sorts them and merges overlapping or touching ones (Chinese bigrams
// overlap: 国家, 家安, 安全 become one mark).
func cleanSpans(text string, spans []span) []span {
	ok := spans[:0:0]
	for _, s := range spans {
		if s.start < 0 || s.end > len(text) || s.start >= s.end ||
			!utf8.RuneStart(text[s.start]) || (s.end < len(text) && !utf8.RuneStart(text[s.end])) {
			continue
		}
		ok = append(ok, s)
	}
	slices.SortFunc(ok, func(a, b span) int {
		if a.start != b.start {
			return a.start - b.start
		}
		return a.end - b.end
	})
	var out []span
	for _, s := range ok {
		if n := len(out); n > 0 && s.start <= out[n-1].end {
			out[n-1].end = max(out[n-1].end, s.end)
			continue
		}
		out = append(out, s)
	}
	return out
}

// bestWindow returns the index of the span that starts the window of
// snippetRunes characters holding the most spans (the first such).
func bestWindow(text string, spans []span) int {
	best, bestCount := 0, 0
	for i, s := range spans {
		end := forward(text, s.start, snippetRunes-snippetLead)
		count := 0
		for _, t := range spans[i:] {
			if t.end > end {
				break
			}
			count++
		}
		if count > bestCount {
			best, bestCount = i, count
		}
	}
	return best
}

// forward returns the byte offset n characters after from (or the end).
func forward(text string, from, n int) int {
	i := from
	for ; n > 0 && i < len(text); n-- {
		_, size := utf8.DecodeRuneInString(text[i:])
		i += size
	}
	return i
}

// backUp moves from back by up to snippetLead characters for context,
// stopping at a paragraph break, and then forward to a word start so the
// snippet does not open mid-word.
func backUp(text string, from int) int {
	i := from
	for n := 0; n < snippetLead && i > 0; n++ {
		r, size := utf8.DecodeLastRuneInString(text[:i])
		if r == '\n' {
			return i
		}
		i -= size
	}
	if i == 0 {
		return 0
	}
	// Skip the partial word we landed in; Chinese has no spaces, so stay
	// put when no space is near.
	if sp := strings.IndexAny(text[i:from], " \n"); sp >= 0 {
		return i + sp + 1
	}
	return i
}
