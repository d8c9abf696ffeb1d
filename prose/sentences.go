// Package prose reads running text the way reports write it: paragraphs
// and sentences, words in scripts that space them and in Chinese and
// Japanese (which do not), month names, and the dates a sentence names
// ("on Friday", "July 3, 2020", "2024年3月19日", "昨日(21日)").
//
// Extraction, tagging and the timeline all split and date text; they use
// this package so that a tag's evidence sentence and the timeline's
// passage for the same text are the same sentence, and a date one reads
// the other reads too.
package prose

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sentence is one sentence of a text, as byte offsets into it, with the
// paragraph it belongs to.
type Sentence struct {
	Start, End int
	Para       int  // paragraph number, counting only non-blank lines
	Lead       bool // in the opening paragraph (see Sentences)
}

// Sentences splits text into sentences. Paragraphs are separated by
// "\n"; a sentence ends at 。！？； and at . ! ? followed by a space, a
// closing quote or the end of the paragraph. Abbreviations ("U.S.",
// "Mr.", "Jan.", initials) do not end a sentence. Leading spaces are
// left out of a sentence.
//
// The sentences of the opening paragraph are marked Lead: the first
// paragraph with a dozen words or forty Chinese or Japanese characters.
// Datelines, bylines, kickers and "Share this" lines that extraction
// leaves at the top are not the opening.
func Sentences(text string) []Sentence {
	var out []Sentence
	para := 0
	for pstart := 0; pstart <= len(text); {
		pend := strings.IndexByte(text[pstart:], '\n')
		if pend < 0 {
			pend = len(text)
		} else {
			pend += pstart
		}
		if strings.TrimSpace(text[pstart:pend]) != "" {
			for _, s := range split(text, pstart, pend) {
				out = append(out, Sentence{Start: s[0], End: s[1], Para: para})
			}
			para++
		}
		pstart = pend + 1
	}
	markLead(text, out)
	return out
}

// closers may follow a sentence's final punctuation and belong to it.
const closers = "\"'”’)」』》"

func split(text string, start, end int) [][2]int {
	var out [][2]int
	s := start
	for i := start; i < end; {
		r, n := utf8.DecodeRuneInString(text[i:])
		next := i + n
		stop := false
		switch r {
		case '。', '！', '？', '；', '!', '?', '.':
			if r == '.' || r == '!' || r == '?' {
				// Latin punctuation ends a sentence before a space, a
				// closing quote or the paragraph's end: "3.5", "U.S.-led"
				// and "e.g.," go on.
				j := next
				for j < end {
					c, m := utf8.DecodeRuneInString(text[j:])
					if !strings.ContainsRune(closers, c) {
						break
					}
					j += m
				}
				if j < end && !unicode.IsSpace(rune(text[j])) {
					break
				}
				if r == '.' && j == next && isAbbrev(text[s:i]) {
					break
				}
				next = j
			} else {
				// Closing quotes after 。 belong to the sentence.
				for next < end {
					c, m := utf8.DecodeRuneInString(text[next:])
					if !strings.ContainsRune(closers, c) {
						break
					}
					next += m
				}
			}
			stop = true
		}
		if stop {
			out = append(out, [2]int{s, next})
			s = next
		}
		i = next
	}
	if strings.TrimSpace(text[s:end]) != "" {
		out = append(out, [2]int{s, end})
	}
	kept := out[:0]
	for _, sp := range out {
		for sp[0] < sp[1] {
			r, n := utf8.DecodeRuneInString(text[sp[0]:])
			if !unicode.IsSpace(r) {
				break
			}
			sp[0] += n
		}
		if sp[0] < sp[1] {
			kept = append(kept, sp)
		}
	}
	return kept
}

// isAbbrev reports whether the word before a period is an abbreviation
// ("U.S", "Mr", "No", "Jan", an initial) rather than a sentence's end.
func isAbbrev(before string) bool {
	w := before
	if i := strings.LastIndexFunc(before, func(r rune) bool { return unicode.IsSpace(r) || r == '(' }); i >= 0 {
		_, n := utf8.DecodeRuneInString(before[i:])
		w = before[i+n:]
	}
	if w == "" {
		return false
	}
	if strings.Contains(w, ".") {
		return true // U.S, a.m, e.g
	}
	if r, n := utf8.DecodeRuneInString(w); n == len(w) && unicode.IsUpper(r) {
		return true // initials
	}
	switch strings.ToLower(w) {
	case "mr", "mrs", "ms", "dr", "st", "no", "nos", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
		"sep", "sept", "oct", "nov", "dec", "gen", "gov", "sen", "rep", "vs", "inc", "co", "jr", "art", "hon", "rt":
		return true
	}
	return false
}

// markLead marks the sentences of the opening paragraph.
func markLead(text string, ss []Sentence) {
	words, cjk := map[int]int{}, map[int]int{}
	for _, s := range ss {
		w, c := counts(text[s.Start:s.End])
		words[s.Para] += w
		cjk[s.Para] += c
	}
	lead := -1
	for _, s := range ss {
		if words[s.Para] >= 12 || cjk[s.Para] >= 40 {
			lead = s.Para
			break
		}
	}
	for i := range ss {
		ss[i].Lead = ss[i].Para == lead
	}
}

// SentenceAt returns the index of the sentence holding byte offset off,
// the next sentence when off falls between two, or -1 past the last.
func SentenceAt(ss []Sentence, off int) int {
	i := sort.Search(len(ss), func(i int) bool { return ss[i].End > off })
	if i == len(ss) {
		return -1
	}
	return i
}
