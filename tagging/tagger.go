package tagging

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"policywatch/model"
)

// Evidence weights. A category's score is the sum, over the sentences
// that mention it, of the strongest match in each sentence: repeating a
// phrase inside one sentence proves nothing more. The title counts the
// category's title_weight, the first paragraph (where news and press
// releases state their main fact) counts leadWeight, later text 1.
const (
	leadWeight = 2.0
	bodyWeight = 1.0
	// allWeight is what a sentence satisfying an all: rule counts at
	// least: co-occurring phrases are specific enough to tag on their own.
	allWeight = 2.0

	actorTitle      = 3.0 // first mention of the actor in the title
	actorTitleMore  = 1.0 // further title mentions
	actorLead       = 1.5 // each mention in the first paragraph
	actorBody       = 0.5 // each later mention...
	actorBodyCap    = 3.0 // ...up to this much in total
	actorFirst      = 1.5 // the first actor named in the title, and in the lead: usually the subject
	actorPublisher  = 6.0 // the page's source or site names the actor: it is the issuer
	actorSpeaker    = 6.0 // the title names the actor as the speaker ("Statement by ...", "G7 ... statement")
	actorMinScore   = 2.0
	actorMinOfFirst = 0.5 // an actor needs at least this share of the top actor's score

	maxMatches = 40 // evidence kept per tag
)

// Match fields beyond the model's "title" and "text": the publisher.
const (
	FieldTitle  = "title"
	FieldText   = "text"
	FieldSite   = "site"
	FieldSource = "source"
)

type compiledCategory struct {
	cat  *Category
	any  []phrase
	all  [][]phrase
	not  []phrase
	sole []phrase
}

type compiledActor struct {
	actor   *Actor
	aliases []phrase
	not     []phrase
}

// Tagger tags documents with a taxonomy's categories and actors. It is
// safe for concurrent use: Tag keeps no state between calls.
type Tagger struct {
	tax    *Taxonomy
	cats   []compiledCategory
	actors []compiledActor
}

// New compiles a taxonomy's rules into a Tagger.
func New(tax *Taxonomy) *Tagger {
	t := &Tagger{tax: tax}
	for i := range tax.categories {
		c := &tax.categories[i]
		cc := compiledCategory{cat: c}
		for _, s := range c.Any {
			cc.any = append(cc.any, compilePhrase(s))
		}
		for _, g := range c.All {
			var grp []phrase
			for _, s := range g {
				grp = append(grp, compilePhrase(s))
			}
			cc.all = append(cc.all, grp)
		}
		for _, s := range c.Not {
			cc.not = append(cc.not, compilePhrase(s))
		}
		for _, s := range c.SoleIfTitle {
			cc.sole = append(cc.sole, compilePhrase(s))
		}
		t.cats = append(t.cats, cc)
	}
	for i := range tax.actors {
		a := &tax.actors[i]
		ca := compiledActor{actor: a}
		for _, s := range a.Aliases {
			ca.aliases = append(ca.aliases, compilePhrase(s))
		}
		for _, s := range a.Not {
			ca.not = append(ca.not, compilePhrase(s))
		}
		t.actors = append(t.actors, ca)
	}
	return t
}

// Taxonomy returns the taxonomy the tagger was built from.
func (t *Tagger) Taxonomy() *Taxonomy { return t.tax }

// field is a document field prepared for matching.
type field struct {
	name  string
	text  string
	lower string    // for the phrases' quick pre-check
	segs  []segment // sentences; the title is one segment
	// claimed: segments holding a measure category's evidence, which
	// categories that yield to measures skip.
	claimed map[int]bool
}

func prepare(doc *model.Document) (title, text field) {
	title = field{name: FieldTitle, text: doc.Title, lower: strings.ToLower(doc.Title)}
	if doc.Title != "" {
		title.segs = []segment{{start: 0, end: len(doc.Title)}}
	}
	text = field{name: FieldText, text: doc.Text, lower: strings.ToLower(doc.Text), segs: sentences(doc.Text)}
	for i, s := range text.segs {
		text.segs[i].background = isBackground(doc.Text[s.start:s.end], doc.Published)
	}
	return title, text
}

