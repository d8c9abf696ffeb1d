package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"policywatch/crawler"
	"policywatch/model"
	"policywatch/topic"
)

func cmdCrawl(ctx context.Context, args []string, stdout io.Writer, logger *slog.Logger) (err error) {
	fs := flag.NewFlagSet("crawl", flag.ContinueOnError)
	config := configFlag(fs, "whose sources are crawled")
	dataDir := dataFlag(fs)
	dbURL := dbFlag(fs)
	asJSON := fs.Bool("json", false, "print the run summary as JSON: run_id, the counts, and failed URLs with their reasons")
	allowPrivate := fs.Bool("allow-private", false, "let the crawler fetch loopback, private and link-local addresses (refused by default, so pages and redirects cannot reach this machine's network)")
	if err := parseArgs(fs, args, stdout); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	t, tax, err := loadTopicAndTaxonomy(*config)
	if err != nil {
		return err
	}
	a, err := openOrCreateAt(ctx, *dataDir, storeSpec(*dataDir, *dbURL, t), logger)
	if err != nil {
		return err
	}
	defer closeApp(a, &err)
	a.allowPrivate = *allowPrivate
	prog := newProgressReporter(os.Stderr, logger)
	if prog.tty {
		// Log lines go through the reporter so they do not land in the
		// middle of the progress line.
		a.logger = slog.New(slog.NewTextHandler(prog, &slog.HandlerOptions{Level: slog.LevelInfo}))
	}
	stop := prog.start()
	run, crawlErr := a.crawl(ctx, t, tax, prog.report)
	stop()
	if run != nil {
		if *asJSON {
			if err := printRunJSON(stdout, run); err != nil {
				return err
			}
		} else {
			printRunSummaryTook(stdout, run, prog.elapsed())
		}
	}
	if crawlErr != nil {
		return crawlErr
	}
	if run != nil {
		if failed := mergeFailed(prog.sourcesFailed(), failedSources(t, run)); len(failed) > 0 {
			return fmt.Errorf("%d of %d sources failed entirely: %s", len(failed), len(t.Sources), strings.Join(failed, "; "))
		}
	}
	return nil
}

// failedSources names the sources whose own URL (feed, sitemap, seed,
// API endpoint) failed: nothing of theirs was crawled, which a scheduled
// crawl's exit status should tell cron or systemd.
func failedSources(t *topic.Topic, run *model.CrawlRun) []string {
	roots := map[string]string{} // source name → its normalized URL
	for _, s := range t.Sources {
		n, err := crawler.NormalizeURL(s.URL)
		if err != nil {
			n = s.URL
		}
		roots[s.Name] = n
	}
	seen := map[string]bool{}
	var out []string
	for _, e := range run.Errors {
		root, ok := roots[e.Source]
		if !ok || seen[e.Source] || e.URL != root {
			continue
		}
		if strings.HasPrefix(e.Reason, "robots.txt") {
			continue // refused, not failed: the site asked us not to
		}
		seen[e.Source] = true
		out = append(out, fmt.Sprintf("%s (%s)", e.Source, e.Reason))
	}
	return out
}

// mergeFailed joins two lists of "name (reason)" without repeating a
// source.
func mergeFailed(a, b []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range append(a, b...) {
		name, _, _ := strings.Cut(f, " (")
		if !seen[name] {
			seen[name] = true
			out = append(out, f)
		}
	}
	return out
}

func printRunSummary(w io.Writer, r *model.CrawlRun) { printRunSummaryTook(w, r, 0) }

// printRunSummaryTook is printRunSummary with the run's duration (0: unknown).
func printRunSummaryTook(w io.Writer, r *model.CrawlRun, took time.Duration) {
	fmt.Fprintf(w, "crawl run %d: fetched %d, stored %d, updated %d, unchanged %d, skipped %d, failed %d",
		r.ID, r.Fetched, r.Stored, r.Updated, r.Unchanged, r.Skipped, r.Failed)
	if took > 0 {
		fmt.Fprintf(w, " in %s", took.Round(time.Second))
	}
	fmt.Fprintln(w)
	byReason := map[string]int{}
	for _, e := range r.Errors {
		// robots.txt refusals are recorded for the coverage report but are
		// the site's wish, not a failure of the run.
		verb := "failed"
		if strings.HasPrefix(e.Reason, "robots.txt") {
			verb = "not fetched"
		}
		fmt.Fprintf(w, "  %s %s: %s\n", verb, e.URL, e.Reason)
		byReason[reasonClass(e.Reason)]++
	}
	if len(byReason) > 1 {
		reasons := make([]string, 0, len(byReason))
		for k := range byReason {
			reasons = append(reasons, k)
		}
		sort.Slice(reasons, func(i, j int) bool { return byReason[reasons[i]] > byReason[reasons[j]] })
		fmt.Fprint(w, "  by reason:")
		for _, k := range reasons {
			fmt.Fprintf(w, " %s %d;", k, byReason[k])
		}
		fmt.Fprintln(w)
	}
}

