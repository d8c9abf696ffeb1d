// Package model holds policywatch's domain types: sources, documents and
// their captures, tags, events and crawl runs. It does no I/O; every other
// package imports it, and it imports none of them.
package model

import (
	"net/http"
	"time"
)

// DocKind says whether a document is a primary (official) source or news
// coverage of one. Timelines list official evidence first.
type DocKind string

const (
	KindOfficial DocKind = "official"
	KindNews     DocKind = "news"
)

// Valid reports whether k is one of the known kinds.
func (k DocKind) Valid() bool { return k == KindOfficial || k == KindNews }

// Source kinds: how a source's documents are discovered.
const (
	SourceFeed            = "feed"
	SourceSitemap         = "sitemap"
	SourceSeed            = "seed"
	SourceFederalRegister = "federalregister"
	SourceGDELT           = "gdelt"   // GDELT DOC 2.0 API: news articles by query and date window
	SourceWayback         = "wayback" // Wayback Machine CDX API: archived captures of a URL prefix
	SourceGovUK           = "govuk"   // GOV.UK search API (JSON, paged)
)

// Source is one place the crawler discovers documents from, as configured
// in a topic file.
type Source struct {
	Name     string   // unique, stable id used in URLs and facets
	Kind     string   // one of the Source* constants
	URL      string   // feed, sitemap, seed page or API endpoint
	DocKind  DocKind  // what the source publishes
	Include  []string // regular expressions a document URL must match (any)
	Exclude  []string // regular expressions that drop a URL (any)
	Depth    int      // link depth for seed sources
	Schedule string   // cron expression for scheduled crawls
	Lang     string   // expected language when the page does not say
	Charset  string   // forced charset when a site mislabels its pages

	// API sources (gdelt, wayback, govuk) only.
	Query   string    // gdelt: the search query
	From    time.Time // first day of the date window; zero: no lower bound
	To      time.Time // last day of the date window (inclusive); zero: up to the crawl
	Archive string    // wayback: the archive's address; "" means https://web.archive.org
}

// Date provenance: where a published date was read from. Reliable dates
// come from the page's own metadata; crawl time is a last resort and is
// never used to place a document on a timeline.
const (
	DateFromJSONLD = "jsonld"
	DateFromMeta   = "meta"
	DateFromTime   = "time"
	DateFromURL    = "url"
	DateFromText   = "text"
	DateFromFeed   = "feed"
	DateFromAPI    = "api"
	DateFromCrawl  = "crawl"
)

// ReliableDateSource reports whether a date read from src can be used to
// place a document in time.
func ReliableDateSource(src string) bool {
	return src != "" && src != DateFromCrawl
}

// Document is one archived page: the newest extraction of its newest
// capture, plus the tags given to it.
type Document struct {
	ID          int64
	URL         string // normalized canonical URL; unique
	Source      string // Source.Name
	Kind        DocKind
	Title       string
	Byline      string
	Text        string // plain text, paragraphs separated by "\n"
	Lang        string // BCP 47-ish: "en", "zh-Hant", "zh-Hans"
	Site        string // publisher name as the page gives it
	DocNumber   string // e.g. Federal Register document number, press release number
	Published   time.Time
	DateSource  string // one of the DateFrom* constants; "" when unknown
	Modified    time.Time
	FetchedAt   time.Time // first capture
	UpdatedAt   time.Time // newest capture that changed the content
	ContentHash string    // SHA-256 hex of the normalized extracted text
	Version     int       // number of the newest version
	Withdrawn   bool      // the page now answers 404/410
	Tags        []Tag

	// Added and Removed are the words amendments added to and removed
	// from the page across its versions, one line per changed run, so
	// edits can be searched; empty for a page never amended.
	Added, Removed string
}

// HasReliableDate reports whether the document can be placed in time.
func (d *Document) HasReliableDate() bool {
	return !d.Published.IsZero() && ReliableDateSource(d.DateSource)
}

// Categories returns the document's category tags' values.
func (d *Document) Categories() []string { return d.tagValues(TagCategory) }

// Actors returns the document's actor tags' values.
func (d *Document) Actors() []string { return d.tagValues(TagActor) }

func (d *Document) tagValues(typ string) []string {
	var out []string
	for _, t := range d.Tags {
		if t.Type == typ {
			out = append(out, t.Value)
		}
	}
	return out
}

