package web

import (
	"context"
	"crypto/tls"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"policywatch/model"
	"policywatch/store"
)

// curationHarness is the server over a real SQLite store (accounts,
// sessions and curation are the store's), with two clustered events.
type curationHarness struct {
	db       *store.DB
	h        http.Handler
	clock    *fakeClock
	a, b     model.Event // clustered events
	docs     []int64
	password string
}

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newCurationHarness(t *testing.T) *curationHarness {
	t.Helper()
	if testing.Short() {
		t.Skip("opens SQLite")
	}
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "pw.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	hc := &curationHarness{db: db, clock: &fakeClock{t: time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)},
		password: "a long enough password"}
	for i, kind := range []model.DocKind{model.KindOfficial, model.KindOfficial, model.KindNews} {
		u := "https://gov.example/" + strconv.Itoa(i)
		d := &model.Document{URL: u, Source: "gov", Kind: kind, Title: "Document " + strconv.Itoa(i),
			Text: "text " + strconv.Itoa(i), Published: day("2020-07-0" + strconv.Itoa(i+1)),
			DateSource: model.DateFromMeta, FetchedAt: hc.clock.Now(), ContentHash: "h" + strconv.Itoa(i)}
		c := &model.Capture{FetchedAt: hc.clock.Now(), RequestURL: u, FinalURL: u, Status: 200,
			Body: []byte("x"), BodySHA256: "b", ContentHash: d.ContentHash}
		if _, err := db.SaveCapture(ctx, d, c); err != nil {
			t.Fatal(err)
		}
		hc.docs = append(hc.docs, d.ID)
	}
	if err := db.ReplaceEvents(ctx, []model.Event{
		{Key: "us/visa/2020-07-01", Title: "Clustered A", Category: "visa-restriction", Actors: []string{"us"},
			Date: day("2020-07-01"), Documents: []model.EventDocument{{DocumentID: hc.docs[0], Primary: true}, {DocumentID: hc.docs[2]}}},
		{Key: "uk/extradition/2020-07-02", Title: "Clustered B", Category: "extradition", Actors: []string{"uk"},
			Date: day("2020-07-02"), Documents: []model.EventDocument{{DocumentID: hc.docs[1], Primary: true}}},
	}); err != nil {
		t.Fatal(err)
	}
	evs, err := db.Events(ctx, store.EventFilter{})
	if err != nil || len(evs) != 2 {
		t.Fatalf("events: %v %v", evs, err)
	}
	hc.a, hc.b = evs[0], evs[1]
	for _, u := range []struct{ name, role string }{{"ed", store.RoleEditor}, {"root", store.RoleAdmin}} {
		if _, err := db.AddUser(ctx, u.name, u.role, hc.password); err != nil {
			t.Fatal(err)
		}
	}
	s, err := New(Config{Store: db, Index: &fakeIndex{}, Accounts: db, Curator: db, Now: hc.clock.Now,
		Lanes:  []Lane{{ID: "visas", Label: "Visas", Categories: []string{"visa-restriction"}}, {ID: "ext", Label: "Extradition", Categories: []string{"extradition"}}},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	hc.h = s.Handler()
	return hc
}

// session signs a user in directly through the store (the sign-in form
// has its own tests) and returns the cookie and CSRF token.
func (hc *curationHarness) session(t *testing.T, name string) (*http.Cookie, string) {
	t.Helper()
	ctx := context.Background()
	users, err := hc.db.Users(ctx)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(users, func(u store.User) bool { return u.Name == name })
	if i < 0 {
		t.Fatalf("no user %s", name)
	}
	s, err := hc.db.CreateSession(ctx, &users[i])
	if err != nil {
		t.Fatal(err)
	}
	return &http.Cookie{Name: sessionCookie, Value: s.Token}, s.CSRF
}

func (hc *curationHarness) do(method, target string, form url.Values, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, target, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	hc.h.ServeHTTP(rec, req)
	return rec
}

// stateChangingRoutes reads every route pattern with a method other than
// GET or HEAD from the package's source (routes.go and any other file),
// so a route added later is tested without anyone listing it here.
func stateChangingRoutes(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	pattern := regexp.MustCompile(`^(POST|PUT|PATCH|DELETE) /`)
	seen := map[string]bool{}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		file, err := parser.ParseFile(fset, f, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if v, err := strconv.Unquote(lit.Value); err == nil && pattern.MatchString(v) {
					seen[v] = true
				}
			}
			return true
		})
	}
	var out []string
	for r := range seen {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}

