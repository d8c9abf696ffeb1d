package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
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

// SignInLog keeps what the sign-in limits count: failures by counter
// and the addresses each account signed in from. *store.DB satisfies it,
// so every server of a shared archive holds a guesser to the same limits
// and a restart forgets nothing; without one (Config.SignInLog nil) the
// server counts in memory.
type SignInLog interface {
	SignInFailures(ctx context.Context, key string, since time.Time) ([]time.Time, error)
	AddSignInFailure(ctx context.Context, keys []string, at, forgetBefore time.Time) error
	ClearSignInFailures(ctx context.Context, key string) error
	SignInAddresses(ctx context.Context, account string) ([]string, error)
	RememberSignInAddress(ctx context.Context, account, addr string, at time.Time, keep int) error
}

var _ SignInLog = (*store.DB)(nil)

// loginLimiter applies the sign-in limits to what its log counted.
type loginLimiter struct {
	log SignInLog
	now func() time.Time
}

func newLoginLimiter(log SignInLog, now func() time.Time) *loginLimiter {
	if log == nil {
		log = &memSignInLog{failures: map[string][]time.Time{}, known: map[string][]string{}}
	}
	return &loginLimiter{log: log, now: now}
}

// loginKeys are the counters one attempt touches.
type loginKeys struct {
	pair, addr, account string
	knownAddr           bool // the account signed in from this address before
}

func (l *loginLimiter) keys(ctx context.Context, name, addr string) (loginKeys, error) {
	account, addr := loginID(strings.ToLower(name)), loginID(addr)
	known, err := l.log.SignInAddresses(ctx, account)
	if err != nil {
		return loginKeys{}, err
	}
	return loginKeys{
		pair: "pair:" + account + ":" + addr, addr: "addr:" + addr, account: "account:" + account,
		knownAddr: slices.Contains(known, addr),
	}, nil
}

// loginID stands for a typed name or a reported address in the sign-in
// log: whatever a guesser sends (invalid UTF-8, NUL bytes, a megabyte
// of name) is stored as a short digest the log's database accepts.
func loginID(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:16])
}

// blocked says which limit, if any, refuses the attempt, and when the
// oldest counted failure leaves the window.
func (l *loginLimiter) blocked(ctx context.Context, k loginKeys) (limit string, wait time.Duration, err error) {
	now := l.now()
	check := func(key string, most int, name string) error {
		f, err := l.log.SignInFailures(ctx, key, now.Add(-loginWindow))
		if err != nil {
			return err
		}
		if len(f) >= most {
			if w := f[len(f)-most].Add(loginWindow).Sub(now); w > wait {
				limit, wait = name, w
			}
		}
		return nil
	}
	if err := check(k.pair, loginPairFailures, "account and address"); err != nil {
		return "", 0, err
	}
	if err := check(k.addr, loginAddrFailures, "address"); err != nil {
		return "", 0, err
	}
	if !k.knownAddr {
		if err := check(k.account, loginAccountFailures, "account, from new addresses"); err != nil {
			return "", 0, err
		}
	}
	return limit, wait, nil
}

func (l *loginLimiter) fail(ctx context.Context, k loginKeys) error {
	keys := []string{k.pair, k.addr}
	if !k.knownAddr {
		keys = append(keys, k.account)
	}
	now := l.now()
	return l.log.AddSignInFailure(ctx, keys, now, now.Add(-loginWindow))
}

// succeed forgets the failures of this account at this address and
// remembers the address as one the account's owner uses.
func (l *loginLimiter) succeed(ctx context.Context, name, addr string) error {
	account, addr := loginID(strings.ToLower(name)), loginID(addr)
	if err := l.log.ClearSignInFailures(ctx, "pair:"+account+":"+addr); err != nil {
		return err
	}
	return l.log.RememberSignInAddress(ctx, account, addr, l.now(), loginKnownAddrs)
}

// memSignInLog is a SignInLog in memory, for a server given none.
type memSignInLog struct {
	mu       sync.Mutex
	failures map[string][]time.Time // oldest first
	known    map[string][]string    // account → addresses, newest last
}

func (m *memSignInLog) SignInFailures(_ context.Context, key string, since time.Time) ([]time.Time, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []time.Time
	for _, at := range m.failures[key] {
		if at.After(since) {
			out = append(out, at)
		}
	}
	return out, nil
}

func (m *memSignInLog) AddSignInFailure(_ context.Context, keys []string, at, forgetBefore time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	forget := func(key string) {
		f := m.failures[key]
		i := 0
		for i < len(f) && !f[i].After(forgetBefore) {
			i++
		}
		if f = f[i:]; len(f) == 0 {
			delete(m.failures, key)
		} else {
			m.failures[key] = f
		}
	}
	if len(m.failures) > 10000 {
		// Someone is trying many names or addresses: forget what has
		// expired so memory stays bounded.
		for key := range m.failures {
			forget(key)
		}
	}
	for _, key := range keys {
		forget(key)
		m.failures[key] = append(m.failures[key], at)
	}
	return nil
}

func (m *memSignInLog) ClearSignInFailures(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.failures, key)
	return nil
}

func (m *memSignInLog) SignInAddresses(_ context.Context, account string) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.known[account]), nil
}

func (m *memSignInLog) RememberSignInAddress(_ context.Context, account, addr string, _ time.Time, keep int) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	known := slices.DeleteFunc(m.known[account], func(a string) bool { return a == addr })
	known = append(known, addr)
	if len(known) > keep {
		known = known[len(known)-keep:]
	}
	m.known[account] = known
	return nil
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
	keys, err := s.limiter.keys(r.Context(), name, addr)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	limit, wait, err := s.limiter.blocked(r.Context(), keys)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if limit != "" {
		s.log.Warn("sign-in refused: too many failures", "user", name, "addr", addr, "limit", limit,
			"retry_in", wait.Round(time.Second).String())
		again(http.StatusTooManyRequests, fmt.Sprintf("Too many failed sign-in attempts for this %s. "+
			"Try again in %d minutes.", limit, int(wait.Minutes())+1))
		return
	}
	u, err := s.accounts.Authenticate(r.Context(), name, password)
	if errors.Is(err, store.ErrBadCredentials) {
		if err := s.limiter.fail(r.Context(), keys); err != nil {
			s.fail(w, r, err)
			return
		}
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
	if err := s.limiter.succeed(r.Context(), name, addr); err != nil {
		s.fail(w, r, err)
		return
	}
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
