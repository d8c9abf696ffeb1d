package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"time"

	"policywatch/model"
)

// The shared frontier of a cluster (PostgreSQL only; migrations/postgres/
// 010_cluster.sql): crawl workers on any number of machines claim URLs
// with SELECT … FOR UPDATE SKIP LOCKED, so two workers never wait on each
// other nor take the same URL, and politeness holds across all of them:
//
//   - a host has one request in flight at a time (several only when it
//     asks for no delay at all and its robots.txt is known), counted from
//     the live leases on its URLs;
//   - its next request starts no earlier than the end of the last one plus
//     its delay (max of the configured delay and robots.txt Crawl-delay);
//   - a 429 or 503 pauses the host for every worker;
//   - its robots.txt is the first URL claimed on it, fetched once, kept
//     here and read by every worker.
//
// A claim is a lease: a worker that stops renewing it (dead, cut off) loses
// the URL once the lease runs out, and another worker takes it over. The
// update that completes a URL names the owner and the claim number, so a
// late result from the worker that lost it is refused and rolled back:
// nothing is stored twice. Storing a page, marking its URL done and
// counting it in its run happen in one transaction.
//
// These statements are PostgreSQL's own (native booleans, intervals), not
// the shared SQL of the rest of the store, so they go to the driver
// unadapted (tx.tx, db.write.db).

// ErrLeaseLost is returned when a worker's lease on a URL ran out and the
// URL was claimed again (or completed) by another worker: its result is
// refused.
var ErrLeaseLost = errors.New("lease lost: the URL was taken over by another worker")

// ErrNotCluster is returned by cluster operations on an SQLite store.
var ErrNotCluster = errors.New("crawl workers need a PostgreSQL archive (--db postgres://…)")

// robotsTTL is how long a host's robots.txt is trusted before a new run
// fetches it again.
const robotsTTL = 24 * time.Hour

// KindRobots is the kind of a host's robots.txt job.
const KindRobots = "robots"

// RobotsFile is a host's robots.txt as fetched by one worker for all.
type RobotsFile struct {
	Status int
	Body   []byte
	// Block, when not empty, refuses every URL of the host (robots.txt
	// answered 5xx or 429), with this reason.
	Block string
}

// Lease is a claimed URL: the worker holds it until Complete, Retry or
// Release, or until the lease runs out without a Renew.
type Lease struct {
	ID      int64
	RunID   int64
	Owner   string
	Claim   int // which claim of the URL this is; a completion names it
	Item    model.FrontierItem
	Origin  string
	Attempt int // failed attempts before this claim
	// The host as of the claim.
	Delay  time.Duration
	Robots *RobotsFile // nil until the host's robots.txt is known
	// Length is how long the lease lasts after each renewal.
	Length time.Duration
}

// ClaimOptions say who claims and how long for.
type ClaimOptions struct {
	Owner string        // the worker's name, unique in the cluster
	Lease time.Duration // default 60s
	// Parallelism caps requests in flight to one host that asked for no
	// delay (delay 0 and no Crawl-delay); default 1.
	Parallelism int
}

// Completion is what a worker reports with a finished URL.
type Completion struct {
	// Counts is what the URL adds to its run's counts (the count fields
	// of a CrawlRun: fetched, stored, dropped...).
	Counts model.CrawlRun
	// Log is the URL's outcomes that go in the run's log.
	Log []model.URLOutcome
	// Robots jobs: what the host's robots.txt said, and the delay its
	// requests keep from now on.
	Robots *RobotsFile
	Delay  time.Duration
	// Enqueue is what the URL led to, queued in its run (with Queue's
	// caps and new hosts' delay) in the same transaction.
	Enqueue []model.FrontierItem
	Queue   QueueOptions
}

