package web

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"policywatch/index"
	"policywatch/model"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

const hostile = `<script>alert(1)</script>`

func fixtures() (*fakeStore, *fakeIndex) {
	doc := &model.Document{
		ID: 7, URL: "https://www.state.gov/hk-sanctions", Source: "us-state", Kind: model.KindOfficial,
		Title:  "Sanctions on officials " + hostile,
		Byline: `Office of the Spokesperson <img src=x onerror=alert(2)>`,
		Text: "The Secretary announced sanctions.\n\n" + hostile + " was in the page text.\n" +
			`<a href="javascript:alert(3)">click</a>`,
		Lang: "en", Published: day("2020-08-07"), DateSource: model.DateFromJSONLD,
		FetchedAt: time.Date(2020, 8, 8, 9, 0, 0, 0, time.UTC), Version: 1,
		Tags: []model.Tag{
			{Type: model.TagCategory, Value: "sanctions", Score: 3, Matches: []model.Match{{Phrase: "announced sanctions", Field: "text", Offset: 14}}},
			{Type: model.TagActor, Value: "united_states", Score: 2, Matches: []model.Match{{Phrase: "Secretary", Field: "text", Offset: 4}}},
		},
	}
	page := `<!doctype html><html><head><title>t</title><script>alert(4)</script>
<style>body{background:url(javascript:alert(5))}</style></head>
<body onload="alert(6)"><h1>Press statement</h1>
<p>Sanctions <img src="x.png" onerror="alert(7)"> today.</p>
<a href="javascript:alert(8)">bad link</a>
<a href="/relative/page">relative link</a>
<iframe src="https://evil.example/"></iframe>
<script>document.write("<b>x</b>")</script>
<form action="https://evil.example/"><input name=p></form>
</body></html>`
	st := &fakeStore{
		docs: map[int64]*model.Document{7: doc, 8: {ID: 8, URL: "https://news.example/a", Source: "news", Kind: model.KindNews, Title: "News"}},
		captures: map[int64]*model.Capture{
			70: {ID: 70, DocumentID: 7, Version: 1, FetchedAt: doc.FetchedAt, RequestURL: doc.URL, FinalURL: doc.URL + "/final", Status: 200,
				Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}}, Body: []byte(page)},
			80: {ID: 80, DocumentID: 8, Status: 200, Body: []byte("<p>other</p>")},
		},
		events: []model.Event{
			{ID: 2, Title: "US sanctions eleven officials", Category: "sanctions", Actors: []string{"united_states"}, Date: day("2020-08-07"),
				Dates: []model.EventDate{{Kind: model.DateAnnounced, Date: day("2020-08-07"), DocumentID: 7, Passage: "announced today", Confidence: 0.9}},
				Documents: []model.EventDocument{
					{DocumentID: 8, Title: "News report on sanctions", URL: "https://news.example/a", Source: "news", Kind: model.KindNews, Published: day("2020-08-06")},
					{DocumentID: 7, Title: "Official sanctions statement", URL: doc.URL, Source: "us-state", Kind: model.KindOfficial, Published: day("2020-08-07"), Primary: true, Passage: "The Secretary announced sanctions."},
				}},
			{ID: 1, Title: "UK suspends extradition treaty", Category: "extradition", Actors: []string{"united_kingdom"}, Date: day("2020-07-20"),
				Documents: []model.EventDocument{{DocumentID: 9, Title: "Statement", URL: "https://gov.uk/x", Source: "uk", Kind: model.KindOfficial, Published: day("2020-07-20")}}},
			{ID: 3, Title: "Canada visa advisory " + hostile, Category: "visa_restrictions", Actors: []string{"canada"}, Date: day("2020-07-03"), NewsOnly: true},
			{ID: 4, Title: "Hidden event", Category: "sanctions", Date: day("2020-09-01"), Hidden: true},
		},
		runs: []model.CrawlRun{{
			ID: 5, StartedAt: time.Date(2020, 8, 8, 9, 0, 0, 0, time.UTC), FinishedAt: time.Date(2020, 8, 8, 9, 4, 0, 0, time.UTC),
			Sources: []string{"us-state", "news"}, Fetched: 12, Stored: 3, Failed: 1,
			Log: []model.URLOutcome{{URL: "https://news.example/broken", Source: "news", Outcome: model.OutcomeFailed, Reason: "status 503"}},
		}},
	}
	ix := &fakeIndex{result: &index.Result{
		Total: 45,
		Hits: []index.Hit{
			{ID: 7, URL: doc.URL, Title: doc.Title, Source: "us-state", Kind: "official", Published: day("2020-08-07"),
				Snippet: mark("The Secretary announced ", "sanctions", ". "+hostile), Categories: []string{"sanctions"}, Actors: []string{"united_states"}},
			{ID: 8, URL: "https://news.example/a", Title: "News", Source: "news", Kind: "news"},
		},
		Facets: map[string][]index.FacetCount{
			"category": {{Term: "sanctions", Count: 30}, {Term: "export_controls", Count: 15}},
			"actor":    {{Term: "united_states", Count: 20}},
			"source":   {{Term: "us-state", Count: 25}},
			"kind":     {{Term: "official", Count: 25}, {Term: "news", Count: 20}},
			"year":     {{Term: "2020", Count: 40}, {Term: "2021", Count: 5}},
		},
	}}
	return st, ix
}

