package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"policywatch/ingest"
	"policywatch/model"
)

// searchApp is an app in a temporary directory holding a few documents,
// indexed, without a crawl. The caller closes it (the search command
// opens the directory itself, and Bleve allows one opener).
func searchApp(t *testing.T) (*app, string) {
	t.Helper()
	dir := t.TempDir()
	a, err := openApp(context.Background(), dir, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	addDoc(t, a, "https://state.example/visa", "Visa restrictions on officials", "The Secretary announces visa restrictions under the national security law.", model.DateFromMeta, "2020-06-26")
	addDoc(t, a, "https://hk.example/nsl", "國安法刊憲", "政府今日刊憲公布國安法。", model.DateFromMeta, "2020-06-30")
	addDoc(t, a, "https://news.example/opinion", "Opinion on sanctions, \"quoted\"", "Sanctions, visas and the NSL.", model.DateFromCrawl, "2024-05-05")
	return a, dir
}

func addDoc(t *testing.T, a *app, u, title, text, dateSrc, published string) int64 {
	t.Helper()
	ctx := context.Background()
	pub, _ := time.Parse(time.DateOnly, published)
	now := a.db.Now()
	d := &model.Document{URL: u, Source: strings.Split(strings.TrimPrefix(u, "https://"), ".")[0], Kind: model.KindOfficial,
		Title: title, Text: text, Lang: "en", Published: pub, DateSource: dateSrc, FetchedAt: now, ContentHash: "h" + u}
	if _, err := a.db.SaveCapture(ctx, d, &model.Capture{FetchedAt: now, RequestURL: u, FinalURL: u, Status: 200,
		Body: []byte(text), BodySHA256: "s" + u, ContentHash: d.ContentHash}); err != nil {
		t.Fatal(err)
	}
	stored, err := a.db.Document(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.ix.Put(ctx, *stored); err != nil {
		t.Fatal(err)
	}
	return d.ID
}

// runSearch runs `policywatch search` on the app's data directory. The
// app's own handles are closed first (Bleve allows one opener) and opened
// again after.
func runSearch(t *testing.T, dir string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := cmdSearch(context.Background(), append([]string{"--data", dir}, args...), &out)
	return out.String(), err
}

func TestSearchCommandFormats(t *testing.T) {
	a, dir := searchApp(t)
	a.Close()

	table, err := runSearch(t, dir, "NSL")
	if err != nil {
		t.Fatal(err)
	}
	// The shipped glossary: NSL finds 國安法 and "national security law".
	for _, want := range []string{"ID", "PUBLISHED", "2020-06-26", "國安法刊憲", "(no date)", "3 matching documents (1 without a reliable publication date)"} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}

	js, err := runSearch(t, dir, "--json", "sanctions")
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Total   int         `json:"total"`
		Undated int         `json:"undated"`
		Hits    []searchHit `json:"hits"`
	}
	if err := json.Unmarshal([]byte(js), &res); err != nil {
		t.Fatalf("--json output does not parse: %v\n%s", err, js)
	}
	if res.Total != 1 || res.Undated != 1 || len(res.Hits) != 1 || res.Hits[0].DateReliable || res.Hits[0].DateSource != "crawl" {
		t.Errorf("--json = %+v", res)
	}

	out, err := runSearch(t, dir, "--csv", "--all", "visa*")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("--csv output does not parse: %v", err)
	}
	if len(rows) != 3 || rows[0][0] != "id" || rows[1][1] != "2020-06-26" || rows[2][7] != `Opinion on sanctions, "quoted"` {
		t.Errorf("--csv rows = %q", rows)
	}

	_, err = runSearch(t, dir, "visa AND (sanctions")
	if err == nil || !strings.Contains(err.Error(), "character 20") || !strings.Contains(err.Error(), "\n  "+strings.Repeat(" ", 19)+"^") {
		t.Errorf("syntax error = %v", err)
	}
	if _, err := runSearch(t, dir, "--json", "--csv", "x"); err == nil {
		t.Error("--json with --csv accepted")
	}
}