func TestEveryStateChangingRouteNeedsSessionAndCSRF(t *testing.T) {
	hc := newCurationHarness(t)
	routes := stateChangingRoutes(t)
	for _, want := range []string{"POST /login", "POST /logout", "POST /events/new", "POST /events/{id}/confirm",
		"POST /events/{id}/retitle", "POST /events/{id}/redate", "POST /events/{id}/hide", "POST /events/{id}/unhide",
		"POST /events/{id}/merge", "POST /events/{id}/split", "POST /events/{id}/attach", "POST /events/{id}/detach"} {
		if !slices.Contains(routes, want) {
			t.Fatalf("route table scan missed %q (found %v)", want, routes)
		}
	}
	// Methods no route declares are refused the same way before routing.
	routes = append(routes, "PUT /events/{id}", "DELETE /events/{id}", "POST /no/such/route")

	edCookie, edCSRF := hc.session(t, "ed")
	_, otherCSRF := hc.session(t, "root")
	id := strconv.FormatInt(hc.a.ID, 10)
	placeholder := regexp.MustCompile(`\{[^}]*\}`)
	// A form that would make a real change on every curation route.
	valid := url.Values{"title": {"Forged title"}, "kind": {"announced"}, "date": {"2020-01-01"},
		"into": {strconv.FormatInt(hc.b.ID, 10)}, "document": {strconv.FormatInt(hc.docs[2], 10)},
		"category": {"extradition"}, "name": {"ed"}, "password": {hc.password}}
	with := func(csrf string) url.Values {
		f := url.Values{}
		for k, v := range valid {
			f[k] = v
		}
		if csrf != "" {
			f.Set("csrf", csrf)
		}
		return f
	}
	cases := []struct {
		name    string
		form    url.Values
		cookies []*http.Cookie
	}{
		{"no session, no token", with(""), nil},
		{"no session, a token", with(edCSRF), nil},
		{"session, no token", with(""), []*http.Cookie{edCookie}},
		{"session, wrong token", with(wrongToken(edCSRF)), []*http.Cookie{edCookie}},
		{"session, another session's token", with(otherCSRF), []*http.Cookie{edCookie}},
		{"forged session cookie", with(edCSRF), []*http.Cookie{{Name: sessionCookie, Value: edCookie.Value + "x"}}},
	}
	for _, route := range routes {
		method, path, _ := strings.Cut(route, " ")
		path = placeholder.ReplaceAllString(path, id)
		for _, tc := range cases {
			rec := hc.do(method, path, tc.form, tc.cookies...)
			if rec.Code != http.StatusForbidden {
				t.Errorf("%s %s with %s: status %d, want 403", method, path, tc.name, rec.Code)
			}
		}
	}
	// Nothing changed, and nobody was signed in.
	ev, err := hc.db.Event(context.Background(), hc.a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Title != "Clustered A" || ev.Hidden || len(ev.Documents) != 2 {
		t.Errorf("refused requests changed the event: %+v", ev)
	}
	if log, _ := hc.db.Audit(context.Background(), store.AuditFilter{}); len(log) != 0 {
		t.Errorf("refused requests were logged as changes: %+v", log)
	}
	// The same requests with the session's token do get through, so
	// the 403s above are the guard's and not a broken route.
	for _, route := range []string{"POST /events/{id}/retitle", "POST /events/{id}/hide", "POST /logout"} {
		method, path, _ := strings.Cut(route, " ")
		rec := hc.do(method, placeholder.ReplaceAllString(path, id), with(edCSRF), edCookie)
		if rec.Code != http.StatusSeeOther {
			t.Errorf("%s with session and token: status %d, want 303\n%s", route, rec.Code, rec.Body)
		}
	}
}

// wrongToken is token with its first character changed; replacing it
// with a fixed "x" left the token right whenever it already began with x.
func wrongToken(token string) string {
	first := "x"
	if strings.HasPrefix(token, "x") {
		first = "y"
	}
	return first + token[1:]
}

func TestSignInSetsASafeCookie(t *testing.T) {
	hc := newCurationHarness(t)
	res := hc.do("GET", "/login", nil)
	var loginCookie *http.Cookie
	for _, c := range res.Result().Cookies() {
		if c.Name == loginCSRFCookie {
			loginCookie = c
		}
	}
	if loginCookie == nil || !strings.Contains(res.Body.String(), `value="`+loginCookie.Value+`"`) {
		t.Fatalf("sign-in form without its CSRF token cookie:\n%s", res.Body)
	}
	form := url.Values{"csrf": {loginCookie.Value}, "name": {"ed"}, "password": {hc.password}, "next": {"/events/1"}}
	tests := []struct {
		name   string
		tls    bool
		next   string
		wantTo string
	}{
		{"plain HTTP", false, "/events/1", "/events/1"},
		{"TLS", true, "", "/timeline"},
		{"next to another host", false, "//evil.example/", "/timeline"},
		{"next with a backslash", false, `/\evil.example`, "/timeline"},
		// Browsers drop tabs and newlines from a Location before reading
		// it, so "/<tab>/evil.example" would lead to //evil.example.
		{"next with a tab before a second slash", false, "/\t/evil.example", "/timeline"},
		{"next with a tab before a backslash", false, "/\t\\evil.example", "/timeline"},
		{"next with a control character", false, "/\x00/evil.example", "/timeline"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			form.Set("next", tc.next)
			req := httptest.NewRequest("POST", "/login", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.AddCookie(loginCookie)
			if tc.tls {
				req.TLS = &tls.ConnectionState{}
			}
			rec := httptest.NewRecorder()
			hc.h.ServeHTTP(rec, req)
			if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != tc.wantTo {
				t.Fatalf("status %d location %q, want 303 to %s\n%s", rec.Code, rec.Header().Get("Location"), tc.wantTo, rec.Body)
			}
			var sc *http.Cookie
			for _, c := range rec.Result().Cookies() {
				if c.Name == sessionCookie {
					sc = c
				}
			}
			if sc == nil || len(sc.Value) < 40 || !sc.HttpOnly || sc.SameSite != http.SameSiteLaxMode || sc.Secure != tc.tls {
				t.Fatalf("session cookie %+v: want a long random HttpOnly SameSite=Lax value, Secure only over TLS", sc)
			}
			// The cookie signs the browser in: the event page shows the
			// editor's controls.
			pageRec := hc.do("GET", "/events/"+strconv.FormatInt(hc.a.ID, 10), nil, sc)
			if !strings.Contains(pageRec.Body.String(), "Curate this event") {
				t.Error("signed-in editor sees no curation controls")
			}
			if cc := pageRec.Header().Get("Cache-Control"); !strings.Contains(cc, "no-store") {
				t.Errorf("an editor's page may be cached (Cache-Control %q)", cc)
			}
		})
	}
}

func TestSignInRefusesWrongPasswordsAndLimitsAttempts(t *testing.T) {
	hc := newCurationHarness(t)
	login := func(name, password, addr string) *httptest.ResponseRecorder {
		form := url.Values{"csrf": {"tok-tok-tok-tok-tok-tok-tok-tok-tok"}, "name": {name}, "password": {password}}
		req := httptest.NewRequest("POST", "/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(&http.Cookie{Name: loginCSRFCookie, Value: "tok-tok-tok-tok-tok-tok-tok-tok-tok"})
		req.RemoteAddr = addr + ":40000"
		rec := httptest.NewRecorder()
		hc.h.ServeHTTP(rec, req)
		return rec
	}
	if rec := login("ed", "wrong password", "192.0.2.1"); rec.Code != http.StatusUnauthorized ||
		!strings.Contains(rec.Body.String(), "Wrong name or password") {
		t.Fatalf("wrong password: %d\n%s", rec.Code, rec.Body)
	}
	if rec := login("nobody", hc.password, "192.0.2.1"); rec.Code != http.StatusUnauthorized {
		t.Fatalf("unknown user: %d", rec.Code)
	}
	// An account and an address: five failures stop that address guessing
	// that account, even with the right password, until the window passes.
	for range loginPairFailures {
		login("ed", "wrong password", "198.51.100.7")
	}
	rec := login("ed", hc.password, "198.51.100.7")
	if rec.Code != http.StatusTooManyRequests || !strings.Contains(rec.Body.String(), "Too many failed sign-in attempts") {
		t.Fatalf("pair over its limit: %d, want 429 with a clear message\n%s", rec.Code, rec.Body)
	}
	// The owner, elsewhere, is not locked out by them.
	if rec := login("ed", hc.password, "203.0.113.9"); rec.Code != http.StatusSeeOther {
		t.Fatalf("the owner from another address: %d, want 303\n%s", rec.Code, rec.Body)
	}
	// Per address: one address guessing many names is stopped too; the
	// root account has no failures of its own.
	for i := range loginAddrFailures {
		login("guess"+strconv.Itoa(i), "wrong password", "192.0.2.50")
	}
	if rec := login("root", hc.password, "192.0.2.50"); rec.Code != http.StatusTooManyRequests {
		t.Errorf("address after %d failures: %d, want 429", loginAddrFailures, rec.Code)
	}
	if rec := login("root", hc.password, "192.0.2.51"); rec.Code != http.StatusSeeOther {
		t.Errorf("root from a clean address: %d, want 303", rec.Code)
	}
	hc.clock.Add(loginWindow + time.Second)
	if rec := login("ed", hc.password, "198.51.100.7"); rec.Code != http.StatusSeeOther {
		t.Errorf("after the window: %d, want 303\n%s", rec.Code, rec.Body)
	}
}

func TestReadersSeeNoControls(t *testing.T) {
	hc := newCurationHarness(t)
	page := hc.do("GET", "/events/"+strconv.FormatInt(hc.a.ID, 10), nil).Body.String()
	for _, s := range []string{"Curate this event", `method="post"`, "csrf"} {
		if strings.Contains(page, s) {
			t.Errorf("reader's event page contains %q", s)
		}
	}
	for _, target := range []string{"/events/new", "/admin/audit"} {
		rec := hc.do("GET", target, nil)
		if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/login?next=") {
			t.Errorf("reader GET %s: %d %s, want a redirect to sign in", target, rec.Code, rec.Header().Get("Location"))
		}
	}
	ed, _ := hc.session(t, "ed")
	if rec := hc.do("GET", "/admin/audit", nil, ed); rec.Code != http.StatusForbidden {
		t.Errorf("editor GET /admin/audit: %d, want 403", rec.Code)
	}
}

func TestEditorCuratesOverHTTP(t *testing.T) {
	ctx := context.Background()
	a := func(hc *curationHarness) string { return "/events/" + strconv.FormatInt(hc.a.ID, 10) }
	doc := func(hc *curationHarness, i int) string { return strconv.FormatInt(hc.docs[i], 10) }
	tests := []struct {
		name   string
		target func(*curationHarness) string
		form   func(*curationHarness) url.Values
		check  func(t *testing.T, hc *curationHarness, page string)
	}{
		{"retitle", func(hc *curationHarness) string { return a(hc) + "/retitle" },
			func(hc *curationHarness) url.Values { return url.Values{"title": {"U.S. <b>restricts</b> visas"}} },
			func(t *testing.T, hc *curationHarness, page string) {
				if !strings.Contains(page, "<h1>U.S. &lt;b&gt;restricts&lt;/b&gt; visas</h1>") {
					t.Error("new title missing or not escaped")
				}
				if !strings.Contains(page, "retitle: title &#34;Clustered A&#34; → &#34;U.S.") {
					t.Error("history does not show the retitle")
				}
			}},
		{"redate effective", func(hc *curationHarness) string { return a(hc) + "/redate" },
			func(hc *curationHarness) url.Values { return url.Values{"kind": {"effective"}, "date": {"2020-08-01"}} },
			func(t *testing.T, hc *curationHarness, page string) {
				ev, _ := hc.db.Event(ctx, hc.a.ID)
				if len(ev.Dates) != 1 || ev.Dates[0].Kind != "effective" || !strings.Contains(page, "effective date none → 2020-08-01") {
					t.Errorf("dates %+v", ev.Dates)
				}
			}},
		{"hide", func(hc *curationHarness) string { return a(hc) + "/hide" },
			func(hc *curationHarness) url.Values { return url.Values{} },
			func(t *testing.T, hc *curationHarness, page string) {
				evs, _ := hc.db.Events(ctx, store.EventFilter{})
				if len(evs) != 1 || !strings.Contains(page, "Show again") {
					t.Errorf("visible events %d after hiding one of 2", len(evs))
				}
			}},
		{"detach by checkbox", func(hc *curationHarness) string { return a(hc) + "/detach" },
			func(hc *curationHarness) url.Values { return url.Values{"document": {doc(hc, 2)}} },
			func(t *testing.T, hc *curationHarness, page string) {
				if ev, _ := hc.db.Event(ctx, hc.a.ID); len(ev.Documents) != 1 {
					t.Errorf("documents %+v", ev.Documents)
				}
			}},
		{"attach by permalink", func(hc *curationHarness) string { return a(hc) + "/attach" },
			func(hc *curationHarness) url.Values {
				return url.Values{"document": {"http://localhost/documents/" + doc(hc, 1)}}
			},
			func(t *testing.T, hc *curationHarness, page string) {
				if ev, _ := hc.db.Event(ctx, hc.a.ID); len(ev.Documents) != 3 {
					t.Errorf("documents %+v", ev.Documents)
				}
			}},
		{"merge into B shows B", func(hc *curationHarness) string { return a(hc) + "/merge" },
			func(hc *curationHarness) url.Values {
				return url.Values{"into": {"/events/" + strconv.FormatInt(hc.b.ID, 10)}}
			},
			func(t *testing.T, hc *curationHarness, page string) {
				if !strings.Contains(page, "<h1>Clustered B</h1>") || !strings.Contains(page, "Document 2") {
					t.Error("after a merge the page should be B's, with A's documents")
				}
				// A reader who follows A's permalink is sent on to B.
				aPage := hc.do("GET", a(hc), nil).Body.String()
				if !strings.Contains(aPage, `merged this event into
    <a href="/events/`+strconv.FormatInt(hc.b.ID, 10)+`">Clustered B</a>`) {
					t.Errorf("merged event's page does not link to B:\n%.1500s", aPage)
				}
			}},
		{"split", func(hc *curationHarness) string { return a(hc) + "/split" },
			func(hc *curationHarness) url.Values {
				return url.Values{"document": {doc(hc, 2)}, "title": {"Reported separately"}}
			},
			func(t *testing.T, hc *curationHarness, page string) {
				if !strings.Contains(page, "<h1>Reported separately</h1>") {
					t.Error("after a split the page should be the new event's")
				}
			}},
		{"add by hand", func(hc *curationHarness) string { return "/events/new" },
			func(hc *curationHarness) url.Values {
				return url.Values{"title": {"Canada suspends extradition"}, "category": {"extradition"},
					"actors": {"ca"}, "date": {"2020-07-03"}, "document": {doc(hc, 1) + " /documents/" + doc(hc, 2)}}
			},
			func(t *testing.T, hc *curationHarness, page string) {
				evs, _ := hc.db.Events(ctx, store.EventFilter{Category: "extradition"})
				if len(evs) != 2 || evs[1].Key != "manual/1" || len(evs[1].Documents) != 2 {
					t.Errorf("extradition events %+v", evs)
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hc := newCurationHarness(t)
			cookie, csrf := hc.session(t, "ed")
			form := tc.form(hc)
			form.Set("csrf", csrf)
			rec := hc.do("POST", tc.target(hc), form, cookie)
			if rec.Code != http.StatusSeeOther {
				t.Fatalf("status %d, want 303\n%s", rec.Code, rec.Body)
			}
			page := hc.do("GET", rec.Header().Get("Location"), nil, cookie)
			if page.Code != http.StatusOK {
				t.Fatalf("GET %s: %d", rec.Header().Get("Location"), page.Code)
			}
			tc.check(t, hc, page.Body.String())
			log, _ := hc.db.Audit(ctx, store.AuditFilter{})
			if len(log) == 0 || log[0].UserName != "ed" {
				t.Errorf("audit log %+v, want the edit by ed", log)
			}
			admin, _ := hc.session(t, "root")
			if body := hc.do("GET", "/admin/audit", nil, admin).Body.String(); !strings.Contains(body, "<td>ed</td>") ||
				!strings.Contains(body, `<a href="/events/`+strconv.FormatInt(log[0].EventID, 10)+`"><code>`+log[0].EventKey+`</code></a>`) {
				t.Errorf("admin audit page lacks the edit:\n%.2000s", body)
			}
		})
	}
}

func TestBadEditsAre400WithTheReason(t *testing.T) {
	hc := newCurationHarness(t)
	cookie, csrf := hc.session(t, "ed")
	a := "/events/" + strconv.FormatInt(hc.a.ID, 10)
	for _, tc := range []struct {
		target string
		form   url.Values
		want   string
	}{
		{a + "/retitle", url.Values{"title": {"  "}}, "a title is needed"},
		{a + "/redate", url.Values{"kind": {"effective"}, "date": {"01/08/2020"}}, "YYYY-MM-DD"},
		{a + "/redate", url.Values{"kind": {"someday"}, "date": {"2020-08-01"}}, "unknown kind of date"},
		{a + "/merge", url.Values{"into": {"nonsense"}}, "merge into"},
		{a + "/attach", url.Values{"document": {"99999"}}, "there is no document 99999"},
		{a + "/detach", url.Values{"document": {"abc"}}, "not a document number"},
		{"/events/new", url.Values{"title": {"x"}, "category": {"weather"}, "date": {"2020-01-01"}}, "unknown category"},
	} {
		tc.form.Set("csrf", csrf)
		rec := hc.do("POST", tc.target, tc.form, cookie)
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), tc.want) {
			t.Errorf("POST %s %v: %d, want 400 saying %q\n%.600s", tc.target, tc.form, rec.Code, tc.want, rec.Body)
		}
	}
}

