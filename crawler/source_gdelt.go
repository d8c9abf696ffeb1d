package crawler

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"policywatch/model"
)

// GDELT DOC 2.0 API (https://api.gdeltproject.org/api/v2/doc/doc): news
// articles matching a query, as a list, for a window of time. One answer
// holds at most gdeltMaxRecords articles, so a long window is walked in
// slices, and a slice that comes back full is split in two until the
// pieces fit or reach gdeltMinSlice.
const (
	gdeltSlice      = 7 * 24 * time.Hour
	gdeltMinSlice   = 3 * time.Hour
	gdeltMaxRecords = 250
	gdeltTimeLayout = "20060102150405"
	gdeltSeenLayout = "20060102T150405Z"
)

// gdeltPage is the DOC API's artlist answer in JSON. An empty result is
// "{}".
type gdeltPage struct {
	Articles []struct {
		URL           string `json:"url"`
		Title         string `json:"title"`
		SeenDate      string `json:"seendate"`
		Domain        string `json:"domain"`
		Language      string `json:"language"`
		SourceCountry string `json:"sourcecountry"`
	} `json:"articles"`
}

// gdeltStart returns the API URL of every slice of the source's window.
// The window ends at To's last second, or now when To is not set.
func gdeltStart(s *source, now time.Time) []string {
	from := s.From.UTC()
	end := now.UTC()
	if !s.To.IsZero() {
		if e := s.To.UTC().Add(24*time.Hour - time.Second); e.Before(end) {
			end = e
		}
	}
	var out []string
	for start := from; !start.After(end); start = start.Add(gdeltSlice) {
		out = append(out, gdeltURL(s.URL, s.Query, start, minTime(start.Add(gdeltSlice-time.Second), end)))
	}
	return out
}

// gdeltURL is the artlist request for one slice (both ends inclusive, to
// the second).
func gdeltURL(endpoint, query string, from, to time.Time) string {
	u, err := url.Parse(endpoint)
	if err != nil {
		return endpoint
	}
	q := u.Query()
	q.Set("query", query)
	q.Set("mode", "artlist")
	q.Set("format", "json")
	q.Set("maxrecords", fmt.Sprint(gdeltMaxRecords))
	q.Set("startdatetime", from.UTC().Format(gdeltTimeLayout))
	q.Set("enddatetime", to.UTC().Format(gdeltTimeLayout))
	// %20 rather than "+": the API's own examples write spaces that way.
	u.RawQuery = strings.ReplaceAll(q.Encode(), "+", "%20")
	return u.String()
}

// gdeltWindow reads a slice's bounds back from its request URL, so a
// queued slice needs no state beyond its URL.
func gdeltWindow(raw string) (from, to time.Time, ok bool) {
	u, err := url.Parse(raw)
	if err != nil {
		return from, to, false
	}
	q := u.Query()
	from, err1 := time.Parse(gdeltTimeLayout, q.Get("startdatetime"))
	to, err2 := time.Parse(gdeltTimeLayout, q.Get("enddatetime"))
	return from, to, err1 == nil && err2 == nil
}

// gdelt queues the articles of one slice. Their URLs are on any news
// site: the query, not the host, makes them part of the source, so only
// the include/exclude patterns filter them.
func (r *runner) gdelt(ctx context.Context, j *job, res *response) {
	var p gdeltPage
	if err := json.Unmarshal(res.body, &p); err != nil {
		// The API answers mistakes and rate limiting in plain text with a
		// 200 status; that text is the useful reason.
		r.fail(ctx, j.src, j.url, "GDELT: "+plainReason(res.body, err))
		return
	}
	base, _ := url.Parse(res.finalURL)
	queued, known := 0, 0
	for _, a := range p.Articles {
		_, n, ok := resolve(base, a.URL)
		if !ok || j.src.excluded(n) || !j.src.includes(n) {
			continue
		}
		// Every run walks the whole window again; articles already
		// archived are not fetched again (their own sites' feeds, when
		// configured, keep them current).
		if r.stored(ctx, n) {
			known++
			continue
		}
		h := hint{title: strings.TrimSpace(a.Title)}
		// seendate is when GDELT's crawler first saw the article, within
		// minutes of publication for the news it monitors; the page's
		// own date, when it gives one, wins (see save).
		if t, err := time.Parse(gdeltSeenLayout, a.SeenDate); err == nil {
			h.published, h.dateSource = t, model.DateFromAPI
		}
		if r.enqueue(&job{kind: jobDoc, src: j.src, url: n, hint: h}) {
			queued++
		}
	}
	from, to, ok := gdeltWindow(j.url)
	if len(p.Articles) >= gdeltMaxRecords && ok {
		if to.Sub(from) >= 2*gdeltMinSlice {
			mid := from.Add(to.Sub(from) / 2).Truncate(time.Second)
			q := queryOf(j.url)
			r.enqueue(&job{kind: jobDiscover, src: j.src, url: gdeltURL(j.url, q, from, mid), depth: j.depth + 1})
			r.enqueue(&job{kind: jobDiscover, src: j.src, url: gdeltURL(j.url, q, mid.Add(time.Second), to), depth: j.depth + 1})
		} else {
			r.log().Warn("crawler: GDELT slice still full at its smallest; some articles are not listed",
				slog.String("source", j.src.Name), slog.Time("from", from), slog.Time("to", to))
		}
	}
	r.log().Info("crawler: GDELT slice read", slog.String("source", j.src.Name), slog.Time("from", from),
		slog.Int("articles", len(p.Articles)), slog.Int("queued", queued), slog.Int("already_stored", known))
}

func queryOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Query().Get("query")
}

// plainReason is the first line of a plain-text API answer, bounded, or
// the JSON error when the body is empty.
func plainReason(body []byte, err error) string {
	line, _, _ := strings.Cut(strings.TrimSpace(string(body)), "\n")
	line = strings.TrimSpace(line)
	if line == "" {
		return fmt.Sprintf("parse API response: %v", err)
	}
	if len(line) > 200 {
		line = line[:200] + "…"
	}
	return line
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