func newTestServer(t *testing.T, st *fakeStore, ix *fakeIndex, logs io.Writer) http.Handler {
	t.Helper()
	if logs == nil {
		logs = io.Discard
	}
	s, err := New(Config{
		Store: st, Index: ix,
		Labels: map[string]string{"sanctions": "Sanctions and asset freezes", "united_states": "United States"},
		Lanes: []Lane{
			{ID: "sanctions", Label: "Sanctions", Categories: []string{"sanctions"}},
			{ID: "visa", Label: "Visa restrictions", Categories: []string{"visa_restrictions"}},
			{ID: "export", Label: "Export controls", Categories: []string{"export_controls"}},
		},
		Logger: slog.New(slog.NewTextHandler(logs, nil)),
		Now:    func() time.Time { return time.Date(2020, 8, 9, 0, 0, 0, 0, time.UTC) },
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s.Handler()
}

func get(t *testing.T, h http.Handler, target string) (*http.Response, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	res := rec.Result()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

// executableScript finds a <script element however it is cased; escaped
// text (&lt;script&gt;) does not match.
var executableScript = regexp.MustCompile(`(?i)<script`)

func TestSearchPageRendersHitsAndFacets(t *testing.T) {
	st, ix := fixtures()
	h := newTestServer(t, st, ix, nil)
	res, body := get(t, h, "/?q=sanctions&category=sanctions&sort=date")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d, body:\n%s", res.StatusCode, body)
	}
	if ix.last.Query != "sanctions" || ix.last.Sort != "date" || len(ix.last.Categories) != 1 || ix.last.Categories[0] != "sanctions" {
		t.Errorf("index got %+v", ix.last)
	}
	for _, want := range []string{
		`<a href="/documents/7">`,
		`<mark>sanctions</mark>`,                // the index's highlight survives
		`&lt;script&gt;alert(1)&lt;/script&gt;`, // crawled text in title and snippet stays text
		`45 documents, page 1 of 3`,
		`href="/?category=sanctions&amp;category=export_controls&amp;q=sanctions&amp;sort=date"`, // facet adds a filter
		`href="/?category=sanctions&amp;from=2021-01-01&amp;q=sanctions&amp;sort=date&amp;to=2021-12-31"`,
		`rel="next"`,
		`>Sanctions and asset freezes</a> <span class="count">30</span>`, // facets read by label
		`>export controls</a>`, // an id without a label stays readable
		`>us-state</a>`,        // source names are not relabelled
	} {
		if !strings.Contains(body, want) {
			t.Errorf("search page lacks %s", want)
		}
	}
	if executableScript.MatchString(body) {
		t.Errorf("search page contains an executable <script")
	}
}

func TestSearchFacetURLs(t *testing.T) {
	st, ix := fixtures()
	h := newTestServer(t, st, ix, nil)
	_, body := get(t, h, "/?q=x&category=sanctions&page=2")
	// The active category facet links to the search without it, and any
	// filter change goes back to page 1.
	if !strings.Contains(body, `<li class="active"><a href="/?q=x"`) {
		t.Errorf("active facet does not link to its removal:\n%s", body)
	}
	if strings.Contains(body, `category=export_controls&amp;page=2`) {
		t.Errorf("adding a filter kept the page number")
	}
}

func TestSearchEmptyFormBoxesAreIgnored(t *testing.T) {
	st, ix := fixtures()
	h := newTestServer(t, st, ix, nil)
	res, _ := get(t, h, "/?q=hong+kong&category=&actor=&source=&kind=&from=&to=&sort=relevance")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	if len(ix.last.Categories)+len(ix.last.Actors)+len(ix.last.Sources)+len(ix.last.Kinds) != 0 {
		t.Errorf("blank boxes became filters: %+v", ix.last)
	}
}

func TestSyntaxErrorIsA400WithCaret(t *testing.T) {
	st, ix := fixtures()
	h := newTestServer(t, st, ix, nil)
	const q = `sanctions AND (visa`
	res, body := get(t, h, "/?q="+strings.ReplaceAll(q, " ", "+"))
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("page status %d, want 400", res.StatusCode)
	}
	m := regexp.MustCompile(`(?s)<pre><code>(.*?)\n<span class="caret">( *)\^</span>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no query with caret in:\n%s", body)
	}
	if !strings.Contains(body, "at position ") {
		t.Errorf("syntax error page does not say where")
	}
	if m[1] != "sanctions AND (visa" {
		t.Errorf("query shown as %q", m[1])
	}

	res, body = get(t, h, "/api/search?q="+strings.ReplaceAll(q, " ", "+"))
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("api status %d, want 400", res.StatusCode)
	}
	var got struct {
		Error    string `json:"error"`
		Position *int   `json:"position"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatalf("api body %q: %v", body, err)
	}
	if got.Error == "" || got.Position == nil {
		t.Fatalf("api error body %s lacks error or position", body)
	}
	if *got.Position < 0 || *got.Position > len(q) {
		t.Errorf("position %d outside the query", *got.Position)
	}
	if len(m[2]) != *got.Position {
		t.Errorf("caret at column %d, API position %d", len(m[2]), *got.Position)
	}
}

func TestCaretCountsWideCharacters(t *testing.T) {
	for _, tc := range []struct {
		prefix string
		want   int
	}{
		{"abc", 3},
		{"香港 ", 5},
		{"ＡＢ", 4}, // fullwidth Latin
		{"", 0},
	} {
		if got := displayWidth(tc.prefix); got != tc.want {
			t.Errorf("displayWidth(%q) = %d, want %d", tc.prefix, got, tc.want)
		}
	}
}

func TestBadParametersAre400NamingTheParameter(t *testing.T) {
	st, ix := fixtures()
	h := newTestServer(t, st, ix, nil)
	for _, tc := range []struct{ target, param string }{
		{"/api/search?q=x&from=notadate", "from"},
		{"/api/search?to=2020-13-01", "to"},
		{"/api/search?page=-1", "page"},
		{"/api/search?page=abc", "page"},
		{"/api/search?page=100000", "page"},
		{"/api/search?sort=popularity", "sort"},
		{"/api/search?kind=blog", "kind"},
		{"/api/search?from=2021-01-01&to=2020-01-01", "to"},
		{"/api/timeline?from=yesterday", "from"},
		{"/?from=notadate", "from"},
		{"/?page=0", "page"},
		{"/timeline?to=2020-02-30", "to"},
		{"/runs?limit=-4", "limit"},
	} {
		calls := ix.calls
		res, body := get(t, h, tc.target)
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", tc.target, res.StatusCode)
			continue
		}
		if !strings.Contains(body, "parameter "+tc.param) {
			t.Errorf("%s: body does not name %q:\n%s", tc.target, tc.param, body)
		}
		if ix.calls != calls {
			t.Errorf("%s: searched despite a bad parameter", tc.target)
		}
	}
}