// hookReceiver records webhook deliveries and can be told to fail.
type hookReceiver struct {
	mu       sync.Mutex
	payloads []ingest.AlertPayload
	fail     bool
}

func (h *hookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.fail {
		http.Error(w, "down", http.StatusBadGateway)
		return
	}
	var p ingest.AlertPayload
	body, _ := io.ReadAll(r.Body)
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" || json.Unmarshal(body, &p) != nil {
		http.Error(w, "bad", http.StatusBadRequest)
		return
	}
	h.payloads = append(h.payloads, p)
}

func (h *hookReceiver) take() []ingest.AlertPayload {
	h.mu.Lock()
	defer h.mu.Unlock()
	p := h.payloads
	h.payloads = nil
	return p
}

func TestSavedSearchWebhookGetsOnlyNewMatches(t *testing.T) {
	a, dir := searchApp(t)
	ctx := context.Background()
	recv := &hookReceiver{}
	srv := httptest.NewServer(recv)
	defer srv.Close()
	clock := time.Now().UTC()
	a.db.Now = func() time.Time { return clock }
	a.Close()
	out, err := runSearch(t, dir, "--save", "visas", "--webhook", srv.URL+"/hook/secret", "--allow-private", "--kind", "official", "visa*")
	if err != nil || !strings.Contains(out, "saved search 1") {
		t.Fatalf("save: %v %s", err, out)
	}
	a, err = openApp(ctx, dir, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	a.setAllowPrivate(true) // the receiver is on 127.0.0.1
	tick := func() { clock = clock.Add(time.Minute); a.db.Now = func() time.Time { return clock } }
	tick()

	// Nothing changed since the search was saved: nothing is sent.
	a.owner.Notify(ctx, 1)
	if got := recv.take(); len(got) != 0 {
		t.Fatalf("webhook called with nothing new: %+v", got)
	}

	// A crawl adds a matching and a non-matching document.
	tick()
	newID := addDoc(t, a, "https://state.example/visa2", "More visa restrictions", "Further visa restrictions.", model.DateFromJSONLD, "2021-03-01")
	addDoc(t, a, "https://state.example/trade", "Trade note", "Export controls.", model.DateFromJSONLD, "2021-03-02")
	tick()
	a.owner.Notify(ctx, 2)
	got := recv.take()
	if len(got) != 1 || got[0].Count != 1 || len(got[0].Matches) != 1 || got[0].Matches[0].ID != newID ||
		got[0].RunID != 2 || got[0].SavedSearch.Name != "visas" || got[0].Matches[0].Published != "2021-03-01" {
		t.Fatalf("delivery = %+v", got)
	}

	// Delivered once: the next crawl without changes sends nothing.
	tick()
	a.owner.Notify(ctx, 3)
	if got := recv.take(); len(got) != 0 {
		t.Fatalf("already delivered matches sent again: %+v", got)
	}

	// A failed delivery is retried after the next crawl.
	tick()
	recv.fail = true
	retryID := addDoc(t, a, "https://state.example/visa3", "Visa policy update", "Visa rules change.", model.DateFromMeta, "2021-04-01")
	tick()
	a.owner.Notify(ctx, 4)
	recv.fail = false
	tick()
	a.owner.Notify(ctx, 5)
	got = recv.take()
	if len(got) != 1 || len(got[0].Matches) != 1 || got[0].Matches[0].ID != retryID {
		t.Fatalf("after a failed delivery, the next one = %+v", got)
	}
}

func TestDeletedIndexIsRebuiltOnOpen(t *testing.T) {
	a, dir := searchApp(t)
	a.Close()
	if err := os.RemoveAll(filepath.Join(dir, "index")); err != nil {
		t.Fatal(err)
	}
	out, err := runSearch(t, dir, "visa*")
	if err != nil || !strings.Contains(out, "2 matching documents") {
		t.Errorf("after deleting the index: %v\n%s", err, out)
	}
}

// A crawled title is printed to the user's terminal: escape sequences in
// it (clear the screen, retitle the window, disguise a link) must arrive
// as nothing, not as commands to the terminal.
func TestSearchTableDropsTerminalControls(t *testing.T) {
	a, dir := searchApp(t)
	addDoc(t, a, "https://hostile.example/esc", "\x1b]8;;https://evil.example\x07Official\x1b]8;;\x07 notice\x1b[2J\u009b31m zzterm",
		"zzterm text", model.DateFromMeta, "2020-07-01")
	a.Close()
	out, err := runSearch(t, dir, "zzterm")
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(out, "\x1b\x07\u009b") {
		t.Errorf("table passes terminal controls through: %q", out)
	}
	if !strings.Contains(out, "zzterm") || !strings.Contains(out, "Official") {
		t.Errorf("table lost the title's text:\n%s", out)
	}
}

func TestSearchCSVNeutralisesFormulas(t *testing.T) {
	a, dir := searchApp(t)
	addDoc(t, a, "https://hostile.example/formula", `=HYPERLINK("https://evil.example","zzformula")`,
		"zzformula text", model.DateFromMeta, "2020-07-01")
	a.Close()
	out, err := runSearch(t, dir, "--csv", "zzformula")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("CSV rows %d (%v):\n%s", len(rows), err, out)
	}
	for _, cell := range rows[1] {
		if strings.HasPrefix(cell, "=") {
			t.Errorf("cell %q would run as a spreadsheet formula", cell)
		}
	}
}

