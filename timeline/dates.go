package timeline

import (
	"regexp"
	"strings"
	"time"

	"policywatch/prose"
)

var (
	weekdayRE = regexp.MustCompile(`\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b`)
	relDayRE  = regexp.MustCompile(`(?i)\b(yesterday|today|tonight|this morning|this afternoon|this evening)\b`)
	// A date after these words is background ("since June 30", "took
	// effect on June 30"), not the day the reported act happened.
	backgroundRE = regexp.MustCompile(`(?i)\b(since|effect|effective|force|until|from|before|after|by|next|last|through|between|and)\s+(on\s+|of\s+)?(the\s+)?$`)
	// Present and future only: "took effect on June 30" recalls the past.
	effectiveRE = regexp.MustCompile(`(?i)\b(?:effective|takes? effect|(?:will|would|shall) take effect|comes? into force|(?:will|would|shall) come into force|enters? into force|(?:will|would|shall) enter into force)\s+(?:from\s+|on\s+|as\s+of\s+)?`)
	// "with immediate effect", "suspend ... immediately and indefinitely".
	immediateRE = regexp.MustCompile(`(?i)\bwith immediate effect\b|\b(?:suspend|terminat|end|halt|revok|withdr[ae]w|extend)\w*\b[^.;]{0,60}?\bimmediately\b`)
	// Past tense: in a report of the day itself, "came into force on
	// Tuesday" says when; anything older is background.
	pastEffectiveRE = regexp.MustCompile(`(?i)\b(?:came into force|took effect|entered into force)\s+(?:on\s+)?`)
	// "at 11pm tonight", "at midnight on June 30": the hour says nothing.
	clockRE = regexp.MustCompile(`(?i)^(?:at\s+(?:midnight|noon|[\d:.]+\s*(?:a\.?m\.?|p\.?m\.?)?)(?:\s+local\s+time)?\s*,?\s*(?:on\s+)?)`)
	// "on the date of publication": a gazette notice's own day.
	onPublicationRE = regexp.MustCompile(`(?i)^(?:on\s+)?(?:upon\s+)?(?:the\s+)?(?:date|day)\s+of\s+(?:its\s+)?publication`)
	// A sentence whose instrument takes effect: "the ordinance would take effect".
	instrumentEffectRE = regexp.MustCompile(`(?i)\b(law|ordinance|rule|rules|order|regulations?|measures?|act|bill|amendments?|restrictions|suspension)\b[^.;]{0,40}$`)
)

// mention is a day a sentence names.
type mention struct {
	start    int
	end      int
	date     time.Time
	relative bool // a weekday or "yesterday", resolved against publication
}

// mentions finds the days a sentence names, resolved against pub (the
// publication time, in the publisher's zone) in direction dir, in text
// order.
func mentions(s string, pub time.Time, dir prose.Direction) []mention {
	var out []mention
	for _, m := range prose.FindDates(s) {
		d, ok := m.Resolve(pub, dir)
		if !ok {
			continue
		}
		out = append(out, mention{start: m.Start, end: m.End, date: d, relative: m.Relative || m.HasWeekday && m.Day == 0})
	}
	return out
}

func weekdayOf(s string) time.Weekday {
	for d := time.Sunday; d <= time.Saturday; d++ {
		if d.String() == s {
			return d
		}
	}
	return time.Sunday
}

// fromFutureRE: "from", "starting" in a clause about what is to come.
var fromFutureRE = regexp.MustCompile(`(?i)\b(?:will|shall|would)\b[^.;:]{0,100}?\b(?:from|starting|beginning|as of)\s+(?:on\s+)?`)

// circumstanceRE opens a clause that sets the scene ("Following a
// discussion on 13 July, the Council today adopted ..."): its day is the
// circumstance's, not the act's.
var circumstanceRE = regexp.MustCompile(`(?i)^\s*(?:following|after|before|since|amid|despite|ahead of|prior to|in response to|in the wake of|(?:\w+ )?(?:days?|weeks?|months?) (?:after|before))\b`)

// circumstance reports whether the clause holding the end of before
// (back to the last comma or semicolon) opens with a circumstance.
func circumstance(before string) bool {
	i := strings.LastIndexAny(before, ",;:")
	return circumstanceRE.MatchString(before[i+1:])
}

// futureRE: the clause before a day speaks of what is to come.
var futureRE = regexp.MustCompile(`(?i)\b(?:will|shall|would|is to|are to|set to|due to|scheduled|expected to|plans? to|going to|to take effect|to come into force|from|starting|beginning|as of)\b[^.;:,]*$|(?:將|将|起|後|后)[^，,。；;]*$`)

