package tagging

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"policywatch/model"
	"policywatch/prose"
)

// Who acts? Reports name several governments in one sentence, and the
// first or most frequent is often the target ("Canada, Australia and
// Britain had their treaties suspended by Beijing", "Hong Kong suspends
// agreements with Germany and France", 中方決定對美方人員實施簽證限制).
// The issuer of a measure is the subject of its verb, the agent of a
// passive ("by Beijing"), the owner of an act ("China's decision"), or
// the speaker of a statement; never a target ("sanctions on Chinese
// officials", "treaty with New Zealand"), a place ("in Hong Kong") or a
// dateline ("BERLIN —"). The analysis below reads those roles from the
// surface of the sentence: where its subject ends (the first verb), which
// prepositions precede a name, whether a clause gives a reason or a
// hypothesis rather than reporting an act.

// UnknownActor is the actor a category tag names (with Rule "actor:?")
// when a government the taxonomy does not list takes its measure
// ("Ireland has suspended its extradition treaty"): it acts, so no listed
// actor does, but it has no id of its own. The timeline files no event
// under it.
const UnknownActor = "?"

const unknownActor = UnknownActor

// role is what an actor does in a sentence.
type role uint8

const (
	roleNone    role = iota // named in passing: a place, an owner, a target's country
	roleSubject             // the subject of the clause's verb
	roleSpeaker             // says the sentence ("said Raab", "according to")
	roleAgent               // the agent of a passive ("by Beijing") or the owner of an act
	roleTarget              // what a measure is aimed at
)

// strength says how a name denotes its actor.
type strength uint8

const (
	strong strength = iota // wherever it appears ("Beijing", "State Department")
	weak                   // only heading a subject: a place or an adjective ("Hong Kong said", "Chinese officials")
)

// ref is one actor named in a sentence.
type ref struct {
	actor, phrase string
	span
	strength strength
	role     role
	owner    bool // an agent as the owner of an act ("China's decision"), not by "by"
}

// clause is a stretch of a sentence with its own subject.
type clause struct {
	start     int    // offset in the field
	subject   []ref  // the actors its subject names
	pronoun   bool   // its subject is a pronoun or an office ("the ministry") standing for an actor named before
	first     bool   // the pronoun is "we" or "I": the speaker
	it        bool   // the pronoun is "it": a government only within its sentence ("the ministry said it would")
	head      string // an office standing for an actor: its head word ("council" in "the Council")
	subj      span   // the pronoun or office that is its subject, when it has no name
	none      bool   // its subject names no actor ("Critics say")
	passive   bool   // its verb is passive: the agent follows "by"
	verb      string // its verb, lower case, when read
	speaker   []ref  // who says it, when the clause reports speech
	reason    bool   // the clause gives a reason or a circumstance ("after China passed the law")
	markers   []span // reason and hypothesis words in it
	reactions []span // reaction words in it: what follows is what the reaction is about
	quoted    bool   // inside a quotation
	resolved  []string
}

// sentence is the role analysis of one segment.
type sentence struct {
	refs    []ref
	clauses []clause
	// datelineEnd: the dateline at the start ends here ("BERLIN —").
	datelineEnd int
}

// roleAnalyzer analyses the sentences of one field in order, so that a
// pronoun can stand for the actor of an earlier sentence.
type roleAnalyzer struct {
	t       *Tagger
	f       *field
	cache   map[int]*sentence
	speaker string // the document's voice: an official page's publisher
	// publisher: the site or source name that makes speaker the voice.
	publisher model.Match
	// firstPerson: who "we" is outside quotations: the voice, or the
	// actors the title names as acting or speaking.
	firstPerson []string
	lastDone    int
	last        []string // the agents of the latest sentence analysed
	named       []ref    // every actor named so far, in order
	all         []ref    // every actor named in the field, found once
	allDone     bool
	// ignoreReactions: the evidence read is itself a reaction ("called
	// the arrests an outrage"), which a reaction word does not discount.
	ignoreReactions bool
	// threat: the last evidence agents read is a measure threatened,
	// considered or planned ("the United States was considering
	// sanctions"), which is a statement of whoever threatens it.
	threat bool
	// owned: the last evidence agents read are only the owners of the
	// act ("US sanctions 'shameless'"), which a headline may name as what
	// another reacts to.
	owned bool
}

func (t *Tagger) newRoleAnalyzer(f *field, speaker string) *roleAnalyzer {
	return &roleAnalyzer{t: t, f: f, cache: map[int]*sentence{}, speaker: speaker, lastDone: -1}
}

// sentence returns the analysis of segment seg, analysing the segments
// before it first so pronouns resolve.
func (a *roleAnalyzer) sentence(seg int) *sentence {
	for i := a.lastDone + 1; i <= seg; i++ {
		a.cache[i] = a.analyse(i)
		a.lastDone = i
	}
	return a.cache[seg]
}

// agents returns who acts in the evidence at offset off of segment seg,
// and whether the sentence reports the act as done (or announced) rather
// than as a reason, a hypothesis, or the object of a reaction.
func (a *roleAnalyzer) agents(seg, off, end int) (actors []string, asserted bool) {
	s := a.sentence(seg)
	if s == nil {
		return nil, true
	}
	ci := -1
	for i, c := range s.clauses {
		if c.start <= off {
			ci = i
		}
	}
	// The clause that governs the evidence: the nearest one back with a
	// subject of its own (a quotation or a "by" phrase splits a clause
	// without starting a new one). Its reason, hypothesis and reaction
	// words before the evidence make it a mention, not a report.
	gov := ci
	for gov > 0 && len(s.clauses[gov].subject) == 0 && !s.clauses[gov].pronoun && !s.clauses[gov].passive && !s.clauses[gov].none {
		gov--
	}
	// A reaction before a "by" phrase with words between governs it:
	// "objects to so-called sanctions by the US" names who sanctions,
	// not who objects ("condemned by the US" has nothing between).
	reactedTo := func(r ref) bool {
		if ci < 0 || strings.TrimSpace(a.f.text[end:r.start]) == "" {
			return false
		}
		for i := gov; i <= ci; i++ {
			for _, m := range s.clauses[i].reactions {
				if m.end <= r.start {
					return true
				}
			}
		}
		return reactionRE.MatchString(a.f.text[off:r.start])
	}
	// A passive's agent or an act's owner next to the evidence, with the
	// agents listed after it ("by Canada, Australia and the UK").
	byPhrase, ownedOnly := false, true
	defer func() { a.owned = len(actors) > 0 && !byPhrase && ownedOnly }()
	for i, r := range s.refs {
		if r.role != roleAgent {
			continue
		}
		if !r.owner && r.start >= end && r.start-end <= 60 && !strings.ContainsAny(a.f.text[end:r.start], ";,") &&
			len(strings.Fields(a.f.text[end:r.start])) <= 5 && // "sanctions introduced unreasonably by the US"
			!reactionRE.MatchString(a.f.text[end:r.start]) && // not "a bill denounced by Beijing"
			!reactedTo(r) ||
			r.owner && r.end <= off && off-r.end <= 30 {
			byPhrase = byPhrase || !r.owner
			actors = appendUnique(actors, r.actor)
			for j := i + 1; !r.owner && j < len(s.refs) && s.refs[j].role == roleAgent &&
				listContinues(a.f.text[s.refs[j-1].end:s.refs[j].start]); j++ {
				actors = appendUnique(actors, s.refs[j].actor)
			}
		}
	}
	if ci < 0 {
		return actors, true
	}
	asserted = true
	a.threat = false
	threat := false
	for i := gov; i <= ci; i++ {
		c := s.clauses[i]
		if c.reason {
			asserted = false
		}
		for _, m := range c.markers {
			if m.end <= off {
				asserted = false
				threat = threat || threatRE.MatchString(a.f.text[m.start:m.end])
			}
		}
	}
	if a.reactionBefore(s, gov, ci, off) {
		asserted = false
	} else if !asserted && threat {
		for i := gov; i <= ci; i++ {
			threat = threat && !s.clauses[i].reason
		}
		a.threat = threat
	}
	if len(actors) > 0 {
		return actors, asserted
	}
	ownedOnly = false
	// The clause's own subject, or the nearest earlier one in the sentence
	// ("Beijing suspended the treaty and imposed sanctions"), or who
	// speaks.
	for i := ci; i >= 0; i-- {
		c := s.clauses[i]
		if len(c.resolved) > 0 {
			return c.resolved, asserted
		}
		if c.none {
			break
		}
	}
	for i := ci; i >= 0; i-- {
		for _, r := range s.clauses[i].speaker {
			actors = appendUnique(actors, r.actor)
		}
		if len(actors) > 0 {
			return actors, asserted
		}
	}
	return nil, asserted
}

