package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"text/tabwriter"

	"policywatch/store"
)

// cmdUser manages the accounts of editors and admins. It opens only the
// store, not the index, so it works while `policywatch serve` runs.
func cmdUser(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{"user: want a command: add, passwd or list"}
	}
	sub, args := args[0], args[1:]
	if docFor("user "+sub) == nil {
		return unknownCommand("user " + sub)
	}
	fs := flag.NewFlagSet("user "+sub, flag.ContinueOnError)
	dataDir := dataFlag(fs)
	dbURL := dbFlag(fs)
	role := store.RoleEditor
	if sub == "add" {
		fs.StringVar(&role, "role", store.RoleEditor, "`ROLE`: editor (curates events) or admin (also manages users, reads the audit log)")
	}
	if err := parseArgs(fs, args, stdout); err != nil {
		return err
	}
	// Accounts may be set up before the first crawl, so add creates an
	// archive (and says so); the others need one. Checked before a
	// password is asked for.
	at := locate(*dataDir, *dbURL, nil)
	checkDir := at.need
	if sub == "add" {
		checkDir = func() error {
			_, err := hasArchive(*dataDir)
			return err
		}
	}
	openStore := func() (*store.DB, error) {
		if sub == "add" {
			logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
			if err := at.note(logger); err != nil {
				return nil, err
			}
			if err := os.MkdirAll(*dataDir, 0o755); err != nil {
				return nil, fmt.Errorf("create data directory: %w", err)
			}
		}
		if dataDirReadOnly(*dataDir) { // readonly.go
			return nil, readOnlyError{*dataDir}
		}
		return openDB(ctx, at)
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
		if err := store.ValidRole(role); err != nil {
			return usageError{fmt.Sprintf("user add --role: %v", err)}
		}
		if err := checkDir(); err != nil {
			return err
		}
		if dataDirReadOnly(*dataDir) { // readonly.go: before asking for a password that cannot be stored
			return readOnlyError{*dataDir}
		}
		// Whether the name is taken (add) or known (passwd) is said before
		// a password is asked for, not after it was typed twice.
		if err := checkUserName(ctx, at, sub, name); err != nil {
			return err
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
		if err := noArgs(fs); err != nil {
			return err
		}
		if err := checkDir(); err != nil {
			return err
		}
		open := openStore
		if dataDirReadOnly(*dataDir) {
			open = func() (*store.DB, error) { return openStoreReaderAt(ctx, at) } // readonly.go, db.go
		}
		db, err := open()
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
	return unknownCommand("user " + sub)
}

// checkUserName refuses, for user add, a name already taken and, for
// user passwd, a name nobody has. A data directory without an archive
// yet has no users.
func checkUserName(ctx context.Context, at place, sub, name string) error {
	if at.inDir() {
		if ok, err := hasArchive(at.dir); err != nil || !ok {
			return err
		}
	} else if at.need() != nil {
		return nil // a --db file user add creates
	}
	db, err := openStoreReaderAt(ctx, at) // readonly.go, db.go
	if err != nil {
		return err
	}
	defer db.Close()
	exists, err := db.HasUser(ctx, name)
	switch {
	case err != nil:
		return err
	case sub == "add" && exists:
		return fmt.Errorf("user add: %s %w (change its password with policywatch user passwd %s)", name, store.ErrExists, name)
	case sub == "passwd" && !exists:
		return fmt.Errorf("user passwd: there is no user %s (policywatch user list shows them)", name)
	}
	return nil
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
