package tagging

import (
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
// when the tagger found it is not (only) the document's issuer, or "".
func MeasureActor(tag model.Tag) string {
	if a := MeasureActors(tag); len(a) > 0 {
		return a[0]
	}
	return ""
}

// MeasureActors returns every actor a category tag names as acting in
// its measure (four governments denouncing one bounty), strongest
// first, or nil when the measure is the document's issuer's alone.
func MeasureActors(tag model.Tag) []string {
	var out []string
	for _, m := range tag.Matches {
		if id, ok := strings.CutPrefix(m.Rule, RuleActorPrefix); ok {
			out = append(out, id)
		}
	}
	return out
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// RuleWithinPrefix starts the Rule of a category tag's match saying the
// measure is filed under another category of the same actors: a
// sanction, a visa curb or the non-recognition of a passport that China
// takes in reprisal is its counter-measure (Category.Forms). The timeline
// lists such a category in the other's event instead of making an event
// of it.
const RuleWithinPrefix = "within:"

// Within returns the category a tag's measure is filed under, or "".
func Within(tag model.Tag) string {
	for _, m := range tag.Matches {
		if id, ok := strings.CutPrefix(m.Rule, RuleWithinPrefix); ok {
			return id
		}
	}
	return ""
}
