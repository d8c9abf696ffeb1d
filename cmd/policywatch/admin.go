package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"policywatch/extract"
	"policywatch/ingest"
	"policywatch/model"
	"policywatch/store"
	"policywatch/topic"
)

// cmdReindex rebuilds the derived index and events from the store. When
// a server holds the index, the server rebuilds it: the command asks it
// and waits for the answer.
func cmdReindex(ctx context.Context, args []string, stdout io.Writer, logger *slog.Logger) (err error) {
	fs := flag.NewFlagSet("reindex", flag.ContinueOnError)
	dataDir := dataFlag(fs)
	dbURL := dbFlag(fs)
	if err := parseArgs(fs, args, stdout); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if err := locate(*dataDir, *dbURL, nil).need(); err != nil {
		return err
	}
	a, err := openStoreAt(ctx, locate(*dataDir, *dbURL, nil), logger)
	if err != nil {
		return err
	}
	defer closeApp(a, &err)
	err = a.own(ctx, ingest.OwnOptions{Role: "reindex", Wait: indexWait})
	var se *ingest.ServedError
	if errors.As(err, &se) {
		fmt.Fprintf(stdout, "the server of %s (%s) holds the search index; it rebuilds it now\n", *dataDir, se.Holder)
		var res reindexResult
		if err := newControlClient(se.Holder).call(ctx, "/reindex", struct{}{}, &res); err != nil {
			return fmt.Errorf("reindex through the server: %w", err)
		}
		fmt.Fprintf(stdout, "index rebuilt by the server: %d documents\n", res.Documents)
		return nil
	}
	if err != nil {
		return err
	}
	n, err := a.reindex(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "index rebuilt: %d documents\n", n)
	return nil
}

// reindex rebuilds the index (this process holds it) and re-clusters the
// timeline, returning how many documents the index holds.
func (a *app) reindex(ctx context.Context) (int, error) {
	if _, err := a.owner.Rebuild(ctx); err != nil {
		return 0, err
	}
	if _, err := ingest.Recluster(ctx, a.db, true, a.logger); err != nil {
		return 0, err
	}
	n, err := a.ix.Count()
	return int(n), err
}

func cmdSources(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("sources", flag.ContinueOnError)
	config := configFlag(fs, "to validate and list")
	if err := parseArgs(fs, args, stdout); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	t, err := loadTopic(*config)
	if err != nil {
		return err
	}
	if _, err := loadTaxonomy(t); err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "NAME\tKIND\tDOCS\tSCHEDULE\tURL\tSCOPE\n")
	for _, s := range t.Sources {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", s.Name, s.Kind, s.DocKind, s.Schedule, s.URL, sourceScope(s))
	}
	tw.Flush()
	fmt.Fprintf(stdout, "%s: %d sources, valid\n", t.File, len(t.Sources))
	return nil
}

func cmdRuns(ctx context.Context, args []string, stdout io.Writer) (err error) {
	fs := flag.NewFlagSet("runs", flag.ContinueOnError)
	dataDir := dataFlag(fs)
	dbURL := dbFlag(fs)
	limit := fs.Int("limit", 10, "the newest `N` runs")
	asJSON := fs.Bool("json", false, "print the runs as JSON: counts, and every URL not archived with its outcome and reason")
	if err := parseArgs(fs, args, stdout); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	// The store only: the index may be a running server's.
	a, err := openReaderAt(ctx, locate(*dataDir, *dbURL, nil), slog.New(slog.DiscardHandler)) // readonly.go, db.go
	if err != nil {
		return err
	}
	defer closeApp(a, &err)
	runs, err := a.db.Runs(ctx, *limit)
	if err != nil {
		return err
	}
	if *asJSON {
		out := make([]model.RunReport, 0, len(runs))
		for i := range runs {
			out = append(out, runs[i].Report())
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	if len(runs) == 0 {
		fmt.Fprintln(stdout, "no crawl runs yet: start one with policywatch crawl")
		return nil
	}
	for _, r := range runs {
		status := "finished " + r.FinishedAt.Format(time.RFC3339)
		if r.FinishedAt.IsZero() {
			status = "did not finish"
		}
		fmt.Fprintf(stdout, "run %d  started %s  %s  [%s]\n", r.ID, r.StartedAt.Format(time.RFC3339), status,
			strings.Join(r.Sources, ", "))
		if r.Stops != "" {
			fmt.Fprintf(stdout, "  stops: %s\n", r.Stops)
		}
		printRunSummary(stdout, &r)
	}
	return nil
}

// cmdExtract runs the crawler's extractor on one file.
func cmdExtract(_ context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("extract", flag.ContinueOnError)
	pageURL := fs.String("url", "", "the page's `URL`, when known (resolves its links, and some extraction rules depend on the site)")
	if err := parseArgs(fs, args, stdout); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"extract takes one HTML file"}
	}
	file := fs.Arg(0)
	raw, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	if bytes.HasPrefix(raw, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		// A page that inflates past what a crawl would ever accept is a
		// bomb, not a page: stop before it takes the machine's memory.
		if raw, err = io.ReadAll(io.LimitReader(zr, topic.MaxBody+1)); err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		if len(raw) > topic.MaxBody {
			return fmt.Errorf("%s: decompresses to more than %d MB, the most a crawl accepts for one page", file, topic.MaxBody>>20)
		}
	}
	page, _, err := extract.DecodeHTML(raw, "")
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	res, err := extract.Extract(page, *pageURL)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	out, err := res.JSON()
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "%s\n", out)
	return err
}