// TestSearchCommandRefusesWhatItCannotHonour: a page, a page size, a date
// range or a source the search cannot honour is an error naming the flag
// (as the API answers 400), not another page or "0 matching documents"
// quietly; and the output says which page of how many it is.
func TestSearchCommandRefusesWhatItCannotHonour(t *testing.T) {
	c := newCLI(t)
	a, dir := searchApp(t)
	a.Close()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--limit", "0"}, "--limit 0: want 1 to 100"},
		{[]string{"--limit", "-5"}, "--limit -5: want 1 to 100"},
		{[]string{"--limit", "1000"}, "--limit 1000: want 1 to 100"},
		{[]string{"--page", "0"}, "--page 0: pages are numbered from 1"},
		{[]string{"--page", "100000"}, "--page 100000 (of 20 results each) starts past the first 10000 matches"},
		{[]string{"--from", "2021-01-01", "--to", "2020-01-01"}, "--to 2020-01-01 is before --from 2021-01-01"},
		{[]string{"--from", "2020-13-01"}, `--from "2020-13-01" is not a date`},
		{[]string{"--to", "July"}, `--to "July" is not a date`},
		{[]string{"--source", "nosuch"}, `--source "nosuch" is not a source of this archive; valid: hk, news, state`},
		{[]string{"--lang", "xx"}, `--lang: "xx" is not a known language`},
	} {
		r := c.run(append([]string{"search", "--data", dir}, append(tc.args, "visa*")...)...)
		if r.code != 2 || r.stdout != "" || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("search %s: exit %d, stdout %q, stderr %q; want exit 2 saying %q", strings.Join(tc.args, " "), r.code, r.stdout, r.stderr, tc.want)
		}
	}

	if r := c.run("search", "--data", dir, "visa source:nosuch"); r.code != 1 || !strings.Contains(r.stderr, `there is no source "nosuch" (character 6)`) ||
		!strings.Contains(r.stderr, "hk, news, state") {
		t.Errorf("search visa source:nosuch: exit %d, %q", r.code, r.stderr)
	}
	if r := c.run("search", "--data", dir, "visa lang:xx"); r.code != 1 || !strings.Contains(r.stderr, `"xx" is not a known language`) {
		t.Errorf("search visa lang:xx: exit %d, %q", r.code, r.stderr)
	}
	if r := c.ok("search", "--data", dir, "--source", "STATE", "visa*"); !strings.Contains(r.stdout, "1 matching documents") {
		t.Errorf("search --source STATE: %s", r.stdout)
	}
	// The pages are all filed as English.
	if r := c.ok("search", "--data", dir, "--lang", "en"); !strings.Contains(r.stdout, "3 matching documents") {
		t.Errorf("search --lang en: %s", r.stdout)
	}
	if r := c.ok("search", "--data", dir, "--lang", "zh", "--json"); !strings.Contains(r.stdout, `"total": 0`) {
		t.Errorf("search --lang zh: %s", r.stdout)
	}

	// Three documents, one a page.
	r := c.ok("search", "--data", dir, "--limit", "1", "--sort", "date")
	if !strings.Contains(r.stdout, "3 matching documents") || !strings.Contains(r.stdout, "page 1 of 3 (--page 2 shows the next)") {
		t.Errorf("first page of three:\n%s", r.stdout)
	}
	if r := c.ok("search", "--data", dir, "--limit", "1", "--page", "3"); !strings.Contains(r.stdout, "page 3 of 3\n") {
		t.Errorf("last page:\n%s", r.stdout)
	}
	if r := c.ok("search", "--data", dir, "--limit", "1", "--page", "4"); !strings.Contains(r.stdout, "page 4 is past the last page (3)") {
		t.Errorf("past the last page:\n%s", r.stdout)
	}
	if r := c.ok("search", "--data", dir); strings.Contains(r.stdout, "page") {
		t.Errorf("a single page of results talks of pages:\n%s", r.stdout)
	}
	var res struct {
		Total, Page, Pages, PerPage int
		Hits                        []searchHit
	}
	r = c.ok("search", "--data", dir, "--json", "--limit", "2", "--page", "2")
	if err := json.Unmarshal([]byte(strings.ReplaceAll(r.stdout, `"per_page"`, `"perpage"`)), &res); err != nil {
		t.Fatal(err)
	}
	if res.Total != 3 || res.Page != 2 || res.Pages != 2 || res.PerPage != 2 || len(res.Hits) != 1 {
		t.Errorf("search --json --limit 2 --page 2 = total %d, page %d of %d, per_page %d, %d hits; want 3, 2 of 2, 2, 1",
			res.Total, res.Page, res.Pages, res.PerPage, len(res.Hits))
	}
}

