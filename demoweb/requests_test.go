package demoweb

import (
	"net/http"
	"sync"
	"testing"
	"time"
)

// TestRequestLogAndHold: once recording, every request is logged with
// its host and its span, a held request stays in flight until released,
// and a request the client gave up on ends then.
func TestRequestLogAndHold(t *testing.T) {
	w := startWeb(t)
	site := w.Sites()[0]
	if _, err := http.Get(w.URL(site) + "/robots.txt"); err != nil {
		t.Fatal(err)
	}
	if n := len(w.Requests()); n != 0 {
		t.Fatalf("%d requests logged before recording", n)
	}
	w.RecordRequests()
	release := make(chan struct{})
	var once sync.Once
	w.Hold(func(r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			once.Do(func() {
				select {
				case <-release:
				case <-r.Context().Done():
				}
			})
		}
	})
	done := make(chan time.Time)
	go func() {
		resp, err := http.Get(w.URL(site) + "/robots.txt?x=1")
		if err == nil {
			resp.Body.Close()
		}
		done <- time.Now()
	}()
	time.Sleep(100 * time.Millisecond)
	select {
	case <-done:
		t.Fatal("held request answered before it was released")
	default:
	}
	released := time.Now()
	close(release)
	<-done
	reqs := w.Requests()
	if len(reqs) != 1 || reqs[0].Path != "/robots.txt?x=1" || reqs[0].Site != site ||
		!reqs[0].Start.Before(released) || reqs[0].End.Before(released) {
		t.Errorf("log = %+v: want the held request, in flight until released at %s", reqs, released)
	}
	if reqs[0].Host != w.URL(site)[len("http://"):] {
		t.Errorf("host %q, want the site's", reqs[0].Host)
	}
}
