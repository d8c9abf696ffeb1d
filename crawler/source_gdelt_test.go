package crawler

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"policywatch/model"
)

// gdeltServer answers the DOC 2.0 API's artlist mode in JSON from a list
// of articles, as the real API does: those seen inside the requested
// window, at most maxrecords of them, oldest first here so a capped
// answer visibly loses its newest articles.
type gdeltServer struct {
	srv      *httptest.Server
	mu       sync.Mutex
	articles []gdeltArticle
	windows  [][2]time.Time // requested windows, in order
	rawQuery []string
	throttle map[string]bool // startdatetime values answered with the API's plain-text complaint
}

type gdeltArticle struct {
	URL, Title string
	Seen       time.Time
}

func newGDELTServer(t *testing.T) *gdeltServer {
	g := &gdeltServer{throttle: map[string]bool{}}
	g.srv = httptest.NewServer(http.HandlerFunc(g.serve))
	t.Cleanup(g.srv.Close)
	return g
}

func (g *gdeltServer) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/api/v2/doc/doc" {
		http.NotFound(w, r)
		return
	}
	q := r.URL.Query()
	from, err1 := time.Parse("20060102150405", q.Get("startdatetime"))
	to, err2 := time.Parse("20060102150405", q.Get("enddatetime"))
	limit, err3 := strconv.Atoi(q.Get("maxrecords"))
	if err1 != nil || err2 != nil || err3 != nil || q.Get("mode") != "artlist" || q.Get("format") != "json" {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprintln(w, "Invalid query parameters.")
		return
	}
	g.mu.Lock()
	g.windows = append(g.windows, [2]time.Time{from, to})
	g.rawQuery = append(g.rawQuery, r.URL.RawQuery)
	throttled := g.throttle[q.Get("startdatetime")]
	var out []map[string]string
	for _, a := range g.articles {
		if a.Seen.Before(from) || a.Seen.After(to) || len(out) >= limit {
			continue
		}
		out = append(out, map[string]string{"url": a.URL, "url_mobile": "", "title": a.Title,
			"seendate": a.Seen.UTC().Format("20060102T150405Z"), "socialimage": "", "domain": "example.org",
			"language": "English", "sourcecountry": "United States"})
	}
	g.mu.Unlock()
	if throttled {
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprintln(w, "Please limit requests to one every 5 seconds or contact kalev.leetaru5@gmail.com for larger queries.")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if len(out) == 0 {
		fmt.Fprint(w, "{}") // the API's answer when nothing matches
		return
	}
	json.NewEncoder(w).Encode(map[string]any{"articles": out})
}

