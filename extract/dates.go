package extract

import (
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/markusmobius/go-htmldate"

	"policywatch/model"
	"policywatch/prose"
)

// Meta keys that name the original publication date, most specific first.
var publishedMetaKeys = []string{
	"article:published_time", "govuk:first-published-at", "og:article:published_time", "og:published_time", "datepublished",
	"article.published", "published_time", "publication_date", "publish_date", "publish-date", "publishdate",
	"pubdate", "dc.date.issued", "dcterms.issued", "dc.date.created", "dcterms.created", "citation_publication_date",
	"citation_date", "parsely-pub-date", "sailthru.date", "originalpublicationdate", "article:post_date",
	"date", "dc.date", "dcterms.date", "displaydate", "datecreated", "created", "release_date", "og:pubdate",
	"cxenseparse:recs:publishtime", "article_date_original", "dc.date.available",
}

var modifiedMetaKeys = []string{
	"article:modified_time", "govuk:public-updated-at", "govuk:updated-at", "og:updated_time", "datemodified", "dcterms.modified", "dc.date.modified",
	"last-modified", "lastmod", "article.updated", "modified_time", "revised", "updated",
}

// published picks the publication date from two opinions: the dates the
// page states in its metadata (JSON-LD datePublished, article:published_time
// and similar meta tags, <time pubdate>), and htmldate's search of the whole
// page, which weighs many signals and prefers the original publication
// over "last updated" dates. When a stated date names htmldate's day, that
// value is used (it carries the time and offset). Otherwise htmldate's
// day wins (on its evaluation pages it was right about three times as often
// in such conflicts), except when it is the page's stated update day (the
// original publication comes first) or a bare January 1 (usually a year
// read from a copyright line), and except when the dates the page writes
// for readers (datelines, the lines around the headline, <time>) side
// with a stated date or, with no stated date, say "Published" themselves.
func (p *page) published(hd htmldate.Result, base *url.URL) (time.Time, string) {
	cands := p.structuredCandidates()
	urlDate, urlOK := time.Time{}, false
	for _, u := range []string{p.links["canonical"], p.metaFirst("og:url"), urlString(base)} {
		if urlDate, urlOK = dateFromURL(u); urlOK {
			break
		}
	}
	if urlOK && len(cands) > 0 {
		// A re-save: the stated date is later than the day in the
		// page's address, the page shows readers the address's day and
		// nowhere the stated one. The address and the page agree on the
		// original publication.
		st := cands[0].t
		sday := time.Date(st.Year(), st.Month(), st.Day(), 0, 0, 0, 0, time.UTC)
		if written := p.writtenDays(); sday.After(urlDate) && written[urlDate] && !written[sday] {
			for _, c := range cands {
				if sameDay(c.t, urlDate) {
					return localWriting(c, cands)
				}
			}
			return urlDate, model.DateFromURL
		}
	}
	if hd.IsZero() || !plausible(hd.DateTime) {
		if len(cands) > 0 {
			return cands[0].t, cands[0].src
		}
		if dl, ok := p.datelineDate(); ok {
			return dl, model.DateFromText
		}
		if urlOK {
			return urlDate, model.DateFromURL
		}
		return time.Time{}, ""
	}
	h := hd.DateTime
	hday := time.Date(h.Year(), h.Month(), h.Day(), 0, 0, 0, 0, time.UTC)
	if len(cands) > 0 {
		written := p.writtenDays()
		st := cands[0]
		sday := time.Date(st.t.Year(), st.t.Month(), st.t.Day(), 0, 0, 0, 0, time.UTC)
		if st.generic {
			// A bare "date" meta tag against the day the article's own
			// dateline shows: the dateline is what readers were told.
			if d := p.firstArticleDay(); !d.IsZero() && !sameDay(d, sday) {
				return d, model.DateFromText
			}
		}
		switch {
		case !sameDay(sday, hday) && (written[sday] && !written[hday] || p.firstArticleDay() == sday):
			// The page's most trusted stated date and a date it shows
			// readers agree on another day than htmldate: two
			// statements by the page beat a page-wide guess.
			return localWriting(st, cands)
		case sameDay(sday, hday) && !written[hday] && len(written) > 0:
			// A UTC time stamp whose day no dateline shows, while a
			// dateline shows a day the instant falls on in some zone:
			// that is the local day (22:00Z is the next day in Berlin).
			if _, off := st.t.Zone(); off == 0 && (st.t.Hour() != 0 || st.t.Minute() != 0) {
				if d, ok := oneReachable(written, st.t); ok {
					return d, model.DateFromText
				}
			}
		}
	}
	if m := p.modified(); len(cands) == 0 && !m.IsZero() && sameDay(m, hday) {
		// htmldate landed on the stated update day and the page states
		// no publication date in its metadata: an earlier date written
		// in its dateline or a <time> element is the publication.
		if w, ok := p.writtenDate(); ok && w.Before(hday) {
			return w, model.DateFromText
		}
	}
	// Some publication date the page states names htmldate's day: take
	// it, with its time and offset.
	for _, c := range cands {
		if sameDay(c.t, hday) {
			return localWriting(c, cands)
		}
	}
	if len(cands) > 0 {
		st := cands[0]
		_, off := st.t.Zone()
		switch {
		case off == 0 && reachableDay(st.t, hday):
			// A UTC time stamp does not fix the local day: 23:01Z is
			// already the next day in Europe and Asia.
			return hday, st.src
		case hday.Month() == time.January && hday.Day() == 1:
			return st.t, st.src
		}
		// htmldate landed on the day the page says it was updated:
		// the original publication comes first.
		if m := p.modified(); !m.IsZero() && sameDay(m, hday) {
			return st.t, st.src
		}
	}
	if len(cands) == 0 && hday.Month() == time.January && hday.Day() == 1 {
		// Most likely a copyright year: a dated dateline is better,
		// even an update's.
		if dl, ok := p.datelineDate(); ok {
			return dl, model.DateFromText
		}
		for _, s := range p.datelines {
			if t, ok := textDate(s); ok {
				return t, model.DateFromText
			}
		}
	}
	if len(cands) == 0 {
		// No stated date in the metadata, but a dateline that says in
		// words it is the publication ("Published: ...", "Veröffentlicht
		// am ..."): the page's own statement beats a page-wide guess.
		// The same for a date written right next to the headline.
		for _, s := range p.nearHeadline {
			if t, ok := textDate(beforeUpdate(s)); ok && !sameDay(t, hday) {
				return t, model.DateFromText
			}
		}
		for _, s := range p.datelines {
			if m := pubLabel.FindStringIndex(s); m != nil {
				if t, ok := textDate(beforeUpdate(s[m[1]:])); ok && !sameDay(t, hday) {
					return t, model.DateFromText
				}
			}
		}
	}
	hsrc := model.DateFromText
	switch {
	case urlOK && sameDay(hday, urlDate):
		// The day may come from the URL alone; a date the page writes
		// in its dateline is better evidence (URLs are often made in
		// another time zone, or before publication).
		// Only a nearby day counts: a dateline far from the URL's day
		// is more likely a comment's or an update's.
		if dl, ok := p.datelineDate(); ok && !sameDay(dl, hday) && len(cands) == 0 && absDays(dl, hday) <= 3 {
			return dl, model.DateFromText
		}
		hsrc = model.DateFromURL
	case p.hasMetaDay(hday):
		hsrc = model.DateFromMeta
	}
	return hday, hsrc
}

