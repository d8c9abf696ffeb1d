package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/traditionalchinese"

	"policywatch/index"
	"policywatch/model"
	"policywatch/store"
	"policywatch/tagging"
	"policywatch/topic"
	"policywatch/topics"
	"policywatch/warc"
)

// testArchive is a data directory in t.TempDir with its store open.
func testArchive(t *testing.T) *Archive {
	t.Helper()
	dir := Dir(filepath.Join(t.TempDir(), "data"))
	if err := os.MkdirAll(string(dir), 0o755); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(context.Background(), dir.StorePath())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return &Archive{Dir: dir, Store: db, SettleWait: 10 * time.Second}
}

func testTaxonomy(t *testing.T) *tagging.Taxonomy {
	t.Helper()
	data, err := fs.ReadFile(topics.FS, "hk-nsl.taxonomy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tax, err := tagging.ParseTaxonomy(data, "builtin:hk-nsl.taxonomy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return tax
}

// testTopic is a topic about Hong Kong with one sitemap source.
func testTopic(t *testing.T, sitemap string) *topic.Topic {
	t.Helper()
	tp, err := topic.Parse([]byte(`topic:
  name: ingest test
  query: '"hong kong" OR 香港'
  taxonomy: builtin:hk-nsl
crawler:
  user_agent: "policywatch-test/1.0"
  delay: 1ms
  timeout: 5s
sources:
  - name: hkgov
    kind: sitemap
    doc_kind: official
    lang: zh-Hant
    url: '`+sitemap+`'
`), "ingest-test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return tp
}

// big5Page is a Traditional Chinese press release in Big5, which says so
// in its <meta> but not to a server that labels every page UTF-8.
func big5Page(t *testing.T) []byte {
	t.Helper()
	page := `<!DOCTYPE html><html lang="zh-Hant"><head><meta charset="big5"><title>政府回應外國制裁</title>
<meta property="article:published_time" content="2020-08-08T12:00:00+08:00"></head>
<body><main><article><h1>政府回應外國制裁</h1>
<p>香港特別行政區政府今日強烈反對外國政府對香港官員實施所謂制裁。發言人表示，維護國家安全是每個國家的主權，香港國家安全法的實施令社會回復穩定。</p>
<p>發言人指出，外國政府不應干預香港事務。特區政府會繼續依法履行維護國家安全的職責，並保障市民的權利和自由。</p>
<p>發言人又說，有關制裁不會影響特區政府的工作，政府會繼續與各界溝通，解釋法律的內容和目的。</p>
</article></main></body></html>`
	raw, err := traditionalchinese.Big5.NewEncoder().String(page)
	if err != nil {
		t.Fatal(err)
	}
	return []byte(raw)
}

// TestBig5BehindUTF8ReadsTheSameCrawledOrImported: a Big5 page whose
// server claims charset=utf-8 is stored as the same readable document
// whether a crawl fetched it or a WARC file brought it in, because both
// go through Pipeline.Accept. (WARC import once decoded it as UTF-8 and
// stored U+FFFD.)
func TestBig5BehindUTF8ReadsTheSameCrawledOrImported(t *testing.T) {
	ctx := context.Background()
	body := big5Page(t)
	mux := http.NewServeMux()
	var srv *httptest.Server
	mux.HandleFunc("/sitemap.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprintf(w, `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>%s/tc/press/sanctions.htm</loc></url></urlset>`, srv.URL)
	})
	mux.HandleFunc("/tc/press/sanctions.htm", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8") // the server's blanket default
		w.Write(body)
	})
	srv = httptest.NewServer(mux)
	defer srv.Close()
	tp, tax := testTopic(t, srv.URL+"/sitemap.xml"), testTaxonomy(t)

	crawled := testArchive(t)
	run, err := crawled.Crawl(ctx, CrawlConfig{Topic: tp, Taxonomy: tax, AllowPrivate: true})
	if err != nil {
		t.Fatal(err)
	}
	if run.Stored != 1 {
		t.Fatalf("crawl stored %d documents (log %+v), want 1", run.Stored, run.Log)
	}

	var file bytes.Buffer
	w := warc.NewWriter(&file, false)
	if err := w.WriteCapture(warc.Capture{FinalURL: srv.URL + "/tc/press/sanctions.htm", FetchedAt: time.Now().UTC(),
		Status: 200, Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}}, Body: body}); err != nil {
		t.Fatal(err)
	}
	imported := testArchive(t)
	st, err := imported.ImportWARC(ctx, &file, ImportConfig{Topic: tp, Taxonomy: tax})
	if err != nil {
		t.Fatal(err)
	}
	if st.Outcomes[model.OutcomeStored] != 1 {
		t.Fatalf("import: %+v, want the page stored", st)
	}

	var docs [2]*model.Document
	for i, a := range []*Archive{crawled, imported} {
		err := a.Store.EachDocument(ctx, func(d *model.Document) error { docs[i] = d; return nil })
		if err != nil || docs[i] == nil {
			t.Fatalf("archive %d holds no document (%v)", i, err)
		}
		d := docs[i]
		if !strings.Contains(d.Title, "制裁") || !strings.Contains(d.Text, "香港國家安全法") || strings.ContainsRune(d.Text, utf8.RuneError) {
			t.Errorf("%s: not decoded: title %q, text %.60q", []string{"crawl", "import"}[i], d.Title, d.Text)
		}
	}
	if docs[0].Title != docs[1].Title || docs[0].Text != docs[1].Text || docs[0].ContentHash != docs[1].ContentHash {
		t.Errorf("crawl and import stored different documents:\n crawl  %q %.60q\n import %q %.60q", docs[0].Title, docs[0].Text, docs[1].Title, docs[1].Text)
	}
	// Both indexed it (no server held either index).
	for i, a := range []*Archive{crawled, imported} {
		o, err := OwnIndex(ctx, a.Dir, a.Store, OwnOptions{Role: "test"})
		if err != nil {
			t.Fatal(err)
		}
		n, _ := o.Index.Count()
		o.Close()
		if n != 1 {
			t.Errorf("archive %d: index holds %d documents, want 1", i, n)
		}
	}
}

