package crawler

import (
	"context"
	"log/slog"
	"net/http"

	"policywatch/model"
	"policywatch/store"
)

// FrontierStore keeps a run's frontier (queued URLs) and its seen set
// outside the process, so a run killed mid-way can be resumed: URLs
// acknowledged are not fetched again, URLs queued are. When the Sink
// passed to New also implements it (as *store.DB does), Run uses it.
type FrontierStore interface {
	// LoadFrontier returns every URL queued in a run, done or not.
	LoadFrontier(ctx context.Context, runID int64) ([]store.FrontierItem, error)
	// Enqueue records URLs queued in a run; a URL already recorded is kept as it is.
	Enqueue(ctx context.Context, runID int64, items ...store.FrontierItem) error
	// Ack marks a URL done and records the run's counts so far and the
	// errors the URL met, in one transaction.
	Ack(ctx context.Context, runID int64, key string, counts model.CrawlRun, errs ...model.CrawlError) error
	// SaveCaptureAck saves a document and acknowledges its URL in one
	// transaction, so a crash cannot fall between the two.
	SaveCaptureAck(ctx context.Context, doc *model.Document, c *model.Capture, ack store.RunAck) (model.SaveOutcome, error)
}

// ValidatorStore keeps the ETag and Last-Modified of each fetched page,
// for conditional GET on the next crawl. *store.DB implements it.
type ValidatorStore interface {
	Validators(ctx context.Context, url string) (etag, lastModified string, err error)
	SetValidators(ctx context.Context, url, etag, lastModified string) error
}

var jobKindNames = map[jobKind]string{jobDiscover: "discover", jobPage: "page", jobDoc: "doc"}

func jobKindNamed(s string) (jobKind, bool) {
	for k, n := range jobKindNames {
		if n == s {
			return k, true
		}
	}
	return 0, false
}

// persist records j in the frontier store, when there is one. A failure
// only costs the ability to resume, so it is logged, not fatal.
func (r *runner) persist(ctx context.Context, j *job) {
	if r.store == nil || r.run.ID == 0 {
		return
	}
	it := store.FrontierItem{
		Key: visitKey(j.url), URL: j.url, Source: j.src.Name, Kind: jobKindNames[j.kind],
		Depth: j.depth, Listing: j.listing, Title: j.hint.title, Published: j.hint.published,
		DateSource: j.hint.dateSource, DocNumber: j.hint.docNumber,
	}
	if err := r.store.Enqueue(ctx, r.run.ID, it); err != nil && ctx.Err() == nil && !r.writeFailed(j.url, err) {
		r.log().Error("crawler: persist frontier", slog.String("url", j.url), slog.String("err", err.Error()))
	}
}

// Run accounting with a frontier store. The counts in the store must be
// exactly what the acknowledged URLs did, so that a run resumed after a
// crash counts on from them without counting anything twice or missing
// anything: each URL's count changes and errors are held (owed) until
// its acknowledgement writes them, in the same transaction that marks it
// done — for a saved document, the transaction that saves it. durable
// is what the store holds; ackMu keeps two acknowledgements from
// writing counts built from the same durable.

// persisted reports whether the run keeps its frontier and counts in a
// store (rather than in memory only).
func (r *runner) persisted() bool { return r.store != nil && r.run.ID != 0 }

// ack marks a finished job done in the frontier store.
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
	r.ackMu.Lock()
	defer r.ackMu.Unlock()
	r.mu.Lock()
	counts := addCounts(r.durable, r.owed[key])
	errs := r.owedErrs[key]
	r.mu.Unlock()
	if err := r.store.Ack(ctx, r.run.ID, key, counts, errs...); err != nil {
		if ctx.Err() == nil && !r.writeFailed(key, err) {
			r.log().Error("crawler: acknowledge frontier url", slog.String("key", key), slog.String("err", err.Error()))
		}
		return
	}
	r.mu.Lock()
	r.durable = counts
	delete(r.owed, key)
	delete(r.owedErrs, key)
	r.mu.Unlock()
}

// addCounts is a + b, count by count.
func addCounts(a, b model.CrawlRun) model.CrawlRun {
	a.Fetched += b.Fetched
	a.Stored += b.Stored
	a.Updated += b.Updated
	a.Unchanged += b.Unchanged
	a.Skipped += b.Skipped
	a.Failed += b.Failed
	return a
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

// writeFailed stops the run when err is the storage failing (a full
// disk, a read-only file system: store.WriteFailed): every page fetched
// after would be lost, so the crawl ends at the first failed write, with
// the reason logged and kept in the run, and the URL left queued for the
// resumed run. It reports whether it stopped the run.
func (r *runner) writeFailed(u string, err error) bool {
	if !store.WriteFailed(err) {
		return false
	}
	r.stopOnce.Do(func() {
		se := &storageError{url: u, err: err}
		r.log().Error("crawler: "+se.Error(), slog.Int64("run", r.run.ID))
		e := model.CrawlError{URL: u, Source: "", Reason: se.Error(), At: r.c.opts.Now()}
		r.mu.Lock()
		r.run.Errors = append(r.run.Errors, e)
		r.mu.Unlock()
		// Recording it may fail too; the log and the command's error say it anyway.
		_ = r.c.sink.RecordError(context.WithoutCancel(r.ctx), r.run.ID, e)
		r.stop(se)
	})
	return true
}

// resume loads the run's stored frontier: every URL in it counts as seen,
// and those not done are queued again. It returns how many were queued.
func (r *runner) resume(ctx context.Context, sources map[string]*source) (int, error) {
	if r.store == nil || r.run.ID == 0 {
		return 0, nil
	}
	items, err := r.store.LoadFrontier(ctx, r.run.ID)
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
	vs, ok := r.c.sink.(ValidatorStore)
	if !ok {
		return nil
	}
	etag, lm, err := vs.Validators(ctx, u)
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
	vs, ok := r.c.sink.(ValidatorStore)
	if !ok || res.header == nil {
		return
	}
	etag, lm := res.header.Get("ETag"), res.header.Get("Last-Modified")
	if etag == "" && lm == "" {
		return
	}
	if err := vs.SetValidators(ctx, u, etag, lm); err != nil && ctx.Err() == nil && !r.writeFailed(u, err) {
		r.log().Warn("crawler: keep validators", slog.String("url", u), slog.String("err", err.Error()))
	}
}

// notModified handles a 304: the page is as it was when last stored.
func (r *runner) notModified(ctx context.Context, j *job) {
	counts := r.count(j.url, func(c *model.CrawlRun) { c.Unchanged++ })
	r.progress(j.src, j.url, string(model.OutcomeUnchanged), counts)
}
