package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"time"

	"policywatch/crawler"
	"policywatch/index"
	"policywatch/model"
	"policywatch/store"
)

// ChangeLog is the store's change log and the documents it names, as the
// index takes them in. *store.DB satisfies it.
type ChangeLog interface {
	LastChange(ctx context.Context) (int64, error)
	ChangesAfter(ctx context.Context, seq int64, limit int) ([]model.Change, error)
	DocumentsByID(ctx context.Context, ids []int64) ([]model.Document, error)
	EachDocument(ctx context.Context, fn func(*model.Document) error) error
	// The log is trimmed below what every index took in (store.PruneChanges):
	// each says how far it got, and one whose mark is below what was
	// trimmed rebuilds.
	NoteConsumer(ctx context.Context, name string, seq int64) error
	PrunedChanges(ctx context.Context) (int64, error)
	// The index keeps no copy of the text nor of what a hit shows: hits
	// and their snippets are read from the store.
	index.Archive
}

// AlertStore keeps saved searches and how far their webhooks were told.
// *store.DB satisfies it.
type AlertStore interface {
	// Exclusive runs fn while no other process of the archive runs an fn
	// of the same name.
	Exclusive(ctx context.Context, name string, fn func() error) error
	SavedSearches(ctx context.Context) ([]store.SavedSearch, error)
	ChangedDocuments(ctx context.Context, after, upTo int64) ([]int64, error)
	MarkSearchAlerted(ctx context.Context, id, seq int64, at time.Time) error
}

// OwnerStore is what the holder of the index reads and writes: the
// change log, the timeline, saved searches, finished runs. *store.DB
// satisfies it.
type OwnerStore interface {
	ChangeLog
	TimelineStore
	AlertStore
	LastFinishedRun(ctx context.Context) (int64, error)
}

// applyBatch is how many changes go into the index in one batch.
const applyBatch = 500

// Owner is a process's hold on the search index of a data directory: the
// index lock, the open index, and the work of keeping it derived from
// the store's change log (apply, rebuild, verify, webhooks). One process
// holds it at a time; the others leave the work to it.
type Owner struct {
	Index *index.Index
	dir   Dir
	lock  *Lock
	store OwnerStore
	log   *slog.Logger
	// AllowPrivate lets webhook deliveries reach loopback, private and
	// link-local addresses, as --allow-private lets crawls; by default
	// every address a delivery dials is checked as the crawler's are
	// (crawler.NewGuardedTransport), so a saved address cannot be turned
	// against this machine's network later (DNS changed, a redirect).
	AllowPrivate bool

	mu sync.Mutex // one apply, rebuild or notification at a time
	// rebuildChunk, when not 0, replaces the package's rebuildChunk (tests
	// rebuild a few documents in several chunks).
	rebuildChunk int
}

// webhookClient is the HTTP client of one round of deliveries.
func (o *Owner) webhookClient() *http.Client {
	return &http.Client{Timeout: webhookTimeout, Transport: crawler.NewGuardedTransport(o.AllowPrivate)}
}

// ServedError is returned by OwnIndex when a server holds the index: it
// keeps the index current, and answers searches, itself.
type ServedError struct{ Holder Holder }

func (e *ServedError) Error() string {
	return fmt.Sprintf("a server holds the search index (%s)", e.Holder)
}

// OwnOptions say how a process takes the index.
type OwnOptions struct {
	Role   string        // what for: "serve", "crawl", "search"... (shown to the others)
	Socket string        // a server's control socket, for the others to reach it
	Wait   time.Duration // how long to wait for a holder that is not a server
	Logger *slog.Logger
}

