package crawler

import (
	"context"
	"log/slog"
	"net/http"
	"time"
)

// Withdrawer is a Sink that also records pages going away. *store.DB
// satisfies it; a Sink without it simply logs the 404 as a failure.
type Withdrawer interface {
	MarkWithdrawn(ctx context.Context, url string, status int, at time.Time) (docID int64, marked bool, err error)
}

// markWithdrawn tells the sink that a document page answered 404 or 410,
// so an archived official page that disappears is marked withdrawn (its
// last copy stays). Feeds, sitemaps and robots.txt going missing are not
// documents being withdrawn.
func (r *runner) markWithdrawn(ctx context.Context, j *job, res *response) {
	if res == nil || (res.status != http.StatusNotFound && res.status != http.StatusGone) {
		return
	}
	if j.kind != jobPage && j.kind != jobDoc {
		return
	}
	w, ok := r.c.sink.(Withdrawer)
	if !ok {
		return
	}
	if _, marked, err := w.MarkWithdrawn(ctx, j.url, res.status, r.c.opts.Now()); err != nil {
		if r.writeFailed(j.url, err) { // persist.go: the run stops
			return
		}
		r.log().Error("crawler: mark withdrawn", slog.String("url", j.url), slog.String("err", err.Error()))
	} else if marked {
		r.log().Info("crawler: page withdrawn", slog.String("url", j.url), slog.Int("status", res.status))
	}
}
