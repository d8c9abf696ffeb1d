package crawler

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"

	"policywatch/model"
)

// withdrawn handles a document page answering 404 or 410: an archived
// page that disappears is withdrawn (its last copy stays) and counted so;
// a URL never archived is a broken link, a failure. It reports whether it
// handled res. Feeds, sitemaps and robots.txt going missing are not
// documents being withdrawn.
func (r *runner) withdrawn(ctx context.Context, j *job, res *response) bool {
	if res == nil || (res.status != http.StatusNotFound && res.status != http.StatusGone) {
		return false
	}
	if j.kind != jobPage && j.kind != jobDoc {
		return false
	}
	known, err := r.sink.Withdraw(ctx, j.url, res.status, r.c.opts.Now(), r.run.ID)
	if err != nil {
		if r.writeFailed(j.url, err) { // persist.go: the run stops; the URL is done again on resume
			return true
		}
		if ctx.Err() == nil {
			r.log().Error("crawler: mark withdrawn", slog.String("url", j.url), slog.String("err", err.Error()))
		}
		return false
	}
	if !known {
		return false
	}
	r.log().Info("crawler: page withdrawn", slog.String("url", j.url), slog.Int("status", res.status))
	r.outcome(ctx, j.src, j.url, model.OutcomeWithdrawn, fmt.Sprintf("HTTP %d", res.status), true)
	return true
}
