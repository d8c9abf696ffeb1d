package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"

	"policywatch/model"
)

// Coverage is what the archive holds of one source, so a researcher can
// say what it leaves out: documents per month (with the months that have
// none), when the source was last crawled with success, why fetches
// failed and whether robots.txt kept the crawler out.
type Coverage struct {
	Source      model.Source // as last configured; only Name is set for a source no longer configured
	Configured  bool         // the source is in the sources table
	Documents   int
	Undated     int       // documents without a reliable publication date: in no month
	First, Last time.Time // first days of the earliest and latest months with documents
	Months      []MonthCount
	LastRun     *RunRef // newest finished run that included the source
	// LastSuccess is the newest finished run that included the source and
	// in which it did not fail entirely (its feed, sitemap, seed page or
	// API URL answered): a clean run that found nothing new counts.
	LastSuccess *RunRef
	LastCapture time.Time
	Failures    []ReasonCount // failed URLs in the newest coverageRuns runs that included the source
	FailureRuns int           // how many runs Failures covers
	Robots      RobotsStatus
}

// MonthCount is the number of documents published in one month.
type MonthCount struct {
	Month time.Time `json:"month"` // first day, UTC
	Count int       `json:"count"`
}

// ReasonCount is how often one kind of failure happened, with an example.
type ReasonCount struct {
	Reason  string `json:"reason"`
	Count   int    `json:"count"`
	Example string `json:"example_url"`
}

// RunRef names a crawl run.
type RunRef struct {
	ID         int64     `json:"id"`
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at"`
}

// RobotsStatus is what robots.txt did to the source in its newest run.
type RobotsStatus struct {
	RunID   int64  `json:"run_id,omitempty"`  // 0: the source has not been crawled
	Refused int    `json:"refused"`           // URLs robots.txt refused
	Blocked string `json:"blocked,omitempty"` // why a whole host was refused (robots.txt answered 5xx)
}

// coverageRuns is how many of a source's newest runs failures are
// counted over: recent enough to describe the source as it is now.
const coverageRuns = 10

// SourceCoverages returns the coverage of every configured source and of
// every source that still has documents, configured ones first, by name.
func (db *DB) SourceCoverages(ctx context.Context) ([]Coverage, error) {
	names, err := db.coverageNames(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Coverage, 0, len(names))
	for _, n := range names {
		c, err := db.SourceCoverage(ctx, n)
		if err != nil {
			return nil, err
		}
		out = append(out, *c)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Configured && !out[j].Configured })
	return out, nil
}

// SourceNames lists the archive's sources: the configured ones and every
// one a document was filed under, by name.
func (db *DB) SourceNames(ctx context.Context) ([]string, error) { return db.coverageNames(ctx) }

// HasSource reports whether a source of that name (in any case, as
// searches compare them) is configured or has documents. The configured
// sources (a short table) are looked up first: the documents are scanned
// only for a name that is not configured, up to its first document.
func (db *DB) HasSource(ctx context.Context, name string) (bool, error) {
	for _, q := range []string{
		`SELECT EXISTS (SELECT 1 FROM sources WHERE lower(name) = lower(?))`,
		`SELECT EXISTS (SELECT 1 FROM documents WHERE lower(source) = lower(?))`,
	} {
		var ok bool
		if err := db.read.QueryRowContext(ctx, q, name).Scan(&ok); err != nil {
			return false, fmt.Errorf("look up source %s: %w", name, err)
		}
		if ok {
			return true, nil
		}
	}
	return false, nil
}

