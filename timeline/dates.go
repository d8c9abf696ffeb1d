package timeline

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// span is one sentence of a text and the paragraph it is in.
type span struct {
	start, end int
	para       int
	lead       bool // in the opening paragraph
}

// sentences splits text (paragraphs separated by "\n") into sentences.
// "U.S." and "Jan." do not end a sentence.
func sentences(text string) []span {
	var out []span
	para, pstart := 0, 0
	for pstart <= len(text) {
		pend := strings.IndexByte(text[pstart:], '\n')
		if pend < 0 {
			pend = len(text)
		} else {
			pend += pstart
		}
		if strings.TrimSpace(text[pstart:pend]) == "" {
			pstart = pend + 1
			continue
		}
		s := pstart
		for i := pstart; i < pend; {
			r, n := utf8.DecodeRuneInString(text[i:])
			next := i + n
			end := false
			switch r {
			case '。', '！', '？':
				end = true
			case '.', '!', '?':
				end = (next == pend || text[next] == ' ') && !(r == '.' && abbreviation(text[s:i]))
			}
			if end {
				out = append(out, span{start: s, end: next, para: para})
				s = next
			}
			i = next
		}
		if strings.TrimSpace(text[s:pend]) != "" {
			out = append(out, span{start: s, end: pend, para: para})
		}
		para++
		pstart = pend + 1
	}
	for i := range out {
		for out[i].start < out[i].end && text[out[i].start] == ' ' {
			out[i].start++
		}
	}
	markLead(text, out)
	return out
}

// markLead marks the opening paragraph: the first with a dozen words or
// forty characters of Chinese. Datelines, bylines and other short lines
// extraction leaves at the top are not the opening.
func markLead(text string, ss []span) {
	words, han := map[int]int{}, map[int]int{}
	for _, s := range ss {
		words[s.para] += len(strings.Fields(text[s.start:s.end]))
		for _, r := range text[s.start:s.end] {
			if unicode.Is(unicode.Han, r) {
				han[s.para]++
			}
		}
	}
	lead := -1
	for _, s := range ss {
		if words[s.para] >= 12 || han[s.para] >= 40 {
			lead = s.para
			break
		}
	}
	for i := range ss {
		ss[i].lead = ss[i].para == lead
	}
}

func abbreviation(before string) bool {
	w := before
	if i := strings.LastIndexAny(before, " ("); i >= 0 {
		w = before[i+1:]
	}
	if w == "" {
		return false
	}
	if strings.Contains(w, ".") || (len(w) == 1 && unicode.IsUpper(rune(w[0]))) {
		return true
	}
	switch strings.ToLower(w) {
	case "mr", "mrs", "ms", "dr", "st", "no", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
		"sep", "sept", "oct", "nov", "dec", "gen", "gov", "sen", "rep", "vs", "inc", "co", "jr":
		return true
	}
	return false
}

// spanAt returns the index of the sentence holding byte offset off, or -1.
func spanAt(ss []span, off int) int {
	i := sort.Search(len(ss), func(i int) bool { return ss[i].end > off })
	if i == len(ss) {
		return -1
	}
	return i
}

const (
	monthNames = `(January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?`
	weekdays   = `(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)`
)

var (
	// "July 3", "July 3, 2020", "3 July", "3 July 2020"
	monthDayRE = regexp.MustCompile(`\b` + monthNames + `\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4}))?`)
	dayMonthRE = regexp.MustCompile(`\b(\d{1,2})(?:st|nd|rd|th)?\s+` + monthNames + `\b(?:,?\s+(\d{4}))?`)
	weekdayRE  = regexp.MustCompile(`\b` + weekdays + `\b`)
	relDayRE   = regexp.MustCompile(`(?i)\b(yesterday|today|tonight|this morning|this afternoon|this evening)\b`)
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

var months = map[string]time.Month{}

func init() {
	for m := time.January; m <= time.December; m++ {
		months[strings.ToLower(m.String())] = m
		months[strings.ToLower(m.String()[:3])] = m
	}
	months["sept"] = time.September
}

// mention is a date named in a sentence.
type mention struct {
	start    int
	date     time.Time
	relative bool // a weekday or "yesterday", resolved against publication
}

// mentions finds the dates a sentence names, resolved against pub (the
// publication day), in text order. Weekdays resolve to the latest such
// day on or before pub; dates without a year take pub's year.
func mentions(s string, pub time.Time) []mention {
	var out []mention
	for _, m := range monthDayRE.FindAllStringSubmatchIndex(s, -1) {
		if d, ok := calendarDate(s[m[2]:m[3]], s[m[4]:m[5]], group(s, m, 3), pub); ok {
			out = append(out, mention{start: m[0], date: d})
		}
	}
	for _, m := range dayMonthRE.FindAllStringSubmatchIndex(s, -1) {
		if d, ok := calendarDate(s[m[4]:m[5]], s[m[2]:m[3]], group(s, m, 3), pub); ok {
			out = append(out, mention{start: m[0], date: d})
		}
	}
	for _, m := range weekdayRE.FindAllStringSubmatchIndex(s, -1) {
		want := weekdayOf(s[m[2]:m[3]])
		back := (int(pub.Weekday()) - int(want) + 7) % 7
		out = append(out, mention{start: m[0], date: pub.AddDate(0, 0, -back), relative: true})
	}
	for _, m := range relDayRE.FindAllStringSubmatchIndex(s, -1) {
		d := pub
		if strings.EqualFold(s[m[2]:m[3]], "yesterday") {
			d = pub.AddDate(0, 0, -1)
		}
		out = append(out, mention{start: m[0], date: d, relative: true})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].start < out[j].start })
	return out
}

func group(s string, m []int, g int) string {
	if m[2*g] < 0 {
		return ""
	}
	return s[m[2*g]:m[2*g+1]]
}

func calendarDate(month, dayStr, year string, pub time.Time) (time.Time, bool) {
	mo, ok := months[strings.ToLower(strings.TrimSuffix(month, "."))]
	if !ok {
		return time.Time{}, false
	}
	d, err := strconv.Atoi(dayStr)
	if err != nil || d < 1 || d > 31 {
		return time.Time{}, false
	}
	y := pub.Year()
	if year != "" {
		if y, err = strconv.Atoi(year); err != nil {
			return time.Time{}, false
		}
	}
	t := time.Date(y, mo, d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return time.Time{}, false // "June 31"
	}
	return t, true
}

func weekdayOf(s string) time.Weekday {
	for d := time.Sunday; d <= time.Saturday; d++ {
		if d.String() == s {
			return d
		}
	}
	return time.Sunday
}

// maxLookback bounds how far before publication a named date may lie
// and still be the day the report is about.
const maxLookback = 31 * 24 * time.Hour

// resolveEventDate reads the day a news sentence says the act happened:
// the first date it names that is not background ("since June 30") and
// lies in the days before publication.
func resolveEventDate(s string, pub time.Time) (time.Time, float64, bool) {
	for _, m := range mentions(s, pub) {
		if backgroundRE.MatchString(s[:m.start]) {
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
		ms := mentions(rest, pub)
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
	for _, loc := range pastEffectiveRE.FindAllStringIndex(s, -1) {
		rest := s[loc[1]:]
		rest = strings.TrimPrefix(rest, clockRE.FindString(rest))
		ms := mentions(rest, pub)
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
