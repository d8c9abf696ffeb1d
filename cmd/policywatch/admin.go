package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"policywatch/extract"
	"policywatch/store"
)

// cmdReindex rebuilds the derived index and events from the store.
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
	a, err := openExistingAt(ctx, *dataDir, storeSpec(*dataDir, *dbURL, nil), logger)
	if err != nil {
		return err
	}
	defer closeApp(a, &err)
	if err := a.refresh(ctx, time.Time{}); err != nil {
		return err
	}
	n, err := a.ix.Count()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "index rebuilt: %d documents\n", n)
	return nil
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

func cmdRuns(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("runs", flag.ContinueOnError)
	dataDir := dataFlag(fs)
	dbURL := dbFlag(fs)
	limit := fs.Int("limit", 10, "the newest `N` runs")
	if err := parseArgs(fs, args, stdout); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	a, err := openExistingAt(ctx, *dataDir, storeSpec(*dataDir, *dbURL, nil), slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	defer a.Close()
	runs, err := a.db.Runs(ctx, *limit)
	if err != nil {
		return err
	}
	for _, r := range runs {
		status := "finished " + r.FinishedAt.Format(time.RFC3339)
		if r.FinishedAt.IsZero() {
			status = "did not finish"
		}
		fmt.Fprintf(stdout, "run %d  started %s  %s  [%s]\n", r.ID, r.StartedAt.Format(time.RFC3339), status,
			strings.Join(r.Sources, ", "))
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
		if raw, err = io.ReadAll(zr); err != nil {
			return fmt.Errorf("%s: %w", file, err)
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

// cmdVerify rechecks every stored capture against its recorded hash.
func cmdVerify(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	dataDir := dataFlag(fs)
	dbURL := dbFlag(fs)
	if err := parseArgs(fs, args, stdout); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if err := needArchiveAt(*dataDir, storeSpec(*dataDir, *dbURL, nil)); err != nil {
		return err
	}
	db, err := store.Open(ctx, storeSpec(*dataDir, *dbURL, nil))
	if err != nil {
		return err
	}
	defer db.Close()
	bad := 0
	n, err := db.Verify(ctx, func(m store.Mismatch) {
		bad++
		fmt.Fprintf(stdout, "MISMATCH capture %d of document %d (%s): %s\n", m.CaptureID, m.DocumentID, m.URL, m.Reason)
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d captures checked, %d mismatches\n", n, bad)
	// store/versions.go: each version backed by its capture, and so on.
	inconsistent := 0
	docs, err := db.VerifyVersions(ctx, func(m store.Mismatch) {
		inconsistent++
		fmt.Fprintf(stdout, "INCONSISTENT document %d (%s): %s\n", m.DocumentID, m.URL, m.Reason)
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d documents' versions checked, %d inconsistencies\n", docs, inconsistent)
	if bad > 0 {
		return fmt.Errorf("%d captures do not match their recorded SHA-256", bad)
	}
	if inconsistent > 0 {
		return fmt.Errorf("%d inconsistencies between versions and captures", inconsistent)
	}
	return nil
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
	if err := needArchiveAt(*dataDir, storeSpec(*dataDir, *dbURL, nil)); err != nil {
		return err
	}
	dest := fs.Arg(0)
	if err := os.MkdirAll(dest, 0o755); err != nil {
		return err
	}
	db, err := store.Open(ctx, storeSpec(*dataDir, *dbURL, nil))
	if err != nil {
		return err
	}
	defer db.Close()
	target := filepath.Join(dest, "policywatch.db")
	if err := db.Backup(ctx, target); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup written to %s\nrestore: policywatch reindex --data %s\n", target, dest)
	return nil
}
