package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"time"

	"policywatch/model"
	"policywatch/web"
)

// webEngine serves the search page in-process (no sockets) over the
// Bleve index and its archive: the server-side cost of one page view,
// which the wrk run of scripts/bench-search.sh then measures over
// loopback.
type webEngine struct {
	be      *bleveEngine
	handler http.Handler
}

func openWeb(dir string, n int) (*webEngine, error) {
	be, err := openBleve(dir, n)
	if err != nil {
		return nil, err
	}
	srv, err := web.New(web.Config{Store: be.texts, Index: be.ix, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		be.close()
		return nil, fmt.Errorf("build web server: %w", err)
	}
	return &webEngine{be: be, handler: srv.Handler()}, nil
}

func (e *webEngine) put(context.Context, []model.Document) error {
	return fmt.Errorf("web engine is read-only")
}

func (e *webEngine) finish(context.Context) error { return nil }

func (e *webEngine) close() error { return e.be.close() }

// searchURL is the search page address for q, as the form builds it.
func searchURL(q benchQuery) string {
	v := url.Values{}
	v.Set("q", q.Query)
	if q.Category != "" {
		v.Set("category", q.Category)
	}
	if q.Kind != "" {
		v.Set("kind", q.Kind)
	}
	if !q.From.IsZero() {
		v.Set("from", q.From.Format(time.DateOnly))
	}
	if !q.To.IsZero() {
		v.Set("to", q.To.Format(time.DateOnly))
	}
	if q.ByDate {
		v.Set("sort", "date")
	}
	if q.Page > 1 {
		v.Set("page", strconv.Itoa(q.Page))
	}
	return "/?" + v.Encode()
}

func (e *webEngine) search(ctx context.Context, q benchQuery) (int, error) {
	req := httptest.NewRequestWithContext(ctx, http.MethodGet, searchURL(q), nil)
	rec := &countingWriter{header: http.Header{}}
	e.handler.ServeHTTP(rec, req)
	if rec.status != 0 && rec.status != http.StatusOK {
		return 0, fmt.Errorf("search page %s: status %d", searchURL(q), rec.status)
	}
	return rec.n, nil // bytes of the page, not matches
}

// countingWriter discards the page but counts it.
type countingWriter struct {
	header http.Header
	status int
	n      int
}

func (w *countingWriter) Header() http.Header { return w.header }
func (w *countingWriter) WriteHeader(s int) {
	if w.status == 0 {
		w.status = s
	}
}
func (w *countingWriter) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }
