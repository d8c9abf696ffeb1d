package main

// The command line: every command's documentation, flag parsing that
// accepts flags anywhere among the arguments, and help. Like git and gh
// (and unlike the flag package alone, which stops at the first argument),
// `policywatch search visa --data DIR` reads --data as a flag: a flag taken
// for a search word would search the wrong archive for the wrong words.
// `--` ends the flags, so an argument that starts with "-" can follow it.

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"policywatch/internal/suggest"
)

// cmdDoc documents one command, or a group of subcommands (user, export,
// import).
type cmdDoc struct {
	name     string   // as typed after "policywatch": "search", "user add"
	synopsis []string // its forms, without "policywatch "; flags of every form together cover its flag set
	summary  string   // one line for the command list
	about    string   // what `help NAME` explains, in plain sentences
	group    bool     // name is a group: its subcommands are "name SUB"
}

// commands is the documentation of every command, in the order the usage
// lists them. A test checks each synopsis names every flag its command
// accepts, and that the README's command reference is this text.
var commands = []cmdDoc{
	{name: "demo", summary: "crawl the shipped demo web on 127.0.0.1 and serve it",
		synopsis: []string{"demo [--addr ADDR] [--data DIR] [--once] [--demo-state 1|2]"},
		about: `Start the shipped demo web (sites written by us about the real events, on 127.0.0.1),
crawl it with the real crawler, index what was kept and serve the UI. Nothing touches the
internet. The address is taken before the crawl starts, so a port in use is reported at once.
Without --data the archive lives in a temporary directory that is removed on exit; with --data
it is kept (created if needed), and "policywatch serve --data DIR" serves it again.`},
	{name: "crawl", summary: "crawl the topic's sources once",
		synopsis: []string{"crawl [--config FILE] [--data DIR] [--db URL] [--json] [--allow-private]"},
		about: `Crawl every source of the topic once, store what is new or changed, then bring the search
index and the timeline up to date. It runs beside a serve on the same data directory (from cron or
a systemd timer): the server takes what the crawl stores into its search within a second, and
tells saved-search webhooks when the run ends. A crawl killed mid-way, or stopped by a full disk
(at its first failed write, saying so), is finished by the next one, each URL counted once.
The data directory's archive is created if there is none, and the log says so. On a terminal a
progress line is shown, otherwise a log line every 10 seconds, then a summary: the count of each
outcome, every URL that failed, was withdrawn or refused by robots.txt, and the pages dropped by
reason (runs lists them). --json prints the run as runs --json does. The exit status is 1 when a
source failed entirely (its feed, sitemap, seed page or API URL).`},
	{name: "serve", summary: "serve the web UI and JSON API; crawl on schedule",
		synopsis: []string{"serve [--data DIR] [--db URL] [--addr ADDR] [--config FILE] [--schedule] [--allow-private] [--secure-cookies] [--trust-proxy] [--base-url URL] [--search-cache N] [--max-searches N] [--search-timeout DURATION] [--max-query-terms N] [--max-prefix-terms N] [--apply-every DURATION]"},
		about: `Serve the web UI and JSON API over the archive. With --schedule (on when --config is given)
also crawl each source on its schedule: sources sharing a schedule are crawled together in one
run, runs never overlap, and SIGTERM stops the crawl in progress, which resumes at the next
start. Without a schedule the data directory must already hold an archive; with one, serve
creates it if needed. Behind an HTTPS proxy, --secure-cookies or --trust-proxy keep the sign-in
cookies Secure. On a public server give --base-url, so feed and citation links do not follow the
Host header a client sends. Searches are bounded: in size, in number at once, and in time.`},
	{name: "search", summary: "search the archive; save searches with feeds and webhooks",
		synopsis: []string{
			"search [--data DIR] [--db URL] [--config FILE] [--json | --csv] [--all] [--limit N] [--page N] [--sort relevance|date] [--category ID]... [--actor ID]... [--source NAME]... [--kind official|news]... [--lang TAG]... [--from DATE] [--to DATE] [--] [QUERY...]",
			"search --save NAME [--webhook URL [--allow-private]] [filter flags] [--] [QUERY...]",
			"search --list-saved | --delete-saved ID",
		},
		about: `Search the archive in the query language of the web UI: words, "phrases", AND, OR, NOT,
-word, parentheses, field:value and dates (/help/search in the UI). The words after the flags
are the query; a query that starts with "-" goes after --, as in: policywatch search -- -visa
sanctions. Prints a table (and how many matches have no reliable publication date), JSON or
CSV; --all prints every match, newest first. While serve runs on the data directory, the server
answers the search (with its topic's glossary). --save keeps the search under a name instead of
running it: its Atom feed is /feeds/search.atom with the same parameters, and with --webhook its
new matches are POSTed as JSON after each crawl (again after the next crawl if delivery fails).
A webhook must be a public address, checked when saved and again on the address each delivery
dials; --allow-private (here, and on the crawl or serve that delivers) allows loopback, private
and link-local ones.`},
	{name: "runs", summary: "list crawl runs with the outcome of every URL",
		synopsis: []string{"runs [--data DIR] [--db URL] [--limit N] [--json]"},
		about: `List the newest crawl runs, each with its sources, the count of each outcome (stored, updated,
unchanged, dropped, skipped, refused by robots.txt, withdrawn, failed: together the URLs the run
handled), the HTTP responses it received (feeds, sitemaps and retries included, so not the sum of
the outcomes) and every URL dropped, refused, withdrawn or failed with the reason. --json prints
them as /api/runs does: id, started_at, finished_at, sources, counts (each outcome's count, and
fetched: the HTTP responses), urls, the lists dropped, refused, withdrawn and failed (url,
source, outcome, reason, at, source_failed), failed_sources and stops (why the run stopped before it
was done and when a crawl resumed it, each stamped; empty when it went through); and, as the first versions did,
run_id, fetched, stored, updated, unchanged and skipped. crawl --json prints one run so.`},
	{name: "sources", summary: "validate the topic config and list its sources",
		synopsis: []string{"sources [--config FILE]"},
		about: `Validate a topic config and its taxonomy, and list the sources with their kind, schedule, URL
and scope. Every mistake in the config is listed at once, each as FILE:LINE: FIELD: MESSAGE.`},
	{name: "reindex", summary: "rebuild the search index and the timeline from the store",
		synopsis: []string{"reindex [--data DIR] [--db URL]"},
		about: `Rebuild the derived search index and the timeline's events from the store, the source of
truth. Use it after restoring a backup or removing the index. While serve runs on the data
directory, the server rebuilds its index and the command waits for it.`},
	{name: "verify", summary: "recheck every stored capture against its SHA-256, and the index against the store",
		synopsis: []string{"verify [--data DIR] [--db URL]"},
		about: `Recheck every capture's body against the SHA-256 recorded when it was fetched, that every
version is backed by a capture with its content hash, that every document is at its newest
version, and that the search index holds every document as stored (through the server when one
runs). Exits 1 naming each mismatch.`},
	{name: "backup", summary: "copy the store consistently, also while serving or crawling",
		synopsis: []string{"backup [--data DIR] [--db URL] DEST"},
		about: `Write a consistent copy of the store (SQLite VACUUM INTO) to DEST/policywatch.db, also while
serve or a crawl runs. The search index is not copied; to restore, copy the file into an empty
data directory and run "policywatch reindex --data DATA".`},
	{name: "worker", summary: "crawl from a PostgreSQL archive's shared frontier, beside other workers",
		synopsis: []string{"worker [--config FILE] [--db URL] [--name NAME] [--lease DURATION] [--allow-private]"},
		about: `Crawl from the shared frontier of a PostgreSQL archive until SIGTERM. Any number of workers on
any machines claim URLs one at a time and keep politeness per host together: one request in
flight per host, its next request no earlier than the end of the last plus its delay (robots.txt
Crawl-delay included), a 429 or 503 pausing the host for all, robots.txt fetched once. A claimed
URL is leased: a worker that dies loses it after --lease to another, and its late result is
refused. Runs are started by crawl or by a server's schedule. Every worker reads the same topic
config (docs/SCALING.md).`},
	{name: "migrate", summary: "copy the archive into PostgreSQL (or another file), checked table by table",
		synopsis: []string{"migrate [--data DIR] [--db URL] --to DEST"},
		about: `Copy the whole archive into DEST, an empty PostgreSQL database (postgres://user:password@host/dbname)
or a new SQLite file, in one transaction, keeping every id; then read every table back and compare
its row count and a digest of its rows with the source. Any difference fails the command. Servers
and workers then use the copy with --db DEST; a server's search index fills from it on first
start (docs/SCALING.md).`},
	{name: "export", group: true, summary: "export the archive in another format",
		about: `Export the archive in a format other tools read.`},
	{name: "export warc", summary: "write captures as WARC 1.1",
		synopsis: []string{"export warc [--data DIR] [--db URL] [--query Q] [--config FILE] FILE"},
		about: `Write every capture, or those of the documents --query finds, as WARC 1.1 request and
response records, and each withdrawal as the 404 or 410 response it was. --query is a search as
policywatch search runs it (the same language, index, glossary and vocabulary: it exports the
documents search lists, and refuses what search refuses); a query that finds nothing writes
nothing. A FILE ending in .gz is gzipped record by record. FILE must not exist. It works while
serve (which answers the query) or a crawl runs.`},
	{name: "import", group: true, summary: "import pages from another format",
		about: `Import pages captured by other tools into the archive.`},
	{name: "import warc", summary: "archive a WARC file's pages as if crawled",
		synopsis: []string{"import warc [--data DIR] [--db URL] [--config FILE] [--source NAME] [--all] FILE"},
		about: `Archive the HTML responses of a WARC file (ours, Heritrix, Browsertrix, ArchiveBox, wget)
through the crawl's extraction, relevance query and tagging, then index them; a 404 or 410
response withdraws the page. The data directory's archive is created if there is none, and the
log says so.`},
	{name: "extract", summary: "extract one HTML file (plain or .gz) as JSON",
		synopsis: []string{"extract [--url URL] FILE"},
		about:    `Run the crawler's extractor on one HTML file, plain or gzipped, and print what it found as JSON.`},
	{name: "user", group: true, summary: "manage the accounts of editors and admins",
		about: `Manage the accounts that sign in at /login: editors curate events, admins also manage users
and read the audit log. Only the store is opened, so these work while serve runs.`},
	{name: "user add", summary: "add an account that can sign in at /login",
		synopsis: []string{"user add [--data DIR] [--db URL] [--role editor|admin] NAME"},
		about: `Add an account. The password is read from the first line of stdin, or asked twice without
echo on a terminal. The data directory's archive is created if there is none, and the log says so.`},
	{name: "user passwd", summary: "change a password (ends that user's sessions)",
		synopsis: []string{"user passwd [--data DIR] [--db URL] NAME"},
		about:    `Change an account's password, read as for user add, and end that user's sessions.`},
	{name: "user list", summary: "list accounts",
		synopsis: []string{"user list [--data DIR] [--db URL]"},
		about:    `List the accounts with their role, creation date and status.`},
}

