package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"text/tabwriter"

	"policywatch/index"
)

func cmdSearch(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	dataDir := fs.String("data", defaultDataDir(), "data directory")
	asJSON := fs.Bool("json", false, "print results as JSON")
	limit := fs.Int("limit", 20, "number of results")
	sort := fs.String("sort", "relevance", "relevance or date")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	q := strings.Join(fs.Args(), " ")
	a, err := openApp(ctx, *dataDir, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	defer a.Close()
	res, err := a.ix.Search(ctx, index.Request{Query: q, Sort: *sort, Page: 1, PerPage: *limit})
	if err != nil {
		return fmt.Errorf("search %q: %w", q, err)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "ID\tPUBLISHED\tSOURCE\tTITLE\n")
	for _, h := range res.Hits {
		published := ""
		if !h.Published.IsZero() {
			published = h.Published.Format("2006-01-02")
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", h.ID, published, h.Source, h.Title)
	}
	tw.Flush()
	fmt.Fprintf(stdout, "%d matching documents\n", res.Total)
	return nil
}
