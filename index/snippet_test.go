package index

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSnippet(t *testing.T) {
	long := strings.Repeat("Lorem ipsum dolor sit amet. ", 40) // 1120 bytes
	zh := strings.Repeat("香港特別行政區政府今日公布。", 40)
	at := func(text, term string, nth int) span {
		i := -1
		for range nth + 1 {
			j := strings.Index(text[i+1:], term)
			if j < 0 {
				t.Fatalf("%q not in text", term)
			}
			i += j + 1
		}
		return span{i, i + len(term)}
	}
	tests := []struct {
		name, text string
		spans      []span
		want       []string // substrings the snippet must contain
		not        []string
	}{
		{"no spans: the start", long, nil, []string{"Lorem ipsum dolor", "…"}, []string{"<mark>"}},
		{"short text whole", "a <b>bold</b> claim", []span{{3, 4}}, []string{"a &lt;<mark>b</mark>&gt;bold&lt;/b&gt; claim"}, []string{"…"}},
		{"window moves to the match", long + "visa restrictions" + long, nil, []string{"Lorem"}, nil},
		{"late match shown with context", long + "the visa restrictions end" + long,
			[]span{at(long+"the visa restrictions end"+long, "visa", 0)},
			[]string{"…", "the <mark>visa</mark> restrictions end"}, []string{"Lorem ipsum dolor sit amet. Lorem ipsum dolor sit amet. Lorem ipsum dolor sit amet. the"}},
		{"densest cluster wins", "visa " + long + "visa x visa y visa" + long,
			[]span{{0, 4}, at("visa "+long+"visa x visa y visa"+long, "visa", 1), at("visa "+long+"visa x visa y visa"+long, "visa", 2), at("visa "+long+"visa x visa y visa"+long, "visa", 3)},
			[]string{"<mark>visa</mark> x <mark>visa</mark> y <mark>visa</mark>"}, nil},
		{"overlapping bigrams merge", zh, []span{at(zh, "特別", 20), at(zh, "別行", 20), at(zh, "行政", 20)},
			[]string{"<mark>特別行政</mark>", "…"}, []string{"</mark><mark>"}},
		{"bad spans ignored", "abc", []span{{-1, 2}, {2, 99}, {2, 1}}, []string{"abc"}, []string{"<mark>"}},
		{"span inside a rune ignored", "香港", []span{{1, 3}}, []string{"香港"}, []string{"<mark>"}},
		{"newlines become spaces", "one\ntwo", nil, []string{"one two"}, nil},
	}
	for _, tt := range tests {
		got := string(snippet(tt.text, tt.spans))
		if !utf8.ValidString(got) {
			t.Errorf("%s: invalid UTF-8 %q", tt.name, got)
		}
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: %q lacks %q", tt.name, got, w)
			}
		}
		for _, w := range tt.not {
			if strings.Contains(got, w) {
				t.Errorf("%s: %q contains %q", tt.name, got, w)
			}
		}
		if n := utf8.RuneCountInString(strings.NewReplacer("<mark>", "", "</mark>", "").Replace(got)); n > snippetRunes+60 {
			t.Errorf("%s: %d characters", tt.name, n)
		}
	}
}
