// Package corpus generates synthetic archives for benchmarks: news-length
// documents about Hong Kong's national security law and the responses to
// it, with the sources, kinds, languages, dates and tags a real crawl
// produces.
//
// Document i depends only on the seed and i, so a corpus of any size can
// be streamed without holding it in memory, and two engines (or two runs)
// see exactly the same documents.
//
// Realism matters for an index benchmark mostly in two ways: document
// length, and the size and shape of the vocabulary. Templated topic
// sentences alone would give a few hundred distinct terms and flatter
// every engine, so a third of the sentences draw words Zipf-distributed
// from a large lexicon of pseudo-words (names, places, rare words), the
// way the long tail of real news vocabulary behaves.
package corpus

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"policywatch/model"
)

// Span of publication dates: 2019 through 2025.
var (
	firstDay = time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)
	lastDay  = time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)
	nslDay   = time.Date(2020, 6, 30, 0, 0, 0, 0, time.UTC)
)

// Generator makes documents. It is read-only after New and safe for
// concurrent use.
type Generator struct {
	seed    uint64
	tail    []string // long-tail lexicon, most frequent first
	sources []source
	hans    zhVocab // Simplified building blocks
	hant    zhVocab // the same converted to Traditional by OpenCC
}

type source struct {
	name, host, lang string
	kind             model.DocKind
	actor            string // the actor an official source speaks for ("" for news)
}

// New returns a generator for seed.
func New(seed uint64) (*Generator, error) {
	g := &Generator{seed: seed, sources: sources}
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	g.tail = pseudoWords(r, 60000)
	g.hans = newZhVocab(hanWords(r, 8000))
	var err error
	if g.hant, err = g.hans.traditional(); err != nil {
		return nil, err
	}
	return g, nil
}

// Doc returns document i (0-based); its ID is i+1.
func (g *Generator) Doc(i int) model.Document {
	r := rand.New(rand.NewPCG(g.seed, uint64(i)+1))
	src := g.sources[r.IntN(len(g.sources))]
	lang := src.lang
	if lang == "zh" {
		if r.IntN(2) == 0 {
			lang = "zh-Hans"
		} else {
			lang = "zh-Hant"
		}
	}
	pub := pickDate(r)
	d := model.Document{
		ID:         int64(i + 1),
		Source:     src.name,
		Kind:       src.kind,
		Lang:       lang,
		Site:       src.host,
		Published:  pub,
		DateSource: pickDateSource(r),
		FetchedAt:  pub.Add(time.Duration(1+r.IntN(72)) * time.Hour),
		Version:    1,
	}
	d.UpdatedAt = d.FetchedAt

	// The story: one measure by one or two actors, with others reacting.
	cat := categories[r.IntN(len(categories))]
	actors := []actor{}
	if src.actor != "" {
		actors = append(actors, actorByID(src.actor))
	} else {
		actors = append(actors, actorList[r.IntN(len(actorList))])
	}
	for n := r.IntN(3); n > 0; n-- {
		a := actorList[r.IntN(len(actorList))]
		if !hasActor(actors, a.id) {
			actors = append(actors, a)
		}
	}
	cats := []string{cat.id}
	if r.IntN(3) == 0 {
		if c2 := categories[r.IntN(len(categories))]; c2.id != cat.id {
			cats = append(cats, c2.id)
		}
	}

	if strings.HasPrefix(lang, "zh") {
		d.Title, d.Text = g.zhText(r, newZipf(r), cat, actors, pub, lang == "zh-Hant")
	} else {
		d.Title, d.Text = g.enText(r, newZipf(r), cat, actors, pub)
	}
	d.URL = fmt.Sprintf("https://%s/%04d/%02d/%s-%d", src.host, pub.Year(), int(pub.Month()), slug(d.Title, lang), d.ID)
	d.ContentHash = fmt.Sprintf("%064x", r.Uint64())
	for _, c := range cats {
		d.Tags = append(d.Tags, model.Tag{Type: model.TagCategory, Value: c, Score: 1 + r.Float64()})
	}
	for _, a := range actors {
		d.Tags = append(d.Tags, model.Tag{Type: model.TagActor, Value: a.id, Score: 1 + r.Float64()})
	}
	return d
}