func TestAPISearchShape(t *testing.T) {
	st, ix := fixtures()
	h := newTestServer(t, st, ix, nil)
	res, body := get(t, h, "/api/search?q=sanctions&page=2")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", res.StatusCode, body)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("content type %q", ct)
	}
	var got struct {
		Total uint64 `json:"total"`
		Hits  []struct {
			ID         int64    `json:"id"`
			URL        string   `json:"url"`
			Title      string   `json:"title"`
			Source     string   `json:"source"`
			Kind       string   `json:"kind"`
			Published  *string  `json:"published"`
			Snippet    string   `json:"snippet"`
			Categories []string `json:"categories"`
			Actors     []string `json:"actors"`
		} `json:"hits"`
		Facets map[string][]struct {
			Term  string `json:"term"`
			Count int    `json:"count"`
		} `json:"facets"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if ix.last.Page != 2 {
		t.Errorf("index asked for page %d", ix.last.Page)
	}
	if got.Total != 45 || len(got.Hits) != 2 {
		t.Fatalf("total %d, %d hits", got.Total, len(got.Hits))
	}
	h0, h1 := got.Hits[0], got.Hits[1]
	if h0.ID != 7 || h0.Published == nil || *h0.Published != "2020-08-07" || h0.Source != "us-state" || h0.Kind != "official" {
		t.Errorf("first hit %+v", h0)
	}
	if !strings.Contains(h0.Snippet, "<mark>sanctions</mark>") {
		t.Errorf("snippet %q lost its highlight", h0.Snippet)
	}
	if h1.Published == nil || *h1.Published != "" {
		t.Errorf("unknown date should be \"\", got %v", h1.Published)
	}
	if h1.Categories == nil || h1.Actors == nil {
		t.Errorf("empty lists must be [], not null: %s", body)
	}
	for _, f := range []string{"category", "actor", "source"} {
		if len(got.Facets[f]) == 0 {
			t.Errorf("facet %s missing", f)
		}
	}
	if got.Facets["category"][0].Term != "sanctions" || got.Facets["category"][0].Count != 30 {
		t.Errorf("category facet %+v", got.Facets["category"])
	}
}

func TestCrawledContentIsNeverExecutable(t *testing.T) {
	st, ix := fixtures()
	h := newTestServer(t, st, ix, nil)

	res, body := get(t, h, "/documents/7")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("document status %d", res.StatusCode)
	}
	if executableScript.MatchString(body) {
		t.Errorf("document page contains an executable <script")
	}
	for _, bad := range []string{`<img src=x onerror`, `<a href="javascript:`} {
		if strings.Contains(body, bad) {
			t.Errorf("document page contains %s", bad)
		}
	}
	for _, want := range []string{
		`<p>&lt;script&gt;alert(1)&lt;/script&gt; was in the page text.</p>`,
		`<a href="https://www.state.gov/hk-sanctions" rel="noopener noreferrer nofollow"`,
		`read from structured data (JSON-LD)`,
		`<q>announced sanctions</q> in the text`,
		`href="/documents/7/captures/70"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("document page lacks %s", want)
		}
	}

	res, body = get(t, h, "/documents/7/captures/70")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("capture status %d: %s", res.StatusCode, body)
	}
	csp := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "img-src data:", "style-src 'unsafe-inline'", "sandbox"} {
		if !strings.Contains(csp, want) {
			t.Errorf("capture CSP %q lacks %s", csp, want)
		}
	}
	if res.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("capture lacks nosniff")
	}
	lower := strings.ToLower(body)
	for _, bad := range []string{"<script", "onerror", "onload", "javascript:", "<iframe", "<form", "evil.example"} {
		if strings.Contains(lower, bad) {
			t.Errorf("capture page contains %s", bad)
		}
	}
	for _, want := range []string{
		"Press statement",
		`href="https://www.state.gov/relative/page"`, // resolved against the page, not our host
	} {
		if !strings.Contains(body, want) {
			t.Errorf("capture page lacks %s:\n%s", want, body)
		}
	}

	res, body = get(t, h, "/documents/7/captures/70/raw")
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("raw content type %q", ct)
	}
	if body != string(st.captures[70].Body) {
		t.Errorf("raw body differs from the capture")
	}
}

func TestCaptureDecodesLegacyCharset(t *testing.T) {
	st, ix := fixtures()
	// "香港" in Big5, labelled only by the page's own <meta>.
	st.captures[71] = &model.Capture{ID: 71, DocumentID: 7, Status: 200,
		Body: append([]byte(`<html><head><meta charset="big5"></head><body><p>`), append([]byte{0xad, 0xbb, 0xb4, 0xe4}, []byte(`</p></body></html>`)...)...)}
	h := newTestServer(t, st, ix, nil)
	res, body := get(t, h, "/documents/7/captures/71")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "<p>香港</p>") {
		t.Errorf("status %d, Big5 page not decoded:\n%s", res.StatusCode, body)
	}
}

func TestNotFound(t *testing.T) {
	st, ix := fixtures()
	h := newTestServer(t, st, ix, nil)
	for _, target := range []string{
		"/documents/999", "/documents/abc", "/documents/-1",
		"/documents/7/captures/80",     // a capture of another document
		"/documents/7/captures/80/raw", // likewise
		"/documents/7/captures/999",
		"/events/999", "/nope",
		"/api/documents/999", "/api/nope",
	} {
		res, body := get(t, h, target)
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", target, res.StatusCode)
		}
		if strings.HasPrefix(target, "/api/") {
			if !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") || !strings.Contains(body, `"error"`) {
				t.Errorf("%s: API 404 is not JSON: %s", target, body)
			}
		}
	}
}

func TestInternalErrorsAreLoggedNotShown(t *testing.T) {
	st, ix := fixtures()
	st.err = errBoom
	var logs bytes.Buffer
	h := newTestServer(t, st, ix, &logs)
	for _, target := range []string{"/documents/7", "/api/documents/7", "/timeline", "/runs"} {
		logs.Reset()
		res, body := get(t, h, target)
		if res.StatusCode != http.StatusInternalServerError {
			t.Errorf("%s: status %d, want 500", target, res.StatusCode)
		}
		if strings.Contains(body, "/var/lib/secret") {
			t.Errorf("%s: internal error leaked to the client", target)
		}
		if !strings.Contains(logs.String(), "disk on fire") {
			t.Errorf("%s: internal error not logged: %q", target, logs.String())
		}
	}
}

func TestTimelineJSON(t *testing.T) {
	st, ix := fixtures()
	h := newTestServer(t, st, ix, nil)
	res, body := get(t, h, "/api/timeline")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", res.StatusCode, body)
	}
	var got struct {
		Events []struct {
			ID        int64    `json:"id"`
			Date      string   `json:"date"`
			Title     string   `json:"title"`
			Category  string   `json:"category"`
			Actors    []string `json:"actors"`
			Documents []struct {
				ID        int64  `json:"id"`
				Title     string `json:"title"`
				URL       string `json:"url"`
				Source    string `json:"source"`
				Published string `json:"published"`
			} `json:"documents"`
		} `json:"events"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, e := range got.Events {
		ids = append(ids, e.ID)
	}
	if want := []int64{3, 1, 2}; !equalIDs(ids, want) {
		t.Fatalf("event ids %v, want %v (chronological, hidden left out)", ids, want)
	}
	e := got.Events[2]
	if e.Date != "2020-08-07" || e.Category != "sanctions" || len(e.Actors) != 1 || e.Actors[0] != "united_states" {
		t.Errorf("event %+v", e)
	}
	if len(e.Documents) != 2 || e.Documents[0].ID != 7 || e.Documents[0].Published != "2020-08-07" || e.Documents[0].URL == "" {
		t.Errorf("documents %+v: want the official one first", e.Documents)
	}
	if got.Events[0].Documents == nil || got.Events[0].Actors == nil {
		t.Errorf("empty lists must be []: %s", body)
	}

	_, body = get(t, h, "/api/timeline?category=sanctions&from=2020-08-01&to=2020-08-07")
	if !strings.Contains(body, `"id": 2`) || strings.Contains(body, `"id": 1,`) {
		t.Errorf("filtered timeline: %s", body)
	}
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestTimelinePageLanes(t *testing.T) {
	st, ix := fixtures()
	h := newTestServer(t, st, ix, nil)
	res, body := get(t, h, "/timeline")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	// Lanes in configured order, unclaimed categories in "Other".
	order := []string{`id="lane-sanctions"`, `id="lane-visa"`, `id="lane-export"`, `id="lane-other"`}
	last := -1
	for _, l := range order {
		i := strings.Index(body, l)
		if i < last {
			t.Errorf("lane %s missing or out of order", l)
		}
		last = i
	}
	other := body[strings.Index(body, `id="lane-other"`):]
	if !strings.Contains(other, `<a href="/events/1"><time datetime="2020-07-20">20 Jul 2020</time> <span class="title">UK suspends extradition treaty</span></a>`) {
		t.Errorf("unlaned event not in Other")
	}
	if strings.Contains(body, "Hidden event") {
		t.Errorf("hidden event shown")
	}
	if executableScript.MatchString(body) {
		t.Errorf("timeline contains an executable <script")
	}
	if !strings.Contains(body, "2 documents") {
		t.Errorf("document count missing")
	}
	if !strings.Contains(body, `<option value="sanctions">Sanctions and asset freezes</option>`) {
		t.Errorf("category filter does not offer the lanes' categories by label")
	}
}

func TestEventPageListsOfficialEvidenceFirst(t *testing.T) {
	st, ix := fixtures()
	h := newTestServer(t, st, ix, nil)
	res, body := get(t, h, "/events/2")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	off, news := strings.Index(body, "Official sanctions statement</a>"), strings.Index(body, "News report on sanctions</a>")
	if off < 0 || news < 0 || off > news {
		t.Errorf("official evidence at %d, news at %d", off, news)
	}
	for _, want := range []string{"announced today", "90%", "The Secretary announced sanctions.", "primary statement"} {
		if !strings.Contains(body, want) {
			t.Errorf("event page lacks %q", want)
		}
	}
}

func TestRunsPage(t *testing.T) {
	st, ix := fixtures()
	h := newTestServer(t, st, ix, nil)
	_, body := get(t, h, "/runs")
	for _, want := range []string{"#5", "finished in 4m0s", "https://news.example/broken", "status 503", "us-state, news"} {
		if !strings.Contains(body, want) {
			t.Errorf("runs page lacks %q", want)
		}
	}
}

func TestSecurityHeadersAndHealth(t *testing.T) {
	st, ix := fixtures()
	h := newTestServer(t, st, ix, nil)
	for _, target := range []string{"/", "/timeline", "/runs", "/documents/7", "/api/search", "/healthz", "/static/style.css", "/nope"} {
		res, _ := get(t, h, target)
		if got := res.Header.Get("X-Frame-Options"); got != "DENY" {
			t.Errorf("%s: X-Frame-Options %q", target, got)
		}
		if res.Header.Get("Referrer-Policy") == "" {
			t.Errorf("%s: no Referrer-Policy", target)
		}
		if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
			t.Errorf("%s: CSP %q", target, csp)
		}
	}
	res, body := get(t, h, "/healthz")
	if res.StatusCode != http.StatusOK || body != "ok" {
		t.Errorf("healthz: %d %q", res.StatusCode, body)
	}
	res, body = get(t, h, "/static/style.css")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, ".lanes") {
		t.Errorf("stylesheet not served: %d", res.StatusCode)
	}
}

