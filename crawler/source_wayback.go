package crawler

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"strings"
	"time"

	"policywatch/model"
)

// Wayback Machine backfill. The CDX API lists the captures of a URL
// prefix in a date range; each listed page is then fetched from the
// archive in its "id_" form, which returns the bytes the site sent
// rather than the archive's rewritten copy. The document keeps the
// original URL (so a page later found live is the same document); its
// capture keeps the archive's address and, as a Memento-Datetime header,
// the time the archive captured it.
const (
	defaultArchive = "https://web.archive.org"
	cdxLimit       = 5000 // rows per CDX answer; a full answer splits its range
	cdxTimeLayout  = "20060102150405"
	cdxMinSpan     = time.Hour
)

// archivedPath matches an id_ capture path: /web/TIMESTAMP id_/ORIGINAL.
var archivedPath = regexp.MustCompile(`^/web/(\d{14})id_/(https?:/{1,2}.+)$`)

// archiveURL is the address of the original bytes of one capture.
func archiveURL(archive, timestamp, original string) string {
	return strings.TrimRight(archive, "/") + "/web/" + timestamp + "id_/" + original
}

// asOriginal makes a Wayback source's archived copy read as the page it
// preserves: extraction, link resolution and the document URL see the
// original address; the archive's address and capture time come back
// for the capture. Other responses are returned unchanged, with nil.
func (r *runner) asOriginal(j *job, res *response) (*response, *Archived) {
	if j.src.Kind != model.SourceWayback {
		return res, nil
	}
	u, err := url.Parse(res.finalURL)
	if err != nil {
		return res, nil
	}
	p := u.Path
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	m := archivedPath.FindStringSubmatch(p)
	if m == nil {
		return res, nil
	}
	at, err := time.Parse(cdxTimeLayout, m[1])
	if err != nil {
		return res, nil
	}
	original := m[2]
	// Some clients collapse "https://" in a path to "https:/".
	if !strings.Contains(original, "://") {
		original = strings.Replace(original, ":/", "://", 1)
	}
	out := *res
	out.requestURL, out.finalURL = original, original
	return &out, &Archived{RequestURL: res.requestURL, FinalURL: res.finalURL, At: at}
}

// waybackStart is the CDX query for the source's whole window.
func waybackStart(s *source) []string {
	from, to := "", ""
	if !s.From.IsZero() {
		from = s.From.UTC().Format("20060102")
	}
	if !s.To.IsZero() {
		to = s.To.UTC().Format("20060102")
	}
	return []string{cdxURL(s.archive(), s.URL, s.Query, from, to)}
}

func (s *source) archive() string {
	if s.Archive != "" {
		return s.Archive
	}
	return defaultArchive
}

// cdxURL lists the HTML captures of prefix with status 200 between from
// and to (CDX timestamps, any precision; "" for open). collapse=digest
// drops captures identical to the one before. match, when set, is a
// regular expression the whole original URL must match, applied by the
// CDX server: it makes a whole site's prefix affordable
// (".*hong-kong.*" among every state.gov URL).
func cdxURL(archive, prefix, match, from, to string) string {
	q := url.Values{}
	q.Set("url", prefix)
	q.Set("matchType", "prefix")
	if from != "" {
		q.Set("from", from)
	}
	if to != "" {
		q.Set("to", to)
	}
	q.Set("output", "json")
	q["filter"] = []string{"statuscode:200", "mimetype:text/html"}
	if match != "" {
		q["filter"] = append(q["filter"], "original:"+match)
	}
	q.Set("collapse", "digest")
	q.Set("limit", fmt.Sprint(cdxLimit))
	return strings.TrimRight(archive, "/") + "/cdx/search/cdx?" + q.Encode()
}