// reactionBefore reports whether a reaction word governs the evidence at
// off: what a reaction is about is mentioned, not reported.
func (a *roleAnalyzer) reactionBefore(s *sentence, gov, ci, off int) bool {
	if a.ignoreReactions {
		return false
	}
	for i := gov; i <= ci; i++ {
		for _, m := range s.clauses[i].reactions {
			if m.end <= off {
				return true
			}
		}
	}
	return false
}

// actorsActing returns the actors a sentence names as subjects, agents
// or speakers.
func (a *roleAnalyzer) actorsActing(seg int) []string {
	var out []string
	if s := a.sentence(seg); s != nil {
		for _, c := range s.clauses {
			for _, x := range c.resolved {
				out = appendUnique(out, x)
			}
		}
		for _, r := range s.refs {
			if r.role == roleSpeaker || r.role == roleAgent || r.role == roleSubject {
				out = appendUnique(out, r.actor)
			}
		}
	}
	var kept []string
	for _, x := range out {
		if x != unknownActor {
			kept = append(kept, x)
		}
	}
	return kept
}

// sayingVerbRE: verbs whose subject says something ("issued a joint
// statement", "expressed concern", "condemned", "urged").
var sayingVerbRE = regexp.MustCompile(`^(?:issu|express|voic|condemn|denounc|criticis|criticiz|urg|call|sa[iy]|state|warn|regret|deplor|slam|reject|oppos|protest|welcom|announc|declar|not|stress|reiterat|demand|summon|lodg|publish|releas|adopt|rebuk|lambast|decr|object|describ|accus|spoke|speak|tell|told|hit|respond|repl|argu|insist|vow|pledg|ask)`)

// sayers returns who says the evidence at offset off of segment seg: the
// sentence's speakers, else the subject of a saying verb ("The ministers
// expressed grave concern"), else nil.
func (a *roleAnalyzer) sayers(seg, off int) []string {
	if sp := a.speakers(seg); len(sp) > 0 {
		return sp
	}
	s := a.sentence(seg)
	if s == nil {
		return nil
	}
	ci := -1
	for i, c := range s.clauses {
		if c.start <= off {
			ci = i
		}
	}
	for i := ci; i >= 0; i-- {
		c := s.clauses[i]
		if len(c.resolved) > 0 {
			if sayingVerbRE.MatchString(c.verb) || c.verb == "has" || c.verb == "have" || c.verb == "had" || c.verb == "will" {
				return c.resolved
			}
			return nil
		}
	}
	return nil
}

// speakers returns who a sentence says is speaking.
func (a *roleAnalyzer) speakers(seg int) []string {
	if s := a.sentence(seg); s != nil {
		var out []string
		for _, x := range speakersOf(s) {
			if x != unknownActor {
				out = append(out, x)
			}
		}
		return out
	}
	return nil
}

// targets returns the actors a sentence names as targets.
func (a *roleAnalyzer) targets(seg int) []string {
	var out []string
	if s := a.sentence(seg); s != nil {
		for _, r := range s.refs {
			if r.role == roleTarget {
				out = appendUnique(out, r.actor)
			}
		}
	}
	return out
}

func appendUnique(xs []string, x string) []string {
	for _, v := range xs {
		if v == x {
			return xs
		}
	}
	return append(xs, x)
}

