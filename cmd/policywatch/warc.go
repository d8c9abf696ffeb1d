package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"policywatch/index"
	"policywatch/ingest"
	"policywatch/model"
	"policywatch/store"
	"policywatch/warc"
)

// cmdExport dispatches `policywatch export FORMAT`.
func cmdExport(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "warc" {
		return usageError{"export takes a format: warc"}
	}
	return cmdExportWARC(ctx, args[1:], stdout)
}

// cmdImport dispatches `policywatch import FORMAT`.
func cmdImport(ctx context.Context, args []string, stdout io.Writer, logger *slog.Logger) error {
	if len(args) == 0 || args[0] != "warc" {
		return usageError{"import takes a format: warc"}
	}
	return cmdImportWARC(ctx, args[1:], stdout, logger)
}

// cmdExportWARC writes every capture of the archive, or of a search's
// matching documents, as WARC 1.1 request/response records. A FILE
// ending in .gz is gzipped record by record, as archive tools expect.
func cmdExportWARC(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("export warc", flag.ContinueOnError)
	dataDir := dataFlag(fs)
	dbURL := dbFlag(fs)
	q := fs.String("query", "", "export only the documents `QUERY` finds, as policywatch search finds them (default: everything)")
	config := configFlag(fs, "whose glossary expands --query")
	if err := parseArgs(fs, args, stdout); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"export warc takes one output FILE"}
	}
	file := fs.Arg(0)
	at := locate(*dataDir, *dbURL, nil)
	if err := at.need(); err != nil {
		return err
	}
	ids, err := exportIDs(ctx, at, *config, *q)
	if err != nil {
		return err
	}
	if *q != "" && len(ids) == 0 {
		return fmt.Errorf("export warc: --query %q finds no document; nothing written", *q)
	}
	db, err := openStoreReaderAt(ctx, at) // readonly.go, db.go
	if err != nil {
		return err
	}
	defer db.Close()

	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("export warc: %w", err)
	}
	w := warc.NewWriter(f, strings.HasSuffix(file, ".gz"))
	fields := map[string]string{"description": "policywatch archive export", "isPartOf": "policywatch"}
	if *q != "" {
		fields["policywatch-query"] = *q
	}
	n, err := exportWARC(ctx, db, w, filepath.Base(file), ids, fields)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(file) // half an archive is worse than none
		return fmt.Errorf("export warc %s: %w", file, err)
	}
	fmt.Fprintf(stdout, "%s: %d captures of %d documents\n", file, n, len(ids))
	return nil
}

