package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"policywatch/cluster"
	"policywatch/store"
)

// cmdWorker crawls from a PostgreSQL archive's shared frontier until
// SIGTERM: any number of workers on any machines share the work and keep
// politeness per host together (docs/SCALING.md).
func cmdWorker(ctx context.Context, args []string, stdout io.Writer, logger *slog.Logger) error {
	fs := flag.NewFlagSet("worker", flag.ContinueOnError)
	config := configFlag(fs, "whose sources are crawled (the same on every machine)")
	dbURL := dbFlag(fs)
	name := fs.String("name", "", "`NAME` of this worker in leases and logs, unique in the cluster (default: host:pid)")
	lease := fs.Duration("lease", 60*time.Second, "how long a claimed URL stays this worker's without renewal: after it, a worker presumed dead loses the URL to another (`DURATION`)")
	allowPrivate := fs.Bool("allow-private", false, "let the crawler fetch loopback, private and link-local addresses")
	if err := parseArgs(fs, args, stdout); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if *lease < time.Second {
		return usageError{fmt.Sprintf("worker: --lease %s is too short: a worker renews it every third of it (want 1s or more)", *lease)}
	}
	t, tax, err := loadTopicAndTaxonomy(*config)
	if err != nil {
		return err
	}
	at := locate("", *dbURL, t)
	if !store.IsURL(at.spec) {
		return usageError{"worker: workers share a PostgreSQL archive: give --db postgres://user@host/dbname (or database: in the topic config)"}
	}
	db, err := store.Open(ctx, at.spec)
	if err != nil {
		return err
	}
	defer db.Close()
	err = cluster.Work(ctx, db, cluster.Config{Topic: t, Taxonomy: tax, Name: *name, Lease: *lease,
		AllowPrivate: *allowPrivate, Logger: logger})
	if ctx.Err() != nil {
		logger.Info("worker stopped; the URLs in hand were handed back")
		return nil // SIGTERM is how a worker is stopped
	}
	return err
}