// reachableDay reports whether instant t falls on calendar day d in some
// time zone (UTC-12 to UTC+14).
func reachableDay(t, d time.Time) bool {
	lo := t.Add(-12 * time.Hour)
	hi := t.Add(14 * time.Hour)
	day := func(x time.Time) time.Time {
		x = x.UTC()
		return time.Date(x.Year(), x.Month(), x.Day(), 0, 0, 0, 0, time.UTC)
	}
	return !d.Before(day(lo)) && !d.After(day(hi))
}

type dateCand struct {
	t   time.Time
	src string
	// generic marks a bare "date" meta tag: many CMSs fill it with the
	// record's last change, not the publication.
	generic bool
}

// genericDateKeys are meta names that say "a date" without saying which.
var genericDateKeys = map[string]bool{"date": true, "dc.date": true, "dcterms.date": true}

// structuredCandidates lists the publication dates the page states in
// its metadata, most trusted first.
func (p *page) structuredCandidates() []dateCand {
	var out []dateCand
	arts := p.ldArticles()
	if len(arts) > 0 {
		// Only objects of the best rank: a page's video or its WebPage
		// wrapper has dates of its own.
		best := ldRank(arts[0])
		n := 0
		for n < len(arts) && ldRank(arts[n]) == best {
			n++
		}
		arts = arts[:n]
	}
	for _, o := range arts {
		for _, k := range []string{"datePublished", "dateCreated", "uploadDate", "startDate"} {
			if t, ok := parseDate(ldString(o[k])); ok {
				out = append(out, dateCand{t: t, src: model.DateFromJSONLD})
				break
			}
		}
	}
	for _, k := range publishedMetaKeys {
		for _, v := range p.meta[k] {
			if t, ok := parseDate(v); ok {
				out = append(out, dateCand{t, model.DateFromMeta, genericDateKeys[k]})
			}
		}
	}
	for _, te := range p.times {
		if te.pubdate {
			if t, ok := parseDate(firstNonEmpty(te.datetime, te.text)); ok {
				out = append(out, dateCand{t: t, src: model.DateFromTime})
			}
		}
	}
	// A bare "date" meta tag is the weakest statement: after the others.
	sort.SliceStable(out, func(a, b int) bool { return !out[a].generic && out[b].generic })
	return out
}

