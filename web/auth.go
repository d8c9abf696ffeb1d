package web

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"policywatch/store"
)

// Sign-in for editors and admins. Readers never need an account; the
// session cookie only unlocks curation.

const sessionCookie = "pw_session"

// Login attempts are limited per account and per address: a guesser is
// slowed down whichever they vary.
const (
	loginMaxFailures = 5
	loginWindow      = 15 * time.Minute
)

// loginLimiter counts failed sign-ins in memory. Restarting the server
// forgets them, which is acceptable for a tool with a handful of editors;
// the window is short anyway.
type loginLimiter struct {
	mu       sync.Mutex
	now      func() time.Time
	failures map[string][]time.Time
}

func newLoginLimiter(now func() time.Time) *loginLimiter {
	return &loginLimiter{now: now, failures: map[string][]time.Time{}}
}

// recent drops failures older than the window and returns the rest.
func (l *loginLimiter) recent(key string) []time.Time {
	cutoff := l.now().Add(-loginWindow)
	f := l.failures[key]
	i := 0
	for i < len(f) && !f[i].After(cutoff) {
		i++
	}
	f = f[i:]
	if len(f) == 0 {
		delete(l.failures, key)
	} else {
		l.failures[key] = f
	}
	return f
}

// blocked reports whether any of keys has used up its attempts, and when
// the oldest counted failure leaves the window.
func (l *loginLimiter) blocked(keys ...string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var wait time.Duration
	for _, k := range keys {
		if f := l.recent(k); len(f) >= loginMaxFailures {
			wait = max(wait, f[len(f)-loginMaxFailures].Add(loginWindow).Sub(l.now()))
		}
	}
	return wait > 0, wait
}

func (l *loginLimiter) fail(keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.failures) > 10000 {
		// Someone is trying many names or addresses: forget what has
		// expired so memory stays bounded.
		for k := range l.failures {
			l.recent(k)
		}
	}
	for _, k := range keys {
		l.failures[k] = append(l.recent(k), l.now())
	}
}

// succeed forgets an account's failures once its owner signs in.
func (l *loginLimiter) succeed(accountKey string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.failures, accountKey)
}

func limiterKeys(r *http.Request, name string) (account, addr string) {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return "account:" + strings.ToLower(name), "addr:" + host
}

// session context: the guard (csrf.go) looks the cookie up once per
// request and handlers read it from the context.
type sessionKey struct{}

func withSession(ctx context.Context, s *store.Session) context.Context {
	return context.WithValue(ctx, sessionKey{}, s)
}

// sessionFrom is the request's signed-in session, or nil for a reader.
func sessionFrom(r *http.Request) *store.Session {
	s, _ := r.Context().Value(sessionKey{}).(*store.Session)
	return s
}

// lookupSession reads the session cookie. A missing, unknown or expired
// session is a reader, not an error.
func (s *Server) lookupSession(r *http.Request) *store.Session {
	if s.accounts == nil {
		return nil
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil
	}
	sess, err := s.accounts.Session(r.Context(), c.Value)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			s.log.Error("read session", "err", err)
		}
		return nil
	}
	return sess
}

// loginView is what templates/login.html renders.
type loginView struct {
	CSRF    string // the login form's token (double-submit cookie)
	Name    string
	Next    string
	Problem string
	Session *store.Session // already signed in
	Enabled bool
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	view := loginView{Enabled: s.accounts != nil, Next: safeNext(r.URL.Query().Get("next")), Session: sessionFrom(r)}
	if view.Session != nil {
		view.CSRF = view.Session.CSRF
	} else {
		view.CSRF = s.loginCSRF(w, r)
	}
	s.render(w, r, http.StatusOK, "login", page{Title: "Sign in", Data: view})
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if s.accounts == nil {
		s.fail(w, r, errNotFound)
		return
	}
	name := strings.TrimSpace(r.PostFormValue("name"))
	password := r.PostFormValue("password")
	view := loginView{Enabled: true, Name: name, Next: safeNext(r.PostFormValue("next"))}
	again := func(status int, problem string) {
		view.Problem = problem
		view.CSRF = s.loginCSRF(w, r)
		s.render(w, r, status, "login", page{Title: "Sign in", Data: view})
	}
	account, addr := limiterKeys(r, name)
	if blocked, wait := s.limiter.blocked(account, addr); blocked {
		again(http.StatusTooManyRequests, fmt.Sprintf("Too many failed sign-in attempts for this account or from "+
			"this address. Try again in %d minutes.", int(wait.Minutes())+1))
		return
	}
	u, err := s.accounts.Authenticate(r.Context(), name, password)
	if errors.Is(err, store.ErrBadCredentials) {
		s.limiter.fail(account, addr)
		again(http.StatusUnauthorized, "Wrong name or password.")
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sess, err := s.accounts.CreateSession(r.Context(), u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.limiter.succeed(account)
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: sess.Token, Path: "/", Expires: sess.ExpiresAt,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.cookieSecure(r),
	})
	s.clearLoginCSRF(w, r)
	s.log.Info("signed in", "user", u.Name)
	next := view.Next
	if next == "" {
		next = "/timeline"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if sess := sessionFrom(r); sess != nil && s.accounts != nil {
		if c, err := r.Cookie(sessionCookie); err == nil {
			if err := s.accounts.DeleteSession(r.Context(), c.Value); err != nil {
				s.fail(w, r, err)
				return
			}
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.cookieSecure(r)})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// safeNext keeps a post-sign-in redirect on this site: a path, not
// "//evil.example" or "/\evil.example", which browsers read as hosts.
// Browsers also delete tabs and newlines from a URL before parsing it, so
// "/<tab>/evil.example" is a host too: any control character or
// backslash refuses the path (requireSignIn's own paths are escaped and
// never contain one).
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		return ""
	}
	for i := 0; i < len(next); i++ {
		if c := next[i]; c < 0x20 || c == 0x7f || c == '\\' {
			return ""
		}
	}
	return next
}

