package web

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Feeds and citations carry absolute links to our archive. Behind a
// TLS-terminating proxy they must name the address readers use, not the
// plain-HTTP hop between the proxy and us; an untrusted client's
// forwarding headers must not change them.
func TestArchiveLinksBehindProxy(t *testing.T) {
	for _, tc := range []struct {
		name                 string
		secure, trust        bool
		proto, host          string
		wantBase, notWanting string
	}{
		{name: "direct", wantBase: "http://example.com/"},
		{name: "forged headers ignored", proto: "https", host: "evil.example", wantBase: "http://example.com/", notWanting: "evil.example"},
		{name: "HTTPS-only site", secure: true, wantBase: "https://example.com/"},
		{name: "trusted proxy", trust: true, proto: "https", host: "archive.example.org", wantBase: "https://archive.example.org/"},
		{name: "trusted proxy, chain", trust: true, proto: "https, http", host: "archive.example.org, inner:8080", wantBase: "https://archive.example.org/", notWanting: "inner:8080"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, ix := fixtures()
			s, err := New(Config{Store: st, Index: ix, SecureCookies: tc.secure, TrustProxy: tc.trust,
				Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
			if err != nil {
				t.Fatal(err)
			}
			req := httptest.NewRequest(http.MethodGet, "/feeds/search.atom?q=sanctions", nil)
			if tc.proto != "" {
				req.Header.Set("X-Forwarded-Proto", tc.proto)
			}
			if tc.host != "" {
				req.Header.Set("X-Forwarded-Host", tc.host)
			}
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, req)
			body := rec.Body.String()
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d", rec.Code)
			}
			if !strings.Contains(body, `"`+tc.wantBase) {
				t.Errorf("feed does not link %s:\n%s", tc.wantBase, body)
			}
			if tc.notWanting != "" && strings.Contains(body, tc.notWanting) {
				t.Errorf("feed links %s", tc.notWanting)
			}
		})
	}
}
