package ingest

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// A webhook's path and query often carry its secret; a failed delivery is
// logged, and the log must not hold the secret (net/http's own errors
// quote the whole URL).
func TestWebhookErrorsDoNotLeakTheSecret(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens: the delivery is refused
	client := &http.Client{Timeout: 5 * time.Second}
	for _, target := range []string{
		"http://" + addr + "/hooks/s3cr3t-path-token",
		"http://" + addr + "/hook?token=s3cr3t-query-token",
	} {
		err := postJSON(context.Background(), client, target, map[string]int{"n": 1})
		if err == nil {
			t.Fatalf("delivery to %s succeeded", addr)
		}
		if strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("error names the secret: %v", err)
		}
		if !strings.Contains(err.Error(), addr) {
			t.Errorf("error does not name the host: %v", err)
		}
	}
}
