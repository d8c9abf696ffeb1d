// Package timeline turns tagged documents into events: one measure by one
// actor, of one category, at one time, with the documents that evidence
// it. Official documents date and title an event; news reports join it as
// coverage, dated by what their text says happened ("on Friday"), not by
// when they were published.
package timeline

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"policywatch/model"
	"policywatch/prose"
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
	confNewsPub         = 0.4  // a news report's publication day, nothing better
	confEffective       = 0.8  // "effective July 14" in a sentence about the measure
	confEffectiveNearby = 0.6  // "the ordinance would take effect on March 23" elsewhere
)

// item is one document's evidence for one category.
type item struct {
	doc      *model.Document
	category string
	actor    string
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
}

type effective struct {
	date    time.Time
	passage string
	conf    float64
}

// Cluster groups documents into events. Only documents with a reliable
// date and at least one category and one actor tag take part; the first
// actor tag is the issuer. A document tagged with several categories
// joins one event per category. A news page alone, whose text names no
// day, makes no event (it is commentary), though it joins one that other
// documents make. Events are returned by date, then key.
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
		for _, tag := range d.Tags {
			if tag.Type != model.TagCategory {
				continue
			}
			it := newItem(d, tag, actors[0], sents)
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
	var events []model.Event
	keys := map[string]int{}
	for _, k := range order {
		var clusters [][]*item
		for _, ch := range chain(groups[k], opts.Gap) {
			for _, it := range ch {
				it.vec, it.script = vecs[it.doc], prose.Script(openings[it.doc])
			}
			clusters = append(clusters, separate(ch, opts.Gap, opts.MinSimilarity)...)
		}
		for _, cluster := range clusters {
			if len(cluster) == 1 && !cluster[0].official && cluster[0].conf <= confNewsPub {
				// One news page that never says when anything happened is
				// commentary or analysis, not the report of an event.
				continue
			}
			ev := build(cluster, now)
			// Two events may share a day when Gap is under a day; keep keys unique.
			if n := keys[ev.Key]; n > 0 {
				keys[ev.Key] = n + 1
				ev.Key = fmt.Sprintf("%s-%d", ev.Key, n+1)
			} else {
				keys[ev.Key] = 1
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

func newItem(d *model.Document, tag model.Tag, issuer string, sents []prose.Sentence) *item {
	it := &item{doc: d, category: tag.Value, actor: issuer, official: d.Kind == model.KindOfficial, own: true}
	if a := measureActor(tag); a != "" && a != issuer {
		it.actor, it.own = a, false
	}
	// The passage is the sentence holding the category's first match in
	// the text; a title-only match points at the opening sentence.
	pi := -1
	for _, m := range tag.Matches {
		if m.Field == "text" {
			pi = prose.SentenceAt(sents, m.Offset)
			break
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
		// What happened is told in the passage, or else in the opening paragraph.
		candidates := []int{}
		if pi >= 0 {
			candidates = append(candidates, pi)
		}
		for i, s := range sents {
			if s.Lead && i != pi {
				candidates = append(candidates, i)
			}
		}
		for _, i := range candidates {
			if date, conf, ok := resolveEventDate(d.Text[sents[i].Start:sents[i].End], pub); ok {
				it.date, it.conf = date, conf
				break
			}
		}
	}
	// An effective date belongs to the measure only where a sentence about
	// the measure gives it.
	about := map[int]bool{}
	for _, m := range tag.Matches {
		if m.Field == "text" {
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
	return it
}

// primary: the issuer's own official statement of its measure.
func (it *item) primary() bool { return it.official && it.own }

// ruleActorPrefix starts the Rule of a category tag's match naming the
// actor whose measure the document reports when it is not the document's
// issuer (the tagger's convention; see tagging.MeasureActor).
const ruleActorPrefix = "actor:"

func measureActor(tag model.Tag) string {
	for _, m := range tag.Matches {
		if id, ok := strings.CutPrefix(m.Rule, ruleActorPrefix); ok {
			return id
		}
	}
	return ""
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
	// documents, then news; each group by event date then publication.
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
		return a.doc.Published.Before(b.doc.Published)
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
	ev := model.Event{
		Category:  first.category,
		Actors:    []string{first.actor},
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
	if first.own {
		ev.Actors = append(ev.Actors, coIssuers(first.doc, first.actor)...)
	}
	ev.Key = fmt.Sprintf("%s/%s/%s", first.actor, first.category, first.date.Format("2006-01-02"))
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

// coIssuers are the actors the primary document names as acting with the
// issuer (the signers of a joint statement): tagged as strongly as the
// issuer. Weaker actor tags are targets or bystanders.
func coIssuers(d *model.Document, issuer string) []string {
	var top float64
	for _, t := range d.Tags {
		if t.Type == model.TagActor && t.Value == issuer {
			top = t.Score
			break
		}
	}
	var out []string
	for _, t := range d.Tags {
		if t.Type == model.TagActor && t.Value != issuer && t.Score >= coIssuerShare*top {
			out = append(out, t.Value)
		}
	}
	return out
}

// coIssuerShare is how close to the issuer's tag score a co-issuer's is.
const coIssuerShare = 0.9

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