// cmdVerify rechecks every stored capture against its recorded hash, the
// versions against the captures, and the search index against the store
// (through the server when one holds the index).
func cmdVerify(ctx context.Context, args []string, stdout io.Writer) (err error) {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	dataDir := dataFlag(fs)
	dbURL := dbFlag(fs)
	if err := parseArgs(fs, args, stdout); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if err := locate(*dataDir, *dbURL, nil).need(); err != nil {
		return err
	}
	a, err := openReaderAt(ctx, locate(*dataDir, *dbURL, nil), slog.New(slog.DiscardHandler)) // readonly.go, db.go
	if err != nil {
		return err
	}
	defer closeApp(a, &err)
	db := a.db
	// The captures' hashes, then each version backed by its capture and
	// so on (store/versions.go), over one snapshot of the store: a crawl
	// adding documents meanwhile is in both checks or in neither.
	var bad, inconsistent int
	var inconsistencies []store.Mismatch
	n, docs, err := db.VerifyArchive(ctx, func(m store.Mismatch) {
		bad++
		fmt.Fprintf(stdout, "MISMATCH capture %d of document %d (%s): %s\n", m.CaptureID, m.DocumentID, m.URL, m.Reason)
	}, func(m store.Mismatch) {
		inconsistent++
		inconsistencies = append(inconsistencies, m)
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d captures checked, %d mismatches\n", n, bad)
	for _, m := range inconsistencies {
		fmt.Fprintf(stdout, "INCONSISTENT document %d (%s): %s\n", m.DocumentID, m.URL, m.Reason)
	}
	fmt.Fprintf(stdout, "%d documents' versions checked, %d inconsistencies\n", docs, inconsistent)
	stale, err := a.verifyIndex(ctx, stdout)
	if err != nil {
		return err
	}
	if bad > 0 {
		return fmt.Errorf("%d captures do not match their recorded SHA-256", bad)
	}
	if inconsistent > 0 {
		return fmt.Errorf("%d inconsistencies between versions and captures", inconsistent)
	}
	if stale > 0 {
		return fmt.Errorf("the search index differs from the store on %d documents; run policywatch reindex", stale)
	}
	return nil
}

// verifyIndexWait is how long verify waits for a process that holds the
// index for a moment (a crawl taking its changes in).
const verifyIndexWait = 30 * time.Second

// verifyIndex checks the search index against the store, after taking
// the change log in, itself or through the server that holds the index.
// A data directory without an index yet has nothing to check.
func (a *app) verifyIndex(ctx context.Context, stdout io.Writer) (int, error) {
	d := ingest.Dir(a.dir)
	if _, err := os.Stat(d.IndexPath()); errors.Is(err, os.ErrNotExist) {
		fmt.Fprintln(stdout, "no search index yet (serve, crawl or reindex builds it)")
		return 0, nil
	}
	var res verifyResult
	if a.readOnly {
		// The index as it stands: a read-only directory cannot take the
		// change log in (readonly.go).
		if err := a.readIndex(ctx, stdout); err != nil {
			fmt.Fprintf(stdout, "search index not checked: %v\n", err)
			return 0, nil
		}
		n, err := ingest.VerifyIndex(ctx, a.ix, a.db, func(m ingest.IndexMismatch) { res.Mismatches = append(res.Mismatches, m) })
		if err != nil {
			return 0, err
		}
		res.Checked = n
		return reportIndexCheck(stdout, res), nil
	}
	err := a.own(ctx, ingest.OwnOptions{Role: "verify", Wait: verifyIndexWait, Logger: stderrLogger()})
	var se *ingest.ServedError
	var le *ingest.LockedError
	switch {
	case errors.As(err, &se):
		if err := newControlClient(se.Holder).call(ctx, "/verify-index", struct{}{}, &res); err != nil {
			return 0, fmt.Errorf("verify the index through the server: %w", err)
		}
	case errors.As(err, &le):
		// The store is what verify vouches for; the index is derived and
		// checked when it can be.
		fmt.Fprintf(stdout, "search index not checked: %v\n", le)
		return 0, nil
	case err != nil:
		return 0, err
	default:
		res.Checked, err = a.owner.Verify(ctx, func(m ingest.IndexMismatch) { res.Mismatches = append(res.Mismatches, m) })
		if err != nil {
			return 0, err
		}
	}
	return reportIndexCheck(stdout, res), nil
}

// reportIndexCheck prints what verifyIndex found and returns how many
// documents differ.
func reportIndexCheck(stdout io.Writer, res verifyResult) int {
	for _, m := range res.Mismatches {
		fmt.Fprintf(stdout, "INDEX document %d: %s\n", m.DocumentID, m.Problem)
	}
	fmt.Fprintf(stdout, "%d documents checked against the search index, %d differ\n", res.Checked, len(res.Mismatches))
	return len(res.Mismatches)
}

// cmdBackup copies the store consistently while serve or crawl run; the
// index is not copied because it is rebuilt from the store on restore.
func cmdBackup(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	dataDir := dataFlag(fs)
	dbURL := dbFlag(fs)
	if err := parseArgs(fs, args, stdout); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"backup takes one DEST directory to write the backup to"}
	}
	if err := locate(*dataDir, *dbURL, nil).need(); err != nil {
		return err
	}
	dest := fs.Arg(0)
	if err := os.MkdirAll(dest, 0o755); err != nil {
		return err
	}
	db, err := openStoreReaderAt(ctx, locate(*dataDir, *dbURL, nil)) // readonly.go, db.go
	if err != nil {
		return err
	}
	defer db.Close()
	target := ingest.Dir(dest).StorePath()
	if err := db.Backup(ctx, target); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup written to %s\nrestore: policywatch reindex --data %s\n", target, dest)
	return nil
}