// Patterns of the surface of reporting.
var (
	// A dateline opening a paragraph: "BERLIN —", "HONG KONG (Reuters) -",
	// "TOKYO/TAIPEI —", "LONDON:", "SYDNEY (May 30):", "Washington —",
	// "Brussels, 5 July 2023 (TDI):", "OTTAWA, ON, Feb. 4, 2021 /CNW/ -",
	// "November 12, 2020—Ottawa—", "新华社北京6月30日消息,".
	datelineRE = regexp.MustCompile(`^(?:` +
		`[A-Z][A-Z.'’]*(?:[ /][A-Z][A-Z.'’]*)*(?:,\s*[A-Z]{2})?(?:\s*\([^)]{0,30}\))?(?:,[^—–:]{0,30}?)?(?:\s*/[A-Z]+/)?\s*(?:[—–]+|-{1,2}|:)\s*` +
		`|[A-Z][a-z]+(?: [A-Z][a-z]+)?\s+[—–]+\s+` +
		`|[A-Z][a-z]+(?: [A-Z][a-z]+)?,\s[^:()]{0,30}\([^)]{0,20}\):\s*` +
		`|[A-Z][a-z]+\.? \d{1,2}, \d{4}\s*[—–]+\s*[A-Z][a-z]+\s*[—–]+\s*` +
		`|\S{0,12}?\d{1,2}月\d{1,2}日(?:電|电|消息|讯|訊)[,，]?(?:\s*[(（][^)）]{0,20}[)）])?\s*` +
		`)`)
	// A time or manner phrase before a subject: "On Tuesday,", "In a
	// statement,", "Earlier today (1 July),", "Separately,".
	leadInRE = regexp.MustCompile(`^(?:(?:On|In|Late|Early|Earlier|Later|Last|This|Today|Yesterday|Meanwhile|Separately|However|Also|And|But|Moreover|Additionally|Now|Then|Instead|Nevertheless|Still|Thus|Overall)\b[^,.;:“"]{0,40},\s*|(?:Today|Yesterday|Meanwhile|Separately|Also|And|But|Now|Then|Instead|So)\s+)`)
	// A clause that opens with a preposition or a subordinator gives a
	// circumstance; its subject (if any) follows the comma.
	adverbialRE = regexp.MustCompile(`^(?i:in|on|after|following|amid|despite|under|with|as|since|while|when|although|because|given|according|for|over|before|until|without|in response|in retaliation|due)\b`)
	// Speech: "said", "told reporters", "according to".
	// ("States" is a country's name, not the verb.)
	speechRE = regexp.MustCompile(`\b(?:(?i:said|says|say|told\s+\w+|tells|added|adds|announced|announces|noted|wrote|tweeted|posted|declared|stressed|warned|warns|urged|urges|confirmed|confirms|argued|insisted|explained|commented|responded|replied)|stated|states)\b`)
	// Where a new clause, with its own subject, may start.
	clauseBreakRE = regexp.MustCompile(`(?i)(?:;|:|\s[—–]\s|,\s*(?:and|but|while|as|which|who|whereas)\s|\s(?:that|while|whereas|but|why|because|after|before|since|when|following|amid|once|unless|until)\s|[“"「『]|(?:said|says|told\s+\w+|added|announced|stated|noted|declared|confirmed|warned|argued|stressed)\s+(?:that\s+)?)`)
	// A clause opened by these gives a reason or a circumstance.
	subordinateRE = regexp.MustCompile(`(?i)(?:\s(?:because|after|before|since|following|amid|once|unless|until)\s)$`)
	// Reasons and circumstances: what follows is why or when, not what
	// the clause reports being done.
	reasonRE = regexp.MustCompile(`(?i)\b(?:after|following|in response to|in reaction to|responding to|in retaliation (?:for|against|to)|retaliating against|over|amid|because of|due to|since|in the wake of|as a result of|in connection with|in light of|for (?:their|its|his|her) (?:role|involvement)|involved in|responsible for|pursuant to|in accordance with|under the|under its|under a|in protest (?:at|against|over)|despite)\b`)
	// Hypotheses: threats, plans, proposals, conditions.
	hypothesisRE = regexp.MustCompile(`\b(?:would|could|might|may|should|(?i:if)|(?i:did|does|has|have|had|was|were) not|didn't|hasn't|haven't|(?i:unless|whether|consider|considers|considering|considered|threat|threats|threaten|threatens|threatened|threatening|vow|vows|vowed|plan|plans|planned|planning|intend|intends|seek|seeks|sought|expected to|set to|likely to|call for|calls for|called for|calling for|urge|urges|urged|urging|demand|demands|demanded|proposed|proposal|potential|possible|possibly|reserves? the right|ready to|prepared to|explore|exploring|warned of|risk|could face|to become law))\b`)
	// Threats, plans and considerations among the hypotheses: a measure so
	// spoken of is its speaker's statement.
	threatRE = regexp.MustCompile(`(?i)^(?:consider\w*|threat\w*|vow\w*|plan\w*|intend\w*|ready to|prepared to|reserves? the right|explor\w*|warned of)$`)
	// Reactions: what follows is what the reaction is about.
	reactionRE = regexp.MustCompile(`(?i)\b(?:condemn\w*|denounc\w*|slam\w*|criticis\w*|criticiz\w*|oppos\w*|object\w* to|deplor\w*|regret\w*|reject\w*|hits out at|hit out at|rebuk\w*|protest\w* (?:against|over)|concern\w* (?:over|about|at|regarding)|dismay\w*["”]? (?:at|over|by)|appalled["”]? (?:by|at)|disappoint\w*["”]? (?:at|by|with)|objections? (?:to|over)|outrage\w* (?:at|over)|decr\w+|lambast\w*|describ\w*|(?:^|[^-\w])called (?:the|it|this|these|them|their))\b`)
	// Words that make the names after them targets: "sanctions on",
	// "against", "treaty with", "warns Finland against".
	targetRE = regexp.MustCompile(`(?i)\b(?:against|on|upon|with|targeting|targeted|toward|towards|from|into)\s*$`)
	// Prepositions after which a name is a place or a target, not a
	// subject, inside a subject ("Reaction to the Hong Kong government").
	prepRE = regexp.MustCompile(`(?i)^(?:in|at|to|on|for|with|against|from|by|into|over|about|toward|towards)$`)

	// Chinese: target markers before a name, passive 被, reasons,
	// hypotheses and reactions.
	zhTargetRE     = regexp.MustCompile(`(?:對|对|向|與|与|同|針對|针对|就|給|给|跟|和|及)[^，,。；;：:「」“”]{0,8}$`)
	zhReasonRE     = regexp.MustCompile(`^(?:針對|针对|就|因|由於|由于|回應|回应|鑑於|鉴于|根據|根据|依據|依据|按照|在.{0,12}後|在.{0,12}后)`)
	zhHypothesisRE = regexp.MustCompile(`可能|或將|或将|如果|若|否則|否则|揚言|扬言|威脅|威胁|考慮|考虑|呼籲|呼吁|要求|敦促|不得|將採取|将采取|保留`)
	zhReactionRE   = regexp.MustCompile(`譴責|谴责|反對|反对|批評|批评|抨擊|抨击|不滿|不满|回應|回应`)
	zhSpeechRE     = regexp.MustCompile(`表示|說|说|稱|称|指出|強調|强调|宣布|宣佈|回應|回应|表明`)
	zhBreakRE      = regexp.MustCompile(`[，,；;：:「」“”。]`)
)

