package crawler

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"policywatch/model"
)

// waybackServer speaks the Wayback Machine's CDX API (JSON output, first
// row naming the columns) and serves captures at /web/TSid_/ORIGINAL.
type waybackServer struct {
	srv     *httptest.Server
	mu      sync.Mutex
	cdx     func(q map[string][]string) [][]string // answer rows after the header
	pages   map[string]string                      // "TS ORIGINAL" → HTML
	queries []map[string][]string
	fetched []string // capture paths requested
}

func newWaybackServer(t *testing.T) *waybackServer {
	w := &waybackServer{pages: map[string]string{}}
	w.srv = httptest.NewServer(http.HandlerFunc(w.serve))
	t.Cleanup(w.srv.Close)
	return w
}

func (w *waybackServer) serve(rw http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/cdx/search/cdx":
		q := r.URL.Query()
		w.mu.Lock()
		w.queries = append(w.queries, q)
		rows := w.cdx(q)
		w.mu.Unlock()
		out := [][]string{{"urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"}}
		if len(rows) == 0 {
			rw.Header().Set("Content-Type", "application/json")
			fmt.Fprint(rw, "[]") // the CDX API's empty answer has no header row
			return
		}
		rw.Header().Set("Content-Type", "application/json")
		json.NewEncoder(rw).Encode(append(out, rows...))
	case strings.HasPrefix(r.URL.Path, "/web/"):
		rest := strings.TrimPrefix(r.URL.Path, "/web/")
		ts, orig, ok := strings.Cut(rest, "id_/")
		w.mu.Lock()
		w.fetched = append(w.fetched, r.URL.Path)
		page, found := w.pages[ts+" "+orig]
		w.mu.Unlock()
		if !ok || !found {
			http.NotFound(rw, r)
			return
		}
		t, _ := time.Parse("20060102150405", ts)
		rw.Header().Set("Content-Type", "text/html; charset=utf-8")
		rw.Header().Set("Memento-Datetime", t.Format(http.TimeFormat))
		fmt.Fprint(rw, page)
	default:
		http.NotFound(rw, r)
	}
}

func cdxRow(ts, original, digest string) []string {
	return []string{"gov,state)/x", ts, original, "text/html", "200", digest, "12345"}
}

func TestWaybackBackfillKeepsOriginalURLAndCaptureTime(t *testing.T) {
	wb := newWaybackServer(t)
	const prefix = "https://www.state.gov/hong-kong/"
	statement := "https://www.state.gov/hong-kong/sanctions-statement/"
	wb.cdx = func(q map[string][]string) [][]string {
		return [][]string{
			cdxRow("20200715093000", statement, "AAA"),
			cdxRow("20200801120000", statement, "BBB"), // a later capture of the same page
			cdxRow("20200720100000", "https://www.state.gov/hong-kong/visa-restrictions/", "CCC"),
			cdxRow("20200720100500", "https://www.state.gov/hong-kong/flower-show/", "DDD"), // off-topic
		}
	}
	canonical := `<link rel="canonical" href="` + statement + `">`
	wb.pages["20200715093000 "+statement] = strings.Replace(article("Sanctions on officials", "2020-07-14T17:00:00-04:00",
		prose("sanctions", 5)), "</head>", canonical+"</head>", 1)
	wb.pages["20200801120000 "+statement] = article("Sanctions on officials (updated)", "", prose("updated sanctions", 5))
	wb.pages["20200720100000 https://www.state.gov/hong-kong/visa-restrictions/"] = article("Visa restrictions", "", prose("visa restrictions", 5))
	wb.pages["20200720100500 https://www.state.gov/hong-kong/flower-show/"] = offTopic("Flower show")

	sink := newMemSink()
	run := crawl(t, sink, Options{}, model.Source{Name: "state-backfill", Kind: model.SourceWayback, DocKind: model.KindOfficial,
		URL: prefix, Archive: wb.srv.URL, Query: "hong-kong",
		From: time.Date(2020, 5, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2020, 12, 31, 0, 0, 0, 0, time.UTC)})
	if run.Stored != 2 || run.Failed != 0 {
		t.Fatalf("stored %d, failed %d (errors %v), want 2 stored", run.Stored, run.Failed, run.Log)
	}

	d := sink.doc("/sanctions-statement/")
	if d == nil || d.URL != statement {
		t.Fatalf("stored %v, want the document under its original URL %s", sink.paths(), statement)
	}
	if d.Title != "Sanctions on officials" {
		t.Errorf("title %q: want the earliest capture's", d.Title)
	}
	c := sink.captures[statement]
	wantArchive := wb.srv.URL + "/web/20200715093000id_/" + statement
	if c.RequestURL != wantArchive || c.FinalURL != wantArchive {
		t.Errorf("capture request %q final %q, want the archive's address %q", c.RequestURL, c.FinalURL, wantArchive)
	}
	if got := c.Header.Get("Memento-Datetime"); got != "Wed, 15 Jul 2020 09:30:00 GMT" {
		t.Errorf("Memento-Datetime %q, want the capture time", got)
	}

	wb.mu.Lock()
	defer wb.mu.Unlock()
	for _, p := range wb.fetched {
		if strings.Contains(p, "20200801120000") {
			t.Errorf("fetched the later capture %s as well", p)
		}
	}
	q := wb.queries[0]
	for k, want := range map[string]string{"url": prefix, "matchType": "prefix", "from": "20200501", "to": "20201231",
		"output": "json", "collapse": "digest"} {
		if len(q[k]) != 1 || q[k][0] != want {
			t.Errorf("CDX %s = %v, want %q", k, q[k], want)
		}
	}
	if strings.Join(q["filter"], ",") != "statuscode:200,mimetype:text/html,original:hong-kong" {
		t.Errorf("CDX filters = %v", q["filter"])
	}
}

