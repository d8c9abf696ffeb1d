package index

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"

	"policywatch/model"
	"policywatch/query"
)

// Archive returns documents by ID as they are stored now, with their
// text and tags; IDs it does not hold are left out of the map. The store
// is one (*store.DB). The index finds documents and the archive shows
// them: the index keeps neither the text (a second copy made the index
// twice as large and its writes slower) nor what a hit shows (a tenth of
// the index), so a hit's title, address, tags and date and its snippet
// come from here.
type Archive interface {
	HitDocuments(ctx context.Context, ids []int64) (map[int64]model.Document, error)
}

// SetArchive sets where hits are read from. Without one, hits carry
// their ID and score only.
func (ix *Index) SetArchive(a Archive) {
	ix.archive.Store(&archive{a})
}

type archive struct{ Archive }

// documentsOf returns the archive's documents with these ids, or nil
// without an archive.
func (ix *Index) documentsOf(ctx context.Context, ids []int64) (map[int64]model.Document, error) {
	a := ix.archive.Load()
	if a == nil || a.Archive == nil || len(ids) == 0 {
		return nil, nil
	}
	docs, err := a.HitDocuments(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("load %d documents from the archive: %w", len(ids), err)
	}
	return docs, nil
}

// highlighter finds what a query matched in a document's text: the same
// words, phrases and prefixes the search matched in the text fields,
// found by analyzing the text again with the fields' analyzers (without
// the filter that drops offsets). This is done for the shown hits only,
// instead of keeping every term's offsets in the index.
type highlighter struct {
	en, zh []leaf // what to look for in the en and zh analysis of a text
	zhHan  []leaf // the zh leaves with Chinese in them
	ix     *Index
}

// leaf is one thing a query looks for: a phrase (slots of alternatives by
// relative position; an empty slot, a removed stop word, matches any
// token), prefixes of a term, or a single Chinese character.
type leaf struct {
	slots    [][]string
	prefixes []string
	hanChar  string
}

// newHighlighter collects the words, phrases and prefixes of n that can
// match the text field: not under NOT, not restricted to the title or to
// amendments, with glossary equivalents, as translate searches them.
func (ix *Index) newHighlighter(n query.Node) *highlighter {
	h := &highlighter{ix: ix}
	h.collect(n)
	for _, l := range h.zh {
		if l.hanChar != "" || slices.ContainsFunc(l.slots, func(s []string) bool { return slices.ContainsFunc(s, hasHan) }) {
			h.zhHan = append(h.zhHan, l)
		}
	}
	if len(h.en) == 0 && len(h.zh) == 0 {
		return nil
	}
	return h
}

func (h *highlighter) collect(n query.Node) {
	switch n.Op {
	case query.OpAnd, query.OpOr:
		for _, c := range n.Children {
			if c.Op != query.OpNot {
				h.collect(c)
			}
		}
	case query.OpTerm, query.OpPhrase, query.OpPrefix:
		if n.Field != "" {
			return // title:, added:, removed: do not match the text
		}
		values := []string{n.Value}
		if n.Op != query.OpPrefix {
			if eqs := h.ix.equivalents(n.Value); len(eqs) > 1 {
				values = eqs
			}
		}
		for _, v := range values {
			h.add(n.Op, v)
		}
	}
}

// add mirrors textQuery: Chinese goes to the zh field only (a single
// character as itself, anything longer as the phrase of its bigrams);
// other words to both.
func (h *highlighter) add(op query.Op, v string) {
	if hasHan(v) {
		if c := strings.TrimSpace(v); utf8.RuneCountInString(c) == 1 {
			h.zh = append(h.zh, leaf{hanChar: query.FoldHan(c)})
			return
		}
		h.addPhrase(&h.zh, zhAnalyzer, v)
		return
	}
	if op == query.OpPrefix {
		p := strings.ToLower(v)
		prefixes := []string{p}
		if toks := h.ix.analyze(enAnalyzer, p); len(toks) == 1 && toks[0] != p && toks[0] != "" {
			prefixes = append(prefixes, toks[0])
		}
		h.en = append(h.en, leaf{prefixes: prefixes})
		h.zh = append(h.zh, leaf{prefixes: []string{p}})
		return
	}
	h.addPhrase(&h.en, enAnalyzer, v)
	h.addPhrase(&h.zh, zhAnalyzer, v)
}