// analyse reads the roles of segment seg.
func (a *roleAnalyzer) analyse(seg int) *sentence {
	f := a.f
	if seg < 0 || seg >= len(f.segs) {
		return nil
	}
	sg := f.segs[seg]
	text := f.text[sg.start:sg.end]
	s := &sentence{datelineEnd: sg.start}
	// A dateline opens only a paragraph.
	if seg == 0 || f.segs[seg-1].para != sg.para {
		if loc := datelineRE.FindStringIndex(text); loc != nil && loc[1] < len(text) {
			s.datelineEnd = sg.start + loc[1]
		}
	}
	if !a.allDone {
		// Every name in the field at once: one pass of each name's
		// pattern, not one per sentence.
		a.all, a.allDone = a.t.refsIn(f, 0, len(f.text), 0), true
	}
	for _, r := range a.all {
		if r.start >= s.datelineEnd && r.start < sg.end && r.end <= sg.end {
			s.refs = append(s.refs, r)
		}
	}
	if prose.CountCJK(text) > len(text)/6 {
		a.analyseCJK(s, sg.start, sg.end)
	} else {
		a.analyseLatin(s, sg.start, sg.end, f.name == FieldTitle)
	}
	// Resolve each clause's actors: its subject, or for a pronoun the
	// speaker (inside a quotation) or the actor of the sentence before.
	// The first clause with an actor (not a reason) is what later
	// pronouns stand for.
	var agents []string
	for i := range s.clauses {
		c := &s.clauses[i]
		for _, r := range c.subject {
			c.resolved = appendUnique(c.resolved, r.actor)
		}
		if c.passive {
			// A passive's actor is its agent: "suspended by Beijing".
			end := sg.end
			if i+1 < len(s.clauses) {
				end = s.clauses[i+1].start
			}
			for _, r := range s.refs {
				if r.role == roleAgent && !r.owner && r.start >= c.start && r.start < end {
					c.resolved = appendUnique(c.resolved, r.actor)
				}
			}
		}
		if len(c.resolved) == 0 && c.head != "" {
			// "the Council" after "the Foreign Affairs Council".
			if r, ok := a.namedWithHead(s, c.start, c.head); ok {
				c.resolved = []string{r}
			}
		}
		if len(c.resolved) == 0 && c.it {
			// "It" is a thing more often than a government; it stands for
			// one only after a subject in its own sentence.
			for k := i - 1; k >= 0 && len(c.resolved) == 0; k-- {
				c.resolved = s.clauses[k].resolved
			}
			continue
		}
		if len(c.resolved) == 0 && c.pronoun {
			switch {
			case c.quoted && len(speakersOf(s)) > 0:
				c.resolved = speakersOf(s)
			case c.first && len(a.firstPerson) > 0:
				c.resolved = a.firstPerson
			case c.first && a.speaker != "":
				c.resolved = []string{a.speaker}
			case len(a.last) > 0:
				c.resolved = a.last
			case a.speaker != "":
				c.resolved = []string{a.speaker}
			}
		}
		// What later pronouns stand for: the sentence's first clause, or
		// whoever speaks it; not a clause inside it ("the law that China
		// imposed").
		if i == firstMain(s) {
			agents = append(agents, c.resolved...)
		}
		for _, r := range c.speaker {
			agents = appendUnique(agents, r.actor)
		}
	}
	if len(agents) > 0 {
		a.last = agents
	}
	a.named = append(a.named, s.refs...)
	return s
}

// namedWithHead returns the actor of the latest name before off (in this
// sentence or an earlier one) that ends with head, an office's word.
func (a *roleAnalyzer) namedWithHead(s *sentence, off int, head string) (string, bool) {
	match := func(r ref) bool {
		f := strings.Fields(strings.ToLower(strings.TrimPrefix(r.phrase, "=")))
		return r.actor != unknownActor && len(f) > 1 && f[len(f)-1] == head
	}
	// Subjects and speakers first: "the Government" is the one that has
	// been acting, not one named as an agent in passing.
	for _, acting := range []bool{true, false} {
		for i := len(s.refs) - 1; i >= 0; i-- {
			r := s.refs[i]
			if r.end <= off && match(r) && (!acting || r.role == roleSubject || r.role == roleSpeaker) {
				return r.actor, true
			}
		}
		for i := len(a.named) - 1; i >= 0; i-- {
			r := a.named[i]
			if match(r) && (!acting || r.role == roleSubject || r.role == roleSpeaker) {
				return r.actor, true
			}
		}
	}
	return "", false
}

// determiners that make an office an anaphor: "the ministry", "this
// government", "our government".
var determiners = wordSet(`the its a an this that our their his her`)

// adverbs that stand between a subject and its verb.
var adverbs = wordSet(`also today yesterday now then again still already recently later earlier however
	meanwhile too jointly immediately separately further previously formally officially publicly quickly
	swiftly reportedly repeatedly strongly firmly not never just only even once`)

func isAdverb(w string) bool {
	return adverbs[w] || strings.HasSuffix(w, "ly") && len(w) > 4
}

// lastWords returns the last n words of s.
func lastWords(s string, n int) string {
	ws := strings.Fields(s)
	if len(ws) > n {
		ws = ws[len(ws)-n:]
	}
	return strings.Join(ws, " ")
}

func speakersOf(s *sentence) []string {
	var out []string
	for i := range s.clauses {
		for _, r := range s.clauses[i].speaker {
			out = appendUnique(out, r.actor)
		}
	}
	return out
}

// refsIn finds the actors named in f.text[start:end]: the taxonomy's
// actors by their aliases (strong) and subject-only names (weak), and the
// world's other governments, as unknown. Overlapping names keep the
// longest; names in the dateline and names that only modify a word
// ("US-funded", "Beijing-imposed") are left out.
func (t *Tagger) refsIn(f *field, start, end, datelineEnd int) []ref {
	text, lower := f.text[start:end], f.lower[start:end]
	var out []ref
	add := func(actor, phrase string, s span, st strength) {
		s.start += start
		s.end += start
		if s.start < datelineEnd {
			return
		}
		if s.end < len(f.text) && f.text[s.end] == '-' {
			if r, _ := utf8.DecodeRuneInString(f.text[s.end+1:]); unicode.IsLower(r) {
				return // "US-funded", "Beijing-imposed"
			}
		}
		out = append(out, ref{actor: actor, phrase: phrase, span: s, strength: st})
	}
	for ai := range t.actors {
		ca := &t.actors[ai]
		var mask []span
		for i := range ca.not {
			mask = append(mask, ca.not[i].findLower(text, lower)...)
		}
		for _, group := range []struct {
			ps []phrase
			st strength
		}{{ca.aliases, strong}, {ca.weak, weak}} {
			for pi := range group.ps {
				for _, s := range group.ps[pi].findLower(text, lower) {
					if !overlaps(s, mask) {
						add(ca.actor.ID, group.ps[pi].text, s, group.st)
					}
				}
			}
		}
	}
	for gi := range t.world {
		g := &t.world[gi]
		for _, group := range []struct {
			ps []phrase
			st strength
		}{{g.names, strong}, {g.weak, weak}} {
			for pi := range group.ps {
				for _, s := range group.ps[pi].findLower(text, lower) {
					add(unknownActor, group.ps[pi].text, s, group.st)
				}
			}
		}
	}
	// Longest first; a name inside a longer one ("Republic of China"
	// inside "People's Republic of China") goes.
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].end-out[i].start != out[j].end-out[j].start {
			return out[i].end-out[i].start > out[j].end-out[j].start
		}
		return out[i].start < out[j].start
	})
	var kept []ref
	for _, r := range out {
		clash := false
		for _, k := range kept {
			if r.start < k.end && k.start < r.end {
				clash = true
				break
			}
		}
		if !clash {
			kept = append(kept, r)
		}
	}
	sort.Slice(kept, func(i, j int) bool { return kept[i].start < kept[j].start })
	return kept
}

// word is one word of a sentence with its offsets in the field.
type word struct {
	text       string // without surrounding punctuation
	start, end int
	lower      string
	comma      bool // a comma follows it
}

var wordRE = regexp.MustCompile(`[\p{L}\p{N}][\p{L}\p{N}.'’&/-]*`)