func TestAPIDocument(t *testing.T) {
	st, ix := fixtures()
	h := newTestServer(t, st, ix, nil)
	res, body := get(t, h, "/api/documents/7")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	var got struct {
		ID         int64  `json:"id"`
		Published  string `json:"published"`
		DateSource string `json:"date_source"`
		Text       string `json:"text"`
		Tags       []struct {
			Type    string        `json:"type"`
			Value   string        `json:"value"`
			Matches []model.Match `json:"matches"`
		} `json:"tags"`
		Captures []struct {
			ID  int64  `json:"id"`
			Raw string `json:"raw"`
		} `json:"captures"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if got.ID != 7 || got.Published != "2020-08-07" || got.DateSource != "jsonld" || !strings.Contains(got.Text, hostile) {
		t.Errorf("document %+v", got)
	}
	if len(got.Tags) != 2 || got.Tags[0].Matches[0].Phrase != "announced sanctions" {
		t.Errorf("tags %+v", got.Tags)
	}
	if len(got.Captures) != 1 || got.Captures[0].Raw != "/documents/7/captures/70/raw" {
		t.Errorf("captures %+v", got.Captures)
	}
	// JSON is not HTML, but the encoder's escaping keeps it safe to embed.
	if executableScript.MatchString(body) {
		t.Errorf("JSON contains a raw <script")
	}
}

// TestSearchPageGolden pins the rendered search page. Run with -update
// after an intended change and read the diff.
func TestSearchPageGolden(t *testing.T) {
	st, ix := fixtures()
	h := newTestServer(t, st, ix, nil)
	_, body := get(t, h, "/?q=sanctions&kind=official")
	path := filepath.Join("testdata", "search.golden.html")
	if *update {
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if body != string(want) {
		t.Errorf("search page differs from %s:\n%s", path, lineDiff(string(want), body))
	}
}

// lineDiff shows the first differing lines, enough to see what changed.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < max(len(w), len(g)) && shown < 10; i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			b.WriteString("line " + itoa(int64(i+1)) + "\n- " + wl + "\n+ " + gl + "\n")
			shown++
		}
	}
	return b.String()
}

func TestCaptureOfNonHTMLContent(t *testing.T) {
	st, ix := fixtures()
	st.captures[72] = &model.Capture{ID: 72, DocumentID: 7, Status: 200,
		Header: http.Header{"Content-Type": {"application/json"}},
		Body:   []byte(`{"title":"<script>alert(1)</script>","abstract":"Export controls"}`)}
	st.captures[73] = &model.Capture{ID: 73, DocumentID: 7, Status: 200,
		Header: http.Header{"Content-Type": {"application/pdf"}}, Body: []byte("%PDF-1.7 \x00\x01")}
	h := newTestServer(t, st, ix, nil)
	for _, tc := range []struct {
		target string
		want   string
	}{
		{"/documents/7/captures/72", `<pre>{&#34;title&#34;:&#34;&lt;script&gt;alert(1)&lt;/script&gt;&#34;`},
		{"/documents/7/captures/73", `not a text document (application/pdf)`},
	} {
		res, body := get(t, h, tc.target)
		if res.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d", tc.target, res.StatusCode)
		}
		if !strings.Contains(body, tc.want) {
			t.Errorf("%s lacks %s:\n%s", tc.target, tc.want, body)
		}
		if executableScript.MatchString(body) {
			t.Errorf("%s contains an executable <script", tc.target)
		}
	}
}

