package crawler

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"policywatch/model"
)

type govukResult struct {
	Link, Title, Timestamp string
}

// govukServer answers the GOV.UK search API (results newest first, paged
// by start and count) and serves the pages its links name.
type govukServer struct {
	srv     *httptest.Server
	mu      sync.Mutex
	results []govukResult
	pages   map[string]string
	starts  []int
	fetched map[string]bool
}

func newGovUKServer(t *testing.T) *govukServer {
	g := &govukServer{pages: map[string]string{}, fetched: map[string]bool{}}
	g.srv = httptest.NewServer(http.HandlerFunc(g.serve))
	t.Cleanup(g.srv.Close)
	return g
}

func (g *govukServer) serve(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if r.URL.Path == "/api/search.json" {
		q := r.URL.Query()
		if q.Get("filter_world_locations") != "hong-kong" {
			http.Error(w, `{"error":"missing filter"}`, http.StatusUnprocessableEntity)
			return
		}
		start, _ := strconv.Atoi(q.Get("start"))
		count, _ := strconv.Atoi(q.Get("count"))
		g.starts = append(g.starts, start)
		var out []map[string]any
		for i := start; i < len(g.results) && i < start+count; i++ {
			res := g.results[i]
			out = append(out, map[string]any{"link": res.Link, "title": res.Title, "public_timestamp": res.Timestamp,
				"format": "press_release", "description": "", "es_score": nil, "index": "govuk", "document_type": "edition"})
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		json.NewEncoder(w).Encode(map[string]any{"results": out, "total": len(g.results), "start": start,
			"facets": map[string]any{}, "suggested_queries": []string{}})
		return
	}
	g.fetched[r.URL.Path] = true
	page, ok := g.pages[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprint(w, page)
}

func TestGovUKSearchPagesWithinWindow(t *testing.T) {
	g := newGovUKServer(t)
	g.results = []govukResult{
		{"/government/news/march-2021-update", "Six-monthly report on Hong Kong", "2021-03-15T10:00:00.000+00:00"},
		{"/government/news/bno-route-opens", "Hong Kong BN(O) visa route opens", "2020-11-01T09:30:00.000+00:00"},
		{"/government/speeches/foreign-secretary-statement", "Foreign Secretary statement on Hong Kong", "2020-07-01T12:00:00.000+01:00"},
		{"/government/news/may-2020-joint-statement", "Joint statement on Hong Kong", "2020-05-28T17:00:00.000+01:00"},
		{"/government/news/december-2019", "Hong Kong update", "2019-12-01T09:00:00.000+00:00"},
	}
	for _, r := range g.results {
		g.pages[r.Link] = article(r.Title, "", prose(r.Title, 5))
	}
	sink := newMemSink()
	run := crawl(t, sink, Options{}, model.Source{Name: "uk", Kind: model.SourceGovUK, DocKind: model.KindOfficial,
		URL:  g.srv.URL + "/api/search.json?filter_world_locations=hong-kong&order=-public_timestamp&count=2",
		From: time.Date(2020, 6, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2021, 1, 31, 0, 0, 0, 0, time.UTC)})
	if run.Stored != 2 || run.Failed != 0 {
		t.Fatalf("stored %d, failed %d (errors %v): want the two results inside the window", run.Stored, run.Failed, run.Log)
	}
	d := sink.doc("/government/speeches/foreign-secretary-statement")
	if d == nil {
		t.Fatalf("stored %v", sink.paths())
	}
	if d.DateSource != model.DateFromAPI || d.Published.Format(time.RFC3339) != "2020-07-01T12:00:00+01:00" {
		t.Errorf("published %v from %q, want public_timestamp from the API", d.Published, d.DateSource)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	// Newest first: the page reaching before June 2020 is the last one read.
	if fmt.Sprint(g.starts) != "[0 2]" {
		t.Errorf("result pages requested at %v, want [0 2]", g.starts)
	}
	for _, p := range []string{"/government/news/march-2021-update", "/government/news/may-2020-joint-statement"} {
		if g.fetched[p] {
			t.Errorf("fetched %s, outside the window", p)
		}
	}
}

func TestGovUKPagesToTheEndWithoutWindow(t *testing.T) {
	g := newGovUKServer(t)
	for i := range 5 {
		link := fmt.Sprintf("/government/news/item-%d", i)
		g.results = append(g.results, govukResult{link, fmt.Sprintf("Hong Kong item %d", i), "2020-07-01T12:00:00Z"})
		g.pages[link] = article(fmt.Sprintf("Hong Kong item %d", i), "", prose(fmt.Sprintf("item %d", i), 5))
	}
	sink := newMemSink()
	run := crawl(t, sink, Options{}, model.Source{Name: "uk", Kind: model.SourceGovUK, DocKind: model.KindOfficial,
		URL: g.srv.URL + "/api/search.json?filter_world_locations=hong-kong&order=-public_timestamp&count=2"})
	if run.Stored != 5 {
		t.Errorf("stored %d of 5 results (errors %v)", run.Stored, run.Log)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if fmt.Sprint(g.starts) != "[0 2 4]" {
		t.Errorf("result pages requested at %v, want [0 2 4]", g.starts)
	}
}