// Capture is one fetch of a page as it came off the wire: the evidence a
// citation rests on.
type Capture struct {
	ID          int64
	DocumentID  int64
	Version     int // document version this capture produced or confirmed
	FetchedAt   time.Time
	RequestURL  string
	FinalURL    string
	Status      int
	Header      http.Header
	Body        []byte // raw bytes as received (the store compresses them)
	BodySHA256  string // hex SHA-256 of Body
	ContentHash string // hex SHA-256 of the normalized extracted text
	// RunID is the crawl run that fetched it (0: imported or saved by
	// hand); the store's change log records it with the change.
	RunID int64
}

// Tag types.
const (
	TagCategory = "category"
	TagActor    = "actor"
)

// Tag is one category or actor given to a document, with the evidence
// that made the tagger give it.
type Tag struct {
	Type    string  // TagCategory or TagActor
	Value   string  // category or actor id from the taxonomy
	Score   float64 // rule strength; higher is surer
	Matches []Match // why the tag was given
}

// Match is one phrase found in a document.
type Match struct {
	Phrase string `json:"phrase"`
	Field  string `json:"field"`  // "title" or "text"
	Offset int    `json:"offset"` // byte offset in that field
	Rule   string `json:"rule,omitempty"`
}

// Evidence is the tag's matches a reader can check: each a phrase and the
// field it is in. The tagger's notes about the tag itself (its measure is
// only mentioned, or filed under another category) have neither.
func (t Tag) Evidence() []Match {
	var out []Match
	for _, m := range t.Matches {
		if m.Phrase != "" && m.Field != "" {
			out = append(out, m)
		}
	}
	return out
}

// Date kinds of an event.
const (
	DateAnnounced = "announced"
	DatePublished = "published"
	DateEffective = "effective"
	DateAmended   = "amended"
	DateRevoked   = "revoked"
)

// EventDate is one dated fact about an event with its provenance.
type EventDate struct {
	Kind       string    `json:"kind"` // one of the Date* constants
	Date       time.Time `json:"date"`
	DocumentID int64     `json:"document_id"`
	Passage    string    `json:"passage,omitempty"`
	Confidence float64   `json:"confidence"` // 0..1
}

// Event is one measure or action by one actor, with the documents that
// evidence it.
//
// One announcement that does several things (an executive order that
// ends preferential treatment and authorises sanctions) is one event per
// category, linked by Announcement: each is found, filtered and curated
// under its own category, and the timeline's views draw the announcement
// once, in its main category's lane, naming all of them.
type Event struct {
	ID       int64
	Key      string // stable across re-clustering: actor/category/date
	Title    string
	Category string
	// Categories holds every category of the announcement, its main
	// category first (which is Category for the main event only). Empty
	// means just Category.
	Categories []string
	// Announcement is the key of the announcement's main event, shared
	// by every event of the announcement; "" for an event that is an
	// announcement of its own (an editor's, say). See AnnouncementKey.
	Announcement string
	Actors       []string // issuer first
	Target       string
	Instrument   string
	Date         time.Time // announced date, the timeline's default placement
	Dates        []EventDate
	NewsOnly     bool // no official document backs the event
	Documents    []EventDocument
	Confirmed    bool
	Hidden       bool
	UpdatedAt    time.Time
}

// AnnouncementKey is the identity of the announcement the event is part
// of: its main event's key.
func (e Event) AnnouncementKey() string {
	if e.Announcement != "" {
		return e.Announcement
	}
	return e.Key
}

// MainOfAnnouncement reports whether the event is its announcement's
// main event: the one filed under the category the announcement leads
// with.
func (e Event) MainOfAnnouncement() bool {
	return e.Announcement == "" || e.Announcement == e.Key
}

// EventDocument is one piece of evidence for an event.
type EventDocument struct {
	DocumentID int64
	Title      string
	URL        string
	Source     string
	Kind       DocKind
	Published  time.Time
	Passage    string // the sentence that supports the event
	Primary    bool   // the official statement the event is dated and titled by
}

