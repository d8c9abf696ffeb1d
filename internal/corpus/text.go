package corpus

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/longbridgeapp/opencc"
)

// enText writes a title and a 300–900 word article.
func (g *Generator) enText(r *rand.Rand, z *zipf, cat category, actors []actor, pub time.Time) (string, string) {
	b := actors[0]
	if len(actors) > 1 {
		b = actors[1]
	} else if b.id != "china" {
		b = actorByID("china")
	}
	fill := func(tmpl string) string {
		return expand(tmpl, func(key string) string {
			switch key {
			case "A":
				return actors[0].name
			case "Aj":
				return actors[0].adj
			case "O":
				return actors[0].official
			case "B":
				return b.name
			case "M":
				return cat.measures[r.IntN(len(cat.measures))]
			case "V":
				return cat.verbs[r.IntN(len(cat.verbs))]
			case "P":
				return enPeople[r.IntN(len(enPeople))]
			case "L":
				return enPlaces[r.IntN(len(enPlaces))]
			case "D":
				return enDate(pub.AddDate(0, 0, -r.IntN(30)))
			case "N":
				return strconv.Itoa(2 + r.IntN(300))
			case "T":
				return z.pick(g.tail)
			}
			return key
		})
	}
	title := capitalize(fill(enTitles[r.IntN(len(enTitles))]))
	target := 300 + r.IntN(601)
	var text strings.Builder
	words := 0
	for words < target {
		if text.Len() > 0 {
			text.WriteByte('\n')
		}
		for k := 3 + r.IntN(4); k > 0 && words < target; k-- {
			var s string
			switch n := r.IntN(10); {
			case n < 3:
				s = g.tailSentence(r, z)
			case n < 5:
				s = fill(enFiller[r.IntN(len(enFiller))])
			default:
				s = fill(enTopic[r.IntN(len(enTopic))])
			}
			s = capitalize(s)
			text.WriteString(s)
			text.WriteByte(' ')
			words += strings.Count(s, " ") + 1
		}
	}
	return title, strings.TrimSpace(text.String())
}

// tailSentence strings common words and long-tail words together: no
// grammar, but the term statistics of running text.
func (g *Generator) tailSentence(r *rand.Rand, z *zipf) string {
	n := 8 + r.IntN(14)
	ws := make([]string, n)
	for i := range ws {
		if r.IntN(2) == 0 {
			ws[i] = z.pick(commonEnglish)
		} else {
			ws[i] = z.pick(g.tail)
		}
	}
	return strings.Join(ws, " ") + "."
}

func enDate(t time.Time) string { return fmt.Sprintf("%d %s %d", t.Day(), t.Month(), t.Year()) }

func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// expand replaces {key} in tmpl with val(key).
func expand(tmpl string, val func(string) string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			b.WriteString(tmpl)
			return b.String()
		}
		j := strings.IndexByte(tmpl[i:], '}')
		if j < 0 {
			b.WriteString(tmpl)
			return b.String()
		}
		b.WriteString(tmpl[:i])
		b.WriteString(val(tmpl[i+1 : i+j]))
		tmpl = tmpl[i+j+1:]
	}
}

// zhVocab is the Chinese building blocks in one script.
type zhVocab struct {
	titles, topic, filler []string
	measures              map[string][]string // category id → measures
	actors                map[string]string   // actor id → name
	tail                  []string
}

func newZhVocab(tail []string) zhVocab {
	v := zhVocab{titles: zhTitles, topic: zhTopic, filler: zhFiller, tail: tail,
		measures: map[string][]string{}, actors: map[string]string{}}
	for _, c := range categories {
		v.measures[c.id] = c.zh
	}
	for _, a := range actorList {
		v.actors[a.id] = a.zh
	}
	return v
}

