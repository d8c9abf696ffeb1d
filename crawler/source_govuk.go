package crawler

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"

	"policywatch/model"
)

// GOV.UK search API (https://www.gov.uk/api/search.json): JSON pages of
// results with a site-relative link, a title and a public timestamp.
// Paging is by start offset; the source URL carries the filters, the
// order and the page size.
const govukDefaultCount = 10 // the API's page size when count is not given

type govukPage struct {
	Results []struct {
		Link            string `json:"link"`
		Title           string `json:"title"`
		PublicTimestamp string `json:"public_timestamp"`
	} `json:"results"`
	Total int `json:"total"`
	Start int `json:"start"`
}

// govukStart is the source URL at offset 0.
func govukStart(s *source) []string {
	return []string{withParam(s.URL, "start", "0")}
}

func withParam(raw, key, value string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	q := u.Query()
	q.Set(key, value)
	u.RawQuery = q.Encode()
	return u.String()
}

// govuk queues the documents of one result page (www.gov.uk + link) that
// fall in the source's window, then the next page. When results come
// newest first, a page reaching past the window's start is the last one
// needed.
func (r *runner) govuk(ctx context.Context, j *job, res *response) {
	var p govukPage
	if err := json.Unmarshal(res.body, &p); err != nil {
		r.fail(ctx, j.src, j.url, "GOV.UK search: "+plainReason(res.body, err))
		return
	}
	base, _ := url.Parse(res.finalURL)
	var end time.Time
	if !j.src.To.IsZero() {
		end = j.src.To.AddDate(0, 0, 1)
	}
	queued, older := 0, false
	for _, it := range p.Results {
		h := hint{title: strings.TrimSpace(it.Title)}
		if t, ok := parseDate(it.PublicTimestamp); ok {
			h.published, h.dateSource = t, model.DateFromAPI
			if !j.src.From.IsZero() && t.Before(j.src.From) {
				older = true
				continue
			}
			if !end.IsZero() && !t.Before(end) {
				continue
			}
		}
		_, n, ok := resolve(base, it.Link)
		if !ok || j.src.excluded(n) || !j.src.includes(n) {
			continue
		}
		if r.enqueue(&job{kind: jobDoc, src: j.src, url: n, hint: h}) {
			queued++
		}
	}
	u, _ := url.Parse(j.url)
	q := u.Query()
	start, _ := strconv.Atoi(q.Get("start"))
	count, err := strconv.Atoi(q.Get("count"))
	if err != nil || count <= 0 {
		count = govukDefaultCount
	}
	newestFirst := q.Get("order") == "-public_timestamp"
	next := start + count
	if len(p.Results) > 0 && next < p.Total && !(older && newestFirst) {
		r.enqueue(&job{kind: jobDiscover, src: j.src, url: withParam(j.url, "start", fmt.Sprint(next)), depth: j.depth + 1})
	}
	r.log().Info("crawler: GOV.UK search page read", slog.String("source", j.src.Name), slog.Int("start", start),
		slog.Int("results", len(p.Results)), slog.Int("total", p.Total), slog.Int("queued", queued))
}
