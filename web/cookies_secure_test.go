package web

import (
	"context"
	"crypto/tls"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"policywatch/store"
)

// TestCookiesSecureBehindTLSProxy: behind a proxy that terminates TLS
// every request arrives as plain HTTP; the session and CSRF cookies must
// still be Secure when the operator says so, and a forged
// X-Forwarded-Proto must not count unless the proxy is trusted.
func TestCookiesSecureBehindTLSProxy(t *testing.T) {
	if testing.Short() {
		t.Skip("opens SQLite")
	}
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "pw.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const password = "a long enough password"
	if _, err := db.AddUser(ctx, "ed", store.RoleEditor, password); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name          string
		secureCookies bool
		trustProxy    bool
		tls           bool
		forwarded     string // X-Forwarded-Proto
		want          bool
	}{
		{name: "plain HTTP", want: false},
		{name: "direct TLS", tls: true, want: true},
		{name: "--secure-cookies", secureCookies: true, want: true},
		{name: "proxy header, proxy not trusted", forwarded: "https", want: false},
		{name: "--trust-proxy, proxy says https", trustProxy: true, forwarded: "https", want: true},
		{name: "--trust-proxy, chain of proxies", trustProxy: true, forwarded: "HTTPS, http", want: true},
		{name: "--trust-proxy, proxy says http", trustProxy: true, forwarded: "http", want: false},
		{name: "--trust-proxy, no header", trustProxy: true, want: false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := New(Config{Store: db, Index: &fakeIndex{}, Accounts: db, Curator: db,
				SecureCookies: tc.secureCookies, TrustProxy: tc.trustProxy,
				Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
			if err != nil {
				t.Fatal(err)
			}
			h := s.Handler()
			send := func(method, target string, form url.Values, cookies ...*http.Cookie) *http.Response {
				var body io.Reader
				if form != nil {
					body = strings.NewReader(form.Encode())
				}
				req := httptest.NewRequest(method, target, body)
				if form != nil {
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				}
				if tc.tls {
					req.TLS = &tls.ConnectionState{}
				}
				if tc.forwarded != "" {
					req.Header.Set("X-Forwarded-Proto", tc.forwarded)
				}
				for _, c := range cookies {
					req.AddCookie(c)
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				return rec.Result()
			}
			cookie := func(res *http.Response, name string) *http.Cookie {
				for _, c := range res.Cookies() {
					if c.Name == name {
						return c
					}
				}
				t.Fatalf("%s: no %s cookie (status %d)", res.Request.URL.Path, name, res.StatusCode)
				return nil
			}

			loginCSRF := cookie(send("GET", "/login", nil), loginCSRFCookie)
			res := send("POST", "/login", url.Values{"csrf": {loginCSRF.Value}, "name": {"ed"}, "password": {password}}, loginCSRF)
			session := cookie(res, sessionCookie)
			clearedCSRF := cookie(res, loginCSRFCookie)
			// Signing out needs the session's own CSRF token.
			sess, err := db.Session(ctx, session.Value)
			if err != nil {
				t.Fatalf("session: %v", err)
			}
			cleared := cookie(send("POST", "/logout", url.Values{"csrf": {sess.CSRF}}, session), sessionCookie)
			for _, c := range []*http.Cookie{loginCSRF, session, clearedCSRF, cleared} {
				if c.Secure != tc.want {
					t.Errorf("cookie %s (value %.8q): Secure %v, want %v", c.Name, c.Value, c.Secure, tc.want)
				}
			}
		})
	}
}
