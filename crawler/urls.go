package crawler

import (
	"fmt"
	"net"
	"net/url"
	"path"
	"regexp"
	"sort"
	"strings"
)

// Trap guards: limits past which a URL is more likely a crawler trap
// (calendars, session loops, faceted search) than a document.
const (
	maxURLLength     = 2048
	maxQueryParams   = 8
	maxSegmentRepeat = 2 // the same path segment more than twice: /a/b/a/b/a/
)

// maxQueryVariants is how many URLs differing only in a query of two or
// more parameters a run follows on one path: faceted search and sort
// orders multiply into more combinations than there are documents. A
// single parameter (press.asp?id=123) is how some sites number their
// documents, so it is not limited.
const maxQueryVariants = 100

// queryVariantKey returns host+path for a URL whose query has two or more
// parameters, or "".
func queryVariantKey(u *url.URL) string {
	if u.RawQuery == "" || len(u.Query()) < 2 {
		return ""
	}
	return strings.ToLower(u.Host) + u.EscapedPath()
}

// maxCalendarPages is how many pages of one calendar a run follows: two
// years of months. Calendars link to the next period without end.
const maxCalendarPages = 24

// calendarParams are query parameters that page through dates.
var calendarParams = map[string]bool{"date": true, "day": true, "month": true, "year": true, "week": true, "ym": true}

var (
	calendarSegRe = regexp.MustCompile(`(?i)^(calendar|calendrier|kalender|events?|agenda|schedule)$`)
	dateTokenRe   = regexp.MustCompile(`(?:^|[^0-9])((?:19|20|21)\d\d)(?:[-/_.]?)(0[1-9]|1[0-2])?(?:[^0-9]|$)`)
	digitsRe      = regexp.MustCompile(`\d+`)
)

// calendarKey names the calendar u is a page of (the URL with its dates
// taken out), or returns "" when u does not look like a calendar page: a
// date-named query parameter with digits in its value, or a calendar-like
// path segment beside a year in the path.
func calendarKey(u *url.URL) string {
	q := u.Query()
	dated := false
	for k, vs := range q {
		if calendarParams[strings.ToLower(k)] && len(vs) > 0 && digitsRe.MatchString(vs[0]) {
			dated = true
			q.Del(k)
		}
	}
	if !dated {
		calendar := false
		for _, seg := range strings.Split(u.Path, "/") {
			if calendarSegRe.MatchString(seg) {
				calendar = true
			}
		}
		if !calendar || !dateTokenRe.MatchString(u.Path) {
			return ""
		}
	}
	return strings.ToLower(u.Host) + digitsRe.ReplaceAllString(u.Path, "N") + "?" + q.Encode()
}

// sessionParams are query parameters that identify a visitor, not a page.
var sessionParams = map[string]bool{
	"jsessionid": true, "phpsessid": true, "sid": true, "sessionid": true,
	"session_id": true, "aspsessionid": true, "cfid": true, "cftoken": true,
	"fbclid": true, "gclid": true, "msclkid": true, "mc_cid": true, "mc_eid": true,
}