// QueueOptions say how URLs are queued in a run.
type QueueOptions struct {
	// Delay is the politeness floor of a host seen for the first time.
	Delay time.Duration
	// MaxPages and MaxPerHost cap the documents a run queues, in all and
	// per host (0: no cap), as a crawl's max_pages and max_per_host do.
	MaxPages, MaxPerHost int
}

// OriginOf is the politeness key of a URL: scheme://host[:port].
func OriginOf(u string) (string, error) {
	pu, err := url.Parse(u)
	if err != nil || pu.Host == "" || pu.Scheme == "" {
		return "", fmt.Errorf("no host in URL %q", u)
	}
	return pu.Scheme + "://" + pu.Host, nil
}

func (db *DB) cluster() error {
	if db.engine != Postgres {
		return ErrNotCluster
	}
	return nil
}

// ClusterEnqueue queues URLs of a run; a URL the run holds already is
// left as it is. A host seen for the first time (or whose robots.txt is
// older than a day) gets its robots.txt queued first. It returns how many
// URLs were new.
func (db *DB) ClusterEnqueue(ctx context.Context, runID int64, o QueueOptions, items ...model.FrontierItem) (int, error) {
	if err := db.cluster(); err != nil {
		return 0, err
	}
	if len(items) == 0 {
		return 0, nil
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("enqueue in cluster frontier: %w", err)
	}
	defer tx.Rollback()
	// The run's row orders the writers of its frontier, so caps hold.
	if _, err := tx.tx.ExecContext(ctx, `SELECT 1 FROM crawl_runs WHERE id = $1 FOR UPDATE`, runID); err != nil {
		return 0, fmt.Errorf("enqueue in cluster frontier: %w", err)
	}
	added, err := enqueue(ctx, tx.tx, runID, o, items)
	if err != nil {
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("enqueue in cluster frontier: %w", err)
	}
	return added, nil
}

// isDocument says whether a queued URL counts against a run's caps.
func isDocument(it model.FrontierItem) bool {
	return it.Kind == "doc" || (it.Kind == "page" && !it.Listing)
}

