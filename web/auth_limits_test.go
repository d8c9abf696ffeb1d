package web

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// signInServer is the curation harness's store behind a server with the
// given proxy trust, logging into the returned buffer.
func signInServer(t *testing.T, trustProxy bool) (*curationHarness, http.Handler, *bytes.Buffer) {
	t.Helper()
	hc := newCurationHarness(t)
	var logs bytes.Buffer
	s, err := New(Config{Store: hc.db, Index: &fakeIndex{}, Accounts: hc.db, Curator: hc.db, Now: hc.clock.Now,
		TrustProxy: trustProxy, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return hc, s.Handler(), &logs
}

// signIn posts the sign-in form from remote (host:port) with the given
// X-Forwarded-For ("" for none).
func signIn(h http.Handler, name, password, remote, forwardedFor string) int {
	const tok = "tok-tok-tok-tok-tok-tok-tok-tok-tok"
	form := url.Values{"csrf": {tok}, "name": {name}, "password": {password}}
	req := httptest.NewRequest("POST", "/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: loginCSRFCookie, Value: tok})
	req.RemoteAddr = remote
	if forwardedFor != "" {
		req.Header.Set("X-Forwarded-For", forwardedFor)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code
}

// TestSignInLimitsBehindTrustedProxy: behind a trusted proxy every
// request comes from the proxy's address; the limits count the client
// the proxy names, so one guesser does not lock out everyone, and what
// the client itself wrote into X-Forwarded-For is not believed.
func TestSignInLimitsBehindTrustedProxy(t *testing.T) {
	hc, h, logs := signInServer(t, true)
	const proxy = "127.0.0.1:51000"
	for range loginPairFailures {
		if code := signIn(h, "ed", "wrong password", proxy, "203.0.113.5"); code != http.StatusUnauthorized {
			t.Fatalf("wrong password: %d", code)
		}
	}
	if code := signIn(h, "ed", hc.password, proxy, "203.0.113.5"); code != http.StatusTooManyRequests {
		t.Errorf("the guesser after %d failures: %d, want 429", loginPairFailures, code)
	}
	// The guesser forging an address of its own: the proxy appends the
	// real one, which is what counts.
	if code := signIn(h, "ed", hc.password, proxy, "198.51.100.99, 203.0.113.5"); code != http.StatusTooManyRequests {
		t.Errorf("the guesser with a forged X-Forwarded-For: %d, want 429", code)
	}
	if code := signIn(h, "ed", hc.password, proxy, "198.51.100.7"); code != http.StatusSeeOther {
		t.Errorf("the owner behind the same proxy: %d, want 303", code)
	}
	for _, want := range []string{"sign-in failed", "addr=203.0.113.5", "sign-in refused: too many failures", "signed in", "addr=198.51.100.7"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logs)
		}
	}
}

// TestSignInIgnoresForwardedForUnlessTrusted: without --trust-proxy the
// header is the client's own word, so varying it evades nothing.
func TestSignInIgnoresForwardedForUnlessTrusted(t *testing.T) {
	hc, h, _ := signInServer(t, false)
	for i := range loginPairFailures {
		signIn(h, "ed", "wrong password", "203.0.113.5:40000", "198.51.100."+strconv.Itoa(i))
	}
	if code := signIn(h, "ed", hc.password, "203.0.113.5:40000", "198.51.100.200"); code != http.StatusTooManyRequests {
		t.Errorf("a forged X-Forwarded-For without a trusted proxy: %d, want 429", code)
	}
}

// TestSignInSlowsManyAddressesWithoutLockingOutTheOwner: guesses at one
// account from many addresses are stopped once there are too many from
// addresses it never signed in from, while its owner, at an address
// they signed in from before, still gets in. Addresses of one IPv6 /64
// count as one.
func TestSignInSlowsManyAddressesWithoutLockingOutTheOwner(t *testing.T) {
	hc, h, _ := signInServer(t, false)
	if code := signIn(h, "ed", hc.password, "192.0.2.10:40000", ""); code != http.StatusSeeOther {
		t.Fatalf("owner's first sign-in: %d", code)
	}
	for i := range loginAccountFailures {
		signIn(h, "ed", "wrong password", "198.51."+strconv.Itoa(i/250)+"."+strconv.Itoa(i%250)+":40000", "")
	}
	if code := signIn(h, "ed", hc.password, "203.0.113.77:40000", ""); code != http.StatusTooManyRequests {
		t.Errorf("a new address after %d failures from others: %d, want 429", loginAccountFailures, code)
	}
	if code := signIn(h, "ed", hc.password, "192.0.2.10:40000", ""); code != http.StatusSeeOther {
		t.Errorf("the owner from their own address: %d, want 303", code)
	}
	// One machine with a /64 tries many addresses: one pair.
	for i := range loginPairFailures {
		signIn(h, "root", "wrong password", "[2001:db8:1:2::"+strconv.Itoa(i+1)+"]:40000", "")
	}
	if code := signIn(h, "root", hc.password, "[2001:db8:1:2::ffff]:40000", ""); code != http.StatusTooManyRequests {
		t.Errorf("a sixth address in the same /64: %d, want 429", code)
	}
}

// TestSignInLimitsHoldAcrossServers: servers sharing an archive count
// failed sign-ins in it, so a guesser spreading tries over the servers
// behind a load balancer (or waiting for a restart) gets no more of them.
func TestSignInLimitsHoldAcrossServers(t *testing.T) {
	hc := newCurationHarness(t)
	var servers []http.Handler
	for range 2 {
		s, err := New(Config{Store: hc.db, Index: &fakeIndex{}, Accounts: hc.db, Curator: hc.db, SignInLog: hc.db,
			Now: hc.clock.Now, Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		servers = append(servers, s.Handler())
	}
	const guesser = "203.0.113.5:40000"
	for i := range loginPairFailures {
		if code := signIn(servers[i%2], "ed", "wrong password", guesser, ""); code != http.StatusUnauthorized {
			t.Fatalf("wrong password on server %d: %d", i%2, code)
		}
	}
	for i, h := range servers {
		if code := signIn(h, "ed", hc.password, guesser, ""); code != http.StatusTooManyRequests {
			t.Errorf("server %d let the guesser in after %d failures spread over both: %d, want 429", i, loginPairFailures, code)
		}
	}
	// Whatever a guesser types is counted, not stored as typed.
	if code := signIn(servers[0], "ed\x00\xff"+strings.Repeat("x", 4096), "wrong password", "198.51.100.66:40000", ""); code != http.StatusUnauthorized {
		t.Errorf("a name with a NUL byte and invalid UTF-8: %d, want 401", code)
	}
	// The account's owner, elsewhere, signs in on either.
	if code := signIn(servers[1], "ed", hc.password, "198.51.100.7:40000", ""); code != http.StatusSeeOther {
		t.Errorf("the owner from another address: %d, want 303", code)
	}
	// Once the window has passed, the guesser's address may try again.
	hc.clock.Add(loginWindow + time.Second)
	if code := signIn(servers[0], "ed", hc.password, guesser, ""); code != http.StatusSeeOther {
		t.Errorf("after the window: %d, want 303", code)
	}
}
