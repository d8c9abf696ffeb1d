package web

import (
	"context"
	"net/http"
	"time"

	"policywatch/store"
)

// CoverageStore reads what the archive holds of each source.
type CoverageStore interface {
	SourceCoverages(ctx context.Context) ([]store.Coverage, error)
	SourceCoverage(ctx context.Context, name string) (*store.Coverage, error)
}

// sourceRow is one source in the /sources table.
type sourceRow struct {
	store.Coverage
	Span        string // "Jun 2020 – Dec 2021", "" without dated documents
	MonthsTotal int    // months in the span
	Gaps        int    // months in the span without a document
	FailedURLs  int
}

func (s *Server) sourcesPage(w http.ResponseWriter, r *http.Request) {
	cs := s.store
	all, err := cs.SourceCoverages(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rows := make([]sourceRow, 0, len(all))
	for _, c := range all {
		row := sourceRow{Coverage: c, Span: span(c)}
		for _, m := range inSpan(c) {
			row.MonthsTotal++
			if m.Count == 0 {
				row.Gaps++
			}
		}
		for _, f := range c.Failures {
			row.FailedURLs += f.Count
		}
		rows = append(rows, row)
	}
	s.render(w, r, http.StatusOK, "coverage", page{Title: "Sources and their coverage", Nav: "sources", Data: rows})
}

// calendarYear is one row of a source's coverage calendar.
type calendarYear struct {
	Year   int
	Months []calendarMonth
}

type calendarMonth struct {
	Label   string // "Jun 2020"
	Count   int
	Level   int  // 0 (none) .. 4 (the busiest months), for shading
	Outside bool // before the first or after the last month with documents
}

type sourceView struct {
	store.Coverage
	Span     string
	Calendar []calendarYear
	Gaps     []string // months in the span without documents, "Feb 2021"
}

func (s *Server) sourcePage(w http.ResponseWriter, r *http.Request) {
	cs := s.store
	c, err := cs.SourceCoverage(r.Context(), r.PathValue("name"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := sourceView{Coverage: *c, Span: span(*c), Calendar: calendar(*c)}
	for _, m := range inSpan(*c) {
		if m.Count == 0 {
			v.Gaps = append(v.Gaps, m.Month.Format("Jan 2006"))
		}
	}
	s.render(w, r, http.StatusOK, "coverage_source", page{Title: "Coverage of " + c.Source.Name, Nav: "sources", Data: v})
}

// coverageJSON is the documented shape of /api/sources/{name}/coverage.
type coverageJSON struct {
	Name        string              `json:"name"`
	Configured  bool                `json:"configured"`
	Kind        string              `json:"kind,omitempty"`
	DocKind     string              `json:"doc_kind,omitempty"`
	URL         string              `json:"url,omitempty"`
	Schedule    string              `json:"schedule,omitempty"`
	Documents   int                 `json:"documents"`
	Undated     int                 `json:"undated"`
	FirstMonth  string              `json:"first_month,omitempty"` // "2020-06"
	LastMonth   string              `json:"last_month,omitempty"`
	Months      []monthJSON         `json:"months"` // every month from first to last, zeros included
	Gaps        []string            `json:"gaps"`   // months from first to last without documents
	LastRun     *store.RunRef       `json:"last_run"`
	LastSuccess *store.RunRef       `json:"last_successful_run"`
	LastCapture *time.Time          `json:"last_capture"`
	Failures    []store.ReasonCount `json:"failures"`
	FailureRuns int                 `json:"failures_over_runs"`
	Robots      store.RobotsStatus  `json:"robots"`
}

type monthJSON struct {
	Month string `json:"month"`
	Count int    `json:"count"`
}

func (s *Server) apiSourceCoverage(w http.ResponseWriter, r *http.Request) {
	cs := s.store
	c, err := cs.SourceCoverage(r.Context(), r.PathValue("name"))
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toCoverageJSON(c))
}

// toCoverageJSON is a source's coverage as the API shows it.
func toCoverageJSON(c *store.Coverage) coverageJSON {
	out := coverageJSON{Name: c.Source.Name, Configured: c.Configured, Kind: c.Source.Kind, DocKind: string(c.Source.DocKind),
		URL: c.Source.URL, Schedule: c.Source.Schedule, Documents: c.Documents, Undated: c.Undated,
		Months: []monthJSON{}, Gaps: []string{}, LastRun: c.LastRun, LastSuccess: c.LastSuccess,
		Failures: c.Failures, FailureRuns: c.FailureRuns, Robots: c.Robots}
	if out.Failures == nil {
		out.Failures = []store.ReasonCount{}
	}
	if !c.First.IsZero() {
		out.FirstMonth, out.LastMonth = c.First.Format("2006-01"), c.Last.Format("2006-01")
	}
	for _, m := range inSpan(*c) {
		out.Months = append(out.Months, monthJSON{Month: m.Month.Format("2006-01"), Count: m.Count})
		if m.Count == 0 {
			out.Gaps = append(out.Gaps, m.Month.Format("2006-01"))
		}
	}
	if !c.LastCapture.IsZero() {
		t := c.LastCapture
		out.LastCapture = &t
	}
	return out
}

// inSpan is the months from the first to the last month with documents.
func inSpan(c store.Coverage) []store.MonthCount {
	var out []store.MonthCount
	for _, m := range c.Months {
		if !m.Month.Before(c.First) && !m.Month.After(c.Last) {
			out = append(out, m)
		}
	}
	return out
}

func span(c store.Coverage) string {
	if c.First.IsZero() {
		return ""
	}
	if c.First.Equal(c.Last) {
		return c.First.Format("Jan 2006")
	}
	return c.First.Format("Jan 2006") + " – " + c.Last.Format("Jan 2006")
}

// calendar lays the months out a year a row, shading each month by its
// count relative to the busiest month (quartiles of the maximum), so the
// gaps stand out without reading numbers.
func calendar(c store.Coverage) []calendarYear {
	most := 0
	for _, m := range c.Months {
		most = max(most, m.Count)
	}
	var years []calendarYear
	for _, m := range c.Months {
		if len(years) == 0 || years[len(years)-1].Year != m.Month.Year() {
			years = append(years, calendarYear{Year: m.Month.Year()})
		}
		cm := calendarMonth{Label: m.Month.Format("Jan 2006"), Count: m.Count,
			Outside: m.Month.Before(c.First) || m.Month.After(c.Last)}
		if m.Count > 0 && most > 0 {
			cm.Level = 1 + (m.Count*4-1)/most // 1..4
		}
		y := &years[len(years)-1]
		y.Months = append(y.Months, cm)
	}
	return years
}