// OwnIndex takes the search index of dir for this process: it takes the
// index lock (waiting up to opts.Wait for a short-lived holder such as a
// crawl bringing the index up to date; a server is not waited for:
// *ServedError), opens the index, fills it from the store when it was
// created empty, and applies the change log.
func OwnIndex(ctx context.Context, dir Dir, st OwnerStore, opts OwnOptions) (*Owner, error) {
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	holder := newHolder(opts.Role)
	holder.Socket = opts.Socket
	deadline := time.Now().Add(opts.Wait)
	told := false
	var lock *Lock
	for {
		var err error
		lock, err = tryLock(dir.indexLockPath(), "search index", holder)
		if err == nil {
			break
		}
		var le *LockedError
		if !errors.As(err, &le) {
			return nil, err
		}
		if le.Holder.Serving() {
			return nil, &ServedError{Holder: le.Holder}
		}
		// Waiting for this very process would wait for nothing.
		if time.Now().After(deadline) || le.Holder.PID == os.Getpid() {
			return nil, fmt.Errorf("the search index of %s is busy: %w", dir, err)
		}
		if !told {
			logger.Info("waiting for another process to release the search index", "holder", le.Holder.String())
			told = true
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	ix, err := openIndex(ctx, dir, st, logger)
	if err != nil {
		lock.Unlock()
		return nil, err
	}
	o := &Owner{Index: ix, dir: dir, lock: lock, store: st, log: logger}
	if ix.Recreated() {
		n, err := o.Rebuild(ctx)
		if err != nil {
			o.Close()
			return nil, fmt.Errorf("rebuild the search index: %w", err)
		}
		if n > 0 {
			logger.Info("search index rebuilt from the store", "documents", n)
		}
	}
	if _, err := o.Apply(ctx); err != nil {
		o.Close()
		return nil, err
	}
	// Say how far this index is even when there was nothing to apply, so
	// the log keeps what it has not taken in yet.
	if applied, err := ix.AppliedSeq(); err != nil {
		o.Close()
		return nil, err
	} else if err := st.NoteConsumer(ctx, dir.consumerName(), applied); err != nil {
		o.Close()
		return nil, err
	}
	return o, nil
}

// openIndex opens the index of dir. An index that has taken in more of
// the change log than the store holds belongs to another history of the
// store (a backup restored into a used data directory): it is derived
// data, so it is started again empty and refilled.
func openIndex(ctx context.Context, dir Dir, st ChangeLog, logger *slog.Logger) (*index.Index, error) {
	ix, err := index.Open(dir.IndexPath())
	if err != nil {
		return nil, fmt.Errorf("open index in %s: %w", dir, err)
	}
	applied, err := ix.AppliedSeq()
	if err != nil {
		ix.Close()
		return nil, err
	}
	last, err := st.LastChange(ctx)
	if err != nil {
		ix.Close()
		return nil, err
	}
	pruned, err := st.PrunedChanges(ctx)
	if err != nil {
		ix.Close()
		return nil, err
	}
	switch {
	case applied < pruned && !ix.Recreated():
		// Away longer than the log keeps changes: what it missed is
		// only in the store now.
		logger.Warn("the search index missed changes the change log no longer holds; rebuilding it",
			"index_change", applied, "log_starts_after", pruned)
	case applied <= last:
		ix.SetArchive(st)
		return ix, nil
	default:
		logger.Warn("the search index is ahead of the store (a restored backup?); rebuilding it",
			"index_change", applied, "store_change", last)
	}
	ix.Close()
	if err := os.RemoveAll(dir.IndexPath()); err != nil {
		return nil, fmt.Errorf("remove the outdated index of %s: %w", dir, err)
	}
	ix, err = index.Open(dir.IndexPath())
	if err != nil {
		return nil, fmt.Errorf("open index in %s: %w", dir, err)
	}
	ix.SetArchive(st)
	return ix, nil
}

// Close closes the index and releases it to the other processes.
func (o *Owner) Close() error {
	err := o.Index.Close()
	o.lock.Unlock()
	return err
}

// Apply takes every change after the index's mark into the index, a
// batch at a time, each batch with its mark. It returns how many
// documents it (re)indexed or removed.
func (o *Owner) Apply(ctx context.Context) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.apply(ctx)
}

func (o *Owner) apply(ctx context.Context) (int, error) {
	applied, err := o.Index.AppliedSeq()
	if err != nil {
		return 0, err
	}
	total := 0
	for {
		changes, err := o.store.ChangesAfter(ctx, applied, applyBatch)
		if err != nil {
			return total, err
		}
		if len(changes) == 0 {
			if total == 0 {
				return 0, nil
			}
			// Once caught up, not per batch: the note is a write, and
			// batches are taken while crawls write.
			return total, o.store.NoteConsumer(ctx, o.dir.consumerName(), applied)
		}
		var ids []int64
		seen := map[int64]bool{}
		for _, c := range changes {
			if !seen[c.DocumentID] {
				seen[c.DocumentID] = true
				ids = append(ids, c.DocumentID)
			}
		}
		docs, err := o.store.DocumentsByID(ctx, ids)
		if err != nil {
			return total, err
		}
		for _, d := range docs {
			delete(seen, d.ID)
		}
		var gone []int64 // logged, but no longer in the store
		for id := range seen {
			gone = append(gone, id)
		}
		last := changes[len(changes)-1].Seq
		if err := o.Index.Apply(ctx, docs, gone, last); err != nil {
			return total, err
		}
		applied = last
		total += len(docs) + len(gone)
	}
}

// Rebuild indexes every document of the store again (`policywatch
// reindex`, a recreated index) and returns how many. The documents go in
// through index.Put, Bleve batches built side by side, rebuildChunk at a
// time; the index's mark is moved only after the last of them, in a
// batch of its own, to the newest change before the rebuild started: a
// rebuild cut short leaves the old mark, and changes made meanwhile are
// applied after it.
func (o *Owner) Rebuild(ctx context.Context) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	upTo, err := o.store.LastChange(ctx)
	if err != nil {
		return 0, err
	}
	chunk := rebuildChunk
	if o.rebuildChunk > 0 {
		chunk = o.rebuildChunk
	}
	n := 0
	batch := make([]model.Document, 0, chunk)
	err = o.store.EachDocument(ctx, func(d *model.Document) error {
		batch = append(batch, *d)
		if len(batch) < chunk {
			return nil
		}
		n += len(batch)
		err := o.Index.Put(ctx, batch...)
		batch = batch[:0]
		return err
	})
	if err != nil {
		return n, fmt.Errorf("rebuild the search index: %w", err)
	}
	n += len(batch)
	if err := o.Index.Put(ctx, batch...); err != nil {
		return n, fmt.Errorf("rebuild the search index: %w", err)
	}
	// A bulk load leaves small segments behind; merged, the index is
	// smaller and searches visit fewer of them.
	if err := o.Index.Compact(ctx); err != nil {
		return n, fmt.Errorf("rebuild the search index: %w", err)
	}
	// Put has returned, so every document above is in the index: the mark
	// goes in after them, never before.
	if err := o.Index.Apply(ctx, nil, nil, upTo); err != nil {
		return n, fmt.Errorf("rebuild the search index: %w", err)
	}
	if _, err := o.apply(ctx); err != nil {
		return n, err
	}
	return n, nil
}

