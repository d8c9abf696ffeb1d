package tagging

import (
	"regexp"
	"sort"
	"strings"

	"policywatch/model"
)

// Whose measure is it? A document's issuer (its first actor tag) is who
// speaks; the measures it reports are usually its own, but not always. The
// U.S. Secretary of State's statement on the arrest of 53 activists
// reports a prosecution by Hong Kong's police, and his statement on the
// passage of the national security law reports legislation by the
// National People's Congress. Such a category tag gets one more match,
// with Rule "actor:ID", naming the actor whose measure it is and the
// mention that says so; the timeline files the document under that
// actor's event, as evidence, instead of making it a measure of the
// speaker's.

// RuleActorPrefix starts the Rule of a category tag's match that names
// the actor whose measure the document reports, when that is not the
// document's issuer.
const RuleActorPrefix = "actor:"

// MeasureActor returns the actor whose measure a category tag reports
// when the tagger found it is not the document's issuer, or "".
func MeasureActor(tag model.Tag) string {
	for _, m := range tag.Matches {
		if id, ok := strings.CutPrefix(m.Rule, RuleActorPrefix); ok {
			return id
		}
	}
	return ""
}

// subjectPrefix is what may stand before an actor's name at the start of
// a sentence for it to be the sentence's subject: nothing, an article, a
// dateline, or a short time phrase.
var subjectPrefix = regexp.MustCompile(`(?i)^\s*(?:[A-Z][A-Za-z .]*\s+[—–-]\s+)?(?:(?:on|late|early)\s+\w+\s*,?\s*)?(?:the\s+)?$`)

// attribute adds an "actor:" match to the category tags whose measure is
// another actor's than the issuer's.
func (t *Tagger) attribute(cats, acts []model.Tag, title, text *field) {
	if len(acts) == 0 {
		return
	}
	issuer := acts[0].Value
	var ment []actorMention // every actor named, tagged or not
	for ai := range t.actors {
		ment = append(ment, t.actorMentions(ai, title)...)
		ment = append(ment, t.actorMentions(ai, text)...)
	}
	sort.Slice(ment, func(i, j int) bool {
		if ment[i].field != ment[j].field {
			return ment[i].field == FieldTitle
		}
		return ment[i].start < ment[j].start
	})
	for ci := range cats {
		cat := t.tax.Category(cats[ci].Value)
		if cat == nil {
			continue
		}
		if m, ok := t.subject(cats[ci], cat, issuer, ment, title, text); ok {
			cats[ci].Matches = append(cats[ci].Matches, m)
			continue
		}
		if len(cat.Issuers) == 0 || contains(cat.Issuers, issuer) {
			continue
		}
		// The issuer does not take this kind of measure: the first
		// issuer the document names does, or else the category's first.
		m := model.Match{Rule: RuleActorPrefix + cat.Issuers[0]}
		for _, mn := range ment {
			if contains(cat.Issuers, mn.actor) {
				m = model.Match{Phrase: mn.phrase, Field: mn.field, Offset: mn.start, Rule: RuleActorPrefix + mn.actor}
				break
			}
		}
		cats[ci].Matches = append(cats[ci].Matches, m)
	}
}

// subject finds a category whose evidence sentences never name the
// issuer and whose first evidence sentence opens with another actor as
// its subject ("The National People's Congress Standing Committee passed
// the law on June 30").
func (t *Tagger) subject(tag model.Tag, cat *Category, issuer string, ment []actorMention, title, text *field) (model.Match, bool) {
	segs := map[int]bool{}
	first := -1
	for _, m := range tag.Matches {
		switch m.Field {
		case FieldTitle:
			// A title naming the measure and its issuer settles it.
			for _, mn := range ment {
				if mn.field == FieldTitle && mn.actor == issuer {
					return model.Match{}, false
				}
			}
		case FieldText:
			seg := segmentAt(text.segs, m.Offset)
			segs[seg] = true
			if first < 0 || seg < first {
				first = seg
			}
		}
	}
	if first < 0 {
		return model.Match{}, false
	}
	for _, mn := range ment {
		if mn.field == FieldText && mn.actor == issuer && segs[segmentAt(text.segs, mn.start)] {
			return model.Match{}, false
		}
	}
	s := text.segs[first]
	for _, mn := range ment {
		if mn.field != FieldText || mn.start < s.start || mn.start >= s.end || mn.actor == issuer {
			continue
		}
		if !subjectPrefix.MatchString(text.text[s.start:mn.start]) || possessive(text.text[mn.end:]) {
			return model.Match{}, false
		}
		if len(cat.Issuers) > 0 && !contains(cat.Issuers, mn.actor) {
			return model.Match{}, false
		}
		return model.Match{Phrase: mn.phrase, Field: FieldText, Offset: mn.start, Rule: RuleActorPrefix + mn.actor}, true
	}
	return model.Match{}, false
}

// actorMention is one alias of an actor found in a field.
type actorMention struct {
	actor, phrase, field string
	span
}

func (t *Tagger) actorMentions(ai int, f *field) []actorMention {
	ca := &t.actors[ai]
	var mask []span
	for i := range ca.not {
		mask = append(mask, ca.not[i].findLower(f.text, f.lower)...)
	}
	var out []actorMention
	for pi := range ca.aliases {
		for _, s := range ca.aliases[pi].findLower(f.text, f.lower) {
			if !overlaps(s, mask) {
				out = append(out, actorMention{actor: ca.actor.ID, phrase: ca.aliases[pi].text, field: f.name, span: s})
			}
		}
	}
	return out
}

// possessive: "China's decision to ..." names China, but the subject is
// the decision.
func possessive(after string) bool {
	return strings.HasPrefix(after, "'s") || strings.HasPrefix(after, "’s")
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
