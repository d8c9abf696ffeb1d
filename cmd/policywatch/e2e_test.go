package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"policywatch/crawler"
	"policywatch/demoweb"
	"policywatch/index"
	"policywatch/model"
	"policywatch/store"
	"policywatch/topic"
)

// demoRun is one crawl of the demo web shared by the end-to-end tests: the
// crawl is the expensive part, the checks are cheap.
type demoRun struct {
	web   *demoweb.Web
	app   *app
	run   *model.CrawlRun
	truth []demoweb.PageTruth
	took  time.Duration
}

var (
	demoOnce sync.Once
	demo     *demoRun
	demoErr  error
)

func crawlDemo(t *testing.T) *demoRun {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end crawl of the demo web skipped in -short mode")
	}
	demoOnce.Do(func() {
		ctx := context.Background()
		start := time.Now()
		web, err := demoweb.Start(ctx)
		if err != nil {
			demoErr = err
			return
		}
		dir, err := os.MkdirTemp("", "policywatch-e2e-")
		if err != nil {
			demoErr = err
			return
		}
		tp, err := topic.Parse(web.TopicYAML(), "demo-topic.yaml")
		if err != nil {
			demoErr = err
			return
		}
		tax, err := loadTaxonomy(tp)
		if err != nil {
			demoErr = err
			return
		}
		a, err := openApp(ctx, dir, slog.New(slog.DiscardHandler))
		if err != nil {
			demoErr = err
			return
		}
		a.allowPrivate = true // the demo web listens on 127.0.0.1
		run, err := a.crawl(ctx, tp, tax, nil)
		if err != nil {
			demoErr = err
			return
		}
		truth, err := demoweb.Truth()
		if err != nil {
			demoErr = err
			return
		}
		demo = &demoRun{web: web, app: a, run: run, truth: truth, took: time.Since(start)}
	})
	if demoErr != nil {
		t.Fatalf("crawl demo web: %v", demoErr)
	}
	return demo
}

func TestMain(m *testing.M) {
	code := m.Run()
	if demo != nil {
		demo.app.Close()
		demo.web.Close()
		os.RemoveAll(demo.app.dir)
	}
	if cliDir != "" { // cli_test.go's binary
		os.RemoveAll(cliDir)
	}
	os.Exit(code)
}

// stored finds the document a demo page was stored as, following aliases.
func (d *demoRun) stored(t *testing.T, pt demoweb.PageTruth) (*model.Document, bool) {
	t.Helper()
	u, err := crawler.NormalizeURL(d.web.PageURL(pt))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := d.app.db.DocumentByURL(context.Background(), u)
	if errors.Is(err, store.ErrNotFound) {
		return nil, false
	}
	if err != nil {
		t.Fatal(err)
	}
	return doc, true
}

