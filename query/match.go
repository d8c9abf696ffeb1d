package query

import (
	"strings"
	"time"
	"unicode"
)

// Fields are a document's values for Match: "title", "text", "source",
// "kind", "lang", "category" (or "categories") and "actor" (or "actors")
// as comma-separated lists, and "published" as RFC 3339 or YYYY-MM-DD.
type Fields map[string]string

// Match reports whether a document with fields f satisfies n.
//
// Words, phrases and prefixes are matched case-insensitively over the title
// and the text: Latin words on word boundaries, Chinese and Japanese text
// character by character (so a CJK word matches as a substring), with
// Traditional characters folded to Simplified. Keyword filters compare
// whole values case-insensitively (lang:zh also matches zh-Hant). A date
// filter never matches a document without a readable published date.
func Match(n Node, f Fields) bool {
	d := &matchDoc{f: f, title: tokenize(f["title"])}
	d.all = append(append(append([]string(nil), d.title...), ""), tokenize(f["text"])...)
	return d.eval(n)
}

type matchDoc struct {
	f     Fields
	title []string // title tokens
	all   []string // title tokens, "" (so no phrase spans both), text tokens
}

func (d *matchDoc) eval(n Node) bool {
	switch n.Op {
	case OpAll:
		return true
	case OpAnd:
		for _, c := range n.Children {
			if !d.eval(c) {
				return false
			}
		}
		return true
	case OpOr:
		for _, c := range n.Children {
			if d.eval(c) {
				return true
			}
		}
		return false
	case OpNot:
		return len(n.Children) == 1 && !d.eval(n.Children[0])
	case OpTerm, OpPhrase, OpPrefix:
		toks := d.all
		switch n.Field {
		case FieldTitle:
			toks = d.title
		case FieldAdded, FieldRemoved:
			toks = tokenize(d.f[n.Field])
		}
		return containsSeq(toks, tokenize(n.Value), n.Op == OpPrefix)
	case OpField:
		return d.keyword(n)
	case OpDate:
		t, ok := parsePublished(d.f[FieldPublished])
		if !ok {
			return false
		}
		// Days are the publisher's, as the index and the pages read them:
		// 00:30 on 1 July in Hong Kong is 1 July, not 30 June in UTC.
		t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
		return (n.From.IsZero() || !t.Before(n.From)) && (n.To.IsZero() || t.Before(n.To))
	}
	return false
}

var fieldAliases = map[string]string{FieldCategory: "categories", FieldActor: "actors"}

func (d *matchDoc) keyword(n Node) bool {
	v, ok := d.f[n.Field]
	if !ok {
		v = d.f[fieldAliases[n.Field]]
	}
	want := strings.ToLower(n.Value)
	for _, item := range strings.Split(v, ",") {
		item = strings.ToLower(strings.TrimSpace(item))
		switch {
		case item == "":
		case n.Prefix && strings.HasPrefix(item, want):
			return true
		case item == want:
			return true
		case n.Field == FieldLang && strings.HasPrefix(item, want+"-"):
			return true
		}
	}
	return false
}

func parsePublished(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// containsSeq reports whether want occurs as consecutive tokens in toks;
// with prefix, the last token need only start with want's last. An empty
// want (a query word of punctuation only) matches everything.
func containsSeq(toks, want []string, prefix bool) bool {
	if len(want) == 0 {
		return true
	}
	last := len(want) - 1
outer:
	for i := 0; i+len(want) <= len(toks); i++ {
		for j, w := range want {
			t := toks[i+j]
			if j == last && prefix {
				if !strings.HasPrefix(t, w) || t == "" {
					continue outer
				}
			} else if t != w {
				continue outer
			}
		}
		return true
	}
	return false
}

// isIdeographic reports whether r is written without spaces between words
// (Han, Hiragana, Katakana): such text is matched character by character.
func isIdeographic(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana)
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// tokenize lower-cases s and splits it into words; each ideographic
// character is a token of its own, folded to Simplified Chinese.
// Full-width Latin letters and digits count as their ASCII forms.
func tokenize(s string) []string {
	s = FoldHan(s)
	var toks []string
	var word strings.Builder
	flush := func() {
		if word.Len() > 0 {
			toks = append(toks, word.String())
			word.Reset()
		}
	}
	for _, r := range s {
		if r >= 0xFF01 && r <= 0xFF5E { // full-width ASCII
			r -= 0xFEE0
		}
		switch {
		case isIdeographic(r):
			flush()
			toks = append(toks, string(r))
		case isWordRune(r):
			word.WriteRune(unicode.ToLower(r))
		default:
			flush()
		}
	}
	flush()
	return toks
}
