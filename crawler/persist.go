package crawler

import (
	"context"
	"log/slog"
	"net/http"

	"policywatch/model"
)

var jobKindNames = map[jobKind]string{jobDiscover: "discover", jobPage: "page", jobDoc: "doc"}

func jobKindNamed(s string) (jobKind, bool) {
	for k, n := range jobKindNames {
		if n == s {
			return k, true
		}
	}
	return 0, false
}

// persist records j in the stored frontier (a run with an ID has one). A
// failure only costs the ability to resume, so it is logged, not fatal.
func (r *runner) persist(ctx context.Context, j *job) {
	if r.run.ID == 0 || r.shared {
		return
	}
	it := model.FrontierItem{
		Key: visitKey(j.url), URL: j.url, Source: j.src.Name, Kind: jobKindNames[j.kind],
		Depth: j.depth, Listing: j.listing, Title: j.hint.title, Published: j.hint.published,
		DateSource: j.hint.dateSource, DocNumber: j.hint.docNumber,
	}
	if err := r.c.state.Enqueue(ctx, r.run.ID, it); err != nil && ctx.Err() == nil {
		r.log().Error("crawler: persist frontier", slog.String("url", j.url), slog.String("err", err.Error()))
	}
}

// ack marks a finished job done in the frontier store.
func (r *runner) ack(ctx context.Context, j *job) {
	if r.run.ID == 0 || r.shared || j.kind == jobRobots || ctx.Err() != nil {
		return
	}
	r.mu.Lock()
	counts := r.runCounters
	r.mu.Unlock()
	if err := r.c.state.Ack(ctx, r.run.ID, visitKey(j.url), counts); err != nil && ctx.Err() == nil {
		r.log().Error("crawler: acknowledge frontier url", slog.String("url", j.url), slog.String("err", err.Error()))
	}
}

// resume loads the run's stored frontier: every URL in it counts as seen,
// and those not done are queued again. It returns how many were queued.
func (r *runner) resume(ctx context.Context, sources map[string]*source) (int, error) {
	if r.run.ID == 0 {
		return 0, nil
	}
	items, err := r.c.state.LoadFrontier(ctx, r.run.ID)
	if err != nil {
		return 0, err
	}
	var pending []*job
	var orphans []string
	r.mu.Lock()
	for _, it := range items {
		r.seen[it.Key] = true
		src := sources[it.Source]
		kind, ok := jobKindNamed(it.Kind)
		if src == nil || !ok {
			if !it.Done {
				orphans = append(orphans, it.Key)
			}
			continue // the source left the config since
		}
		isDoc := kind == jobDoc || (kind == jobPage && !it.Listing)
		if isDoc {
			r.docs++
			r.hostDocs[hostOf(it.URL)]++
		}
		if it.Done {
			continue
		}
		pending = append(pending, &job{kind: kind, src: src, url: it.URL, depth: it.Depth, listing: it.Listing,
			hint: hint{title: it.Title, published: it.Published, dateSource: it.DateSource, docNumber: it.DocNumber}})
	}
	counts := r.runCounters
	r.mu.Unlock()
	// Nobody will fetch these: mark them done, or the run would stay
	// "unfinished" for ever.
	for _, k := range orphans {
		if err := r.c.state.Ack(ctx, r.run.ID, k, counts); err != nil {
			return 0, err
		}
	}
	for _, j := range pending {
		r.fr.add(j)
	}
	return len(pending), nil
}

// conditional returns If-None-Match / If-Modified-Since headers for a
// page fetched before with validators, or nil.
func (r *runner) conditional(ctx context.Context, u string) http.Header {
	etag, lm, err := r.c.state.Validators(ctx, u)
	if err != nil || (etag == "" && lm == "") {
		return nil
	}
	h := http.Header{}
	if etag != "" {
		h.Set("If-None-Match", etag)
	}
	if lm != "" {
		h.Set("If-Modified-Since", lm)
	}
	return h
}

// remember keeps a saved page's validators for the next crawl.
func (r *runner) remember(ctx context.Context, u string, res *response) {
	if res.header == nil {
		return
	}
	etag, lm := res.header.Get("ETag"), res.header.Get("Last-Modified")
	if etag == "" && lm == "" {
		return
	}
	if err := r.c.state.SetValidators(ctx, u, etag, lm); err != nil && ctx.Err() == nil {
		r.log().Warn("crawler: keep validators", slog.String("url", u), slog.String("err", err.Error()))
	}
}

// notModified handles a 304: the page is as it was when last stored.
func (r *runner) notModified(ctx context.Context, j *job) {
	counts := r.count(func(c *model.CrawlRun) { c.Unchanged++ })
	r.progress(j.src, j.url, model.OutcomeUnchanged, counts)
}
