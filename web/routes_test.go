package web

import (
	"net/http"
	"testing"
)

// /search keeps the query when it sends the reader to the search page.
func TestSearchPathRedirectsWithQuery(t *testing.T) {
	st, ix := fixtures()
	h := newTestServer(t, st, ix, nil)
	for target, want := range map[string]string{
		"/search?q=extradition&from=2020-07-01": "/?q=extradition&from=2020-07-01",
		"/search":                               "/",
	} {
		res, _ := get(t, h, target)
		if res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != want {
			t.Errorf("GET %s: %d to %q, want %d to %q", target, res.StatusCode, res.Header.Get("Location"), http.StatusMovedPermanently, want)
		}
	}
}