// future reports whether the day m of sentence s lies in a clause about
// what is to come: "will open on Sunday", "from Monday", "自1月31日起".
func future(s string, m mention) bool {
	if futureRE.MatchString(s[:m.start]) {
		return true
	}
	after := s[m.end:]
	return strings.HasPrefix(after, "起") || strings.HasPrefix(after, "开始") || strings.HasPrefix(after, "開始")
}

// maxLookback bounds how far before publication a named date may lie
// and still be the day the report is about.
const maxLookback = 31 * 24 * time.Hour

// resolveEventDate reads the day a news sentence says the act happened:
// the first date it names that is not background ("since June 30") and
// lies in the days before publication.
//
// The day is read by the sentence's tense from the publication day, in
// the publisher's own time zone: "on Friday" in a past-tense report is
// the Friday before; a day in a future clause ("will open on Sunday",
// "自1月31日起") is when something takes effect, not when it was done,
// and is left to findEffective.
func resolveEventDate(s string, pub time.Time) (time.Time, float64, bool) {
	for _, m := range mentions(s, pub, prose.Past) {
		if backgroundRE.MatchString(s[:m.start]) || future(s, m) || circumstance(s[:m.start]) {
			continue
		}
		if m.date.After(pub) || pub.Sub(m.date) > maxLookback {
			continue
		}
		if m.relative {
			return m.date, confNewsRelative, true
		}
		return m.date, confNewsExplicit, true
	}
	return time.Time{}, 0, false
}

// findEffective reads "effective July 14" / "takes effect on 14 July" /
// "would take effect on Saturday, March 23" / "effective immediately" from
// a sentence, and "with immediate effect", "effective on the date of
// publication", "takes effect at 11pm tonight". A weekday alone looks
// forward from publication. In a report of the day, "came into force on
// Tuesday" counts too.
func findEffective(s string, pub time.Time) (time.Time, bool) {
	for _, loc := range effectiveRE.FindAllStringIndex(s, -1) {
		rest := s[loc[1]:]
		if strings.HasPrefix(strings.ToLower(rest), "immediately") || onPublicationRE.MatchString(rest) {
			return pub, true
		}
		rest = strings.TrimPrefix(rest, clockRE.FindString(rest))
		ms := mentions(rest, pub, prose.Future)
		if len(ms) == 0 || ms[0].start > 0 {
			continue
		}
		m := ms[0]
		if m.relative && relDayRE.MatchString(rest[:min(len(rest), 16)]) && !weekdayRE.MatchString(rest[:min(len(rest), 10)]) {
			return m.date, true // "tonight", "today"
		}
		if m.relative {
			// "Saturday, March 23": the calendar date that follows wins.
			if len(ms) > 1 && !ms[1].relative && ms[1].start < 15 {
				m = ms[1]
			} else if wd := weekdayRE.FindStringSubmatch(rest); wd != nil && strings.HasPrefix(rest, wd[0]) {
				ahead := (int(weekdayOf(wd[1])) - int(pub.Weekday()) + 7) % 7
				return pub.AddDate(0, 0, ahead), true
			} else {
				continue
			}
		}
		d := m.date
		// "effective January 1" in a December release is next year's.
		if pub.Sub(d) > 180*24*time.Hour {
			d = d.AddDate(1, 0, 0)
		}
		return d, true
	}
	if immediateRE.MatchString(s) {
		return pub, true
	}
	// A future clause's starting day: "will no longer recognise the
	// passports from Sunday", "自1月31日起", "由下周一起生效".
	for _, loc := range fromFutureRE.FindAllStringIndex(s, -1) {
		if ms := mentions(s[loc[1]:], pub, prose.Future); len(ms) > 0 && ms[0].start == 0 && !ms[0].date.Before(pub) {
			return ms[0].date, true
		}
	}
	for _, m := range prose.FindDates(s) {
		if strings.HasPrefix(s[m.End:], "起") || strings.HasPrefix(s[m.End:], "開始") || strings.HasPrefix(s[m.End:], "开始") {
			if d, ok := m.Resolve(pub, prose.Future); ok && !d.Before(pub) {
				return d, true
			}
		}
	}
	for _, loc := range pastEffectiveRE.FindAllStringIndex(s, -1) {
		rest := s[loc[1]:]
		rest = strings.TrimPrefix(rest, clockRE.FindString(rest))
		ms := mentions(rest, pub, prose.Past)
		if len(ms) == 0 || ms[0].start > 0 {
			continue
		}
		// Weekdays and "last night" resolve backwards from publication.
		if d := ms[0].date; !d.After(pub) && pub.Sub(d) <= 3*24*time.Hour {
			return d, true
		}
	}
	return time.Time{}, false
}
