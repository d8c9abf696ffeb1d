package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"policywatch/crawler"
	"policywatch/index"
	"policywatch/model"
	"policywatch/query"
	"policywatch/store"
	"policywatch/tagging"
	"policywatch/timeline"
	"policywatch/topic"
	"policywatch/topics"
	"policywatch/web"
)

// app is one opened data directory: the store (source of truth) and the
// index derived from it.
type app struct {
	dir    string
	db     *store.DB
	ix     *index.Index
	logger *slog.Logger

	// allowPrivate lets crawls reach loopback and private addresses:
	// the demo web and tests listen on 127.0.0.1; real crawls refuse
	// them unless --allow-private says otherwise.
	allowPrivate bool
	// secureCookies, trustProxy: serve --secure-cookies, --trust-proxy
	// (web.Config.SecureCookies, TrustProxy).
	secureCookies, trustProxy bool
}

// defaultDataDir follows the XDG convention; Go has no os.UserDataDir.
func defaultDataDir() string {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "policywatch")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".local", "share", "policywatch")
	}
	return "policywatch-data"
}

func openApp(ctx context.Context, dir string, logger *slog.Logger) (*app, error) {
	return openAppAt(ctx, dir, storeSpec(dir, "", nil), logger)
}

// openAppAt opens a data directory whose archive is at spec (db.go).
func openAppAt(ctx context.Context, dir, spec string, logger *slog.Logger) (*app, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	db, err := store.Open(ctx, spec)
	if err != nil {
		return nil, err
	}
	ix, err := index.Open(filepath.Join(dir, "index"))
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open index in %s: %w", dir, err)
	}
	a := &app{dir: dir, db: db, ix: ix, logger: logger}
	if err := a.fillRecreatedIndex(ctx); err != nil { // search.go
		a.Close()
		return nil, err
	}
	return a, nil
}

func (a *app) Close() error {
	return errors.Join(a.ix.Close(), a.db.Close())
}

// closeApp closes a for a command that wrote to it, reporting a failure
// to close (the last index and database writes are flushed then) as the
// command's error unless it already failed.
func closeApp(a *app, err *error) {
	if cerr := a.Close(); cerr != nil && *err == nil {
		*err = fmt.Errorf("close data directory %s: %w", a.dir, cerr)
	}
}

// loadTopic reads a topic config, or the shipped one when path is empty.
func loadTopic(path string) (*topic.Topic, error) {
	if path == "" {
		data, err := fs.ReadFile(topics.FS, topics.Default)
		if err != nil {
			return nil, err
		}
		return topic.Parse(data, "builtin:"+topics.Default)
	}
	return topic.Load(path)
}

// loadTaxonomy resolves a topic's taxonomy reference: builtin:NAME is
// shipped with the binary; anything else is a path relative to the config.
func loadTaxonomy(t *topic.Topic) (*tagging.Taxonomy, error) {
	if name, ok := strings.CutPrefix(t.Taxonomy, "builtin:"); ok {
		file := name + ".taxonomy.yaml"
		data, err := fs.ReadFile(topics.FS, file)
		if err != nil {
			return nil, fmt.Errorf("%s: taxonomy %q is not shipped with policywatch", t.File, t.Taxonomy)
		}
		return tagging.ParseTaxonomy(data, "builtin:"+file)
	}
	path := t.Taxonomy
	if !filepath.IsAbs(path) {
		path = filepath.Join(filepath.Dir(t.File), path)
	}
	return tagging.LoadTaxonomy(path)
}

// loadTopicAndTaxonomy reads a topic config (the shipped one when path is
// empty) and the taxonomy it names.
func loadTopicAndTaxonomy(path string) (*topic.Topic, *tagging.Taxonomy, error) {
	t, err := loadTopic(path)
	if err != nil {
		return nil, nil, err
	}
	tax, err := loadTaxonomy(t)
	if err != nil {
		return nil, nil, err
	}
	return t, tax, nil
}

// defaultTaxonomy is the shipped one, for commands that run without a
// topic config (serve, reindex).
func defaultTaxonomy() (*tagging.Taxonomy, error) {
	_, tax, err := loadTopicAndTaxonomy("")
	return tax, err
}

