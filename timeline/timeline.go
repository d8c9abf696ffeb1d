// Package timeline turns tagged documents into events: one measure by one
// actor, of one category, at one time, with the documents that evidence
// it. Official documents date and title an event; news reports join it as
// coverage, dated by what their text says happened ("on Friday"), not by
// when they were published.
package timeline

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"policywatch/model"
	"policywatch/prose"
	"policywatch/tagging"
)

// DefaultGap is how far apart two reports of the same actor and category
// may be and still describe one event.
const DefaultGap = 5 * 24 * time.Hour

// Options tune clustering.
type Options struct {
	// Gap: documents of the same actor and category whose event dates are
	// within Gap of each other form one event (single linkage). Default
	// DefaultGap.
	Gap time.Duration
	// Now stamps Event.UpdatedAt; default time.Now.
	Now func() time.Time
	// MinSimilarity: two documents of one actor and category within Gap
	// describe different measures when the cosine similarity of their
	// titles and opening paragraphs (TF-IDF) is below it, and a document
	// joins the measure it resembles most. Default DefaultMinSimilarity;
	// negative turns the text test off (time alone decides).
	MinSimilarity float64
}

// Confidence of an event date, by where it came from.
const (
	confOfficial        = 0.9  // an official document's own machine-readable date
	confOfficialText    = 0.8  // an official date read from text or URL
	confNewsExplicit    = 0.75 // a news report naming the day ("on July 3")
	confNewsRelative    = 0.65 // a news report's weekday or "yesterday"
	confNewsPub         = ConfidencePublication
	confEffective       = 0.8 // "effective July 14" in a sentence about the measure
	confEffectiveNearby = 0.6 // "the ordinance would take effect on March 23" elsewhere
)

// ConfidencePublication is the confidence of an announced date that is
// only the publication day of a news report naming no day for the
// measure: a report is usually of the day's news, but not always.
const ConfidencePublication = 0.4

// item is one document's evidence for one category.
type item struct {
	doc      *model.Document
	category string
	actor    string   // the issuer: the event's key and first actor
	actors   []string // everyone acting in the measure (a joint statement's signatories)
	// extra: categories of the same announcement that are not measures of
	// their own (the sanctions an order authorises, a reprisal's form).
	extra []string
	// opening: the category's evidence is in the title or the opening
	// paragraph, where reports state their news; a measure only the body
	// of a news report mentions joins other reports' events but makes
	// none.
	opening bool
	// named: the tag names who acts; otherwise the issuer is assumed.
	named    bool
	date     time.Time // event date: official published day or resolved news date
	conf     float64
	passage  string
	official bool
	// own: the measure is the document's issuer's. An official page
	// reporting another actor's measure (a foreign ministry on Hong Kong's
	// arrests) is evidence for that actor's event, dated by its text.
	own    bool
	eff    *effective
	vec    vector // TF-IDF of the title and opening paragraph
	script string // "han" or "latin": vectors compare within one script
	// pos: where the document first states the category, title before
	// text; score: the tag's strength. They rank the categories of one
	// announcement.
	pos   int
	score float64
	// mentionedFirst: the title or opening names the measure, but only as
	// a reason or what a reaction is about.
	mentionedFirst bool
	// commentary: the page is labelled analysis, opinion or an explainer
	// (commentary.go); it looks back on measures, it does not report one.
	commentary bool
}

type effective struct {
	date    time.Time
	passage string
	conf    float64
}

