package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"policywatch/index"
	"policywatch/tagging"
	"policywatch/web"
)

func cmdServe(ctx context.Context, args []string, stdout io.Writer, logger *slog.Logger) (err error) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	dataDir := dataFlag(fs)
	dbURL := dbFlag(fs)
	addr := fs.String("addr", "127.0.0.1:8080", "`ADDR` (host:port) to listen on; port 0 picks a free one")
	config := configFlag(fs, "whose sources are crawled on schedule")
	schedule := fs.Bool("schedule", false, "crawl each source on its schedule while serving (default: on when --config is given; --schedule=false turns it off)")
	allowPrivate := fs.Bool("allow-private", false, "let scheduled crawls fetch loopback, private and link-local addresses")
	secureCookies := fs.Bool("secure-cookies", false, "mark session and CSRF cookies Secure on every response (the site is served over HTTPS by a TLS-terminating proxy)")
	searchCache := fs.Int("search-cache", 512, "`N` searches (and their facet counts) kept in memory until the next crawl changes the index; 0 turns the cache off")
	trustProxy := fs.Bool("trust-proxy", false, "mark cookies Secure when the proxy in front sends X-Forwarded-Proto: https, count sign-in attempts by the client address it appends to X-Forwarded-For, and without --base-url take feed and citation links from X-Forwarded-Proto and X-Forwarded-Host (only when that proxy is the sole way in)")
	baseURL := fs.String("base-url", "", "public `URL` of the site (https://archive.example.org) for the links in feeds, exports and citations; without it they follow each request's Host header")
	maxSearches := fs.Int("max-searches", 0, "`N` searches run at once (a quarter of them, at least one, for exports); more wait a moment, then get 503 with Retry-After; 0: two per CPU, at least 4")
	searchTimeout := fs.Duration("search-timeout", web.DefaultSearchTimeout, "longest `DURATION` a search request may run (exports: 30 times as long)")
	maxTerms := fs.Int("max-query-terms", index.DefaultMaxTerms, "most words, phrases, prefixes and filters (`N`) one search may have")
	applyEvery := fs.Duration("apply-every", defaultApplyEvery, "how often (`DURATION`) the server takes into its search index and timeline what other processes stored (a cron crawl, an import)")
	maxExpansions := fs.Int("max-prefix-terms", index.DefaultMaxExpansions, "most index terms (`N`) the prefixes of one search (sanction*) may expand to")
	if err := parseArgs(fs, args, stdout); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	scheduled := *config != ""
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "schedule" {
			scheduled = *schedule
		}
	})
	t, tax, err := loadTopicAndTaxonomy(*config)
	if err != nil {
		return err
	}
	// A scheduled serve fills a new archive; one that only serves must be
	// pointed at an existing one.
	at := locate(*dataDir, *dbURL, t)
	if scheduled {
		err = at.note(logger)
	} else {
		err = at.need()
	}
	if err != nil {
		return err
	}
	// The serving process holds the search index for as long as it runs,
	// takes in what other processes store (a cron crawl, an import), and
	// answers their searches on a control socket (control.go).
	if *applyEvery <= 0 {
		return usageError{fmt.Sprintf("--apply-every %s: want a positive duration such as 1s", *applyEvery)}
	}
	a, err := openServerAt(ctx, at, logger, *applyEvery)
	if err != nil {
		return err
	}
	defer closeApp(a, &err)
	a.setAllowPrivate(*allowPrivate)
	a.secureCookies, a.trustProxy = *secureCookies, *trustProxy
	if *searchCache < 0 {
		return usageError{fmt.Sprintf("--search-cache %d: want 0 (off) or more", *searchCache)}
	}
	a.ix.SetCacheSize(*searchCache)
	for _, l := range []struct {
		name string
		v    int
	}{{"max-query-terms", *maxTerms}, {"max-prefix-terms", *maxExpansions}} {
		if l.v < 1 {
			return usageError{fmt.Sprintf("--%s %d: want 1 or more", l.name, l.v)}
		}
	}
	if *maxSearches < 0 {
		return usageError{fmt.Sprintf("--max-searches %d: want 0 (two per CPU) or more", *maxSearches)}
	}
	if *searchTimeout <= 0 {
		return usageError{fmt.Sprintf("--search-timeout %s: want a positive duration such as 10s", *searchTimeout)}
	}
	a.ix.SetLimits(index.Limits{MaxTerms: *maxTerms, MaxExpansions: *maxExpansions})
	a.maxSearches, a.searchTimeout = *maxSearches, *searchTimeout
	if *baseURL != "" {
		if a.baseURL, err = web.ParseBaseURL(*baseURL); err != nil {
			return usageError{"--base-url: " + err.Error()}
		}
	} else if !a.trustProxy {
		logger.Info("feed and citation links follow each request's Host header; on a public server set --base-url")
	}
	if scheduled {
		sctx, cancel := context.WithCancel(ctx)
		wait, err := a.startSchedule(sctx, t, tax)
		if err != nil {
			cancel()
			return err
		}
		// Deferred calls run last first: the schedule is cancelled (also
		// when serving fails), then awaited before a.Close, so a crawl
		// stopped by SIGTERM still records its run in the store.
		defer wait()
		defer cancel()
	}
	return a.serve(ctx, *addr, tax, stdout)
}

// serve answers HTTP until ctx is cancelled, then shuts down gracefully.
func (a *app) serve(ctx context.Context, addr string, tax *tagging.Taxonomy, stdout io.Writer) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	return a.serveOn(ctx, ln, tax, stdout)
}

// serveOn is serve on a listener already taken (demo takes its port before
// crawling); it closes ln.
func (a *app) serveOn(ctx context.Context, ln net.Listener, tax *tagging.Taxonomy, stdout io.Writer) error {
	srv, err := a.newWeb(tax)
	if err != nil {
		ln.Close()
		return err
	}
	hs := newHTTPServer(srv.Handler())
	fmt.Fprintf(stdout, "policywatch is serving %s at http://%s/\n", a.dir, ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve http on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shut down http server: %w", err)
	}
	return nil
}

// newHTTPServer bounds every phase of a connection, so a client that
// sends or reads slowly (or never) cannot hold a connection and its
// goroutine for ever. The write timeout is long because search exports
// stream the whole matching archive.
func newHTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      10 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
}