// hasMetaDay reports whether some meta tag or <time> states day d.
func (p *page) hasMetaDay(d time.Time) bool {
	for _, vals := range p.meta {
		for _, v := range vals {
			if t, ok := parseDate(v); ok && sameDay(t, d) {
				return true
			}
		}
	}
	return false
}

func (p *page) modified() time.Time {
	for _, o := range p.ldArticles() {
		if t, ok := parseDate(ldString(o["dateModified"])); ok {
			return t
		}
	}
	for _, k := range modifiedMetaKeys {
		for _, v := range p.meta[k] {
			if t, ok := parseDate(v); ok {
				return t
			}
		}
	}
	for _, te := range p.times {
		if te.modified {
			if t, ok := parseDate(firstNonEmpty(te.datetime, te.text)); ok {
				return t
			}
		}
	}
	return time.Time{}
}

func urlString(u *url.URL) string {
	if u == nil {
		return ""
	}
	return u.String()
}

func sameDay(a, b time.Time) bool {
	return a.Year() == b.Year() && a.YearDay() == b.YearDay()
}

// plausible rejects dates before the web and far in the future.
func plausible(t time.Time) bool {
	return t.Year() >= 1995 && t.Before(time.Now().AddDate(1, 0, 0))
}

var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05-07",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05.000Z0700",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05 -07:00",
	"2006-01-02 15:04:05 MST",
	time.RFC1123Z,
	time.RFC1123,
	time.RFC850,
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05 MST",
	"Mon Jan 2 15:04:05 MST 2006",
}

// Layouts without a zone: the day is kept, the wall-clock time dropped.
var localLayouts = []string{
	"2006-01-02T15:04:05",
	"2006-01-02T15:04:05.000",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006-01-02",
	"2006/01/02",
	"2006/01/02 15:04:05",
	"2006.01.02",
	"20060102",
	"January 2, 2006",
	"January 2 2006",
	"Jan 2, 2006",
	"Jan. 2, 2006",
	"2 January 2006",
	"2 Jan 2006",
	"02.01.2006",
	"January 2, 2006 3:04 PM",
	"Jan 2, 2006 3:04 PM",
	"Monday, January 2, 2006",
}