func (h *highlighter) addPhrase(to *[]leaf, analyzer, v string) {
	if slots := phraseSlots(h.ix.mapping.AnalyzerNamed(analyzer).Analyze([]byte(v))); len(slots) > 0 {
		*to = append(*to, leaf{slots: slots})
	}
}

// spans returns the byte ranges of text that the query matched, for a
// document in language lang (indexDoc decides the fields the same way).
func (h *highlighter) spans(text, lang string) []span {
	if h == nil || text == "" {
		return nil
	}
	var out []span
	zhLang := strings.HasPrefix(strings.ToLower(lang), "zh")
	zh := h.zh
	if !zhLang && len(h.en) > 0 {
		out = h.find(out, text, strings.ToLower(text), en.AnalyzerName, h.en)
		// Other text with some Chinese in it is in the zh fields too, but
		// words without Chinese that match there match in the en analysis
		// as well (the same tokens, stemmed and without stop words), so
		// only the Chinese leaves are looked for again: analyzing the
		// text a second time was a quarter of what the shown hits cost.
		zh = h.zhHan
	}
	if (zhLang || hasHan(text)) && len(zh) > 0 {
		out = h.find(out, text, strings.ToLower(query.FoldHan(text)), zhTextAnalyzer, zh)
	}
	return out
}

// Analyzing a whole text to highlight it was a fifth of a search's time.
// A match can only be where the text contains the start of its first term
// (a probe), so only windows around probes are analyzed, in text order,
// until two of them held a match: the snippet shows one window of the
// text, and its first matching passages are what a reader looks for.
const (
	windowBefore   = 120  // bytes of context analyzed before a probe
	windowAfter    = 480  // and after it: room for a long phrase
	maxWindow      = 1600 // bytes a window grows to by merging with the next
	enoughWindows  = 2    // windows with a match to stop at
	maxProbeWindow = 64   // windows looked at, with or without a match
)

// find adds the matches of leaves in text, analyzed with analyzer, to
// out. folded is text lower-cased (and, for Chinese, folded to
// Simplified) for finding probes; when folding changed the byte length,
// the whole text is analyzed.
func (h *highlighter) find(out []span, text, folded, analyzer string, leaves []leaf) []span {
	a := h.ix.mapping.AnalyzerNamed(analyzer)
	if len(folded) != len(text) {
		return appendMatches(out, a.Analyze([]byte(text)), leaves)
	}
	var windows []span
	for _, p := range probes(leaves) {
		for from := 0; from < len(folded); {
			i := strings.Index(folded[from:], p)
			if i < 0 {
				break
			}
			o := from + i
			windows = append(windows, span{o - windowBefore, o + len(p) + windowAfter})
			from = o + len(p)
		}
	}
	if len(windows) == 0 {
		return out
	}
	slices.SortFunc(windows, func(a, b span) int { return a.start - b.start })
	merged := windows[:1]
	for _, w := range windows[1:] {
		if last := &merged[len(merged)-1]; w.start <= last.end && w.end-last.start <= maxWindow {
			last.end = max(last.end, w.end)
		} else if w.start < last.end {
			// Overlapping but too long to merge: go on where the last ends.
			merged = append(merged, span{last.end, w.end})
		} else {
			merged = append(merged, w)
		}
	}
	found := 0
	for i, w := range merged {
		if found >= enoughWindows || i >= maxProbeWindow {
			break
		}
		start, end := wordStart(text, min(max(w.start, 0), len(text))), wordEnd(text, min(w.end, len(text)))
		if start >= end {
			continue
		}
		toks := a.Analyze([]byte(text[start:end]))
		for _, t := range toks {
			t.Start += start
			t.End += start
		}
		before := len(out)
		out = appendMatches(out, toks, leaves)
		if len(out) > before {
			found++
		}
	}
	return out
}

