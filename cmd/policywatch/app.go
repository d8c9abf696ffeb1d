package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"policywatch/cluster"
	"policywatch/crawler"
	"policywatch/index"
	"policywatch/ingest"
	"policywatch/model"
	"policywatch/store"
	"policywatch/tagging"
	"policywatch/topic"
	"policywatch/topics"
	"policywatch/web"
)

// app is one opened data directory: the store (source of truth) and,
// when this process holds it, the search index derived from it.
type app struct {
	dir    string
	db     *store.DB
	arch   *ingest.Archive
	owner  *ingest.Owner // nil unless this process holds the search index
	ix     *index.Index  // owner.Index; nil without it
	logger *slog.Logger
	// stopServing ends what startServing began (the control socket and
	// the loop that applies other processes' changes).
	stopServing func()

	// allowPrivate lets crawls reach loopback and private addresses:
	// the demo web and tests listen on 127.0.0.1; real crawls refuse
	// them unless --allow-private says otherwise. setAllowPrivate sets
	// it for the webhooks this process tells, too.
	allowPrivate bool
	// secureCookies, trustProxy: serve --secure-cookies, --trust-proxy
	// (web.Config.SecureCookies, TrustProxy).
	secureCookies, trustProxy bool
	// readOnly: opened by openReader on a read-only data directory; the
	// store refuses writes, and there is no archive (arch) to write to.
	readOnly bool
	// maxSearches, searchTimeout: serve --max-searches, --search-timeout
	// (web.Config.MaxSearches, SearchTimeout); zero: web's defaults.
	maxSearches   int
	searchTimeout time.Duration
	// baseURL: serve --base-url (web.Config.BaseURL).
	baseURL string
}

// The store is wired into the pipeline, the crawler and the web UI here:
// these say at compile time that it has every method they need.
var (
	_ ingest.ArchiveStore = (*store.DB)(nil)
	_ crawler.State       = (*store.DB)(nil)
	_ web.Store           = (*store.DB)(nil)
)

// settleWait is how long a crawl or import waits at its end for another
// process that is not a server (a search, a re-index) to release the
// search index; a server is never waited for: it takes the changes in.
const settleWait = 2 * time.Minute

// indexWait is how long a command that needs the search index itself
// (search, reindex, verify) waits for a short-lived holder.
const indexWait = 5 * time.Minute

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

// openStore opens a data directory's store only, to write: enough for
// crawls and imports (which leave the index to whoever holds it). A
// read-only data directory is a readOnlyError; the commands that only
// read open it with openReader (readonly.go).
func openStore(ctx context.Context, dir string, logger *slog.Logger) (*app, error) {
	return openStoreAt(ctx, locate(dir, "", nil), logger)
}

