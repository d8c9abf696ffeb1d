package crawler

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gocolly/colly/v2"
)

// response is one HTTP exchange as it came off the wire.
type response struct {
	oversize   int64 // Content-Length announced over the cap: the body was not read
	requestURL string
	finalURL   string // after redirects
	status     int
	header     http.Header // as received, Content-Type charset included
	body       []byte      // raw bytes (gzip transfer/content coding removed)
	err        error       // transport error reported by colly
}

// fetchError is a fetch that produced nothing usable. reason is what a
// user reads in the crawl log ("HTTP 503", "timeout after 10s").
type fetchError struct {
	reason  string
	skipped bool // robots.txt refusals are skips, not failures
	quiet   bool // a skip not worth a line in the run's error log
	err     error

	// retry: the failure is likely to pass (timeout, connection error,
	// 429, 5xx); retryAfter is the server's Retry-After when it sent one.
	retry         bool
	retryAfter    time.Duration
	hasRetryAfter bool
}

func (e *fetchError) Error() string {
	if e.err != nil {
		return e.reason + ": " + e.err.Error()
	}
	return e.reason
}

func (e *fetchError) Unwrap() error { return e.err }

const resultKey = "policywatch.response"

// fetcher performs every HTTP request of a run through colly.
//
// colly is used synchronously: each worker calls Request and gets its
// callbacks before Request returns; the response travels back through
// the request's colly.Context. Our frontier does the per-host pacing.
type fetcher struct {
	pages   *colly.Collector // pages, feeds, sitemaps, API; colly also checks robots.txt
	robots  *colly.Collector // robots.txt itself (must not be refused by its own rules)
	cache   *robotsCache     // both collectors' transport: each robots.txt fetched once
	maxBody int64
	timeout time.Duration
}

// errRedirectSeen stops a redirect to a URL this run already fetched.
var errRedirectSeen = errors.New("redirects to a page already fetched")

// errRedirectRobots stops a redirect to a URL robots.txt refuses (colly
// does not check redirect targets).
var errRedirectRobots = errors.New("redirect target refused by robots.txt")

// redirectLoopError is a redirect chain that came back to a URL it had
// already visited.
type redirectLoopError struct{ chain []string }

func (e *redirectLoopError) Error() string {
	return "redirect loop: " + strings.Join(e.chain, " → ")
}

// redirectLoop reports whether following target would repeat a URL of
// the chain. Coming back once to the first URL is allowed: sites set a
// cookie on a detour and return to the page asked for.
func redirectLoop(target *url.URL, via []*http.Request) error {
	t := target.String()
	n := 0
	for _, v := range via {
		if v.URL.String() == t {
			n++
		}
	}
	if n >= 2 || (n == 1 && via[0].URL.String() != t) {
		chain := make([]string, 0, len(via)+1)
		for _, v := range via {
			chain = append(chain, v.URL.String())
		}
		return &redirectLoopError{chain: append(chain, t)}
	}
	return nil
}

// maxRedirects is Go's default limit, which a custom redirect handler
// must enforce itself.
const maxRedirects = 10

// newFetcher builds the run's collectors. redirect, when not nil, vets
// each redirect target (see runner.checkRedirect).
func newFetcher(ctx context.Context, opts Options, redirect func(target *url.URL, via []*http.Request) error) *fetcher {
	c := colly.NewCollector(colly.UserAgent(opts.UserAgent), colly.StdlibContext(ctx))
	// colly ignores robots.txt unless told otherwise. We also read
	// robots.txt ourselves (for Crawl-delay and clear skip reasons), so
	// this is a second line of defence.
	c.IgnoreRobotsTxt = false
	// We de-duplicate URLs ourselves; colly marks a URL visited before
	// fetching it, which would also block following a redirect to a page
	// another source already led us to.
	c.AllowURLRevisit = true
	// Every status reaches OnResponse, so 404/503 can be reported with
	// their status and 3xx-less 2xx variants are not mistaken for errors.
	c.ParseHTTPErrorResponse = true
	// colly truncates silently at MaxBodySize: ask for one byte more than
	// we accept, so a body over the cap is detectable.
	c.MaxBodySize = int(opts.MaxBody + 1)
	c.SetRequestTimeout(opts.Timeout)
	cache := newRobotsCache(boundBodies(newCrawlTransport(opts.AllowPrivate, opts.addrPolicy), opts.MaxBody))
	c.WithTransport(cache)

	c.SetRedirectHandler(func(req *http.Request, via []*http.Request) error {
		if err := redirectLoop(req.URL, via); err != nil {
			return err
		}
		if len(via) >= maxRedirects {
			return errTooManyRedirects
		}
		if redirect != nil {
			return redirect(req.URL, via)
		}
		return nil
	})

	r := c.Clone()
	r.IgnoreRobotsTxt = true

	for _, col := range []*colly.Collector{c, r} {
		col.OnResponseHeaders(func(cr *colly.Response) {
			res, _ := cr.Ctx.GetAny(resultKey).(*response)
			if res == nil {
				return
			}
			res.header = cr.Headers.Clone()
			// Refuse an announced oversize body before reading it: a 20 MB
			// page should cost its headers, not 20 MB.
			if opts.MaxBody > 0 && cr.Headers.Get("Content-Length") != "" {
				if n, err := strconv.ParseInt(cr.Headers.Get("Content-Length"), 10, 64); err == nil && n > opts.MaxBody {
					res.oversize = n
					cr.Request.Abort()
					return
				}
			}
			// colly converts bodies whose Content-Type names a non-UTF-8
			// charset, and ignores <meta charset>. We keep raw bytes as
			// evidence and decode them ourselves, so hide the charset from
			// colly (our copy of the header keeps it).
			if ct := cr.Headers.Get("Content-Type"); ct != "" {
				if mt, _, err := mime.ParseMediaType(ct); err == nil {
					cr.Headers.Set("Content-Type", mt)
				} else {
					cr.Headers.Del("Content-Type")
				}
			}
		})
		col.OnResponse(func(cr *colly.Response) {
			res, _ := cr.Ctx.GetAny(resultKey).(*response)
			if res == nil {
				return
			}
			res.status = cr.StatusCode
			res.body = cr.Body
			res.finalURL = cr.Request.URL.String()
		})
		col.OnError(func(cr *colly.Response, err error) {
			res, _ := cr.Ctx.GetAny(resultKey).(*response)
			if res == nil {
				return
			}
			res.err = err
			if cr.StatusCode != 0 {
				res.status = cr.StatusCode
			}
		})
	}
	return &fetcher{pages: c, robots: r, cache: cache, maxBody: opts.MaxBody, timeout: opts.Timeout}
}