// saveDoc stores a small document as a crawl would.
func saveDoc(t *testing.T, a *Archive, url, text string) int64 {
	t.Helper()
	d := &model.Document{URL: url, Source: "s", Kind: model.KindNews, Title: "On Hong Kong", Text: text, Lang: "en",
		ContentHash: "h-" + text}
	c := &model.Capture{RequestURL: url, FinalURL: url, Status: 200, Body: []byte(text), ContentHash: d.ContentHash}
	if _, err := a.Store.SaveCapture(context.Background(), d, c); err != nil {
		t.Fatal(err)
	}
	return d.ID
}

// TestIndexCatchesUpWithWhatItMissed: documents stored while no process
// held the index (a crawl killed before it indexed anything, a server
// killed between the store and its index) are in the index as soon as a
// process takes it, once each; verify then finds index and store agree.
func TestIndexCatchesUpWithWhatItMissed(t *testing.T) {
	ctx := context.Background()
	a := testArchive(t)
	saveDoc(t, a, "https://a.example/1", "Sanctions on Hong Kong officials.")
	o, err := OwnIndex(ctx, a.Dir, a.Store, OwnOptions{Role: "test"})
	if err != nil {
		t.Fatal(err)
	}
	// Stored, then the process dies before its index hears of it.
	saveDoc(t, a, "https://a.example/2", "Visa restrictions over Hong Kong.")
	amended := saveDoc(t, a, "https://a.example/1", "Sanctions on Hong Kong officials, and on their families.")
	o.Close()
	applied, err := IndexApplied(ctx, a.Dir, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	last, _ := a.Store.LastChange(ctx)
	if applied >= last {
		t.Fatalf("index applied %d of %d changes: nothing was missed", applied, last)
	}

	o, err = OwnIndex(ctx, a.Dir, a.Store, OwnOptions{Role: "test"})
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	if n, err := o.Index.Count(); err != nil || n != 2 {
		t.Errorf("index holds %d documents (%v), want 2", n, err)
	}
	if n, err := o.Apply(ctx); err != nil || n != 0 {
		t.Errorf("a second apply indexed %d (%v), want nothing left", n, err)
	}
	var bad []IndexMismatch
	checked, err := o.Verify(ctx, func(m IndexMismatch) { bad = append(bad, m) })
	if err != nil || checked != 2 || len(bad) != 0 {
		t.Errorf("verify checked %d: %v (%v), want 2 in agreement", checked, bad, err)
	}
	res, err := o.Index.Search(ctx, indexRequest("families"))
	if err != nil || res.Total != 1 || res.Hits[0].ID != amended {
		t.Errorf("search for the amendment: %+v (%v)", res, err)
	}
}

// TestSettleLeavesTheIndexToTheServer: a crawl's end does not wait for
// or touch an index a server holds; the server takes the changes in.
func TestSettleLeavesTheIndexToTheServer(t *testing.T) {
	ctx := context.Background()
	a := testArchive(t)
	srv, err := OwnIndex(ctx, a.Dir, a.Store, OwnOptions{Role: RoleServe, Socket: "/nonexistent.sock"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	var logs bytes.Buffer
	crawlProcess := &Archive{Dir: a.Dir, Store: a.Store, Logger: slog.New(slog.NewTextHandler(&logs, nil)), SettleWait: time.Minute}
	saveDoc(t, a, "https://a.example/1", "Sanctions on Hong Kong officials.")
	start := time.Now()
	if err := crawlProcess.Settle(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if time.Since(start) > 5*time.Second || !strings.Contains(logs.String(), "the server of this data directory indexes the changes") {
		t.Errorf("settle took %s and logged %q; want it to leave the index to the server at once", time.Since(start), logs.String())
	}
	if n, _ := srv.Index.Count(); n != 0 {
		t.Fatalf("the index changed under its server")
	}
	if n, err := srv.Apply(ctx); err != nil || n != 1 {
		t.Errorf("the server applied %d (%v), want the crawl's document", n, err)
	}
	if _, err := OwnIndex(ctx, a.Dir, a.Store, OwnOptions{Role: "search"}); err == nil || !strings.Contains(err.Error(), "a server holds the search index") {
		t.Errorf("a second holder while serving: %v, want it told a server holds the index", err)
	}
}

func indexRequest(q string) index.Request { return index.Request{Query: q, PerPage: 10} }

// TestWebhookHearsOfEachMatchOnce: the crawl that ends its run tells the
// webhook, the server that takes the index next tells it nothing again,
// and two notifications at once (a scheduled crawl's end and the
// server's loop) deliver a new match once.
func TestWebhookHearsOfEachMatchOnce(t *testing.T) {
	ctx := context.Background()
	a := testArchive(t)
	var mu sync.Mutex
	var got []AlertPayload
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p AlertPayload
		if err := json.NewDecoder(r.Body).Decode(&p); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		mu.Lock()
		got = append(got, p)
		mu.Unlock()
	}))
	defer hook.Close()
	take := func() []AlertPayload {
		mu.Lock()
		defer mu.Unlock()
		p := got
		got = nil
		return p
	}
	db := a.Store.(*store.DB)
	if err := db.SaveSearch(ctx, &store.SavedSearch{Name: "sanctions", Params: "q=sanctions", Webhook: hook.URL}); err != nil {
		t.Fatal(err)
	}
	first := saveDoc(t, a, "https://a.example/1", "Sanctions on Hong Kong officials.")
	saveDoc(t, a, "https://a.example/2", "Visa restrictions over Hong Kong.")

	// By default a delivery dials public addresses only: the hook on
	// 127.0.0.1 hears nothing, and is told later.
	guarded, err := OwnIndex(ctx, a.Dir, a.Store, OwnOptions{Role: "settle"})
	if err != nil {
		t.Fatal(err)
	}
	guarded.Notify(ctx, 1)
	guarded.Close()
	if p := take(); len(p) != 0 {
		t.Fatalf("a webhook on a loopback address was told without --allow-private: %+v", p)
	}

	crawl, err := OwnIndex(ctx, a.Dir, a.Store, OwnOptions{Role: "settle"})
	if err != nil {
		t.Fatal(err)
	}
	crawl.AllowPrivate = true // the test's hook is on 127.0.0.1
	crawl.Notify(ctx, 1)
	crawl.Close()
	if p := take(); len(p) != 1 || p[0].Count != 1 || p[0].Matches[0].ID != first || p[0].RunID != 1 {
		t.Fatalf("after the crawl: %+v, want one delivery of document %d", p, first)
	}

	server, err := OwnIndex(ctx, a.Dir, a.Store, OwnOptions{Role: RoleServe})
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	server.AllowPrivate = true
	server.Notify(ctx, 1)
	if p := take(); len(p) != 0 {
		t.Fatalf("the server told the webhook again: %+v", p)
	}
	second := saveDoc(t, a, "https://a.example/3", "New sanctions announced over Hong Kong.")
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() { defer wg.Done(); server.Notify(ctx, 2) }()
	}
	wg.Wait()
	if p := take(); len(p) != 1 || p[0].Count != 1 || p[0].Matches[0].ID != second {
		t.Fatalf("two notifications at once: %+v, want one delivery of document %d", p, second)
	}
}
