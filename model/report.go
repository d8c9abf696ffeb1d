package model

import "time"

// RunReport is a crawl run as `policywatch crawl --json`, `policywatch
// runs --json` and GET /api/runs report it: the counts of each outcome,
// and the URLs dropped, refused, withdrawn or failed, each with its
// reason. Skipped URLs (listing pages, links to files that are not HTML,
// redirects to a URL already fetched) are only counted.
type RunReport struct {
	ID         int64      `json:"id"`
	StartedAt  time.Time  `json:"started_at"`
	FinishedAt *time.Time `json:"finished_at"` // null while running, or for a run killed and not resumed
	Sources    []string   `json:"sources"`
	// Counts is keyed by outcome (stored, updated, unchanged, dropped,
	// skipped, refused, withdrawn, failed: they add up to URLs), plus
	// "fetched", the HTTP responses received, feeds, sitemaps and retries
	// included (CrawlRun.Counts).
	Counts map[string]int `json:"counts"`
	URLs   int            `json:"urls"` // URLs handled: the sum of the outcome counts
	// Dropped pages were fetched but kept out of the archive: no text,
	// not an article, off-topic, a duplicate of an archived document.
	Dropped   []URLOutcome `json:"dropped"`
	Refused   []URLOutcome `json:"refused"`   // by robots.txt
	Withdrawn []URLOutcome `json:"withdrawn"` // archived pages now answering 404/410
	Failed    []URLOutcome `json:"failed"`
	// FailedSources names the sources that failed entirely: nothing of
	// them was crawled (their feed, sitemap, seed or API URL failed).
	FailedSources []string `json:"failed_sources"`
	// Stops says why the run stopped before it was done (a full disk, an
	// interruption) and when a later crawl resumed it; "" when it went
	// through (CrawlRun.Stops).
	Stops string `json:"stops"`

	// The names of the first reports, kept for the scripts that read
	// them: the same values as ID and Counts.
	RunID     int64 `json:"run_id"`
	Fetched   int   `json:"fetched"`
	Stored    int   `json:"stored"`
	Updated   int   `json:"updated"`
	Unchanged int   `json:"unchanged"`
	Skipped   int   `json:"skipped"`
}

// Report returns the run as RunReport.
func (r *CrawlRun) Report() RunReport {
	out := RunReport{ID: r.ID, StartedAt: r.StartedAt.UTC(), Sources: r.Sources, Counts: r.Counts(), URLs: r.URLs(),
		Dropped: nonNil(r.Logged(OutcomeDropped)), Refused: nonNil(r.Logged(OutcomeRefused)),
		Withdrawn: nonNil(r.Logged(OutcomeWithdrawn)), Failed: nonNil(r.Logged(OutcomeFailed)),
		FailedSources: []string{}, Stops: r.Stops,
		RunID: r.ID, Fetched: r.Fetched, Stored: r.Stored, Updated: r.Updated, Unchanged: r.Unchanged, Skipped: r.Skipped}
	if out.Sources == nil {
		out.Sources = []string{}
	}
	if !r.FinishedAt.IsZero() {
		t := r.FinishedAt.UTC()
		out.FinishedAt = &t
	}
	for _, e := range r.FailedSources() {
		out.FailedSources = append(out.FailedSources, e.Source)
	}
	return out
}

func nonNil(l []URLOutcome) []URLOutcome {
	if l == nil {
		return []URLOutcome{}
	}
	return l
}
