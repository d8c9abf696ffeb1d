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

	// Actors with no category evidence: the subjects and speakers of the
	// title and the opening.
	actorTitle = 3.0
	actorLead  = 1.5
	// actorPublisher: an official page's publisher speaks its "we".
	actorPublisher = 2.0
	// actorMinScore: the evidence an actor needs, and actorMinOfFirst the
	// share of the strongest actor's.
	actorMinScore   = 1.0
	actorMinOfFirst = 0.3

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
	weak    []phrase // AsSubject names, and the country's adjective and capital
	not     []phrase
}

// compiledWorld is a government the taxonomy does not list.
type compiledWorld struct {
	names []phrase // strong
	weak  []phrase // adjective and capital
}

// Tagger tags documents with a taxonomy's categories and actors. It is
// safe for concurrent use: Tag keeps no state between calls.
type Tagger struct {
	tax    *Taxonomy
	cats   []compiledCategory
	actors []compiledActor
	world  []compiledWorld
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
	known := map[string]int{} // lower-case alias → actor index
	for i := range tax.actors {
		a := &tax.actors[i]
		ca := compiledActor{actor: a}
		for _, s := range a.Aliases {
			ca.aliases = append(ca.aliases, compilePhrase(s))
			known[strings.ToLower(strings.TrimPrefix(s, "="))] = i
		}
		for _, s := range a.AsSubject {
			ca.weak = append(ca.weak, compilePhrase(s))
		}
		for _, s := range a.Not {
			ca.not = append(ca.not, compilePhrase(s))
		}
		t.actors = append(t.actors, ca)
	}
	// The world's governments: those the taxonomy lists lend their
	// adjective and capital to its actor; the others are unknown actors.
	for _, g := range worldGovernments() {
		owner := -1
		for _, n := range append(append([]string{}, g.names...), g.capitals...) {
			if i, ok := known[strings.ToLower(n)]; ok {
				owner = i
				break
			}
		}
		var weak []phrase
		for _, n := range append(append([]string{}, g.adjectives...), g.capitals...) {
			if _, ok := known[strings.ToLower(n)]; !ok {
				weak = append(weak, compilePhrase("="+n))
			}
		}
		if owner >= 0 {
			t.actors[owner].weak = append(t.actors[owner].weak, weak...)
			continue
		}
		cw := compiledWorld{weak: weak}
		for _, n := range g.names {
			cw.names = append(cw.names, compilePhrase("="+n))
		}
		t.world = append(t.world, cw)
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
	// protagonists: the actors the title and opening show acting.
	protagonists []string
	// measureTakers: the actors taking the measures the opening reports.
	measureTakers []string
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
//
// Actors are who acts in the measures and statements the page reports:
// the subjects, agents and speakers of the sentences that evidence its
// categories (roles.go), weighted as the evidence is (title, opening,
// body). A category whose measure is another actor's than the page's
// issuer, or several actors' (a statement four governments made), names
// them in matches with Rule "actor:ID" (see MeasureActor). A category the
// page only mentions (as a reason, a hypothesis, the object of a
// reaction) carries a match with Rule RuleMentioned.
func (t *Tagger) Tag(doc *model.Document) []model.Tag {
	title, text := prepare(doc)
	voice, publisher := t.voice(doc)
	an := map[string]*roleAnalyzer{
		FieldTitle: t.newRoleAnalyzer(&title, voice),
		FieldText:  t.newRoleAnalyzer(&text, voice),
	}
	an[FieldTitle].publisher, an[FieldText].publisher = publisher, publisher
	an[FieldText].firstPerson = an[FieldTitle].actorsActing(0)
	text.protagonists = protagonists(an, &title, &text)
	var cats []scored
	var under []scored // categories too weakly evidenced to tag
	var sole []string
	// Measures first: the sentences announcing the issuer's own measures
	// are then closed to the categories that yield to them. (A reaction
	// to another actor's measure still counts: "the arrest today of 53
	// activists is an outrage".)
	claimed := map[int]bool{}
	for pass := 0; pass < 2; pass++ {
		if pass == 1 {
			text.claimed = claimed
			// Who takes a measure the opening reports speaks, further
			// down, about that measure: its concern is the measure's
			// reason, not a reaction of its own.
			for _, c := range cats {
				if c.asserted() && c.inOpening(&text) {
					for _, a := range c.actors() {
						text.measureTakers = appendUnique(text.measureTakers, a)
					}
				}
			}
		}
		for i := range t.cats {
			cc := &t.cats[i]
			if cc.cat.YieldsToMeasures != (pass == 1) {
				continue
			}
			sc, ok := t.category(cc, an, &title, &text)
			if !ok {
				under = append(under, sc)
				continue
			}
			cats = append(cats, sc)
			for j := range cc.sole {
				if len(cc.sole[j].findLower(title.text, title.lower)) > 0 {
					sole = append(sole, cc.cat.ID)
					break
				}
			}
			if pass == 1 {
				continue
			}
			for _, h := range sc.hits {
				if h.field == FieldText && h.asserted && takes(sc.cat, h) {
					claimed[h.seg] = true
				}
			}
		}
	}
	if len(sole) > 0 {
		kept := cats[:0]
		for _, c := range cats {
			if contains(sole, c.tag.Value) {
				kept = append(kept, c)
			}
		}
		cats = kept
	}
	cats = t.threats(cats, under)
	cats = t.forms(cats)
	acts := t.actorTags(doc, cats, an, &title, &text, voice, publisher)
	out := make([]model.Tag, 0, len(cats)+len(acts))
	for _, c := range cats {
		tag := c.tag
		main, others := c.measureGroups(an)
		for _, a := range main {
			tag.Matches = append(tag.Matches, c.agentMatch(a, RuleActorPrefix))
		}
		for _, a := range others {
			tag.Matches = append(tag.Matches, c.agentMatch(a, RuleAlsoPrefix))
		}
		if !c.asserted() {
			tag.Matches = append(tag.Matches, model.Match{Rule: RuleMentioned})
		}
		if c.within != "" {
			tag.Matches = append(tag.Matches, model.Match{Rule: RuleWithinPrefix + c.within})
		}
		out = append(out, tag)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Score > out[j].Score })
	return append(out, acts...)
}

// RuleMentionSuffix ends the Rule of an evidence match ("any@mention")
// whose sentence names the measure as a reason, a hypothesis or what a
// reaction is about, rather than reporting it: "The United States on Jan.
// 15 sanctioned six officials in response to mass arrests" dates the
// sanctions, not the arrests.
const RuleMentionSuffix = "@mention"

// RuleMentioned is the Rule of a category tag's match saying the page
// mentions the category's measure without reporting it being taken: as
// the reason for something else, a threat or a plan, or what a reaction
// is about. The timeline files such a category under the page's own
// measure rather than making it an event.
const RuleMentioned = "mentioned"

// Mentioned reports whether a category tag carries the RuleMentioned match.
func Mentioned(tag model.Tag) bool {
	for _, m := range tag.Matches {
		if m.Rule == RuleMentioned {
			return true
		}
	}
	return false
}

// locatedRE: a name after these in a site's name is where the publisher
// is ("U.S. Embassy & Consulates in China"), not who it is.
var locatedRE = regexp.MustCompile(`(?i)\b(?:in|to|at)\s+(?:the\s+)?$`)

// voice is who speaks on an official page whose sentences say "we": the
// actor its site or source names ("GOV.UK", "Government of Canada"), with
// that name as evidence.
func (t *Tagger) voice(doc *model.Document) (string, model.Match) {
	if doc.Kind != model.KindOfficial {
		return "", model.Match{}
	}
	for _, f := range []struct{ name, v string }{{FieldSite, doc.Site}, {FieldSource, doc.Source}} {
		v := f.v
		if v == "" {
			continue
		}
		best, at := "", len(v)+1
		for ai := range t.actors {
			for pi := range t.actors[ai].aliases {
				if s := t.actors[ai].aliases[pi].find(v); len(s) > 0 && s[0].start < at &&
					!locatedRE.MatchString(v[:s[0].start]) {
					best, at = t.actors[ai].actor.ID, s[0].start
				}
			}
		}
		if best != "" {
			// The whole name says who publishes: "Ministry of Foreign
			// Affairs of the People's Republic of China", not "China".
			return best, model.Match{Phrase: v, Field: f.name}
		}
	}
	return "", model.Match{}
}

// protagonists returns the actors the title and the opening paragraph
// show acting or speaking.
func protagonists(an map[string]*roleAnalyzer, title, text *field) []string {
	var out []string
	for seg := range title.segs {
		for _, a := range an[FieldTitle].actorsActing(seg) {
			out = appendUnique(out, a)
		}
	}
	for seg, sg := range text.segs {
		if sg.lead {
			for _, a := range an[FieldText].actorsActing(seg) {
				out = appendUnique(out, a)
			}
		}
	}
	return out
}

func allIn(xs, set []string) bool {
	for _, x := range xs {
		if !contains(set, x) {
			return false
		}
	}
	return true
}

func anyIn(xs, set []string) bool {
	for _, x := range xs {
		if contains(set, x) {
			return true
		}
	}
	return false
}

// hit is one match of a category's phrase, with who acts in it.
type hit struct {
	m        model.Match
	field    string
	seg      int
	weight   float64
	agents   []string // who acts, from the sentence's roles; may hold unknownActor
	asserted bool     // reported as done, not as a reason, hypothesis or reaction's object
	threat   bool     // a measure threatened, considered or planned
	owned    bool     // agents only as the act's owners ("US sanctions")
	opening  bool     // in the title or the opening paragraph
	agentRef *ref     // the mention that names the first agent, for evidence
}

// scored is a category tag with its evidence and who acts in it.
type scored struct {
	tag  model.Tag
	cat  *Category
	hits []hit
	// weight of each agent: the evidence its sentences carry.
	agentWeight map[string]float64
	agentRefs   map[string]model.Match
	// within: the category whose measure this one is (Category.Forms).
	within string
}

// threats gives the category that takes threats (Category.Threats) the
// measures of other categories that actors threaten, consider or plan in
// the title or the opening: "Pompeo: US considering sanctions" is a
// statement of the United States.
func (t *Tagger) threats(cats, under []scored) []scored {
	var target *Category
	for i := range t.tax.categories {
		if t.tax.categories[i].Threats {
			target = &t.tax.categories[i]
		}
	}
	if target == nil {
		return cats
	}
	type segKey struct {
		field string
		seg   int
	}
	best := map[segKey]float64{}
	var hits []hit
	for _, c := range append(append([]scored{}, cats...), under...) {
		if c.cat == target {
			continue
		}
		for _, h := range c.hits {
			if !h.threat || !h.opening || len(h.agents) == 0 || h.agents[0] == unknownActor {
				continue
			}
			h.asserted = true
			hits = append(hits, h)
			k := segKey{h.field, h.seg}
			best[k] = max(best[k], h.weight)
		}
	}
	if len(hits) == 0 {
		return cats
	}
	var score float64
	for _, w := range best {
		score += w
	}
	host := -1
	for i := range cats {
		if cats[i].cat == target {
			host = i
		}
	}
	if host < 0 {
		if score < target.MinScore {
			return cats
		}
		cats = append(cats, scored{tag: model.Tag{Type: model.TagCategory, Value: target.ID}, cat: target,
			agentWeight: map[string]float64{}, agentRefs: map[string]model.Match{}})
		host = len(cats) - 1
	}
	h := &cats[host]
	h.tag.Score += score
	for _, x := range hits {
		h.hits = append(h.hits, x)
		h.tag.Matches = append(h.tag.Matches, x.m)
	}
	h.tag.Matches = sortMatches(h.tag.Matches)
	for k, w := range best {
		for _, x := range hits {
			if x.field == k.field && x.seg == k.seg {
				for _, a := range x.agents {
					h.agentWeight[a] += w
				}
				break
			}
		}
	}
	return cats
}

// forms gives a category with Forms the measures of its form categories
// that its issuers take: China's sanctions are its counter-measure. The
// form stays tagged and, unless kept (KeepForms), is filed within it.
func (t *Tagger) forms(cats []scored) []scored {
	for ci := range t.tax.categories {
		c := &t.tax.categories[ci]
		if len(c.Forms) == 0 {
			continue
		}
		for fi := range cats {
			form := &cats[fi]
			if !contains(c.Forms, form.cat.ID) || !form.asserted() {
				continue
			}
			acting := form.actors()
			if len(acting) == 0 || !contains(c.Issuers, acting[0]) {
				continue // the form's measure is first someone else's
			}
			var by []string
			for _, a := range acting {
				if contains(c.Issuers, a) {
					by = append(by, a)
				}
			}
			if len(by) == 0 {
				continue
			}
			host := -1
			for k := range cats {
				if cats[k].cat == c {
					host = k
				}
			}
			if host < 0 {
				cats = append(cats, scored{
					tag:         model.Tag{Type: model.TagCategory, Value: c.ID, Score: form.tag.Score, Matches: form.tag.Matches},
					cat:         c,
					hits:        form.hits,
					agentWeight: map[string]float64{},
					agentRefs:   map[string]model.Match{},
				})
				host = len(cats) - 1
				form = &cats[fi] // the append may have moved it
			}
			h := &cats[host]
			for _, a := range by {
				h.agentWeight[a] = max(h.agentWeight[a], form.agentWeight[a])
				if _, ok := h.agentRefs[a]; !ok {
					if m, ok := form.agentRefs[a]; ok {
						h.agentRefs[a] = m
					}
				}
			}
			if len(h.hits) > 0 && &h.hits[0] != &form.hits[0] {
				// The form's sentences are where those actors take the
				// host's measure too (who acts where: measureGroups).
				for _, x := range form.hits {
					if x.asserted && anyIn(x.agents, by) && !hasHit(h.hits, x) {
						h.hits = append(h.hits, x)
					}
				}
			}
			if !contains(c.KeepForms, form.cat.ID) {
				// Its main actor's reprisal: the form is filed within, and
				// another actor's measure of that form it mentions (the
				// sanctions it retaliates against) is not an event here.
				form.within = c.ID
			}
		}
	}
	return cats
}

func hasHit(hs []hit, x hit) bool {
	for _, h := range hs {
		if h.field == x.field && h.seg == x.seg && h.m.Offset == x.m.Offset {
			return true
		}
	}
	return false
}

// actorShareOfTop is the share of the strongest actor's evidence another
// actor needs to act in a category's measure too (China and Hong Kong
// both refusing the BN(O) passport, the second reported further down).
const actorShareOfTop = 0.25

// actors returns the category's acting actors, strongest first: those
// whose evidence weighs at least actorShareOfTop of the strongest's.
func (c *scored) actors() []string {
	var top float64
	for a, w := range c.agentWeight {
		if a != unknownActor {
			top = max(top, w)
		}
	}
	var out []string
	for a, w := range c.agentWeight {
		if a != unknownActor && w >= actorShareOfTop*top && top > 0 {
			out = append(out, a)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if c.agentWeight[out[i]] != c.agentWeight[out[j]] {
			return c.agentWeight[out[i]] > c.agentWeight[out[j]]
		}
		// Ties: who acts first, title before text.
		if a, b := c.firstEvidence(out[i]), c.firstEvidence(out[j]); a != b {
			return a < b
		}
		// Then as the page names them ("Canada, Australia and Britain").
		if a, b := firstMention([]model.Match{c.agentRefs[out[i]]}), firstMention([]model.Match{c.agentRefs[out[j]]}); a != b {
			return a < b
		}
		return out[i] < out[j]
	})
	if w, ok := c.agentWeight[unknownActor]; ok && w > top {
		return []string{UnknownActor} // a government the taxonomy does not know acts
	}
	return out
}

// inOpening reports whether the category has evidence in the title or
// the opening paragraph (the first one when none is long enough to be).
func (c *scored) inOpening(text *field) bool {
	hasLead := false
	for _, sg := range text.segs {
		hasLead = hasLead || sg.lead
	}
	for _, h := range c.hits {
		if h.field == FieldTitle {
			return true
		}
		if sg := text.segs[h.seg]; sg.lead || !hasLead && sg.para == text.segs[0].para {
			return true
		}
	}
	return false
}

// firstEvidence ranks where an actor first acts in the category's
// evidence: the title before the text, earlier before later.
func (c *scored) firstEvidence(actor string) int {
	best := 1 << 62
	for _, h := range c.hits {
		if !h.asserted || !contains(h.agents, actor) {
			continue
		}
		pos := h.m.Offset
		if h.field != FieldTitle {
			pos += 1 << 40
		}
		best = min(best, pos)
	}
	return best
}

func (c *scored) asserted() bool {
	for _, h := range c.hits {
		if h.asserted {
			return true
		}
	}
	return false
}

// agentMatch is the note that actor a acts in the category's measure
// (rule RuleActorPrefix or RuleAlsoPrefix), placed where the page names
// it acting.
func (c *scored) agentMatch(a, rule string) model.Match {
	m := c.agentRefs[a]
	m.Rule = rule + a
	return m
}

// measureGroups splits the category's acting actors (actors) into the
// main measure's, the strongest actor's and of those acting with it in
// one of its sentences (a joint statement's signers), and the others,
// who take a measure of the category on their own. Another actor's own
// measure counts only where the page reports it as its news: the actor
// acts in the title or the opening, or the opening's evidence names no
// one ("Foreign governments condemn ..."); and never when the main
// measure is aimed at it (a reprisal against the suspension it answers).
// Elsewhere it is a recollection or a comparison: no actor of the page's
// measure, and no measure of the page.
func (c *scored) measureGroups(an map[string]*roleAnalyzer) (main, others []string) {
	acting := c.actors()
	if len(acting) <= 1 {
		return acting, nil
	}
	issuer := acting[0]
	with := map[string]bool{issuer: true}
	targeted := map[string]bool{}
	inOpening := map[string]bool{}
	anonymous, issuerOpens := false, false
	var groups [][]string // several actors acting in one sentence of the opening
	for _, h := range c.hits {
		if !h.asserted {
			continue
		}
		if h.opening {
			var named []string
			for _, a := range h.agents {
				// An act's owner in the opening may be what the page
				// reacts to ("US advisory 'fearmongering', government
				// says"): not news of its own.
				inOpening[a] = inOpening[a] || !h.owned
				if a != unknownActor {
					named = append(named, a)
				}
			}
			// "Foreign governments condemn ...": the opening speaks of
			// governments it names further down.
			anonymous = anonymous || len(named) == 0 && collectiveRE.MatchString(an[h.field].segText(h.seg))
			issuerOpens = issuerOpens || contains(named, issuer)
			if len(named) > 1 {
				groups = append(groups, named)
			}
		}
		if contains(h.agents, issuer) {
			for _, a := range h.agents {
				with[a] = true
			}
			for _, a := range an[h.field].targets(h.seg) {
				targeted[a] = true
			}
		}
	}
	if issuerOpens {
		// Governments acting together in the opening sign what the
		// issuer does there: the members who issue a joint statement
		// the headline gives to the G7.
		for _, g := range groups {
			for _, a := range g {
				with[a] = true
			}
		}
	}
	for _, a := range acting {
		switch {
		case a == issuer:
			main = append(main, a)
		case targeted[a]:
			// What the issuer's measure is aimed at does not take it.
		case with[a]:
			main = append(main, a)
		case inOpening[a] || anonymous:
			others = append(others, a)
		}
	}
	return main, others
}

// takes reports whether the actors of an evidence sentence take the
// measure it reports: any actor, or one of the category's issuers. A
// foreign ministry on Hong Kong's arrests reports them, and its
// sentence's outrage is a reaction of its own.
func takes(c *Category, h hit) bool {
	if len(c.Issuers) == 0 {
		return true
	}
	return anyIn(h.agents, c.Issuers)
}

// nonAssertedShare is what evidence counts when the sentence only
// mentions the measure: as a reason, a hypothesis or a reaction's object.
const nonAssertedShare = 0.5

func (t *Tagger) category(cc *compiledCategory, an map[string]*roleAnalyzer, fields ...*field) (scored, bool) {
	c := cc.cat
	type segKey struct {
		field string
		seg   int
	}
	best := map[segKey]float64{}
	var hits []hit
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
				an[f.name].ignoreReactions = c.YieldsToMeasures
				agents, asserted := an[f.name].agents(seg, s.start, s.end)
				an[f.name].ignoreReactions = false
				threat, owned := an[f.name].threat, an[f.name].owned
				if c.YieldsToMeasures {
					// A reaction is whoever says it: the sentence's speaker,
					// or on a government's own page the government ("The
					// Party has forced its law on the city" on a State
					// Department page is the State Department's).
					if sp := an[f.name].sayers(seg, s.start); len(sp) > 0 {
						agents, owned = sp, false
					} else if v := an[f.name].speaker; v != "" {
						agents, owned = []string{v}, false
					}
				}
				if len(agents) == 0 && an[f.name].speaker != "" {
					// On a government's own page, what no one in the
					// sentence says or does is the government's.
					agents = []string{an[f.name].speaker}
				}
				if c.ProtagonistsOnly && f.name == FieldText && !f.segs[seg].lead && len(f.protagonists) > 0 && !anyIn(agents, f.protagonists) {
					continue // a reaction the report quotes, not its subject
				}
				if c.YieldsToMeasures && f.name == FieldText && len(agents) > 0 && allIn(agents, f.measureTakers) {
					continue // the measure's taker explaining it
				}
				hs = append(hs, hit{
					m:        model.Match{Phrase: p.text, Field: f.name, Offset: s.start, Rule: rule},
					field:    f.name,
					seg:      seg,
					weight:   weightOf(seg),
					agents:   agents,
					asserted: asserted,
					threat:   threat,
					owned:    owned,
					opening:  f.name == FieldTitle || f.segs[seg].lead,
				})
			}
			return hs
		}
		count := func(h hit, w float64) {
			if !h.asserted {
				w *= nonAssertedShare
			}
			k := segKey{f.name, h.seg}
			best[k] = max(best[k], w)
		}
		for i := range cc.any {
			for _, h := range find(&cc.any[i], "any") {
				count(h, h.weight)
				hits = append(hits, h)
			}
		}
		if len(cc.all) > 0 {
			// seg → groups seen, with the hits that satisfied them.
			groups := map[int][]bool{}
			found := map[int][]hit{}
			for gi, g := range cc.all {
				for pi := range g {
					for _, h := range find(&g[pi], fmt.Sprintf("all[%d]", gi)) {
						if groups[h.seg] == nil {
							groups[h.seg] = make([]bool, len(cc.all))
						}
						groups[h.seg][gi] = true
						found[h.seg] = append(found[h.seg], h)
					}
				}
			}
			for seg, seen := range groups {
				if !allTrue(seen) {
					continue
				}
				hs := found[seg]
				// The sentence is asserted when its first phrase is.
				sort.Slice(hs, func(i, j int) bool { return hs[i].m.Offset < hs[j].m.Offset })
				count(hs[0], max(hs[0].weight, allWeight))
				for i := range hs {
					hs[i].asserted = hs[0].asserted
					hs[i].weight = max(hs[i].weight, allWeight)
				}
				hits = append(hits, hs...)
			}
		}
	}
	var score float64
	for _, w := range best {
		score += w
	}
	if score < c.MinScore || score == 0 {
		// Too little to tag; its hits may still be threats (see threats).
		return scored{cat: c, hits: hits}, false
	}
	var evidence []model.Match
	for _, h := range hits {
		m := h.m
		if !h.asserted {
			m.Rule += RuleMentionSuffix
		}
		evidence = append(evidence, m)
	}
	sc := scored{
		tag:         model.Tag{Type: model.TagCategory, Value: c.ID, Score: score, Matches: sortMatches(evidence)},
		cat:         c,
		hits:        hits,
		agentWeight: map[string]float64{},
		agentRefs:   map[string]model.Match{},
	}
	t.weighAgents(&sc, an)
	return sc, true
}