func wordsIn(f *field, start, end int) []word {
	var out []word
	for _, m := range wordRE.FindAllStringIndex(f.text[start:end], -1) {
		w := strings.TrimRight(f.text[start+m[0]:start+m[1]], ".'’-/&")
		if strings.HasSuffix(w, "'s") || strings.HasSuffix(w, "’s") {
			w = w[:len(w)-len("'s")]
			if strings.HasSuffix(f.text[start+m[0]:start+m[1]], "’s") {
				w = strings.TrimSuffix(f.text[start+m[0]:start+m[1]], "’s")
			}
		}
		if w == "" {
			continue
		}
		wd := word{text: w, start: start + m[0], end: start + m[0] + len(w), lower: strings.ToLower(w)}
		rest := f.text[start+m[1] : end]
		wd.comma = strings.HasPrefix(strings.TrimLeft(rest, ")"), ",")
		out = append(out, wd)
	}
	return out
}

// joinLists turns "together with", "along with", "as well as" and
// "joined by" into "and": co-signers listed so are one subject ("The
// Minister of Canada, together with the ministers of Australia and the
// United Kingdom, issued a statement").
func joinLists(ws []word) []word {
	out := ws[:0:0]
	for i := 0; i < len(ws); i++ {
		if i+1 < len(ws) {
			pair := ws[i].lower + " " + ws[i+1].lower
			if pair == "together with" || pair == "along with" || pair == "joined by" {
				out = append(out, word{text: "and", lower: "and", start: ws[i].start, end: ws[i+1].end, comma: ws[i+1].comma})
				i++
				continue
			}
			if pair == "as well" && i+2 < len(ws) && ws[i+2].lower == "as" {
				out = append(out, word{text: "and", lower: "and", start: ws[i].start, end: ws[i+2].end, comma: ws[i+2].comma})
				i += 2
				continue
			}
		}
		out = append(out, ws[i])
	}
	return out
}

// isVerb reports whether w (the i-th word) reads as the verb that ends a
// subject. In a headline every word is capitalised, so case says nothing
// there; in running text a capitalised word is a name.
func isVerb(ws []word, i int, headline bool) bool {
	w := ws[i]
	lw := strings.TrimSuffix(strings.TrimSuffix(w.lower, "'s"), "’s")
	if !headline {
		if r, _ := utf8.DecodeRuneInString(w.text); !unicode.IsLower(r) {
			return false
		}
	}
	if auxiliaries[lw] || irregularVerbs[lw] || verbForms[lw] {
		if i > 0 && (ws[i-1].lower == "the" || ws[i-1].lower == "a" || ws[i-1].lower == "its" || ws[i-1].lower == "their") {
			return false // "the ban", "a sanction", "its move"
		}
		if measureNounVerbs[lw] && !objectFollows(ws, i) {
			return false // "US sanctions on officials", "US sanctions 'shameless'"
		}
		return true
	}
	if !headline && strings.HasSuffix(lw, "ed") && len(lw) > 4 {
		if i > 0 && (ws[i-1].lower == "the" || ws[i-1].lower == "a" || ws[i-1].lower == "an") {
			return false // "the proposed law"
		}
		return true
	}
	return false
}

// objectFollows reports whether the word after ws[i], a plural act noun
// that is also a verb's -s form ("sanctions", "bans", "arrests"), starts
// its object, making it the verb ("US sanctions 11 officials"). Before a
// preposition, an adjective, a comma or nothing it is the noun: reports
// of reactions are headlined so ("US sanctions on officials 'shameless'",
// "Sanctions unlawful, says Beijing").
func objectFollows(ws []word, i int) bool {
	if i+1 >= len(ws) || ws[i].comma {
		return false
	}
	next := ws[i+1].lower
	if nounPrepositions[next] {
		return false
	}
	// A predicate adjective ends its clause ("sanctions shameless,
	// despicable"); one before a noun modifies the object ("bans harmful
	// exports").
	if ws[i+1].comma || i+2 >= len(ws) {
		for _, suffix := range []string{"less", "ful", "ous", "able", "ible", "ive", "ical", "ent", "ant"} {
			if strings.HasSuffix(next, suffix) && len(next) > len(suffix)+2 {
				return false
			}
		}
	}
	return true
}

// measureNounVerbs are measures whose noun is also a verb form ("US
// sanctions", "China bans"): which one a headline means shows in what
// follows (objectFollows). Verbs that take a preposition themselves
// ("judges rule on", "Beijing moves against") are not among them.
var measureNounVerbs = wordSet(`ban bans sanctions curbs arrest arrests order orders offer listing warrants`)

// nounPrepositions follow a measure noun, never its verb's object.
var nounPrepositions = wordSet(`on against over for of in from after targeting imposed announced by are were is was
	will would could may might has have had`)

// analyseLatin reads the clauses of a sentence in a language that spaces
// its words.
func (a *roleAnalyzer) analyseLatin(s *sentence, start, end int, headline bool) {
	f := a.f
	text := f.text
	// Clause starts: the sentence (after its dateline), and every break.
	starts := []int{s.datelineEnd}
	subordinate := map[int]bool{}
	for _, m := range clauseBreakRE.FindAllStringIndex(text[s.datelineEnd:end], -1) {
		at := s.datelineEnd + m[1]
		starts = append(starts, at)
		if subordinateRE.MatchString(text[s.datelineEnd+m[0] : at]) {
			subordinate[at] = true
		}
	}
	quoteDepth := quotedRanges(text, start, end)
	for ci, cs := range starts {
		ce := end
		if ci+1 < len(starts) {
			ce = starts[ci+1]
		}
		c := clause{start: cs, quoted: inRanges(quoteDepth, cs), reason: subordinate[cs]}
		body := text[cs:ce]
		// Reported speech: "said it would stop exports" announces; the
		// "would" is the reporter's tense, not a hypothesis.
		reported := speechRE.MatchString(lastWords(text[start:cs], 3))
		// Reason, hypothesis and reaction words anywhere in the clause.
		for _, re := range []*regexp.Regexp{reasonRE, hypothesisRE} {
			for _, m := range re.FindAllStringIndex(body, -1) {
				if reported && re == hypothesisRE && strings.EqualFold(body[m[0]:m[1]], "would") {
					continue
				}
				c.markers = append(c.markers, span{cs + m[0], cs + m[1]})
			}
		}
		for _, m := range reactionRE.FindAllStringIndex(body, -1) {
			c.reactions = append(c.reactions, span{cs + m[0], cs + m[1]})
		}
		// Skip lead-ins ("On Tuesday,"); a clause opening with a
		// preposition is a circumstance up to its comma.
		p := cs
		for {
			rest := strings.TrimLeft(text[p:ce], " \t“\"'‘(")
			p = ce - len(rest)
			if m := leadInRE.FindStringIndex(rest); m != nil && m[1] > 0 {
				p += m[1]
				continue
			}
			break
		}
		rest := text[p:ce]
		if adverbialRE.MatchString(rest) {
			comma := strings.IndexAny(rest, ",")
			if comma < 0 || comma > 200 {
				c.reason = reasonRE.MatchString(rest[:min(len(rest), 40)])
				a.subjectOf(s, &c, p, ce, headline, true)
				s.clauses = append(s.clauses, c)
				continue
			}
			sub := clause{start: cs, quoted: c.quoted, reason: reasonRE.MatchString(rest[:min(len(rest), 40)]), markers: c.markers,
				reactions: c.reactions}
			a.subjectOf(s, &sub, p, p+comma, headline, true)
			s.clauses = append(s.clauses, sub)
			c.start = p + comma + 1
			var kept []span
			for _, m := range c.markers {
				if m.start >= c.start {
					kept = append(kept, m)
				}
			}
			c.markers = kept
			var keptR []span
			for _, m := range c.reactions {
				if m.start >= c.start {
					keptR = append(keptR, m)
				}
			}
			c.reactions = keptR
			p = c.start
		}
		a.subjectOf(s, &c, p, ce, headline, false)
		s.clauses = append(s.clauses, c)
	}
	a.markTargets(s, start, end)
	a.markAgents(s, start, end)
	a.markSpeakers(s, start, end)
}

