package crawler

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"policywatch/model"
)

// memSink is an in-memory Sink and State that files pages the way the
// pipeline does (Build, then the relevance test and tagging, then a
// store that dedups by URL, then by content hash) and keeps the run's
// log, validators and nothing of the frontier.
type memSink struct {
	relevant func(*model.Document) bool // nil: aboutHK
	tag      func(*model.Document)      // optional

	mu         sync.Mutex
	byURL      map[string]*model.Document
	byHash     map[string]string // content hash → URL
	captures   map[string]*model.Capture
	outcomes   map[string]model.Outcome // last store outcome per document URL
	errors     []model.URLOutcome
	validators map[string][2]string
	withdrawn  map[string]int
}

func newMemSink() *memSink {
	return &memSink{
		byURL:      map[string]*model.Document{},
		byHash:     map[string]string{},
		captures:   map[string]*model.Capture{},
		outcomes:   map[string]model.Outcome{},
		validators: map[string][2]string{},
		withdrawn:  map[string]int{},
	}
}

func (s *memSink) Accept(ctx context.Context, f *Fetched) (Filed, error) {
	doc, c, err := Build(f)
	if nd := AsNotDocument(err); nd != nil {
		return Filed{Outcome: nd.Outcome, Reason: nd.Reason}, nil
	}
	if err != nil {
		return Filed{}, err
	}
	relevant := s.relevant
	if relevant == nil {
		relevant = aboutHK
	}
	if !relevant(doc) {
		return Filed{Outcome: model.OutcomeDropped, Reason: "off-topic"}, nil
	}
	if s.tag != nil {
		s.tag(doc)
	}
	out := s.save(doc, c)
	if out == model.OutcomeDuplicate {
		return Filed{Outcome: model.OutcomeDropped, Reason: "duplicate", URL: doc.URL}, nil
	}
	return Filed{Outcome: out, URL: doc.URL}, nil
}

func (s *memSink) save(doc *model.Document, c *model.Capture) model.Outcome {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out model.Outcome
	if old, ok := s.byURL[doc.URL]; ok {
		out = model.OutcomeUpdated
		if old.ContentHash == doc.ContentHash {
			out = model.OutcomeUnchanged
		}
	} else if _, ok := s.byHash[doc.ContentHash]; ok {
		out = model.OutcomeDuplicate
	} else {
		out = model.OutcomeStored
	}
	s.outcomes[doc.URL] = out
	if out == model.OutcomeDuplicate {
		return out
	}
	d := *doc
	s.byURL[doc.URL] = &d
	s.byHash[doc.ContentHash] = doc.URL
	s.captures[doc.URL] = c
	return out
}

func (s *memSink) Withdraw(ctx context.Context, u string, status int, at time.Time, runID int64) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.byURL[u]; !ok {
		return false, nil
	}
	s.withdrawn[u] = status
	return true, nil
}

func (s *memSink) LoadFrontier(ctx context.Context, runID int64) ([]model.FrontierItem, error) {
	return nil, nil
}

func (s *memSink) Enqueue(ctx context.Context, runID int64, items ...model.FrontierItem) error {
	return nil
}

func (s *memSink) Ack(ctx context.Context, d model.URLDone) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.errors = append(s.errors, d.Log...)
	return nil
}

func (s *memSink) Validators(ctx context.Context, u string) (string, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.validators[u]
	return v[0], v[1], nil
}

func (s *memSink) SetValidators(ctx context.Context, u, etag, lastModified string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.validators[u] = [2]string{etag, lastModified}
	return nil
}

func (s *memSink) DocumentByURL(ctx context.Context, u string) (*model.Document, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d, ok := s.byURL[u]; ok {
		return d, nil
	}
	return nil, errors.New("not found")
}

func (s *memSink) WriteFailed(err error) bool { return false }

// doc returns the stored document whose URL ends with suffix.
func (s *memSink) doc(suffix string) *model.Document {
	s.mu.Lock()
	defer s.mu.Unlock()
	for u, d := range s.byURL {
		if strings.HasSuffix(u, suffix) {
			return d
		}
	}
	return nil
}

// paths returns the URL paths (with query) of the stored documents.
func (s *memSink) paths() map[string]bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]bool{}
	for u := range s.byURL {
		i := strings.Index(u[len("http://"):], "/")
		out[u[len("http://")+i:]] = true
	}
	return out
}

// reasons maps URL path → recorded failure reason.
func (s *memSink) reasons() map[string]string {
	return s.logged(model.OutcomeFailed)
}