// crawl runs the topic's sources once, then brings the index and the
// events up to date with what the run stored.
func (a *app) crawl(ctx context.Context, t *topic.Topic, tax *tagging.Taxonomy, progress func(crawler.Progress)) (*model.CrawlRun, error) {
	lock, err := lockCrawl(a.dir)
	if err != nil {
		return nil, err
	}
	defer lock.Unlock()
	if err := a.db.SyncSources(ctx, t.Sources); err != nil {
		return nil, err
	}
	names := make([]string, len(t.Sources))
	for i, s := range t.Sources {
		names[i] = s.Name
	}
	// A crawl killed mid-way left its frontier in the store: finish that
	// run first rather than start over.
	run, err := a.db.PendingRun(ctx, names)
	if err != nil {
		return nil, err
	}
	if run != nil {
		a.logger.Info("resuming unfinished crawl run", "run", run.ID)
	} else if run, err = a.db.StartRun(ctx, names); err != nil {
		return nil, err
	}
	tagger := tagging.New(tax)
	c := crawler.New(a.db, crawler.Options{
		UserAgent:    t.Crawler.UserAgent,
		Delay:        t.Crawler.Delay,
		Parallelism:  t.Crawler.Parallelism,
		Timeout:      t.Crawler.Timeout,
		MaxBody:      t.Crawler.MaxBody,
		MaxPages:     t.Crawler.MaxPages,
		MaxPerHost:   t.Crawler.MaxPerHost,
		MaxAttempts:  t.Crawler.MaxAttempts,
		RetryMaxWait: t.Crawler.RetryMaxWait,
		Relevant:     func(d *model.Document) bool { return query.Match(t.Relevant, documentFields(d)) },
		Tag:          func(d *model.Document) { d.Tags = tagger.Tag(d) },
		Logger:       a.logger,
		Progress:     progress,
		AllowPrivate: a.allowPrivate,
	})
	crawlErr := c.Run(ctx, run, t.Sources)
	// Record what was done even when the run was interrupted: the store
	// already holds every document saved so far.
	finishCtx := context.WithoutCancel(ctx)
	if err := a.db.FinishRun(finishCtx, run); err != nil {
		return run, err
	}
	if err := a.refresh(finishCtx, run.StartedAt); err != nil {
		return run, err
	}
	a.notifySavedSearches(finishCtx, run) // alerts.go
	return run, crawlErr
}

// documentFields is what a relevance query sees of a document.
func documentFields(d *model.Document) query.Fields {
	f := query.Fields{"title": d.Title, "text": d.Text, "source": d.Source, "kind": string(d.Kind), "lang": d.Lang}
	if !d.Published.IsZero() {
		f["published"] = d.Published.Format(time.RFC3339)
	}
	return f
}

// refresh indexes the documents changed since a time and re-clusters the
// events from every document. Both are derived data, so a failure here
// loses nothing: `policywatch reindex` repeats it.
func (a *app) refresh(ctx context.Context, since time.Time) error {
	var docs []model.Document
	bi := batchIndexer{ix: a.ix}
	err := a.db.EachDocument(ctx, func(d *model.Document) error {
		docs = append(docs, *d)
		if since.IsZero() || !d.UpdatedAt.Before(since) {
			return bi.add(ctx, *d)
		}
		return nil
	})
	if err == nil {
		err = bi.flush(ctx)
	}
	if err != nil {
		return fmt.Errorf("index documents: %w", err)
	}
	events := timeline.Cluster(docs, timeline.Options{})
	if err := a.db.ReplaceEvents(ctx, events); err != nil {
		return err
	}
	a.logger.Info("index and timeline updated", "documents", len(docs), "events", len(events))
	return nil
}

// newWeb builds the UI over the app's store and index.
func (a *app) newWeb(tax *tagging.Taxonomy) (*web.Server, error) {
	var lanes []web.Lane
	for _, l := range tax.Lanes() {
		lanes = append(lanes, web.Lane{ID: l.ID, Label: l.Label, Categories: l.Categories})
	}
	labels := map[string]string{}
	for _, c := range tax.Categories() {
		labels[c.ID] = c.Label
	}
	for _, ac := range tax.Actors() {
		labels[ac.ID] = ac.Label
	}
	a.ix.SetGlossary(tax.Glossary()) // query terms expand to the topic's equivalents
	return web.New(web.Config{Store: a.db, Index: a.ix, Lanes: lanes, Labels: labels, Vocabulary: vocabulary(tax), Logger: a.logger,
		Accounts: a.db, Curator: a.db, SecureCookies: a.secureCookies, TrustProxy: a.trustProxy})
}

// indexBatch is how many documents go to the index in one Put: large
// enough to amortise Bleve's batch cost, small enough to bound memory.
const indexBatch = 500

// batchIndexer collects documents and puts them into the index a batch
// at a time; flush sends the rest.
type batchIndexer struct {
	ix    *index.Index
	batch []model.Document
	n     int // documents put so far
}

func (b *batchIndexer) add(ctx context.Context, d model.Document) error {
	b.batch = append(b.batch, d)
	if len(b.batch) >= indexBatch {
		return b.flush(ctx)
	}
	return nil
}

func (b *batchIndexer) flush(ctx context.Context) error {
	if len(b.batch) == 0 {
		return nil
	}
	b.n += len(b.batch)
	err := b.ix.Put(ctx, b.batch...)
	b.batch = b.batch[:0]
	return err
}
