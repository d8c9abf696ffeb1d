package timeline

import (
	"math"
	"strings"
	"time"
	"unicode"

	"policywatch/model"
	"policywatch/prose"
)

// Text similarity tells apart two measures of one actor and category that
// fall in one time window: two U.S. sanctions rounds a few days apart
// name different people, a Commerce rule and a State announcement on the
// same day name different instruments. Documents are compared by the
// cosine of their TF-IDF vectors over the title and the opening
// paragraph, where press releases and reports state their main fact.

// vector is a sparse L2-normalised TF-IDF vector.
type vector map[string]float64

// corpus holds the document frequencies the IDF weights come from.
type corpus struct {
	n  int
	df map[string]int
}

func newCorpus(texts []string) *corpus {
	c := &corpus{df: map[string]int{}}
	for _, t := range texts {
		c.n++
		seen := map[string]bool{}
		for _, tok := range tokens(t) {
			if !seen[tok] {
				seen[tok] = true
				c.df[tok]++
			}
		}
	}
	return c
}

// vector weights each term by its count times its smoothed IDF, so words
// every report uses ("Hong Kong", "national security law") weigh little.
func (c *corpus) vector(text string) vector {
	tf := map[string]float64{}
	for _, tok := range tokens(text) {
		tf[tok]++
	}
	v := vector{}
	var norm float64
	for tok, n := range tf {
		idf := math.Log(float64(c.n+1)/float64(c.df[tok]+1)) + 1
		w := (1 + math.Log(n)) * idf
		v[tok] = w
		norm += w * w
	}
	if norm == 0 {
		return v
	}
	norm = math.Sqrt(norm)
	for tok := range v {
		v[tok] /= norm
	}
	return v
}

// cosine of two normalised vectors: 0 unrelated, 1 the same words.
func cosine(a, b vector) float64 {
	if len(a) > len(b) {
		a, b = b, a
	}
	var s float64
	for tok, w := range a {
		s += w * b[tok]
	}
	return s
}

// stopwords carry no subject: function words and the verbs every press
// release uses.
var stopwords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`the a an and or of to in on for with by from at as is are was were be been
		its it this that these those their his her they he she we our has have had will would shall may can
		not no but also into over under about after before against which who whom whose what when where
		than then there here said says say today yesterday monday tuesday wednesday thursday friday saturday sunday
		mr ms dr new more other such any all each per via upon within`) {
		stopwords[w] = true
	}
}

// tokens are a text's lower-case words (two letters or more, stop words
// dropped, so "U.S." is "u.s" is "us") and, for Chinese, pairs of
// neighbouring characters, since Chinese text has no spaces.
func tokens(text string) []string {
	var out []string
	var word []rune
	var han []rune
	flushWord := func() {
		if len(word) >= 2 {
			w := string(word)
			if !stopwords[w] {
				out = append(out, w)
			}
		}
		word = word[:0]
	}
	flushHan := func() {
		if len(han) == 1 {
			out = append(out, string(han))
		}
		for i := 0; i+1 < len(han); i++ {
			out = append(out, string(han[i:i+2]))
		}
		han = han[:0]
	}
	for _, r := range text {
		switch {
		case prose.IsHan(r):
			flushWord()
			han = append(han, r)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			flushHan()
			word = append(word, unicode.ToLower(r))
		case r == '.' && len(word) > 0:
			// "U.S." and "u.s" are one word: drop inner periods.
		default:
			flushWord()
			flushHan()
		}
	}
	flushWord()
	flushHan()
	return out
}

// openingText is what a document is compared by: its title and its
// opening paragraph.
func openingText(d *model.Document, sents []prose.Sentence) string {
	var b strings.Builder
	b.WriteString(d.Title)
	for _, s := range sents {
		if s.Lead {
			b.WriteByte(' ')
			b.WriteString(d.Text[s.Start:s.End])
		}
	}
	return b.String()
}

// DefaultMinSimilarity is the similarity below which two documents of one
// actor and category in one time window are taken to report different
// measures.
const DefaultMinSimilarity = 0.12

// separate splits one time chain of an actor's documents of a category
// into measures. Official documents come first: each joins the most
// similar measure within gap of it when that similarity reaches
// minSim, and otherwise starts a measure of its own. News (and official
// pages reporting another actor's measure) then joins the
// measure it resembles most: coverage phrases things its own way, so a
// report resembling none well enough still joins the most similar
// measure an official document makes, or the only measure in its window;
// only among news alone does it start a measure of its own. A document in
// another script than all of a measure's documents (the Chinese version
// of an English release), or without words, cannot be compared by words
// and joins by time.
// A negative minSim keeps the chain whole.
func separate(items []*item, gap time.Duration, minSim float64) [][]*item {
	if minSim < 0 || len(items) < 2 {
		return [][]*item{items}
	}
	order := make([]*item, 0, len(items))
	for _, it := range items {
		if it.primary() {
			order = append(order, it)
		}
	}
	for _, it := range items {
		if !it.primary() {
			order = append(order, it)
		}
	}
	var out [][]*item
	for _, it := range order {
		best, bestSim, inWindow, blind := -1, -1.0, 0, -1
		bestOfficial, bestOfficialSim := -1, -1.0
		for ci, cl := range out {
			near, sim, comparable, official, clash := false, 0.0, false, false, false
			for _, m := range cl {
				official = official || m.primary()
				if absDuration(it.date.Sub(m.date)) <= gap {
					near = true
				}
				clash = clash || !compatible(it, m)
				if m.script == it.script && len(m.vec) > 0 && len(it.vec) > 0 {
					comparable = true
					sim = max(sim, cosine(it.vec, m.vec))
				}
			}
			if !near || clash {
				continue
			}
			inWindow++
			if !comparable {
				// Another language's version, or no words to compare:
				// time decides.
				if blind < 0 {
					blind = ci
				}
				continue
			}
			if sim > bestSim {
				best, bestSim = ci, sim
			}
			if official && sim > bestOfficialSim {
				bestOfficial, bestOfficialSim = ci, sim
			}
		}
		switch {
		case best >= 0 && bestSim >= minSim:
		case blind >= 0:
			best = blind
		case !it.primary() && bestOfficial >= 0:
			best = bestOfficial
		case best >= 0 && !it.primary() && inWindow == 1:
		default:
			best = -1
		}
		if best < 0 {
			out = append(out, []*item{it})
			continue
		}
		out[best] = append(out[best], it)
	}
	return out
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// reportLag is how long after a measure a report dated only by its
// publication may still be its first report.
const reportLag = 4 * 24 * time.Hour

// compatible reports whether two items may report one measure: a report
// dated only by its publication cannot report a measure taken after it
// was published, nor one taken long before.
func compatible(a, b *item) bool {
	for _, p := range [][2]*item{{a, b}, {b, a}} {
		x, y := p[0], p[1]
		if x.conf == confNewsPub && !x.official {
			// A day's slack: publishers' and actors' days differ, and a
			// report may announce what is done the next day.
			if y.date.Sub(x.date) > 24*time.Hour || x.date.Sub(y.date) > reportLag {
				return false
			}
		}
	}
	return true
}
