package web

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"policywatch/index"
)

// slowIndex answers "slow" queries only when their context ends, as a
// costly search stopped by its deadline or its client does; anything
// else at once.
type slowIndex struct {
	*fakeIndex // what the pages need besides searches
	started    chan struct{}
}

func (x *slowIndex) Search(ctx context.Context, r index.Request) (*index.Result, error) {
	if !strings.Contains(r.Query, "slow") {
		return &index.Result{}, nil
	}
	select {
	case x.started <- struct{}{}:
	default:
	}
	<-ctx.Done()
	return nil, ctx.Err()
}

func limitedServer(t *testing.T, ix Searcher, maxSearches int, timeout time.Duration) http.Handler {
	t.Helper()
	st, _ := fixtures()
	s, err := New(Config{Store: st, Index: ix, MaxSearches: maxSearches, SearchTimeout: timeout,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return s.Handler()
}

// TestHostileQueryIsRefusedEverywhere: the attack probe's query of 200
// OR'ed prefixes is refused, within the search deadline, with the limit
// named, by every route that searches: the page, the API, the
// histograms, the feed and the exports.
func TestHostileQueryIsRefusedEverywhere(t *testing.T) {
	_, ix := openArchive(t)
	const timeout = 5 * time.Second
	h := limitedServer(t, ix, 1, timeout)
	var parts []string
	for i := range 200 {
		parts = append(parts, string(rune('a'+i%26))+string(rune('a'+i/26))+"*")
	}
	q := url.QueryEscape(strings.Join(parts, " OR "))
	for _, path := range []string{"/", "/api/search", "/api/search/histogram", "/search/histogram.svg",
		"/feeds/search.atom", "/export/search.csv", "/export/search.jsonl", "/export/search.bib"} {
		start := time.Now()
		res, body := get(t, h, path+"?q="+q)
		if took := time.Since(start); took > timeout {
			t.Errorf("%s took %s, longer than the search deadline", path, took)
		}
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "at most 100") {
			t.Errorf("%s: %d %.200q, want 400 naming the limit of 100 terms", path, res.StatusCode, body)
		}
	}
	// The API says which limit and where.
	_, body := get(t, h, "/api/search?q="+q)
	var e struct {
		Limit    string `json:"limit"`
		Max      int    `json:"max"`
		Position int    `json:"position"`
	}
	if err := json.Unmarshal([]byte(body), &e); err != nil || e.Limit != index.LimitTerms || e.Max != 100 || e.Position == 0 {
		t.Errorf("API error %s: want limit, max and position", body)
	}
	// And the slot is free again for the next reader.
	if res, _ := get(t, h, "/api/search?q=visa"); res.StatusCode != http.StatusOK {
		t.Errorf("a search after the refusals: %d", res.StatusCode)
	}
}

// TestSlowSearchStopsAtDeadlineAndFreesItsSlot: a search still running
// at its deadline is stopped and answered 503 with the limit named, and
// its slot serves the next search.
func TestSlowSearchStopsAtDeadlineAndFreesItsSlot(t *testing.T) {
	ix := &slowIndex{fakeIndex: &fakeIndex{}, started: make(chan struct{}, 1)}
	const timeout = 200 * time.Millisecond
	h := limitedServer(t, ix, 1, timeout)
	start := time.Now()
	res, body := get(t, h, "/api/search?q=slow")
	took := time.Since(start)
	if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "stopped after 200ms") {
		t.Errorf("slow search: %d %s, want 503 saying it stopped after 200ms", res.StatusCode, body)
	}
	if took < timeout || took > timeout+2*time.Second {
		t.Errorf("slow search answered after %s, want at its deadline of %s", took, timeout)
	}
	if res, _ := get(t, h, "/api/search?q=visa"); res.StatusCode != http.StatusOK {
		t.Errorf("the next search: %d, want 200 in the freed slot", res.StatusCode)
	}
	// The search page says it beside the query.
	if res, body := get(t, h, "/?q=slow"); res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "stopped after 200ms") {
		t.Errorf("search page: %d, want 503 with the deadline in the page", res.StatusCode)
	}
}

// TestBusyServerAnswers503AndAClientThatLeavesFreesItsSlot: with every
// slot taken a search is refused with 503 and Retry-After after a short
// wait; when the client of the running search hangs up, its search stops
// and the slot is free at once.
func TestBusyServerAnswers503AndAClientThatLeavesFreesItsSlot(t *testing.T) {
	ix := &slowIndex{fakeIndex: &fakeIndex{}, started: make(chan struct{}, 1)}
	h := limitedServer(t, ix, 1, time.Minute)

	ctx, hangUp := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/api/search?q=slow", nil).WithContext(ctx))
	}()
	<-ix.started

	res, body := get(t, h, "/feeds/search.atom?q=visa")
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" || !strings.Contains(body, "searches") {
		t.Errorf("while the only slot is taken: %d, Retry-After %q, %s; want 503 with Retry-After", res.StatusCode, res.Header.Get("Retry-After"), body)
	}

	hangUp()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the search went on after its client left")
	}
	if res, _ := get(t, h, "/api/search?q=visa"); res.StatusCode != http.StatusOK {
		t.Errorf("after the client left: %d, want the slot free", res.StatusCode)
	}
}
