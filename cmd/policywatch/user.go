package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"policywatch/store"
)

// cmdUser manages the accounts of editors and admins. It opens only the
// store, not the index, so it works while `policywatch serve` runs.
func cmdUser(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{"user: want a subcommand: add, passwd or list"}
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("user "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	dataDir := fs.String("data", defaultDataDir(), "data directory")
	dbURL := dbFlag(fs)
	role := store.RoleEditor
	if sub == "add" {
		fs.StringVar(&role, "role", store.RoleEditor, "editor (curates events) or admin (also manages users, reads the audit log)")
	}
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	openStore := func() (*store.DB, error) {
		return openStore(ctx, *dataDir, storeSpec(*dataDir, *dbURL, nil))
	}
	switch sub {
	case "add", "passwd":
		if fs.NArg() != 1 {
			return usageError{fmt.Sprintf("user %s: want exactly one user NAME", sub)}
		}
		name := fs.Arg(0)
		if err := store.ValidUserName(name); err != nil {
			return usageError{err.Error()}
		}
		password, err := readPassword(stdin, stderr, name)
		if err != nil {
			return err
		}
		db, err := openStore()
		if err != nil {
			return err
		}
		defer db.Close()
		if sub == "passwd" {
			if err := db.SetPassword(ctx, name, password); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "password of %s changed; their sessions were ended\n", name)
			return nil
		}
		u, err := db.AddUser(ctx, name, role, password)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "added %s %s; they can sign in at /login\n", u.Role, u.Name)
		return nil
	case "list":
		db, err := openStore()
		if err != nil {
			return err
		}
		defer db.Close()
		users, err := db.Users(ctx)
		if err != nil {
			return err
		}
		if len(users) == 0 {
			fmt.Fprintln(stdout, "no users yet: add one with `policywatch user add NAME`")
			return nil
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tROLE\tCREATED\tSTATUS")
		for _, u := range users {
			status := "active"
			if u.Disabled {
				status = "disabled"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", u.Name, u.Role, u.CreatedAt.Format("2006-01-02"), status)
		}
		return tw.Flush()
	}
	return usageError{fmt.Sprintf("user: unknown subcommand %q (add, passwd, list)", sub)}
}

// readPassword asks twice without echo when stdin is a terminal, and
// otherwise reads the first line, so scripts can pipe a password in
// rather than put it on the command line where `ps` shows it.
func readPassword(stdin io.Reader, stderr io.Writer, name string) (string, error) {
	if f, ok := stdin.(*os.File); ok && isTerminal(f) {
		fmt.Fprintf(stderr, "Password for %s (at least %d characters): ", name, store.MinPasswordLen)
		p1, err := readNoEcho(f)
		fmt.Fprintln(stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		fmt.Fprint(stderr, "Repeat it: ")
		p2, err := readNoEcho(f)
		fmt.Fprintln(stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		if p1 != p2 {
			return "", errors.New("the passwords differ")
		}
		return p1, nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password from stdin: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("no password on stdin")
	}
	return line, nil
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
