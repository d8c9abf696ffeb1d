package prose

import (
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// DateMention is a time a text names: a calendar day ("July 3, 2020",
// "3 July", "2024年3月19日", "3月19日", "19日"), a month or a year
// ("July 2020", "in July", "2020年"), a weekday ("Friday", "週五") or a day relative
// to the text's own ("yesterday", "昨日"). Fields the text does not give
// are zero.
type DateMention struct {
	Start, End int // byte offsets in the text
	Year       int
	Month      time.Month
	Day        int
	Weekday    time.Weekday
	HasWeekday bool
	// Offset is the number of days from the reference day for a relative
	// word ("yesterday" -1, "today" 0, "tomorrow" 1), when Relative.
	Offset   int
	Relative bool
	// Dir is the way the text itself points a weekday ("last Friday",
	// "上週五" Past; "next Monday", "下週一" Future); Unknown leaves it to
	// the sentence's tense.
	Dir Direction
}

// Direction is which way from the reference day a time is read.
type Direction int

const (
	// Unknown: read it backwards, as news reports what happened.
	Unknown Direction = iota
	Past
	Future
)

// IsDay reports whether the mention names one day (given a reference
// day for what it leaves out), not a month or a year.
func (m DateMention) IsDay() bool { return m.Day > 0 || m.HasWeekday || m.Relative }

// Span returns the time the mention names when it is fully written
// without a reference day: a year, a month of a year, or a day with its
// year; end is exclusive. A weekday, a relative day or a day without a
// year names no span by itself.
func (m DateMention) Span() (start, end time.Time, ok bool) {
	switch {
	case m.Year == 0 || m.Relative || m.HasWeekday && m.Day == 0:
		return time.Time{}, time.Time{}, false
	case m.Month == 0:
		start = time.Date(m.Year, time.January, 1, 0, 0, 0, 0, time.UTC)
		return start, start.AddDate(1, 0, 0), true
	case m.Day == 0:
		start = time.Date(m.Year, m.Month, 1, 0, 0, 0, 0, time.UTC)
		return start, start.AddDate(0, 1, 0), true
	}
	start = time.Date(m.Year, m.Month, m.Day, 0, 0, 0, 0, time.UTC)
	return start, start.AddDate(0, 0, 1), true
}

// Resolve returns the calendar day a day mention names, read from ref
// (the day the text was written, in its own time zone) in the direction
// the sentence's tense gives: a weekday is the latest such day on or
// before ref in the past, the earliest on or after it in the future (the
// mention's own Dir, "last Friday", overrides tense); a day without a
// month is in ref's month, or the month before (after) when that day is
// still to come (already gone); a month and day without a year is the
// nearest such day in that direction. The result is midnight UTC of that
// day. Months and years alone do not resolve.
func (m DateMention) Resolve(ref time.Time, tense Direction) (time.Time, bool) {
	ry, rm, rd := ref.Date()
	today := time.Date(ry, rm, rd, 0, 0, 0, 0, time.UTC)
	dir := tense
	if m.Dir != Unknown {
		dir = m.Dir
	}
	switch {
	case m.Relative:
		return today.AddDate(0, 0, m.Offset), true
	case m.Day == 0 && m.HasWeekday:
		if dir == Future {
			return today.AddDate(0, 0, (int(m.Weekday)-int(today.Weekday())+7)%7), true
		}
		return today.AddDate(0, 0, -((int(today.Weekday()) - int(m.Weekday) + 7) % 7)), true
	case m.Day == 0:
		return time.Time{}, false
	case m.Month == 0:
		d := time.Date(ry, rm, m.Day, 0, 0, 0, 0, time.UTC)
		switch {
		case dir != Future && m.Day > rd:
			d = time.Date(ry, rm-1, m.Day, 0, 0, 0, 0, time.UTC)
		case dir == Future && m.Day < rd:
			d = time.Date(ry, rm+1, m.Day, 0, 0, 0, 0, time.UTC)
		}
		if d.Day() != m.Day {
			return time.Time{}, false // "31日" in a 30-day month
		}
		return d, true
	}
	y := m.Year
	if y == 0 {
		y = ry
		d := time.Date(y, m.Month, m.Day, 0, 0, 0, 0, time.UTC)
		// Past tense: "on Dec. 28" in a July report is last year's.
		// Future: "from Jan. 5" in a December report is next year's.
		// Unknown: the nearer one.
		switch half := 183 * 24 * time.Hour; {
		case dir == Past && d.After(today), dir == Unknown && d.Sub(today) > half:
			y--
		case dir == Future && d.Before(today), dir == Unknown && d.Sub(today) < -half:
			y++
		}
	}
	d := time.Date(y, m.Month, m.Day, 0, 0, 0, 0, time.UTC)
	if d.Day() != m.Day || d.Month() != m.Month {
		return time.Time{}, false // "June 31"
	}
	return d, true
}

const (
	digit   = `[0-9０-９]`
	ordinal = `(?:st|nd|rd|th)?`
	weekday = `(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)`
)

// The patterns FindDates tries, most specific first; where two matches
// overlap, the earlier pattern's (or the longer) is kept.
var datePatterns = []struct {
	re   *regexp.Regexp
	read func(s string, g []int) (DateMention, bool)
}{
	// 2024年3月19日, 2024 年 3 月 19 日, 3月19日, 19日, 10號
	{regexp.MustCompile(`(` + digit + `{4})\s*年\s*(` + digit + `{1,2})\s*月\s*(` + digit + `{1,2})\s*[日號号]`), func(s string, g []int) (DateMention, bool) {
		return ymd(num(s, g, 1), num(s, g, 2), num(s, g, 3))
	}},
	{regexp.MustCompile(`(` + digit + `{1,2})\s*月\s*(` + digit + `{1,2})\s*[日號号]`), func(s string, g []int) (DateMention, bool) {
		return ymd(0, num(s, g, 1), num(s, g, 2))
	}},
	{regexp.MustCompile(`(` + digit + `{4})\s*年\s*(` + digit + `{1,2})\s*月`), func(s string, g []int) (DateMention, bool) {
		return ymd(num(s, g, 1), num(s, g, 2), 0)
	}},
	{regexp.MustCompile(`(` + digit + `{4})\s*年`), func(s string, g []int) (DateMention, bool) {
		return ymd(num(s, g, 1), 0, 0)
	}},
	// A day of the month alone: "今日(14日)", "10號以違反…". Not "3日內"
	// (within three days) nor "8號風球" (signal No. 8).
	{regexp.MustCompile(`(` + digit + `{1,2})\s*[日號号]`), func(s string, g []int) (DateMention, bool) {
		next, _ := utf8.DecodeRuneInString(s[g[1]:])
		if strings.ContainsRune("內内起前後后間间風风球線线碼码樓楼", next) {
			return DateMention{}, false
		}
		return ymd(0, 0, num(s, g, 1))
	}},
	// ISO: 2020-07-03
	{regexp.MustCompile(`\b(\d{4})-(\d{2})-(\d{2})\b`), func(s string, g []int) (DateMention, bool) {
		return ymd(num(s, g, 1), num(s, g, 2), num(s, g, 3))
	}},
	// July 3, 2020; Dec. 7; July 3rd
	{regexp.MustCompile(`\b` + englishMonths + `\.?\s+(\d{1,2})` + ordinal + `\b(?:,?\s+(\d{4})\b)?`), func(s string, g []int) (DateMention, bool) {
		mo, _ := Month(s[g[2]:g[3]])
		return ymd(num(s, g, 3), int(mo), num(s, g, 2))
	}},
	// 3 July 2020; 13th March, 2021; 3rd of July
	{regexp.MustCompile(`\b(\d{1,2})` + ordinal + `\s+(?:of\s+)?` + englishMonths + `\b\.?(?:,?\s+(\d{4})\b)?`), func(s string, g []int) (DateMention, bool) {
		mo, _ := Month(s[g[4]:g[5]])
		return ymd(num(s, g, 3), int(mo), num(s, g, 1))
	}},
	// July 2020; July of 2020
	{regexp.MustCompile(`\b` + englishMonths + `\.?\s+(?:of\s+)?(\d{4})\b`), func(s string, g []int) (DateMention, bool) {
		mo, _ := Month(s[g[2]:g[3]])
		return ymd(num(s, g, 2), int(mo), 0)
	}},
	// a month alone, after a preposition: "in July", "since late June"
	{regexp.MustCompile(`(?i:\b(?:in|since|until|till|by|from|during|through|of)\s+(?:(?:early|mid|late)[- ]?)?)` + englishMonths + `\b\.?`), func(s string, g []int) (DateMention, bool) {
		mo, _ := Month(s[g[2]:g[3]])
		return ymd(0, int(mo), 0)
	}},
	// a year: 2020
	{regexp.MustCompile(`\b((?:19|20)\d{2})\b`), func(s string, g []int) (DateMention, bool) {
		if inName(s, g[0], g[1]) {
			return DateMention{}, false
		}
		return ymd(num(s, g, 1), 0, 0)
	}},
	// last Friday, next Monday, Friday
	{regexp.MustCompile(`(?i:\b(last|next|this|coming)\s+)?\b` + weekday + `\b`), func(s string, g []int) (DateMention, bool) {
		m := DateMention{HasWeekday: true, Weekday: weekdayNamed(s[g[4]:g[5]])}
		if g[2] >= 0 {
			switch strings.ToLower(s[g[2]:g[3]]) {
			case "last":
				m.Dir = Past
			case "next", "coming":
				m.Dir = Future
			}
		}
		return m, true
	}},
	// 週五, 星期五, 周日, 禮拜天, 上週五, 下周一; 金曜日
	{regexp.MustCompile(`([上下本這这]?)(?:星期|週|周|禮拜|礼拜)([一二三四五六日天])`), func(s string, g []int) (DateMention, bool) {
		m := DateMention{HasWeekday: true, Weekday: zhWeekday(s[g[4]:g[5]])}
		switch s[g[2]:g[3]] {
		case "上":
			m.Dir = Past
		case "下":
			m.Dir = Future
		}
		return m, true
	}},
	{regexp.MustCompile(`([月火水木金土日])曜日?`), func(s string, g []int) (DateMention, bool) {
		return DateMention{HasWeekday: true, Weekday: jaWeekday(s[g[2]:g[3]])}, true
	}},
	// yesterday, today, tonight, this morning, last night, tomorrow
	{regexp.MustCompile(`(?i)\b(yesterday|today|tonight|this morning|this afternoon|this evening|last night|tomorrow)\b`), func(s string, g []int) (DateMention, bool) {
		off := 0
		switch strings.ToLower(s[g[2]:g[3]]) {
		case "yesterday", "last night":
			off = -1
		case "tomorrow":
			off = 1
		}
		return DateMention{Relative: true, Offset: off}, true
	}},
	// 今日, 今天, 昨日, 昨天, 前日, 前天, 明日, 明天; 本日, 今晚
	{regexp.MustCompile(`(今日|今天|今晚|本日|昨日|昨天|昨晚|前日|前天|明日|明天)`), func(s string, g []int) (DateMention, bool) {
		off := 0
		switch s[g[2]:g[3]] {
		case "昨日", "昨天", "昨晚":
			off = -1
		case "前日", "前天":
			off = -2
		case "明日", "明天":
			off = 1
		}
		return DateMention{Relative: true, Offset: off}, true
	}},
}

// firstWordPattern is the index of the first pattern of datePatterns
// that needs no digit (a month alone, weekdays, relative days).
var firstWordPattern = func() int {
	for i, p := range datePatterns {
		if !strings.Contains(p.re.String(), "[0-9") && !strings.Contains(p.re.String(), `\d`) {
			return i
		}
	}
	return len(datePatterns)
}()

// FindDates returns the times s names, in text order, without overlaps.
// A year that is part of an instrument's name ("Extradition Act 2003",
// "Policy Act of 1992", "Regulation 2019/1") is not a time.
func FindDates(s string) []DateMention {
	// Most sentences name no time: a pattern that needs a digit is not
	// tried on a sentence without one.
	digits := strings.ContainsAny(s, "0123456789") || strings.ContainsAny(s, "０１２３４５６７８９")
	var out []DateMention
	taken := func(a, b int) bool {
		for _, m := range out {
			if a < m.End && m.Start < b {
				return true
			}
		}
		return false
	}
	for i, p := range datePatterns {
		if !digits && i < firstWordPattern {
			continue
		}
		for _, g := range p.re.FindAllStringSubmatchIndex(s, -1) {
			if taken(g[0], g[1]) {
				continue
			}
			m, ok := p.read(s, g)
			if !ok {
				continue
			}
			m.Start, m.End = g[0], g[1]
			out = append(out, m)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	return out
}

// instrumentBefore: the words that end an instrument's name when a year
// follows them ("the Extradition Act 2003", "the U.S.-Hong Kong Policy
// Act of 1992"). Lower case does not count: "the act of 2020" is a year.
var instrumentBefore = regexp.MustCompile(`\b(?:Act|Acts|Ordinance|Regulations?|Law|Order|Bill|Code|Rules|Directive|Decision|Statute|Convention|Treaty|Agreement|Plan|Strategy|No\.?)\s+(?:of\s+)?$`)

// inName reports whether the year at s[start:end] is part of a name or a
// number: after an instrument's name, or in "2019/1", "No. 2020-15".
func inName(s string, start, end int) bool {
	if instrumentBefore.MatchString(s[:start]) {
		return true
	}
	if end < len(s) && (s[end] == '/' || s[end] == '-' && end+1 < len(s) && isDigit(s[end+1]) && !yearAt(s, end+1)) {
		return true
	}
	if start > 0 && (s[start-1] == '/' || s[start-1] == '.') {
		return true
	}
	return false
}

// yearAt: a four-digit year starts at s[i:] (a range "2021-2023").
func yearAt(s string, i int) bool {
	if i+4 > len(s) {
		return false
	}
	for k := i; k < i+4; k++ {
		if !isDigit(s[k]) {
			return false
		}
	}
	return (s[i] == '1' && s[i+1] == '9' || s[i] == '2' && s[i+1] == '0') && (i+4 == len(s) || !isDigit(s[i+4]))
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// ymd checks the parts a pattern read: a month in 1..12, a day in 1..31,
// a plausible year.
func ymd(y, mo, d int) (DateMention, bool) {
	if mo < 0 || mo > 12 || d < 0 || d > 31 || y != 0 && (y < 1000 || y > 2999) {
		return DateMention{}, false
	}
	if mo != 0 && d != 0 {
		check := y
		if check == 0 {
			check = 2000 // a leap year: 29 February may be meant
		}
		if t := time.Date(check, time.Month(mo), d, 0, 0, 0, 0, time.UTC); t.Day() != d {
			return DateMention{}, false
		}
	}
	return DateMention{Year: y, Month: time.Month(mo), Day: d}, true
}

// num reads group i of a match as a number, full-width digits included;
// 0 when the group is empty.
func num(s string, g []int, i int) int {
	if g[2*i] < 0 {
		return 0
	}
	n := 0
	for _, r := range s[g[2*i]:g[2*i+1]] {
		switch {
		case r >= '0' && r <= '9':
			n = n*10 + int(r-'0')
		case r >= '０' && r <= '９':
			n = n*10 + int(r-'０')
		}
	}
	return n
}

func weekdayNamed(s string) time.Weekday {
	for d := time.Sunday; d <= time.Saturday; d++ {
		if strings.EqualFold(d.String(), s) {
			return d
		}
	}
	return time.Sunday
}

func zhWeekday(s string) time.Weekday {
	i := strings.Index("日一二三四五六", s)
	if s == "天" || i < 0 {
		return time.Sunday
	}
	return time.Weekday(i / len("日"))
}

func jaWeekday(s string) time.Weekday {
	i := strings.Index("日月火水木金土", s)
	if i < 0 {
		return time.Sunday
	}
	return time.Weekday(i / len("日"))
}
