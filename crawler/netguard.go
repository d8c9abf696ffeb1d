package crawler

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"syscall"
	"time"
)

// The crawler follows links and redirects chosen by the sites it reads.
// Without a guard a page (or a DNS name) could point it at the machine
// it runs on or the network behind it: a cloud metadata service at
// 169.254.169.254, an admin UI on localhost, a router on 192.168.x.
// So, unless Options.AllowPrivate is set, every connection is checked
// after DNS resolution, at dial time: the address actually dialled is
// what counts, which also covers redirects (each hop dials) and DNS
// names that resolve to private addresses.

// BlockedAddressError is a connection the crawler refused because the
// address is not a public one.
type BlockedAddressError struct {
	Host  string     // host[:port] the crawler was asked to reach
	Addr  netip.Addr // the address it resolved to
	Class string     // "loopback", "private", "link-local", "unspecified", "multicast", "broadcast"
}

func (e *BlockedAddressError) Error() string {
	h, _, err := net.SplitHostPort(e.Host)
	if err != nil {
		h = e.Host
	}
	if a, err := netip.ParseAddr(h); err == nil && a.Unmap() == e.Addr {
		return fmt.Sprintf("%s is a %s address", e.Addr, e.Class)
	}
	return fmt.Sprintf("%s resolves to %s address %s", h, e.Class, e.Addr)
}

// UnresolvedHostError is a request the crawler would hand to a proxy for
// a name it cannot resolve itself, and so cannot check (see checkHost).
type UnresolvedHostError struct{ Host string }

func (e *UnresolvedHostError) Error() string {
	return e.Host + " does not resolve here, so the proxy would fetch it unchecked"
}

// sharedSpace is carrier-grade NAT (RFC 6598): not routable on the
// internet, and often an ISP's or a cloud's internal network.
var sharedSpace = netip.MustParsePrefix("100.64.0.0/10")

// nat64 is the well-known NAT64 prefix (RFC 6052): 64:ff9b::a.b.c.d
// reaches a.b.c.d through the network's translator.
var nat64 = netip.MustParsePrefix("64:ff9b::/96")

// nonPublic names the kind of address a is when the crawler should not
// connect to it by default, or returns "" for a public address.
func nonPublic(a netip.Addr) string {
	a = a.Unmap() // ::ffff:127.0.0.1 is 127.0.0.1
	if b := a.As16(); a.Is6() && (nat64.Contains(a) || [12]byte(b[:12]) == [12]byte{}) && !a.IsUnspecified() && !a.IsLoopback() {
		// An IPv4 address inside IPv6 (NAT64, or the deprecated
		// IPv4-compatible ::a.b.c.d) is judged by that IPv4 address.
		a = netip.AddrFrom4([4]byte(b[12:]))
	}
	switch {
	case !a.IsValid():
		return "invalid"
	case a.IsLoopback():
		return "loopback"
	case a.IsUnspecified(), a.Is4() && a.As4()[0] == 0:
		// 0.0.0.0/8 "this network": Linux connects 0.0.0.0 to localhost.
		return "unspecified"
	case a.IsPrivate(), sharedSpace.Contains(a):
		return "private"
	case a.IsLinkLocalUnicast():
		return "link-local"
	case a.IsMulticast():
		return "multicast"
	case a == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		return "broadcast"
	}
	return ""
}

// addrPolicy judges one dialled address: "" allows it, anything else
// names why not. The default is nonPublic; tests substitute their own to
// tell two loopback servers apart.
type addrPolicy func(netip.AddrPort) string

func defaultPolicy(ap netip.AddrPort) string { return nonPublic(ap.Addr()) }

// newCrawlTransport is the HTTP transport of a run: Go's default one,
// with the address guard unless allowPrivate. policy nil is the default.
func newCrawlTransport(allowPrivate bool, policy addrPolicy) http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	if allowPrivate {
		return t
	}
	if policy == nil {
		policy = defaultPolicy
	}
	// The same timeouts as http.DefaultTransport's dialer.
	base := net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	t.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if p, _ := ctx.Value(proxyKey{}).(string); p != "" && p == addr {
			// The operator's own proxy (HTTP_PROXY…) may well sit on a
			// private network; the target was checked in RoundTrip.
			return base.DialContext(ctx, network, addr)
		}
		d := base
		d.Control = func(_, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("dial %s: unexpected address %q: %w", addr, address, err)
			}
			if class := policy(ap); class != "" {
				return &BlockedAddressError{Host: addr, Addr: ap.Addr().Unmap(), Class: class}
			}
			return nil
		}
		return d.DialContext(ctx, network, addr)
	}
	return &guardTransport{next: t, proxy: t.Proxy, policy: policy}
}

