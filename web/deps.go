package web

import (
	"context"
	"log/slog"
	"time"

	"policywatch/index"
	"policywatch/model"
	"policywatch/query"
	"policywatch/store"
)

// Store is the part of the system of record the web UI reads. Every
// feature a page needs is required, so a store that lacks one (a method
// renamed) fails to compile here rather than turning pages into 404s.
// *store.DB satisfies it; tests use a fake.
type Store interface {
	ArchiveStore       // versions, diffs, changes (versions.go)
	CoverageStore      // /sources (coverage.go)
	savedSearchEditor  // /saved-searches, /api/saved-searches (saved_searches.go, feeds_search.go)
	ReleaseStore       // releases (releases.go)
	withdrawnStore     // withdrawn marks on search hits (api_pages.go)
	archivedLinkStore  // links between archived copies (capture.go)
	query.SourceList   // the sources a search may filter by (params.go)
	relatedFinder      // events sharing documents (event.go)
	announcementFinder // the events of one announcement (announcement.go)

	Document(ctx context.Context, id int64) (*model.Document, error)
	Captures(ctx context.Context, docID int64) ([]model.Capture, error)
	Capture(ctx context.Context, id int64) (*model.Capture, error)
	Events(ctx context.Context, f store.EventFilter) ([]model.Event, error)
	Event(ctx context.Context, id int64) (*model.Event, error)
	Runs(ctx context.Context, limit int) ([]model.CrawlRun, error)
	Run(ctx context.Context, id int64) (*model.CrawlRun, error)
}

// Accounts signs editors in and out, and lets admins manage accounts.
// *store.DB satisfies it.
type Accounts interface {
	userAdmin // auth.go

	Authenticate(ctx context.Context, name, password string) (*store.User, error)
	CreateSession(ctx context.Context, u *store.User) (*store.Session, error)
	Session(ctx context.Context, token string) (*store.Session, error)
	DeleteSession(ctx context.Context, token string) error
}

// Curator records editors' changes to events and reads the audit log.
// *store.DB satisfies it.
type Curator interface {
	merger // curate.go

	Curate(ctx context.Context, u *store.User, e store.Edit) (*model.Event, error)
	Audit(ctx context.Context, f store.AuditFilter) ([]store.AuditEntry, error)
}

// Searcher runs full-text searches. *index.Index satisfies it.
type Searcher interface {
	Search(ctx context.Context, r index.Request) (*index.Result, error)
	histogrammer   // histogram.go
	similarFinder  // histogram.go
	matchLister    // export_search.go
	indexVersioner // releases.go
}

// What cmd/policywatch wires in.
var (
	_ Store    = (*store.DB)(nil)
	_ Accounts = (*store.DB)(nil)
	_ Curator  = (*store.DB)(nil)
	_ Searcher = (*index.Index)(nil)
)

// Lane is one row of the timeline: the event categories shown together,
// e.g. "Sanctions" holding both asset freezes and visa bans.
type Lane struct {
	ID         string
	Label      string
	Categories []string
}

// Config is what the server needs; cmd/policywatch wires it.
type Config struct {
	Store Store
	Index Searcher
	Lanes []Lane
	// Labels maps category and actor ids to the names people read
	// (the taxonomy's labels). Optional: ids are shown with - and _ as
	// spaces when missing.
	Labels map[string]string
	// Vocabulary lists the categories and actors with their labels, so
	// queries and filters may name either and an unknown one is refused
	// with the list of valid ones. Nil: values are not checked.
	Vocabulary *query.Vocabulary
	// Accounts and Curator enable sign-in and curation; nil leaves the
	// site read-only (every state-changing request is refused).
	Accounts Accounts
	Curator  Curator
	// SignInLog keeps the sign-in limits' counts (auth.go); nil counts in
	// memory, per process.
	SignInLog SignInLog

	// Behind a TLS-terminating proxy every request reaches us as plain
	// HTTP, so the session and CSRF cookies would not be marked Secure.
	// SecureCookies marks them Secure always; TrustProxy marks them
	// Secure when the proxy says the browser used HTTPS
	// (X-Forwarded-Proto: https). Set TrustProxy only when a proxy that
	// sets that header is the sole way in.
	SecureCookies bool
	TrustProxy    bool

	// BaseURL is the public address of the archive (https://host[/path]),
	// used for the absolute links of feeds, exports, citations and
	// releases. Empty: each request's Host (or, with TrustProxy, the
	// proxy's X-Forwarded-Host and -Proto). See baseurl.go.
	BaseURL string

	// MaxSearches bounds the searches (search page, API, histograms,
	// search feeds) running at once; a quarter of it, at least one, the
	// exports and releases. A request that finds no slot within a moment
	// is answered 503 with Retry-After. 0: DefaultMaxSearches().
	MaxSearches int
	// SearchTimeout is the deadline of one search request (exports get
	// 30 times as long); 0: DefaultSearchTimeout. See searchlimit.go.
	SearchTimeout time.Duration

	// CheckWebhook judges a webhook address an editor saves with a
	// search: an error says why it is refused (an address that is not
	// public, unless the server was started with --allow-private).
	// cmd/policywatch wires the crawler's address guard; nil checks only
	// that it is an http(s) URL.
	CheckWebhook func(ctx context.Context, rawURL string) error

	Logger *slog.Logger     // nil: discard
	Now    func() time.Time // nil: time.Now
}