// Cluster groups documents into events. Only documents with a reliable
// date and at least one category and one actor tag take part. A category
// tag names who acts in its measure (tagging.MeasureActors), or else the
// first actor tag, the document's issuer, does. A document tagged with
// several categories joins one event per measure; the categories it only
// mentions (tagging.Mentioned: the sanctions an order authorises, the
// arrests a statement condemns) and the forms of a measure filed under
// another (tagging.Within: a sanction that is China's counter-measure)
// are listed in that event's Categories instead of making events of their
// own. One issuer's measures of one day that the same documents state or
// the same instrument carries are one announcement: an event per
// category, linked by Event.Announcement (announcements, perCategory). A
// news report naming no day for its measure is dated by its publication,
// with ConfidencePublication. Events are returned by date, then key.
func Cluster(docs []model.Document, opts Options) []model.Event {
	if opts.Gap <= 0 {
		opts.Gap = DefaultGap
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MinSimilarity == 0 {
		opts.MinSimilarity = DefaultMinSimilarity
	}
	groups := map[string][]*item{}
	var order []string
	openings := map[*model.Document]string{}
	// Every document, clustered or not, tells which words are common.
	texts := make([]string, 0, len(docs))
	for i := range docs {
		d := &docs[i]
		sents := prose.Sentences(d.Text)
		opening := openingText(d, sents)
		texts = append(texts, opening)
		if !d.HasReliableDate() {
			continue
		}
		actors := d.Actors()
		if len(actors) == 0 {
			continue
		}
		openings[d] = opening
		var own []*item
		var extra []string
		within := map[string][]string{} // category → forms filed under it
		for _, tag := range d.Tags {
			if tag.Type != model.TagCategory {
				continue
			}
			if tagging.Mentioned(tag) {
				extra = append(extra, tag.Value)
				continue
			}
			if w := tagging.Within(tag); w != "" {
				within[w] = append(within[w], tag.Value)
				continue
			}
			it := newItem(d, tag, actors[0], sents)
			if it.actor != tagging.UnknownActor {
				// (A government the taxonomy does not list took it: no
				// known actor's event, though the page stays searchable.)
				own = append(own, it)
			}
			// Other governments' own measures of the kind that the page
			// reports as its news: their events, not more actors of this.
			for _, a := range tagging.OtherMeasureActors(tag) {
				if a != tagging.UnknownActor && a != it.actor {
					own = append(own, newOtherItem(d, tag, a, actors[0], sents))
				}
			}
		}
		// A measure the body reports by the same actor as one the opening
		// reports is part of the same news ("Canada suspends its treaty
		// ... and will also halt exports").
		for _, it := range own {
			for _, o := range own {
				if o.opening && o.actor == it.actor && it.named {
					it.opening = true
				}
			}
		}
		for i, it := range own {
			it.extra = append(it.extra, within[it.category]...)
			if i == 0 {
				// What the page only mentions belongs to its main measure.
				it.extra = append(it.extra, extra...)
			}
			k := it.actor + "/" + it.category
			if _, ok := groups[k]; !ok {
				order = append(order, k)
			}
			groups[k] = append(groups[k], it)
		}
	}
	c := newCorpus(texts)
	vecs := map[*model.Document]vector{}
	for d, t := range openings {
		vecs[d] = c.vector(t)
	}
	now := opts.Now()
	var found [][]*item
	for _, k := range order {
		var clusters [][]*item
		for _, ch := range chain(groups[k], opts.Gap) {
			for _, it := range ch {
				it.vec, it.script = vecs[it.doc], prose.Script(openings[it.doc])
			}
			clusters = append(clusters, separate(ch, opts.Gap, opts.MinSimilarity)...)
		}
		for _, cluster := range clusters {
			// News that reports the measure only in passing, further
			// down, is evidence for an event others report, not one.
			if founds(cluster) {
				found = append(found, cluster)
			}
		}
	}
	var events []model.Event
	keys := map[string]int{}
	unique := func(key string) string {
		// Two events may share a day when Gap is under a day; keep keys unique.
		if n := keys[key]; n > 0 {
			keys[key] = n + 1
			return fmt.Sprintf("%s-%d", key, n+1)
		}
		keys[key] = 1
		return key
	}
	// Every announcement's main event is keyed first, so the key an
	// announcement had as one event stays its main event's key.
	type announcement struct {
		main  model.Event
		items []*item
	}
	var anns []announcement
	for _, clusters := range announcements(found, now) {
		var items []*item
		for _, c := range clusters {
			items = append(items, c...)
		}
		main := build(items, now) // (sorts items as the event ranks them)
		main.Key = unique(main.Key)
		anns = append(anns, announcement{main, items})
	}
	for _, a := range anns {
		for _, ev := range perCategory(a.main, a.items) {
			if ev.Category != a.main.Category {
				ev.Key = unique(ev.Key)
			}
			events = append(events, ev)
		}
	}
	sort.SliceStable(events, func(i, j int) bool {
		if !events[i].Date.Equal(events[j].Date) {
			return events[i].Date.Before(events[j].Date)
		}
		return events[i].Key < events[j].Key
	})
	return events
}

// evidence reports whether a tag's match is a phrase of the category's
// rules, not one of the tagger's notes (who acts, what it only mentions).
func evidence(m model.Match) bool {
	return m.Field != "" && !strings.HasPrefix(m.Rule, tagging.RuleActorPrefix) &&
		!strings.HasPrefix(m.Rule, tagging.RuleAlsoPrefix) &&
		!strings.HasPrefix(m.Rule, tagging.RuleWithinPrefix) && m.Rule != tagging.RuleMentioned
}

// announcements joins the clusters that are one announcement seen under
// several categories: the same issuer, on the same day, stated by the
// same documents (the issuer's own statement, or else the reports that
// make the event) or resting on the same instrument. An executive order
// that ends preferential treatment and a law signed with it that
// authorises sanctions are one announcement of three categories, not
// three unrelated events with one title (perCategory makes its events).
// Two actors' acts on one page stay two announcements (the store links
// events that share a document). It returns each announcement's clusters.
func announcements(clusters [][]*item, now time.Time) [][][]*item {
	type info struct {
		actor, day, instrument string
		founders               map[*model.Document]bool
	}
	infos := make([]info, len(clusters))
	for i, c := range clusters {
		ev := build(c, now)
		in := info{actor: ev.Actors[0], day: ev.Date.Format(time.DateOnly), instrument: ev.Instrument,
			founders: map[*model.Document]bool{}}
		primary := false
		for _, it := range c {
			primary = primary || it.primary()
		}
		for _, it := range c {
			if it.primary() || !primary && (it.official || it.opening) {
				in.founders[it.doc] = true
			}
		}
		infos[i] = in
	}
	parent := make([]int, len(clusters))
	for i := range parent {
		parent[i] = i
	}
	var root func(int) int
	root = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for i := range clusters {
		for j := i + 1; j < len(clusters); j++ {
			a, b := infos[i], infos[j]
			if a.actor != b.actor || a.day != b.day {
				continue
			}
			same := a.instrument != "" && a.instrument == b.instrument
			for d := range a.founders {
				same = same || b.founders[d]
			}
			if same {
				parent[root(j)] = root(i)
			}
		}
	}
	var out [][][]*item
	at := map[int]int{}
	for i, c := range clusters {
		r := root(i)
		if k, ok := at[r]; ok {
			out[k] = append(out[k], c)
			continue
		}
		at[r] = len(out)
		out = append(out, [][]*item{c})
	}
	return out
}

// perCategory makes an announcement's events: one per category that a
// cluster of it founds, each filed under its own category and found by
// it (a measure is a category, an actor and a day), linked to the others
// by the announcement's key, which is main's. They share what the
// announcement has (title, date, actors, instrument, documents, every
// category) and cite, for each document, the passage stating their own
// category where the document states it. items are the announcement's
// evidence in the order build ranked them.
//
// A category the announcement only lists (what a statement mentions, the
// form a counter-measure takes) makes no event of its own: it was never
// clustered as this actor's measure.
func perCategory(main model.Event, items []*item) []model.Event {
	main.Announcement = main.Key
	var cats []string
	for _, c := range eventCategories(main) {
		for _, it := range items {
			if it.category == c {
				cats = append(cats, c)
				break
			}
		}
	}
	actor, date := strings.SplitN(main.Key, "/", 2)[0], main.Date.Format(time.DateOnly)
	out := make([]model.Event, 0, len(cats))
	for _, c := range cats {
		ev := main
		ev.Category = c
		if c != main.Category {
			ev.Key = fmt.Sprintf("%s/%s/%s", actor, c, date)
		}
		ev.Categories = slices.Clone(main.Categories)
		ev.Actors = slices.Clone(main.Actors)
		// The passage of each document that states this category.
		passage := map[int64]string{}
		var own []*item
		for _, it := range items {
			if it.category != c {
				continue
			}
			own = append(own, it)
			if _, ok := passage[it.doc.ID]; !ok && it.passage != "" {
				passage[it.doc.ID] = it.passage
			}
		}
		ev.Documents = slices.Clone(main.Documents)
		for i, d := range ev.Documents {
			if p, ok := passage[d.DocumentID]; ok {
				ev.Documents[i].Passage = p
			}
		}
		ev.Dates = slices.Clone(main.Dates)
		for i, d := range ev.Dates {
			switch d.Kind {
			case model.DateAnnounced:
				// The day stays the announcement's; its source is the
				// first document stating this category on that day.
				if it := firstOn(own, d.DocumentID, main.Date); it != nil {
					ev.Dates[i].DocumentID, ev.Dates[i].Passage, ev.Dates[i].Confidence = it.doc.ID, it.passage, it.conf
				}
			case model.DateEffective:
				for _, it := range own {
					if it.eff != nil {
						ev.Dates[i] = model.EventDate{Kind: model.DateEffective, Date: it.eff.date, DocumentID: it.doc.ID,
							Passage: it.eff.passage, Confidence: it.eff.conf}
						break
					}
				}
			}
		}
		out = append(out, ev)
	}
	return out
}

// firstOn is the item of items from document doc, or else the first one
// dated day; nil when none is.
func firstOn(items []*item, doc int64, day time.Time) *item {
	for _, it := range items {
		if it.doc.ID == doc && it.date.Equal(day) {
			return it
		}
	}
	for _, it := range items {
		if it.date.Equal(day) {
			return it
		}
	}
	return nil
}

// eventCategories is an event's categories, main first.
func eventCategories(e model.Event) []string {
	if len(e.Categories) > 0 {
		return e.Categories
	}
	return []string{e.Category}
}

// categories ranks the categories of an event's items: the one its first
// document (the issuer's own statement, when there is one) states first,
// in its title before its text; then by the strength of that
// document's tags. An announcement is filed, and keyed, under what its
// own statement leads with, which more reports do not change.
func categories(items []*item) []string {
	lead := items[0].doc
	type rank struct {
		inLead bool
		pos    int
		score  float64
	}
	ranks := map[string]rank{}
	var cats []string
	for _, it := range items {
		r, seen := ranks[it.category]
		if !seen {
			cats = append(cats, it.category)
			r = rank{pos: 1 << 62}
		}
		if it.doc == lead && (!r.inLead || it.pos < r.pos || it.pos == r.pos && it.score > r.score) {
			r = rank{inLead: true, pos: it.pos, score: it.score}
		} else if !r.inLead && it.score > r.score {
			r.score = it.score
		}
		ranks[it.category] = r
	}
	sort.SliceStable(cats, func(i, j int) bool {
		a, b := ranks[cats[i]], ranks[cats[j]]
		if a.inLead != b.inLead {
			return a.inLead
		}
		if a.pos != b.pos {
			return a.pos < b.pos
		}
		if a.score != b.score {
			return a.score > b.score
		}
		return cats[i] < cats[j]
	})
	return cats
}

// mentionSentence reports whether sentence i holds only mentions of the
// tag's measure.
func mentionSentence(tag model.Tag, sents []prose.Sentence, i int) bool {
	found := false
	for _, m := range tag.Matches {
		if m.Field == "text" && evidence(m) && prose.SentenceAt(sents, m.Offset) == i {
			if !strings.HasSuffix(m.Rule, tagging.RuleMentionSuffix) {
				return false
			}
			found = true
		}
	}
	return found
}

// reports reports whether sentence i reports the tag's measure: holds
// its evidence, not only as a mention.
func reports(tag model.Tag, sents []prose.Sentence, i int) bool {
	for _, m := range tag.Matches {
		if m.Field == "text" && evidence(m) && !strings.HasSuffix(m.Rule, tagging.RuleMentionSuffix) &&
			prose.SentenceAt(sents, m.Offset) == i {
			return true
		}
	}
	return false
}

// founds reports whether a cluster makes an event: the issuer's own
// official statement takes part, or a page (a report, another
// government's statement) states the measure in its title or opening.
func founds(cluster []*item) bool {
	for _, it := range cluster {
		if it.primary() || it.opening && !it.commentary {
			return true
		}
	}
	return false
}

func newItem(d *model.Document, tag model.Tag, issuer string, sents []prose.Sentence) *item {
	it := &item{doc: d, category: tag.Value, actor: issuer, actors: []string{issuer}, official: d.Kind == model.KindOfficial, own: true}
	if as := tagging.MeasureActors(tag); len(as) > 0 {
		// Who acts in the measure, strongest first: a G7 statement an EU
		// site carries is the G7's, with the EU among its signers.
		it.actor, it.actors = as[0], as
		it.own = contains(as, issuer)
		it.named = true
	}
	it.fill(tag, sents, -1)
	return it
}

// newOtherItem is the evidence for another actor's own measure of a tag's
// category (tagging.OtherMeasureActors): the page reports it as its news,
// in the sentence where it names the actor acting, which gives the
// passage and, first, the day.
func newOtherItem(d *model.Document, tag model.Tag, actor, issuer string, sents []prose.Sentence) *item {
	it := &item{doc: d, category: tag.Value, actor: actor, actors: []string{actor}, official: d.Kind == model.KindOfficial,
		own: actor == issuer, named: true, opening: true}
	focus := -1
	for _, m := range tag.Matches {
		if m.Rule == tagging.RuleAlsoPrefix+actor && m.Field == "text" {
			focus = prose.SentenceAt(sents, m.Offset)
		}
	}
	it.fill(tag, sents, focus)
	it.opening = true
	return it
}

// fill reads the item's opening, passage, dates and rank from the tag's
// evidence; focus, when not -1, is the sentence that reports the item's
// own measure.
func (it *item) fill(tag model.Tag, sents []prose.Sentence, focus int) {
	d := it.doc
	it.score, it.pos = tag.Score, 1<<62
	it.commentary = commentary(d.Title)
	for _, m := range tag.Matches {
		if !evidence(m) {
			continue
		}
		switch m.Field {
		case "title":
			it.pos = min(it.pos, m.Offset)
		case "text":
			it.pos = min(it.pos, 1<<40+m.Offset)
		}
	}
	// The opening: the lead paragraph, or the first when none is long
	// enough to be one (a short notice).
	hasLead := false
	for _, s := range sents {
		hasLead = hasLead || s.Lead
	}
	opening := func(i int) bool {
		return sents[i].Lead || !hasLead && sents[i].Para == sents[0].Para
	}
	for _, m := range tag.Matches {
		if !evidence(m) {
			continue
		}
		// What the title or opening names only as a reason, a threat or
		// what a reaction is about is news only with its day (below).
		mention := strings.HasSuffix(m.Rule, tagging.RuleMentionSuffix)
		switch m.Field {
		case "title":
			it.opening = it.opening || !mention
			it.mentionedFirst = it.mentionedFirst || mention
		case "text":
			if i := prose.SentenceAt(sents, m.Offset); i >= 0 && opening(i) {
				it.opening = it.opening || !mention
				it.mentionedFirst = it.mentionedFirst || mention
			}
		}
	}
	// The passage is the sentence holding the category's first match in
	// the text; a title-only match points at the opening sentence.
	pi := focus
	for _, m := range tag.Matches {
		if pi < 0 && m.Field == "text" && evidence(m) {
			pi = prose.SentenceAt(sents, m.Offset)
			break
		}
	}
	for i := range sents {
		if pi < 0 && sents[i].Lead {
			pi = i
		}
	}
	if pi < 0 && len(sents) > 0 {
		pi = 0
	}
	if pi >= 0 {
		it.passage = strings.TrimSpace(d.Text[sents[pi].Start:sents[pi].End])
	}
	pub := day(d.Published)
	if it.primary() {
		it.date, it.conf = pub, confOfficial
		if d.DateSource == model.DateFromText || d.DateSource == model.DateFromURL {
			it.conf = confOfficialText
		}
	} else {
		it.date, it.conf = pub, confNewsPub
		// What happened is told in the sentences about the measure, or
		// else in the opening paragraph.
		// Sentences that report the measure come before those that only
		// mention it (their day is another act's).
		candidates := []int{}
		seen := map[int]bool{}
		if focus >= 0 {
			candidates, seen[focus] = append(candidates, focus), true
		}
		for _, mentions := range []bool{false, true} {
			for _, m := range tag.Matches {
				if m.Field != "text" || !evidence(m) || strings.HasSuffix(m.Rule, tagging.RuleMentionSuffix) != mentions {
					continue
				}
				if i := prose.SentenceAt(sents, m.Offset); i >= 0 && !seen[i] {
					seen[i] = true
					candidates = append(candidates, i)
				}
			}
			if mentions {
				break
			}
			for i, s := range sents {
				if s.Lead && !seen[i] && !mentionSentence(tag, sents, i) {
					seen[i] = true
					candidates = append(candidates, i)
				}
			}
		}
		for _, i := range candidates {
			if date, conf, ok := resolveEventDate(d.Text[sents[i].Start:sents[i].End], pub); ok {
				it.date, it.conf = date, conf
				// A measure the opening names as a reason is news of its
				// own day when a sentence reporting it tells that day
				// ("police arrested 53 on January 6"), not of the page's.
				it.opening = it.opening || it.mentionedFirst && (i == focus || reports(tag, sents, i))
				break
			}
		}
	}
	// An effective date belongs to the measure only where a sentence about
	// the measure gives it.
	about := map[int]bool{}
	for _, m := range tag.Matches {
		if m.Field == "text" && evidence(m) {
			if i := prose.SentenceAt(sents, m.Offset); i >= 0 {
				about[i] = true
			}
		}
	}
	// Or where a sentence says an instrument ("the ordinance would take
	// effect on ..."), with less confidence: it may be another measure's.
	for pass := 0; pass < 2 && it.eff == nil; pass++ {
		for i, s := range sents {
			text := d.Text[s.Start:s.End]
			if pass == 0 && !about[i] {
				continue
			}
			if pass == 1 {
				loc := effectiveRE.FindStringIndex(text)
				if about[i] || loc == nil || !instrumentEffectRE.MatchString(text[:loc[0]]) {
					continue
				}
			}
			if date, ok := findEffective(text, pub); ok && !date.Before(pub.AddDate(0, 0, -1)) {
				it.eff = &effective{date: date, passage: strings.TrimSpace(text), conf: confEffective}
				if pass == 1 {
					it.eff.conf = confEffectiveNearby
				}
				break
			}
		}
	}
}

// primary: the issuer's own official statement of its measure.
func (it *item) primary() bool { return it.official && it.own }

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// chain sorts items by event date and cuts them where two neighbours are
// more than gap apart.
func chain(items []*item, gap time.Duration) [][]*item {
	sort.SliceStable(items, func(i, j int) bool {
		if !items[i].date.Equal(items[j].date) {
			return items[i].date.Before(items[j].date)
		}
		return items[i].doc.Published.Before(items[j].doc.Published)
	})
	var out [][]*item
	var cur []*item
	for _, it := range items {
		if len(cur) > 0 && it.date.Sub(cur[len(cur)-1].date) > gap {
			out = append(out, cur)
			cur = nil
		}
		cur = append(cur, it)
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

func build(items []*item, now time.Time) model.Event {
	// The issuer's own official documents first, then other official
	// documents, then news; each group by event date, then the document
	// stating more of the announcement's measures (the statement that
	// suspends a treaty and extends an embargo before the notice about
	// the embargo), then publication.
	covers := map[*model.Document]int{}
	type docCat struct {
		doc *model.Document
		cat string
	}
	seenCat := map[docCat]bool{}
	for _, it := range items {
		if k := (docCat{it.doc, it.category}); !seenCat[k] {
			seenCat[k] = true
			covers[it.doc]++
		}
	}
	sort.SliceStable(items, func(i, j int) bool {
		a, b := items[i], items[j]
		if a.primary() != b.primary() {
			return a.primary()
		}
		if a.official != b.official {
			return a.official
		}
		if !a.date.Equal(b.date) {
			return a.date.Before(b.date)
		}
		if covers[a.doc] != covers[b.doc] {
			return covers[a.doc] > covers[b.doc]
		}
		if !a.doc.Published.Equal(b.doc.Published) {
			return a.doc.Published.Before(b.doc.Published)
		}
		// The same input in any order gives the same event and key.
		return a.doc.ID < b.doc.ID
	})
	if !items[0].primary() {
		// No statement of the issuer's own: a report that names the day
		// outranks one dated only by its publication.
		sort.SliceStable(items, func(i, j int) bool {
			ri, rj := items[i].conf > confNewsPub, items[j].conf > confNewsPub
			return ri && !rj
		})
	}
	first := items[0]
	cats := categories(items)
	ev := model.Event{
		Category:  cats[0],
		Actors:    append([]string{}, first.actors...),
		Date:      first.date,
		NewsOnly:  true,
		UpdatedAt: now,
	}
	var news []*item
	for _, it := range items {
		if it.official {
			ev.NewsOnly = false
		} else {
			news = append(news, it)
		}
	}
	switch {
	case first.primary():
		ev.Title = first.doc.Title
	case len(news) > 0:
		// Headlines say what happened; another government's statement on
		// it is titled for its own reaction.
		ev.Title = commonTitle(news)
	default:
		ev.Title = first.doc.Title
	}
	// Everyone acting in the measure, as its reports say; and every
	// category of the announcement.
	for _, it := range items {
		for _, a := range it.actors {
			if it.actor == first.actor && !contains(ev.Actors, a) {
				ev.Actors = append(ev.Actors, a)
			}
		}
	}
	for _, it := range items {
		for _, c := range it.extra {
			if !contains(cats, c) {
				cats = append(cats, c)
			}
		}
	}
	if len(cats) > 1 {
		ev.Categories = cats
	}
	ev.Key = fmt.Sprintf("%s/%s/%s", first.actor, ev.Category, first.date.Format("2006-01-02"))
	ev.Dates = append(ev.Dates, model.EventDate{
		Kind: model.DateAnnounced, Date: first.date, DocumentID: first.doc.ID,
		Passage: first.passage, Confidence: first.conf,
	})
	if pub, ok := publishedDate(items); ok {
		ev.Dates = append(ev.Dates, pub)
	}
	for _, it := range items {
		if it.eff != nil {
			ev.Dates = append(ev.Dates, model.EventDate{
				Kind: model.DateEffective, Date: it.eff.date, DocumentID: it.doc.ID,
				Passage: it.eff.passage, Confidence: it.eff.conf,
			})
			break
		}
	}
	ev.Instrument = eventInstrument(first, items)
	seen := map[*model.Document]bool{}
	for i, it := range items {
		if seen[it.doc] {
			continue
		}
		seen[it.doc] = true
		ev.Documents = append(ev.Documents, model.EventDocument{
			DocumentID: it.doc.ID,
			Title:      it.doc.Title,
			URL:        it.doc.URL,
			Source:     it.doc.Source,
			Kind:       it.doc.Kind,
			Published:  it.doc.Published,
			Passage:    it.passage,
			Primary:    i == 0 && it.primary(),
		})
	}
	return ev
}

// gazetteNumber is a Federal Register document number ("2020-15646"):
// the document is the measure's official publication.
var gazetteNumber = regexp.MustCompile(`^(?:19|20)\d{2}-\d{4,6}$`)

// publishedDate is when the measure was published officially: the day a
// gazette (the Federal Register) printed it when one of the documents is
// that publication, otherwise the primary statement's own publication
// day. News alone publishes no measure, so news-only events have none.
func publishedDate(items []*item) (model.EventDate, bool) {
	for _, it := range items {
		if it.official && gazetteNumber.MatchString(it.doc.DocNumber) && it.doc.HasReliableDate() {
			return model.EventDate{Kind: model.DatePublished, Date: day(it.doc.Published), DocumentID: it.doc.ID,
				Passage: "Federal Register document " + it.doc.DocNumber, Confidence: confOfficial}, true
		}
	}
	first := items[0]
	if !first.official {
		return model.EventDate{}, false
	}
	conf := confOfficial
	if first.doc.DateSource == model.DateFromText || first.doc.DateSource == model.DateFromURL {
		conf = confOfficialText
	}
	return model.EventDate{Kind: model.DatePublished, Date: day(first.doc.Published), DocumentID: first.doc.ID,
		Confidence: conf}, true
}

// commonTitle is the headline most reports of a news-only event carry
// (syndicated copies share one); ties go to the earliest report.
func commonTitle(items []*item) string {
	count := map[string]int{}
	best := ""
	for _, it := range items {
		t := strings.TrimSpace(it.doc.Title)
		count[t]++
		if best == "" || count[t] > count[best] {
			best = t
		}
	}
	return best
}

// Instruments an event may rest on: numbered orders and laws, the export
// rules, and by name "the ... Act/Ordinance/Bill", "under the ... Law",
// "the ... Business Advisory".
var (
	instrumentRE = regexp.MustCompile(`Executive Order \d{4,6}|Public Law \d+-\d+|Export Administration Regulations`)
	namedActRE   = regexp.MustCompile(`(?:\b[Tt]he |\b(?:[Pp]ass|[Ss]ign|[Ee]nact|[Aa]dopt)(?:es|s|ed)? )((?:[A-Z][A-Za-z'’-]+ ){1,6}(?:Act|Ordinance|Bill|Business Advisory))\b`)
	// A law invoked as the legal basis: "in accordance with the
	// Anti-Foreign Sanctions Law". Laws merely mentioned are not.
	// A law by its formal title: "Law of the People's Republic of China on
	// Safeguarding National Security in the Hong Kong Special
	// Administrative Region" (capitalised words, joined by in/the/of).
	formalLawRE = regexp.MustCompile(`\bLaw of the (?:(?:[A-Z][A-Za-z'’-]*|of)\s+){1,6}on(?:\s+(?:[A-Z][A-Za-z'’-]*|in|the|of|for))*\s+[A-Z][A-Za-z'’-]*`)
	namedLawRE  = regexp.MustCompile(`\b(?:[Ii]n accordance with|[Pp]ursuant to)\s+(?:the|its)\s+((?:[A-Z][A-Za-z'’-]+ ){1,6}Law)\b`)
)

// eventInstrument names the act, order or rule an event rests on: a
// numbered instrument the primary passage names, or else another
// document's passage (the gazetted order behind an announcement); then an
// instrument named in the primary passage or title; then one named in
// another passage.
func eventInstrument(first *item, items []*item) string {
	if m := instrument(first.passage, false); m != "" {
		return m
	}
	for _, it := range items {
		if m := instrument(it.passage, false); m != "" && it != first {
			return m
		}
	}
	for _, s := range []string{first.passage, first.doc.Title} {
		if m := instrument(s, true); m != "" {
			return m
		}
	}
	for _, it := range items {
		if m := instrument(it.passage, true); m != "" && it != first {
			return m
		}
	}
	return ""
}

// instrument finds a numbered instrument in s, or with named also one
// named ("the Hong Kong Autonomy Act").
func instrument(s string, named bool) string {
	if m := instrumentRE.FindString(s); m != "" {
		return m
	}
	if !named {
		return ""
	}
	if m := namedActRE.FindStringSubmatch(s); m != nil {
		return m[1]
	}
	if m := formalLawRE.FindString(s); m != "" {
		return m
	}
	if m := namedLawRE.FindStringSubmatch(s); m != nil {
		return m[1]
	}
	return ""
}

// day is t's calendar day in its own location, as midnight UTC: event
// dates compare by day, and a page's day is the day where it was published.
func day(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