// weighAgents sums, for each actor acting in the category's asserted
// evidence, the strongest weight of each of its sentences. A category
// that only some actors take (prosecutions are Hong Kong's) gives an
// evidence sentence whose actor cannot take it ("Pompeo called the
// arrests an outrage") to the issuer acting in the category's other
// evidence, or else to the first issuer the document names, at half the
// weight: it reports the measure, it does not take it.
func (t *Tagger) weighAgents(sc *scored, an map[string]*roleAnalyzer) {
	type key struct {
		field string
		seg   int
		actor string
	}
	best := map[key]float64{}
	var order []key // where each actor acts, in the order of the evidence
	defer func() {
		for k, w := range best {
			sc.agentWeight[k.actor] += w
		}
		// Where the page names the actor acting; failing that, where it
		// stands for it ("the President", "we") or names it at all, or
		// the publisher who speaks.
		for pass := 0; pass < 2; pass++ {
			for _, k := range order {
				if _, seen := sc.agentRefs[k.actor]; seen {
					continue
				}
				if pass == 0 {
					if r := an[k.field].refOf(k.seg, k.actor); r != nil {
						sc.agentRefs[k.actor] = an[k.field].refMatch(r)
					}
				} else if m, ok := an[k.field].mentionOf(k.seg, k.actor); ok {
					sc.agentRefs[k.actor] = m
				} else if m, ok := an[otherField(k.field)].firstMention(k.actor); ok {
					sc.agentRefs[k.actor] = m
				}
			}
		}
	}()
	add := func(h hit, a string, w float64) {
		k := key{h.field, h.seg, a}
		if _, seen := best[k]; !seen {
			order = append(order, k)
		}
		best[k] = max(best[k], w)
	}
	var reported []hit
	for _, h := range sc.hits {
		if !h.asserted {
			continue
		}
		agents := h.agents
		if len(sc.cat.Issuers) > 0 {
			var ok []string
			for _, a := range agents {
				if contains(sc.cat.Issuers, a) || a == unknownActor {
					ok = append(ok, a)
				}
			}
			if len(ok) == 0 {
				reported = append(reported, h)
				continue
			}
			agents = ok
		}
		for _, a := range agents {
			add(h, a, h.weight)
		}
	}
	if len(reported) == 0 {
		return
	}
	issuer := ""
	var top float64
	for k, w := range best {
		if k.actor != unknownActor && (w > top || w == top && k.actor < issuer) {
			issuer, top = k.actor, w
		}
	}
	if issuer == "" {
		issuer = t.issuerNamed(sc.cat, an)
	}
	for _, h := range reported {
		add(h, issuer, h.weight*nonAssertedShare)
	}
}