// docFor finds a command's documentation by name ("user add").
func docFor(name string) *cmdDoc {
	for i := range commands {
		if commands[i].name == name {
			return &commands[i]
		}
	}
	return nil
}

// subcommands lists a group's commands.
func subcommands(group string) []*cmdDoc {
	var out []*cmdDoc
	for i := range commands {
		if strings.HasPrefix(commands[i].name, group+" ") {
			out = append(out, &commands[i])
		}
	}
	return out
}

// topNames are the words that may follow "policywatch".
func topNames() []string {
	names := []string{"help"}
	for _, c := range commands {
		if !strings.Contains(c.name, " ") {
			names = append(names, c.name)
		}
	}
	return names
}

// commandOf names the documented command args start with: "user add" for
// user add --data x (and user --data x add), "user" for user bogus, nil
// for no command.
func commandOf(args []string) *cmdDoc {
	if len(args) == 0 {
		return nil
	}
	d := docFor(args[0])
	if d != nil && d.group {
		if rest := subcommandFirst(args[0], args[1:]); len(rest) > 0 {
			if sub := docFor(args[0] + " " + rest[0]); sub != nil {
				return sub
			}
		}
	}
	return d
}

// subcommandFirst moves a group's subcommand in front of the flags typed
// before it: `user --data DIR list` is `user list --data DIR`. The first
// word that is neither a flag nor a flag's value is the subcommand;
// whether a flag takes a value is read from the group's synopses. With no
// such word, or a "--" first, args come back as they are.
func subcommandFirst(group string, args []string) []string {
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			return args
		}
		name, isFlag := flagName(arg)
		if !isFlag {
			if i == 0 {
				return args
			}
			out := append([]string{arg}, args[:i]...)
			return append(out, args[i+1:]...)
		}
		if !strings.Contains(arg, "=") && groupFlagTakesValue(group, name) {
			i++ // its value
		}
	}
	return args
}