// get fetches u. A non-nil error is a *fetchError, except when ctx ended.
// Statuses ≥ 400 are errors; the response is still returned with them.
// cond, when not nil, adds conditional-GET headers; a 304 is then
// returned without error.
func (f *fetcher) get(ctx context.Context, u string, accept string, cond http.Header) (*response, error) {
	return f.do(ctx, f.pages, u, accept, cond)
}

// getRobots fetches a robots.txt; any status is returned without error.
func (f *fetcher) getRobots(ctx context.Context, u string) (*response, error) {
	res, err := f.do(ctx, f.robots, u, "text/plain,*/*;q=0.5", nil)
	var fe *fetchError
	if errors.As(err, &fe) && res != nil && res.status != 0 && fe.err == nil {
		return res, nil // HTTP status errors are for the caller to judge
	}
	return res, err
}

func (f *fetcher) do(ctx context.Context, col *colly.Collector, u, accept string, cond http.Header) (*response, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res := &response{requestURL: u, finalURL: u}
	cctx := colly.NewContext()
	cctx.Put(resultKey, res)
	hdr := http.Header{}
	hdr.Set("Accept", accept)
	for k, v := range cond {
		hdr[k] = v
	}
	err := col.Request(http.MethodGet, u, nil, cctx, hdr)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if res.oversize > 0 {
		return nil, &fetchError{reason: "body over " + sizeString(f.maxBody)}
	}
	if err == nil {
		err = res.err
	}
	if be := (*BlockedAddressError)(nil); errors.As(err, &be) {
		return nil, &fetchError{reason: blockedReason(u, err, be)} // netguard.go; never retried
	}
	if ue := (*UnresolvedHostError)(nil); errors.As(err, &ue) {
		return nil, &fetchError{reason: unresolvedReason(u, ue)}
	}
	if err != nil && res.status < 400 {
		return nil, f.classify(err)
	}
	if res.status >= 400 {
		return res, statusError(res)
	}
	if f.maxBody > 0 && int64(len(res.body)) > f.maxBody {
		return nil, &fetchError{reason: "body over " + sizeString(f.maxBody)}
	}
	// A .gz sitemap served without a gzip Content-Type reaches us still
	// compressed.
	if bytes.HasPrefix(res.body, []byte{0x1f, 0x8b}) {
		b, err := gunzip(res.body, f.maxBody)
		if err != nil {
			return nil, &fetchError{reason: "gunzip body", err: err}
		}
		res.body = b
	}
	return res, nil
}

// errTooManyRedirects ends a redirect chain longer than maxRedirects.
var errTooManyRedirects = fmt.Errorf("stopped after %d redirects", maxRedirects)

// statusError judges an HTTP error status: 429 (too many requests), 408
// and 5xx other than 501 may pass, so they are worth another attempt;
// other 4xx will not.
func statusError(res *response) *fetchError {
	fe := &fetchError{reason: fmt.Sprintf("HTTP %d", res.status)}
	switch {
	case res.status == http.StatusTooManyRequests, res.status == http.StatusRequestTimeout,
		res.status >= 500 && res.status != http.StatusNotImplemented:
		fe.retry = true
		if res.header != nil {
			fe.retryAfter, fe.hasRetryAfter = parseRetryAfter(res.header.Get("Retry-After"), time.Now())
		}
	}
	return fe
}

