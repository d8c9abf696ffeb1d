package web

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"policywatch/store"
)

// Sign-in for editors and admins. Readers never need an account; the
// session cookie only unlocks curation.

const sessionCookie = "pw_session"

// Failed sign-ins are limited so that a guesser is slowed down without
// locking the account's owner out. Counting per account alone would let
// anyone lock any editor out for the window with five wrong passwords;
// counting per address alone would let a guesser with many addresses
// try for ever. So:
//   - an account and an address together get loginPairFailures tries:
//     the guesser at that address must wait, the owner elsewhere signs in;
//   - an address gets loginAddrFailures over all accounts (one address
//     guessing many names), generous because offices share an address;
//   - an account gets loginAccountFailures from addresses it has never
//     signed in from (many addresses guessing one name); its owner's
//     own addresses, where it signed in before, are not held to it.
//
// The address is the connection's, or behind a trusted proxy
// (Config.TrustProxy) the one the proxy reports (clientAddr); IPv6
// addresses count by their /64, which one machine can fill at will.
const (
	loginPairFailures    = 5
	loginAddrFailures    = 20
	loginAccountFailures = 50
	loginWindow          = 15 * time.Minute
	loginKnownAddrs      = 16 // addresses remembered per account
)

// loginLimiter counts failed sign-ins in memory. Restarting the server
// forgets them, which is acceptable for a tool with a handful of editors;
// the window is short anyway.
type loginLimiter struct {
	mu       sync.Mutex
	now      func() time.Time
	failures map[string][]time.Time
	known    map[string][]string // account → addresses it signed in from, newest last
}

func newLoginLimiter(now func() time.Time) *loginLimiter {
	return &loginLimiter{now: now, failures: map[string][]time.Time{}, known: map[string][]string{}}
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

// loginKeys are the counters one attempt touches.
type loginKeys struct {
	pair, addr, account string
	knownAddr           bool // the account signed in from this address before
}

func (l *loginLimiter) keys(name, addr string) loginKeys {
	account := strings.ToLower(name)
	l.mu.Lock()
	defer l.mu.Unlock()
	return loginKeys{
		pair: "pair:" + account + "\x00" + addr, addr: "addr:" + addr, account: "account:" + account,
		knownAddr: slices.Contains(l.known[account], addr),
	}
}

// blocked says which limit, if any, refuses the attempt, and when the
// oldest counted failure leaves the window.
func (l *loginLimiter) blocked(k loginKeys) (limit string, wait time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	check := func(key string, most int, name string) {
		if f := l.recent(key); len(f) >= most {
			if w := f[len(f)-most].Add(loginWindow).Sub(l.now()); w > wait {
				limit, wait = name, w
			}
		}
	}
	check(k.pair, loginPairFailures, "account and address")
	check(k.addr, loginAddrFailures, "address")
	if !k.knownAddr {
		check(k.account, loginAccountFailures, "account, from new addresses")
	}
	return limit, wait
}

func (l *loginLimiter) fail(k loginKeys) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.failures) > 10000 {
		// Someone is trying many names or addresses: forget what has
		// expired so memory stays bounded.
		for key := range l.failures {
			l.recent(key)
		}
	}
	keys := []string{k.pair, k.addr}
	if !k.knownAddr {
		keys = append(keys, k.account)
	}
	for _, key := range keys {
		l.failures[key] = append(l.recent(key), l.now())
	}
}

// succeed forgets the failures of this account at this address and
// remembers the address as one the account's owner uses.
func (l *loginLimiter) succeed(name, addr string) {
	account := strings.ToLower(name)
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.failures, "pair:"+account+"\x00"+addr)
	known := slices.DeleteFunc(l.known[account], func(a string) bool { return a == addr })
	known = append(known, addr)
	if len(known) > loginKnownAddrs {
		known = known[len(known)-loginKnownAddrs:]
	}
	l.known[account] = known
}

// clientAddr is the address a request came from, as the sign-in limits
// count it: the connection's peer, or, behind a trusted proxy, the last
// address in X-Forwarded-For (what that proxy saw; earlier entries are
// whatever the client sent, so they are not believed). Without
// Config.TrustProxy the header is ignored: anyone can send one. An IPv6
// address stands for its /64.
func (s *Server) clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if s.trustProxy {
		if vals := r.Header.Values("X-Forwarded-For"); len(vals) > 0 {
			last := vals[len(vals)-1]
			if i := strings.LastIndexByte(last, ','); i >= 0 {
				last = last[i+1:]
			}
			if fwd := strings.TrimSpace(last); fwd != "" {
				host = fwd
			}
		}
	}
	a, err := netip.ParseAddr(strings.Trim(host, "[]"))
	if err != nil {
		return host
	}
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
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
	addr := s.clientAddr(r)
	keys := s.limiter.keys(name, addr)
	if limit, wait := s.limiter.blocked(keys); limit != "" {
		s.log.Warn("sign-in refused: too many failures", "user", name, "addr", addr, "limit", limit,
			"retry_in", wait.Round(time.Second).String())
		again(http.StatusTooManyRequests, fmt.Sprintf("Too many failed sign-in attempts for this %s. "+
			"Try again in %d minutes.", limit, int(wait.Minutes())+1))
		return
	}
	u, err := s.accounts.Authenticate(r.Context(), name, password)
	if errors.Is(err, store.ErrBadCredentials) {
		s.limiter.fail(keys)
		s.log.Warn("sign-in failed", "user", name, "addr", addr)
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
	s.limiter.succeed(name, addr)
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: sess.Token, Path: "/", Expires: sess.ExpiresAt,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.cookieSecure(r),
	})
	s.clearLoginCSRF(w, r)
	s.log.Info("signed in", "user", u.Name, "addr", addr)
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