func TestGDELTWalksWindowInSlicesAndSplitsFullOnes(t *testing.T) {
	api := newGDELTServer(t)
	news := newSite(t)  // one outlet
	other := newSite(t) // another: GDELT lists articles on any site
	day := func(d, h int) time.Time { return time.Date(2020, 7, d, h, 0, 0, 0, time.UTC) }

	// 255 sports stories in the first days of July fill the first week's
	// answer; the crawler must split it to reach the law's articles there.
	for i := range 255 {
		api.articles = append(api.articles, gdeltArticle{URL: news.url(fmt.Sprintf("/sports/%d", i)), Title: "Match report",
			Seen: day(1, 0).Add(time.Duration(i) * time.Minute)})
	}
	api.articles = append(api.articles,
		gdeltArticle{URL: news.url("/world/nsl-passed"), Title: "Hong Kong security law passed", Seen: day(1, 6)},
		gdeltArticle{URL: news.url("/world/first-arrests"), Title: "First arrests under the law", Seen: day(2, 9)},
		gdeltArticle{URL: other.url("/asia/uk-bno-offer"), Title: "UK widens BN(O) route", Seen: day(9, 12)},
		gdeltArticle{URL: news.url("/world/outside"), Title: "After the window", Seen: day(20, 0)},
	)
	// sort by seen date: the server fills answers oldest first
	sort.Slice(api.articles, func(i, j int) bool { return api.articles[i].Seen.Before(api.articles[j].Seen) })
	news.add("/world/nsl-passed", htmlType, article("Hong Kong security law passed", "2020-06-30T23:00:00+08:00", prose("the law's passage", 5)))
	news.add("/world/first-arrests", htmlType, article("First arrests under the law", "", prose("the first arrests", 5)))
	other.add("/asia/uk-bno-offer", htmlType, article("UK widens BN(O) route", "", prose("the BN(O) route", 5)))

	sink := newMemSink()
	run := crawl(t, sink, Options{Now: func() time.Time { return day(30, 0) }}, model.Source{
		Name: "gdelt", Kind: model.SourceGDELT, DocKind: model.KindNews,
		URL:     api.srv.URL + "/api/v2/doc/doc",
		Query:   `"hong kong" "national security law"`,
		From:    time.Date(2020, 6, 30, 0, 0, 0, 0, time.UTC),
		To:      time.Date(2020, 7, 10, 0, 0, 0, 0, time.UTC),
		Exclude: []string{`/sports/`},
	})
	if run.Stored != 3 {
		t.Fatalf("stored %d documents, want 3 (errors %v, stored %v)", run.Stored, run.Log, sink.paths())
	}
	if sink.doc("/world/outside") != nil {
		t.Error("an article seen after the window was stored")
	}
	// The page's own date wins; without one, GDELT's seendate is used.
	if d := sink.doc("/world/first-arrests"); d == nil || d.DateSource != model.DateFromAPI || !d.Published.Equal(day(2, 9)) {
		t.Errorf("first arrests: %+v, want the seendate from the API", d)
	}
	if d := sink.doc("/world/nsl-passed"); d == nil || d.DateSource == model.DateFromAPI {
		t.Errorf("law passed: %+v, want the page's own date", d)
	}

	api.mu.Lock()
	defer api.mu.Unlock()
	for _, raw := range api.rawQuery {
		if !strings.Contains(raw, "query=%22hong%20kong%22%20%22national%20security%20law%22") {
			t.Errorf("query sent as %q, want the phrase query with %%20 spaces", raw)
		}
	}
	// The windows that were not split tile the source's window exactly.
	split := map[[2]time.Time]bool{}
	for _, w := range api.windows {
		for _, v := range api.windows {
			if v != w && !v[0].Before(w[0]) && !v[1].After(w[1]) {
				split[w] = true
			}
		}
	}
	var leaves [][2]time.Time
	for _, w := range api.windows {
		if !split[w] {
			leaves = append(leaves, w)
		}
	}
	sort.Slice(leaves, func(i, j int) bool { return leaves[i][0].Before(leaves[j][0]) })
	if len(split) == 0 {
		t.Error("the full first week was not split")
	}
	next := time.Date(2020, 6, 30, 0, 0, 0, 0, time.UTC)
	for _, l := range leaves {
		if !l[0].Equal(next) {
			t.Fatalf("windows %v leave a gap or overlap at %v", leaves, next)
		}
		next = l[1].Add(time.Second)
	}
	if want := time.Date(2020, 7, 11, 0, 0, 0, 0, time.UTC); !next.Equal(want) {
		t.Errorf("windows end at %v, want the end of %v", next, want.AddDate(0, 0, -1))
	}
}

func TestGDELTPlainTextAnswerIsRecorded(t *testing.T) {
	api := newGDELTServer(t)
	api.throttle["20200701000000"] = true
	sink := newMemSink()
	run := crawl(t, sink, Options{}, model.Source{Name: "gdelt", Kind: model.SourceGDELT, DocKind: model.KindNews,
		URL: api.srv.URL + "/api/v2/doc/doc", Query: "hong kong",
		From: time.Date(2020, 7, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2020, 7, 1, 0, 0, 0, 0, time.UTC)})
	if run.Failed != 1 || len(run.Log) != 1 || !strings.HasPrefix(run.Log[0].Reason, "GDELT: Please limit requests") {
		t.Errorf("errors = %v, want the API's own complaint", run.Log)
	}
}