// parseRetryAfter reads a Retry-After value: delay-seconds or an
// HTTP-date. A date in the past means "now".
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		// Beyond a day is no plan to retry; clamp before multiplying.
		return time.Duration(min(n, 86400)) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// classify turns a transport error into a user-readable reason.
func (f *fetcher) classify(err error) *fetchError {
	var ne net.Error
	var loop *redirectLoopError
	switch {
	case errors.As(err, &loop):
		return &fetchError{reason: loop.Error()}
	case errors.Is(err, errTooManyRedirects):
		return &fetchError{reason: errTooManyRedirects.Error()}
	case errors.Is(err, colly.ErrRobotsTxtBlocked):
		return &fetchError{reason: "robots.txt disallows", skipped: true}
	case errors.Is(err, errRedirectRobots):
		return &fetchError{reason: "robots.txt disallows the redirect target", skipped: true}
	case errors.Is(err, errRedirectSeen):
		return &fetchError{reason: errRedirectSeen.Error(), skipped: true, quiet: true}
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return &fetchError{reason: "timeout after " + f.timeout.String(), retry: true}
	case errors.Is(err, io.ErrUnexpectedEOF):
		// The connection ended before the Content-Length or the last
		// chunk: a truncated body, which a second attempt may complete.
		return &fetchError{reason: "truncated body", retry: true}
	case errors.Is(err, gzip.ErrHeader), errors.Is(err, gzip.ErrChecksum), errors.As(err, new(flate.CorruptInputError)):
		return &fetchError{reason: "bad gzip body", err: err}
	}
	var oe *net.OpError
	if errors.As(err, &oe) {
		if oe.Op == "dial" {
			return &fetchError{reason: "connection failed", err: err, retry: true}
		}
		return &fetchError{reason: "connection error", err: err, retry: true}
	}
	if errors.Is(err, io.EOF) {
		return &fetchError{reason: "connection closed without a response", retry: true}
	}
	return &fetchError{reason: "fetch failed", err: err}
}

// boundBodies wraps the crawl transport so that no response body the
// crawler reads expands past max_body. colly inflates a body itself when
// its Content-Encoding names gzip (one Go's transport did not decode:
// "x-gzip", or gzip it did not ask for), when its Content-Type names gzip
// or when its path ends in .xml.gz, and it does so after its size limit,
// without one of its own (LIBRARIES.md): a 1 MB sitemap could become 1 GiB
// in memory. Here a gzip content coding is decoded as a stream that ends
// one byte past the limit (so do() sees "body over"), and every response
// is marked as already decoded so colly never inflates; a body that is
// itself a gzip file reaches do() compressed and is inflated there,
// under the same limit.
func boundBodies(next http.RoundTripper, limit int64) http.RoundTripper {
	return &bodyBound{next: next, limit: limit}
}

type bodyBound struct {
	next  http.RoundTripper
	limit int64 // 0: unbounded (only tests build a fetcher without MaxBody)
}

func (b *bodyBound) RoundTrip(req *http.Request) (*http.Response, error) {
	res, err := b.next.RoundTrip(req)
	if err != nil || res == nil {
		return res, err
	}
	if !res.Uncompressed && strings.Contains(strings.ToLower(res.Header.Get("Content-Encoding")), "gzip") {
		res.Body = &gzipStream{src: res.Body, left: b.limit + 1, unbounded: b.limit <= 0}
		res.Header.Del("Content-Encoding")
		res.Header.Del("Content-Length") // the compressed length says nothing of what we read
		res.ContentLength = -1
	}
	res.Uncompressed = true
	return res, nil
}

// gzipStream inflates src lazily (the gzip header is read on the first
// Read, not before colly has seen the response headers) and stops after
// left bytes.
type gzipStream struct {
	src       io.ReadCloser
	zr        *gzip.Reader
	left      int64
	unbounded bool
}

func (g *gzipStream) Read(p []byte) (int, error) {
	if g.zr == nil {
		zr, err := gzip.NewReader(g.src)
		if err != nil {
			return 0, err
		}
		g.zr = zr
	}
	if g.unbounded {
		return g.zr.Read(p)
	}
	if g.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > g.left {
		p = p[:g.left]
	}
	n, err := g.zr.Read(p)
	g.left -= int64(n)
	return n, err
}

func (g *gzipStream) Close() error {
	if g.zr != nil {
		g.zr.Close()
	}
	return g.src.Close()
}

func gunzip(b []byte, limit int64) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	var r io.Reader = zr
	if limit > 0 {
		r = io.LimitReader(zr, limit+1)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	if limit > 0 && int64(len(out)) > limit {
		return nil, fmt.Errorf("decompressed body over %s", sizeString(limit))
	}
	return out, nil
}

// sizeString renders a byte count the way a crawl log reads it.
func sizeString(n int64) string {
	const mb = 1 << 20
	const kb = 1 << 10
	switch {
	case n >= mb && n%mb == 0:
		return fmt.Sprintf("%d MB", n/mb)
	case n >= kb && n%kb == 0:
		return fmt.Sprintf("%d KB", n/kb)
	}
	return fmt.Sprintf("%d bytes", n)
}
