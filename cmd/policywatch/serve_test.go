package main

import (
	"net/http"
	"testing"
)

// A server without these limits lets one slow client hold a connection
// open for ever (slowloris); each must be set.
func TestHTTPServerBoundsEveryPhase(t *testing.T) {
	hs := newHTTPServer(http.NotFoundHandler())
	for name, d := range map[string]int64{
		"ReadHeaderTimeout": int64(hs.ReadHeaderTimeout),
		"ReadTimeout":       int64(hs.ReadTimeout),
		"WriteTimeout":      int64(hs.WriteTimeout),
		"IdleTimeout":       int64(hs.IdleTimeout),
		"MaxHeaderBytes":    int64(hs.MaxHeaderBytes),
	} {
		if d <= 0 {
			t.Errorf("%s is unset", name)
		}
	}
	if hs.ReadHeaderTimeout > hs.ReadTimeout {
		t.Errorf("header timeout %v exceeds the whole read timeout %v", hs.ReadHeaderTimeout, hs.ReadTimeout)
	}
}
