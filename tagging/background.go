package tagging

import (
	"strings"
	"time"

	"policywatch/prose"
)

// Background sentences. Reports and analyses recall earlier measures in
// passing: "Canada suspended its extradition treaty with Hong Kong in
// 2020" in a 2023 report on bounties, "Washington announced visa
// restrictions ... in July 2020" in a five-year retrospective. Such a
// sentence dates what it says to a time well before the document was
// published, so it says nothing about what the document reports, and its
// matches do not count towards a category.

// backgroundAge is how long before publication a named month or year
// must end for a sentence naming it to be recollection rather than news.
const backgroundAge = 60 * 24 * time.Hour

// isBackground reports whether a sentence names only times that ended
// well before pub: it recalls earlier events. A sentence naming no date,
// or any date near or after pub, is not background; nor is a year after
// "since" or "until", a span reaching the present ("special treatment
// since 1997"), nor a year in an instrument's name ("the Extradition Act
// 2003"). The zero pub (date unknown) makes nothing background.
func isBackground(s string, pub time.Time) bool {
	if pub.IsZero() {
		return false
	}
	past, recent := false, false
	for _, m := range prose.FindDates(s) {
		if m.Year == 0 && m.Month != 0 && m.Day == 0 {
			// "in July": this year's, or last year's if still to come.
			m.Year = pub.Year()
			if m.Month > pub.Month() {
				m.Year--
			}
		}
		_, end, ok := m.Span()
		if !ok {
			if m.IsDay() {
				recent = true // "on Monday", "yesterday", "July 3": near publication
			}
			continue
		}
		if durational(s[:m.Start], s[m.End:]) || pub.Sub(end) < backgroundAge {
			recent = true
		} else {
			past = true
		}
	}
	return past && !recent
}

// durational: the words before a date make it the start or end of a span
// that reaches the present ("since 1997", "until 2047", "自2020年", "2020年以來").
func durational(before, after string) bool {
	if strings.HasPrefix(after, "以來") || strings.HasPrefix(after, "以来") {
		return true
	}
	f := strings.Fields(strings.ToLower(before))
	if n := len(f); n > 0 {
		switch f[n-1] {
		case "since", "until", "till", "through":
			return true
		}
	}
	return strings.HasSuffix(strings.TrimSpace(before), "自")
}
