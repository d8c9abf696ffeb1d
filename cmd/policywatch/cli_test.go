package main

// The command line as a user meets it: the built binary run as a
// subprocess, with its exit status, stdout and stderr. HOME and
// XDG_DATA_HOME point into the test's own directory, so the default data
// directory is the test's and any archive created there by mistake is seen.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"policywatch/model"
	"policywatch/topic"
)

var updateREADME = flag.Bool("update", false, "rewrite the README's generated command reference")

var (
	cliOnce sync.Once
	cliDir  string // holds the binary; removed by TestMain
	cliBin  string
	cliErr  error
)

// cliBinary builds policywatch once for all the tests that run it.
func cliBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the policywatch binary")
	}
	cliOnce.Do(func() {
		if cliDir, cliErr = os.MkdirTemp("", "policywatch-cli-test-"); cliErr != nil {
			return
		}
		cliBin = filepath.Join(cliDir, "policywatch")
		if out, err := exec.Command("go", "build", "-o", cliBin, ".").CombinedOutput(); err != nil {
			cliErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if cliErr != nil {
		t.Fatal(cliErr)
	}
	return cliBin
}

// cli runs the binary in a sandbox: a home and data home of its own.
type cli struct {
	t     *testing.T
	bin   string
	home  string // HOME and XDG_DATA_HOME
	env   []string
	stdin string
}

type cliResult struct {
	stdout, stderr string
	code           int
}

func newCLI(t *testing.T) *cli {
	home := t.TempDir()
	c := &cli{t: t, bin: cliBinary(t), home: home}
	c.env = append(os.Environ(), "HOME="+home, "XDG_DATA_HOME="+home, "TMPDIR="+t.TempDir())
	return c
}

// defaultData is the data directory the binary uses without --data.
func (c *cli) defaultData() string { return filepath.Join(c.home, "policywatch") }

func (c *cli) run(args ...string) cliResult {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.bin, args...)
	cmd.Env = c.env
	cmd.Stdin = strings.NewReader(c.stdin)
	var out, errs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errs
	err := cmd.Run()
	r := cliResult{stdout: out.String(), stderr: errs.String()}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	case err != nil:
		c.t.Fatalf("policywatch %s: %v", strings.Join(args, " "), err)
	}
	return r
}