// traditional converts every block with OpenCC's s2t table, once.
func (v zhVocab) traditional() (zhVocab, error) {
	cc, err := opencc.New("s2t")
	if err != nil {
		return zhVocab{}, fmt.Errorf("load OpenCC s2t: %w", err)
	}
	conv := func(in []string) ([]string, error) {
		out := make([]string, len(in))
		for i, s := range in {
			if out[i], err = cc.Convert(s); err != nil {
				return nil, fmt.Errorf("convert %q to Traditional: %w", s, err)
			}
		}
		return out, nil
	}
	t := zhVocab{measures: map[string][]string{}, actors: map[string]string{}}
	if t.titles, err = conv(v.titles); err != nil {
		return t, err
	}
	if t.topic, err = conv(v.topic); err != nil {
		return t, err
	}
	if t.filler, err = conv(v.filler); err != nil {
		return t, err
	}
	if t.tail, err = conv(v.tail); err != nil {
		return t, err
	}
	for id, ms := range v.measures {
		if t.measures[id], err = conv(ms); err != nil {
			return t, err
		}
	}
	for id, name := range v.actors {
		c, err := conv([]string{name})
		if err != nil {
			return t, err
		}
		t.actors[id] = c[0]
	}
	return t, nil
}

// zhText writes a title and an article of 600–1800 characters (about
// the reading length of the English ones).
func (g *Generator) zhText(r *rand.Rand, z *zipf, cat category, actors []actor, pub time.Time, hant bool) (string, string) {
	v := g.hans
	if hant {
		v = g.hant
	}
	b := actorByID("china")
	if len(actors) > 1 {
		b = actors[1]
	}
	fill := func(tmpl string) string {
		return expand(tmpl, func(key string) string {
			switch key {
			case "A":
				return v.actors[actors[0].id]
			case "B":
				return v.actors[b.id]
			case "M":
				ms := v.measures[cat.id]
				return ms[r.IntN(len(ms))]
			case "D":
				d := pub.AddDate(0, 0, -r.IntN(30))
				return fmt.Sprintf("%d年%d月%d日", d.Year(), int(d.Month()), d.Day())
			case "N":
				return strconv.Itoa(2 + r.IntN(300))
			case "T":
				return z.pick(v.tail)
			}
			return key
		})
	}
	title := fill(v.titles[r.IntN(len(v.titles))])
	target := 600 + r.IntN(1201)
	var text strings.Builder
	chars := 0
	for chars < target {
		if text.Len() > 0 {
			text.WriteByte('\n')
		}
		for k := 3 + r.IntN(4); k > 0 && chars < target; k-- {
			var s string
			switch r.IntN(3) {
			case 0:
				s = fill(v.filler[r.IntN(len(v.filler))])
			default:
				s = fill(v.topic[r.IntN(len(v.topic))])
			}
			// A run of long-tail words, like the rest of a real paragraph.
			var tail strings.Builder
			for n := 3 + r.IntN(8); n > 0; n-- {
				tail.WriteString(z.pick(v.tail))
			}
			s += tail.String() + "。"
			text.WriteString(s)
			chars += len([]rune(s))
		}
	}
	return title, text.String()
}

// commonEnglish are frequent English words, most frequent first.
var commonEnglish = strings.Fields(`the of and to a in that is was he for it with as his on be at by had are but from or have an they which one you were all we her she there would their will when who him been has more if no out so said what up its about than into them can only other new some could time these two may then do first any my now such like our over man me even most made after also did many before must through back years where much your way well down should because each just those people how too little state good very make world still own see men work long get here between both life being under never day same another know while last might us great old year off come since against go came right used take three states himself few house use during without again place american around however home small found thought went say part once general high upon school every does got united left number course war until always away something fact though water less public put think almost hand enough far took head yet government system better set told nothing night end why called didn't eyes find going look asked later knew point next program city business give group toward young days let room president side social given present several order national possible rather second face per among form important often things looked early white case john become large big need four within felt along children saw best church ever least power development light thing seemed family interest want members mind country area others done turned although open god service problem certain kind different thus began door help means sense whole matter perhaps itself york times law human line above name example action company hands local show whether five history gave today either act feet across taken past quite anything seen having death experience body word half really week free information`)
