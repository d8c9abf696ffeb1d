package tagging

import (
	"regexp"
	"strconv"
	"strings"
	"time"
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

// pastDateRE finds a year, with the month (and day) before or after it
// where given: "2020", "July 2020", "July 14, 2020", "14 July 2020". A
// year after "since" or "until" is a span reaching the present ("special
// treatment since 1997"), not a recollection.
var pastDateRE = regexp.MustCompile(`(?i)(?:\b(\d{1,2})\s+)?(?:\b(January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?\s+(?:(\d{1,2}),?\s+)?)?\b((?:19|20)\d{2})\b`)

// Chinese: "2020年", "2020年7月".
var pastDateZhRE = regexp.MustCompile(`((?:19|20)\d{2})\s*年(?:\s*(\d{1,2})\s*月)?`)

var monthNumber = map[string]time.Month{}

func init() {
	for m := time.January; m <= time.December; m++ {
		monthNumber[strings.ToLower(m.String())] = m
		monthNumber[strings.ToLower(m.String()[:3])] = m
	}
	monthNumber["sept"] = time.September
}

// isBackground reports whether a sentence names only times that ended
// well before pub: it recalls earlier events. A sentence naming no date,
// or any date near or after pub, is not background. The zero pub (date
// unknown) makes nothing background.
func isBackground(s string, pub time.Time) bool {
	if pub.IsZero() {
		return false
	}
	past, recent := false, false
	note := func(y int, m time.Month, durational bool) {
		var end time.Time
		if m == 0 {
			end = time.Date(y+1, time.January, 1, 0, 0, 0, 0, time.UTC)
		} else {
			end = time.Date(y, m+1, 1, 0, 0, 0, 0, time.UTC)
		}
		switch {
		case durational || pub.Sub(end) < backgroundAge:
			recent = true
		default:
			past = true
		}
	}
	for _, loc := range pastDateRE.FindAllStringSubmatchIndex(s, -1) {
		y, _ := strconv.Atoi(s[loc[8]:loc[9]])
		var mo time.Month
		if loc[4] >= 0 {
			mo = monthNumber[strings.ToLower(s[loc[4]:loc[5]])]
		}
		before := strings.Fields(strings.ToLower(s[:loc[0]]))
		durational := false
		if n := len(before); n > 0 {
			switch before[n-1] {
			case "since", "until", "till", "through":
				durational = true
			}
		}
		note(y, mo, durational)
	}
	for _, m := range pastDateZhRE.FindAllStringSubmatch(s, -1) {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		if mo < 0 || mo > 12 {
			mo = 0
		}
		note(y, time.Month(mo), strings.Contains(s, "自"+m[0]) || strings.Contains(s, "以來") || strings.Contains(s, "以来"))
	}
	return past && !recent
}
