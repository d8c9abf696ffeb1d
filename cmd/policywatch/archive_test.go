package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	iawarc "github.com/internetarchive/gowarc"

	"policywatch/crawler"
	"policywatch/demoweb"
	"policywatch/index"
	"policywatch/model"
	"policywatch/store"
	"policywatch/topic"
	"policywatch/warc"
)

// TestArchiveChild is the crawl process TestArchiveTwoStates kills with
// SIGKILL; it does nothing in a normal test run.
func TestArchiveChild(t *testing.T) {
	args := os.Getenv("POLICYWATCH_ARCHIVE_CHILD")
	if args == "" {
		t.Skip("only run as a child process of TestArchiveTwoStates")
	}
	if err := run(context.Background(), strings.Split(args, "\x1f"), io.Discard, io.Discard); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

// archiveCase is the state of one data directory crawled through the demo
// web's two states.
type archiveCase struct {
	web *demoweb.Web
	tp  *topic.Topic
	cfg string // topic config file for child processes
}

// changeOf finds the stored document of a changed demo page.
func changeOf(t *testing.T, db *store.DB, w *demoweb.Web, c demoweb.StateChange) (*model.Document, bool) {
	t.Helper()
	u, err := crawler.NormalizeURL(w.URL(c.Site) + c.Path)
	if err != nil {
		t.Fatal(err)
	}
	d, err := db.DocumentByURL(context.Background(), u)
	if errors.Is(err, store.ErrNotFound) {
		return nil, false
	}
	if err != nil {
		t.Fatal(err)
	}
	return d, true
}

// checkSecondState asserts that a store crawled through both states holds
// exactly the second state's versions, withdrawals and new page, and no
// version anywhere else.
func checkSecondState(t *testing.T, db *store.DB, w *demoweb.Web, changes []demoweb.StateChange) {
	t.Helper()
	ctx := context.Background()
	wantVersion2 := map[int64]bool{}
	for _, c := range changes {
		d, ok := changeOf(t, db, w, c)
		if !ok {
			t.Errorf("%s %s %s: not stored", c.Kind, c.Site, c.Path)
			continue
		}
		vs, err := db.Versions(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		switch c.Kind {
		case demoweb.StateAmended:
			wantVersion2[d.ID] = true
			if len(vs) != 2 || d.Version != 2 || d.Withdrawn {
				t.Errorf("amended %s: %d versions, version %d, withdrawn %v; want 2 versions", c.Path, len(vs), d.Version, d.Withdrawn)
				continue
			}
			added, removed := store.AddedRemoved(store.DiffWords(vs[0].Text, vs[1].Text))
			if len(added)+len(removed) == 0 {
				t.Errorf("amended %s: the versions' diff is empty", c.Path)
			}
		case demoweb.StateWithdrawn:
			wd, err := db.Withdrawals(ctx, d.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !d.Withdrawn || len(wd) != 1 || wd[0].Status != http.StatusGone || len(vs) != 1 || d.Text == "" {
				t.Errorf("withdrawn %s: withdrawn %v, withdrawals %+v, %d versions, text kept %v", c.Path, d.Withdrawn, wd, len(vs), d.Text != "")
			}
		case demoweb.StateNew:
			if len(vs) != 1 || d.Withdrawn {
				t.Errorf("new %s: %d versions, withdrawn %v", c.Path, len(vs), d.Withdrawn)
			}
		}
	}
	// No spurious version: boilerplate around every other page changed
	// (the new page shows up in "related" boxes and listings), its text did not.
	if err := db.EachDocument(ctx, func(d *model.Document) error {
		if d.Version > 1 && !wantVersion2[d.ID] {
			t.Errorf("spurious version %d of %s", d.Version, d.URL)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	all, err := db.Changes(ctx, store.ChangeFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != len(changes)-1 { // the new page is not a change of an archived page
		t.Errorf("%d changes listed, want %d: %+v", len(all), len(changes)-1, all)
	}
}

// captureHashes lists every capture's final URL and body SHA-256, and
// checks each hash against the body, sorted.
func captureHashes(t *testing.T, db *store.DB) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	if err := db.EachDocument(ctx, func(d *model.Document) error {
		caps, err := db.Captures(ctx, d.ID)
		if err != nil {
			return err
		}
		for _, c := range caps {
			out = append(out, c.FinalURL+" "+c.BodySHA256)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

func runCLI(t *testing.T, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	if err := run(context.Background(), args, &out, io.Discard); err != nil {
		t.Fatalf("policywatch %s: %v\n%s", strings.Join(args, " "), err, out.String())
	}
	return out.String()
}

func openTestApp(t *testing.T, dir string) *app {
	t.Helper()
	a, err := openApp(context.Background(), dir, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	a.allowPrivate = true // the demo web listens on 127.0.0.1
	return a
}

// TestArchiveTwoStates crawls the demo web, switches it to its second
// state and crawls again, then checks versions, diffs, withdrawals, the
// changes feed and edit search; a backup taken during the second crawl;
// a WARC export read back by another WARC library and re-imported; verify
// catching a changed byte; and a crawl killed with SIGKILL.
func TestArchiveTwoStates(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls the demo web several times")
	}
	ctx := context.Background()
	changes, err := demoweb.State2Changes()
	if err != nil {
		t.Fatal(err)
	}
	web, err := demoweb.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer web.Close()
	root := t.TempDir()
	cfg := filepath.Join(root, "demo-topic.yaml")
	if err := os.WriteFile(cfg, web.TopicYAML(), 0o644); err != nil {
		t.Fatal(err)
	}
	tp, err := topic.Load(cfg)
	if err != nil {
		t.Fatal(err)
	}
	tax, err := loadTaxonomy(tp)
	if err != nil {
		t.Fatal(err)
	}
	dirA := filepath.Join(root, "a")
	a := openTestApp(t, dirA)
	defer a.Close()
	start := time.Now()
	run1, err := a.crawl(ctx, tp, tax, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("first crawl: %+v in %s", *run1, time.Since(start).Round(time.Millisecond))
	// The first state's store, for the SIGKILL test below.
	dirK := filepath.Join(root, "killed")
	runCLI(t, "backup", "--data", dirA, dirK)

	if err := web.SetState(2); err != nil {
		t.Fatal(err)
	}
	// Second crawl, with backups taken while it runs.
	type result struct {
		run *model.CrawlRun
		err error
	}
	done := make(chan result, 1)
	runsBefore, err := a.db.Runs(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	go func() {
		r, err := a.crawl(ctx, tp, tax, nil)
		done <- result{r, err}
	}()
	var backups []string
	var res result
wait:
	for {
		select {
		case res = <-done:
			break wait
		case <-time.After(150 * time.Millisecond):
			runs, err := a.db.Runs(ctx, 100)
			if err != nil {
				t.Fatal(err)
			}
			if len(runs) > len(runsBefore) {
				dest := filepath.Join(root, fmt.Sprintf("backup%d", len(backups)))
				runCLI(t, "backup", "--data", dirA, dest)
				backups = append(backups, dest)
			}
		}
	}
	if res.err != nil {
		t.Fatal(res.err)
	}
	run2 := res.run
	t.Logf("second crawl: %+v in %s, %d backups taken meanwhile", *run2, time.Since(start).Round(time.Millisecond), len(backups))
	if len(backups) == 0 {
		t.Fatal("the second crawl ended before a backup could be taken during it")
	}

	t.Run("versions, withdrawals and no spurious versions", func(t *testing.T) {
		checkSecondState(t, a.db, web, changes)
		if run2.Updated != 2 || run2.Stored != 1 {
			t.Errorf("second crawl updated %d and stored %d documents, want 2 and 1", run2.Updated, run2.Stored)
		}
	})

	t.Run("changes feed and edit search", func(t *testing.T) {
		s, err := a.newWeb(tax)
		if err != nil {
			t.Fatal(err)
		}
		h := s.Handler()
		var amendedSource string
		for _, c := range changes {
			if c.Kind == demoweb.StateAmended {
				d, _ := changeOf(t, a.db, web, c)
				amendedSource = d.Source
			}
		}
		for _, tc := range []struct {
			query string
			want  map[string]int // title prefix → entries
		}{
			{"", map[string]int{"Amended": 2, "Withdrawn": 1}},
			{"?source=" + amendedSource, map[string]int{"Amended": 1}},
			{"?change=withdrawn", map[string]int{"Withdrawn": 1}},
			{"?kind=news", map[string]int{}},
		} {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", "/feeds/changes.atom"+tc.query, nil))
			var feed struct {
				Entries []struct {
					Title   string `xml:"title"`
					Content string `xml:"content"`
				} `xml:"entry"`
			}
			if err := xml.Unmarshal(rec.Body.Bytes(), &feed); err != nil {
				t.Fatalf("feed%s: %v", tc.query, err)
			}
			got := map[string]int{}
			for _, e := range feed.Entries {
				kind, _, _ := strings.Cut(e.Title, ":")
				got[kind]++
				if kind == "Amended" && !strings.Contains(e.Content, "<del>") && !strings.Contains(e.Content, "<ins>") {
					t.Errorf("feed%s: amended entry %q shows no diff", tc.query, e.Title)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("feed%s: entries %v, want %v", tc.query, got, tc.want)
			}
		}
		// The state page's amendment dropped a sentence naming Hong Kong.
		ids, err := searchIDs(ctx, a.ix, `removed:"hong kong"`)
		if err != nil {
			t.Fatal(err)
		}
		if len(ids) != 1 {
			t.Fatalf(`removed:"hong kong" found %d documents, want 1`, len(ids))
		}
		d, err := a.db.Document(ctx, ids[0])
		if err != nil || d.Version != 2 {
			t.Errorf(`removed:"hong kong" found %+v (%v), want an amended page`, d, err)
		}
	})

	t.Run("syndicated copies: one hit, also published by", func(t *testing.T) {
		truth, err := demoweb.Truth()
		if err != nil {
			t.Fatal(err)
		}
		groups := map[string]map[int64]int{} // group → document → copies
		for _, pt := range truth {
			if pt.Syndication == "" || !pt.Topic {
				continue
			}
			d, ok := changeOf(t, a.db, web, demoweb.StateChange{Site: pt.Site, Path: pt.Path})
			if !ok {
				continue
			}
			if groups[pt.Syndication] == nil {
				groups[pt.Syndication] = map[int64]int{}
			}
			groups[pt.Syndication][d.ID]++
		}
		if len(groups) == 0 {
			t.Fatal("the demo web has no syndicated stories stored")
		}
		s, err := a.newWeb(tax)
		if err != nil {
			t.Fatal(err)
		}
		h := s.Handler()
		checked := 0
		for g, docs := range groups {
			if len(docs) != 1 {
				t.Errorf("syndicated story %s is %d documents, want 1 (so one search hit)", g, len(docs))
				continue
			}
			for id, copies := range docs {
				if copies < 2 {
					continue // only one copy was on topic or crawled
				}
				checked++
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest("GET", fmt.Sprintf("/documents/%d", id), nil))
				if !strings.Contains(rec.Body.String(), "Also published by") {
					t.Errorf("document %d of story %s (%d copies) does not say where else it was published", id, g, copies)
				}
			}
		}
		if checked == 0 {
			t.Error("no syndicated story was stored from more than one copy")
		}
		t.Logf("%d syndicated stories, %d with copies checked", len(groups), checked)
	})

	t.Run("backup taken during the crawl restores", func(t *testing.T) {
		for _, b := range backups {
			restored := filepath.Join(b, "restored")
			if err := os.MkdirAll(restored, 0o755); err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(filepath.Join(b, "policywatch.db"))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(restored, "policywatch.db"), data, 0o644); err != nil {
				t.Fatal(err)
			}
			runCLI(t, "reindex", "--data", restored)
			if out := runCLI(t, "verify", "--data", restored); !strings.Contains(out, " 0 mismatches") || !strings.Contains(out, " 0 inconsistencies") {
				t.Errorf("verify of backup %s: %s", b, out)
			}
			ra := openTestApp(t, restored)
			var want []int64
			if err := ra.db.EachDocument(ctx, func(d *model.Document) error { want = append(want, d.ID); return nil }); err != nil {
				t.Fatal(err)
			}
			got, err := searchIDs(ctx, ra.ix, "")
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(got)
			if len(want) == 0 || !slices.Equal(got, want) {
				t.Errorf("backup %s: reindex finds %d documents, the store holds %d", b, len(got), len(want))
			}
			ra.Close()
		}
	})

	t.Run("WARC export, other reader, re-import", func(t *testing.T) {
		file := filepath.Join(root, "demo.warc.gz")
		runCLI(t, "export", "warc", "--data", dirA, file)
		want := captureHashes(t, a.db)

		// Another WARC library reads the file.
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		r, err := iawarc.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		var read []string
		withdrawals := 0
		for {
			rec, err := r.ReadRecord()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("Internet Archive reader: %v", err)
			}
			if rec.Header.Get("WARC-Type") == "response" {
				if _, err := rec.Content.Seek(0, io.SeekStart); err != nil {
					t.Fatal(err)
				}
				resp, err := http.ReadResponse(bufio.NewReader(rec.Content), nil)
				if err != nil {
					t.Fatal(err)
				}
				if resp.StatusCode == http.StatusGone {
					withdrawals++
					rec.Content.Close()
					continue
				}
				body, _ := io.ReadAll(resp.Body)
				sum := sha256.Sum256(body)
				read = append(read, rec.Header.Get("WARC-Target-URI")+" "+hex.EncodeToString(sum[:]))
			}
			rec.Content.Close()
		}
		sort.Strings(read)
		if withdrawals != 1 {
			t.Errorf("the WARC file holds %d 410 responses, want the one withdrawal", withdrawals)
		}
		if !slices.Equal(read, want) {
			t.Errorf("other reader found %d bodies, the store has %d captures; equal: false", len(read), len(want))
		}

		// A search's result set: the amended State Department page, both
		// versions. --query searches the index, which this test's app
		// holds: it is done with the archive.
		a.Close()
		part := filepath.Join(root, "removed.warc")
		if out := runCLI(t, "export", "warc", "--data", dirA, "--query", `removed:"hong kong"`, part); !strings.Contains(out, ": 2 captures of 1 documents") {
			t.Errorf("export of a search: %s", out)
		}
		var partURLs []string
		pf, err := os.Open(part)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := warc.Read(pf, func(c warc.Capture) error { partURLs = append(partURLs, c.FinalURL); return nil }); err != nil {
			t.Fatal(err)
		}
		pf.Close()
		if len(partURLs) != 2 || partURLs[0] != partURLs[1] || !strings.Contains(partURLs[0], "defense-exports") {
			t.Errorf("search export holds %v, want the amended page twice", partURLs)
		}

		fresh := filepath.Join(root, "imported")
		out := runCLI(t, "import", "warc", "--data", fresh, "--config", cfg, file)
		t.Logf("import: %s", strings.TrimSpace(out))
		b := openTestApp(t, fresh)
		if got := captureHashes(t, b.db); !slices.Equal(got, want) {
			t.Errorf("re-import holds %d captures, the original %d; body hashes equal: false", len(got), len(want))
		}
		// Versions come back from the captures' order, the withdrawal from its 410 record.
		for _, c := range changes {
			d, ok := changeOf(t, b.db, web, c)
			switch {
			case !ok:
				t.Errorf("re-import lacks %s page %s", c.Kind, c.Path)
			case c.Kind == demoweb.StateAmended && d.Version != 2:
				t.Errorf("re-imported amended page %s has version %d", c.Path, d.Version)
			case c.Kind == demoweb.StateWithdrawn && !d.Withdrawn:
				t.Errorf("re-imported withdrawn page %s is not withdrawn", c.Path)
			}
		}
		n, err := b.ix.Count()
		if cnt, _ := b.db.CountDocuments(ctx); err != nil || n != uint64(cnt) || n == 0 {
			t.Errorf("re-import indexed %d documents of %d (%v)", n, cnt, err)
		}

		// verify catches one byte changed in a stored body.
		if out := runCLI(t, "verify", "--data", fresh); !strings.Contains(out, " 0 mismatches") || !strings.Contains(out, " 0 inconsistencies") {
			t.Fatalf("verify before tampering: %s", out)
		}
		b.Close()
		tamper(t, filepath.Join(fresh, "policywatch.db"))
		var vout bytes.Buffer
		err = run(ctx, []string{"verify", "--data", fresh}, &vout, io.Discard)
		if err == nil || !strings.Contains(vout.String(), "MISMATCH") || !strings.Contains(vout.String(), " 1 mismatches") {
			t.Errorf("verify after changing a byte: err %v, output %s", err, vout.String())
		}
	})

	t.Run("SIGKILL while writing versions", func(t *testing.T) {
		killedCrawl(t, dirK, cfg)
		if out := runCLI(t, "verify", "--data", dirK); !strings.Contains(out, " 0 mismatches") || !strings.Contains(out, " 0 inconsistencies") {
			t.Errorf("verify after SIGKILL: %s", out)
		}
		integrity(t, filepath.Join(dirK, "policywatch.db"))
		runCLI(t, "crawl", "--allow-private", "--data", dirK, "--config", cfg)
		k := openTestApp(t, dirK)
		defer k.Close()
		checkSecondState(t, k.db, web, changes)
	})
}

// tamper changes one byte of one stored body, re-compressing it so only
// the hash can tell.
func tamper(t *testing.T, path string) {
	t.Helper()
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	c, err := db.Capture(context.Background(), 1)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	c.Body[len(c.Body)/2] ^= 0x20
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(c.Body)
	zw.Close()
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`UPDATE captures SET body_gzip = ? WHERE id = 1`, buf.Bytes()); err != nil {
		t.Fatal(err)
	}
}

func integrity(t *testing.T, path string) {
	t.Helper()
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var res string
	if err := raw.QueryRow(`PRAGMA integrity_check`).Scan(&res); err != nil || res != "ok" {
		t.Errorf("integrity_check: %q %v", res, err)
	}
}

// killedCrawl starts `policywatch crawl` in a child process on dir and
// kills it with SIGKILL as soon as the run has written a new capture
// (most pages answer 304 to a re-crawl, so captures are the writes of
// changed pages: new versions), then checks the run did not finish.
func killedCrawl(t *testing.T, dir, cfg string) {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "policywatch.db")+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	count := func() int {
		var n int
		if err := raw.QueryRow(`SELECT count(*) FROM captures`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count()
	cmd := exec.Command(os.Args[0], "-test.run=^TestArchiveChild$")
	cmd.Env = append(os.Environ(), "POLICYWATCH_ARCHIVE_CHILD="+strings.Join([]string{"crawl", "--allow-private", "--data", dir, "--config", cfg}, "\x1f"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.After(2 * time.Minute)
	for {
		select {
		case err := <-exited:
			t.Fatalf("the crawl finished (%v) before it could be killed; wrote %d captures\n%s", err, count()-before, stderr.String())
		case <-deadline:
			cmd.Process.Kill()
			t.Fatal("the crawl wrote nothing in two minutes")
		case <-time.After(5 * time.Millisecond):
		}
		if n := count(); n > before {
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			err := <-exited
			t.Logf("killed the crawl after %d new captures: %v", n-before, err)
			var finished string
			if err := raw.QueryRow(`SELECT finished_at FROM crawl_runs ORDER BY id DESC LIMIT 1`).Scan(&finished); err != nil {
				t.Fatal(err)
			}
			if finished != "" {
				t.Fatalf("the killed run is recorded as finished at %s", finished)
			}
			return
		}
	}
}

// searchIDs returns every document matching q, page by page.
func searchIDs(ctx context.Context, ix *index.Index, q string) ([]int64, error) {
	var ids []int64
	for page := 1; ; page++ {
		res, err := ix.Search(ctx, index.Request{Query: q, Sort: "date", Page: page, PerPage: 100})
		if err != nil {
			return nil, fmt.Errorf("search %q: %w", q, err)
		}
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		if len(res.Hits) == 0 || uint64(len(ids)) >= res.Total {
			return ids, nil
		}
	}
}

// TestImportForeignWARC imports a file another crawler wrote: no
// policywatch fields, a chunked gzipped body, a redirect and an off-topic
// page, and checks what is archived under which source.
func TestImportForeignWARC(t *testing.T) {
	page := func(title, text string) string {
		return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>` + title + `</title>
<meta property="article:published_time" content="2021-03-12T09:00:00Z"></head><body><main><article><h1>` + title + `</h1>
<p>` + text + `</p><p>` + text + `</p></article></main></body></html>`
	}
	onTopic := page("Statement on Hong Kong's national security law",
		"The national security law imposed on Hong Kong undermines its autonomy, and the government announces sanctions on officials responsible for it.")
	offTopic := page("Spring flower show opens", "The annual flower show opens this weekend with tulips and daffodils from across the region.")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(onTopic))
	zw.Close()
	chunked := fmt.Sprintf("%x\r\n%s\r\n0\r\n\r\n", gz.Len(), gz.Bytes())
	record := func(uri, date, block string) string {
		return "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: " + uri + "\r\nWARC-Date: " + date +
			"\r\nWARC-Record-ID: <urn:uuid:" + fmt.Sprintf("%08x", len(uri)+len(block)) + "-0000-4000-8000-000000000000>\r\n" +
			"Content-Type: application/http; msgtype=response\r\nContent-Length: " + fmt.Sprint(len(block)) + "\r\n\r\n" + block + "\r\n\r\n"
	}
	file := filepath.Join(t.TempDir(), "heritrix.warc")
	data := record("https://www.gov.example/news/statement", "2021-03-12T10:00:00Z",
		"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n"+chunked) +
		record("https://www.gov.example/old", "2021-03-12T10:00:01Z",
			"HTTP/1.1 301 Moved Permanently\r\nLocation: /news/statement\r\nContent-Length: 0\r\n\r\n") +
		record("https://www.gov.example/news/flowers", "2021-03-12T10:00:02Z",
			"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: "+fmt.Sprint(len(offTopic))+"\r\n\r\n"+offTopic)
	if err := os.WriteFile(file, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "data")
	out := runCLI(t, "import", "warc", "--data", dir, file)
	// The off-topic page is dropped, the redirect skipped: the outcomes of a crawl.
	if !strings.Contains(out, "3 responses: stored 1,") || !strings.Contains(out, "dropped 1 (off-topic 1)") || !strings.Contains(out, "skipped 1") {
		t.Errorf("import: %s", out)
	}
	a := openTestApp(t, dir)
	defer a.Close()
	d, err := a.db.DocumentByURL(context.Background(), "https://www.gov.example/news/statement")
	if err != nil {
		t.Fatal(err)
	}
	caps, err := a.db.Captures(context.Background(), d.ID)
	if err != nil || len(caps) != 1 {
		t.Fatalf("captures %v %v", caps, err)
	}
	full, err := a.db.Capture(context.Background(), caps[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Source != "warc-import" || string(full.Body) != onTopic || !full.FetchedAt.Equal(time.Date(2021, 3, 12, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("stored %s from %s, fetched %v, body decoded %v", d.URL, d.Source, full.FetchedAt, string(full.Body) == onTopic)
	}
	if len(d.Tags) == 0 {
		t.Error("imported page was not tagged")
	}
	if n, err := a.ix.Count(); err != nil || n != 1 {
		t.Errorf("index holds %d documents (%v), want the one imported", n, err)
	}
}