func TestSortDefaultsToDateWithoutAQuery(t *testing.T) {
	for _, tc := range []struct{ target, want string }{
		{"/", "date"},
		{"/?category=sanctions", "date"},
		{"/?q=sanctions", "relevance"},
		{"/?q=sanctions&sort=date", "date"},
		{"/?sort=relevance", "relevance"},
	} {
		st, ix := fixtures()
		h := newTestServer(t, st, ix, nil)
		get(t, h, tc.target)
		if ix.last.Sort != tc.want {
			t.Errorf("%s: sort %q, want %q", tc.target, ix.last.Sort, tc.want)
		}
	}
}

func TestBrokenTemplatesFailAtStartUp(t *testing.T) {
	good := fstest.MapFS{}
	entries, err := fs.ReadDir(templateFS, "templates")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := fs.ReadFile(templateFS, "templates/"+e.Name())
		if err != nil {
			t.Fatal(err)
		}
		good["templates/"+e.Name()] = &fstest.MapFile{Data: b}
	}
	s := &Server{}
	if err := s.parseTemplates(good); err != nil {
		t.Fatalf("embedded templates do not parse: %v", err)
	}
	for _, tc := range []struct {
		name   string
		change func(fstest.MapFS)
	}{
		{"missing page", func(m fstest.MapFS) { delete(m, "templates/timeline.html") }},
		{"missing layout", func(m fstest.MapFS) { delete(m, "templates/layout.html") }},
		{"broken syntax", func(m fstest.MapFS) {
			m["templates/runs.html"] = &fstest.MapFile{Data: []byte(`{{define "content"}}{{range .Runs}}{{end}`)}
		}},
		{"page without content", func(m fstest.MapFS) {
			m["templates/search.html"] = &fstest.MapFile{Data: []byte(`<p>hello</p>`)}
		}},
		{"unknown function", func(m fstest.MapFS) {
			m["templates/event.html"] = &fstest.MapFile{Data: []byte(`{{define "content"}}{{nosuch .}}{{end}}`)}
		}},
	} {
		m := fstest.MapFS{}
		for k, v := range good {
			m[k] = v
		}
		tc.change(m)
		if err := (&Server{}).parseTemplates(m); err == nil {
			t.Errorf("%s: parsed without error", tc.name)
		}
	}
}