// groupFlagTakesValue reports whether --name, as one of group's
// subcommands documents it, is followed by a value ("[--data DIR]"),
// rather than standing alone ("[--all]").
func groupFlagTakesValue(group, name string) bool {
	flag := "--" + name
	for _, sub := range subcommands(group) {
		for _, s := range sub.synopsis {
			for rest := s; ; {
				k := strings.Index(rest, flag)
				if k < 0 {
					break
				}
				rest = rest[k+len(flag):]
				// "--data DIR" takes a value; "--all]", "--json |" and
				// "--data-dir" (another flag) do not count.
				if v, ok := strings.CutPrefix(rest, " "); ok && v != "" && !strings.ContainsAny(v[:1], "-[|") {
					return true
				}
			}
		}
	}
	return false
}

func isHelpFlag(arg string) bool { return arg == "-h" || arg == "-help" || arg == "--help" }

const usageWidth = 100

// writeUsage writes the top-level usage: every command with all its
// flags, so the list alone shows what can be typed.
func writeUsage(w io.Writer) {
	fmt.Fprint(w, "policywatch tracks and archives policy changes.\n\nusage: policywatch COMMAND [flags] [arguments]\n\nCommands:\n")
	for _, c := range commands {
		if c.group {
			continue
		}
		for _, s := range c.synopsis {
			fmt.Fprint(w, wrapSynopsis("  ", "policywatch "+s, strings.Repeat(" ", len("  policywatch "+c.name)+1)))
		}
		fmt.Fprintf(w, "      %s\n", c.summary)
	}
	fmt.Fprint(w, `  policywatch help [COMMAND]
      show this, or a command's usage and flags (also: policywatch COMMAND --help)

Flags may come before or after the arguments; -- ends them.
--config defaults to the shipped topic (China's national security law for Hong Kong);
--data defaults to $XDG_DATA_HOME/policywatch, else ~/.local/share/policywatch.
Commands that read an archive refuse a data directory that holds none.
--db URL (or database: in the topic config) puts the archive in PostgreSQL, shared by several
machines; the data directory then keeps only this node's search index (docs/SCALING.md).
`)
}

