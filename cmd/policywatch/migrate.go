package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"policywatch/store"
)

// cmdMigrate copies the whole archive into another database, typically
// an SQLite data directory into PostgreSQL when one machine is no longer
// enough. The destination must be empty; the copy keeps every id, is all
// or nothing, and checks each table's rows against the source.
func cmdMigrate(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	dataDir := dataFlag(fs)
	db := dbFlag(fs)
	to := fs.String("to", "", "the `DEST` database to copy into: postgres://user:password@host:5432/dbname (empty), or a new SQLite file")
	if err := parseArgs(fs, args, stdout); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if *to == "" {
		return usageError{"migrate: --to names the database to copy the archive into, e.g. --to postgres://pw@db.example/policywatch"}
	}
	from := locate(*dataDir, *db, nil)
	if err := from.need(); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	src, err := store.Open(ctx, from.spec)
	if err != nil {
		return fmt.Errorf("migrate: source: %w", err)
	}
	defer src.Close()
	dst, err := openDB(ctx, place{dir: *dataDir, spec: *to})
	if err != nil {
		return fmt.Errorf("migrate: destination: %w", err)
	}
	defer dst.Close()
	fmt.Fprintf(stdout, "copying %s (%s) into %s (%s)\n", src.Path(), src.Engine(), dst.Path(), dst.Engine())
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	rep, err := store.Copy(ctx, src, dst, func(d store.TableDigest) {
		fmt.Fprintf(tw, "  %s\t%d rows\t\n", d.Table, d.Rows)
	})
	tw.Flush()
	var ce *store.CopyError
	if errors.As(err, &ce) {
		return fmt.Errorf("migrate: the copy does not match its source, do not use it: %w", err)
	}
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	fmt.Fprintf(stdout, "%d rows in %d tables copied; each table's row count and content digest match the source\n",
		rep.Rows(), len(rep.Tables))
	if rep.Cleaned > 0 {
		fmt.Fprintf(stdout, "%d text values held NUL bytes or invalid UTF-8, which PostgreSQL cannot store: copied without them\n", rep.Cleaned)
	}
	if dst.Engine() == store.Postgres {
		fmt.Fprintf(stdout, "next: policywatch serve --db %s (its search index fills from the archive), policywatch worker --db ... (docs/SCALING.md)\n", dst.Path())
	}
	return nil
}