// issuerNamed returns the first of a category's issuers the document
// names acting (title first), or else its first issuer.
func (t *Tagger) issuerNamed(c *Category, an map[string]*roleAnalyzer) string {
	for _, f := range []string{FieldTitle, FieldText} {
		a := an[f]
		for seg := range a.f.segs {
			for _, x := range a.actorsActing(seg) {
				if contains(c.Issuers, x) {
					return x
				}
			}
		}
	}
	return c.Issuers[0]
}

// collectiveRE: words for several governments at once, which a headline
// or an opening uses for those it names further down.
var collectiveRE = regexp.MustCompile(`(?i)\b(?:governments|nations|countries|allies|democracies|capitals|powers)\b|各國|各国|多國|多国|西方國家|西方国家`)

// segText is the text of segment seg.
func (a *roleAnalyzer) segText(seg int) string {
	sg := a.f.segs[seg]
	return a.f.text[sg.start:sg.end]
}

func otherField(f string) string {
	if f == FieldTitle {
		return FieldText
	}
	return FieldTitle
}

// refMatch is a mention as evidence: the words as the page has them.
func (a *roleAnalyzer) refMatch(r *ref) model.Match {
	return model.Match{Phrase: a.f.text[r.start:r.end], Field: a.f.name, Offset: r.start}
}

