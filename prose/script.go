package prose

import (
	"strings"
	"unicode"
)

// IsCJK reports whether r is written without spaces between words:
// Chinese characters, Japanese kana and Korean Hangul.
func IsCJK(r rune) bool {
	return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) ||
		unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r)
}

// IsHan reports whether r is a Chinese character (also used in Japanese).
func IsHan(r rune) bool { return unicode.Is(unicode.Han, r) }

// CountCJK counts the characters of s that IsCJK.
func CountCJK(s string) int {
	n := 0
	for _, r := range s {
		if IsCJK(r) {
			n++
		}
	}
	return n
}

// WordCount counts the words of s as a reader would: each space-separated
// token holding a letter or digit is a word, and a run of Chinese or
// Japanese characters, which has no spaces, counts one word for every two
// characters (about the length of a word in those languages).
func WordCount(s string) int {
	words, cjk := counts(s)
	return words + (cjk+1)/2
}

// counts returns the space-separated words of s that hold a letter or
// digit outside CJK, and its CJK characters.
func counts(s string) (words, cjk int) {
	for _, tok := range strings.Fields(s) {
		latin := false
		for _, r := range tok {
			switch {
			case IsCJK(r):
				cjk++
			case unicode.IsLetter(r) || unicode.IsDigit(r):
				latin = true
			}
		}
		if latin {
			words++
		}
	}
	return words, cjk
}

// Script names what a text is mostly written in for comparing words:
// "han" when Chinese characters outnumber other letters, else "latin".
// Versions of one release in two languages share no words.
func Script(s string) string {
	han, latin := 0, 0
	for _, r := range s {
		switch {
		case IsHan(r):
			han++
		case unicode.IsLetter(r):
			latin++
		}
	}
	if han > latin {
		return "han"
	}
	return "latin"
}
