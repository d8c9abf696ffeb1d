package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"strconv"
	"time"
)

// Searches are the costly requests: one ranks and counts every match of
// a query anyone can type. The index refuses queries past its budget of
// terms and prefix expansions (index/budget.go); here each search
// request also gets a slot among a bounded number running at once and a
// deadline on its context, which ends with the request too, so the work
// stops when the client leaves. Exports stream up to maxExport
// documents and take longer: they have slots and a deadline of their
// own, so a few of them cannot starve the search page.

// Defaults for Config.MaxSearches and Config.SearchTimeout.
const (
	DefaultSearchTimeout = 10 * time.Second
	// exportTimeoutFactor: an export may run this many times as long as
	// a search (5 minutes by default).
	exportTimeoutFactor = 30
	// busyRetryAfter is what a 503 for a full server tells the client.
	busyRetryAfter = 2 * time.Second
)

// DefaultMaxSearches is two searches per CPU, at least four: searches
// are CPU-bound, and cached ones finish at once.
func DefaultMaxSearches() int { return max(4, 2*runtime.GOMAXPROCS(0)) }

// searchGate admits a bounded number of requests at once. A request
// waits a moment for a slot (bursts of cached searches pass through)
// and is refused when none frees up.
type searchGate struct {
	slots   chan struct{}
	wait    time.Duration
	timeout time.Duration
	what    string // "searches", "exports": for messages and logs
}

func newSearchGate(n int, timeout time.Duration, what string) *searchGate {
	return &searchGate{slots: make(chan struct{}, max(n, 1)), wait: min(busyRetryAfter, timeout), timeout: timeout, what: what}
}

// enter takes a slot, waiting at most g.wait; release gives it back.
func (g *searchGate) enter(ctx context.Context) (release func(), err error) {
	select {
	case g.slots <- struct{}{}:
		return func() { <-g.slots }, nil
	default:
	}
	t := time.NewTimer(g.wait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
		return func() { <-g.slots }, nil
	case <-t.C:
		return nil, &busyError{what: g.what, slots: cap(g.slots)}
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// busyError is a request refused because every slot was taken.
type busyError struct {
	what  string
	slots int
}

func (e *busyError) Error() string {
	return fmt.Sprintf("the server is running as many %s as it takes at once (%d); try again in a few seconds", e.what, e.slots)
}

// deadlineError is the cause of a search's context ending at its
// deadline.
type deadlineError struct {
	what    string
	timeout time.Duration
}

func (e *deadlineError) Error() string {
	return fmt.Sprintf("stopped after %s, the longest one of the %s here may run: narrow it (fewer terms, longer prefixes, a date range or filters)", e.timeout, e.what)
}

// newGates builds the search and export gates from Config.MaxSearches and
// Config.SearchTimeout (zero: the defaults).
func newGates(n int, timeout time.Duration) (searches, exports *searchGate) {
	if n <= 0 {
		n = DefaultMaxSearches()
	}
	if timeout <= 0 {
		timeout = DefaultSearchTimeout
	}
	return newSearchGate(n, timeout, "searches"), newSearchGate(max(1, n/4), exportTimeoutFactor*timeout, "exports")
}

// searchLimited runs h in a slot of the search gate, under its deadline.
func (s *Server) searchLimited(h http.HandlerFunc) http.HandlerFunc {
	return s.gated(s.searches, h)
}

// exportLimited runs h in a slot of the export gate, under its deadline.
func (s *Server) exportLimited(h http.HandlerFunc) http.HandlerFunc {
	return s.gated(s.exports, h)
}

func (s *Server) gated(g *searchGate, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		release, err := g.enter(r.Context())
		if err != nil {
			if r.Context().Err() != nil {
				return // the client left while waiting: nobody to answer
			}
			s.log.LogAttrs(r.Context(), slog.LevelWarn, "busy: request refused",
				slog.String("path", r.URL.Path), slog.String("gate", g.what), slog.Int("slots", cap(g.slots)))
			w.Header().Set("Retry-After", strconv.Itoa(int(busyRetryAfter/time.Second)))
			s.limitFail(w, r, err)
			return
		}
		defer release()
		ctx, cancel := context.WithTimeoutCause(r.Context(), g.timeout, &deadlineError{what: g.what, timeout: g.timeout})
		defer cancel()
		h(w, r.WithContext(ctx))
	}
}

// limitFail answers a refused request as its route answers errors: an
// HTML page for the search page and the release form, JSON for
// everything else (the API, feeds and exports answer errors in JSON).
func (s *Server) limitFail(w http.ResponseWriter, r *http.Request, err error) {
	if r.URL.Path == "/" || r.URL.Path == "/releases" {
		s.fail(w, r, err)
		return
	}
	s.failJSON(w, r, err)
}

// searchDeadline reports whether err ended a request because its gate's
// deadline passed, and the deadline's explanation.
func searchDeadline(r *http.Request, err error) (*deadlineError, bool) {
	var de *deadlineError
	if !errors.Is(err, context.DeadlineExceeded) || !errors.As(context.Cause(r.Context()), &de) {
		return nil, false
	}
	return de, true
}
