package tagging

import (
	"strings"

	"policywatch/model"
)

// Whose measure is it? A page's issuer (its first actor tag) is not
// always who takes the measures it reports: the U.S. Secretary of State's
// statement on the arrest of 53 activists reports a prosecution by Hong
// Kong's police. Each category tag names the actors acting in its
// measure, read from its evidence sentences, in matches with Rule
// "actor:ID" and the mention that says so; the timeline files the page
// under their event.

// RuleActorPrefix starts the Rule of a category tag's match that names
// an actor acting in the measure the document reports.
const RuleActorPrefix = "actor:"

// MeasureActor returns the first actor acting in a category tag's
// measure, or "" when its evidence names none.
func MeasureActor(tag model.Tag) string {
	if a := MeasureActors(tag); len(a) > 0 {
		return a[0]
	}
	return ""
}

// MeasureActors returns every actor a category tag names as acting in
// its measure (four governments denouncing one bounty), strongest
// first, or nil when its evidence names none.
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

// RuleAlsoPrefix starts the Rule of a category tag's match that names an
// actor taking a measure of the category on its own, which the page
// reports as its news beside the main one (governments condemning one
// bounty each in their own words; Hong Kong refusing a passport China
// refuses too). The timeline makes it that actor's event, not a second
// actor of the main one.
const RuleAlsoPrefix = "also:"

// OtherMeasureActors returns the actors a category tag names as taking a
// measure of the category of their own (RuleAlsoPrefix).
func OtherMeasureActors(tag model.Tag) []string {
	var out []string
	for _, m := range tag.Matches {
		if id, ok := strings.CutPrefix(m.Rule, RuleAlsoPrefix); ok {
			out = append(out, id)
		}
	}
	return out
}
