package crawler

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"policywatch/model"
)

func TestNonPublicAddresses(t *testing.T) {
	for _, tc := range []struct {
		addr, want string
	}{
		{"127.0.0.1", "loopback"},
		{"127.8.9.10", "loopback"},
		{"::1", "loopback"},
		{"::ffff:127.0.0.1", "loopback"},
		{"::127.0.0.1", "loopback"},          // IPv4-compatible
		{"64:ff9b::a9fe:a9fe", "link-local"}, // NAT64 of 169.254.169.254
		{"64:ff9b::808:808", ""},             // NAT64 of 8.8.8.8
		{"10.1.2.3", "private"},
		{"172.16.0.1", "private"},
		{"192.168.1.1", "private"},
		{"100.64.0.1", "private"},
		{"fd00::1", "private"},
		{"169.254.169.254", "link-local"}, // cloud metadata services
		{"fe80::1", "link-local"},
		{"0.0.0.0", "unspecified"},
		{"0.1.2.3", "unspecified"},
		{"::", "unspecified"},
		{"224.0.0.1", "multicast"},
		{"ff02::1", "multicast"},
		{"255.255.255.255", "broadcast"},
		{"93.184.216.34", ""},
		{"8.8.8.8", ""},
		{"172.32.0.1", ""}, // just past 172.16.0.0/12
		{"2606:4700::1111", ""},
	} {
		if got := nonPublic(netip.MustParseAddr(tc.addr)); got != tc.want {
			t.Errorf("nonPublic(%s) = %q, want %q", tc.addr, got, tc.want)
		}
	}
}

// TestPrivateAddressesAreRefused crawls loopback test sites without
// AllowPrivate: nothing may reach them, and the crawl log must say which
// URL was refused and why.
func TestPrivateAddressesAreRefused(t *testing.T) {
	// "a" plays a public site: the policy below lets its port through.
	a, b := newSite(t), newSite(t)
	feed := func(links ...string) string {
		s := `<rss version="2.0"><channel><title>x</title>`
		for _, l := range links {
			s += `<item><title>t</title><link>` + l + `</link></item>`
		}
		return s + `</channel></rss>`
	}
	a.add("/feed", "application/rss+xml", feed(a.url("/news/one/"), a.url("/news/moved/")))
	a.add("/news/one/", htmlType, article("One", "2020-07-01T10:00:00Z", prose("page one", 5)))
	a.addRoute("/news/moved/", route{to: b.url("/news/moved/")})
	b.add("/news/moved/", htmlType, article("Moved", "2020-07-02T10:00:00Z", prose("a moved page", 5)))
	aPort := portOf(t, a.url("/"))
	aIsPublic := func(ap netip.AddrPort) string {
		if ap.Port() == aPort {
			return ""
		}
		return nonPublic(ap.Addr())
	}
	localhostFeed := strings.Replace(a.url("/feed"), "127.0.0.1", "localhost", 1)

	for _, tc := range []struct {
		name         string
		opts         Options
		url          string
		wantStored   int
		wantReason   map[string][]string // path → parts of its recorded reason
		wantNoHitsOn *testSite
	}{
		{
			name:         "loopback address",
			url:          a.url("/feed"),
			wantReason:   map[string][]string{"/feed": {"refused " + a.url("/feed") + ": 127.0.0.1 is a loopback address", "--allow-private"}},
			wantNoHitsOn: a,
		},
		{
			name:         "name resolving to loopback",
			url:          localhostFeed,
			wantReason:   map[string][]string{"/feed": {"refused " + localhostFeed + ": localhost resolves to loopback address"}},
			wantNoHitsOn: a,
		},
		{
			name:         "redirect to a refused address",
			opts:         Options{addrPolicy: aIsPublic},
			url:          a.url("/feed"),
			wantStored:   1,
			wantReason:   map[string][]string{"/news/moved/": {"refused " + a.url("/news/moved/") + " (redirected to " + b.url("/news/moved/") + "): 127.0.0.1 is a loopback address"}},
			wantNoHitsOn: b,
		},
		{
			name:       "allowed on purpose",
			opts:       Options{AllowPrivate: true},
			url:        a.url("/feed"),
			wantStored: 2,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := 0
			if tc.wantNoHitsOn != nil {
				before = len(tc.wantNoHitsOn.pageHits()) + tc.wantNoHitsOn.count("/robots.txt")
			}
			opts := tc.opts
			opts.Timeout, opts.RetryBase = 5*time.Second, 10*time.Millisecond
			sink := newMemSink()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			run := &model.CrawlRun{ID: 1}
			if err := New(sink, sink, opts).Run(ctx, run, []model.Source{{Name: "s", Kind: model.SourceFeed, URL: tc.url, DocKind: model.KindNews}}); err != nil {
				t.Fatalf("Run: %v", err)
			}
			if tc.wantNoHitsOn != nil {
				if n := len(tc.wantNoHitsOn.pageHits()) + tc.wantNoHitsOn.count("/robots.txt") - before; n != 0 {
					t.Errorf("refused site received %d requests", n)
				}
			}
			if run.Stored != tc.wantStored || run.Failed != len(tc.wantReason) {
				t.Errorf("stored %d failed %d, want %d and %d (errors %v)", run.Stored, run.Failed, tc.wantStored, len(tc.wantReason), run.Log)
			}
			got := sink.reasons()
			for p, parts := range tc.wantReason {
				for _, part := range parts {
					if !strings.Contains(got[p], part) {
						t.Errorf("%s: reason %q, want it to contain %q", p, got[p], part)
					}
				}
			}
		})
	}
}