func hasActor(as []actor, id string) bool {
	for _, a := range as {
		if a.id == id {
			return true
		}
	}
	return false
}

// pickDate spreads documents over 2019–2025 with a surge around the law's
// enactment in mid-2020, as coverage had.
func pickDate(r *rand.Rand) time.Time {
	days := int(lastDay.Sub(firstDay).Hours() / 24)
	var t time.Time
	if r.IntN(4) == 0 {
		t = nslDay.AddDate(0, 0, int(r.NormFloat64()*45))
		if t.Before(firstDay) || t.After(lastDay) {
			t = firstDay.AddDate(0, 0, r.IntN(days+1))
		}
	} else {
		t = firstDay.AddDate(0, 0, r.IntN(days+1))
	}
	return t.Add(time.Duration(r.IntN(24*3600)) * time.Second)
}

// pickDateSource: most pages state their date; a few only have the crawl
// time, which the index must leave out of date filters.
func pickDateSource(r *rand.Rand) string {
	switch n := r.IntN(100); {
	case n < 45:
		return model.DateFromMeta
	case n < 75:
		return model.DateFromJSONLD
	case n < 85:
		return model.DateFromURL
	case n < 92:
		return model.DateFromText
	case n < 97:
		return model.DateFromFeed
	default:
		return model.DateFromCrawl
	}
}

func slug(title, lang string) string {
	if strings.HasPrefix(lang, "zh") {
		return "article"
	}
	var b strings.Builder
	for _, w := range strings.Fields(strings.ToLower(title)) {
		w = strings.Trim(w, ".,:;'\"()")
		if w == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('-')
		}
		b.WriteString(w)
		if b.Len() > 60 {
			break
		}
	}
	return b.String()
}

// zipf picks Zipf-distributed from ranked lists; one per document, since
// setting one up costs more than a pick.
type zipf struct {
	r     *rand.Rand
	byLen map[int]*rand.Zipf
}

func newZipf(r *rand.Rand) *zipf { return &zipf{r: r, byLen: map[int]*rand.Zipf{}} }

func (z *zipf) pick(list []string) string {
	d := z.byLen[len(list)]
	if d == nil {
		// s=1.07 is close to word frequencies in English news.
		d = rand.NewZipf(z.r, 1.07, 2, uint64(len(list)-1))
		z.byLen[len(list)] = d
	}
	return list[d.Uint64()]
}

// pseudoWords makes n pronounceable, mostly distinct words: the long tail
// of names, places and rare words a real archive has.
func pseudoWords(r *rand.Rand, n int) []string {
	onsets := []string{"b", "br", "c", "ch", "d", "f", "g", "gr", "h", "j", "k", "kh", "l", "m", "n", "p", "pr", "r", "s", "sh", "st", "t", "tr", "v", "w", "z"}
	vowels := []string{"a", "e", "i", "o", "u", "ai", "ou", "ee", "ia"}
	codas := []string{"", "", "n", "r", "s", "l", "m", "ng", "t", "x", "ck"}
	seen := make(map[string]bool, n)
	out := make([]string, 0, n)
	for len(out) < n {
		var b strings.Builder
		for k := 2 + r.IntN(3); k > 0; k-- {
			b.WriteString(onsets[r.IntN(len(onsets))])
			b.WriteString(vowels[r.IntN(len(vowels))])
		}
		b.WriteString(codas[r.IntN(len(codas))])
		w := b.String()
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

// hanWords makes n two- to four-character Chinese words from common
// characters: the long tail of the Chinese documents.
func hanWords(r *rand.Rand, n int) []string {
	chars := []rune(commonHan)
	seen := make(map[string]bool, n)
	out := make([]string, 0, n)
	for len(out) < n {
		k := 2 + r.IntN(3)
		w := make([]rune, k)
		for j := range w {
			w[j] = chars[r.IntN(len(chars))]
		}
		if s := string(w); !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// TailWord returns the long-tail word of the given frequency rank (0 is
// the most frequent), for benchmark queries on rare terms.
func (g *Generator) TailWord(rank int) string {
	return g.tail[min(max(rank, 0), len(g.tail)-1)]
}