// ok runs args and fails the test unless they succeed.
func (c *cli) ok(args ...string) cliResult {
	c.t.Helper()
	r := c.run(args...)
	if r.code != 0 {
		c.t.Fatalf("policywatch %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r
}

// emptyArchive is a data directory holding an archive with no documents.
func emptyArchive(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	a, err := openApp(context.Background(), dir, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// TestCLIFlagsAnywhere: flags after the arguments are flags, not search
// words; -- ends them; a stray or mistyped flag is an error naming it.
func TestCLIFlagsAnywhere(t *testing.T) {
	c := newCLI(t)
	a, dir := searchApp(t)
	a.Close()

	type result struct {
		Query string `json:"query"`
		Total int    `json:"total"`
	}
	search := func(args ...string) result {
		t.Helper()
		var res result
		r := c.ok(append([]string{"search"}, args...)...)
		if err := json.Unmarshal([]byte(r.stdout), &res); err != nil {
			t.Fatalf("search %v: %v\n%s", args, err, r.stdout)
		}
		return res
	}
	before := search("--data", dir, "--json", "visa*")
	after := search("visa*", "--data", dir, "--json")
	between := search("--json", "visa*", "--data="+dir)
	if before.Total != 2 || after != before || between != before {
		t.Errorf("flags before the query found %+v; after it %+v; around it %+v (want 2 matches each time)", before, after, between)
	}
	if exists(c.defaultData()) {
		t.Errorf("a search given --data created the default data directory %s", c.defaultData())
	}

	// -- ends the flags: what follows is the query, dashes and all.
	if got := search("--json", "--data", dir, "--", "sanctions", "-officials"); got.Query != "sanctions -officials" || got.Total != 1 {
		t.Errorf("search -- sanctions -officials = %+v, want the query %q with 1 match", got, "sanctions -officials")
	}
	if got := search("--data", dir, "--json", "--", "--csv"); got.Query != "--csv" {
		t.Errorf("after --, --csv was read as %+v, want it as the query", got)
	}

	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"search", "--data", dir, "sanctions", "-officials"}, []string{"unknown flag -officials", "after --"}},
		{[]string{"search", "--datta", dir, "visa"}, []string{"unknown flag --datta", "did you mean --data?"}},
		{[]string{"search", "visa", "--data"}, []string{"flag needs an argument: --data"}},
		{[]string{"search", "--limit", "many", "--data", dir}, []string{`invalid value "many" for flag --limit`}},
		{[]string{"runs", "--data", dir, "extra"}, []string{`runs takes no arguments, got "extra"`}},
		{[]string{"serve", "--data", dir, "--schedule", "false"}, []string{`takes no arguments, got "false"`, "--schedule=false"}},
		{[]string{"--data", dir, "search", "visa"}, []string{"flags follow it"}},
		{[]string{"serach", "visa"}, []string{`unknown command "serach" (did you mean search?)`}},
		{[]string{"user", "remove", "bob"}, []string{`unknown command "user remove"`, "add, passwd or list"}},
	} {
		r := c.run(tc.args...)
		if r.code != 2 || r.stdout != "" {
			t.Errorf("policywatch %s: exit %d, stdout %q; want exit 2 and nothing on stdout", strings.Join(tc.args, " "), r.code, r.stdout)
		}
		for _, w := range tc.want {
			if !strings.Contains(r.stderr, w) {
				t.Errorf("policywatch %s: stderr does not say %q:\n%s", strings.Join(tc.args, " "), w, r.stderr)
			}
		}
	}

	// Arguments before flags, for commands that take them.
	dest := filepath.Join(t.TempDir(), "bk")
	c.ok("backup", dest, "--data", dir)
	if !exists(filepath.Join(dest, storeFile)) {
		t.Errorf("backup DEST --data DIR wrote no %s in DEST", storeFile)
	}

	// Flags between a command and its subcommand.
	warcFile := filepath.Join(t.TempDir(), "all.warc")
	if r := c.ok("export", "--data", dir, "warc", warcFile); !strings.Contains(r.stdout, "3 captures of 3 documents") {
		t.Errorf("export --data DIR warc FILE: %s", r.stdout)
	}
	if r := c.ok("user", "--data="+dir, "list"); !strings.Contains(r.stdout, "no users yet") {
		t.Errorf("user --data=DIR list: %s", r.stdout)
	}
	page := filepath.Join(t.TempDir(), "page.warc")
	if err := os.WriteFile(page, []byte(warcRecord("https://www.gov.example/flowers", "2021-03-12T10:00:00Z",
		htmlResponse(articlePage("Flower show opens", "The annual flower show opens this weekend with tulips and daffodils.")))), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := c.ok("import", "--all", "--data", t.TempDir(), "warc", page); !strings.Contains(r.stdout, "stored 1,") {
		t.Errorf("import --all --data DIR warc FILE (a boolean flag, then one with a value): %s", r.stdout)
	}
	if r := c.run("user", "--data", dir); r.code != 2 || !strings.Contains(r.stderr, "user: want a command: add, passwd or list") {
		t.Errorf("user --data DIR: exit %d, %s", r.code, r.stderr)
	}
}

// TestCLIRefusesDataDirWithoutArchive: commands that read an archive
// refuse a data directory that holds none, naming it, and create nothing
// there; commands that create one say so.
func TestCLIRefusesDataDirWithoutArchive(t *testing.T) {
	c := newCLI(t)
	c.stdin = "a long enough password\n"
	base := t.TempDir()
	missing := filepath.Join(base, "typo")
	empty := t.TempDir()
	out := filepath.Join(base, "out")
	readers := [][]string{
		{"search", "visa"}, {"search", "--list-saved"}, {"search", "--save", "v", "visa"},
		{"runs"}, {"verify"}, {"reindex"}, {"backup", out}, {"export", "warc", out + ".warc"},
		{"user", "list"}, {"user", "passwd", "alice"}, {"serve", "--addr", "127.0.0.1:0"},
	}
	for _, dir := range []string{missing, empty} {
		for _, args := range readers {
			r := c.run(append(args, "--data", dir)...)
			line := "policywatch " + strings.Join(args, " ") + " --data " + dir
			if r.code != 1 || !strings.Contains(r.stderr, "no policywatch archive in "+dir) {
				t.Errorf("%s: exit %d, stderr %q; want exit 1 naming the directory", line, r.code, r.stderr)
			}
			if r.stdout != "" {
				t.Errorf("%s printed %q", line, r.stdout)
			}
		}
	}
	if exists(missing) || exists(out) || exists(out+".warc") {
		t.Error("a refused command created its data directory or its output")
	}
	if entries, _ := os.ReadDir(empty); len(entries) > 0 {
		t.Errorf("refused commands wrote into the empty directory: %v", entries)
	}

	// Without --data: the default directory, named as such.
	r := c.run("runs")
	if r.code != 1 || !strings.Contains(r.stderr, c.defaultData()) || !strings.Contains(r.stderr, "default data directory") {
		t.Errorf("runs without an archive in the default directory: exit %d, %q", r.code, r.stderr)
	}
	if exists(c.defaultData()) {
		t.Errorf("runs created the default data directory")
	}

	// A file is not a data directory.
	file := filepath.Join(base, "file")
	os.WriteFile(file, []byte("x"), 0o644)
	if r := c.run("runs", "--data", file); r.code != 1 || !strings.Contains(r.stderr, file+" is a file, not a directory") {
		t.Errorf("runs --data FILE: exit %d, %q", r.code, r.stderr)
	}

	// Commands that create an archive say so, once.
	created := filepath.Join(base, "new")
	r = c.ok("user", "add", "--data", created, "alice")
	if !strings.Contains(r.stderr, "creating one") || !strings.Contains(r.stderr, created) || !exists(filepath.Join(created, storeFile)) {
		t.Errorf("user add into a new directory: stderr %q, archive there: %v", r.stderr, exists(filepath.Join(created, storeFile)))
	}
	c.stdin = "another long password\n"
	if r := c.ok("user", "add", "--data", created, "bob"); strings.Contains(r.stderr, "creating") {
		t.Errorf("user add into an existing archive says %q", r.stderr)
	}
	if r := c.ok("user", "list", "--data", created); !strings.Contains(r.stdout, "alice") {
		t.Errorf("user list: %q", r.stdout)
	}
	// The name and the role are judged before a password is read: what
	// is wrong with them is said first, and never after typing one twice.
	c.stdin = "short\n"
	if r := c.run("user", "add", "--data", created, "alice"); r.code != 1 || !strings.Contains(r.stderr, "alice already exists") || strings.Contains(r.stderr, "password") && !strings.Contains(r.stderr, "user passwd") {
		t.Errorf("user add of a taken name with a short password: exit %d, %q; want the name refused", r.code, r.stderr)
	}
	c.stdin = ""
	if r := c.run("user", "add", "--data", created, "--role", "boss", "carol"); r.code != 2 || !strings.Contains(r.stderr, `not "boss"`) {
		t.Errorf("user add --role boss with no password given: exit %d, %q; want the role refused", r.code, r.stderr)
	}
	if r := c.run("user", "passwd", "--data", created, "nobody"); r.code != 1 || !strings.Contains(r.stderr, "there is no user nobody") {
		t.Errorf("user passwd of an unknown user with no password given: exit %d, %q", r.code, r.stderr)
	}

	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	cfg := filepath.Join(base, "topic.yaml")
	os.WriteFile(cfg, []byte(fmt.Sprintf("topic:\n  name: t\n  query: hong\ncrawler:\n  user_agent: \"t/1 (+mailto:t@example.org)\"\n  delay: 1ms\nsources:\n  - name: s\n    kind: feed\n    doc_kind: news\n    url: %s/feed.xml\n", srv.URL)), 0o644)
	crawled := filepath.Join(base, "crawled")
	r = c.run("crawl", "--allow-private", "--config", cfg, "--data", crawled)
	if !strings.Contains(r.stderr, "creating one") || !strings.Contains(r.stderr, crawled) || !exists(filepath.Join(crawled, storeFile)) {
		t.Errorf("crawl into a new directory (exit %d): stderr %q", r.code, r.stderr)
	}
	if r := c.ok("runs", "--data", crawled); !strings.Contains(r.stdout, "run 1") {
		t.Errorf("runs after the crawl: %q", r.stdout)
	}
}

// helpNames is every command and group the usage documents.
func helpNames() []string {
	var names []string
	for _, c := range commands {
		names = append(names, c.name)
	}
	return names
}

// TestCLIHelp: help X, X --help and X -h print X's own usage on stdout
// and succeed, for every command, group and subcommand; asking for help
// runs nothing.
func TestCLIHelp(t *testing.T) {
	c := newCLI(t)
	top := c.ok("help").stdout
	for _, alt := range [][]string{{"--help"}, {"-h"}} {
		if got := c.ok(alt...).stdout; got != top {
			t.Errorf("policywatch %s differs from policywatch help", alt[0])
		}
	}
	if r := c.run(); r.code != 2 || !strings.Contains(r.stderr, "usage: policywatch COMMAND") {
		t.Errorf("policywatch alone: exit %d, stderr %q", r.code, r.stderr)
	}
	// help's own usage.
	for _, alt := range [][]string{{"help", "--help"}, {"help", "-h"}, {"help", "help"}} {
		if r := c.run(alt...); r.code != 0 || !strings.HasPrefix(r.stdout, "usage: policywatch help [COMMAND") || r.stderr != "" {
			t.Errorf("policywatch %s: exit %d, stdout %q, stderr %q; want help's usage", strings.Join(alt, " "), r.code, r.stdout, r.stderr)
		}
	}
	for _, name := range helpNames() {
		words := strings.Fields(name)
		r := c.ok(append([]string{"help"}, words...)...)
		if r.stderr != "" {
			t.Errorf("help %s wrote to stderr: %q", name, r.stderr)
		}
		d := docFor(name)
		if !strings.HasPrefix(r.stdout, "usage: policywatch "+name+" ") || !strings.Contains(r.stdout, strings.Fields(d.about)[0]) {
			t.Errorf("help %s does not start with its usage and explain it:\n%s", name, r.stdout)
		}
		if d.group {
			for _, s := range subcommands(name) {
				if !strings.Contains(r.stdout, "usage: policywatch "+s.name) && !strings.Contains(r.stdout, "or: policywatch "+s.name) {
					t.Errorf("help %s does not show %s", name, s.name)
				}
			}
		} else if !strings.Contains(r.stdout, "\nFlags:\n") {
			t.Errorf("help %s lists no flags:\n%s", name, r.stdout)
		}
		if !strings.Contains(top, "policywatch "+name+" ") && !d.group {
			t.Errorf("policywatch help does not list %s", name)
		}
		alts := [][]string{append(slices.Clone(words), "--help"), append(slices.Clone(words), "-h"),
			append(slices.Clone(words), "visa", "--help")}
		if d.group {
			alts = append(alts, append(slices.Clone(words), "help"))
		} else if len(words) == 2 {
			alts = append(alts, []string{words[0], "help", words[1]})
		}
		for _, alt := range alts {
			if d.group && alt[len(alt)-2] == "visa" {
				continue
			}
			if got := c.ok(alt...).stdout; got != r.stdout {
				t.Errorf("policywatch %s differs from policywatch help %s:\n%s", strings.Join(alt, " "), name, got)
			}
		}
	}
	if exists(c.defaultData()) {
		t.Error("asking for help created the default data directory: a command ran")
	}
	if r := c.run("help", "serch"); r.code != 2 || !strings.Contains(r.stderr, "did you mean search?") {
		t.Errorf("help serch: exit %d, %q", r.code, r.stderr)
	}
}

// flagsIn reads the flags a command's help lists under "Flags:", which
// the help writes from the command's flag set.
func flagsIn(help string) []string {
	_, list, _ := strings.Cut(help, "\nFlags:\n")
	var flags []string
	for _, line := range strings.Split(list, "\n") {
		if name, ok := strings.CutPrefix(line, "  --"); ok {
			flags = append(flags, "--"+strings.Fields(name)[0])
		}
	}
	return flags
}

// usageEntries returns the top-level usage's lines for a command.
func usageEntries(top, name string) string {
	var b strings.Builder
	in := false
	for _, line := range strings.Split(top, "\n") {
		if strings.HasPrefix(line, "  policywatch ") {
			in = strings.HasPrefix(line, "  policywatch "+name+" ")
		}
		if in {
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

// TestCLIEveryFlagDocumented: every flag a command accepts is in its
// forms in the top-level usage and in its own usage lines, and the README
// documents it under the command.
func TestCLIEveryFlagDocumented(t *testing.T) {
	c := newCLI(t)
	top := c.ok("help").stdout
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range commands {
		if d.group {
			continue
		}
		help := c.ok("help", d.name).stdout
		usage, _, _ := strings.Cut(help, "\n\n")
		flags := flagsIn(help)
		if len(flags) == 0 {
			t.Errorf("help %s lists no flags", d.name)
		}
		section := readmeSection(string(readme), d.name)
		for _, f := range flags {
			if !strings.Contains(usageEntries(top, d.name), f) {
				t.Errorf("policywatch help: %s's forms lack %s", d.name, f)
			}
			if !strings.Contains(usage, f) {
				t.Errorf("help %s: its usage lines lack %s", d.name, f)
			}
			if !strings.Contains(section, f) {
				t.Errorf("README: the section on %s lacks %s", d.name, f)
			}
		}
	}
}

// readmeSection is the README's part on one command, from its heading to
// the next.
func readmeSection(readme, name string) string {
	_, rest, ok := strings.Cut(readme, "\n#### `policywatch "+name+"`\n")
	if !ok {
		return ""
	}
	if i := strings.Index(rest, "\n#"); i >= 0 {
		rest = rest[:i]
	}
	return rest
}

const (
	referenceStart = "<!-- command reference: generated from `policywatch help`; update with go test ./cmd/policywatch -run TestREADMECommandReference -update -->\n"
	referenceEnd   = "<!-- end of the command reference -->\n"
)

// TestREADMECommandReference: the README's command reference is the
// binary's own help, so it documents every command and flag as built.
func TestREADMECommandReference(t *testing.T) {
	c := newCLI(t)
	var b strings.Builder
	b.WriteString(referenceStart + "\n```\n" + c.ok("help").stdout + "```\n")
	for _, d := range commands {
		fmt.Fprintf(&b, "\n#### `policywatch %s`\n\n```\n%s```\n", d.name, c.ok("help", d.name).stdout)
	}
	b.WriteString("\n" + referenceEnd)
	want := b.String()
	// The usage shows the default data directory as a rule, not as this
	// machine's path.
	if strings.Contains(want, c.home) {
		t.Fatalf("the help shows this machine's paths:\n%s", want)
	}

	const path = "../../README.md"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	start, end := strings.Index(readme, referenceStart), strings.Index(readme, referenceEnd)
	if start < 0 || end < start {
		t.Fatalf("README.md lacks the command reference markers %q … %q", referenceStart, referenceEnd)
	}
	got := readme[start : end+len(referenceEnd)]
	if got == want {
		return
	}
	if *updateREADME {
		if err := os.WriteFile(path, []byte(readme[:start]+want+readme[end+len(referenceEnd):]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md's command reference is not the binary's help; rerun with -update.\nfirst difference at: %q",
		firstDifference(got, want))
}

func firstDifference(a, b string) string {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return a[max(0, i-40):min(len(a), i+40)]
		}
	}
	return a[min(len(a), len(b)):]
}

// TestDemoChecksItsPortBeforeCrawling: a taken address is reported at
// once, before anything is crawled or created.
func TestDemoChecksItsPortBeforeCrawling(t *testing.T) {
	c := newCLI(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	addr := ln.Addr().String()
	data := filepath.Join(t.TempDir(), "demo")
	for _, args := range [][]string{{"demo", "--addr", addr, "--data", data}, {"demo", "--addr", addr}} {
		r := c.run(args...)
		if r.code != 1 || !strings.Contains(r.stderr, "listen on "+addr) {
			t.Errorf("%v with the port taken: exit %d, stderr %q", args, r.code, r.stderr)
		}
		if strings.Contains(r.stdout, "crawl run") || strings.Contains(r.stdout, "demo web:") {
			t.Errorf("%v started the demo before finding its port taken:\n%s", args, r.stdout)
		}
	}
	if exists(data) {
		t.Error("demo created its data directory before finding its port taken")
	}
	if left := demoTempDirs(t, c); len(left) > 0 {
		t.Errorf("demo left %v behind", left)
	}
}

// demoTempDirs lists the demo's temporary directories in the sandbox's
// TMPDIR.
func demoTempDirs(t *testing.T, c *cli) []string {
	t.Helper()
	var tmp string
	for _, e := range c.env {
		if v, ok := strings.CutPrefix(e, "TMPDIR="); ok {
			tmp = v
		}
	}
	m, err := filepath.Glob(filepath.Join(tmp, "policywatch-demo-*"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestDemoRemovesItsTemporaryDirectory: the demo's archive goes when the
// demo ends (Ctrl-C while serving, or --once), unless --data keeps it.
func TestDemoRemovesItsTemporaryDirectory(t *testing.T) {
	c := newCLI(t)
	cmd := exec.Command(c.bin, "demo", "--addr", "127.0.0.1:0")
	cmd.Env = c.env
	stdout := &lockedBuffer{}
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	serving := regexp.MustCompile(`policywatch is serving (\S+) at `)
	var dir string
	for deadline := time.Now().Add(90 * time.Second); dir == ""; time.Sleep(50 * time.Millisecond) {
		if m := serving.FindStringSubmatch(stdout.String()); m != nil {
			dir = m[1]
		} else if time.Now().After(deadline) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("demo did not start serving:\n%s\n%s", stdout.String(), stderr.String())
		}
	}
	if !exists(filepath.Join(dir, storeFile)) || !slices.Contains(demoTempDirs(t, c), dir) {
		t.Fatalf("demo serves %s, not an archive in a temporary directory", dir)
	}
	if !strings.Contains(stdout.String(), "temporary: removed on exit") {
		t.Errorf("demo does not say its data directory is temporary:\n%s", stdout.String())
	}
	cmd.Process.Signal(os.Interrupt)
	if err := cmd.Wait(); err != nil {
		t.Errorf("demo after Ctrl-C: %v\n%s", err, stderr.String())
	}
	if exists(dir) {
		t.Errorf("demo left its temporary directory %s behind", dir)
	}

	c.ok("demo", "--once")
	if left := demoTempDirs(t, c); len(left) > 0 {
		t.Errorf("demo --once left %v behind", left)
	}

	kept := filepath.Join(t.TempDir(), "kept")
	r := c.ok("demo", "--once", "--data", kept)
	if !exists(filepath.Join(kept, storeFile)) || !strings.Contains(r.stderr, "creating one") {
		t.Errorf("demo --once --data: archive kept %v, stderr %q", exists(filepath.Join(kept, storeFile)), r.stderr)
	}
	if r := c.ok("runs", "--data", kept); !strings.Contains(r.stdout, "run 1") {
		t.Errorf("runs on the kept demo archive: %q", r.stdout)
	}
}

// TestConfigErrorsOnTheCommandLine: a config with several mistakes gets
// them all, one per line as FILE:LINE: FIELD: MESSAGE, with the nearest
// valid key for a misspelt one, and no Go internals; nothing is created.
func TestConfigErrorsOnTheCommandLine(t *testing.T) {
	c := newCLI(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "mine.yaml")
	os.WriteFile(cfg, []byte(`topic:
  name: t
  query: hong
crawler:
  user_agent: "t/1 (+mailto:t@example.org)"
  dealy: 2s
sources:
  - name: a
    kind: fed
    doc_kind: news
    url: https://example.org/feed.xml
    schedule: every hour
`), 0o644)
	want := cfg + ":6: crawler.dealy: unknown field (did you mean delay?)\n" +
		cfg + `:9: sources[0].kind: unknown kind "fed" (did you mean feed? want feed, sitemap, seed, federalregister, gdelt, wayback or govuk)` + "\n" +
		cfg + `:12: sources[0].schedule: invalid schedule "every hour"`
	data := filepath.Join(dir, "data")
	for _, args := range [][]string{{"sources", "--config", cfg}, {"crawl", "--config", cfg, "--data", data}, {"serve", "--config", cfg, "--data", data}} {
		r := c.run(args...)
		if r.code != 1 || !strings.Contains(r.stderr, want) {
			t.Errorf("%v: exit %d, stderr:\n%s\nwant:\n%s", args, r.code, r.stderr, want)
		}
		if strings.Contains(r.stderr, "struct") || strings.Contains(r.stderr, "not found in type") {
			t.Errorf("%v: the error speaks Go:\n%s", args, r.stderr)
		}
	}
	if exists(data) {
		t.Error("a command with a broken config created its data directory")
	}
}

// TestScheduleFormsAreListedAndAccepted: the schedule error lists every
// form, README documents them, and a config using each validates and is
// scheduled by the same parser serve runs.
func TestScheduleFormsAreListedAndAccepted(t *testing.T) {
	c := newCLI(t)
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("topic:\n  name: t\n  query: hong\ncrawler:\n  user_agent: \"t/1 (+mailto:t@example.org)\"\nsources:\n")
	for i, spec := range topic.ScheduleExamples {
		fmt.Fprintf(&b, "  - name: s%d\n    kind: feed\n    doc_kind: news\n    url: https://example.org/%d.xml\n    schedule: %q\n", i, i, spec)
	}
	cfg := filepath.Join(dir, "t.yaml")
	os.WriteFile(cfg, []byte(b.String()), 0o644)
	out := c.ok("sources", "--config", cfg).stdout
	for _, spec := range topic.ScheduleExamples {
		if !strings.Contains(out, spec) {
			t.Errorf("sources does not list the schedule %q:\n%s", spec, out)
		}
	}

	os.WriteFile(cfg, []byte(strings.Replace(b.String(), `"@hourly"`, `"weekly"`, 1)), 0o644)
	r := c.run("sources", "--config", cfg)
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, form := range []string{"@hourly", "@daily", "@midnight", "@weekly", "@monthly", "@yearly", "@annually", "@every", "CRON_TZ="} {
		if !strings.Contains(r.stderr, form) {
			t.Errorf("the schedule error does not list %s:\n%s", form, r.stderr)
		}
		if !strings.Contains(string(readme), form) {
			t.Errorf("README does not document the schedule form %s", form)
		}
	}

	// serve's scheduler (gocron) takes every form topic accepts.
	var sources []model.Source
	for _, spec := range topic.ScheduleExamples {
		sources = append(sources, model.Source{Name: spec, Schedule: spec})
	}
	s, err := newScheduler(sources, func(context.Context, []model.Source) error { return nil }, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("the scheduler refuses a documented form: %v", err)
	}
	s.cron.Shutdown()
}

// TestServeWithScheduleCreatesItsArchive: serve --config fills a new
// archive on schedule, so it may create one, and says so.
func TestServeWithScheduleCreatesItsArchive(t *testing.T) {
	c := newCLI(t)
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "topic.yaml")
	// Due once a year: the test ends long before, and the source is local
	// should it come due.
	os.WriteFile(cfg, []byte(fmt.Sprintf("topic:\n  name: t\n  query: hong\ncrawler:\n  user_agent: \"t/1 (+mailto:t@example.org)\"\nsources:\n  - name: s\n    kind: feed\n    doc_kind: news\n    url: %s/feed.xml\n    schedule: \"@yearly\"\n", srv.URL)), 0o644)
	data := filepath.Join(dir, "new")
	cmd := exec.Command(c.bin, "serve", "--allow-private", "--config", cfg, "--data", data, "--addr", "127.0.0.1:0")
	cmd.Env = c.env
	stdout, stderr := &lockedBuffer{}, &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(60 * time.Second); !strings.Contains(stdout.String(), "policywatch is serving"); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("serve did not start:\n%s\n%s", stdout.String(), stderr.String())
		}
	}
	cmd.Process.Signal(syscall.SIGTERM)
	cmd.Wait()
	if !strings.Contains(stderr.String(), "creating one") || !exists(filepath.Join(data, storeFile)) {
		t.Errorf("serve --config into a new directory: stderr %q", stderr.String())
	}
}