// TestProxiedUnresolvableNameIsRefused: a name that does not resolve
// here (an internal name only the proxy's network knows) cannot be
// checked, so it is refused rather than handed to the proxy.
func TestProxiedUnresolvableNameIsRefused(t *testing.T) {
	var hits atomic.Int32
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write([]byte("instance secrets"))
	}))
	defer proxy.Close()
	pu, _ := url.Parse(proxy.URL)
	tr := newCrawlTransport(false, nil).(*guardTransport)
	tr.proxy = http.ProxyURL(pu)
	tr.next.(*http.Transport).Proxy = http.ProxyURL(pu)
	client := &http.Client{Transport: tr}
	for _, target := range []string{"http://metadata.google.internal/computeMetadata/v1/", "http://intranet.invalid/"} {
		resp, err := client.Get(target)
		if err == nil {
			resp.Body.Close()
		}
		// Where DNS itself is unreachable the lookup fails otherwise (and
		// is retried later); either way nothing goes to the proxy.
		var ue *UnresolvedHostError
		var de *net.DNSError
		if !errors.As(err, &ue) && !errors.As(err, &de) {
			t.Errorf("GET %s through the proxy: %v, want it refused as unresolvable here", target, err)
		}
	}
	if hits.Load() != 0 {
		t.Errorf("the proxy got %d requests for names nobody checked", hits.Load())
	}

	// The run's log says why and how to allow it on purpose.
	if reason := unresolvedReason("http://metadata.google.internal/", &UnresolvedHostError{Host: "metadata.google.internal"}); !strings.Contains(reason, "--allow-private") {
		t.Errorf("reason %q does not say how to allow it", reason)
	}
}

// TestProxiedRequestsAreChecked: through a proxy the crawler never dials
// the target, so the target's address is checked before the request is
// handed over, while the proxy itself (on loopback here) stays usable.
func TestProxiedRequestsAreChecked(t *testing.T) {
	var hits atomic.Int32
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write([]byte("via proxy: " + r.URL.String()))
	}))
	defer proxy.Close()
	pu, _ := url.Parse(proxy.URL)
	tr := newCrawlTransport(false, nil).(*guardTransport)
	tr.proxy = http.ProxyURL(pu)
	tr.next.(*http.Transport).Proxy = http.ProxyURL(pu)
	client := &http.Client{Transport: tr}

	for _, tc := range []struct {
		target    string
		wantClass string // "" : the proxy answers
	}{
		{"http://93.184.216.34/page", ""}, // a public address: the proxy fetches it
		{"http://10.0.0.7/admin", "private"},
		{"http://169.254.169.254/latest/meta-data/", "link-local"},
		{"http://localhost:8080/", "loopback"},
	} {
		t.Run(tc.target, func(t *testing.T) {
			before := hits.Load()
			resp, err := client.Get(tc.target)
			if tc.wantClass == "" {
				if err != nil {
					t.Fatalf("GET through proxy: %v", err)
				}
				resp.Body.Close()
				if hits.Load() != before+1 {
					t.Errorf("proxy not reached")
				}
				return
			}
			if err == nil {
				resp.Body.Close()
			}
			var be *BlockedAddressError
			if !errors.As(err, &be) || be.Class != tc.wantClass {
				t.Fatalf("error %v, want a %s address refusal", err, tc.wantClass)
			}
			if hits.Load() != before {
				t.Errorf("refused request reached the proxy")
			}
		})
	}
}

func portOf(t *testing.T, u string) uint16 {
	t.Helper()
	pu, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	p, err := strconv.ParseUint(pu.Port(), 10, 16)
	if err != nil {
		t.Fatal(err)
	}
	return uint16(p)
}