// requireSignIn sends a reader to the sign-in page and refuses a signed-in
// user without the role; it returns the session when the page may be
// shown.
func (s *Server) requireSignIn(w http.ResponseWriter, r *http.Request, admin bool) *store.Session {
	sess := sessionFrom(r)
	if sess == nil {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return nil
	}
	if (admin && !sess.User.IsAdmin()) || !sess.User.CanCurate() {
		s.forbidden(w, r, "Your account may not do this.")
		return nil
	}
	return sess
}

// userAdmin is what the users page needs beyond signing in.
type userAdmin interface {
	Users(ctx context.Context) ([]store.User, error)
	AddUser(ctx context.Context, name, role, password string) (*store.User, error)
}

// usersView is what templates/curate_users.html renders.
type usersView struct {
	CSRF    string
	Users   []store.User
	Roles   []string
	Added   string
	Problem string
}

// usersPage lists accounts and offers the form to add one (admins only);
// `policywatch user add` does the same from the command line.
func (s *Server) usersPage(w http.ResponseWriter, r *http.Request) {
	s.showUsers(w, r, http.StatusOK, usersView{Added: r.URL.Query().Get("added")})
}

func (s *Server) showUsers(w http.ResponseWriter, r *http.Request, status int, view usersView) {
	if s.accounts == nil {
		s.fail(w, r, errNotFound)
		return
	}
	sess := s.requireSignIn(w, r, true)
	if sess == nil {
		return
	}
	users, err := s.accounts.Users(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	view.CSRF, view.Users, view.Roles = sess.CSRF, users, []string{store.RoleEditor, store.RoleAdmin}
	s.render(w, r, status, "curate_users", page{Title: "Users", Data: view})
}

func (s *Server) addUser(w http.ResponseWriter, r *http.Request) {
	if s.accounts == nil {
		s.fail(w, r, errNotFound)
		return
	}
	sess := sessionFrom(r)
	if sess == nil || !sess.User.IsAdmin() {
		s.forbidden(w, r, "Only admins can add users.")
		return
	}
	name := strings.TrimSpace(r.PostFormValue("name"))
	u, err := s.accounts.AddUser(r.Context(), name, r.PostFormValue("role"), r.PostFormValue("password"))
	var ue *store.UserError
	if errors.As(err, &ue) || errors.Is(err, store.ErrExists) {
		s.showUsers(w, r, http.StatusBadRequest, usersView{Problem: err.Error()})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.Info("user added", "by", sess.User.Name, "user", u.Name, "role", u.Role)
	http.Redirect(w, r, "/admin/users?added="+url.QueryEscape(u.Name), http.StatusSeeOther)
}

// cookieSecure says whether the session and CSRF cookies set in answer to
// r are marked Secure (sent back over HTTPS only): when r came over TLS,
// when the operator says the site is HTTPS-only (Config.SecureCookies),
// or when a trusted proxy says the browser used HTTPS. An untrusted
// X-Forwarded-Proto is ignored: anyone can send one.
func (s *Server) cookieSecure(r *http.Request) bool {
	if r.TLS != nil || s.secureCookies {
		return true
	}
	if !s.trustProxy {
		return false
	}
	// A chain of proxies appends its own values: the first one is what
	// the browser spoke to the outermost proxy.
	proto, _, _ := strings.Cut(r.Header.Get("X-Forwarded-Proto"), ",")
	return strings.EqualFold(strings.TrimSpace(proto), "https")
}

// requireEditorAPI is requireSignIn for JSON routes: a script gets 401
// (no or expired session) or 403 (an account that may not curate) with
// a JSON error, not a redirect to the HTML sign-in form.
func (s *Server) requireEditorAPI(w http.ResponseWriter, r *http.Request, what string) *store.Session {
	sess := sessionFrom(r)
	if sess == nil {
		w.Header().Set("Cache-Control", "no-store")
		writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "Sign in as an editor (POST /login) to " + what + "."})
		return nil
	}
	if !sess.User.CanCurate() {
		s.forbidden(w, r, "Your account may not "+what+".")
		return nil
	}
	return sess
}