// probes are strings that every text a leaf matches contains, lower-cased
// and folded: a Chinese character or term as it is; for an English
// term, its stem less the last two letters, since the Porter stemmer
// rewrites at most that much of a word's own letters (policy → polici,
// sensibility → sensible → sens).
func probes(leaves []leaf) []string {
	var out []string
	add := func(p string) {
		if p != "" && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	for _, l := range leaves {
		switch {
		case l.hanChar != "":
			add(l.hanChar)
		case len(l.prefixes) > 0:
			for _, p := range l.prefixes {
				add(stemProbe(p))
			}
		case len(l.slots) > 0:
			for _, t := range l.slots[0] {
				if hasHan(t) {
					add(t)
				} else {
					add(stemProbe(t))
				}
			}
		}
	}
	return out
}

func stemProbe(t string) string {
	r := []rune(t)
	if len(r) > 3 {
		r = r[:len(r)-2]
	} else if len(r) > 1 {
		r = r[:1]
	}
	return string(r)
}

// wordStart moves i back to the start of the word it is in (or to a
// character boundary, for text without spaces).
func wordStart(text string, i int) int {
	if sp := strings.LastIndexAny(text[:i], " \n\t"); sp >= 0 && i-sp < 64 {
		return sp + 1
	}
	for i > 0 && i < len(text) && !utf8.RuneStart(text[i]) {
		i--
	}
	return i
}

// wordEnd moves i forward to the end of the word it is in.
func wordEnd(text string, i int) int {
	if sp := strings.IndexAny(text[i:], " \n\t"); sp >= 0 && sp < 64 {
		return i + sp
	}
	for i < len(text) && !utf8.RuneStart(text[i]) {
		i++
	}
	return i
}

// appendMatches adds the spans of every token that a leaf matches in
// toks; a phrase marks each of its tokens, as the index's term locations
// did.
func appendMatches(out []span, toks analysis.TokenStream, leaves []leaf) []span {
	if len(toks) == 0 {
		return out
	}
	// Token index by position (analyzers give one token per position, in order).
	at := make(map[int]int, len(toks))
	for i, t := range toks {
		at[t.Position] = i
	}
	for _, l := range leaves {
		switch {
		case l.hanChar != "":
			for _, t := range toks {
				term := string(t.Term)
				if strings.HasPrefix(term, l.hanChar) || strings.HasSuffix(term, l.hanChar) {
					out = append(out, span{t.Start, t.End})
				}
			}
		case len(l.prefixes) > 0:
			for _, t := range toks {
				term := string(t.Term)
				if slices.ContainsFunc(l.prefixes, func(p string) bool { return strings.HasPrefix(term, p) }) {
					out = append(out, span{t.Start, t.End})
				}
			}
		default:
			out = appendPhraseMatches(out, toks, at, l.slots)
		}
	}
	return out
}

func appendPhraseMatches(out []span, toks analysis.TokenStream, at map[int]int, slots [][]string) []span {
next:
	for _, t := range toks {
		if !slices.Contains(slots[0], string(t.Term)) {
			continue
		}
		matched := len(out)
		out = append(out, span{t.Start, t.End})
		for j := 1; j < len(slots); j++ {
			if len(slots[j]) == 0 {
				continue // a stop word: anything at that position
			}
			i, ok := at[t.Position+j]
			if !ok || !slices.Contains(slots[j], string(toks[i].Term)) {
				out = out[:matched]
				continue next
			}
			out = append(out, span{toks[i].Start, toks[i].End})
		}
	}
	return out
}

// phraseSlots turns an analyzed phrase into its terms by relative
// position, as Bleve's match-phrase query does: a position without a
// token (a stop word the analyzer removed) is an empty slot.
func phraseSlots(toks analysis.TokenStream) [][]string {
	if len(toks) == 0 {
		return nil
	}
	first, last := toks[0].Position, toks[0].Position
	for _, t := range toks {
		first, last = min(first, t.Position), max(last, t.Position)
	}
	slots := make([][]string, last-first+1)
	for _, t := range toks {
		slots[t.Position-first] = append(slots[t.Position-first], string(t.Term))
	}
	return slots
}
