package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"

	"policywatch/demoweb"
	"policywatch/topic"
)

// cmdDemo is the embedded default: it starts the shipped demo web on
// loopback, crawls it with the real crawler, and serves the result.
func cmdDemo(ctx context.Context, args []string, stdout io.Writer, logger *slog.Logger) (err error) {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	dataDir := fs.String("data", "", "`DIR` to keep the archive in (default: a temporary directory, removed on exit)")
	addr := fs.String("addr", "127.0.0.1:8080", "`ADDR` (host:port) the UI listens on; port 0 picks a free one")
	once := fs.Bool("once", false, "exit after the crawl and indexing")
	demoState := fs.Int("demo-state", 1, "`STATE` of the demo web: 2 switches it after the first crawl to its second state (two pages amended, one withdrawn, one new) and crawls again, so /changes has something to show")
	if err := parseArgs(fs, args, stdout); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	// Take the address before the crawl: a port in use must not be found
	// only after the crawl and indexing are done.
	var ln net.Listener
	if !*once {
		if ln, err = net.Listen("tcp", *addr); err != nil {
			return fmt.Errorf("listen on %s: %w (is another policywatch serving there? pick another address with --addr)", *addr, err)
		}
		defer ln.Close()
	}
	temporary := *dataDir == ""
	if temporary {
		dir, terr := os.MkdirTemp("", "policywatch-demo-")
		if terr != nil {
			return terr
		}
		*dataDir = dir
		// Deferred before the app is opened, so it runs after the app is
		// closed: the demo's archive goes with the demo (also on Ctrl-C).
		defer func() {
			if rerr := os.RemoveAll(dir); rerr != nil && err == nil {
				err = fmt.Errorf("remove the demo's temporary directory: %w", rerr)
			}
		}()
	} else if err := noteNewArchive(*dataDir, logger); err != nil {
		return err
	}
	web, err := demoweb.Start(ctx)
	if err != nil {
		return fmt.Errorf("start demo web: %w", err)
	}
	defer web.Close()
	fmt.Fprintf(stdout, "demo web: %d sites on 127.0.0.1 (e.g. %s)\n", len(web.Sites()), web.URL("state"))

	t, err := topic.Parse(web.TopicYAML(), filepath.Join(*dataDir, "demo-topic.yaml"))
	if err != nil {
		return fmt.Errorf("demo topic config: %w", err)
	}
	tax, err := loadTaxonomy(t)
	if err != nil {
		return err
	}
	a, err := openServer(ctx, *dataDir, logger, defaultApplyEvery)
	if err != nil {
		return err
	}
	defer closeApp(a, &err)
	a.setAllowPrivate(true) // the demo web is on 127.0.0.1, on purpose
	run, err := a.crawl(ctx, t, tax, nil)
	if err != nil {
		return fmt.Errorf("crawl demo web: %w", err)
	}
	printRunSummaryTook(stdout, run, 0)
	if *demoState == 2 { // the archive then shows versions, diffs and /changes
		if err := web.SetState(2); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "demo web: second state (pages amended, withdrawn, added); crawling again")
		if run, err = a.crawl(ctx, t, tax, nil); err != nil {
			return fmt.Errorf("crawl demo web again: %w", err)
		}
		printRunSummaryTook(stdout, run, 0)
	}
	if temporary {
		fmt.Fprintf(stdout, "data directory: %s (temporary: removed on exit; keep the archive with --data DIR)\n", *dataDir)
	} else {
		fmt.Fprintf(stdout, "data directory: %s\n", *dataDir)
	}
	if *once {
		return nil
	}
	return a.serveOn(ctx, ln, tax, stdout)
}
