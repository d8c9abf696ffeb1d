package crawler

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"slices"

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
	if err := r.c.state.Enqueue(ctx, r.run.ID, it); err != nil && ctx.Err() == nil && !r.writeFailed(j.url, err) {
		r.log().Error("crawler: persist frontier", slog.String("url", j.url), slog.String("err", err.Error()))
	}
}

// Run accounting in a stored run. The counts and log in the state must
// be exactly what the acknowledged URLs did, so that a run resumed after
// a crash counts on from them without counting or logging anything twice
// or missing anything. So each URL's counts and log entries are held
// (owed) until its acknowledgement writes them, in the transaction that
// marks it done: for a page stored as a document, the transaction that
// stores it and appends its change log entry (file, Fetched.Ack). The
// state adds each URL's counts to the run's, so acknowledgements from
// several workers need no order. durable is what the state holds.

// persisted reports whether the run keeps its frontier, counts and log
// in the state (rather than in memory only).
func (r *runner) persisted() bool { return r.run.ID != 0 && !r.shared }

// ack acknowledges a finished job, unless it was with its page.
func (r *runner) ack(ctx context.Context, j *job) {
	if j.kind == jobRobots || j.acked {
		return
	}
	r.ackKey(ctx, visitKey(j.url))
}

// ackKey writes what the URL with this key owes and marks it done.
func (r *runner) ackKey(ctx context.Context, key string) {
	if !r.persisted() || ctx.Err() != nil {
		return
	}
	d := r.owing(key)
	if err := r.c.state.Ack(ctx, d); err != nil {
		if ctx.Err() == nil && !r.writeFailed(key, err) {
			r.log().Error("crawler: acknowledge frontier url", slog.String("key", key), slog.String("err", err.Error()))
		}
		return
	}
	r.acked(key, d)
}

// owing returns the acknowledgement of the URL with this key: what it
// owes, plus extra counts and entry (for a page being saved: what its
// save makes of it).
func (r *runner) owing(key string, extra ...func(*model.URLDone)) model.URLDone {
	r.mu.Lock()
	d := model.URLDone{RunID: r.run.ID, Key: key, Counts: r.owed[key], Log: slices.Clone(r.owedLog[key])}
	r.mu.Unlock()
	for _, f := range extra {
		f(&d)
	}
	return d
}

// acked records that d is written: the state holds its counts and log
// now, and the URL owes nothing.
func (r *runner) acked(key string, d model.URLDone) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.durable.AddCounts(d.Counts)
	r.run.Log = append(r.run.Log, d.Log...)
	delete(r.owed, key)
	delete(r.owedLog, key)
}

// storageError is why a run stopped: the store failed to write.
type storageError struct {
	url string
	err error
}

func (e *storageError) Error() string {
	return "stopped: the store cannot be written (" + e.err.Error() + "); nothing more is fetched, and the next crawl resumes this run from " + e.url
}

func (e *storageError) Unwrap() error { return e.err }

// StoppedByStore reports whether err is a run stopping because the store
// could not be written (a full disk, a read-only file system), and says
// so: "stopped: the store cannot be written (…); … resumes this run from
// URL".
func StoppedByStore(err error) (string, bool) {
	var se *storageError
	if errors.As(err, &se) {
		return se.Error(), true
	}
	return "", false
}

// writeFailed stops the run when err is the storage failing (a full
// disk, a read-only file system: State.WriteFailed): every page fetched
// after would be lost, so the crawl ends at the first failed write, with
// the reason logged and returned by Run, and the URL left queued for the
// resumed run (which counts it then). It reports whether it stopped the
// run.
func (r *runner) writeFailed(u string, err error) bool {
	if !r.c.state.WriteFailed(err) {
		return false
	}
	r.stopOnce.Do(func() {
		se := &storageError{url: u, err: err}
		r.log().Error("crawler: "+se.Error(), slog.Int64("run", r.run.ID))
		r.stop(se)
	})
	return true
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
	r.mu.Unlock()
	// Nobody will fetch these: mark them done, or the run would stay
	// "unfinished" for ever.
	for _, k := range orphans {
		r.ackKey(ctx, k)
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
	if err := r.c.state.SetValidators(ctx, u, etag, lm); err != nil && ctx.Err() == nil && !r.writeFailed(u, err) {
		r.log().Warn("crawler: keep validators", slog.String("url", u), slog.String("err", err.Error()))
	}
}

// notModified handles a 304: the page is as it was when last stored.
func (r *runner) notModified(ctx context.Context, j *job) {
	counts := r.count(j.url, func(c *model.CrawlRun) { c.Unchanged++ })
	r.progress(j.src, j.url, model.OutcomeUnchanged, counts)
}
