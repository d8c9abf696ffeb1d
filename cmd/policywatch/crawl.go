package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"policywatch/model"
)

func cmdCrawl(ctx context.Context, args []string, stdout io.Writer, logger *slog.Logger) error {
	fs := flag.NewFlagSet("crawl", flag.ContinueOnError)
	config := fs.String("config", "", "topic config (default: the shipped topic)")
	dataDir := fs.String("data", defaultDataDir(), "data directory")
	asJSON := fs.Bool("json", false, "print the run summary as JSON")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	t, err := loadTopic(*config)
	if err != nil {
		return err
	}
	tax, err := loadTaxonomy(t)
	if err != nil {
		return err
	}
	a, err := openApp(ctx, *dataDir, logger)
	if err != nil {
		return err
	}
	defer a.Close()
	run, crawlErr := a.crawl(ctx, t, tax, nil)
	if run != nil {
		if *asJSON {
			if err := printRunJSON(stdout, run); err != nil {
				return err
			}
		} else {
			printRunSummary(stdout, run)
		}
	}
	return crawlErr
}

func printRunSummary(w io.Writer, r *model.CrawlRun) {
	fmt.Fprintf(w, "crawl run %d: fetched %d, stored %d, updated %d, unchanged %d, skipped %d, failed %d\n",
		r.ID, r.Fetched, r.Stored, r.Updated, r.Unchanged, r.Skipped, r.Failed)
	for _, e := range r.Errors {
		fmt.Fprintf(w, "  %s: %s\n", e.Reason, e.URL)
	}
}

// runJSON is the documented shape of `crawl --json`.
type runJSON struct {
	RunID     int64              `json:"run_id"`
	Fetched   int                `json:"fetched"`
	Stored    int                `json:"stored"`
	Updated   int                `json:"updated"`
	Unchanged int                `json:"unchanged"`
	Skipped   int                `json:"skipped"`
	Failed    []model.CrawlError `json:"failed"`
}

func printRunJSON(w io.Writer, r *model.CrawlRun) error {
	out := runJSON{RunID: r.ID, Fetched: r.Fetched, Stored: r.Stored, Updated: r.Updated,
		Unchanged: r.Unchanged, Skipped: r.Skipped, Failed: r.Errors}
	if out.Failed == nil {
		out.Failed = []model.CrawlError{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
