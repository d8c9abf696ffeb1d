// Command policywatch crawls, archives, indexes and serves documents about
// one policy topic. Run `policywatch help` for the commands.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

const usage = `policywatch tracks and archives policy changes.

Usage:
  policywatch demo     [--addr 127.0.0.1:8080] [--data DIR] [--once]   crawl the shipped demo web and serve it
  policywatch crawl    [--config FILE] [--data DIR] [--json]           crawl the topic's sources once
  policywatch serve    [--data DIR] [--addr 127.0.0.1:8080]            serve the UI and JSON API
                       [--config FILE] [--schedule]                    and crawl each source on its schedule (on with --config)
  policywatch search   [--data DIR] [--json|--csv] [--all] [--limit N] QUERY   search the archive (query language: /help/search)
                       [--sort date] [--kind K] [--category C] [--from D] [--to D]
  policywatch search   --save NAME [--webhook URL] QUERY               save a search; the webhook gets new matches after each crawl
  policywatch search   --list-saved | --delete-saved ID                list or delete saved searches
  policywatch reindex  [--data DIR]                                    rebuild the search index from the store
  policywatch sources  [--config FILE]                                 list and validate the configured sources
  policywatch runs     [--data DIR] [--limit N]                        list crawl runs and their failures
  policywatch verify   [--data DIR]                                    recheck every stored capture's SHA-256
  policywatch backup   [--data DIR] DIR                                consistent copy of the store, also while serving
  policywatch migrate  [--data DIR] --to postgres://...                copy the archive into PostgreSQL, checked table by table
  policywatch export warc [--data DIR] [--query Q] FILE                 write captures as WARC 1.1 (FILE.gz: gzipped per record)
  policywatch import warc [--data DIR] [--config FILE] [--all] FILE     archive a WARC file's pages as if crawled
  policywatch extract  [--url URL] FILE                                extract one HTML file (plain or .gz) as JSON
  policywatch user add    [--data DIR] [--role editor|admin] NAME    add an account; the password is read from stdin
  policywatch user passwd [--data DIR] NAME                          change a password (ends the user's sessions)
  policywatch user list   [--data DIR]                               list accounts

--config defaults to the shipped topic (China's national security law for Hong Kong);
--data defaults to $XDG_DATA_HOME/policywatch or ~/.local/share/policywatch.
Commands that open the archive take --db postgres://... to use a PostgreSQL archive shared
by several machines (or database: in the topic config); see docs/SCALING.md.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(os.Stderr, "policywatch: %v\n\n%s", err, usage)
			os.Exit(2)
		}
		fmt.Fprintf(os.Stderr, "policywatch: %v\n", err)
		os.Exit(1)
	}
}

// usageError is a mistake on the command line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{"no command given"}
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "demo":
		return cmdDemo(ctx, rest, stdout, logger)
	case "crawl":
		return cmdCrawl(ctx, rest, stdout, logger)
	case "serve":
		return cmdServe(ctx, rest, stdout, logger)
	case "search":
		return cmdSearch(ctx, rest, stdout)
	case "reindex":
		return cmdReindex(ctx, rest, stdout, logger)
	case "sources":
		return cmdSources(ctx, rest, stdout)
	case "runs":
		return cmdRuns(ctx, rest, stdout)
	case "verify":
		return cmdVerify(ctx, rest, stdout)
	case "backup":
		return cmdBackup(ctx, rest, stdout)
	case "migrate":
		return cmdMigrate(ctx, rest, stdout)
	case "export": // warc.go
		return cmdExport(ctx, rest, stdout)
	case "import":
		return cmdImport(ctx, rest, stdout, logger)
	case "extract":
		return cmdExtract(ctx, rest, stdout)
	case "user":
		return cmdUser(ctx, rest, os.Stdin, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		return usageError{fmt.Sprintf("unknown command %q", cmd)}
	}
}