// subjectOf finds the subject of the clause starting at p: the words up
// to the first verb. Names in it are the clause's subject; names after a
// preposition inside it ("Reaction to the Hong Kong government") are not;
// a weak name counts only when the subject is headed by an office word or
// a name, or is the name itself.
func (a *roleAnalyzer) subjectOf(s *sentence, c *clause, p, ce int, headline, inner bool) {
	// "US advisory ‘unfounded fearmongering’, government says": after a
	// quotation, who says it is what follows, not a name before it.
	if q := quoteCommaRE.FindAllStringIndex(a.f.text[p:ce], -1); len(q) > 0 {
		if after := p + q[len(q)-1][1]; speechRE.MatchString(firstWords(a.f.text[after:ce], 5)) {
			p = after
		}
	}
	ws := joinLists(wordsIn(a.f, p, ce))
	verb := -1
	for i := range ws {
		if i >= 36 {
			break
		}
		if isVerb(ws, i, headline) {
			verb = i
			break
		}
		if i > 0 && ws[i-1].comma && !inner && !isCapitalised(ws[i].text) && !npWords[ws[i].lower] && !isAdverb(ws[i].lower) {
			break // ", meanwhile"
		}
	}
	if verb <= 0 {
		// No verb (a fragment), or the clause opens with one ("and
		// imposed sanctions"): the subject is an earlier clause's.
		return
	}
	c.verb = ws[verb].lower
	npEnd := ws[verb].start
	// Head: the last word before the first preposition, leaving out
	// adverbs before the verb ("the government also said").
	last := verb - 1
	for last > 0 && isAdverb(ws[last].lower) {
		last--
	}
	head := last
	for i := 0; i < last; i++ {
		if i > 0 && prepRE.MatchString(ws[i].lower) {
			head = i - 1
			break
		}
	}
	headWord := ws[head]
	// Names after a preposition are places and objects ("Reaction to the
	// Hong Kong government"), except after "for" ("a spokesman for the
	// Chinese embassy") and, for a court, police or government, "in" ("a
	// court in Hong Kong": Hong Kong's court, where an embassy in Helsinki
	// is not Finland's).
	prepAt := npEnd
	for i := 1; i < verb; i++ {
		if prepRE.MatchString(ws[i].lower) && ws[i].lower != "for" &&
			!(ws[i].lower == "in" && domesticOffice(ws[i-1].lower)) {
			prepAt = ws[i].start
			break
		}
	}
	// A passive's subject is what the act is done to ("Six officials
	// were designated", "Canada had its treaty suspended by Beijing"); its
	// agent, if any, follows "by".
	if passive(ws, verb, headline) {
		c.none, c.passive = true, true
		return
	}
	if last == 0 && pronouns[ws[0].lower] { // "He also condemned"
		c.pronoun = true
		c.subj = span{ws[0].start, ws[0].end}
		c.first = ws[0].lower == "we" || ws[0].lower == "i"
		c.it = ws[0].lower == "it"
		return
	}
	found := false
	for i := range s.refs {
		r := &s.refs[i]
		if r.start < p || r.end > npEnd || r.start >= prepAt {
			continue
		}
		if r.strength == weak {
			headOK := officeWords[headWord.lower] || r.end >= headWord.start ||
				isCapitalised(headWord.text) && headWord.start > r.end && !headline && !thingWords[strings.ToLower(strings.Trim(headWord.text, "“”\"'"))]
			if !headOK {
				continue
			}
		}
		r.role = roleSubject
		c.subject = append(c.subject, *r)
		found = true
	}
	if found {
		return
	}
	// "The ministry said", "The government will": an office standing for
	// the actor of the sentences before.
	if officeWords[headWord.lower] && !peopleWords[headWord.lower] && determiners[ws[0].lower] && head <= 3 {
		c.pronoun, c.head = true, headWord.lower
		c.subj = span{ws[0].start, headWord.end}
		return
	}
	c.none = true
}

// quoteCommaRE: a quotation closed and followed by a comma.
var quoteCommaRE = regexp.MustCompile(`[’”"'],\s*`)

// domesticOffice: an office that is its country's wherever named
// ("the court in Hong Kong"), unlike an embassy abroad.
func domesticOffice(w string) bool {
	return officeWords[w] && !diplomaticWords[w]
}

var diplomaticWords = wordSet(`embassy consulate mission ambassador envoy consul diplomat diplomats delegation`)

// beForms are the verbs of a passive, with "get" ("got arrested").
var beForms = wordSet(`is are was were be been being get gets got 's`)

// participle reports whether w reads as a past participle.
func participle(w string) bool {
	return strings.HasSuffix(w, "ed") && len(w) > 4 || irregularVerbs[w] && w != "said" ||
		strings.HasSuffix(w, "en") && verbForms[strings.TrimSuffix(w, "n")] // "taken", "given"
}

// passive reports whether the verb group starting at ws[verb] is passive:
// a form of "be" before a participle ("were designated", "has been
// suspended"), "have" with an object before a participle ("had their
// treaties suspended"), or in a headline a bare participle ("Six
// Officials Designated").
func passive(ws []word, verb int, headline bool) bool {
	i := verb
	if headline && participle(ws[i].lower) && !auxiliaries[ws[i].lower] {
		return true
	}
	lw := ws[i].lower
	if lw == "has" || lw == "have" || lw == "had" || lw == "will" || lw == "would" || lw == "may" || lw == "could" {
		if i+1 < len(ws) && (ws[i+1].lower == "been" || ws[i+1].lower == "be") {
			i++
		} else if lw == "has" || lw == "have" || lw == "had" {
			// "had their treaties suspended": have + object + participle.
			for j := i + 1; j < len(ws) && j <= i+8; j++ {
				if j > i+1 && participle(ws[j].lower) {
					return ws[i+1].lower == "their" || ws[i+1].lower == "its" || ws[i+1].lower == "his" || ws[i+1].lower == "her"
				}
			}
			return false
		}
	}
	if !beForms[ws[i].lower] {
		return false
	}
	for j := i + 1; j < len(ws) && j <= i+3; j++ {
		if isAdverb(ws[j].lower) {
			continue
		}
		return participle(ws[j].lower)
	}
	return false
}

