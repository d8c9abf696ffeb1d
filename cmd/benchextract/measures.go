package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"unicode"
)

// Measures score.py does not compute, read from the same per-page files:
//
//   - lead kept: the share of extraction pages whose whole reference lead
//     paragraph (the first line of the reference body that is a sentence
//     or eight words long) appears, word for word and in order, in the
//     extracted text. It is the snippet-style
//     recall that matters most to a reader: a lost first paragraph costs
//     little F1 on a long page but loses what the article is about.
//   - title and byline "by our conventions": the same-words comparison
//     of score.py, except that it ignores exactly the differences our
//     conventions make on purpose. For titles: a site or section name
//     joined to either headline by a separator (" - BBC News",
//     "_科技_腾讯网"), at most two such segments of at most five words.
//     For bylines: a leading "By" (or "Par", "Von"...) and dates or
//     times after the name. Both systems are compared the same way.

// words splits text as score.py does: runs of Unicode letters, digits
// and "_" (Python's \w).
func words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsNumber(r) || r == '_')
	})
}

func lowerWords(s string) []string {
	w := words(s)
	for i := range w {
		w[i] = strings.ToLower(w[i])
	}
	return w
}

func equalWords(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// containsRun reports whether small occurs as a contiguous run in big.
func containsRun(big, small []string) bool {
	if len(small) == 0 || len(small) > len(big) {
		return false
	}
	for i := 0; i+len(small) <= len(big); i++ {
		if equalWords(big[i:i+len(small)], small) {
			return true
		}
	}
	return false
}

// leadParagraph is the first line of a reference body that reads as a
// paragraph: eight words or more, or a sentence (it ends with . ! ? or
// their CJK forms, perhaps before a closing quote). Shorter lines at the
// top of some references are labels, bylines or video captions
// ("Staff Reports"), not the lead.
func leadParagraph(body string) string {
	for _, l := range strings.Split(body, "\n") {
		if n := len(words(l)); n >= 8 || n > 0 && sentenceEnd.MatchString(l) {
			return l
		}
	}
	return ""
}

var sentenceEnd = regexp.MustCompile(`[.!?。！？][\s"'”’»」)]*$`)

// leadKept reports whether the whole lead paragraph is in text.
func leadKept(lead, text string) bool {
	return containsRun(words(text), words(lead))
}

// titleSegment separates a headline from a site or section name.
var titleSegment = regexp.MustCompile(`\s+[|\-–—·•»~/:]\s+|\s*::\s*|_`)

// titleByConvention reports whether got is the reference title, ignoring
// up to two site or section names joined to either of them by separators.
func titleByConvention(got, want string) bool {
	return len(words(got)) > 0 && (titleWithin(got, want) || titleWithin(want, got))
}

// titleWithin reports whether want, less up to two short leading or
// trailing segments, has the words of got.
func titleWithin(got, want string) bool {
	g := lowerWords(got)
	if len(g) == 0 {
		return false
	}
	if equalWords(g, lowerWords(want)) {
		return true
	}
	segs := titleSegment.Split(want, -1)
	short := func(s string) bool { return len(words(s)) <= 5 }
	for i := 0; i < len(segs) && i <= 2; i++ {
		if i > 0 && !short(segs[i-1]) {
			break
		}
		for j := len(segs); j > i && i+len(segs)-j <= 2; j-- {
			if j < len(segs) && !short(segs[j]) {
				break
			}
			if equalWords(g, lowerWords(strings.Join(segs[i:j], " "))) {
				return true
			}
		}
	}
	return false
}

var (
	bylineBy = regexp.MustCompile(`(?i)^\s*(?:(?:written|posted|reported)\s+)?(?:by|par|von|por|door|di|av)\b\s*:?\s*`)
	// bylineDated is where a date or time starts after a name: a digit,
	// or a month name followed by a day.
	bylineDated = regexp.MustCompile(`(?i)\d|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d`)
)

// bylineCore is a byline without a leading "By" and without the dates
// and times written after the name.
func bylineCore(s string) []string {
	s = bylineBy.ReplaceAllString(normSpace(s), "")
	if loc := bylineDated.FindStringIndex(s); loc != nil {
		s = s[:loc[0]]
	}
	return lowerWords(s)
}

// bylineByConvention reports whether got names the reference's authors,
// ignoring "By" and dates.
func bylineByConvention(got, want string) bool {
	return equalWords(bylineCore(got), bylineCore(want))
}

func normSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

// ownMeasures computes the measures above for one extractor's folder over
// the pages of half h.
func ownMeasures(benchDir, predDir, h string, truth map[string]truthEntry) (map[string]float64, error) {
	out := map[string]float64{}
	var leads, kept int
	for id, e := range truth {
		if !inHalf(id, h) {
			continue
		}
		lead := leadParagraph(e.Body)
		if lead == "" {
			continue
		}
		leads++
		if leadKept(lead, readPrediction(filepath.Join(predDir, "extraction", id+".json")).Text) {
			kept++
		}
	}
	if leads > 0 {
		out["lead_kept"] = float64(kept) / float64(leads)
	}
	metaDir := filepath.Join(benchDir, "metadata", "readability", "expected-metadata")
	entries, err := os.ReadDir(metaDir)
	if err != nil {
		return nil, err
	}
	var titles, titleOK, bylines, bylineOK int
	for _, e := range entries {
		id := strings.TrimSuffix(e.Name(), ".json")
		if id == e.Name() || !inHalf(id, h) {
			continue
		}
		b, err := os.ReadFile(filepath.Join(metaDir, e.Name()))
		if err != nil {
			return nil, err
		}
		var want struct {
			Title  *string `json:"title"`
			Byline *string `json:"byline"`
		}
		if json.Unmarshal(b, &want) != nil {
			continue
		}
		got := readPrediction(filepath.Join(predDir, "readability", id+".json"))
		if want.Title != nil && normSpace(*want.Title) != "" {
			titles++
			if titleByConvention(got.Title, *want.Title) {
				titleOK++
			}
		}
		if want.Byline != nil && len(words(*want.Byline)) > 0 {
			bylines++
			if bylineByConvention(got.Byline, *want.Byline) {
				bylineOK++
			}
		}
	}
	if titles > 0 {
		out["title_convention"] = float64(titleOK) / float64(titles)
	}
	if bylines > 0 {
		out["byline_convention"] = float64(bylineOK) / float64(bylines)
	}
	return out, nil
}

type prediction struct {
	Title  string `json:"title"`
	Byline string `json:"byline"`
	Text   string `json:"text"`
}

// readPrediction reads one per-page output; a missing or broken file is an
// empty answer, as score.py counts it.
func readPrediction(path string) prediction {
	var p prediction
	if b, err := os.ReadFile(path); err == nil {
		_ = json.Unmarshal(b, &p)
	}
	return p
}