var isoDatePrefix = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})`)

// parseDate reads a date as pages write it in metadata. A value with a
// zone keeps its offset; a value without one becomes the calendar day
// (midnight UTC), which FormatDate prints as a bare date.
func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 64 {
		return time.Time{}, false
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			if !plausible(t) {
				return time.Time{}, false
			}
			if t.Location() != time.UTC {
				_, off := t.Zone()
				t = t.In(time.FixedZone("", off))
			}
			return t, true
		}
	}
	for _, l := range localLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return dayOnly(t)
		}
	}
	// Unix timestamps (seconds or milliseconds).
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && len(s) >= 9 {
		if len(s) >= 12 {
			n /= 1000
		}
		return dayOrZone(time.Unix(n, 0).UTC())
	}
	// Fall back to the leading ISO day of odd date-times.
	if m := isoDatePrefix.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		if t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC); mo >= 1 && mo <= 12 && t.Day() == d {
			return dayOnly(t)
		}
	}
	return time.Time{}, false
}

func dayOnly(t time.Time) (time.Time, bool) {
	t = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return t, plausible(t)
}

func dayOrZone(t time.Time) (time.Time, bool) { return t, plausible(t) }

var urlDateRe = regexp.MustCompile(`/((?:19|20)\d{2})[/_-]?(0[1-9]|1[0-2])[/_-]?(0[1-9]|[12]\d|3[01])(?:/|[_-]|\.|$)`)

// dateFromURL reads a /2020/07/01/ style day from a URL path.
func dateFromURL(u string) (time.Time, bool) {
	if u == "" {
		return time.Time{}, false
	}
	pu, err := url.Parse(u)
	if err != nil {
		return time.Time{}, false
	}
	m := urlDateRe.FindStringSubmatch(pu.Path)
	if m == nil {
		return time.Time{}, false
	}
	y, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	d, _ := strconv.Atoi(m[3])
	t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return time.Time{}, false
	}
	return t, plausible(t)
}

var (
	// dayMonthYear: "21 July 2020", "12. März 2019", "1er janvier 2020",
	// "5 de mayo de 2020".
	dayMonthYear = regexp.MustCompile(`(?i)(?:^|[^\pL\d])(\d{1,2})(?:st|nd|rd|th|er|º)?\.?\s*(?:de\s+)?` + prose.MonthPattern + `\.?,?\s+(?:de\s+)?((?:19|20)\d{2})\b`)
	// monthDayYear: "July 21, 2020", "Jan. 2 2020".
	monthDayYear = regexp.MustCompile(`(?i)(?:^|[^\pL\d])` + prose.MonthPattern + `\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+((?:19|20)\d{2})\b`)
	isoInText    = regexp.MustCompile(`\b((?:19|20)\d{2})-(\d{2})-(\d{2})\b`)
	// dottedDate: "19.10.2019", day first, as written across continental
	// Europe (no locale writes month.day.year with dots).
	dottedDate = regexp.MustCompile(`(?:^|[^\d.])(\d{1,2})\.\s?(\d{1,2})\.\s?((?:19|20)\d{2})\b`)
)

// datelineDate reads the first date written in a dateline element
// ("Published 21 July 2020", "July 21, 2020 at 9:00", "19. Oktober 2019",
// "29.04.2020, 12:01 Uhr").
func (p *page) datelineDate() (time.Time, bool) {
	for _, s := range p.datelines {
		if t, ok := textDate(beforeUpdate(s)); ok {
			return t, true
		}
	}
	return time.Time{}, false
}

// updateLabel marks a dateline that gives an update, not the publication.
var updateLabel = regexp.MustCompile(`(?i)updated|aktualisiert|ge(?:ä|ae)ndert|editiert|bearbeitet|mis à jour|modifié|actualizado|modificado|aggiornato|revised`)

// pubLabel introduces a publication date in a dateline.
var pubLabel = regexp.MustCompile(`(?i)\b(?:published|posted|written|first published|ver(?:ö|oe)ffentlicht|erstellt|erschienen|publié|publicado|pubblicato)\b\s*(?:on|am|le|el|il)?\s*:?`)

// beforeUpdate cuts a dateline at its update label: "May 1, 2020 /
// Updated 8 hours ago" keeps its first date, "Updated May 6, 2019" has none.
func beforeUpdate(s string) string {
	if loc := updateLabel.FindStringIndex(s); loc != nil {
		return s[:loc[0]]
	}
	return s
}

// writtenDays is the set of calendar days the page shows readers in its
// datelines, next to its headline and in <time> elements, leaving out those labelled as updates.
func (p *page) writtenDays() map[time.Time]bool {
	days := map[time.Time]bool{}
	for _, s := range append(p.datelines[:len(p.datelines):len(p.datelines)], p.nearHeadline...) {
		if t, ok := textDate(beforeUpdate(s)); ok {
			days[t] = true
		}
	}
	for _, te := range p.times {
		if te.modified && !te.pubdate || beforeUpdate(te.text) != te.text {
			continue
		}
		if t, ok := parseDate(te.datetime); ok {
			days[time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)] = true
		} else if t, ok := textDate(te.text); ok {
			days[t] = true
		}
	}
	return days
}

// firstArticleDay is the first day written in a dateline or <time>
// element inside the page's <article> or <main> (zero if none): the
// article's own date line, not the masthead's "today" or teasers below.
func (p *page) firstArticleDay() time.Time {
	for i, s := range p.datelines {
		if p.dlArticle[i] {
			if t, ok := textDate(beforeUpdate(s)); ok {
				return t
			}
		}
	}
	for _, te := range p.times {
		if !te.inArticle || te.modified && !te.pubdate {
			continue
		}
		if t, ok := parseDate(te.datetime); ok {
			return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		}
		if t, ok := textDate(te.text); ok {
			return t
		}
	}
	return time.Time{}
}

// oneReachable returns the only written day that instant t falls on in
// some time zone, if exactly one does.
func oneReachable(days map[time.Time]bool, t time.Time) (time.Time, bool) {
	var found time.Time
	n := 0
	for d := range days {
		if reachableDay(t, d) {
			found = d
			n++
		}
	}
	return found, n == 1
}

// writtenDate is the first date the page writes for readers: in a
// dateline, else in a <time> element (article ones first).
func (p *page) writtenDate() (time.Time, bool) {
	if t, ok := p.datelineDate(); ok {
		return t, true
	}
	for _, inArticle := range []bool{true, false} {
		for _, te := range p.times {
			if te.inArticle != inArticle {
				continue
			}
			if t, ok := parseDate(te.datetime); ok {
				return t, true
			}
			if t, ok := textDate(te.text); ok {
				return t, true
			}
		}
	}
	return time.Time{}, false
}

// leadDate reads a date written at the very start of an article's first
// paragraph (past up to two labels such as "News release"), the way
// datelines open news releases and wire stories.
func leadDate(text string) (time.Time, bool) {
	var line string
	for i, l := range strings.SplitN(strings.TrimSpace(text), "\n", 4) {
		if prose.WordCount(l) > 6 || i == 2 {
			line = l
			break
		}
	}
	const head = 40
	if len(line) > head {
		cut := head
		for cut < len(line) && !utf8.RuneStart(line[cut]) {
			cut++
		}
		line = line[:cut]
	}
	return textDate(line)
}

// textDate reads the earliest-written date in s.
func textDate(s string) (time.Time, bool) {
	type hit struct {
		pos, y, mo, d int
	}
	var best *hit
	consider := func(h hit) {
		if best == nil || h.pos < best.pos {
			best = &h
		}
	}
	if m := dayMonthYear.FindStringSubmatchIndex(s); m != nil {
		consider(hit{m[2], atoi(s[m[6]:m[7]]), monthNumber(s[m[4]:m[5]]), atoi(s[m[2]:m[3]])})
	}
	if m := monthDayYear.FindStringSubmatchIndex(s); m != nil {
		consider(hit{m[2], atoi(s[m[6]:m[7]]), monthNumber(s[m[2]:m[3]]), atoi(s[m[4]:m[5]])})
	}
	if m := isoInText.FindStringSubmatchIndex(s); m != nil {
		consider(hit{m[2], atoi(s[m[2]:m[3]]), atoi(s[m[4]:m[5]]), atoi(s[m[6]:m[7]])})
	}
	if m := dottedDate.FindStringSubmatchIndex(s); m != nil {
		consider(hit{m[2], atoi(s[m[6]:m[7]]), atoi(s[m[4]:m[5]]), atoi(s[m[2]:m[3]])})
	}
	if best == nil || best.mo < 1 || best.mo > 12 {
		return time.Time{}, false
	}
	t := time.Date(best.y, time.Month(best.mo), best.d, 0, 0, 0, 0, time.UTC)
	if t.Day() != best.d {
		return time.Time{}, false
	}
	return t, plausible(t)
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

func monthNumber(s string) int {
	m, _ := prose.Month(s)
	return int(m)
}

func absDays(a, b time.Time) int {
	d := a.Sub(b).Hours() / 24
	if d < 0 {
		d = -d
	}
	return int(d + 0.5)
}

// localWriting returns the writing of c's instant in local time when the
// page states the same instant both in UTC and with a local offset: the
// local day is the publication day readers saw ("2020-12-25T01:59+02:00"
// rather than "2020-12-24T23:59Z").
func localWriting(c dateCand, cands []dateCand) (time.Time, string) {
	if _, off := c.t.Zone(); off != 0 || c.t.Hour() == 0 && c.t.Minute() == 0 {
		return c.t, c.src
	}
	for _, o := range cands {
		if _, off := o.t.Zone(); off != 0 && o.t.Sub(c.t).Abs() < 2*time.Minute {
			return o.t, o.src
		}
	}
	return c.t, c.src
}