func isCapitalised(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r) || unicode.IsDigit(r)
}

// markTargets marks the names a target word governs, up to five words
// before them, and the names listed after a target ("with Germany and
// France").
func (a *roleAnalyzer) markTargets(s *sentence, start, end int) {
	text := a.f.text
	for i := range s.refs {
		r := &s.refs[i]
		if r.role != roleNone {
			continue
		}
		from := max(start, r.start-60)
		before := text[from:r.start]
		// Look back over at most five words without crossing a clause.
		if k := strings.LastIndexAny(before, ";:.!?"); k >= 0 {
			before = before[k+1:]
		}
		ws := strings.Fields(before)
		for n := 0; n <= len(ws) && n <= 5; n++ {
			tail := strings.Join(ws[len(ws)-n:], " ")
			head := strings.Join(ws[:len(ws)-n], " ")
			if n > 0 && strings.ContainsAny(tail, ",") && !listContinues(tail) {
				break
			}
			if n > 0 && hasVerb(ws[len(ws)-n:]) {
				break
			}
			if targetRE.MatchString(head) && !coSignerRE.MatchString(head) {
				r.role = roleTarget
				break
			}
		}
		if r.role == roleNone && i > 0 && s.refs[i-1].role == roleTarget && listContinues(text[s.refs[i-1].end:r.start]) {
			r.role = roleTarget
		}
	}
}

// coSignerRE: "together with", "along with" list co-signers, not targets.
var coSignerRE = regexp.MustCompile(`(?i)\b(?:together|along)\s+with\s*$`)

// listSepRE: what may stand between two names of one list.
var listSepRE = regexp.MustCompile(`(?i)^[\s,]*(?:and|or|as well as|&)?\s*(?:the\s+)?$`)

// listContinues: the words between two names join them in one list.
func listContinues(between string) bool {
	return listSepRE.MatchString(between)
}

func hasVerb(ws []string) bool {
	for _, w := range ws {
		lw := strings.ToLower(strings.Trim(w, ",.;:“”\"'()"))
		if auxiliaries[lw] || irregularVerbs[lw] {
			return true
		}
	}
	return false
}

// byRE: a passive's agent follows "by" after a participle or a noun of
// an act ("adopted by", "imposed by", "sanctions by the US").
var byRE = regexp.MustCompile(`(?i)\b(?:by|on behalf of)(?:\s+(?:the|its|a))?\s*$`)

// markAgents marks passive agents ("suspended by Beijing", "convicted by
// the Hong Kong High Court") and owners of acts ("China's decision",
// "the CPG's imposition of sanctions").
func (a *roleAnalyzer) markAgents(s *sentence, start, end int) {
	text := a.f.text
	for i := range s.refs {
		r := &s.refs[i]
		if r.role == roleSubject {
			continue
		}
		before := text[max(start, r.start-60):r.start]
		ws := strings.Fields(before)
		for n := 0; n <= len(ws) && n <= 3; n++ {
			head := strings.Join(ws[:len(ws)-n], " ")
			if n > 0 && strings.ContainsAny(strings.Join(ws[len(ws)-n:], " "), ",;:") {
				break
			}
			if byRE.MatchString(head) && (r.strength == strong || weakHeaded(text, r, end)) {
				r.role = roleAgent
				break
			}
		}
		if r.role == roleNone && i > 0 && s.refs[i-1].role == roleAgent && !s.refs[i-1].owner &&
			listContinues(text[s.refs[i-1].end:r.start]) {
			r.role = roleAgent // "by Canada, Australia and the United Kingdom"
		}
		if r.role != roleNone && r.role != roleTarget {
			continue
		}
		// Owner of an act: "China's decision", "the Central People's
		// Government's (CPG) imposition of sanctions".
		after := text[r.end:min(end, r.end+50)]
		if m := possessiveRE.FindStringSubmatch(after); m != nil && actionNouns[strings.ToLower(m[1])] {
			if r.role == roleNone {
				r.role, r.owner = roleAgent, true
			}
		}
	}
}

var possessiveRE = regexp.MustCompile(`^['’]s\s+(?:\([^)]{0,12}\)\s+)?(?:(?:new|latest|recent|own|similar|so-called|decision|unilateral|\w+ly)\s+)*([\w-]+)`)

// weakHeaded: a weak name in an agent phrase counts when an office word
// or a name follows it ("by the Hong Kong High Court", "by Chinese
// authorities").
func weakHeaded(text string, r *ref, end int) bool {
	after := strings.Fields(text[r.end:min(end, r.end+40)])
	for i, w := range after {
		if i >= 3 {
			break
		}
		lw := strings.ToLower(strings.Trim(w, ",.;:'’s"))
		if officeWords[lw] {
			return true
		}
	}
	return false
}

// subjectSays reports whether r heads a clause whose verb is one of
// speech: every name of a long subject speaks ("Canada, Australia, the
// United Kingdom and the United States said").
func subjectSays(s *sentence, r ref) bool {
	for _, c := range s.clauses {
		for _, x := range c.subject {
			if x.start == r.start && c.verb != "" && speechRE.MatchString(c.verb) {
				return true
			}
		}
	}
	return false
}

// markSpeakers finds who speaks: "said Raab", "according to X", and the
// speaker of a quotation ("“...,” Pompeo said.").
func (a *roleAnalyzer) markSpeakers(s *sentence, start, end int) {
	text := a.f.text
	for i := range s.refs {
		r := &s.refs[i]
		if r.role == roleTarget || r.role == roleAgent {
			continue
		}
		before := text[max(start, r.start-40):r.start]
		after := text[r.end:min(end, r.end+80)]
		speaking := saidBeforeRE.MatchString(before) ||
			r.role == roleSubject && (speechRE.MatchString(firstWords(after, 8)) || subjectSays(s, *r)) ||
			r.role == roleNone && !afterPrep(before) && saidAfterRE.MatchString(after)
		if !speaking {
			continue
		}
		if r.strength == weak && r.role != roleSubject && !weakHeaded(text, r, end) {
			continue
		}
		if r.role == roleNone {
			r.role = roleSpeaker
		}
		// The speaker speaks the whole sentence.
		for k := range s.clauses {
			s.clauses[k].speaker = append(s.clauses[k].speaker, *r)
		}
	}
	// A headline without a verb names its speaker: "UK statement",
	// "G7 Foreign Ministers' Statement", "Foreign Secretary's statement".
	if a.f.name == FieldTitle && !hasSubject(s) {
		for i := range s.refs {
			r := &s.refs[i]
			if r.role != roleNone || afterPrep(text[start:r.start]) {
				continue
			}
			if r.strength == weak && !weakHeaded(text, r, end) && !statementAfter(text[r.end:end]) {
				continue
			}
			if ownsActAfter(text[r.end:end]) {
				continue // "US sanctions 'shameless'": the sanctions are the US's, the words are not
			}
			r.role = roleSpeaker
			for c := range s.clauses {
				s.clauses[c].speaker = append(s.clauses[c].speaker, *r)
			}
		}
	}
	// "Pompeo: US considering sanctions" - a headline's speaker.
	if a.f.name == FieldTitle {
		if k := strings.Index(text[start:end], ":"); k > 0 && k < 40 {
			for i := range s.refs {
				if s.refs[i].end <= start+k && s.refs[i].strength == strong {
					for c := range s.clauses {
						s.clauses[c].speaker = append(s.clauses[c].speaker, s.refs[i])
					}
				}
			}
		}
	}
}