func TestWaybackSplitsAFullCDXAnswer(t *testing.T) {
	wb := newWaybackServer(t)
	const late = "https://www.state.gov/hong-kong/late-statement/"
	wb.cdx = func(q map[string][]string) [][]string {
		from, to := q["from"][0], q["to"][0]
		if from == "20200101" && to == "20201231" {
			// Full: thousands of captures of one busy page hide the rest.
			var rows [][]string
			for i := range cdxLimit {
				ts := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Hour).Format("20060102150405")
				rows = append(rows, cdxRow(ts, "https://www.state.gov/hong-kong/", fmt.Sprint(i)))
			}
			return rows
		}
		if from > "20200701" {
			return [][]string{cdxRow("20201105080000", late, "L")}
		}
		return nil
	}
	wb.pages["20201105080000 "+late] = article("A later statement on Hong Kong", "2020-11-05T08:00:00Z", prose("a later statement", 5))

	sink := newMemSink()
	run := crawl(t, sink, Options{}, model.Source{Name: "wb", Kind: model.SourceWayback, DocKind: model.KindOfficial,
		URL: "https://www.state.gov/hong-kong/", Archive: wb.srv.URL, Query: "statement",
		From: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2020, 12, 31, 0, 0, 0, 0, time.UTC)})
	if sink.doc("/late-statement/") == nil {
		t.Fatalf("the capture only the split found was not stored: %v (errors %v)", sink.paths(), run.Log)
	}
	wb.mu.Lock()
	defer wb.mu.Unlock()
	if len(wb.queries) != 3 {
		t.Fatalf("%d CDX queries, want the full one and its two halves", len(wb.queries))
	}
	h1, h2 := wb.queries[1], wb.queries[2]
	if h1["from"][0] > h2["from"][0] {
		h1, h2 = h2, h1
	}
	if h1["from"][0] != "20200101000000" || h2["to"][0] != "20201231235959" {
		t.Errorf("halves %s..%s and %s..%s do not cover the year", h1["from"][0], h1["to"][0], h2["from"][0], h2["to"][0])
	}
	if fmt.Sprint(h1["filter"]) != fmt.Sprint(wb.queries[0]["filter"]) || fmt.Sprint(h2["filter"]) != fmt.Sprint(h1["filter"]) {
		t.Errorf("halves filter %v and %v, want the first query's %v", h1["filter"], h2["filter"], wb.queries[0]["filter"])
	}
	end, _ := time.Parse(cdxTimeLayout, h1["to"][0])
	start, _ := time.Parse(cdxTimeLayout, h2["from"][0])
	if start.Sub(end) != time.Second {
		t.Errorf("halves end %v and start %v: want them adjacent", end, start)
	}
}

func TestPadCDX(t *testing.T) {
	for _, tc := range []struct{ in, from, to string }{
		{"2020", "20200101000000", "20201231235959"},
		{"202002", "20200201000000", "20200229235959"},
		{"20201231", "20201231000000", "20201231235959"},
		{"20200715093000", "20200715093000", "20200715093000"},
	} {
		if got := padCDX(tc.in, '0'); got != tc.from {
			t.Errorf("from %s = %s, want %s", tc.in, got, tc.from)
		}
		if got := padCDX(tc.in, '9'); got != tc.to {
			t.Errorf("to %s = %s, want %s", tc.in, got, tc.to)
		}
	}
}

func TestBackfillSkipsPagesAlreadyStored(t *testing.T) {
	wb := newWaybackServer(t)
	pages := []string{"https://www.state.gov/hong-kong/a/", "https://www.state.gov/hong-kong/b/"}
	wb.cdx = func(q map[string][]string) [][]string {
		return [][]string{cdxRow("20200715093000", pages[0], "A"), cdxRow("20200716093000", pages[1], "B")}
	}
	for i, p := range pages {
		wb.pages[map[int]string{0: "20200715093000", 1: "20200716093000"}[i]+" "+p] = article(fmt.Sprintf("Statement %d on Hong Kong", i), "", prose(fmt.Sprint("statement ", i), 5))
	}
	src := model.Source{Name: "wb", Kind: model.SourceWayback, DocKind: model.KindOfficial, URL: "https://www.state.gov/hong-kong/", Archive: wb.srv.URL}
	sink := newMemSink()
	if run := crawl(t, sink, Options{}, src); run.Stored != 2 {
		t.Fatalf("first run stored %d, want 2 (errors %v)", run.Stored, run.Log)
	}
	wb.mu.Lock()
	first := len(wb.fetched)
	wb.mu.Unlock()
	run := crawl(t, sink, Options{}, src)
	wb.mu.Lock()
	again := len(wb.fetched) - first
	wb.mu.Unlock()
	if again != 0 || run.Stored+run.Unchanged+run.Updated != 0 {
		t.Errorf("second run fetched %d archived pages again (run %+v), want none: both are stored", again, run)
	}
}
