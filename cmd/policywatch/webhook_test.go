package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// signIn signs name in on a running server and returns a client holding
// the session and the session's CSRF token.
func signIn(t *testing.T, base, name, password string) (*http.Client, string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	csrfOf := func(path string) string {
		t.Helper()
		res, err := client.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(body)
		if m == nil {
			t.Fatalf("GET %s: no CSRF token (status %d)", path, res.StatusCode)
		}
		return string(m[1])
	}
	res, err := client.PostForm(base+"/login", url.Values{"csrf": {csrfOf("/login")}, "name": {name}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.Request.URL.Path == "/login" {
		t.Fatalf("signing in as %s failed: %s", name, res.Status)
	}
	return client, csrfOf("/saved-searches")
}

// TestWebhookAddressesAreChecked: a webhook address that is not public
// (the cloud metadata service, this machine, a private network) is
// refused when a search is saved, from the command line and the web UI,
// unless --allow-private; and a delivery checks the address it dials
// again, so a server without --allow-private never posts to one.
func TestWebhookAddressesAreChecked(t *testing.T) {
	c := newCLI(t)
	a, dir := searchApp(t)
	a.Close()
	var told atomic.Int32
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { told.Add(1) }))
	defer hook.Close()

	for _, target := range []string{"http://169.254.169.254/latest/meta-data/", hook.URL + "/hook", "http://10.1.2.3/hook", "http://[::1]:9/hook"} {
		r := c.run("search", "--data", dir, "--save", "watch", "--webhook", target, "visa")
		if r.code != 2 || !regexp.MustCompile(`is a (link-local|loopback|private) address: webhooks go to public addresses only`).MatchString(r.stderr) {
			t.Errorf("search --save --webhook %s: exit %d, %q; want it refused", target, r.code, r.stderr)
		}
	}
	if r := c.run("search", "--data", dir, "--save", "watch", "--webhook", "http://no-such-host.invalid/hook", "visa"); r.code != 2 || !strings.Contains(r.stderr, "no-such-host.invalid does not resolve") {
		t.Errorf("a webhook host that does not resolve: exit %d, %q", r.code, r.stderr)
	}
	if out := c.ok("search", "--data", dir, "--list-saved").stdout; strings.Contains(out, "watch") {
		t.Fatalf("a refused search was saved:\n%s", out)
	}
	c.ok("search", "--data", dir, "--save", "watch", "--webhook", hook.URL+"/hook", "--allow-private", "visa*")

	// The web UI refuses the same addresses.
	c.stdin = "a long enough password\n"
	c.ok("user", "add", "--data", dir, "ed")
	bin := policywatchBinary(t)
	srv := startServer(t, bin, dir)
	client, csrf := signIn(t, srv.base, "ed", "a long enough password")
	res, err := client.PostForm(srv.base+"/saved-searches", url.Values{"csrf": {csrf}, "name": {"metadata"}, "q": {"visa"},
		"webhook": {"http://169.254.169.254/latest/meta-data/"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "169.254.169.254 is a link-local address") {
		t.Errorf("web UI saving a webhook to 169.254.169.254: %d\n%.1500s", res.StatusCode, body)
	}

	// The saved loopback hook: this server (no --allow-private) tells it
	// nothing when a crawl run adds a match, and says why.
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/sitemap.xml":
			io.WriteString(w, `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>http://`+r.Host+`/news/visa/</loc></url></urlset>`)
		case "/news/visa/":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			io.WriteString(w, articlePage("Visa restrictions over Hong Kong", "The ministry announced visa restrictions on officials over the national security law in Hong Kong."))
		default:
			http.NotFound(w, r)
		}
	}))
	defer site.Close()
	cfg := filepath.Join(t.TempDir(), "topic.yaml")
	if err := os.WriteFile(cfg, []byte("topic:\n  name: hook test\n  query: '\"hong kong\"'\n  taxonomy: builtin:hk-nsl\n"+
		"crawler:\n  user_agent: \"policywatch-test/1.0\"\n  delay: 1ms\n  timeout: 5s\n  max_attempts: 1\n"+
		"sources:\n  - name: site\n    kind: sitemap\n    doc_kind: official\n    url: '"+site.URL+"/sitemap.xml'\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c.ok("crawl", "--allow-private", "--config", cfg, "--data", dir) // the crawl may fetch 127.0.0.1; the server's webhooks may not
	waitUntil(t, time.Minute, "the server tries the webhook", func() bool {
		return strings.Contains(srv.stderr.String(), "saved search webhook failed")
	})
	if !strings.Contains(srv.stderr.String(), "is a loopback address") {
		t.Errorf("the server's log does not say why the delivery was refused:\n%s", srv.stderr.String())
	}
	if n := told.Load(); n != 0 {
		t.Errorf("the loopback webhook was posted to %d times by a server without --allow-private", n)
	}
}