// Tag returns the document's category tags (strongest first) followed by
// its actor tags (the likely issuer first). It does not modify doc.
func (t *Tagger) Tag(doc *model.Document) []model.Tag {
	title, text := prepare(doc)
	var cats []model.Tag
	var sole []string
	acts := t.actorTags(doc, &title, &text)
	// Measures first: the sentences announcing the issuer's own measures
	// are then closed to the categories that yield to them. (A reaction
	// to another actor's measure still counts: "the arrest today of 53
	// activists is an outrage".)
	claimed := map[int]bool{}
	for pass := 0; pass < 2; pass++ {
		if pass == 1 {
			text.claimed = claimed
		}
		first := len(cats)
		for i := range t.cats {
			cc := &t.cats[i]
			if cc.cat.YieldsToMeasures != (pass == 1) {
				continue
			}
			tag, ok := t.category(cc, &title, &text)
			if !ok {
				continue
			}
			cats = append(cats, tag)
			for j := range cc.sole {
				if len(cc.sole[j].findLower(title.text, title.lower)) > 0 {
					sole = append(sole, cats[len(cats)-1].Value)
					break
				}
			}
		}
		t.attribute(cats[first:], acts, &title, &text)
		for _, tag := range cats[first:] {
			if pass == 1 || MeasureActor(tag) != "" {
				continue
			}
			for _, m := range tag.Matches {
				if m.Field == FieldText && m.Rule != "" && !strings.HasPrefix(m.Rule, RuleActorPrefix) {
					claimed[segmentAt(text.segs, m.Offset)] = true
				}
			}
		}
	}
	if len(sole) > 0 {
		kept := cats[:0]
		for _, tag := range cats {
			if contains(sole, tag.Value) {
				kept = append(kept, tag)
			}
		}
		cats = kept
	}
	sort.SliceStable(cats, func(i, j int) bool { return cats[i].Score > cats[j].Score })
	return append(cats, acts...)
}

type hit struct {
	m      model.Match
	seg    int // segment index in its field
	weight float64
}

func (t *Tagger) category(cc *compiledCategory, fields ...*field) (model.Tag, bool) {
	c := cc.cat
	type segKey struct {
		field string
		seg   int
	}
	best := map[segKey]float64{}
	var evidence []model.Match
	for _, f := range fields {
		if len(f.segs) == 0 {
			continue
		}
		var masks []span
		for i := range cc.not {
			masks = append(masks, cc.not[i].findLower(f.text, f.lower)...)
		}
		weightOf := func(seg int) float64 {
			switch {
			case f.name == FieldTitle:
				return c.TitleWeight
			case f.segs[seg].lead:
				return leadWeight
			default:
				return bodyWeight
			}
		}
		find := func(p *phrase, rule string) []hit {
			var hs []hit
			for _, s := range p.findLower(f.text, f.lower) {
				if overlaps(s, masks) {
					continue
				}
				seg := segmentAt(f.segs, s.start)
				if c.OpeningOnly && f.name == FieldText && !f.segs[seg].lead {
					continue
				}
				if f.segs[seg].background {
					continue // recalls an earlier measure in passing
				}
				if c.YieldsToMeasures && f.claimed[seg] {
					continue // the sentence announces a measure
				}
				hs = append(hs, hit{
					m:      model.Match{Phrase: p.text, Field: f.name, Offset: s.start, Rule: rule},
					seg:    seg,
					weight: weightOf(seg),
				})
			}
			return hs
		}
		for i := range cc.any {
			for _, h := range find(&cc.any[i], "any") {
				k := segKey{f.name, h.seg}
				best[k] = max(best[k], h.weight)
				evidence = append(evidence, h.m)
			}
		}
		if len(cc.all) > 0 {
			// seg → groups seen, with the matches that satisfied them.
			groups := map[int][]bool{}
			found := map[int][]model.Match{}
			for gi, g := range cc.all {
				for pi := range g {
					for _, h := range find(&g[pi], fmt.Sprintf("all[%d]", gi)) {
						if groups[h.seg] == nil {
							groups[h.seg] = make([]bool, len(cc.all))
						}
						groups[h.seg][gi] = true
						found[h.seg] = append(found[h.seg], h.m)
					}
				}
			}
			for seg, seen := range groups {
				if !allTrue(seen) {
					continue
				}
				k := segKey{f.name, seg}
				best[k] = max(best[k], weightOf(seg), allWeight)
				evidence = append(evidence, found[seg]...)
			}
		}
	}
	var score float64
	for _, w := range best {
		score += w
	}
	if score < c.MinScore || score == 0 {
		return model.Tag{}, false
	}
	return model.Tag{Type: model.TagCategory, Value: c.ID, Score: score, Matches: sortMatches(evidence)}, true
}

