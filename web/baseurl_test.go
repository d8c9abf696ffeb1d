package web

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestBaseURLDecidesLinks: with a base URL set, feeds, exports and
// citations link there whatever Host or X-Forwarded-Host a request
// carries, so a shared cache cannot be made to keep someone else's
// links. Without one (and no trusted proxy) the Host header is used, as
// documented.
func TestBaseURLDecidesLinks(t *testing.T) {
	st, ix := fixtures()
	serve := func(base string, trust bool) http.Handler {
		s, err := New(Config{Store: st, Index: ix, BaseURL: base, TrustProxy: trust,
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		return s.Handler()
	}
	fetch := func(h http.Handler, target string) string {
		req := httptest.NewRequest(http.MethodGet, target, nil)
		req.Host = "evil.example"
		req.Header.Set("X-Forwarded-Host", "evil-forwarded.example")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s: %d\n%s", target, rec.Code, rec.Body)
		}
		return rec.Body.String()
	}
	paths := []string{"/feeds/search.atom", "/feeds/events.atom", "/timeline.ics", "/timeline.json", "/timeline.csv"}
	for _, trust := range []bool{false, true} {
		h := serve("https://archive.example.org/pw/", trust)
		for _, p := range paths {
			body := fetch(h, p)
			if strings.Contains(body, "evil") || !strings.Contains(body, "archive.example.org") {
				t.Errorf("trust %v, %s: links follow the request, not the base URL:\n%.800s", trust, p, body)
			}
		}
		if body := fetch(h, "/feeds/search.atom"); !strings.Contains(body, "https://archive.example.org/pw/documents/") {
			t.Errorf("permalinks do not keep the base URL's path:\n%.800s", body)
		}
	}
	if body := fetch(serve("", false), "/feeds/search.atom"); !strings.Contains(body, "http://evil.example/") || strings.Contains(body, "evil-forwarded") {
		t.Errorf("without a base URL or trusted proxy: want the Host header's links, never X-Forwarded-Host:\n%.800s", body)
	}
	if body := fetch(serve("", true), "/feeds/search.atom"); !strings.Contains(body, "evil-forwarded.example") {
		t.Errorf("behind a trusted proxy: want X-Forwarded-Host's links:\n%.800s", body)
	}
	for _, bad := range []string{"archive.example.org", "ftp://x.example", "https://x.example/?a=1", "https://"} {
		if _, err := New(Config{Store: st, Index: ix, BaseURL: bad}); err == nil {
			t.Errorf("base URL %q accepted", bad)
		}
	}
}