// CrawlRun is one execution of the crawler with its counts. Every URL a
// run handled ends as exactly one outcome (see the Outcome* kinds): the
// counts say how many, Log says which, for every outcome but the
// documents archived (stored, updated, unchanged) and skipped
// navigation pages.
type CrawlRun struct {
	ID         int64
	StartedAt  time.Time
	FinishedAt time.Time // zero while running or after a crash
	Sources    []string
	Fetched    int // HTTP responses received (feeds, sitemaps and retries too), robots.txt aside
	Stored     int // new documents
	Updated    int // new versions of known documents
	Unchanged  int
	Dropped    int // fetched but kept out of the archive: no text, off-topic, duplicate...
	Skipped    int // not documents: listing pages, not HTML, a redirect to a URL already fetched
	Refused    int // robots.txt asked us not to fetch them
	Withdrawn  int // archived pages that now answer 404 or 410
	Failed     int // could not be fetched, read or stored
	// Stops says why the run stopped before its frontier was done and
	// when a later crawl resumed it ("" for a run that went through).
	Stops string
	// Log is every URL the run did not archive as a document, with its
	// outcome and reason (listing pages and redirects to a URL already
	// fetched aside), in the order met. Not only failures: see Logged.
	Log []URLOutcome
}

// URLOutcome is one URL of a run that did not become an archived
// document, with its outcome and why: a failure, a robots.txt refusal, a
// withdrawal, a page dropped or a link to something other than HTML.
type URLOutcome struct {
	URL     string    `json:"url"`
	Source  string    `json:"source,omitempty"`
	Outcome Outcome   `json:"outcome"`
	Reason  string    `json:"reason"`
	At      time.Time `json:"at"`
	// SourceFailed: with this failure every start URL of Source (its
	// feed, sitemap, seed page or API query) had failed, so nothing of
	// the source was crawled in the run.
	SourceFailed bool `json:"source_failed,omitempty"`
}

// Outcome is what became of one URL a crawl handled, or of one response
// an import read. There is one definition, used by the crawl summary and
// its JSON, `policywatch runs`, /runs, /sources and the API.
type Outcome string

const (
	OutcomeStored    Outcome = "stored"    // a new document
	OutcomeUpdated   Outcome = "updated"   // a new version of a known document
	OutcomeUnchanged Outcome = "unchanged" // the same content as the newest version (also an HTTP 304)
	// OutcomeDropped: the page was fetched and read but kept out of the
	// archive: no text, not an article, off-topic, or a duplicate of a
	// document already archived (kept as its alias).
	OutcomeDropped Outcome = "dropped"
	// OutcomeSkipped: not a document to archive, by the crawler's own
	// choice: a listing page, a link to something other than HTML, a
	// redirect to a URL the run already fetched.
	OutcomeSkipped   Outcome = "skipped"
	OutcomeRefused   Outcome = "refused"   // robots.txt disallows it; never fetched
	OutcomeWithdrawn Outcome = "withdrawn" // an archived page now answers 404 or 410
	// OutcomeFailed: the URL could not be fetched, decoded, extracted or
	// stored: something to look into. A 404 on a URL never archived is a
	// broken link, so a failure.
	OutcomeFailed Outcome = "failed"
)

// Count returns the run's count of URLs with outcome o.
func (r *CrawlRun) Count(o Outcome) int {
	switch o {
	case OutcomeStored:
		return r.Stored
	case OutcomeUpdated:
		return r.Updated
	case OutcomeUnchanged:
		return r.Unchanged
	case OutcomeDropped:
		return r.Dropped
	case OutcomeSkipped:
		return r.Skipped
	case OutcomeRefused:
		return r.Refused
	case OutcomeWithdrawn:
		return r.Withdrawn
	case OutcomeFailed:
		return r.Failed
	}
	return 0
}

// Outcomes lists every outcome a URL of a run can have, in the order
// reports show them.
var Outcomes = []Outcome{OutcomeStored, OutcomeUpdated, OutcomeUnchanged, OutcomeDropped, OutcomeSkipped,
	OutcomeRefused, OutcomeWithdrawn, OutcomeFailed}

// URLs is how many URLs the run handled: the sum of its outcome counts.
func (r *CrawlRun) URLs() int {
	n := 0
	for _, o := range Outcomes {
		n += r.Count(o)
	}
	return n
}

// Counts is the run's counts as every report gives them (crawl --json,
// runs --json, /api/runs): each outcome's count, and "fetched", the HTTP
// responses the run received. Fetched counts feeds, sitemaps and retries
// too, so it is not the sum of the outcomes; URLs is.
func (r *CrawlRun) Counts() map[string]int {
	m := map[string]int{"fetched": r.Fetched}
	for _, o := range Outcomes {
		m[string(o)] = r.Count(o)
	}
	return m
}

