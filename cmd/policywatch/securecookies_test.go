package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer the serving goroutine writes while the
// test reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestServeCookieFlags: `serve --secure-cookies` and `serve --trust-proxy`
// reach the web server, so the sign-in form's cookie is Secure behind a
// TLS-terminating proxy.
func TestServeCookieFlags(t *testing.T) {
	serving := regexp.MustCompile(`at (http://\S+/)`)
	for _, tc := range []struct {
		name      string
		flags     []string
		forwarded string
		want      bool
	}{
		{name: "default", want: false},
		{name: "default ignores the proxy header", forwarded: "https", want: false},
		{name: "--secure-cookies", flags: []string{"--secure-cookies"}, want: true},
		{name: "--trust-proxy with https", flags: []string{"--trust-proxy"}, forwarded: "https", want: true},
		{name: "--trust-proxy with http", flags: []string{"--trust-proxy"}, forwarded: "http", want: false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			var out lockedBuffer
			done := make(chan error, 1)
			args := append([]string{"serve", "--data", emptyArchive(t), "--addr", "127.0.0.1:0"}, tc.flags...)
			go func() { done <- run(ctx, args, &out, io.Discard) }()
			defer func() {
				cancel()
				if err := <-done; err != nil {
					t.Errorf("serve: %v", err)
				}
			}()
			var base string
			for deadline := time.Now().Add(20 * time.Second); base == ""; time.Sleep(20 * time.Millisecond) {
				if m := serving.FindStringSubmatch(out.String()); m != nil {
					base = m[1]
				} else if time.Now().After(deadline) {
					t.Fatalf("serve did not start: %q", out.String())
				}
			}
			req, _ := http.NewRequest("GET", base+"login", nil)
			if tc.forwarded != "" {
				req.Header.Set("X-Forwarded-Proto", tc.forwarded)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			cookies := res.Cookies()
			if len(cookies) == 0 {
				t.Fatalf("GET /login set no cookie (status %d)", res.StatusCode)
			}
			for _, c := range cookies {
				if c.Secure != tc.want {
					t.Errorf("cookie %s: Secure %v, want %v", c.Name, c.Secure, tc.want)
				}
			}
		})
	}
}
