package query

import (
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/longbridgeapp/opencc"
)

// hanFold maps Traditional Chinese characters to their Simplified form
// (OpenCC's t2s character table), so 國家安全 and 国家安全 are the same
// words to Match and to the index. It is built once, on first use, and
// never changed afterwards.
var hanFold = sync.OnceValue(func() map[rune]rune {
	cc, err := opencc.New("t2s")
	if err != nil {
		// Without the table queries still work, only without folding;
		// TestFoldHan fails loudly if this ever happens.
		return nil
	}
	m := make(map[rune]rune, 4096)
	for _, block := range [][2]rune{{0x3400, 0x4DBF}, {0x4E00, 0x9FFF}, {0xF900, 0xFAFF}} {
		for r := block[0]; r <= block[1]; r++ {
			out, err := cc.Convert(string(r))
			if err != nil {
				continue
			}
			s, size := utf8.DecodeRuneInString(out)
			// One character to one character of the same UTF-8 length only:
			// FoldHan must keep byte offsets so highlights stay aligned.
			if size == len(out) && s != r && utf8.RuneLen(s) == utf8.RuneLen(r) {
				m[r] = s
			}
		}
	}
	return m
})

// FoldHan returns s with Traditional Chinese characters replaced by their
// Simplified forms, character by character. The result has exactly the
// same length in bytes and every other character unchanged, so offsets
// found in the folded text are valid in s.
func FoldHan(s string) string {
	m := hanFold()
	if len(m) == 0 {
		return s
	}
	changed := false
	for _, r := range s {
		if _, ok := m[r]; ok {
			changed = true
			break
		}
	}
	if !changed {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if f, ok := m[r]; ok {
			r = f
		}
		b.WriteRune(r)
	}
	return b.String()
}
