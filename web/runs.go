package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"policywatch/model"
)

const runsShown = 50

type runsView struct {
	Runs []runView
}

type runView struct {
	model.CrawlRun
	Duration      string // "" while running or when the run never finished
	State         string
	FailedSources []string
	Groups        []urlGroup // the logged URLs by outcome, failures first
}

// urlGroup is the URLs of a run with one outcome.
type urlGroup struct {
	Label string // "failed", "refused by robots.txt"...
	URLs  []model.URLOutcome
}

// runGroups are the outcomes the runs page lists URL by URL, in order.
var runGroups = []struct {
	outcome model.Outcome
	label   string
}{
	{model.OutcomeFailed, "failed"},
	{model.OutcomeWithdrawn, "withdrawn"},
	{model.OutcomeRefused, "refused by robots.txt"},
	{model.OutcomeDropped, "dropped"},
}

func (s *Server) runsPage(w http.ResponseWriter, r *http.Request) {
	limit := runsShown
	if raw := r.URL.Query().Get("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > 1000 {
			s.fail(w, r, badParam("limit", "%q is not a number from 1 to 1000", raw))
			return
		}
		limit = n
	}
	runs, err := s.store.Runs(r.Context(), limit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.now()
	var view runsView
	for _, run := range runs {
		rv := runView{CrawlRun: run, State: runState(run, now), FailedSources: run.Report().FailedSources}
		for _, g := range runGroups {
			if l := run.Logged(g.outcome); len(l) > 0 {
				rv.Groups = append(rv.Groups, urlGroup{Label: g.label, URLs: l})
			}
		}
		switch {
		case !run.FinishedAt.IsZero():
			rv.Duration = run.FinishedAt.Sub(run.StartedAt).Round(time.Second).String()
		case rv.State == "running":
			rv.State = "running for " + now.Sub(run.StartedAt).Round(time.Second).String()
		}
		view.Runs = append(view.Runs, rv)
	}
	s.render(w, r, http.StatusOK, "runs", page{Title: "Crawl runs", Nav: "runs", Data: view})
}

// runState is "finished", "running" or "did not finish": a run a day old
// with no finish time crashed or was killed.
func runState(run model.CrawlRun, now time.Time) string {
	switch {
	case !run.FinishedAt.IsZero():
		return "finished"
	case now.Sub(run.StartedAt) < 24*time.Hour:
		return "running"
	}
	return "did not finish"
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok"))
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		s.failJSON(w, r, errNotFound)
		return
	}
	s.fail(w, r, errNotFound)
}