// writeHelp writes a command's usage: its forms, what it does, its flags
// (from its flag set, so none can be missing) or its subcommands.
func writeHelp(w io.Writer, d *cmdDoc, fs *flag.FlagSet) {
	writeForms(w, d)
	fmt.Fprintf(w, "\n%s\n", d.about)
	if d.group {
		fmt.Fprint(w, "\nCommands:\n")
		for _, s := range subcommands(d.name) {
			fmt.Fprintf(w, "  %-8s %s\n", strings.TrimPrefix(s.name, d.name+" "), s.summary)
		}
		fmt.Fprintf(w, "\nRun \"policywatch help %s COMMAND\" for a command's flags.\n", d.name)
		return
	}
	if fs == nil {
		return
	}
	fmt.Fprint(w, "\nFlags:\n")
	fs.VisitAll(func(f *flag.Flag) {
		value, usage := flag.UnquoteUsage(f)
		head := "  --" + f.Name
		if !isBoolFlag(f) && value != "" {
			head += " " + value
		}
		if d := f.DefValue; d != "" && d != "0" && d != "false" && !strings.Contains(usage, "(default") {
			usage += fmt.Sprintf(" (default %s)", d)
		}
		fmt.Fprintf(w, "%s\n%s", head, wrapWords(usage, "      ", usageWidth))
	})
}