// mentionOf returns where segment seg names actor, or stands for it (a
// pronoun or an office as a clause's subject: "the President", "we");
// else where the field first names it; else the publisher, when the
// actor is the page's voice.
func (a *roleAnalyzer) mentionOf(seg int, actor string) (model.Match, bool) {
	if r := a.refOf(seg, actor); r != nil {
		return a.refMatch(r), true
	}
	if s := a.sentence(seg); s != nil {
		for _, c := range s.clauses {
			if c.subj.end > c.subj.start && contains(c.resolved, actor) {
				return model.Match{Phrase: a.f.text[c.subj.start:c.subj.end], Field: a.f.name, Offset: c.subj.start}, true
			}
		}
	}
	return a.firstMention(actor)
}

// firstMention returns where the field first names actor, or the
// publisher when the actor is the page's voice.
func (a *roleAnalyzer) firstMention(actor string) (model.Match, bool) {
	if !a.allDone {
		a.all, a.allDone = a.t.refsIn(a.f, 0, len(a.f.text), 0), true
	}
	for i := range a.all {
		if a.all[i].actor == actor {
			return a.refMatch(&a.all[i]), true
		}
	}
	if actor == a.speaker && a.publisher.Phrase != "" {
		return a.publisher, true
	}
	return model.Match{}, false
}