// NormalizeURL returns the form of raw used as a document's identity:
// lower-case scheme and host, no fragment, no default port, no tracking
// or session parameters, sorted query, and "/" for an empty path. A
// trailing slash on other paths is kept as the site gives it, because
// many servers answer "/a" and "/a/" differently; fetch de-duplication
// ignores it (see visitKey).
func NormalizeURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", fmt.Errorf("parse url %q: %w", raw, err)
	}
	if !u.IsAbs() || u.Hostname() == "" {
		return "", fmt.Errorf("url %q is not absolute", raw)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("url %q: unsupported scheme %q", raw, u.Scheme)
	}
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	if (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		port = ""
	}
	if port != "" {
		host = net.JoinHostPort(host, port) // brackets an IPv6 literal
	} else if strings.Contains(host, ":") { // IPv6 literal
		host = "[" + host + "]"
	}
	u.Host = host
	u.User = nil
	u.Fragment, u.RawFragment = "", ""

	// ;jsessionid=... path parameters are session ids too.
	if i := strings.Index(strings.ToLower(u.Path), ";jsessionid="); i >= 0 {
		u.Path = u.Path[:i]
		u.RawPath = ""
	}
	u.Path = collapseSlashes(u.Path)
	if u.Path == "" {
		u.Path = "/"
	}
	if u.RawPath != "" {
		u.RawPath = collapseSlashes(u.RawPath)
	}

	if u.RawQuery != "" {
		q, err := url.ParseQuery(u.RawQuery)
		if err != nil {
			// Keep an unparsable query as it is rather than losing it.
			return u.String(), nil
		}
		for k := range q {
			lk := strings.ToLower(k)
			if strings.HasPrefix(lk, "utm_") || sessionParams[lk] {
				delete(q, k)
			}
		}
		for _, v := range q {
			sort.Strings(v)
		}
		u.RawQuery = q.Encode() // Encode sorts by key
	}
	u.ForceQuery = false
	return u.String(), nil
}

func collapseSlashes(p string) string {
	for strings.Contains(p, "//") {
		p = strings.ReplaceAll(p, "//", "/")
	}
	return p
}

// visitKey is the key for "never fetch the same URL twice": the
// normalized URL without a trailing slash, so /a and /a/ count as one.
func visitKey(normalized string) string {
	u, err := url.Parse(normalized)
	if err != nil {
		return normalized
	}
	if len(u.Path) > 1 {
		u.Path = strings.TrimSuffix(u.Path, "/")
		u.RawPath = strings.TrimSuffix(u.RawPath, "/")
	}
	return u.String()
}

// trapReason says why u looks like a crawler trap, or "" when it does not.
func trapReason(u string) string {
	if len(u) > maxURLLength {
		return fmt.Sprintf("url longer than %d bytes", maxURLLength)
	}
	pu, err := url.Parse(u)
	if err != nil {
		return "unparsable url"
	}
	counts := map[string]int{}
	for _, seg := range strings.Split(pu.Path, "/") {
		if seg == "" {
			continue
		}
		counts[seg]++
		if counts[seg] > maxSegmentRepeat {
			return fmt.Sprintf("path segment %q repeated", seg)
		}
	}
	if n := len(pu.Query()); n > maxQueryParams {
		return fmt.Sprintf("%d query parameters", n)
	}
	return ""
}

// sameSite reports whether two hosts (host[:port], as in normalized
// URLs) belong to the same site: equal, or equal once a leading "www."
// is dropped. The port counts: two servers on one machine are two sites.
func sameSite(a, b string) bool {
	a, b = strings.ToLower(a), strings.ToLower(b)
	return strings.TrimPrefix(a, "www.") == strings.TrimPrefix(b, "www.")
}

var (
	queryPageRe = regexp.MustCompile(`^\d{1,4}$`)
	pathPageRe  = regexp.MustCompile(`/page/\d{1,4}/?$`)
)

// paginationBase returns the listing a pagination URL belongs to
// ("?page=N" or "/page/N/" removed) and whether u is one.
func paginationBase(u *url.URL) (string, bool) {
	q := u.Query()
	if v := q.Get("page"); v != "" && queryPageRe.MatchString(v) {
		q.Del("page")
		b := *u
		b.RawQuery = q.Encode()
		return listingKey(&b), true
	}
	if pathPageRe.MatchString(u.Path) {
		b := *u
		b.Path = pathPageRe.ReplaceAllString(u.Path, "/")
		b.RawPath = ""
		return listingKey(&b), true
	}
	return "", false
}

// listingKey identifies a listing independent of its page number and
// trailing slash.
func listingKey(u *url.URL) string {
	p := path.Clean("/" + u.Path)
	k := strings.ToLower(u.Host) + p
	if u.RawQuery != "" {
		k += "?" + u.RawQuery
	}
	return k
}