// wayback reads one CDX answer: a JSON array whose first row names the
// columns. Each original URL is queued once per run, from its earliest
// capture in the answer: closest to the page as first published. A full
// answer may have left captures out, so its range is split in two and
// each half asked for again.
func (r *runner) wayback(ctx context.Context, j *job, res *response) {
	var rows [][]string
	if err := json.Unmarshal(res.body, &rows); err != nil {
		r.fail(ctx, j.src, j.url, "Wayback CDX: "+plainReason(res.body, err))
		return
	}
	if len(rows) == 0 {
		r.log().Info("crawler: Wayback CDX read", slog.String("source", j.src.Name), slog.Int("captures", 0))
		return
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	ti, ok1 := col["timestamp"]
	oi, ok2 := col["original"]
	if !ok1 || !ok2 {
		r.fail(ctx, j.src, j.url, "Wayback CDX: answer has no timestamp/original columns")
		return
	}
	// The earliest capture of each original URL in this answer.
	type pick struct{ ts, original, norm, key string }
	var picks []*pick
	byKey := map[string]*pick{}
	captures := rows[1:]
	for _, row := range captures {
		if len(row) <= max(ti, oi) {
			continue
		}
		ts, orig := row[ti], row[oi]
		if _, err := time.Parse(cdxTimeLayout, ts); err != nil {
			continue
		}
		ou, n, ok := resolveAbs(orig)
		if !ok || !j.src.wants(ou) {
			continue
		}
		key := visitKey(n)
		if p := byKey[key]; p != nil {
			if ts < p.ts {
				p.ts, p.original = ts, orig
			}
			continue
		}
		p := &pick{ts: ts, original: orig, norm: n, key: key}
		byKey[key] = p
		picks = append(picks, p)
	}
	archive := j.src.archive()
	queued, known := 0, 0
	for _, p := range picks {
		// Once per run: another answer (a split range) may list it too.
		if !r.claim("wayback " + p.key) {
			continue
		}
		// An archived copy never changes: a page the archive holds
		// already, from here or found live, needs no second fetch.
		if r.stored(ctx, p.norm) {
			known++
			continue
		}
		if r.enqueue(&job{kind: jobDoc, src: j.src, url: archiveURL(archive, p.ts, p.original)}) {
			queued++
		}
	}
	if len(captures) >= cdxLimit {
		r.splitCDX(j, captures, ti)
	}
	r.log().Info("crawler: Wayback CDX read", slog.String("source", j.src.Name),
		slog.Int("captures", len(captures)), slog.Int("queued", queued), slog.Int("already_stored", known))
}

// stored reports whether the store holds a document (or a syndicated
// copy) at the normalized URL u. Backfill sources (wayback, gdelt) re-list
// the same closed window on every run; skipping what is stored keeps
// those runs short and spares the sites. Any lookup error means "fetch it".
func (r *runner) stored(ctx context.Context, u string) bool {
	d, err := r.c.state.DocumentByURL(ctx, u)
	return err == nil && d != nil
}

// splitCDX asks again for the two halves of a full answer's time range.
func (r *runner) splitCDX(j *job, rows [][]string, ti int) {
	u, err := url.Parse(j.url)
	if err != nil {
		return
	}
	q := u.Query()
	from, err1 := time.Parse(cdxTimeLayout, padCDX(q.Get("from"), '0'))
	to, err2 := time.Parse(cdxTimeLayout, padCDX(q.Get("to"), '9'))
	if err1 != nil {
		from, _ = time.Parse(cdxTimeLayout, rows[0][ti])
	}
	if err2 != nil {
		to, _ = time.Parse(cdxTimeLayout, rows[len(rows)-1][ti])
		to = to.Add(24 * time.Hour)
	}
	if to.Sub(from) < 2*cdxMinSpan {
		r.log().Warn("crawler: Wayback CDX answer still full at its smallest range; some captures are not listed",
			slog.String("source", j.src.Name), slog.String("url", j.url))
		return
	}
	mid := from.Add(to.Sub(from) / 2).Truncate(time.Second)
	archive := j.src.archive()
	prefix := q.Get("url")
	match := ""
	for _, f := range q["filter"] {
		if m, ok := strings.CutPrefix(f, "original:"); ok {
			match = m
		}
	}
	for _, half := range [][2]time.Time{{from, mid}, {mid.Add(time.Second), to}} {
		r.enqueue(&job{kind: jobDiscover, src: j.src, depth: j.depth + 1,
			url: cdxURL(archive, prefix, match, half[0].Format(cdxTimeLayout), half[1].Format(cdxTimeLayout))})
	}
}

// padCDX completes a CDX timestamp of any precision the way the CDX
// server does: "from" with zeros, "to" with nines (clamped to a valid
// time below).
func padCDX(ts string, fill byte) string {
	if ts == "" {
		return ""
	}
	if len(ts) >= 14 {
		return ts[:14]
	}
	if fill == '0' {
		// Month and day cannot be 00.
		switch len(ts) {
		case 4:
			return ts + "0101000000"
		case 6:
			return ts + "01000000"
		}
		return ts + strings.Repeat("0", 14-len(ts))
	}
	t, err := time.Parse(cdxTimeLayout[:len(ts)], ts)
	if err != nil {
		return ""
	}
	// The last second of the period the timestamp names.
	switch len(ts) {
	case 4:
		t = t.AddDate(1, 0, 0)
	case 6:
		t = t.AddDate(0, 1, 0)
	case 8:
		t = t.AddDate(0, 0, 1)
	case 10:
		t = t.Add(time.Hour)
	case 12:
		t = t.Add(time.Minute)
	}
	return t.Add(-time.Second).Format(cdxTimeLayout)
}

// resolveAbs normalizes an absolute URL.
func resolveAbs(raw string) (*url.URL, string, bool) {
	n, err := NormalizeURL(raw)
	if err != nil {
		return nil, "", false
	}
	u, err := url.Parse(n)
	if err != nil {
		return nil, "", false
	}
	return u, n, true
}

// claim marks key as taken for this run and reports whether it was free.
func (r *runner) claim(key string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seen[key] {
		return false
	}
	r.seen[key] = true
	return true
}
