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
	// The store only: the search index may be held by a server, which
	// takes the crawl's changes in itself; otherwise the crawl takes the
	// index for a moment at its end.
	at := locate(*dataDir, *dbURL, t)
	if err := at.note(logger); err != nil {
		return err
	}
	a, err := openStoreAt(ctx, at, logger)
	if err != nil {
		return err
	}
	defer closeApp(a, &err)
	a.setAllowPrivate(*allowPrivate)
	prog := newProgressReporter(os.Stderr, logger)
	if prog.tty {
		// Log lines go through the reporter so they do not land in the
		// middle of the progress line.
		a.logger = slog.New(slog.NewTextHandler(prog, &slog.HandlerOptions{Level: slog.LevelInfo}))
		a.arch.Logger = a.logger
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
		if failed := run.FailedSources(); len(failed) > 0 {
			names := make([]string, len(failed))
			for i, e := range failed {
				names[i] = fmt.Sprintf("%s (%s)", e.Source, e.Reason)
			}
			return fmt.Errorf("%d of %d sources failed entirely: %s", len(failed), len(t.Sources), strings.Join(names, "; "))
		}
	}
	return nil
}

// printRunSummary prints a run as `policywatch runs` does: every URL
// not archived listed with its outcome and reason.
func printRunSummary(w io.Writer, r *model.CrawlRun) { printRun(w, r, 0, true) }

// printRunSummaryTook prints a run at the end of a crawl, took its
// duration (0: unknown): the URLs that failed, were withdrawn or refused
// listed, the pages dropped counted by reason (`policywatch runs` lists
// them), so a cron mail stays readable.
func printRunSummaryTook(w io.Writer, r *model.CrawlRun, took time.Duration) {
	printRun(w, r, took, false)
}

// printRun prints a run's counts (the outcomes of --json, /runs and the
// API), then its URLs by outcome, then the failures by reason.
func printRun(w io.Writer, r *model.CrawlRun, took time.Duration, everyDropped bool) {
	// The outcomes add up to the URLs; the HTTP responses are another
	// measure (feeds, sitemaps and retries are responses without an
	// outcome of their own), so they come after, named as what they are.
	fmt.Fprintf(w, "crawl run %d: %d URLs: stored %d, updated %d, unchanged %d, dropped %d, skipped %d, refused by robots.txt %d, withdrawn %d, failed %d; %s",
		r.ID, r.URLs(), r.Stored, r.Updated, r.Unchanged, r.Dropped, r.Skipped, r.Refused, r.Withdrawn, r.Failed, responsesNote(r.Fetched))
	if took > 0 {
		fmt.Fprintf(w, " in %s", took.Round(time.Second))
	}
	fmt.Fprintln(w)
	for _, o := range []struct {
		outcome model.Outcome
		verb    string
	}{
		{model.OutcomeFailed, "failed"},
		{model.OutcomeWithdrawn, "withdrawn"},
		{model.OutcomeRefused, "refused by robots.txt"},
		{model.OutcomeDropped, "dropped"},
	} {
		if o.outcome == model.OutcomeDropped && !everyDropped {
			break
		}
		for _, e := range r.Logged(o.outcome) {
			fmt.Fprintf(w, "  %s %s: %s\n", o.verb, e.URL, e.Reason)
		}
	}
	if !everyDropped {
		printByReason(w, "dropped", r.Logged(model.OutcomeDropped), "(policywatch runs lists them)")
	}
	printByReason(w, "failures by reason", r.Logged(model.OutcomeFailed), "")
}

// responsesNote says what a run's fetched count counts, as /runs does.
func responsesNote(fetched int) string {
	return fmt.Sprintf("%d HTTP responses (feeds, sitemaps and retries included)", fetched)
}

// printByReason prints one line counting the URLs by reason class, most
// frequent first, when there is more than one reason or a note to add.
func printByReason(w io.Writer, label string, urls []model.URLOutcome, note string) {
	byReason := map[string]int{}
	for _, e := range urls {
		byReason[reasonClass(e.Reason)]++
	}
	if len(byReason) == 0 || (len(byReason) == 1 && note == "") {
		return
	}
	reasons := make([]string, 0, len(byReason))
	for k := range byReason {
		reasons = append(reasons, k)
	}
	sort.Slice(reasons, func(i, j int) bool {
		if byReason[reasons[i]] != byReason[reasons[j]] {
			return byReason[reasons[i]] > byReason[reasons[j]]
		}
		return reasons[i] < reasons[j]
	})
	fmt.Fprintf(w, "  %s:", label)
	for _, k := range reasons {
		fmt.Fprintf(w, " %s %d;", k, byReason[k])
	}
	if note != "" {
		fmt.Fprint(w, " "+note)
	}
	fmt.Fprintln(w)
}

// reasonClass groups reasons: "HTTP 503 (3 attempts)" → "HTTP 503",
// "duplicate of document 12" → "duplicate".
func reasonClass(reason string) string {
	if i := strings.IndexAny(reason, "(:"); i > 0 {
		reason = reason[:i]
	}
	if strings.HasPrefix(reason, "duplicate of ") {
		reason = "duplicate"
	}
	return strings.TrimSpace(reason)
}

// printRunJSON prints the run as model.RunReport, the shape `runs --json`
// and /api/runs share.
func printRunJSON(w io.Writer, r *model.CrawlRun) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r.Report())
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

// report is the crawler's Progress callback (called from its workers).
func (p *progressReporter) report(pr crawler.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.last = pr
	p.perSource[pr.Source]++
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
	line := fmt.Sprintf("fetched %d  queued %d  %.1f/s  stored %d  failed %d", l.Fetched, l.Queued, p.rate(), l.Stored+l.Updated, l.Failed)
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
		"stored", l.Stored, "updated", l.Updated, "unchanged", l.Unchanged, "dropped", l.Dropped, "skipped", l.Skipped,
		"refused", l.Refused, "withdrawn", l.Withdrawn, "failed", l.Failed, "per_source", p.sources(10))
}