// rebuildChunk is how many documents a rebuild hands index.Put at once:
// enough for several of its batches to be built side by side, few enough
// that the texts held meanwhile stay small beside the batches' analysis.
const rebuildChunk = 8000

// IndexMismatch is a document the index and the store disagree on.
type IndexMismatch struct {
	DocumentID int64
	Problem    string // "missing from the index", "out of date in the index", "in the index, not in the store"
}

// Verify applies the change log, then checks that the index holds every
// document of the store as stored (same title and text) and nothing
// else. Documents changed while it reads (a crawl in another process)
// are left out: the index takes them in on its next apply. It returns
// how many documents it compared.
func (o *Owner) Verify(ctx context.Context, report func(IndexMismatch)) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if _, err := o.apply(ctx); err != nil {
		return 0, err
	}
	return VerifyIndex(ctx, o.Index, o.store, report)
}

// VerifyIndex compares the documents of ix with the store's, as they
// stand: documents the change log names after the last change ix took in
// are not reported (the index has yet to take them in). It returns how
// many stored documents it checked.
func VerifyIndex(ctx context.Context, ix *index.Index, st ChangeLog, report func(IndexMismatch)) (int, error) {
	applied, err := ix.AppliedSeq()
	if err != nil {
		return 0, err
	}
	indexed := map[int64]string{}
	if err := ix.Fingerprints(ctx, func(id int64, fp string) error { indexed[id] = fp; return nil }); err != nil {
		return 0, err
	}
	n := 0
	var found []IndexMismatch
	err = st.EachDocument(ctx, func(d *model.Document) error {
		n++
		fp, ok := indexed[d.ID]
		delete(indexed, d.ID)
		switch {
		case !ok:
			found = append(found, IndexMismatch{d.ID, "missing from the index"})
		case fp != index.Fingerprint(d.Title, d.Text):
			found = append(found, IndexMismatch{d.ID, "out of date in the index"})
		}
		return nil
	})
	if err != nil {
		return n, fmt.Errorf("verify the search index: %w", err)
	}
	for id := range indexed {
		found = append(found, IndexMismatch{id, "in the index, not in the store"})
	}
	since, err := changedAfter(ctx, st, applied)
	if err != nil {
		return n, err
	}
	for _, m := range found {
		if !since[m.DocumentID] {
			report(m)
		}
	}
	return n, nil
}

// changedAfter returns the documents the change log names after seq.
func changedAfter(ctx context.Context, st ChangeLog, seq int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	for {
		changes, err := st.ChangesAfter(ctx, seq, 1000)
		if err != nil {
			return nil, err
		}
		if len(changes) == 0 {
			return out, nil
		}
		for _, c := range changes {
			out[c.DocumentID] = true
		}
		seq = changes[len(changes)-1].Seq
	}
}

// Run keeps the index current while ctx lasts, for a serving process:
// every tick it applies what other processes (a cron crawl, an import)
// logged; when a crawl run has finished it tells the webhooks; when the
// archive changed and then stayed quiet for a while without its timeline
// re-clustered (a crawl killed before its end), it re-clusters.
func (o *Owner) Run(ctx context.Context, every, quiet time.Duration) {
	lastRun, err := o.store.LastFinishedRun(ctx)
	if err != nil {
		o.log.Warn("index: read crawl runs", "err", err)
	}
	// Runs that finished while no process told the webhooks.
	o.Notify(ctx, lastRun)
	var lastChange time.Time
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		n, err := o.Apply(ctx)
		if err != nil {
			if ctx.Err() == nil {
				o.log.Error("index: apply the change log", "err", err)
			}
			continue
		}
		if n > 0 {
			lastChange = time.Now()
			o.log.Debug("index: took in changes from the store", "documents", n)
		}
		if fin, err := o.store.LastFinishedRun(ctx); err == nil && fin > lastRun {
			lastRun = fin
			o.Notify(ctx, fin)
		}
		if !lastChange.IsZero() && time.Since(lastChange) >= quiet {
			lastChange = time.Time{}
			if _, err := Recluster(ctx, o.store, false, o.log); err != nil && ctx.Err() == nil {
				o.log.Error("timeline: re-cluster", "err", err)
			}
		}
	}
}