// Add counts one URL with outcome o.
func (r *CrawlRun) Add(o Outcome) {
	switch o {
	case OutcomeStored:
		r.Stored++
	case OutcomeUpdated:
		r.Updated++
	case OutcomeUnchanged:
		r.Unchanged++
	case OutcomeDropped:
		r.Dropped++
	case OutcomeSkipped:
		r.Skipped++
	case OutcomeRefused:
		r.Refused++
	case OutcomeWithdrawn:
		r.Withdrawn++
	case OutcomeFailed:
		r.Failed++
	}
}

// Logged returns the URLs of the run with outcome o, in the order met.
func (r *CrawlRun) Logged(o Outcome) []URLOutcome {
	var out []URLOutcome
	for _, e := range r.Log {
		if e.Outcome == o {
			out = append(out, e)
		}
	}
	return out
}

// FailedSources lists the sources that failed entirely in the run, with
// the failure that finished them, in the order met.
func (r *CrawlRun) FailedSources() []URLOutcome {
	var out []URLOutcome
	seen := map[string]bool{}
	for _, e := range r.Log {
		if e.SourceFailed && !seen[e.Source] {
			seen[e.Source] = true
			out = append(out, e)
		}
	}
	return out
}

// SaveOutcome says what storing a capture did: stored, updated,
// unchanged, or OutcomeDuplicate.
type SaveOutcome = Outcome

// OutcomeDuplicate is the store's answer for content already archived
// under another URL: the URL becomes an alias of that document. A run
// counts it as dropped, with the document it duplicates as the reason.
const OutcomeDuplicate Outcome = "duplicate"

// FrontierItem is one URL a crawl run queued: what the crawler needs to
// pick the work up again after a crash. The store keeps them.
type FrontierItem struct {
	Key     string // the crawler's de-duplication key
	URL     string
	Source  string // source name
	Kind    string // the crawler's job kind ("discover", "page", "doc")
	Depth   int
	Listing bool
	// Metadata the discovery page gave (feed title, API date...).
	Title, DateSource, DocNumber string
	Published                    time.Time
	Done                         bool // acknowledged: not to be fetched again in this run
}

// URLDone is what a crawl run writes when it has finished one URL, in one
// transaction: the URL marked done in the run's frontier, what the URL
// added to the run's counts, and its log entries. When the URL stored a
// document, that is the transaction that stores it (and appends the
// change log entry). A URL whose work was never acknowledged is done
// again by the resumed run and counted then, so a run killed at any
// moment still counts and logs each URL exactly once.
type URLDone struct {
	RunID int64
	// Key is the URL's frontier key; "" for an entry that belongs to no
	// queued URL.
	Key string
	// Counts is what the URL adds to the run's counts (only the counts
	// are read).
	Counts CrawlRun
	Log    []URLOutcome
}

// AddCounts adds o's counts to r's.
func (r *CrawlRun) AddCounts(o CrawlRun) {
	r.Fetched += o.Fetched
	r.Stored += o.Stored
	r.Updated += o.Updated
	r.Unchanged += o.Unchanged
	r.Dropped += o.Dropped
	r.Skipped += o.Skipped
	r.Refused += o.Refused
	r.Withdrawn += o.Withdrawn
	r.Failed += o.Failed
}

// Change is one entry of the store's change log: the document it
// touched, in commit order. The search index, the timeline and saved
// search alerts are derived from the log.
type Change struct {
	Seq        int64
	DocumentID int64
	Kind       ChangeKind
	RunID      int64 // the crawl run that made it; 0 for imports and edits
	At         time.Time
}

// ChangeKind says what happened to a document.
type ChangeKind string

const (
	ChangeNew       ChangeKind = "new"       // first stored
	ChangeVersion   ChangeKind = "version"   // a new version of its text
	ChangeWithdrawn ChangeKind = "withdrawn" // its page answered 404/410
	ChangeRestored  ChangeKind = "restored"  // a withdrawn page answered again, unchanged
	ChangeAlias     ChangeKind = "alias"     // its text was found at another URL
	ChangeTags      ChangeKind = "tags"      // its tags were replaced
)