func exportWARC(ctx context.Context, db *store.DB, w *warc.Writer, name string, ids []int64, fields map[string]string) (int, error) {
	if err := w.WriteInfo(name, "policywatch", fields); err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		doc, err := db.Document(ctx, id)
		if err != nil {
			return n, err
		}
		caps, err := db.Captures(ctx, id)
		if err != nil {
			return n, err
		}
		slices.Reverse(caps) // oldest first, so a re-import rebuilds the versions in order
		withdrawals, err := db.Withdrawals(ctx, id)
		if err != nil {
			return n, err
		}
		// A withdrawal is written as what it was: the page answering 404
		// or 410 at a time, in order among the captures.
		for len(caps) > 0 || len(withdrawals) > 0 {
			if len(withdrawals) > 0 && (len(caps) == 0 || withdrawals[0].At.Before(caps[0].FetchedAt)) {
				wd := withdrawals[0]
				withdrawals = withdrawals[1:]
				if err := w.WriteCapture(warc.Capture{
					FinalURL: wd.URL, FetchedAt: wd.At, Status: wd.Status,
					Header: http.Header{"Content-Type": {"text/plain; charset=utf-8"}},
					Source: doc.Source, DocKind: string(doc.Kind),
				}); err != nil {
					return n, err
				}
				continue
			}
			c := caps[0]
			caps = caps[1:]
			full, err := db.Capture(ctx, c.ID)
			if err != nil {
				return n, err
			}
			if err := w.WriteCapture(warc.Capture{
				RequestURL: full.RequestURL, FinalURL: full.FinalURL, FetchedAt: full.FetchedAt,
				Status: full.Status, Header: full.Header, Body: full.Body, BodySHA256: full.BodySHA256,
				Source: doc.Source, DocKind: string(doc.Kind),
			}); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}

// exportIDs lists the documents to export, in id order: every one, or
// those the search q finds. q means what it means to policywatch search
// (the same index, analysis, glossary and vocabulary, and an unknown
// category, actor or source is refused alike), so an export of a search
// holds exactly the documents the search listed.
func exportIDs(ctx context.Context, at place, config, q string) ([]int64, error) {
	if strings.TrimSpace(q) == "" {
		db, err := openStoreReaderAt(ctx, at) // readonly.go, db.go
		if err != nil {
			return nil, err
		}
		defer db.Close()
		var ids []int64
		err = db.EachDocument(ctx, func(d *model.Document) error { ids = append(ids, d.ID); return nil })
		return ids, err
	}
	_, tax, err := loadTopicAndTaxonomy(config)
	if err != nil {
		return nil, err
	}
	canonical, err := vocabulary(tax).Canonical(q)
	if err != nil {
		return nil, queryError(q, err)
	}
	if err := checkSources(ctx, at, "export warc", nil, q); err != nil { // search.go
		return nil, err
	}
	hits, _, _, err := runQuery(ctx, at, tax, index.Request{Query: canonical}, true) // search.go
	if err != nil {
		return nil, queryError(q, err)
	}
	ids := make([]int64, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

// cmdImportWARC brings captures from a WARC file (ours, or Heritrix,
// Browsertrix, ArchiveBox, wget output) into the archive through the same
// pipeline as a crawl (ingest.Archive.ImportWARC).
func cmdImportWARC(ctx context.Context, args []string, stdout io.Writer, logger *slog.Logger) (err error) {
	fs := flag.NewFlagSet("import warc", flag.ContinueOnError)
	dataDir := dataFlag(fs)
	dbURL := dbFlag(fs)
	config := configFlag(fs, "whose sources and relevance query apply")
	source := fs.String("source", "", "source `NAME` for captures the file does not attribute (default: the configured source on the same host, else warc-import)")
	all := fs.Bool("all", false, "keep off-topic pages too (skip the topic's relevance query)")
	if err := parseArgs(fs, args, stdout); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"import warc takes one WARC FILE"}
	}
	t, tax, err := loadTopicAndTaxonomy(*config)
	if err != nil {
		return err
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return fmt.Errorf("import warc: %w", err)
	}
	defer f.Close()
	// The store only, like a crawl: a running server takes the import in.
	at := locate(*dataDir, *dbURL, t)
	if err := at.note(logger); err != nil {
		return err
	}
	a, err := openStoreAt(ctx, at, logger)
	if err != nil {
		return err
	}
	defer closeApp(a, &err)
	st, err := a.arch.ImportWARC(ctx, f, ingest.ImportConfig{Topic: t, Taxonomy: tax, Source: *source, All: *all})
	if err != nil {
		return fmt.Errorf("import warc %s: %w", fs.Arg(0), err)
	}
	o := st.Outcomes
	fmt.Fprintf(stdout, "%s: %d records, %d responses: stored %d, updated %d, unchanged %d, dropped %d%s, withdrawn %d, skipped %d, failed %d\n",
		fs.Arg(0), st.Records, st.Responses, o[model.OutcomeStored], o[model.OutcomeUpdated], o[model.OutcomeUnchanged],
		o[model.OutcomeDropped], droppedReasons(st.Dropped), o[model.OutcomeWithdrawn], o[model.OutcomeSkipped], o[model.OutcomeFailed])
	return nil
}

// droppedReasons is " (off-topic 3, duplicate 1)", or "" for none.
func droppedReasons(by map[string]int) string {
	if len(by) == 0 {
		return ""
	}
	reasons := slices.Sorted(maps.Keys(by))
	parts := make([]string, len(reasons))
	for i, r := range reasons {
		parts[i] = fmt.Sprintf("%s %d", r, by[r])
	}
	return " (" + strings.Join(parts, ", ") + ")"
}