// openStoreAt is openStore for an archive that may live elsewhere than
// the data directory (--db, db.go).
func openStoreAt(ctx context.Context, p place, logger *slog.Logger) (*app, error) {
	dir := p.dir
	if err := os.MkdirAll(dir, 0o755); err != nil {
		if isReadOnlyErr(err) { // readonly.go
			return nil, readOnlyError{dir}
		}
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	if dataDirReadOnly(dir) { // readonly.go
		return nil, readOnlyError{dir}
	}
	d := ingest.Dir(dir)
	db, err := store.Open(ctx, p.spec)
	if err != nil {
		return nil, err
	}
	a := &app{dir: dir, db: db, logger: logger}
	a.arch = &ingest.Archive{Dir: d, Store: db, Logger: logger, SettleWait: settleWait}
	return a, nil
}

// openApp opens a data directory and takes its search index for this
// process, bringing the index up to date with the store. It waits for a
// short-lived holder (a crawl taking its changes in); a server holding
// the index is an *ingest.ServedError.
func openApp(ctx context.Context, dir string, logger *slog.Logger) (*app, error) {
	a, err := openStore(ctx, dir, logger)
	if err != nil {
		return nil, err
	}
	if err := a.own(ctx, ingest.OwnOptions{Role: "open", Wait: indexWait}); err != nil {
		a.db.Close()
		return nil, err
	}
	return a, nil
}

// own takes the search index for this process.
func (a *app) own(ctx context.Context, opts ingest.OwnOptions) error {
	if opts.Logger == nil {
		opts.Logger = a.logger
	}
	o, err := ingest.OwnIndex(ctx, ingest.Dir(a.dir), a.db, opts)
	if err != nil {
		return err
	}
	a.owner, a.ix, a.arch.Owner = o, o.Index, o
	return nil
}

func (a *app) Close() error {
	if a.stopServing != nil {
		a.stopServing()
		a.stopServing = nil
	}
	var errs []error
	if a.owner != nil {
		errs = append(errs, a.owner.Close())
		a.owner, a.ix, a.arch.Owner = nil, nil, nil
	} else if a.ix != nil { // opened read-only, without the index lock
		errs = append(errs, a.ix.Close())
		a.ix = nil
	}
	if a.db != nil {
		errs = append(errs, a.db.Close())
		a.db = nil
	}
	return errors.Join(errs...)
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

// crawl runs the topic's sources once through the pipeline, which then
// brings the timeline, the index and the webhooks up to date.
//
// On a PostgreSQL archive the crawl is a run of the cluster's shared
// frontier: this process starts it and works on it like a worker (the
// cluster's workers join in) until it is done.
func (a *app) crawl(ctx context.Context, t *topic.Topic, tax *tagging.Taxonomy, progress func(crawler.Progress)) (*model.CrawlRun, error) {
	if a.db.Engine() == store.Postgres {
		run, err := cluster.Crawl(ctx, a.db, cluster.Config{Topic: t, Taxonomy: tax, AllowPrivate: a.allowPrivate,
			Logger: a.logger})
		if run != nil {
			if serr := a.arch.Settle(context.WithoutCancel(ctx), run.ID); serr != nil && err == nil {
				err = serr
			}
		}
		return run, err
	}
	return a.arch.Crawl(ctx, ingest.CrawlConfig{Topic: t, Taxonomy: tax, AllowPrivate: a.allowPrivate, Progress: progress})
}

// setAllowPrivate is --allow-private: crawls, and the webhooks this
// process delivers to, may reach loopback, private and link-local
// addresses.
func (a *app) setAllowPrivate(v bool) {
	a.allowPrivate = v
	if a.arch != nil {
		a.arch.AllowPrivate = v
	}
	if a.owner != nil {
		a.owner.AllowPrivate = v
	}
}

// checkWebhook refuses a webhook address that is not public, unless
// --allow-private: saved now, it is dialled after every crawl (where it
// is checked again, on the address dialled).
func checkWebhook(ctx context.Context, rawURL string, allowPrivate bool) error {
	if u, err := url.Parse(rawURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an http(s) URL", rawURL)
	}
	if allowPrivate {
		return nil
	}
	err := crawler.CheckPublicURL(ctx, rawURL)
	var be *crawler.BlockedAddressError
	var ue *crawler.UnresolvedHostError
	switch {
	case errors.As(err, &be):
		return fmt.Errorf("%s: webhooks go to public addresses only (--allow-private allows others)", be.Error())
	case errors.As(err, &ue):
		return fmt.Errorf("%s does not resolve", ue.Host)
	case err != nil:
		return fmt.Errorf("check %s: %w", redactWebhook(rawURL), err)
	}
	return nil
}

// redactWebhook keeps a webhook's secret path out of messages.
func redactWebhook(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "the webhook"
	}
	return u.Scheme + "://" + u.Host
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
		Accounts: a.db, Curator: a.db, SignInLog: a.db, SecureCookies: a.secureCookies, TrustProxy: a.trustProxy,
		MaxSearches: a.maxSearches, SearchTimeout: a.searchTimeout, BaseURL: a.baseURL,
		CheckWebhook: func(ctx context.Context, u string) error { return checkWebhook(ctx, u, a.allowPrivate) }})
}
