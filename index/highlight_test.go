package index

import (
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis/lang/en"

	"policywatch/internal/corpus"
	"policywatch/query"
)

// The highlighter analyzes only windows around probes, so a word the
// index matched must contain its stem's probe, or its highlight is lost.
func TestEveryEnglishWordContainsItsStemProbe(t *testing.T) {
	ix, _ := openTest(t, nil)
	a := ix.mapping.AnalyzerNamed(en.AnalyzerName)
	words := strings.Fields(`policy policies happy happily sensibility sensible relational conditional agreed
		flies fly countries hoping generalization oscillators hopefulness formality sensitivity digitizer
		electrical rational operator feudalism decisiveness callousness formalize possibly allied Kong's
		controlled failing filing hopping tanned falling hissing fizzed sized bled sing ties dies lies
		reference dependence relevance ability probate rate cease controll roll conformabli radicalli
		differentli vileli analogousli vietnamization predication effective bowdlerize traditional valency
		hesitancy digitizer conformably radically differently vilely analogously`)
	g, err := corpus.New(5)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 200 {
		words = append(words, strings.Fields(g.Doc(i).Text)...)
	}
	for _, w := range words {
		for _, tok := range a.Analyze([]byte(w)) {
			if p := stemProbe(string(tok.Term)); !strings.Contains(strings.ToLower(w), p) {
				t.Errorf("%q stems to %q, whose probe %q it does not contain", w, tok.Term, p)
			}
		}
	}
}

// Highlighting windows must find what analyzing the whole text finds.
func TestHighlightWindowsFindWhatTheWholeTextHas(t *testing.T) {
	ix, _ := openTest(t, nil)
	g, err := corpus.New(7)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"sanctions", `"national security law"`, "sanct*", "國家安全", "港", "extradition OR visa",
		`"pathway to citizenship"`, "香港 AND 制裁"} {
		n, err := query.Parse(q)
		if err != nil {
			t.Fatal(err)
		}
		h := ix.newHighlighter(n)
		for i := range 60 {
			d := g.Doc(i)
			got := cleanSpans(d.Text, h.spans(d.Text, d.Lang))
			var whole []span
			if !strings.HasPrefix(d.Lang, "zh") {
				whole = appendMatches(whole, ix.mapping.AnalyzerNamed(en.AnalyzerName).Analyze([]byte(d.Text)), h.en)
			}
			if strings.HasPrefix(d.Lang, "zh") || hasHan(d.Text) {
				whole = appendMatches(whole, ix.mapping.AnalyzerNamed(zhTextAnalyzer).Analyze([]byte(d.Text)), h.zh)
			}
			want := cleanSpans(d.Text, whole)
			// Windows are capped: what they find must be a prefix of the
			// whole text's matches, and at least the first one.
			if len(want) > 0 && len(got) == 0 {
				t.Errorf("%s, document %d: nothing highlighted, the whole text has %d matches", q, i, len(want))
				continue
			}
			for k := range got {
				if k >= len(want) || got[k] != want[k] {
					t.Errorf("%s, document %d: match %d is %v, the whole text's is %v", q, i, k, got[k], want[min(k, len(want)-1)])
					break
				}
			}
		}
	}
}

// Whatever the text and the query, highlighting stays within the text.
func FuzzHighlight(f *testing.F) {
	f.Add("sanctions", "Visa sanctions, more sanctions; sanctions again.", "en")
	f.Add(`"national security law"`, strings.Repeat("the national security law ", 200)+"national", "en")
	f.Add("國家安全", "香港國家安全法實施，國家安全與法治。", "zh-Hant")
	f.Add("港", "港", "zh")
	f.Add("香港 國家安全", strings.Repeat("香港特別行政區政府今日刊憲公布國家安全法", 40), "zh-Hant")
	f.Add("sanct*", strings.Repeat("x ", 700)+"sanctioned", "en")
	ix, _ := openTest(f, nil)
	f.Fuzz(func(t *testing.T, q, text, lang string) {
		n, err := query.Parse(q)
		if err != nil {
			return
		}
		for _, s := range ix.newHighlighter(n).spans(text, lang) {
			if s.start < 0 || s.end > len(text) || s.start > s.end {
				t.Fatalf("span %v outside the text of %d bytes", s, len(text))
			}
		}
		_ = snippet(text, nil)
	})
}

func TestWordBoundsStayInTheText(t *testing.T) {
	for _, text := range []string{"", "港", "香港國家安全法實施", "a b", strings.Repeat("香港", 100)} {
		for i := 0; i <= len(text); i++ {
			if s := wordStart(text, i); s < 0 || s > i {
				t.Errorf("wordStart(%q, %d) = %d", text, i, s)
			}
			if e := wordEnd(text, i); e < i || e > len(text) {
				t.Errorf("wordEnd(%q, %d) = %d", text, i, e)
			}
		}
	}
}

// English text with Chinese in it is searched in both analyses; the
// Chinese spellings of a query are marked in it, and its English words
// once.
func TestHighlightMarksChineseInEnglishText(t *testing.T) {
	ix, _ := openTest(t, nil)
	ix.SetGlossary([][]string{{"制裁", "sanctions"}})
	n, err := query.Parse("sanctions")
	if err != nil {
		t.Fatal(err)
	}
	text := "Beijing announced sanctions (制裁) on Tuesday; the sanctions name eleven people."
	var marked []string
	for _, s := range cleanSpans(text, ix.newHighlighter(n).spans(text, "en")) {
		marked = append(marked, text[s.start:s.end])
	}
	if want := []string{"sanctions", "制裁", "sanctions"}; !slices.Equal(marked, want) {
		t.Errorf("marked %q, want %q", marked, want)
	}
}
