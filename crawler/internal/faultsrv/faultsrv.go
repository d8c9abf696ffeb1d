// Package faultsrv is a web site that misbehaves on purpose, for testing
// the crawler against the faults real sites produce: server errors, rate
// limiting with Retry-After, slow and truncated bodies, redirect loops
// and chains, a 20 MB page, Chinese pages in Big5 and GB18030 and a
// windows-1252 page without a charset anywhere, a robots.txt Disallow,
// an endless calendar and URLs shaped like traps.
//
// The server keeps its own log of every request (start, end, status), so
// a test can check from the server's side that the crawler kept its pace
// and waited as Retry-After asked.
package faultsrv

import (
	"bufio"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// HugeSize is the size of the oversize pages.
const HugeSize = 20 << 20

// Entry is one request as the server saw it.
type Entry struct {
	Path   string // request URI: path and query
	Start  time.Time
	End    time.Time // when the handler returned (the client may have given up earlier)
	Status int
	Header http.Header // request headers
}

// Server is a running fault-injection site.
type Server struct {
	URL string
	srv *httptest.Server

	mu    sync.Mutex
	log   []Entry
	count map[string]int // requests per path, for faults that pass
}

// Start starts a server on a loopback port.
func Start() *Server {
	s := &Server{count: map[string]int{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	return s
}

// Close stops the server, cutting connections still open.
func (s *Server) Close() {
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// Log returns the requests served so far, in order of arrival.
func (s *Server) Log() []Entry {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Entry(nil), s.log...)
}

// Requests returns the log entries for one request URI.
func (s *Server) Requests(uri string) []Entry {
	var out []Entry
	for _, e := range s.Log() {
		if e.Path == uri {
			out = append(out, e)
		}
	}
	return out
}

// statusWriter remembers the status a handler sent.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	i := len(s.log)
	s.log = append(s.log, Entry{Path: r.URL.RequestURI(), Start: time.Now(), Header: r.Header.Clone()})
	s.count[r.URL.Path]++
	n := s.count[r.URL.Path]
	s.mu.Unlock()
	sw := &statusWriter{ResponseWriter: w}
	s.route(sw, r, n)
	s.mu.Lock()
	s.log[i].End = time.Now()
	s.log[i].Status = sw.status
	s.mu.Unlock()
}

// Paths of the faults, for tests to name them.
const (
	PathSeed          = "/seed/"
	PathOK            = "/fault/ok/"
	Path500           = "/fault/500/"
	PathFlaky         = "/fault/flaky/"        // 503 once, then the page
	Path429           = "/fault/429/"          // 429 with Retry-After: 1 once, then the page
	Path429Date       = "/fault/429-date/"     // 429 with an HTTP-date Retry-After 2s ahead once, then the page
	Path429Long       = "/fault/429-long/"     // 429 with Retry-After: 3600, always
	PathSlow          = "/fault/slow/"         // no answer for 10s
	PathSlowBody      = "/fault/slow-body/"    // headers and a first chunk, then nothing for 10s
	PathTruncated     = "/fault/truncated/"    // Content-Length 5000, 1000 bytes, connection closed
	PathLoopA         = "/fault/loop/a/"       // → b → a
	PathLoopB         = "/fault/loop/b/"       //
	PathChain         = "/fault/chain/0/"      // → 1 → 2 → ... → 30
	PathHuge          = "/fault/huge/"         // 20 MB with Content-Length
	PathHugeChunked   = "/fault/huge-chunked/" // 20 MB without Content-Length
	PathBig5          = "/fault/big5/"         // Big5, no charset in header or markup
	PathGB18030       = "/fault/gb18030/"      // GB18030, no charset in header or markup
	PathCP1252        = "/fault/cp1252/"       // windows-1252, no charset in header or markup
	PathBig5AsUTF8    = "/fault/big5-as-utf8/" // Big5, labelled UTF-8 by the server's default header
	PathMissing       = "/fault/missing/"      // 404
	PathPrivate       = "/private/secret/"     // disallowed by robots.txt
	PathCalendar      = "/calendar/"           // ?month=YYYY-MM, linking to the months before and after
	PathRepeated      = "/fault/a/b/a/b/a/b/"  // a repeated-segment trap
	PathSessionA      = "/fault/session/;jsessionid=AAA"
	PathSessionB      = "/fault/session/?PHPSESSID=BBB"
	PathExplodedQuery = "/fault/search/?a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9&j=10"
	PathETag          = "/fault/etag/" // answers 304 to its own ETag
)

// ETag is the validator PathETag sends.
const ETag = `"v1-fault-etag"`

// Robots is the server's robots.txt.
const Robots = "User-agent: *\nDisallow: /private/\n"

func (s *Server) route(w http.ResponseWriter, r *http.Request, n int) {
	p := r.URL.Path
	switch {
	case p == "/robots.txt":
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprint(w, Robots)
	case p == PathSeed:
		html(w, seedPage())
	case p == PathOK, p == PathPrivate, p == "/fault/session/":
		html(w, Article(p))
	case p == Path500:
		http.Error(w, "internal error", http.StatusInternalServerError)
	case p == PathFlaky:
		if n == 1 {
			http.Error(w, "try again", http.StatusServiceUnavailable)
			return
		}
		html(w, Article(p))
	case p == Path429:
		if n == 1 {
			w.Header().Set("Retry-After", "1")
			http.Error(w, "slow down", http.StatusTooManyRequests)
			return
		}
		html(w, Article(p))
	case p == Path429Date:
		if n == 1 {
			w.Header().Set("Retry-After", time.Now().Add(2*time.Second).UTC().Format(http.TimeFormat))
			http.Error(w, "slow down", http.StatusTooManyRequests)
			return
		}
		html(w, Article(p))
	case p == Path429Long:
		w.Header().Set("Retry-After", "3600")
		http.Error(w, "come back in an hour", http.StatusTooManyRequests)
	case p == PathSlow:
		select {
		case <-time.After(10 * time.Second):
			html(w, Article(p))
		case <-r.Context().Done():
		}
	case p == PathSlowBody:
		w.Header().Set("Content-Type", "text/html")
		page := Article(p)
		fmt.Fprint(w, page[:200])
		w.(http.Flusher).Flush()
		select {
		case <-time.After(10 * time.Second):
			fmt.Fprint(w, page[200:])
		case <-r.Context().Done():
		}
	case p == PathTruncated:
		truncated(w)
	case p == PathLoopA:
		http.Redirect(w, r, PathLoopB, http.StatusFound)
	case p == PathLoopB:
		http.Redirect(w, r, PathLoopA, http.StatusFound)
	case strings.HasPrefix(p, "/fault/chain/"):
		k, _ := strconv.Atoi(strings.Trim(strings.TrimPrefix(p, "/fault/chain/"), "/"))
		if k >= 30 {
			html(w, Article(p))
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/fault/chain/%d/", k+1), http.StatusFound)
	case p == PathHuge, p == PathHugeChunked:
		huge(w, p == PathHuge)
	case p == PathBig5:
		encoded(w, traditionalchinese.Big5, ChinesePage(true))
	case p == PathGB18030:
		encoded(w, simplifiedchinese.GB18030, ChinesePage(false))
	case p == PathCP1252:
		encoded(w, charmap.Windows1252, CP1252Page())
	case p == PathBig5AsUTF8:
		// A page of its own, not a copy of PathBig5's.
		page := strings.Replace(ChinesePage(true), "</article>", "<p>此公告的伺服器以錯誤的字元編碼標示網頁。</p></article>", 1)
		b, _ := traditionalchinese.Big5.NewEncoder().String(page)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, b)
	case p == PathCalendar:
		calendar(w, r)
	case p == PathETag:
		if r.Header.Get("If-None-Match") == ETag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", ETag)
		html(w, Article(p))
	default:
		http.NotFound(w, r)
	}
}

func html(w http.ResponseWriter, page string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprint(w, page)
}

// encoded serves page in enc with a bare text/html: no charset in the
// header, and none in the page.
func encoded(w http.ResponseWriter, enc encoding.Encoding, page string) {
	b, err := enc.NewEncoder().String(page)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html")
	fmt.Fprint(w, b)
}

// truncated announces 5000 bytes, sends 1000 and hangs up.
func truncated(w http.ResponseWriter) {
	hj, ok := w.(*statusWriter).ResponseWriter.(http.Hijacker)
	if !ok {
		http.Error(w, "no hijack", http.StatusInternalServerError)
		return
	}
	w.(*statusWriter).status = http.StatusOK
	conn, buf, err := hj.Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	body := Article(PathTruncated)
	for len(body) < 1000 {
		body += body
	}
	fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 5000\r\n\r\n%s", body[:1000])
	buf.Flush()
}

// huge writes HugeSize bytes of HTML, with or without Content-Length.
func huge(w http.ResponseWriter, withLength bool) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	head, tail := "<!DOCTYPE html><html><head><title>Huge</title></head><body><p>", "</p></body></html>"
	if withLength {
		w.Header().Set("Content-Length", strconv.Itoa(HugeSize))
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString(head)
	filler := strings.Repeat("Hong Kong filler text. ", 1000)
	left := HugeSize - len(head) - len(tail)
	for left > 0 {
		k := min(left, len(filler))
		if _, err := bw.WriteString(filler[:k]); err != nil {
			return // the client hung up: expected
		}
		left -= k
	}
	bw.WriteString(tail)
	bw.Flush()
}

// calendar is an endless month view: every month links to the one before
// and the one after.
func calendar(w http.ResponseWriter, r *http.Request) {
	m, err := time.Parse("2006-01", r.URL.Query().Get("month"))
	if err != nil {
		m = time.Date(2020, 7, 1, 0, 0, 0, 0, time.UTC)
	}
	prev, next := m.AddDate(0, -1, 0), m.AddDate(0, 1, 0)
	html(w, fmt.Sprintf(`<!DOCTYPE html><html><head><title>Events in %[1]s</title></head><body>
<h1>Events in %[1]s</h1><p>No events this month.</p>
<a href="%[2]s?month=%[3]s">previous month</a> <a href="%[2]s?month=%[4]s">next month</a>
</body></html>`, m.Format("January 2006"), PathCalendar, prev.Format("2006-01"), next.Format("2006-01")))
}

// seedPage links to every fault.
func seedPage() string {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html><head><title>Faults</title></head><body><ul>`)
	for _, p := range []string{PathOK, Path500, PathFlaky, Path429, Path429Date, Path429Long, PathSlow, PathSlowBody,
		PathTruncated, PathLoopA, PathChain, PathHuge, PathHugeChunked, PathBig5, PathGB18030, PathCP1252,
		PathBig5AsUTF8, PathMissing, PathPrivate, PathRepeated, PathSessionA, PathSessionB, PathExplodedQuery, PathETag} {
		fmt.Fprintf(&b, `<li><a href="%s">%s</a></li>`, strings.ReplaceAll(p, "&", "&amp;"), p)
	}
	b.WriteString(`</ul></body></html>`)
	return b.String()
}

// Article is an English news page about Hong Kong, distinct per path.
func Article(path string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<!DOCTYPE html><html lang="en"><head><title>Statement %[1]s</title>
<meta property="article:published_time" content="2020-07-01T10:00:00Z"></head><body><main><article><h1>Statement %[1]s</h1>`, path)
	for i := range 5 {
		fmt.Fprintf(&b, "<p>Paragraph %d of the statement published at %s: the government said the measures concerning Hong Kong would be reviewed with partners before any further decision.</p>\n", i+1, path)
	}
	b.WriteString(`</article></main></body></html>`)
	return b.String()
}

// ChineseText is the body of the Chinese pages, in Traditional or
// Simplified characters.
func ChineseText(traditional bool) string {
	if traditional {
		return "香港特別行政區政府今日發表聲明，表示維護國家安全的法律已經生效，政府會繼續與各界溝通，並回應外國政府的關注。"
	}
	return "香港特别行政区政府今日发表声明，表示维护国家安全的法律已经生效，政府会继续与各界沟通，并回应外国政府的关注。"
}

// ChinesePage is a Chinese press release with no charset declaration.
func ChinesePage(traditional bool) string {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html lang="zh"><head><title>新聞公報</title>
<meta property="article:published_time" content="2020-07-01T10:00:00+08:00"></head><body><main><article><h1>新聞公報</h1>`)
	for range 4 {
		fmt.Fprintf(&b, "<p>%s</p>\n", ChineseText(traditional))
	}
	b.WriteString(`</article></main></body></html>`)
	return b.String()
}

// CP1252Text has characters windows-1252 encodes differently from Latin-1
// and UTF-8: curly quotes, a dash, the euro sign.
const CP1252Text = "The minister’s statement on Hong Kong — “a grave step” — froze €2 million in assets."

// CP1252Page is an English page with no charset declaration, to be served
// in windows-1252.
func CP1252Page() string {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html lang="en"><head><title>Asset freeze</title>
<meta property="article:published_time" content="2020-07-01T10:00:00Z"></head><body><main><article><h1>Asset freeze</h1>`)
	for range 5 {
		fmt.Fprintf(&b, "<p>%s</p>\n", CP1252Text)
	}
	b.WriteString(`</article></main></body></html>`)
	return b.String()
}