// proxyKey marks, in a request's context, the proxy address (host:port)
// the transport will dial for it.
type proxyKey struct{}

// guardTransport handles requests sent through a proxy, where the
// crawler never dials the target itself: it resolves the target's name
// and refuses it when any address is not public. (The proxy resolves the
// name again; a DNS answer that changes in between is not caught. Direct
// connections, the usual case, have no such gap.)
type guardTransport struct {
	next   http.RoundTripper
	proxy  func(*http.Request) (*url.URL, error)
	policy addrPolicy
}

func (g *guardTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if g.proxy == nil {
		return g.next.RoundTrip(req)
	}
	pu, err := g.proxy(req)
	if err != nil || pu == nil {
		return g.next.RoundTrip(req)
	}
	if err := g.checkHost(req.Context(), req.URL); err != nil {
		return nil, err
	}
	ctx := context.WithValue(req.Context(), proxyKey{}, hostPort(pu))
	return g.next.RoundTrip(req.WithContext(ctx))
}

// checkHost resolves u's host and applies the policy to each address.
// A name that does not resolve here is refused: the proxy may well
// resolve it (metadata.google.internal, a name on the proxy's own
// network), and we could not say where it leads. A lookup that failed
// for another reason (a timeout) is returned as it is, to be retried.
func (g *guardTransport) checkHost(ctx context.Context, u *url.URL) error {
	port := u.Port()
	if port == "" {
		port = "80"
		if u.Scheme == "https" {
			port = "443"
		}
	}
	var addrs []netip.Addr
	if a, err := netip.ParseAddr(u.Hostname()); err == nil {
		addrs = []netip.Addr{a}
	} else if addrs, err = net.DefaultResolver.LookupNetIP(ctx, "ip", u.Hostname()); err != nil {
		var de *net.DNSError
		if errors.As(err, &de) && de.IsNotFound {
			return &UnresolvedHostError{Host: u.Hostname()}
		}
		return err
	}
	p, _ := netip.ParseAddrPort("0.0.0.0:" + port)
	for _, a := range addrs {
		if class := g.policy(netip.AddrPortFrom(a, p.Port())); class != "" {
			return &BlockedAddressError{Host: u.Host, Addr: a.Unmap(), Class: class}
		}
	}
	return nil
}

// hostPort is a proxy URL's host:port as the transport dials it.
func hostPort(u *url.URL) string {
	if u.Port() != "" {
		return u.Host
	}
	port := "80"
	switch u.Scheme {
	case "https":
		port = "443"
	case "socks5", "socks5h":
		port = "1080"
	}
	return net.JoinHostPort(u.Hostname(), port)
}

// unresolvedReason is what the crawl log says about a name refused on
// the proxy path.
func unresolvedReason(requested string, ue *UnresolvedHostError) string {
	return "refused " + requested + ": " + ue.Error() +
		" (through a proxy every name must resolve here to be checked; --allow-private skips the check)"
}

// blockedReason is what the crawl log says about a refused address: the
// URL asked for, the redirect target when a redirect led there, the
// address, and how to allow it on purpose.
func blockedReason(requested string, err error, be *BlockedAddressError) string {
	target := requested
	var ue *url.Error
	if errors.As(err, &ue) && ue.URL != requested {
		// colly's own robots.txt check reports the robots.txt URL; a
		// redirect hop reports where it was going.
		if u, perr := url.Parse(ue.URL); perr == nil && u.Path != "/robots.txt" {
			target += " (redirected to " + ue.URL + ")"
		}
	}
	return "refused " + target + ": " + be.Error() +
		" (non-public addresses are crawled only when allowed: --allow-private)"
}

// NewGuardedTransport is the crawler's HTTP transport for other outbound
// requests that a stored address decides, such as saved-search webhooks:
// every dialled address (each redirect hop, each proxy target) is checked
// as the crawler's are, unless allowPrivate.
func NewGuardedTransport(allowPrivate bool) http.RoundTripper {
	return newCrawlTransport(allowPrivate, nil)
}

// CheckPublicURL resolves rawURL's host and refuses it when any of its
// addresses is not public (*BlockedAddressError) or the name does not
// resolve (*UnresolvedHostError): the check to make before storing an
// address that will be dialled later. The dial itself is checked again
// (NewGuardedTransport), since a name may resolve elsewhere by then.
func CheckPublicURL(ctx context.Context, rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return err
	}
	g := &guardTransport{policy: defaultPolicy}
	return g.checkHost(ctx, u)
}