func overlaps(s span, masks []span) bool {
	for _, m := range masks {
		if s.start < m.end && m.start < s.end {
			return true
		}
	}
	return false
}

func allTrue(b []bool) bool {
	for _, v := range b {
		if !v {
			return false
		}
	}
	return true
}

// sortMatches orders evidence title first, then by position, and keeps
// the first maxMatches.
func sortMatches(ms []model.Match) []model.Match {
	rank := map[string]int{FieldSite: 0, FieldSource: 0, FieldTitle: 1, FieldText: 2}
	sort.SliceStable(ms, func(i, j int) bool {
		if rank[ms[i].Field] != rank[ms[j].Field] {
			return rank[ms[i].Field] < rank[ms[j].Field]
		}
		return ms[i].Offset < ms[j].Offset
	})
	if len(ms) > maxMatches {
		ms = ms[:maxMatches]
	}
	return ms
}

// actorTags scores every actor by where it is named. The issuer of a
// measure is named in the headline and the opening, usually first, and
// is often the publisher itself; actors named only further down are
// usually targets or commentators and are left out.
func (t *Tagger) actorTags(doc *model.Document, title, text *field) []model.Tag {
	type first struct {
		actor int
		off   int
	}
	var tags []model.Tag
	firstTitle, firstLead := first{-1, 1 << 62}, first{-1, 1 << 62}
	idx := map[int]int{} // actor index → tags index
	var mentions []mention
	var firstPos []int
	for ai := range t.actors {
		ca := &t.actors[ai]
		var score, body float64
		var ms []model.Match
		titleSeen, speaker := false, false
		var titleMask, textMask []span
		for i := range ca.not {
			titleMask = append(titleMask, ca.not[i].findLower(title.text, title.lower)...)
			textMask = append(textMask, ca.not[i].findLower(text.text, text.lower)...)
		}
		for pi := range ca.aliases {
			p := &ca.aliases[pi]
			for _, s := range p.findLower(title.text, title.lower) {
				if overlaps(s, titleMask) {
					continue
				}
				ms = append(ms, model.Match{Phrase: p.text, Field: FieldTitle, Offset: s.start, Rule: "alias"})
				if isTarget(title.text[:s.start]) {
					body += actorBody
					continue
				}
				if titleSeen {
					score += actorTitleMore
				} else {
					score += actorTitle
					titleSeen = true
				}
				if s.start < firstTitle.off {
					firstTitle = first{ai, s.start}
				}
				mentions = append(mentions, mention{ai, FieldTitle, s, title.text})
				if speakerBefore.MatchString(title.text[:s.start]) || speakerAfter.MatchString(title.text[s.end:]) {
					speaker = true
				}
			}
			for _, s := range p.findLower(text.text, text.lower) {
				if overlaps(s, textMask) {
					continue
				}
				seg := segmentAt(text.segs, s.start)
				if seg >= 0 && text.segs[seg].lead && !isTarget(text.text[text.segs[seg].start:s.start]) {
					score += actorLead
					if s.start < firstLead.off {
						firstLead = first{ai, s.start}
					}
					mentions = append(mentions, mention{ai, FieldText, s, text.text})
				} else {
					body += actorBody
				}
				ms = append(ms, model.Match{Phrase: p.text, Field: FieldText, Offset: s.start, Rule: "alias"})
			}
		}
		publisher := false
		for _, pf := range []struct{ name, value string }{{FieldSite, doc.Site}, {FieldSource, doc.Source}} {
			if pf.value == "" || publisher {
				continue
			}
			text := pf.value
			for pi := range ca.aliases {
				if s := ca.aliases[pi].find(text); len(s) > 0 {
					publisher = true
					ms = append(ms, model.Match{Phrase: ca.aliases[pi].text, Field: pf.name, Offset: s[0].start, Rule: "publisher"})
					break
				}
			}
		}
		if publisher {
			score += actorPublisher
		}
		if speaker {
			score += actorSpeaker
		}
		score += min(body, actorBodyCap)
		if len(ms) == 0 {
			continue
		}
		idx[ai] = len(tags)
		firstPos = append(firstPos, firstMention(ms))
		tags = append(tags, model.Tag{Type: model.TagActor, Value: ca.actor.ID, Score: score, Matches: sortMatches(ms)})
	}
	if i, ok := idx[firstTitle.actor]; ok {
		tags[i].Score += actorFirst
	}
	if i, ok := idx[firstLead.actor]; ok {
		tags[i].Score += actorFirst
	}
	// Actors listed together ("the foreign ministers of Canada, Australia,
	// the United Kingdom and the United States") act together: each gets
	// the strongest score in the list.
	own := make([]float64, len(tags)) // before sharing: orders a list by its members' own weight
	for i := range tags {
		own[i] = tags[i].Score
	}
	for _, group := range enumerations(mentions) {
		var best float64
		for _, ai := range group {
			best = max(best, tags[idx[ai]].Score)
		}
		for _, ai := range group {
			tags[idx[ai]].Score = best
		}
	}
	order := make([]int, len(tags))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		i, j := order[a], order[b]
		if tags[i].Score != tags[j].Score {
			return tags[i].Score > tags[j].Score
		}
		if own[i] != own[j] {
			return own[i] > own[j]
		}
		return firstPos[i] < firstPos[j]
	})
	sorted := make([]model.Tag, len(tags))
	for k, i := range order {
		sorted[k] = tags[i]
	}
	tags = sorted
	var out []model.Tag
	for _, tg := range tags {
		if tg.Score < actorMinScore || tg.Score < actorMinOfFirst*tags[0].Score {
			continue
		}
		out = append(out, tg)
	}
	return out
}