func TestDemoStoresOnTopicPagesOnce(t *testing.T) {
	d := crawlDemo(t)
	ctx := context.Background()
	t.Logf("demo crawl and index took %s: %+v", d.took.Round(time.Millisecond), *d.run)
	for _, e := range d.run.Logged(model.OutcomeFailed) { // dropped pages (off-topic, duplicates) are not errors
		if strings.Contains(e.Reason, "robots.txt") {
			continue // the demo's robots.txt disallows private areas on purpose
		}
		t.Errorf("crawl error on a demo page: %s: %s", e.URL, e.Reason)
	}

	wantPerSite := map[string]int{}
	gotPerSite := map[string]int{}
	syndicated := map[string]map[int64]bool{}
	for _, pt := range d.truth {
		doc, ok := d.stored(t, pt)
		if !pt.Topic {
			if ok {
				t.Errorf("off-topic page %s%s was stored", pt.Site, pt.Path)
			}
			continue
		}
		if !ok {
			t.Errorf("on-topic page %s%s (%q) was not stored", pt.Site, pt.Path, pt.Title)
			continue
		}
		if pt.Syndication != "" {
			if syndicated[pt.Syndication] == nil {
				syndicated[pt.Syndication] = map[int64]bool{}
			}
			syndicated[pt.Syndication][doc.ID] = true
			continue
		}
		wantPerSite[pt.Site]++
		if doc.Title != pt.Title {
			t.Errorf("%s%s: title %q, want %q", pt.Site, pt.Path, doc.Title, pt.Title)
		}
		if pt.Published != "" && doc.Published.Format("2006-01-02") != pt.Published {
			t.Errorf("%s%s: published %s (from %s), want %s", pt.Site, pt.Path,
				doc.Published.Format("2006-01-02"), doc.DateSource, pt.Published)
		}
	}
	for group, ids := range syndicated {
		if len(ids) != 1 {
			t.Errorf("syndicated story %s stored as %d documents, want 1", group, len(ids))
		}
	}

	// Per source: every stored document belongs to a page of the truth.
	err := d.app.db.EachDocument(ctx, func(doc *model.Document) error {
		u, _ := url.Parse(doc.URL)
		for _, site := range d.web.Sites() {
			if strings.HasPrefix(d.web.URL(site), u.Scheme+"://"+u.Host) {
				gotPerSite[site]++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sites := slices.Sorted(func(yield func(string) bool) {
		for s := range wantPerSite {
			if !yield(s) {
				return
			}
		}
	})
	for _, site := range sites {
		t.Logf("%-14s stored %3d documents, ground truth %3d (+ syndicated copies)", site, gotPerSite[site], wantPerSite[site])
	}
	total, _ := d.app.db.CountDocuments(ctx)
	want := len(syndicated)
	for _, n := range wantPerSite {
		want += n
	}
	if total != want {
		t.Errorf("store holds %d documents, ground truth has %d distinct on-topic documents", total, want)
	}
}

func TestDemoTagsMatchGroundTruth(t *testing.T) {
	d := crawlDemo(t)
	type counts struct{ tp, fp, fn int }
	perCategory := map[string]*counts{}
	get := func(c string) *counts {
		if perCategory[c] == nil {
			perCategory[c] = &counts{}
		}
		return perCategory[c]
	}
	for _, pt := range d.truth {
		if !pt.Topic {
			continue
		}
		doc, ok := d.stored(t, pt)
		if !ok {
			continue
		}
		got := doc.Categories()
		for _, c := range pt.Categories {
			if slices.Contains(got, c) {
				get(c).tp++
			} else {
				get(c).fn++
			}
		}
		for _, c := range got {
			if !slices.Contains(pt.Categories, c) {
				get(c).fp++
			}
		}
	}
	var names []string
	for c := range perCategory {
		names = append(names, c)
	}
	sort.Strings(names)
	for _, c := range names {
		n := perCategory[c]
		p := ratio(n.tp, n.tp+n.fp)
		r := ratio(n.tp, n.tp+n.fn)
		t.Logf("category %-17s precision %.2f recall %.2f (tp %d fp %d fn %d)", c, p, r, n.tp, n.fp, n.fn)
		// The tagging issue's targets, after real fetching and extraction.
		if p < 0.90 || r < 0.85 {
			t.Errorf("category %s: precision %.2f recall %.2f below the targets 0.90/0.85", c, p, r)
		}
	}
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// TestDemoTimelineMatchesEvents checks that the events of
// ../shared/timeline/events.csv that the demo web reports appear on the
// timeline on their day, for the issuing actor and category.
func TestDemoTimelineMatchesEvents(t *testing.T) {
	d := crawlDemo(t)
	ctx := context.Background()
	events, err := d.app.db.Events(ctx, store.EventFilter{})
	if err != nil {
		t.Fatal(err)
	}
	// An event is on the timeline under each of its categories (one
	// announcement of several kinds is one event in several lanes).
	have := map[string]bool{}
	for _, e := range events {
		cats := e.Categories
		if len(cats) == 0 {
			cats = []string{e.Category}
		}
		for _, c := range cats {
			have[e.Actors[0]+"/"+c+"/"+e.Date.Format("2006-01-02")] = true
		}
	}
	// The events the demo web covers: a page with that event date whose
	// issuer and category match a row of events.csv.
	rows := readEventsCSV(t)
	covered := map[string]bool{}
	for _, pt := range d.truth {
		if !pt.Topic || pt.EventDate == "" || len(pt.Actors) == 0 {
			continue
		}
		for _, c := range pt.Categories {
			key := pt.Actors[0] + "/" + c + "/" + pt.EventDate
			if rows[key] {
				covered[key] = true
			}
		}
	}
	if len(covered) < 20 {
		t.Fatalf("the demo web covers only %d events of events.csv", len(covered))
	}
	var missing []string
	for key := range covered {
		if !have[key] {
			missing = append(missing, key)
		}
	}
	sort.Strings(missing)
	recall := 1 - float64(len(missing))/float64(len(covered))
	t.Logf("timeline: %d events; events.csv events covered by the demo: %d; found on their day: %.2f", len(events), len(covered), recall)
	for _, m := range missing {
		t.Logf("missing on the timeline: %s", m)
	}
	if recall < 0.8 {
		t.Errorf("event recall %.2f below 0.80", recall)
	}
	// The four lanes of the first cut, each with a correctly dated event.
	for _, key := range []string{"us/visa-restriction/2020-06-26", "us/export-control/2020-06-29",
		"us/sanction/2020-08-07", "canada/extradition/2020-07-03"} {
		if !have[key] {
			t.Errorf("timeline lacks %s", key)
		}
	}
	reactions := 0
	for _, e := range events {
		if e.Category == "statement" && e.Actors[0] != "us" && e.Actors[0] != "china" {
			reactions++
		}
	}
	if reactions == 0 {
		t.Errorf("no international reactions on the timeline")
	}
}

func readEventsCSV(t *testing.T) map[string]bool {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "..", "shared", "timeline", "events.csv"))
	if err != nil {
		t.Skipf("events.csv not available: %v", err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, r := range recs[1:] {
		out[r[1]+"/"+r[2]+"/"+r[0]] = true
	}
	return out
}

func TestDemoSearch(t *testing.T) {
	d := crawlDemo(t)
	ctx := context.Background()

	res, err := d.app.ix.Search(ctx, index.Request{Query: "visa restrictions", PerPage: 3})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, h := range res.Hits {
		if h.Source != "" && strings.Contains(h.URL, hostOf(d.web.URL("state"))) && h.Published.Format("2006-01-02") == "2020-06-26" {
			found = true
		}
	}
	if !found {
		t.Errorf("\"visa restrictions\": the State Department statement of 2020-06-26 is not in the first three hits: %+v", res.Hits)
	}

	res, err = d.app.ix.Search(ctx, index.Request{Query: "國家安全", PerPage: 50})
	if err != nil {
		t.Fatal(err)
	}
	var big5 []demoweb.PageTruth
	for _, pt := range d.truth {
		if pt.Site == "hkgov" && strings.HasPrefix(pt.Path, "/tc/") && pt.Topic {
			big5 = append(big5, pt)
		}
	}
	if len(big5) == 0 {
		t.Fatal("the demo web has no Traditional Chinese pages")
	}
	hitIDs := map[int64]bool{}
	for _, h := range res.Hits {
		hitIDs[h.ID] = true
	}
	for _, pt := range big5 {
		doc, ok := d.stored(t, pt)
		if !ok {
			t.Errorf("Chinese page %s not stored", pt.Path)
			continue
		}
		if !strings.Contains(doc.Title+doc.Text, "國家安全") && !strings.Contains(doc.Title+doc.Text, "香港") {
			t.Errorf("Chinese page %s stored without readable Chinese: %.80q", pt.Path, doc.Text)
		}
		if strings.Contains(doc.Title+doc.Text, "國家安全") && !hitIDs[doc.ID] {
			t.Errorf("國家安全 does not find %s", pt.Path)
		}
	}
}

func hostOf(u string) string {
	p, _ := url.Parse(u)
	return p.Host
}

// serveUI serves the demo crawl's UI over httptest until the test ends.
func (d *demoRun) serveUI(t *testing.T) *httptest.Server {
	t.Helper()
	tax, err := defaultTaxonomy()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := d.app.newWeb(tax)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts
}

func TestDemoWebUI(t *testing.T) {
	d := crawlDemo(t)
	ts := d.serveUI(t)

	get := func(path string) (int, string, http.Header) {
		t.Helper()
		resp, err := http.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body), resp.Header
	}

	status, body, _ := get("/api/search?q=" + url.QueryEscape(`visa AND (restrictions`))
	if status != http.StatusBadRequest || !strings.Contains(body, "position") {
		t.Errorf("syntax error in the API: %d %s, want 400 naming the position", status, body)
	}
	status, body, _ = get("/?q=" + url.QueryEscape(`"visa restrictions`))
	if status != http.StatusBadRequest || !strings.Contains(strings.ToLower(body), "position") {
		t.Errorf("syntax error in the UI: %d, want a readable 400 page naming the position", status)
	}

	status, body, _ = get("/api/timeline?category=visa-restriction&actor=us")
	var tl struct {
		Events []struct {
			Date, Title, Category string
			Documents             []struct{ URL string }
		}
	}
	if status != http.StatusOK || json.Unmarshal([]byte(body), &tl) != nil || len(tl.Events) == 0 {
		t.Fatalf("timeline API: %d %.200s", status, body)
	}
	if tl.Events[0].Date != "2020-06-26" {
		t.Errorf("first U.S. visa restriction dated %s, want 2020-06-26", tl.Events[0].Date)
	}

	// An archived copy whose page carries scripts must render inert.
	for _, pt := range d.truth {
		doc, ok := d.stored(t, pt)
		if !ok {
			continue
		}
		caps, err := d.app.db.Captures(context.Background(), doc.ID)
		if err != nil || len(caps) == 0 {
			t.Fatalf("captures of %d: %v", doc.ID, err)
		}
		full, _ := d.app.db.Capture(context.Background(), caps[0].ID)
		if !bytes.Contains(bytes.ToLower(full.Body), []byte("<script")) {
			continue
		}
		status, body, hdr := get(fmt.Sprintf("/documents/%d/captures/%d", doc.ID, caps[0].ID))
		if status != http.StatusOK {
			t.Fatalf("archived copy: status %d", status)
		}
		if strings.Contains(strings.ToLower(body), "<script") {
			t.Errorf("archived copy of %s renders a <script> element", doc.URL)
		}
		if !strings.Contains(hdr.Get("Content-Security-Policy"), "sandbox") {
			t.Errorf("archived copy served without a sandboxing CSP: %q", hdr.Get("Content-Security-Policy"))
		}
		return
	}
	t.Error("no demo page carries a <script> to check the archived copy against")
}

func TestMalformedConfigNamesFileLineAndField(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "bad.yaml")
	os.WriteFile(cfg, []byte("topic:\n  name: x\n  query: hong\ncrawler:\n  user_agent: t\nsources:\n  - name: a\n    kind: rss\n    doc_kind: news\n    url: https://example.org/\n"), 0o644)
	var out bytes.Buffer
	err := run(context.Background(), []string{"crawl", "--config", cfg, "--data", dir}, &out, &out)
	if err == nil || !strings.Contains(err.Error(), cfg+":8: sources[0].kind") {
		t.Errorf("error = %v, want it to name %s, line 8 and sources[0].kind", err, cfg)
	}
}
