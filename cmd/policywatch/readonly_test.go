package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"policywatch/model"
)

// TestReadOnlyDataDirectory runs the real binary on an archive whose
// directory it may not write (as an unprivileged user when the test runs
// as root, whom permissions do not stop): verify, backup, export, search
// and runs work; every command that writes says the directory is
// read-only, instead of SQLite's "unable to open database file".
func TestReadOnlyDataDirectory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the policywatch binary")
	}
	tmp := t.TempDir()
	bin := buildPolicywatch(t, tmp)
	data := filepath.Join(tmp, "data")
	ctx := context.Background()
	a, err := openApp(ctx, data, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	d := &model.Document{URL: "https://state.example/visa", Source: "state", Kind: model.KindOfficial, Lang: "en",
		Title: "Visa restrictions on officials", Text: "The Secretary announces visa restrictions.", FetchedAt: now, ContentHash: "hv"}
	if _, err := a.db.SaveCapture(ctx, d, &model.Capture{FetchedAt: now, RequestURL: d.URL, FinalURL: d.URL, Status: 200,
		Body: []byte("<p>visa</p>"), ContentHash: d.ContentHash}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.owner.Apply(ctx); err != nil { // the change log into the index
		t.Fatal(err)
	}
	// A change the index has not taken in (a crawl's, left for a server
	// that never came): a read-only search must not try to apply it.
	d2 := &model.Document{URL: "https://state.example/visa-2", Source: "state", Kind: model.KindOfficial, Lang: "en",
		Title: "Visa restrictions widened", Text: "The Secretary widens the visa restrictions.", FetchedAt: now, ContentHash: "hv2"}
	if _, err := a.db.SaveCapture(ctx, d2, &model.Capture{FetchedAt: now, RequestURL: d2.URL, FinalURL: d2.URL, Status: 200,
		Body: []byte("<p>visa 2</p>"), ContentHash: d2.ContentHash}); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}

	// Read-only for whoever runs the commands; writable again for cleanup.
	var cred *syscall.Credential
	if os.Getuid() == 0 {
		cred = &syscall.Credential{Uid: 65534, Gid: 65534} // nobody
	}
	setMode := func(writable bool) {
		filepath.WalkDir(data, func(p string, e os.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			mode := os.FileMode(0o444)
			if e.IsDir() {
				mode = 0o555
			}
			if writable {
				mode |= 0o200
			}
			return os.Chmod(p, mode)
		})
	}
	setMode(false)
	t.Cleanup(func() { setMode(true) })
	out := filepath.Join(tmp, "out")
	for _, dir := range []string{filepath.Dir(tmp), tmp, out} {
		os.MkdirAll(dir, 0o777)
		os.Chmod(dir, 0o777)
	}
	os.Chmod(bin, 0o755)
	run := func(args ...string) (string, error) {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "HOME="+out)
		if cred != nil {
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		}
		b, err := cmd.CombinedOutput()
		return string(b), err
	}
	if got, err := run("verify", "--data", data); err != nil && strings.Contains(got, "operation not permitted") {
		t.Skipf("cannot run as an unprivileged user here: %s", got)
	}
	// What the read commands may not change: any file of the directory
	// (no lock taken, no migration, no change log applied, no socket).
	snapshot := func() string {
		var b strings.Builder
		filepath.WalkDir(data, func(p string, e os.DirEntry, err error) error {
			if err == nil {
				if info, err := e.Info(); err == nil {
					fmt.Fprintf(&b, "%s %d %s\n", p, info.Size(), info.ModTime())
				}
			}
			return nil
		})
		return b.String()
	}
	before := snapshot()

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"verify", "--data", data}, "2 captures checked, 0 mismatches"},
		{[]string{"verify", "--data", data}, "documents checked against the search index, 0 differ"},
		{[]string{"backup", "--data", data, filepath.Join(out, "backup")}, "backup written to"},
		{[]string{"export", "warc", "--data", data, filepath.Join(out, "archive.warc.gz")}, "2 captures of 2 documents"},
		{[]string{"search", "--data", data, "visa"}, "Visa restrictions on officials"},
		{[]string{"search", "--data", data, "visa"}, "the search index lacks the 1 newest changes"},
		{[]string{"search", "--data", data, "--list-saved"}, "NAME"},
		{[]string{"runs", "--data", data}, ""},
		{[]string{"user", "list", "--data", data}, "no users yet"},
	} {
		got, err := run(tc.args...)
		if err != nil || !strings.Contains(got, tc.want) {
			t.Errorf("%s on a read-only data directory: %v\n%s", strings.Join(tc.args[:2], " "), err, got)
		}
	}
	if after := snapshot(); after != before {
		t.Errorf("read commands changed the read-only data directory:\n%s\nthen\n%s", before, after)
	}
	want := "data directory is read-only: " + data
	for _, args := range [][]string{
		{"reindex", "--data", data},
		{"crawl", "--data", data},
		{"serve", "--data", data, "--addr", "127.0.0.1:0"},
		{"search", "--data", data, "--save", "visas", "visa"},
		{"import", "warc", "--data", data, filepath.Join(out, "archive.warc.gz")},
		{"user", "add", "--data", data, "ed"},
	} {
		got, err := run(args...)
		if err == nil || !strings.Contains(got, want) {
			t.Errorf("%s: %v, want %q\n%s", strings.Join(args, " "), err, want, got)
		}
	}
}
