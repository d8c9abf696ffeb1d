package timeline

import (
	"testing"

	"policywatch/model"
)

func TestCommentaryTitles(t *testing.T) {
	tests := []struct {
		title string
		want  bool
	}{
		{"Analysis: How sanctions are reshaping Hong Kong's banks", true},
		{"ANALYSIS-Hong Kong's exporters brace for new licence rules", true},
		{"Opinion | The extradition treaty was worth keeping", true},
		{"Explainer: What the end of special status means for Hong Kong", true},
		{"Timeline: Hong Kong's year under the security law", true},
		{"Why Britain opened a door to Hong Kong's BN(O) holders", true},
		{"【評論】制裁之後的香港", true},
		{"社評：反制裁法的意義", true},
		{"U.S. ends exports of defence equipment to Hong Kong", false},
		{"Opinion polls show support for protest law falling", false},
		{"Howard meets Hong Kong officials on visas", false},
		{"分析師稱美國制裁將打擊香港銀行", false},
		{"美國宣布制裁香港官員", false},
	}
	for _, tt := range tests {
		if got := commentary(tt.title); got != tt.want {
			t.Errorf("commentary(%q) = %v, want %v", tt.title, got, tt.want)
		}
	}
}

// An analysis piece recounts measures reported when they were taken: its
// title and opening name them, but it makes no event of its publication
// day. The same sentences under a report's headline do.
func TestCommentaryFoundsNoEvent(t *testing.T) {
	text := "WASHINGTON — The Commerce Department ended licence exceptions for exports of sensitive technology to Hong Kong, and the State Department halted exports of defence equipment."
	for _, tt := range []struct {
		title string
		want  int
	}{
		{"U.S. halts defence exports to Hong Kong", 1},
		{"Analysis: How U.S. export curbs are reshaping Hong Kong's trade", 0},
	} {
		d := doc(1, model.KindNews, "2020-08-20T10:00:00+08:00", tt.title, text, "export-control", "exports", "us")
		if evs := Cluster([]model.Document{d}, Options{Now: fixedNow}); len(evs) != tt.want {
			t.Errorf("%q: events %v, want %d", tt.title, keys(evs), tt.want)
		}
	}
}