// logged maps URL path → recorded reason of the URLs with outcome o.
func (s *memSink) logged(o model.Outcome) map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]string{}
	for _, e := range s.errors {
		if e.Outcome != o {
			continue
		}
		i := strings.Index(e.URL[len("http://"):], "/")
		out[e.URL[len("http://")+i:]] = e.Reason
	}
	return out
}

// route is one canned answer of a testSite.
type route struct {
	status int
	ctype  string
	body   []byte
	delay  time.Duration
	to     string // redirect target
}

type hit struct {
	uri string
	at  time.Time
}

// testSite is an httptest server answering canned routes by request
// URI (path and query) and logging every request with its time.
type testSite struct {
	srv    *httptest.Server
	mu     sync.Mutex
	routes map[string]route
	hits   []hit
	agents []string
}

func newSite(t *testing.T) *testSite {
	t.Helper()
	s := &testSite{routes: map[string]route{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *testSite) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.hits = append(s.hits, hit{uri: r.URL.RequestURI(), at: time.Now()})
	s.agents = append(s.agents, r.UserAgent())
	rt, ok := s.routes[r.URL.RequestURI()]
	s.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	if rt.delay > 0 {
		select {
		case <-time.After(rt.delay):
		case <-r.Context().Done():
			return
		}
	}
	if rt.to != "" {
		http.Redirect(w, r, rt.to, http.StatusMovedPermanently)
		return
	}
	if rt.ctype != "" {
		w.Header().Set("Content-Type", rt.ctype)
	}
	if rt.status != 0 {
		w.WriteHeader(rt.status)
	}
	w.Write(rt.body)
}

func (s *testSite) add(uri, ctype, body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.routes[uri] = route{ctype: ctype, body: []byte(body)}
}

func (s *testSite) addRoute(uri string, rt route) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.routes[uri] = rt
}

func (s *testSite) url(uri string) string { return s.srv.URL + uri }

// count is how many times uri was requested.
func (s *testSite) count(uri string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, h := range s.hits {
		if h.uri == uri {
			n++
		}
	}
	return n
}

// pageHits returns the requests other than robots.txt, in order.
func (s *testSite) pageHits() []hit {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []hit
	for _, h := range s.hits {
		if h.uri != "/robots.txt" {
			out = append(out, h)
		}
	}
	return out
}

// prose writes n sentences about subject, distinct per subject, so
// pages have enough text to be articles and different hashes.
func prose(subject string, n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "<p>In its statement on %s, the government said in point %d that the measures concerning Hong Kong would be reviewed by officials, and that partners had been consulted about the next steps before any decision was announced to the public.</p>\n", subject, i+1)
	}
	return b.String()
}

// article renders a news-like page. date, when set, is given as an
// article:published_time meta tag.
func article(title, date, body string) string {
	meta := ""
	if date != "" {
		meta = fmt.Sprintf(`<meta property="article:published_time" content="%s">`, date)
	}
	return fmt.Sprintf(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>%[1]s</title>%[2]s</head>
<body>
<nav><a href="/">Home</a> <a href="/about/">About</a></nav>
<main><article><h1>%[1]s</h1>
%[3]s
</article></main>
<footer><p>Copyright the test site.</p></footer>
</body></html>`, title, meta, body)
}

// offTopic is an article about something else entirely.
func offTopic(title string) string {
	var b strings.Builder
	for i := range 6 {
		fmt.Fprintf(&b, "<p>The annual flower show opened on Saturday with roses and tulips in bed %d, and gardeners from the county compared their prize blooms while visitors enjoyed tea on the lawn and the band played.</p>\n", i+1)
	}
	return article(title, "2020-07-01T10:00:00Z", b.String())
}

func aboutHK(d *model.Document) bool {
	return strings.Contains(d.Text, "Hong Kong") || strings.Contains(d.Text, "香港")
}

// crawl runs a crawler over sources with test-friendly options. The
// sink is also the crawler's State.
func crawl(t *testing.T, sink *memSink, opts Options, sources ...model.Source) *model.CrawlRun {
	t.Helper()
	// Test sites listen on 127.0.0.1, which real crawls refuse.
	opts.AllowPrivate = true
	if opts.Timeout == 0 {
		opts.Timeout = 5 * time.Second
	}
	if opts.RetryBase == 0 {
		opts.RetryBase = 10 * time.Millisecond
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	run := &model.CrawlRun{ID: 1}
	if err := New(sink, sink, opts).Run(ctx, run, sources); err != nil {
		t.Fatalf("Run: %v", err)
	}
	return run
}