// ownsActAfter reports whether the words after a name make it the owner
// of an act ("US sanctions", "China's law") other than something said: a
// verbless headline's speaker names what it says ("UK statement",
// "China's response"), not a measure the rest of the headline judges.
func ownsActAfter(after string) bool {
	words := strings.Fields(after)
	if len(words) == 0 {
		return false
	}
	first := strings.ToLower(strings.Trim(words[0], `"'‘’“”,:;()`))
	first = strings.TrimPrefix(strings.TrimPrefix(first, "’s"), "'s")
	if first == "" && len(words) > 1 {
		first = strings.ToLower(strings.Trim(words[1], `"'‘’“”,:;()`))
	}
	return actionNouns[first] && !saidNouns[first]
}

// saidNouns are act nouns for what is said.
var saidNouns = wordSet(`statement declaration condemnation response announcement report`)

// saidBeforeRE: "said Raab", "according to the State Department".
var saidBeforeRE = regexp.MustCompile(`(?i)(?:\b(?:said|says|added|according to|wrote|tweeted|stated)\s+(?:the\s+)?(?:[A-Z][\w.'’-]*\s+){0,4})$`)

// saidAfterRE: a name closely followed by a verb of speech ("organisers
// said", "the United States said on Friday").
var saidAfterRE = regexp.MustCompile(`(?i)^(?:['’]s)?(?:\s+[A-Z][\w.'’-]*){0,3},?\s+(?:also\s+)?(?:said|says|told|stated|added|announced|declared|warned|confirmed)\b`)

// afterPrep: the words before a name end with a preposition, which makes
// the name its object ("sanctions on China said to be...").
func afterPrep(before string) bool {
	ws := strings.Fields(before)
	for len(ws) > 0 && (strings.EqualFold(ws[len(ws)-1], "the") || strings.EqualFold(ws[len(ws)-1], "a")) {
		ws = ws[:len(ws)-1]
	}
	return len(ws) > 0 && prepRE.MatchString(strings.ToLower(strings.Trim(ws[len(ws)-1], ",.;:")))
}

func firstWords(s string, n int) string {
	ws := strings.Fields(s)
	if len(ws) > n {
		ws = ws[:n]
	}
	return strings.Join(ws, " ")
}

// quotedRanges returns the spans of [start, end) inside quotation marks.
func quotedRanges(text string, start, end int) []span {
	var out []span
	open := -1
	for i, r := range text[start:end] {
		switch r {
		case '“', '「', '『':
			open = start + i
		case '”', '」', '』':
			if open >= 0 {
				out = append(out, span{open, start + i})
				open = -1
			}
		case '"':
			if open >= 0 {
				out = append(out, span{open, start + i})
				open = -1
			} else {
				open = start + i
			}
		}
	}
	if open >= 0 {
		out = append(out, span{open, end})
	}
	return out
}

func inRanges(rs []span, off int) bool {
	for _, r := range rs {
		if off > r.start && off < r.end {
			return true
		}
	}
	return false
}

// analyseCJK reads the clauses of a Chinese or Japanese sentence: a
// clause runs between punctuation marks; its subject is the first name
// at its start that no target marker (對, 向, 與, 針對…) governs; 被
// marks a passive's agent; 表示, 稱, 宣布 mark a speaker.
func (a *roleAnalyzer) analyseCJK(s *sentence, start, end int) {
	text := a.f.text
	starts := []int{s.datelineEnd}
	for _, m := range zhBreakRE.FindAllStringIndex(text[s.datelineEnd:end], -1) {
		starts = append(starts, s.datelineEnd+m[1])
	}
	for i := range s.refs {
		r := &s.refs[i]
		before := text[max(start, r.start-24):r.start]
		if zhTargetRE.MatchString(before) {
			r.role = roleTarget
		} else if strings.HasSuffix(before, "被") {
			r.role = roleAgent
		}
	}
	var lastSubject []ref
	for ci, cs := range starts {
		ce := end
		if ci+1 < len(starts) {
			ce = starts[ci+1]
		}
		body := text[cs:ce]
		c := clause{start: cs, reason: zhReasonRE.MatchString(body)}
		for _, m := range zhHypothesisRE.FindAllStringIndex(body, -1) {
			c.markers = append(c.markers, span{cs + m[0], cs + m[1]})
		}
		for _, m := range zhReactionRE.FindAllStringIndex(body, -1) {
			c.reactions = append(c.reactions, span{cs + m[0], cs + m[1]})
		}
		for i := range s.refs {
			r := &s.refs[i]
			if r.start < cs || r.start >= ce || r.role != roleNone {
				continue
			}
			// The subject opens the clause: at most a few characters
			// (a time word, an office) before it, and it is not inside a
			// title in 《》.
			if len([]rune(text[cs:r.start])) > 8 || strings.Count(text[cs:r.start], "《") > strings.Count(text[cs:r.start], "》") {
				continue
			}
			r.role = roleSubject
			c.subject = append(c.subject, *r)
			break // the first name opens the clause; later ones are its objects
		}
		if len(c.subject) > 0 {
			lastSubject = c.subject
			if zhSpeechRE.MatchString(body) {
				c.speaker = append(c.speaker, c.subject...)
			}
		} else if len(lastSubject) > 0 && !c.reason {
			// A clause without its own subject continues the last one
			// ("香港警察國安處，10號…，高調逮捕…").
			c.subject = lastSubject
		}
		s.clauses = append(s.clauses, c)
	}
}

// firstMain returns the index of the sentence's first clause that is not
// a circumstance ("After China passed the law, Canada acted").
func firstMain(s *sentence) int {
	for i, c := range s.clauses {
		if !c.reason {
			return i
		}
	}
	return -1
}

// hasSubject reports whether some clause of the sentence has a subject,
// a passive or a pronoun: whether it has a verb that was read.
func hasSubject(s *sentence) bool {
	for _, c := range s.clauses {
		if len(c.subject) > 0 || c.pronoun || c.passive || c.none {
			return true
		}
	}
	return false
}

var statementAfterRE = regexp.MustCompile(`(?i)^(?:['’]s?)?(?:\s+[\w'’-]+){0,3}?\s+(?:statement|declaration|remarks)\b`)

// statementAfter: the words after a name make it a statement's author
// ("UK statement", "Ministers' Statement").
func statementAfter(after string) bool {
	return statementAfterRE.MatchString(after)
}
