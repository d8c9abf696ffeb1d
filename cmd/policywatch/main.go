// Command policywatch crawls, archives, indexes and serves documents about
// one policy topic. Run `policywatch help` for the commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
)

func main() {
	followContainerMemoryLimit() // memlimit.go
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Args[1:], os.Stderr)) // cli.go
}

// usageError is a mistake on the command line: main prints it with the
// command's usage and exits 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// run runs the command args name. Help, asked for in any of the ways
// (help X, X --help, X -h), is success.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	err := dispatch(ctx, args, stdout, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}

func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{"no command given"}
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	cmd, rest := args[0], args[1:]
	if d := docFor(cmd); d != nil && d.group { // user, export, import
		// Flags may come before the subcommand too (user --data DIR
		// list): the subcommand goes first, its flags after it.
		rest = subcommandFirst(cmd, rest)
		if len(rest) > 0 && strings.HasPrefix(rest[0], "-") && slices.ContainsFunc(rest, isHelpFlag) {
			rest = []string{"--help"} // user --data DIR --help: the group's help
		}
		if len(rest) == 0 || (strings.HasPrefix(rest[0], "-") && !isHelpFlag(rest[0])) {
			return usageError{fmt.Sprintf("%s: want a command: %s", cmd, orList(subNames(cmd)))}
		}
		switch rest[0] {
		case "-h", "-help", "--help":
			writeHelp(stdout, d, nil)
			return nil
		case "help":
			return cmdHelp(append([]string{cmd}, rest[1:]...), stdout, func(a []string) error { return dispatch(ctx, a, stdout, stderr) })
		}
		if docFor(cmd+" "+rest[0]) == nil {
			return unknownCommand(cmd + " " + rest[0])
		}
	}
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
	case "worker": // worker.go
		return cmdWorker(ctx, rest, stdout, logger)
	case "migrate": // migrate.go
		return cmdMigrate(ctx, rest, stdout)
	case "backup":
		return cmdBackup(ctx, rest, stdout)
	case "export": // warc.go
		return cmdExport(ctx, rest, stdout)
	case "import":
		return cmdImport(ctx, rest, stdout, logger)
	case "extract":
		return cmdExtract(ctx, rest, stdout)
	case "user":
		return cmdUser(ctx, rest, os.Stdin, stdout, stderr)
	case "help", "-h", "-help", "--help":
		return cmdHelp(rest, stdout, func(a []string) error { return dispatch(ctx, a, stdout, stderr) })
	default:
		if strings.HasPrefix(cmd, "-") {
			return usageError{fmt.Sprintf("flag %s before the command: flags follow it, as in policywatch search --data DIR QUERY", cmd)}
		}
		return unknownCommand(cmd)
	}
}
