package corpus

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"policywatch/model"
)

func newGen(t *testing.T, seed uint64) *Generator {
	t.Helper()
	g, err := New(seed)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestDocIsDeterministic(t *testing.T) {
	a, b := newGen(t, 7), newGen(t, 7)
	for _, i := range []int{0, 1, 999, 123456} {
		if !reflect.DeepEqual(a.Doc(i), b.Doc(i)) {
			t.Errorf("document %d differs between two generators with the same seed", i)
		}
	}
	if reflect.DeepEqual(a.Doc(3).Text, newGen(t, 8).Doc(3).Text) {
		t.Error("seeds 7 and 8 gave the same text")
	}
}

func TestCorpusLooksLikeTheArchive(t *testing.T) {
	g := newGen(t, 1)
	const n = 2000
	langs := map[string]int{}
	kinds := map[model.DocKind]int{}
	years := map[int]int{}
	for i := range n {
		d := g.Doc(i)
		if d.ID != int64(i+1) || d.URL == "" || d.Title == "" || d.Source == "" {
			t.Fatalf("document %d lacks an ID, URL, title or source: %+v", i, d)
		}
		langs[d.Lang]++
		kinds[d.Kind]++
		years[d.Published.Year()]++
		if len(d.Categories()) == 0 || len(d.Actors()) == 0 {
			t.Errorf("document %d has no category or actor tags", i)
		}
		if strings.HasPrefix(d.Lang, "zh") {
			if c := utf8.RuneCountInString(d.Text); c < 600 {
				t.Errorf("Chinese document %d has %d characters, want at least 600", i, c)
			}
		} else if w := len(strings.Fields(d.Text)); w < 300 || w > 950 {
			t.Errorf("English document %d has %d words, want 300–900", i, w)
		}
	}
	for _, l := range []string{"en", "zh-Hans", "zh-Hant"} {
		if langs[l] == 0 {
			t.Errorf("no %s documents among %d", l, n)
		}
	}
	if kinds[model.KindOfficial] == 0 || kinds[model.KindNews] == 0 {
		t.Errorf("kinds = %v, want both official and news", kinds)
	}
	for y := 2019; y <= 2025; y++ {
		if years[y] == 0 {
			t.Errorf("no document published in %d", y)
		}
	}
	if len(years) != 7 {
		t.Errorf("years = %v, want only 2019–2025", years)
	}
}

func TestTraditionalDocumentsUseTraditionalCharacters(t *testing.T) {
	g := newGen(t, 1)
	var hant, hans string
	for i := 0; hant == "" || hans == ""; i++ {
		d := g.Doc(i)
		switch d.Lang {
		case "zh-Hant":
			hant += d.Text
		case "zh-Hans":
			hans += d.Text
		}
	}
	// 國 and 国 are the Traditional and Simplified forms of "country".
	if !strings.Contains(hant, "國") || strings.Contains(hant, "国") {
		t.Error("a zh-Hant document does not use 國 only")
	}
	if !strings.Contains(hans, "国") || strings.Contains(hans, "國") {
		t.Error("a zh-Hans document does not use 国 only")
	}
}
