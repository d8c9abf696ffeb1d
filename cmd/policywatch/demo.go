package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"policywatch/demoweb"
	"policywatch/topic"
)

// cmdDemo is the embedded default: it starts the shipped demo web on
// loopback, crawls it with the real crawler, and serves the result.
func cmdDemo(ctx context.Context, args []string, stdout io.Writer, logger *slog.Logger) (err error) {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	dataDir := fs.String("data", "", "data directory (default: a new temporary directory)")
	addr := fs.String("addr", "127.0.0.1:8080", "address the UI listens on")
	once := fs.Bool("once", false, "exit after the crawl and indexing")
	demoState := fs.Int("demo-state", 1, "2: after the first crawl, switch the demo web to its second state (two pages amended, one withdrawn, one new) and crawl again")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if *dataDir == "" {
		dir, err := os.MkdirTemp("", "policywatch-demo-")
		if err != nil {
			return err
		}
		*dataDir = dir
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
	a, err := openServer(ctx, *dataDir, logger)
	if err != nil {
		return err
	}
	defer closeApp(a, &err)
	a.allowPrivate = true // the demo web is on 127.0.0.1, on purpose
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
	fmt.Fprintf(stdout, "data directory: %s\n", *dataDir)
	if *once {
		return nil
	}
	return a.serve(ctx, *addr, tax, stdout)
}