// writeForms writes "usage: policywatch FORM" for each form of a command
// (of each subcommand, for a group).
func writeForms(w io.Writer, d *cmdDoc) {
	forms := d.synopsis
	if d.group {
		for _, s := range subcommands(d.name) {
			forms = append(forms, s.synopsis...)
		}
	}
	for i, s := range forms {
		lead := "usage: "
		if i > 0 {
			lead = "   or: "
		}
		fmt.Fprint(w, wrapSynopsis(lead, "policywatch "+s, strings.Repeat(" ", len(lead+"policywatch "+d.name)+1)))
	}
}

// wrapSynopsis writes lead and a synopsis, broken between its
// [bracketed] groups (never inside one) with continuation lines at indent.
func wrapSynopsis(lead, s, indent string) string {
	var tokens []string
	depth, start := 0, 0
	for i, r := range s {
		switch r {
		case '[':
			depth++
		case ']':
			depth--
		case ' ':
			if depth == 0 {
				tokens = append(tokens, s[start:i])
				start = i + 1
			}
		}
	}
	tokens = append(tokens, s[start:])
	var b strings.Builder
	line := lead + tokens[0]
	for _, t := range tokens[1:] {
		if len(line)+1+len(t) > usageWidth {
			b.WriteString(line + "\n")
			line = indent + t
			continue
		}
		line += " " + t
	}
	b.WriteString(line + "\n")
	return b.String()
}

// wrapWords fills text into lines of at most width, each after indent.
func wrapWords(text, indent string, width int) string {
	var b strings.Builder
	line := indent
	for _, word := range strings.Fields(text) {
		if line != indent && len(line)+1+len(word) > width {
			b.WriteString(line + "\n")
			line = indent
		}
		if line != indent {
			line += " "
		}
		line += word
	}
	b.WriteString(line + "\n")
	return b.String()
}

func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// parseArgs parses a command's arguments: flags wherever they stand, the
// rest (fs.Args afterwards) in order; everything after "--" is an argument.
// -h, -help and --help print the command's usage to stdout and return
// flag.ErrHelp, which run turns into success. An unknown flag is a
// usageError naming it, with the nearest flag the command has.
func parseArgs(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	var positional []string
	for len(args) > 0 {
		arg := args[0]
		if arg == "--" {
			positional = append(positional, args[1:]...)
			break
		}
		name, isFlag := flagName(arg)
		if !isFlag {
			positional = append(positional, arg)
			args = args[1:]
			continue
		}
		f := fs.Lookup(name)
		if f == nil {
			if name == "h" || name == "help" {
				d := docFor(fs.Name())
				if d == nil {
					return fmt.Errorf("no documentation for command %q", fs.Name()) // a bug: commands lacks it
				}
				writeHelp(stdout, d, fs)
				return flag.ErrHelp
			}
			return usageError{unknownFlag(fs, arg, name)}
		}
		n := 1 // the flag, and its value when it takes one and has no "="
		if !isBoolFlag(f) && !strings.Contains(arg, "=") && len(args) > 1 {
			n = 2
		}
		if err := fs.Parse(args[:n]); err != nil {
			msg := strings.Replace(err.Error(), "-"+name, "--"+name, 1)
			return usageError{fmt.Sprintf("%s: %s", fs.Name(), msg)}
		}
		args = args[n:]
	}
	// Parse the arguments once more after "--", so fs.Args returns them.
	return fs.Parse(append([]string{"--"}, positional...))
}

// flagName reads a flag's name from -name, --name or --name=value. A lone
// "-" is an argument (it often means stdin).
func flagName(arg string) (string, bool) {
	if len(arg) < 2 || arg[0] != '-' {
		return "", false
	}
	name, _, _ := strings.Cut(strings.TrimPrefix(arg[1:], "-"), "=")
	return name, true
}