// TestExportWARCQueryIsASearch: export warc --query exports the documents
// policywatch search finds for the same query (stemming and all), and
// refuses what search refuses.
func TestExportWARCQueryIsASearch(t *testing.T) {
	c := newCLI(t)
	a, dir := searchApp(t)
	a.Close()
	var res struct{ Total int }
	if err := json.Unmarshal([]byte(c.ok("search", "--data", dir, "--json", "visa").stdout), &res); err != nil || res.Total != 2 {
		t.Fatalf("search visa: %d matches (%v), want the page on visas too", res.Total, err)
	}
	out := t.TempDir()
	if r := c.ok("export", "warc", "--data", dir, "--query", "visa", filepath.Join(out, "visa.warc")); !strings.Contains(r.stdout, ": 2 captures of 2 documents") {
		t.Errorf("export warc --query visa: %s, want the 2 documents search finds", r.stdout)
	}
	for _, tc := range []struct{ q, want string }{
		{"category:nosuch", `there is no category "nosuch"`},
		{"visa source:nosuch", `there is no source "nosuch"`},
		{"visa AND (", "query syntax error"},
		{"nothingmatchesthis", "finds no document; nothing written"},
	} {
		file := filepath.Join(out, "bad.warc")
		r := c.run("export", "warc", "--data", dir, "--query", tc.q, file)
		if r.code == 0 || !strings.Contains(r.stderr, tc.want) || exists(file) {
			t.Errorf("export warc --query %q: exit %d, %q, file written: %v; want an error saying %q", tc.q, r.code, r.stderr, exists(file), tc.want)
		}
	}
}
