package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"policywatch/index"
)

// histogrammer counts matches over time, for the chart above the results.
type histogrammer interface {
	AutoHistogram(ctx context.Context, r index.Request) (string, []index.Bucket, error)
}

// histogramView is the chart above the results.
type histogramView struct {
	SVG     template.HTML
	Bucket  string // day, month or year
	Buckets []index.Bucket
}

// histogram counts the matches of r per day, month or year (chosen by the
// span of their dates) and draws them. It returns nil when there is
// nothing to draw: no dated match.
func (s *Server) histogram(ctx context.Context, r index.Request, v url.Values) (*histogramView, error) {
	bucket, buckets, err := s.index.AutoHistogram(ctx, r)
	if err != nil {
		return nil, err
	}
	if len(buckets) == 0 {
		return nil, nil
	}
	return &histogramView{SVG: histogramSVG(buckets, bucket, v), Bucket: bucket, Buckets: buckets}, nil
}

// Chart geometry in SVG user units; the stylesheet scales it to the page.
const (
	chartW, chartH   = 640, 140
	chartPadL        = 36
	chartPadB        = 22
	chartPadT        = 8
	chartBarGapRatio = 0.15
)

// bucketLabel names a bucket the way its size reads.
func bucketLabel(b index.Bucket, bucket string) string {
	switch bucket {
	case index.BucketDay:
		return b.Start.Format(time.DateOnly)
	case index.BucketMonth:
		return b.Start.Format("2006-01")
	}
	return b.Start.Format("2006")
}

// histogramSVG draws buckets as a bar chart. Every bar links to the same
// search narrowed to its period, and carries a <title> so its count can
// be read by hovering or by a screen reader. The SVG uses presentation
// attributes only (no style attribute, no script), which the page's CSP
// allows. v is the current search, for the links; nil draws no links.
func histogramSVG(buckets []index.Bucket, bucket string, v url.Values) template.HTML {
	maxCount, total := 0, 0
	for _, b := range buckets {
		maxCount = max(maxCount, b.Count)
		total += b.Count
	}
	esc := template.HTMLEscapeString
	var sb strings.Builder
	first, last := bucketLabel(buckets[0], bucket), bucketLabel(buckets[len(buckets)-1], bucket)
	summary := fmt.Sprintf("%d dated matches per %s from %s to %s; at most %d in one %s", total, bucket, first, last, maxCount, bucket)
	fmt.Fprintf(&sb, `<svg xmlns="http://www.w3.org/2000/svg" class="histogram" viewBox="0 0 %d %d" role="img" aria-label="%s">`,
		chartW, chartH, esc(summary))
	fmt.Fprintf(&sb, `<title>%s</title>`, esc(summary))
	plotW := float64(chartW - chartPadL - 4)
	plotH := float64(chartH - chartPadB - chartPadT)
	baseY := float64(chartH - chartPadB)
	// Axis and the scale's top value.
	fmt.Fprintf(&sb, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#888" stroke-width="1"/>`, chartPadL, baseY, chartW-4, baseY)
	fmt.Fprintf(&sb, `<text x="%d" y="%d" font-size="10" text-anchor="end" fill="#555">%d</text>`, chartPadL-4, chartPadT+8, maxCount)
	fmt.Fprintf(&sb, `<text x="%d" y="%.1f" font-size="10" text-anchor="end" fill="#555">0</text>`, chartPadL-4, baseY)
	slot := plotW / float64(len(buckets))
	barW := slot * (1 - chartBarGapRatio)
	if len(buckets) > 200 {
		barW = slot // thin bars: gaps would swallow them
	}
	for i, b := range buckets {
		x := float64(chartPadL) + float64(i)*slot
		h := 0.0
		if maxCount > 0 {
			h = plotH * float64(b.Count) / float64(maxCount)
		}
		if b.Count > 0 && h < 1 {
			h = 1 // a single match stays visible
		}
		label := bucketLabel(b, bucket)
		title := fmt.Sprintf("%s: %d document", label, b.Count)
		if b.Count != 1 {
			title += "s"
		}
		if v != nil && b.Count > 0 {
			link := withValues(v, map[string]string{
				"from": b.Start.Format(time.DateOnly),
				"to":   b.End.AddDate(0, 0, -1).Format(time.DateOnly),
			})
			fmt.Fprintf(&sb, `<a href="%s">`, esc(link))
		}
		fmt.Fprintf(&sb, `<rect x="%.2f" y="%.2f" width="%.2f" height="%.2f" fill="#3367a6"><title>%s</title></rect>`,
			x, baseY-h, max(barW, 0.5), h, esc(title))
		if v != nil && b.Count > 0 {
			sb.WriteString(`</a>`)
		}
	}
	// Period labels at both ends, and the middle when there is room.
	fmt.Fprintf(&sb, `<text x="%d" y="%d" font-size="10" fill="#555">%s</text>`, chartPadL, chartH-6, esc(first))
	if len(buckets) > 2 {
		fmt.Fprintf(&sb, `<text x="%.1f" y="%d" font-size="10" text-anchor="middle" fill="#555">%s</text>`,
			float64(chartPadL)+plotW/2, chartH-6, esc(bucketLabel(buckets[len(buckets)/2], bucket)))
	}
	fmt.Fprintf(&sb, `<text x="%d" y="%d" font-size="10" text-anchor="end" fill="#555">%s</text>`, chartW-4, chartH-6, esc(last))
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String())
}

// histogramImage serves the chart of a search on its own, as an SVG file
// another page or a report can embed.
func (s *Server) histogramImage(w http.ResponseWriter, r *http.Request) {
	p, err := s.parseSearch(r.Context(), r.URL.Query())
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	hv, err := s.histogram(r.Context(), p.request(), nil)
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	if hv == nil {
		fmt.Fprintf(w, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" role="img" aria-label="No dated matches"><text x="10" y="20" font-size="12">No dated matches</text></svg>`, chartW, chartH)
		return
	}
	_, _ = w.Write([]byte(hv.SVG))
}

// apiHistogram is GET /api/search/histogram: the counts behind the chart.
func (s *Server) apiHistogram(w http.ResponseWriter, r *http.Request) {
	p, err := s.parseSearch(r.Context(), r.URL.Query())
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	req := p.request()
	hv, err := s.histogram(r.Context(), req, nil)
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	type apiBucket struct {
		Start string `json:"start"`
		End   string `json:"end"` // exclusive
		Count int    `json:"count"`
	}
	out := struct {
		Bucket  string      `json:"bucket"`
		Buckets []apiBucket `json:"buckets"`
	}{Buckets: []apiBucket{}}
	if hv != nil {
		out.Bucket = hv.Bucket
		for _, b := range hv.Buckets {
			out.Buckets = append(out.Buckets, apiBucket{formatDate(b.Start), formatDate(b.End), b.Count})
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// similarFinder finds documents like a given one; *index.Index satisfies it.
type similarFinder interface {
	Similar(ctx context.Context, id int64, limit int) ([]index.Hit, error)
}

// similarCount is how many similar documents a document page lists.
const similarCount = 8

// similar returns documents sharing the most distinctive terms with
// document id, for its page. It is a hint, not the page's content: a
// failure (a document not indexed yet, say) shows no list rather than an
// error.
func (s *Server) similar(ctx context.Context, id int64) []index.Hit {
	hits, err := s.index.Similar(ctx, id, similarCount)
	if err != nil {
		if !errors.Is(err, index.ErrNotFound) {
			s.log.LogAttrs(ctx, slog.LevelWarn, "similar documents failed", slog.Int64("document", id), slog.Any("err", err))
		}
		return nil
	}
	return hits
}