func unknownFlag(fs *flag.FlagSet, arg, name string) string {
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	flagOnly, _, _ := strings.Cut(arg, "=")
	msg := fmt.Sprintf("%s: unknown flag %s", fs.Name(), flagOnly)
	if near := suggest.Nearest(name, names); near != "" {
		return msg + fmt.Sprintf(" (did you mean --%s?)", near)
	}
	return msg + fmt.Sprintf(` (an argument that starts with "-" goes after --, as in: policywatch %s -- %s)`, fs.Name(), arg)
}

// noArgs refuses arguments a command does not take: ignored, they would
// let a mistyped line run as something else.
func noArgs(fs *flag.FlagSet) error {
	if fs.NArg() == 0 {
		return nil
	}
	msg := fmt.Sprintf("%s takes no arguments, got %q", fs.Name(), fs.Arg(0))
	if v := strings.ToLower(fs.Arg(0)); v == "true" || v == "false" {
		msg += " (a true/false flag takes its value after =, as in --schedule=false)"
	}
	return usageError{msg}
}

// dataFlag and configFlag define the flags most commands share, with one
// wording.
func dataFlag(fs *flag.FlagSet) *string {
	return fs.String("data", defaultDataDir(), "`DIR` holding the archive (default $XDG_DATA_HOME/policywatch, else ~/.local/share/policywatch)")
}

func configFlag(fs *flag.FlagSet, use string) *string {
	return fs.String("config", "", "topic config `FILE` "+use+" (default: the shipped topic)")
}

// cmdHelp answers `policywatch help [COMMAND [SUBCOMMAND]]`. A command
// prints its own help (runHelp runs it with --help), since its flag set is
// defined where it runs.
func cmdHelp(names []string, stdout io.Writer, runHelp func(args []string) error) error {
	if len(names) == 0 {
		writeUsage(stdout)
		return nil
	}
	if len(names) == 1 && (names[0] == "help" || isHelpFlag(names[0])) {
		// help's own usage: policywatch help --help, help help.
		fmt.Fprint(stdout, helpAbout)
		return nil
	}
	name := strings.Join(names, " ")
	d := docFor(name)
	if d == nil {
		return unknownCommand(name)
	}
	if d.group {
		writeHelp(stdout, d, nil)
		return nil
	}
	return runHelp(append(strings.Fields(d.name), "--help"))
}

const helpAbout = `usage: policywatch help [COMMAND [SUBCOMMAND]]

Show the commands with all their flags, or one command's usage, what it does and its flags
(the same as policywatch COMMAND --help).
`

func subNames(group string) []string {
	var names []string
	for _, s := range subcommands(group) {
		names = append(names, strings.TrimPrefix(s.name, group+" "))
	}
	return names
}

// unknownCommand names the nearest command, as git does.
func unknownCommand(name string) error {
	words := strings.Fields(name)
	var candidates []string
	if len(words) > 1 {
		candidates = subNames(words[0])
	} else {
		candidates = topNames()
	}
	msg := fmt.Sprintf("unknown command %q", name)
	last := words[len(words)-1]
	if near := suggest.Nearest(last, candidates); near != "" {
		msg += fmt.Sprintf(" (did you mean %s?)", strings.Join(append(words[:len(words)-1:len(words)-1], near), " "))
	} else if len(words) > 1 {
		msg += fmt.Sprintf(" (%s has %s)", words[0], orList(candidates))
	}
	return usageError{msg}
}

func orList(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

// exitCode reports err as main prints it: nothing for success and help,
// the message and the command's forms for a usage mistake (2), the
// message alone otherwise (1).
func exitCode(err error, args []string, stderr io.Writer) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	var ue usageError
	if !errors.As(err, &ue) {
		fmt.Fprintf(stderr, "policywatch: %v\n", err)
		return 1
	}
	fmt.Fprintf(stderr, "policywatch: %v\n", err)
	if len(args) == 0 {
		fmt.Fprintln(stderr)
		writeUsage(stderr)
		return 2
	}
	d := commandOf(args)
	if d == nil {
		fmt.Fprint(stderr, "Run \"policywatch help\" for the commands.\n")
		return 2
	}
	fmt.Fprintln(stderr)
	writeForms(stderr, d)
	fmt.Fprintf(stderr, "Run \"policywatch help %s\" for more.\n", d.name)
	return 2
}