// mention is one actor named in the title or the first paragraph.
type mention struct {
	actor int
	field string
	span
	text string // the field's text
}

// A title that says who speaks: "Statement by the Foreign Minister of X",
// "Declaration by ... on behalf of X", "X Foreign Ministers' statement".
var (
	speakerBefore = regexp.MustCompile(`(?i)\b(statement|declaration|remarks)\b.{0,40}\b(by|of)\s+(\S+\s+){0,4}$`)
	speakerAfter  = regexp.MustCompile(`(?i)^(['’]s)?(\s+\S+){0,2}?\s+(statement|declaration|remarks)\b`)
)

// targetBefore: words that make the name after them the target of a
// measure, not its author ("sanctions on U.S. lawmakers", "countermeasures
// against", "treaty with New Zealand").
var targetBefore = regexp.MustCompile(`(?i)\b(against|on|with|targeting|upon)\s+(the\s+)?([^\s,;:.]+\s+)?$`)

func isTarget(before string) bool { return targetBefore.MatchString(before) }

// listSep is what separates the items of a list of names: commas, "and",
// "together with the foreign ministers of", "and the Secretary of State of".
var listSep = regexp.MustCompile(`(?i)^\s*(,|,?\s*and|&|,?\s*together with|,?\s*along with|,?\s*joined by|of)\s*(the\s+)?` +
	`((foreign\s+ministers?|ministers?|secretary\s+of\s+state|governments?|leaders?)\s+of\s+(the\s+)?)?$`)

// enumerations returns the groups of two or more actors named as one list.
func enumerations(ms []mention) [][]int {
	sort.Slice(ms, func(i, j int) bool {
		if ms[i].field != ms[j].field {
			return ms[i].field < ms[j].field
		}
		return ms[i].start < ms[j].start
	})
	var out [][]int
	var cur []int
	flush := func() {
		seen := map[int]bool{}
		var g []int
		for _, a := range cur {
			if !seen[a] {
				seen[a] = true
				g = append(g, a)
			}
		}
		if len(g) > 1 {
			out = append(out, g)
		}
		cur = nil
	}
	for i, m := range ms {
		if i > 0 {
			p := ms[i-1]
			if p.field != m.field || m.start < p.end || !listSep.MatchString(m.text[p.end:m.start]) {
				flush()
			}
		}
		cur = append(cur, m.actor)
	}
	flush()
	return out
}

// firstMention ranks where an actor is first named: the title before the
// text, earlier before later.
func firstMention(ms []model.Match) int {
	best := 1 << 62
	for _, m := range ms {
		pos := m.Offset
		switch m.Field {
		case FieldTitle:
		case FieldText:
			pos += 1 << 40
		default:
			continue
		}
		best = min(best, pos)
	}
	return best
}