// reasonClass groups failure reasons: "HTTP 503 (3 attempts)" → "HTTP 503".
func reasonClass(reason string) string {
	if i := strings.IndexAny(reason, "(:"); i > 0 {
		reason = reason[:i]
	}
	return strings.TrimSpace(reason)
}

// runJSON is the documented shape of `crawl --json`.
type runJSON struct {
	RunID     int64              `json:"run_id"`
	Fetched   int                `json:"fetched"`
	Stored    int                `json:"stored"`
	Updated   int                `json:"updated"`
	Unchanged int                `json:"unchanged"`
	Skipped   int                `json:"skipped"`
	Failed    []model.CrawlError `json:"failed"`
}

func printRunJSON(w io.Writer, r *model.CrawlRun) error {
	out := runJSON{RunID: r.ID, Fetched: r.Fetched, Stored: r.Stored, Updated: r.Updated,
		Unchanged: r.Unchanged, Skipped: r.Skipped, Failed: r.Errors}
	if out.Failed == nil {
		out.Failed = []model.CrawlError{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// progressReporter shows a crawl's progress: a line redrawn in place on a
// terminal, a log line every logEvery otherwise (cron mail and journald
// want lines, not carriage returns).
type progressReporter struct {
	w      io.Writer
	tty    bool
	logger *slog.Logger
	began  time.Time

	mu        sync.Mutex
	last      crawler.Progress
	perSource map[string]int
	failed    []string // "source (reason)" of sources that failed entirely
	drawn     time.Time
}

const logEvery = 10 * time.Second

func newProgressReporter(f *os.File, logger *slog.Logger) *progressReporter {
	p := &progressReporter{w: f, logger: logger, began: time.Now(), perSource: map[string]int{}}
	if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 && os.Getenv("TERM") != "dumb" {
		p.tty = true
	}
	return p
}

func (p *progressReporter) elapsed() time.Duration { return time.Since(p.began) }

// Write writes a log line above the progress line: the line is cleared,
// the log written, the line drawn again.
func (p *progressReporter) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprint(p.w, "\r\033[K")
	n, err := p.w.Write(b)
	if !p.drawn.IsZero() {
		p.draw()
	}
	return n, err
}

// sourcesFailed lists the sources the crawler reported failed entirely.
func (p *progressReporter) sourcesFailed() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.failed...)
}

// report is the crawler's Progress callback (called from its workers).
func (p *progressReporter) report(pr crawler.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.last = pr
	p.perSource[pr.Source]++
	if pr.SourceFailed {
		p.failed = append(p.failed, fmt.Sprintf("%s (%s)", pr.Source, pr.Reason))
	}
	if p.tty && time.Since(p.drawn) >= 200*time.Millisecond {
		p.draw()
	}
}

// start begins the periodic output; the returned func ends it.
func (p *progressReporter) start() func() {
	every := logEvery
	if p.tty {
		every = time.Second // keep the rate current while a slow host is waited for
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				p.mu.Lock()
				if p.tty {
					p.draw()
				} else {
					p.logLine()
				}
				p.mu.Unlock()
			}
		}
	}()
	return func() {
		close(done)
		wg.Wait()
		if p.tty {
			fmt.Fprint(p.w, "\r\033[K") // leave the terminal clean for the summary
		}
	}
}

func (p *progressReporter) rate() float64 {
	secs := time.Since(p.began).Seconds()
	if secs <= 0 {
		return 0
	}
	return float64(p.last.Fetched) / secs
}

// sources renders the per-source counts, busiest first.
func (p *progressReporter) sources(limit int) string {
	names := make([]string, 0, len(p.perSource))
	for n := range p.perSource {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		if p.perSource[names[i]] != p.perSource[names[j]] {
			return p.perSource[names[i]] > p.perSource[names[j]]
		}
		return names[i] < names[j]
	})
	var parts []string
	for i, n := range names {
		if i == limit {
			parts = append(parts, fmt.Sprintf("+%d more", len(names)-limit))
			break
		}
		parts = append(parts, fmt.Sprintf("%s %d", n, p.perSource[n]))
	}
	return strings.Join(parts, ", ")
}

// draw redraws the terminal line. Callers hold p.mu.
func (p *progressReporter) draw() {
	l := p.last
	line := fmt.Sprintf("fetched %d  queued %d  %.1f/s  stored %d  errors %d", l.Fetched, l.Queued, p.rate(), l.Stored+l.Updated, l.Failed)
	if s := p.sources(4); s != "" {
		line += "  | " + s
	}
	fmt.Fprintf(p.w, "\r\033[K%s", line)
	p.drawn = time.Now()
}

// logLine logs the progress. Callers hold p.mu.
func (p *progressReporter) logLine() {
	l := p.last
	p.logger.Info("crawl progress", "fetched", l.Fetched, "queued", l.Queued, "rate_per_s", fmt.Sprintf("%.1f", p.rate()),
		"stored", l.Stored, "updated", l.Updated, "unchanged", l.Unchanged, "skipped", l.Skipped, "errors", l.Failed,
		"per_source", p.sources(10))
}
