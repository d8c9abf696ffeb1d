package main

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/go-co-op/gocron/v2"

	"policywatch/cluster"
	"policywatch/model"
	"policywatch/tagging"
	"policywatch/topic"
)

// crawlFunc crawls some of the topic's sources once.
type crawlFunc func(ctx context.Context, sources []model.Source) error

// scheduleGroup is the sources that share one schedule: they are crawled
// together, in one run, when it comes due.
type scheduleGroup struct {
	spec    string
	sources []model.Source
}

// scheduler runs each source's crawl on its cron schedule for `serve`.
// gocron only says when a group is due; one worker (run) crawls the due
// groups one at a time, so two crawls never overlap, and a group that
// comes due again while it waits is crawled once, not piled up.
type scheduler struct {
	cron   gocron.Scheduler
	crawl  crawlFunc
	groups []scheduleGroup
	logger *slog.Logger

	mu   sync.Mutex
	due  map[int]time.Time // group → the minute it came due
	wake chan struct{}
}

// groupBySchedule groups sources by schedule, in the order schedules
// first appear in the config.
func groupBySchedule(sources []model.Source) []scheduleGroup {
	var groups []scheduleGroup
	at := map[string]int{}
	for _, s := range sources {
		spec := strings.TrimSpace(s.Schedule)
		if spec == "" {
			continue
		}
		i, ok := at[spec]
		if !ok {
			i = len(groups)
			at[spec] = i
			groups = append(groups, scheduleGroup{spec: spec})
		}
		groups[i].sources = append(groups[i].sources, s)
	}
	return groups
}

// newScheduler prepares the schedule; opts are gocron's (a fake clock in
// tests). Nothing runs before run is called.
func newScheduler(sources []model.Source, crawl crawlFunc, logger *slog.Logger, opts ...gocron.SchedulerOption) (*scheduler, error) {
	cron, err := gocron.NewScheduler(opts...)
	if err != nil {
		return nil, fmt.Errorf("create scheduler: %w", err)
	}
	s := &scheduler{cron: cron, crawl: crawl, groups: groupBySchedule(sources), logger: logger,
		due: map[int]time.Time{}, wake: make(chan struct{}, 1)}
	for i, g := range s.groups {
		// gocron's cron parser reads @hourly/@daily and 5-field
		// expressions (seconds off), the same syntax topic.Parse checks.
		_, err := cron.NewJob(gocron.CronJob(g.spec, false), gocron.NewTask(s.markDue, i),
			gocron.WithName(g.spec))
		if err != nil {
			cron.Shutdown()
			return nil, fmt.Errorf("schedule %q (%s): %w", g.spec, sourceNames(g.sources), err)
		}
	}
	return s, nil
}

// markDue is gocron's task: it only queues the group for the worker, so
// gocron never waits on a crawl.
func (s *scheduler) markDue(i int) {
	s.mu.Lock()
	// Schedules name whole minutes: the minute is the crawl's due time,
	// the same on every node of a cluster whose clocks roughly agree.
	s.due[i] = time.Now().UTC().Truncate(time.Minute)
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// next takes the due group that comes first in the config, if any, with
// the time it came due.
func (s *scheduler) next() (int, time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]int, 0, len(s.due))
	for i := range s.due {
		ids = append(ids, i)
	}
	if len(ids) == 0 {
		return 0, time.Time{}, false
	}
	sort.Ints(ids)
	due := s.due[ids[0]]
	delete(s.due, ids[0])
	return ids[0], due, true
}

// dueKey carries a scheduled crawl's due time in its context.
type dueKey struct{}

// dueOf is the time the scheduled crawl of ctx came due (zero outside
// the scheduler).
func dueOf(ctx context.Context) time.Time {
	t, _ := ctx.Value(dueKey{}).(time.Time)
	return t
}

// run starts the schedule and crawls due groups one at a time until ctx
// ends (SIGTERM): the crawl in progress is cancelled (it records what it
// did and resumes on its next run), then the schedule is shut down.
func (s *scheduler) run(ctx context.Context) error {
	for _, g := range s.groups {
		s.logger.Info("schedule: crawls planned", "schedule", g.spec, "sources", sourceNames(g.sources))
	}
	s.cron.Start()
	defer func() {
		if err := s.cron.Shutdown(); err != nil {
			s.logger.Warn("schedule: shut down", "err", err)
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-s.wake:
		}
		for {
			i, due, ok := s.next()
			if !ok || ctx.Err() != nil {
				break
			}
			g := s.groups[i]
			s.logger.Info("schedule: crawl starting", "schedule", g.spec, "sources", sourceNames(g.sources))
			if err := s.crawl(context.WithValue(ctx, dueKey{}, due), g.sources); err != nil && ctx.Err() == nil {
				// A failed crawl (a lock held by a manual crawl, a full
				// disk) is logged; the next due time tries again.
				s.logger.Error("schedule: crawl failed", "schedule", g.spec, "err", err)
			}
		}
	}
}

func sourceNames(srcs []model.Source) string {
	names := make([]string, len(srcs))
	for i, s := range srcs {
		names[i] = s.Name
	}
	return strings.Join(names, ",")
}

// startSchedule runs t's sources on their schedules in the background of
// `serve`, each run through (*app).crawl (so the data directory's crawl
// lock keeps it apart from a manual `policywatch crawl`). The returned
// wait blocks until the scheduler has stopped after ctx ended; call it
// before closing the app. opts are gocron's (tests pass a fake clock).
func (a *app) startSchedule(ctx context.Context, t *topic.Topic, tax *tagging.Taxonomy, opts ...gocron.SchedulerOption) (wait func(), err error) {
	node := cluster.DefaultName()
	crawl := func(ctx context.Context, sources []model.Source) error {
		// Every server of a cluster keeps the schedule; the first to
		// claim this due time starts the crawl, the others let it be.
		if due := dueOf(ctx); !due.IsZero() {
			key := sources[0].Schedule + " " + sourceNames(sources)
			first, err := a.db.ClaimScheduled(ctx, key, due, node)
			if err != nil {
				return err
			}
			if !first {
				a.logger.Info("schedule: crawl started by another node", "sources", sourceNames(sources), "due", due)
				return nil
			}
		}
		sub := *t
		sub.Sources = sources
		run, err := a.crawl(ctx, &sub, tax, nil)
		if run != nil {
			a.logger.Info("schedule: crawl finished", "run", run.ID, "sources", sourceNames(sources),
				"fetched", run.Fetched, "stored", run.Stored, "updated", run.Updated, "failed", run.Failed)
		}
		return err
	}
	s, err := newScheduler(t.Sources, crawl, a.logger, opts...)
	if err != nil {
		return nil, err
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.run(ctx)
	}()
	return func() { <-done }, nil
}
