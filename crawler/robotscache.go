package crawler

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"sync"
)

// maxRobotsBody caps a robots.txt; Google reads the first 500 KiB.
const maxRobotsBody = 512 << 10

// robotsCache is an http.RoundTripper that fetches each host's
// robots.txt once per run and answers later requests for it from
// memory. Two readers want the file: our scheduler (for Crawl-delay) and
// colly's own robots check, which fetches it on its own; without this,
// every host would see robots.txt requested twice.
type robotsCache struct {
	next http.RoundTripper

	mu      sync.Mutex
	entries map[string]*robotsEntry // by host[:port]
}

type robotsEntry struct {
	once   sync.Once
	status int
	header http.Header
	body   []byte
	err    error
}

func newRobotsCache(next http.RoundTripper) *robotsCache {
	return &robotsCache{next: next, entries: map[string]*robotsEntry{}}
}

// seed answers origin's robots.txt (scheme://host[:port]) with a copy
// fetched elsewhere: a cluster's workers fetch each host's robots.txt
// once for all of them, and colly's own check must not fetch it again.
func (c *robotsCache) seed(origin string, status int, body []byte) {
	e := &robotsEntry{status: status, header: http.Header{"Content-Type": {"text/plain"}}, body: body}
	e.once.Do(func() {})
	c.mu.Lock()
	c.entries[origin] = e
	c.mu.Unlock()
}

func (c *robotsCache) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodGet || req.URL.Path != "/robots.txt" || req.URL.RawQuery != "" {
		return c.next.RoundTrip(req)
	}
	key := req.URL.Scheme + "://" + req.URL.Host
	c.mu.Lock()
	e, ok := c.entries[key]
	if !ok {
		e = &robotsEntry{}
		c.entries[key] = e
	}
	c.mu.Unlock()
	e.once.Do(func() {
		resp, err := c.next.RoundTrip(req)
		if err != nil {
			e.err = err
			return
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(io.LimitReader(resp.Body, maxRobotsBody))
		if err != nil {
			e.err = err
			return
		}
		// A redirect is cached too: the client follows its Location.
		e.status, e.header, e.body = resp.StatusCode, resp.Header.Clone(), body
	})
	if e.err != nil || e.status == http.StatusTooManyRequests || e.status >= 500 {
		// A failed fetch is not kept: the next reader (a retry) asks
		// the server again.
		c.mu.Lock()
		if c.entries[key] == e {
			delete(c.entries, key)
		}
		c.mu.Unlock()
		if e.err != nil {
			return nil, e.err
		}
	}
	return &http.Response{
		Status:        fmt.Sprintf("%d %s", e.status, http.StatusText(e.status)),
		StatusCode:    e.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        e.header.Clone(),
		Body:          io.NopCloser(bytes.NewReader(e.body)),
		ContentLength: int64(len(e.body)),
		Request:       req,
	}, nil
}