// refOf returns the first mention of actor in segment seg.
func (a *roleAnalyzer) refOf(seg int, actor string) *ref {
	if s := a.sentence(seg); s != nil {
		for i := range s.refs {
			if s.refs[i].actor == actor {
				return &s.refs[i]
			}
		}
	}
	return nil
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

// actorTags gives the actors who act in the page's categories, weighted
// by their evidence; a page with no category evidence names its actors
// as the subjects and speakers of its title and opening paragraph. An
// official page's publisher, when it names an actor, is among them.
func (t *Tagger) actorTags(doc *model.Document, cats []scored, an map[string]*roleAnalyzer, title, text *field, voice string, publisher model.Match) []model.Tag {
	weight := map[string]float64{}
	evidence := map[string][]model.Match{}
	// The page's news is in its title and opening: who acts in the
	// categories found there are its actors. A category only the body
	// reports (the reactions a report quotes further down) adds no actor
	// of its own, unless the page has nothing in its opening.
	main := map[string]bool{}
	anyMain := false
	for _, c := range cats {
		if c.asserted() && c.inOpening(text) {
			anyMain = true
			for _, a := range c.actors() {
				main[a] = true
			}
		}
	}
	for _, c := range cats {
		if !c.asserted() {
			continue
		}
		for _, a := range c.actors() {
			if a == UnknownActor || anyMain && !main[a] {
				continue
			}
			weight[a] += c.agentWeight[a]
			evidence[a] = append(evidence[a], c.agentMatch(a, RuleActorPrefix))
		}
	}
	acted := false // some category has someone acting, known or not
	for _, c := range cats {
		acted = acted || len(c.agentWeight) > 0
	}
	if len(weight) == 0 && !acted {
		// No measure: who the title and the opening say acts or speaks.
		for _, f := range []*field{title, text} {
			for seg, sg := range f.segs {
				if f.name == FieldText && !sg.lead {
					continue
				}
				s := an[f.name].sentence(seg)
				if s == nil {
					continue
				}
				w := actorLead
				if f.name == FieldTitle {
					w = actorTitle
				}
				for _, c := range s.clauses {
					for _, a := range append(append([]string{}, c.resolved...), refActors(c.speaker)...) {
						if a == unknownActor {
							continue
						}
						weight[a] += w
						if m, ok := an[f.name].mentionOf(seg, a); ok {
							m.Rule = "subject"
							evidence[a] = append(evidence[a], m)
						}
					}
				}
			}
		}
	}
	if voice != "" {
		weight[voice] += actorPublisher
		publisher.Rule = "publisher"
		evidence[voice] = append(evidence[voice], publisher)
	}
	var tags []model.Tag
	var top float64
	for _, w := range weight {
		top = max(top, w)
	}
	for a, w := range weight {
		if a == unknownActor || w < actorMinScore || w < actorMinOfFirst*top {
			continue
		}
		tags = append(tags, model.Tag{Type: model.TagActor, Value: a, Score: w, Matches: sortMatches(evidence[a])})
	}
	sort.Slice(tags, func(i, j int) bool {
		if tags[i].Score != tags[j].Score {
			return tags[i].Score > tags[j].Score
		}
		if (tags[i].Value == voice) != (tags[j].Value == voice) {
			return tags[i].Value == voice // an official page speaks for its publisher
		}
		return firstMention(tags[i].Matches) < firstMention(tags[j].Matches)
	})
	return tags
}

func refActors(rs []ref) []string {
	var out []string
	for _, r := range rs {
		out = appendUnique(out, r.actor)
	}
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
