package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
)

// Cross-site request forgery protection. Every request that can change
// state (any method but GET, HEAD and OPTIONS) passes guard, whichever
// route it goes to, so a POST route added later is protected without
// anyone remembering to: it needs a signed-in session and that session's
// CSRF token, in the form field "csrf" or the X-CSRF-Token header. The
// sign-in form itself has no session yet; it carries a token that must
// match a cookie set when the form was shown (double submit), so another
// site cannot sign a browser in to an account of its choosing.

const (
	csrfField       = "csrf"
	csrfHeader      = "X-CSRF-Token"
	loginCSRFCookie = "pw_login_csrf"
	loginPath       = "/login"
	// maxFormBytes bounds what a form post may send; curation forms are
	// small.
	maxFormBytes = 64 << 10
)

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// guard puts the request's session in its context and refuses any
// state-changing request without a valid session and CSRF token (403).
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess := s.lookupSession(r)
		if sess != nil {
			r = r.WithContext(withSession(r.Context(), sess))
			// Pages for a signed-in editor carry their CSRF token and
			// controls: no cache may keep them for anyone else.
			w.Header().Set("Cache-Control", "private, no-store")
		}
		if safeMethod(r.Method) {
			next.ServeHTTP(w, r)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		token := r.Header.Get(csrfHeader)
		if token == "" {
			token = r.PostFormValue(csrfField)
		}
		if r.URL.Path == loginPath && r.Method == http.MethodPost {
			c, err := r.Cookie(loginCSRFCookie)
			if err != nil || !tokensEqual(c.Value, token) {
				s.forbidden(w, r, "The sign-in form expired or did not come from this site. Reload it and try again.")
				return
			}
			next.ServeHTTP(w, r)
			return
		}
		if sess == nil {
			s.forbidden(w, r, "Sign in as an editor to change anything.")
			return
		}
		if !tokensEqual(sess.CSRF, token) {
			s.forbidden(w, r, "The form expired or did not come from this site. Reload the page and try again.")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// tokensEqual compares in constant time; an empty token never matches.
func tokensEqual(want, got string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(want), []byte(got)) == 1
}

// loginCSRF returns the sign-in form's token, setting its cookie when the
// browser has none yet.
func (s *Server) loginCSRF(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(loginCSRFCookie); err == nil && len(c.Value) >= 32 {
		return c.Value
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	http.SetCookie(w, &http.Cookie{Name: loginCSRFCookie, Value: token, Path: loginPath, MaxAge: 3600,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: s.cookieSecure(r)})
	return token
}

func (s *Server) clearLoginCSRF(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: loginCSRFCookie, Value: "", Path: loginPath, MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: s.cookieSecure(r)})
}

// forbidden answers 403: as JSON for API clients, as a page otherwise.
func (s *Server) forbidden(w http.ResponseWriter, r *http.Request, msg string) {
	if isAPI(r) {
		writeJSON(w, http.StatusForbidden, map[string]any{"error": msg})
		return
	}
	s.render(w, r, http.StatusForbidden, "error", page{Title: "Forbidden",
		Data: errorView{Status: http.StatusForbidden, Message: msg}})
}

func isAPI(r *http.Request) bool {
	return len(r.URL.Path) >= 5 && r.URL.Path[:5] == "/api/"
}