func (db *DB) coverageNames(ctx context.Context) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT name FROM sources
		UNION SELECT DISTINCT source FROM documents ORDER BY 1`)
	if err != nil {
		return nil, fmt.Errorf("list sources: %w", err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("list sources: %w", err)
		}
		names = append(names, n)
	}
	return names, rows.Err()
}

// SourceCoverage returns one source's coverage; ErrNotFound when the
// source is neither configured nor has documents.
func (db *DB) SourceCoverage(ctx context.Context, name string) (*Coverage, error) {
	c := &Coverage{Source: model.Source{Name: name}}
	var kind, docKind string
	err := db.read.QueryRowContext(ctx, `SELECT kind, url, doc_kind, schedule FROM sources WHERE name = ?`, name).
		Scan(&kind, &c.Source.URL, &docKind, &c.Source.Schedule)
	switch {
	case err == nil:
		c.Configured = true
		c.Source.Kind, c.Source.DocKind = kind, model.DocKind(docKind)
	case err != sql.ErrNoRows:
		return nil, fmt.Errorf("coverage of %s: %w", name, err)
	}
	if err := db.coverageMonths(ctx, c); err != nil {
		return nil, err
	}
	if !c.Configured && c.Documents == 0 {
		return nil, ErrNotFound
	}
	if err := db.coverageRuns(ctx, c); err != nil {
		return nil, err
	}
	return c, nil
}

// coverageMonths counts documents by month of publication. Dates from
// the crawl time say when we fetched, not when the source published, so
// they count as undated. The month list runs from January of the first
// year to December of the last, zeros included: the gaps are the point.
func (db *DB) coverageMonths(ctx context.Context, c *Coverage) error {
	rows, err := db.read.QueryContext(ctx, `SELECT published, date_source FROM documents WHERE source = ?`, c.Source.Name)
	if err != nil {
		return fmt.Errorf("coverage of %s: documents: %w", c.Source.Name, err)
	}
	defer rows.Close()
	counts := map[time.Time]int{}
	for rows.Next() {
		var pub, src string
		if err := rows.Scan(&pub, &src); err != nil {
			return fmt.Errorf("coverage of %s: documents: %w", c.Source.Name, err)
		}
		c.Documents++
		t := parseTime(pub)
		if t.IsZero() || !model.ReliableDateSource(src) {
			c.Undated++
			continue
		}
		// The month the publisher dated it, in the publisher's offset.
		m := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
		counts[m]++
		if c.First.IsZero() || m.Before(c.First) {
			c.First = m
		}
		if m.After(c.Last) {
			c.Last = m
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("coverage of %s: documents: %w", c.Source.Name, err)
	}
	if c.First.IsZero() {
		return nil
	}
	end := time.Date(c.Last.Year(), time.December, 1, 0, 0, 0, 0, time.UTC)
	for m := time.Date(c.First.Year(), time.January, 1, 0, 0, 0, 0, time.UTC); !m.After(end); m = m.AddDate(0, 1, 0) {
		c.Months = append(c.Months, MonthCount{Month: m, Count: counts[m]})
	}
	return nil
}

// coverageRuns fills the run-based parts: last run, last success,
// failures by reason and robots.txt status.
func (db *DB) coverageRuns(ctx context.Context, c *Coverage) error {
	name := c.Source.Name
	var last sql.NullString
	if err := db.read.QueryRowContext(ctx, `SELECT MAX(c.fetched_at) FROM captures c
		JOIN documents d ON d.id = c.document_id WHERE d.source = ?`, name).Scan(&last); err != nil {
		return fmt.Errorf("coverage of %s: captures: %w", name, err)
	}
	c.LastCapture = parseTime(last.String)

	// The source's finished runs, newest first, with whether the source
	// failed entirely in each (model.URLOutcome.SourceFailed).
	rows, err := db.read.QueryContext(ctx, `SELECT r.id, r.started_at, r.finished_at,
		EXISTS (SELECT 1 FROM crawl_errors e WHERE e.run_id = r.id AND e.source = ? AND e.source_failed <> 0)
		FROM crawl_runs r
		WHERE r.finished_at != '' AND `+db.read.d.jsonArrayHas("r.sources")+`
		ORDER BY r.id DESC LIMIT 200`, name, name)
	if err != nil {
		return fmt.Errorf("coverage of %s: runs: %w", name, err)
	}
	var runs []RunRef
	for rows.Next() {
		var ref RunRef
		var started, finished string
		var failed bool
		if err := rows.Scan(&ref.ID, &started, &finished, &failed); err != nil {
			rows.Close()
			return fmt.Errorf("coverage of %s: runs: %w", name, err)
		}
		ref.StartedAt, ref.FinishedAt = parseTime(started), parseTime(finished)
		runs = append(runs, ref)
		if !failed && c.LastSuccess == nil {
			r := ref
			c.LastSuccess = &r
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("coverage of %s: runs: %w", name, err)
	}
	if len(runs) > 0 {
		r := runs[0]
		c.LastRun = &r
	}
	var runIDs []int64
	for _, ref := range runs[:min(len(runs), coverageRuns)] {
		runIDs = append(runIDs, ref.ID)
	}
	c.FailureRuns = len(runIDs)
	if len(runIDs) == 0 {
		return nil
	}
	c.Robots.RunID = runIDs[0]

	ph := strings.TrimSuffix(strings.Repeat("?,", len(runIDs)), ",")
	args := []any{name}
	for _, id := range runIDs {
		args = append(args, id)
	}
	erows, err := db.read.QueryContext(ctx, `SELECT run_id, url, outcome, reason FROM crawl_errors
		WHERE source = ? AND outcome IN ('failed', 'refused') AND run_id IN (`+ph+`) ORDER BY id`, args...)
	if err != nil {
		return fmt.Errorf("coverage of %s: errors: %w", name, err)
	}
	defer erows.Close()
	byReason := map[string]*ReasonCount{}
	for erows.Next() {
		var runID int64
		var u, outcome, reason string
		if err := erows.Scan(&runID, &u, &outcome, &reason); err != nil {
			return fmt.Errorf("coverage of %s: errors: %w", name, err)
		}
		if model.Outcome(outcome) == model.OutcomeRefused {
			if runID == runIDs[0] {
				c.Robots.Refused++
				if strings.Contains(reason, "answered HTTP") && c.Robots.Blocked == "" {
					c.Robots.Blocked = reason
				}
			}
			continue // refusals are the robots.txt status, not failures
		}
		k := reasonKind(reason)
		rc := byReason[k]
		if rc == nil {
			rc = &ReasonCount{Reason: k, Example: u}
			byReason[k] = rc
		}
		rc.Count++
	}
	if err := erows.Err(); err != nil {
		return fmt.Errorf("coverage of %s: errors: %w", name, err)
	}
	for _, rc := range byReason {
		c.Failures = append(c.Failures, *rc)
	}
	sort.Slice(c.Failures, func(i, j int) bool {
		if c.Failures[i].Count != c.Failures[j].Count {
			return c.Failures[i].Count > c.Failures[j].Count
		}
		return c.Failures[i].Reason < c.Failures[j].Reason
	})
	return nil
}

// reasonKind groups failure reasons: "fetch failed: dial tcp 1.2.3.4:
// connection refused" and the same for another address are one kind.
// Reasons are written "kind: detail" by the crawler.
func reasonKind(reason string) string {
	k, _, _ := strings.Cut(reason, ": ")
	return strings.TrimSpace(k)
}
