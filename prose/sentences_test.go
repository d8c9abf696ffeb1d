package prose

import (
	"reflect"
	"testing"
)

func texts(text string, ss []Sentence) []string {
	var out []string
	for _, s := range ss {
		out = append(out, text[s.Start:s.End])
	}
	return out
}

func TestSentences(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
	}{
		{"abbreviations and initials go on",
			"The U.S. Senate passed it on Dec. 7. Mr. Raab said J. Smith agreed.",
			[]string{"The U.S. Senate passed it on Dec. 7.", "Mr. Raab said J. Smith agreed."}},
		{"a closing quote belongs to its sentence",
			"“We are deeply concerned.” Wong said so. He added: \"Enough!\" Then left.",
			[]string{"“We are deeply concerned.”", "Wong said so.", "He added: \"Enough!\"", "Then left."}},
		{"numbers and compounds do not end a sentence",
			"Exports rose 5.7% in the U.S.-led bloc. Fine.",
			[]string{"Exports rose 5.7% in the U.S.-led bloc.", "Fine."}},
		{"Chinese punctuation ends a sentence, with its quote",
			"趙立堅表示:「中方決定實施簽證限制。」中方堅決反對；敦促美方停止干涉!",
			[]string{"趙立堅表示:「中方決定實施簽證限制。」", "中方堅決反對；", "敦促美方停止干涉!"}},
		{"paragraphs end sentences",
			"BERLIN —\nGermany suspended the treaty\n\n  It said so.",
			[]string{"BERLIN —", "Germany suspended the treaty", "It said so."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := texts(tt.text, Sentences(tt.text)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Sentences = %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestSentencesLead(t *testing.T) {
	text := "World News\nBy Jane Doe, Reuters\n" +
		"HONG KONG (Reuters) - Hong Kong said on Tuesday it is suspending extradition agreements with two countries. It said so.\n" +
		"A later paragraph with enough words to be an opening on its own, but it comes later."
	ss := Sentences(text)
	var lead []string
	for _, s := range ss {
		if s.Lead {
			lead = append(lead, text[s.Start:s.End])
		}
	}
	want := []string{"HONG KONG (Reuters) - Hong Kong said on Tuesday it is suspending extradition agreements with two countries.", "It said so."}
	if !reflect.DeepEqual(lead, want) {
		t.Errorf("lead = %q, want %q", lead, want)
	}
	zh := "新聞來源\n" + "國安處今日宣布新一批通緝名單,除早前的八人外,再通緝五名潛逃海外人士,每人懸紅一百萬港元,並凍結其資產,他們涉嫌煽動分裂國家罪。"
	for _, s := range Sentences(zh) {
		if s.Lead != (s.Para == 1) {
			t.Errorf("Chinese sentence %q lead %v", zh[s.Start:s.End], s.Lead)
		}
	}
}

func TestSentenceAt(t *testing.T) {
	text := "One two.  Three four.\nFive."
	ss := Sentences(text)
	for _, tt := range []struct{ off, want int }{{0, 0}, {7, 0}, {8, 1}, {10, 1}, {22, 2}, {len(text), -1}} {
		if got := SentenceAt(ss, tt.off); got != tt.want {
			t.Errorf("SentenceAt(%d) = %d, want %d", tt.off, got, tt.want)
		}
	}
}

func TestWordCount(t *testing.T) {
	for _, tt := range []struct {
		s    string
		want int
	}{
		{"Share this — on X", 4},
		{"U.S.-Hong Kong Policy Act", 4},
		{"國安處通緝5名潛逃海外人士", 7},
		{"香港特區 National Security Law", 5},
		{"", 0},
	} {
		if got := WordCount(tt.s); got != tt.want {
			t.Errorf("WordCount(%q) = %d, want %d", tt.s, got, tt.want)
		}
	}
}

func TestScriptAndCJK(t *testing.T) {
	if Script("中方決定制裁 US") != "han" || Script("China decides 制裁") != "latin" {
		t.Error("Script misreads mixed text")
	}
	if !IsCJK('は') || !IsCJK('한') || IsCJK('a') || !IsHan('港') || IsHan('は') {
		t.Error("IsCJK/IsHan misclassify")
	}
	if CountCJK("HK 國安 law") != 2 {
		t.Error("CountCJK")
	}
}

func TestMonth(t *testing.T) {
	for name, want := range map[string]int{"July": 7, "Sept.": 9, "sept": 9, "März": 3, "juillet": 7, "dic": 12} {
		if m, ok := Month(name); !ok || int(m) != want {
			t.Errorf("Month(%q) = %v %v, want %d", name, m, ok, want)
		}
	}
	if _, ok := Month("Julyish"); ok {
		t.Error("Month accepted a non-month")
	}
}