// enqueue queues items in a run inside tx, which holds the run's row.
func enqueue(ctx context.Context, tx *sql.Tx, runID int64, o QueueOptions, items []model.FrontierItem) (int, error) {
	added := 0
	origins := map[string]bool{}
	docs, perHost := -1, map[string]int{}
	for _, it := range items {
		origin, err := OriginOf(it.URL)
		if err != nil {
			return added, fmt.Errorf("enqueue %s: %w", it.URL, err)
		}
		if isDocument(it) && (o.MaxPages > 0 || o.MaxPerHost > 0) {
			if docs < 0 {
				if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM cluster_frontier WHERE run_id = $1
					AND (kind = 'doc' OR (kind = 'page' AND NOT listing))`, runID).Scan(&docs); err != nil {
					return added, fmt.Errorf("enqueue %s: %w", it.URL, err)
				}
			}
			if _, ok := perHost[origin]; !ok {
				var n int
				if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM cluster_frontier WHERE run_id = $1 AND origin = $2
					AND (kind = 'doc' OR (kind = 'page' AND NOT listing))`, runID, origin).Scan(&n); err != nil {
					return added, fmt.Errorf("enqueue %s: %w", it.URL, err)
				}
				perHost[origin] = n
			}
			if (o.MaxPages > 0 && docs >= o.MaxPages) || (o.MaxPerHost > 0 && perHost[origin] >= o.MaxPerHost) {
				continue
			}
		}
		if !origins[origin] {
			origins[origin] = true
			if err := ensureHost(ctx, tx, runID, origin, o.Delay); err != nil {
				return added, fmt.Errorf("enqueue %s: %w", it.URL, err)
			}
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO cluster_frontier (run_id, key, origin, url, source, kind, depth,
			listing, title, published, date_source, doc_number) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
			ON CONFLICT (run_id, key) DO NOTHING`,
			runID, it.Key, origin, it.URL, it.Source, it.Kind, it.Depth, it.Listing, it.Title, formatTime(it.Published),
			it.DateSource, it.DocNumber)
		if err != nil {
			return added, fmt.Errorf("enqueue %s: %w", it.URL, err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			added++
			if isDocument(it) {
				docs++
				perHost[origin]++
			}
		}
	}
	return added, nil
}

// ensureHost records an origin and, when its robots.txt is unknown or
// stale, queues the run's robots.txt job for it and holds every other URL
// of the host until that job is done.
func ensureHost(ctx context.Context, tx *sql.Tx, runID int64, origin string, delay time.Duration) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO cluster_hosts (origin, delay_ms) VALUES ($1, $2)
		ON CONFLICT (origin) DO NOTHING`, origin, delay.Milliseconds()); err != nil {
		return err
	}
	var stale bool
	if err := tx.QueryRowContext(ctx, `SELECT robots_at IS NULL OR robots_at < clock_timestamp() - $2 * interval '1 millisecond'
		FROM cluster_hosts WHERE origin = $1`, origin, robotsTTL.Milliseconds()).Scan(&stale); err != nil {
		return err
	}
	if !stale {
		return nil
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO cluster_frontier (run_id, key, origin, url, source, kind)
		VALUES ($1, $2, $3, $4, '', $5) ON CONFLICT (run_id, key) DO NOTHING`,
		runID, KindRobots+" "+origin, origin, origin+"/robots.txt", KindRobots)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n > 0 {
		_, err = tx.ExecContext(ctx, `UPDATE cluster_hosts SET robots_done = false WHERE origin = $1`, origin)
	}
	return err
}

// ready is the condition on a frontier row f of host h that lets it be
// claimed now: queued and past its backoff, or leased to a worker whose
// lease ran out; and, until the host's robots.txt is known, only that.
const ready = `f.state <> 'done' AND (h.robots_done OR f.kind = 'robots')
	AND ((f.state = 'queued' AND f.not_before <= clock_timestamp())
		OR (f.state = 'leased' AND f.lease_until <= clock_timestamp()))`

// ClusterClaim leases the next URL that may be fetched now without
// breaking any host's politeness, or returns nil and how long to wait
// before asking again.
func (db *DB) ClusterClaim(ctx context.Context, o ClaimOptions) (*Lease, time.Duration, error) {
	if err := db.cluster(); err != nil {
		return nil, 0, err
	}
	if o.Owner == "" {
		return nil, 0, errors.New("claim: no worker name")
	}
	if o.Lease <= 0 {
		o.Lease = 60 * time.Second
	}
	o.Parallelism = max(o.Parallelism, 1)
	// A candidate host may have been taken by a claim that committed
	// after this one's snapshot: locking the host row and checking again
	// in a new statement (which sees that claim) settles it. Losing such
	// a race tries the next host.
	for range 8 {
		l, wait, raced, err := db.claimOnce(ctx, o)
		if err != nil || !raced {
			return l, wait, err
		}
	}
	return nil, 10 * time.Millisecond, nil
}

// liveLeases counts a host's requests in flight: leases not run out.
const liveLeases = `(SELECT count(*) FROM cluster_frontier f WHERE f.origin = h.origin AND f.state = 'leased'
	AND f.lease_until > clock_timestamp())`

// hostLimit is how many requests a host may have in flight: one, unless
// it asked for no delay at all and its robots.txt is known.
const hostLimit = `CASE WHEN h.robots_done AND h.delay_ms = 0 THEN $1 ELSE 1 END`

func (db *DB) claimOnce(ctx context.Context, o ClaimOptions) (_ *Lease, wait time.Duration, raced bool, err error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return nil, 0, false, fmt.Errorf("claim: %w", err)
	}
	defer tx.Rollback()
	l := &Lease{Owner: o.Owner, Length: o.Lease}
	var (
		delayMS    int64
		robotsDone bool
		rf         RobotsFile
	)
	// The host that has waited longest among those free to take a request
	// now; hosts another worker is claiming at this moment are skipped.
	err = tx.tx.QueryRowContext(ctx, `SELECT h.origin
		FROM cluster_hosts h
		WHERE h.next_at <= clock_timestamp()
			AND EXISTS (SELECT 1 FROM cluster_frontier f WHERE f.origin = h.origin AND `+ready+`)
			AND `+liveLeases+` < `+hostLimit+`
		ORDER BY h.next_at, h.origin
		LIMIT 1
		FOR UPDATE OF h SKIP LOCKED`, o.Parallelism).Scan(&l.Origin)
	if errors.Is(err, sql.ErrNoRows) {
		tx.Rollback()
		wait, err := db.claimWait(ctx)
		return nil, wait, false, err
	}
	if err != nil {
		return nil, 0, false, fmt.Errorf("claim: %w", err)
	}
	// The host row is ours until commit; every claim takes it before
	// counting, so this count is exact.
	var free bool
	err = tx.tx.QueryRowContext(ctx, `SELECT h.next_at <= clock_timestamp() AND `+liveLeases+` < `+hostLimit+`,
			h.delay_ms, h.robots_done, h.robots_status, h.robots_body, h.robots_block
		FROM cluster_hosts h WHERE h.origin = $2`, o.Parallelism, l.Origin).
		Scan(&free, &delayMS, &robotsDone, &rf.Status, &rf.Body, &rf.Block)
	if err != nil {
		return nil, 0, false, fmt.Errorf("claim on %s: %w", l.Origin, err)
	}
	if !free {
		return nil, 0, true, nil
	}
	l.Delay = time.Duration(delayMS) * time.Millisecond
	if robotsDone {
		l.Robots = &rf
	}
	var published string
	err = tx.tx.QueryRowContext(ctx, `SELECT f.id, f.run_id, f.key, f.url, f.source, f.kind, f.depth, f.listing,
			f.title, f.published, f.date_source, f.doc_number, f.attempt
		FROM cluster_frontier f JOIN cluster_hosts h ON h.origin = f.origin
		WHERE f.origin = $1 AND `+ready+`
		ORDER BY f.kind <> 'robots', f.attempt, f.id
		LIMIT 1
		FOR UPDATE OF f SKIP LOCKED`, l.Origin).
		Scan(&l.ID, &l.RunID, &l.Item.Key, &l.Item.URL, &l.Item.Source, &l.Item.Kind, &l.Item.Depth, &l.Item.Listing,
			&l.Item.Title, &published, &l.Item.DateSource, &l.Item.DocNumber, &l.Attempt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, true, nil // its ready URL went to a claim that committed meanwhile
	}
	if err != nil {
		return nil, 0, false, fmt.Errorf("claim on %s: %w", l.Origin, err)
	}
	l.Item.Published = parseTime(published)
	if err := tx.tx.QueryRowContext(ctx, `UPDATE cluster_frontier SET state = 'leased', lease_owner = $2,
			lease_until = clock_timestamp() + $3 * interval '1 millisecond', claims = claims + 1
		WHERE id = $1 RETURNING claims`, l.ID, o.Owner, o.Lease.Milliseconds()).Scan(&l.Claim); err != nil {
		return nil, 0, false, fmt.Errorf("claim %s: %w", l.Item.URL, err)
	}
	if err := tx.Commit(); err != nil {
		return nil, 0, false, fmt.Errorf("claim %s: %w", l.Item.URL, err)
	}
	return l, 0, false, nil
}

// claimWait is how long until some host with work may take a request:
// between 10ms and a quarter of a second while URLs are queued or in
// flight (a completion may free a host or queue URLs any moment), a
// second when the frontier is empty.
func (db *DB) claimWait(ctx context.Context) (time.Duration, error) {
	var ms sql.NullFloat64
	if err := db.write.db.QueryRowContext(ctx, `SELECT extract(epoch FROM min(greatest(h.next_at, clock_timestamp(),
			(SELECT min(CASE WHEN f.state = 'queued' THEN f.not_before ELSE f.lease_until END)
			 FROM cluster_frontier f WHERE f.origin = h.origin AND f.state <> 'done'))) - clock_timestamp()) * 1000
		FROM cluster_hosts h
		WHERE EXISTS (SELECT 1 FROM cluster_frontier f WHERE f.origin = h.origin AND f.state <> 'done')`).Scan(&ms); err != nil {
		return 0, fmt.Errorf("claim: %w", err)
	}
	if !ms.Valid {
		return time.Second, nil // nothing queued anywhere
	}
	return min(max(time.Duration(ms.Float64*float64(time.Millisecond)), 10*time.Millisecond), 250*time.Millisecond), nil
}

// ClusterRenew extends a lease by its length; ErrLeaseLost when the URL
// is no longer this worker's.
func (db *DB) ClusterRenew(ctx context.Context, l *Lease) error {
	res, err := db.write.db.ExecContext(ctx, `UPDATE cluster_frontier SET lease_until = clock_timestamp() + $4 * interval '1 millisecond'
		WHERE id = $1 AND lease_owner = $2 AND claims = $3 AND state = 'leased'`,
		l.ID, l.Owner, l.Claim, l.Length.Milliseconds())
	if err != nil {
		return fmt.Errorf("renew lease on %s: %w", l.Item.URL, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("renew lease on %s: %w", l.Item.URL, ErrLeaseLost)
	}
	return nil
}

// LeaseTx is the transaction that completes a lease. It begins by
// marking the URL done if the lease is still the worker's (else
// ErrLeaseLost, and nothing the worker found is recorded); the page and
// any withdrawal are stored in it; Commit adds the URL's counts and log
// to its run, frees the host, logs the changes and commits. So a page is
// stored, its URL done, its run counted and its change logged at once,
// or none of it.
type LeaseTx struct {
	db      *DB
	tx      *dbTx
	l       *Lease
	changes []pendingChange // logged last: appendChange ends a transaction
}

type pendingChange struct {
	docID int64
	kind  model.ChangeKind
	at    time.Time
}

// BeginLease starts completing l.
func (db *DB) BeginLease(ctx context.Context, l *Lease) (*LeaseTx, error) {
	if err := db.cluster(); err != nil {
		return nil, err
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("complete %s: %w", l.Item.URL, err)
	}
	// The lease first: a worker that lost it must not store anything.
	if err := finishLease(ctx, tx.tx, l); err != nil {
		tx.Rollback()
		return nil, fmt.Errorf("complete %s: %w", l.Item.URL, err)
	}
	return &LeaseTx{db: db, tx: tx, l: l}, nil
}

// SaveCapture is store.SaveCapture inside the lease's transaction.
func (lt *LeaseTx) SaveCapture(ctx context.Context, doc *model.Document, c *model.Capture) (model.SaveOutcome, error) {
	if doc.URL == "" {
		return "", fmt.Errorf("save capture: document has no URL")
	}
	prepareCapture(lt.db, doc, c)
	if c.RunID == 0 {
		c.RunID = lt.l.RunID
	}
	if err := lockDocument(ctx, lt.tx, doc); err != nil {
		return "", fmt.Errorf("save capture %s: %w", doc.URL, err)
	}
	outcome, change, err := lt.db.saveCapture(ctx, lt.tx, doc, c)
	if err != nil {
		return "", fmt.Errorf("save capture %s: %w", doc.URL, err)
	}
	if change != "" {
		lt.changes = append(lt.changes, pendingChange{doc.ID, change, c.FetchedAt})
	}
	return outcome, nil
}

// MarkWithdrawn is store.MarkWithdrawn inside the lease's transaction.
func (lt *LeaseTx) MarkWithdrawn(ctx context.Context, url string, status int, at time.Time) (int64, bool, error) {
	if at.IsZero() {
		at = lt.db.Now()
	}
	id, marked, err := markWithdrawn(ctx, lt.tx, url, status, at)
	if marked {
		lt.changes = append(lt.changes, pendingChange{id, model.ChangeWithdrawn, at})
	}
	return id, marked, err
}

// Commit records c with the URL and commits. It reports whether that
// finished the URL's run (nothing of it left queued or leased).
func (lt *LeaseTx) Commit(ctx context.Context, c Completion) (runFinished bool, err error) {
	defer lt.tx.Rollback()
	l := lt.l
	if c.Robots != nil {
		if _, err := lt.tx.tx.ExecContext(ctx, `UPDATE cluster_hosts SET robots_done = true, robots_status = $2,
			robots_body = $3, robots_block = $4, robots_at = clock_timestamp(), delay_ms = $5 WHERE origin = $1`,
			l.Origin, c.Robots.Status, c.Robots.Body, c.Robots.Block, c.Delay.Milliseconds()); err != nil {
			return false, fmt.Errorf("complete %s: %w", l.Item.URL, err)
		}
		// Runs that queued the same robots.txt meanwhile have it now.
		if _, err := lt.tx.tx.ExecContext(ctx, `UPDATE cluster_frontier SET state = 'done', done_at = clock_timestamp(),
			done_by = $2 WHERE origin = $1 AND kind = 'robots' AND state = 'queued'`, l.Origin, l.Owner); err != nil {
			return false, fmt.Errorf("complete %s: %w", l.Item.URL, err)
		}
	}
	fin, err := lt.db.closeLease(ctx, lt.tx, l, c, 0)
	if err != nil {
		return false, fmt.Errorf("complete %s: %w", l.Item.URL, err)
	}
	for _, ch := range lt.changes {
		if err := appendChange(ctx, lt.tx, ch.docID, ch.kind, l.RunID, ch.at); err != nil {
			return false, fmt.Errorf("complete %s: %w", l.Item.URL, err)
		}
	}
	if err := lt.tx.Commit(); err != nil {
		return false, fmt.Errorf("complete %s: commit: %w", l.Item.URL, err)
	}
	return fin, nil
}

// Rollback abandons the completion; the lease stays the worker's.
func (lt *LeaseTx) Rollback() { lt.tx.Rollback() }

// ClusterComplete marks a leased URL done with what the worker found
// (BeginLease and Commit, nothing stored).
func (db *DB) ClusterComplete(ctx context.Context, l *Lease, c Completion) (runFinished bool, err error) {
	lt, err := db.BeginLease(ctx, l)
	if err != nil {
		return false, err
	}
	return lt.Commit(ctx, c)
}

// ClusterRetry puts a leased URL back for another attempt after wait,
// behind the host's URLs not yet tried.
// pauseHost (a 429 or 503: the server speaks for itself, not for one
// page) keeps every worker off the host until then.
func (db *DB) ClusterRetry(ctx context.Context, l *Lease, wait time.Duration, pauseHost bool, c Completion) error {
	if err := db.cluster(); err != nil {
		return err
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("retry %s: %w", l.Item.URL, err)
	}
	defer tx.Rollback()
	res, err := tx.tx.ExecContext(ctx, `UPDATE cluster_frontier SET state = 'queued', lease_owner = '', lease_until = NULL,
			attempt = attempt + 1, not_before = clock_timestamp() + $4 * interval '1 millisecond'
		WHERE id = $1 AND lease_owner = $2 AND claims = $3 AND state = 'leased'`,
		l.ID, l.Owner, l.Claim, wait.Milliseconds())
	if err != nil {
		return fmt.Errorf("retry %s: %w", l.Item.URL, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("retry %s: %w", l.Item.URL, ErrLeaseLost)
	}
	var pause time.Duration
	if pauseHost {
		pause = wait
	}
	if _, err := db.closeLease(ctx, tx, l, c, pause); err != nil {
		return fmt.Errorf("retry %s: %w", l.Item.URL, err)
	}
	return tx.Commit()
}

// ClusterRelease hands a leased URL back untouched (a worker shutting
// down): another worker may claim it at once.
func (db *DB) ClusterRelease(ctx context.Context, l *Lease) error {
	if err := db.cluster(); err != nil {
		return err
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("release %s: %w", l.Item.URL, err)
	}
	defer tx.Rollback()
	res, err := tx.tx.ExecContext(ctx, `UPDATE cluster_frontier SET state = 'queued', lease_owner = '', lease_until = NULL
		WHERE id = $1 AND lease_owner = $2 AND claims = $3 AND state = 'leased'`, l.ID, l.Owner, l.Claim)
	if err != nil {
		return fmt.Errorf("release %s: %w", l.Item.URL, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil // taken over already: nothing to hand back
	}
	if _, err := db.closeLease(ctx, tx, l, Completion{}, 0); err != nil {
		return fmt.Errorf("release %s: %w", l.Item.URL, err)
	}
	return tx.Commit()
}

// finishLease marks the leased URL done if the lease is still this
// worker's: the check that refuses a late result.
func finishLease(ctx context.Context, tx *sql.Tx, l *Lease) error {
	res, err := tx.ExecContext(ctx, `UPDATE cluster_frontier SET state = 'done', done_at = clock_timestamp(), done_by = $2,
			lease_until = NULL
		WHERE id = $1 AND lease_owner = $2 AND claims = $3 AND state = 'leased'`, l.ID, l.Owner, l.Claim)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrLeaseLost
	}
	return nil
}

// closeLease frees the host for its next request (after its delay, or
// after pause when longer), adds c to the run's counts and errors, and
// finishes the run when nothing of it is left. The run's row is updated
// before the check, so two workers completing a run's last URLs at once
// take turns and the second sees the first's work.
func (db *DB) closeLease(ctx context.Context, tx *dbTx, l *Lease, c Completion, pause time.Duration) (runFinished bool, err error) {
	if _, err := tx.tx.ExecContext(ctx, `UPDATE cluster_hosts
		SET next_at = greatest(next_at, clock_timestamp() + delay_ms * interval '1 millisecond',
			clock_timestamp() + $2 * interval '1 millisecond')
		WHERE origin = $1`, l.Origin, pause.Milliseconds()); err != nil {
		return false, fmt.Errorf("free host %s: %w", l.Origin, err)
	}
	d := c.Counts
	if _, err := tx.tx.ExecContext(ctx, `UPDATE crawl_runs SET fetched = fetched + $2, stored = stored + $3,
		updated = updated + $4, unchanged = unchanged + $5, dropped = dropped + $6, skipped = skipped + $7,
		refused = refused + $8, withdrawn = withdrawn + $9, failed = failed + $10 WHERE id = $1`,
		l.RunID, d.Fetched, d.Stored, d.Updated, d.Unchanged, d.Dropped, d.Skipped, d.Refused, d.Withdrawn, d.Failed); err != nil {
		return false, fmt.Errorf("count in run %d: %w", l.RunID, err)
	}
	if _, err := enqueue(ctx, tx.tx, l.RunID, c.Queue, c.Enqueue); err != nil {
		return false, err
	}
	for _, e := range c.Log {
		if err := db.insertOutcome(ctx, tx, l.RunID, e); err != nil {
			return false, err
		}
	}
	res, err := tx.tx.ExecContext(ctx, `UPDATE crawl_runs SET finished_at = $2 WHERE id = $1 AND finished_at = ''
		AND NOT EXISTS (SELECT 1 FROM cluster_frontier WHERE run_id = $1 AND state <> 'done')`,
		l.RunID, formatTime(db.Now()))
	if err != nil {
		return false, fmt.Errorf("finish run %d: %w", l.RunID, err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// ClusterRobots returns an origin's robots.txt as a worker fetched it for
// the cluster, or nil while it is not known.
func (db *DB) ClusterRobots(ctx context.Context, origin string) (*RobotsFile, error) {
	if err := db.cluster(); err != nil {
		return nil, err
	}
	var (
		rf   RobotsFile
		done bool
	)
	err := db.read.db.QueryRowContext(ctx, `SELECT robots_done, robots_status, robots_body, robots_block
		FROM cluster_hosts WHERE origin = $1`, origin).Scan(&done, &rf.Status, &rf.Body, &rf.Block)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !done) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("robots.txt of %s: %w", origin, err)
	}
	return &rf, nil
}

// ClusterRunOpen reports whether a run still has URLs queued or leased.
func (db *DB) ClusterRunOpen(ctx context.Context, runID int64) (bool, error) {
	if err := db.cluster(); err != nil {
		return false, err
	}
	var open bool
	if err := db.read.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM cluster_frontier
		WHERE run_id = $1 AND state <> 'done')`, runID).Scan(&open); err != nil {
		return false, fmt.Errorf("run %d: %w", runID, err)
	}
	return open, nil
}