func TestAdminsManageUsers(t *testing.T) {
	hc := newCurationHarness(t)
	ed, edCSRF := hc.session(t, "ed")
	root, rootCSRF := hc.session(t, "root")
	if rec := hc.do("GET", "/admin/users", nil); rec.Code != http.StatusSeeOther {
		t.Errorf("reader GET /admin/users: %d, want a redirect to sign in", rec.Code)
	}
	if rec := hc.do("GET", "/admin/users", nil, ed); rec.Code != http.StatusForbidden {
		t.Errorf("editor GET /admin/users: %d, want 403", rec.Code)
	}
	add := func(cookie *http.Cookie, csrf, name, role, password string) *httptest.ResponseRecorder {
		return hc.do("POST", "/admin/users", url.Values{"csrf": {csrf}, "name": {name}, "role": {role}, "password": {password}}, cookie)
	}
	if rec := add(ed, edCSRF, "mallory", "admin", "a long enough password"); rec.Code != http.StatusForbidden {
		t.Errorf("editor adding an admin: %d, want 403", rec.Code)
	}
	for _, tc := range []struct{ name, role, password, want string }{
		{"carol", "editor", "short", "at least 10"},
		{"carol", "owner", "a long enough password", "role must be"},
		{"ed", "editor", "a long enough password", "already exists"},
		{"no spaces", "editor", "a long enough password", "only letters"},
	} {
		rec := add(root, rootCSRF, tc.name, tc.role, tc.password)
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), tc.want) {
			t.Errorf("add %q/%q: %d, want 400 saying %q", tc.name, tc.role, rec.Code, tc.want)
		}
	}
	rec := add(root, rootCSRF, "carol", "editor", "a long enough password")
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("admin adds carol: %d\n%s", rec.Code, rec.Body)
	}
	page := hc.do("GET", rec.Header().Get("Location"), nil, root).Body.String()
	if !strings.Contains(page, "Added carol.") || !strings.Contains(page, "<td>carol</td><td>editor</td>") ||
		strings.Contains(page, "mallory") {
		t.Errorf("users page after adding carol:\n%.3000s", page)
	}
	if _, err := hc.db.Authenticate(context.Background(), "carol", "a long enough password"); err != nil {
		t.Errorf("carol cannot sign in: %v", err)
	}
}