// ClaimScheduled reports whether this node is the one to start the crawl
// that schedule (a name for the schedule and its sources) named for due:
// the first node of the cluster to ask gets it, every other node asking
// for the same due time is told no. On SQLite, with one process, it is
// always yes.
func (db *DB) ClaimScheduled(ctx context.Context, schedule string, due time.Time, node string) (bool, error) {
	if db.engine != Postgres {
		return true, nil
	}
	res, err := db.write.db.ExecContext(ctx, `INSERT INTO cluster_schedule (schedule, due_at, node) VALUES ($1, $2, $3)
		ON CONFLICT (schedule, due_at) DO NOTHING`, schedule, due.UTC().Format(time.RFC3339), node)
	if err != nil {
		return false, fmt.Errorf("claim scheduled crawl %s at %s: %w", schedule, due.Format(time.RFC3339), err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// AddRunCounts adds d to a run's counts (a cluster run's counts grow with
// each completion rather than being written whole at its end).
func (db *DB) AddRunCounts(ctx context.Context, runID int64, d model.CrawlRun) (bool, error) {
	res, err := db.write.ExecContext(ctx, `UPDATE crawl_runs SET fetched = fetched + ?, stored = stored + ?,
		updated = updated + ?, unchanged = unchanged + ?, dropped = dropped + ?, skipped = skipped + ?,
		refused = refused + ?, withdrawn = withdrawn + ?, failed = failed + ? WHERE id = ?`,
		d.Fetched, d.Stored, d.Updated, d.Unchanged, d.Dropped, d.Skipped, d.Refused, d.Withdrawn, d.Failed, runID)
	if err != nil {
		return false, fmt.Errorf("count in run %d: %w", runID, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// FrontierURL is a URL's state in a run of the shared frontier.
type FrontierURL struct {
	URL    string
	State  string // queued, leased, done
	Owner  string // the worker holding its lease ("" when none)
	Claims int    // leases handed out on it
	DoneBy string // the worker whose completion was kept
}

// ClusterURL returns a URL's state in run, or ErrNotFound.
func (db *DB) ClusterURL(ctx context.Context, runID int64, url string) (*FrontierURL, error) {
	if err := db.cluster(); err != nil {
		return nil, err
	}
	f := FrontierURL{URL: url}
	err := db.read.db.QueryRowContext(ctx, `SELECT state, lease_owner, claims, done_by FROM cluster_frontier
		WHERE run_id = $1 AND url = $2`, runID, url).Scan(&f.State, &f.Owner, &f.Claims, &f.DoneBy)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%s in run %d: %w", url, runID, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("%s in run %d: %w", url, runID, err)
	}
	return &f, nil
}
