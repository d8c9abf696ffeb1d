package web

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"policywatch/model"
	"policywatch/store"
)

// coverageFake is a Store that also keeps coverage, like *store.DB.
type coverageFake struct {
	*fakeStore
	covs []store.Coverage
}

func (f *coverageFake) SourceCoverages(ctx context.Context) ([]store.Coverage, error) {
	return f.covs, nil
}

func (f *coverageFake) SourceCoverage(ctx context.Context, name string) (*store.Coverage, error) {
	for _, c := range f.covs {
		if c.Source.Name == name {
			return &c, nil
		}
	}
	return nil, store.ErrNotFound
}

func month(y int, m time.Month) time.Time { return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC) }

func coverageServer(t *testing.T, st Store) http.Handler {
	t.Helper()
	_, ix := fixtures()
	s, err := New(Config{Store: st, Index: ix, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return s.Handler()
}

func coverageFixture() *coverageFake {
	var months []store.MonthCount
	counts := map[time.Month]int{time.June: 4, time.July: 8, time.September: 1} // August and October are gaps
	for m := time.January; m <= time.December; m++ {
		months = append(months, store.MonthCount{Month: month(2020, m), Count: counts[m]})
	}
	months[10].Count = 2 // November
	run := &store.RunRef{ID: 9, StartedAt: time.Date(2026, 1, 2, 3, 0, 0, 0, time.UTC), FinishedAt: time.Date(2026, 1, 2, 3, 30, 0, 0, time.UTC)}
	st, _ := fixtures()
	return &coverageFake{fakeStore: st, covs: []store.Coverage{
		{Source: model.Source{Name: "us-state", Kind: model.SourceFeed, DocKind: model.KindOfficial, URL: "https://www.state.gov/feed/", Schedule: "@hourly"},
			Configured: true, Documents: 17, Undated: 2, First: month(2020, time.June), Last: month(2020, time.November), Months: months,
			LastRun: run, LastSuccess: run, FailureRuns: 3,
			Failures: []store.ReasonCount{{Reason: "HTTP 404", Count: 3, Example: "https://www.state.gov/gone/"}, {Reason: "timeout after 30s", Count: 1, Example: "https://www.state.gov/slow/"}},
			Robots:   store.RobotsStatus{RunID: 9, Refused: 2}},
		{Source: model.Source{Name: "hk-gov", Kind: model.SourceSeed, DocKind: model.KindOfficial, URL: "https://www.info.gov.hk/"},
			Configured: true, LastRun: run, FailureRuns: 1, Robots: store.RobotsStatus{RunID: 9, Refused: 40, Blocked: "robots.txt answered HTTP 503"}},
	}}
}

func TestSourcesPageListsCoverage(t *testing.T) {
	h := coverageServer(t, coverageFixture())
	res, body := get(t, h, "/sources")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	for _, want := range []string{
		`<a href="/sources/us-state">us-state</a>`,
		"Jun 2020 – Nov 2020",
		"2 of 6",      // August and October are empty among June..November
		"(2 undated)", // undated documents are said, not hidden
		"host refused",
		`aria-current="page">Sources</a>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/sources lacks %q", want)
		}
	}
	// A source that never captured anything says so.
	row := body[strings.Index(body, `/sources/hk-gov`):]
	if i := strings.Index(row, "</tr>"); i < 0 || !strings.Contains(row[:i], "never") {
		t.Errorf("hk-gov row does not say it never succeeded: %s", row)
	}
	if executableScript.MatchString(body) {
		t.Error("the coverage page uses a script")
	}
}

func TestSourcePageShowsCalendarWithGaps(t *testing.T) {
	h := coverageServer(t, coverageFixture())
	res, body := get(t, h, "/sources/us-state")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	cells := regexp.MustCompile(`<td class="(\w+)" title="(\w+ 2020): (\d+) documents?"`).FindAllStringSubmatch(body, -1)
	if len(cells) != 12 {
		t.Fatalf("calendar has %d month cells, want 12", len(cells))
	}
	class := map[string]string{}
	for _, c := range cells {
		class[c[2]] = c[1]
	}
	for m, want := range map[string]string{"Jan 2020": "outside", "Jun 2020": "level2", "Jul 2020": "level4", "Aug 2020": "gap",
		"Sep 2020": "level1", "Oct 2020": "gap", "Nov 2020": "level1", "Dec 2020": "outside"} {
		if class[m] != want {
			t.Errorf("%s is shown as %q, want %q", m, class[m], want)
		}
	}
	for _, want := range []string{
		"2 months without documents between the first and the last: Aug 2020, Oct 2020.",
		"<th scope=\"row\">HTTP 404</th><td>3</td>",
		"https://www.state.gov/gone/",
		"2 URLs refused by robots.txt in run #9",
		"run #9, finished",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/sources/us-state lacks %q", want)
		}
	}
	if res, _ := get(t, h, "/sources/nowhere"); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown source: status %d, want 404", res.StatusCode)
	}
}

func TestCoverageJSON(t *testing.T) {
	h := coverageServer(t, coverageFixture())
	res, body := get(t, h, "/api/sources/us-state/coverage")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("status %d, type %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	var got struct {
		Name   string   `json:"name"`
		Gaps   []string `json:"gaps"`
		Months []struct {
			Month string
			Count int
		} `json:"months"`
		Failures []struct {
			Reason string
			Count  int
		} `json:"failures"`
		Last   *struct{ ID int64 }   `json:"last_successful_run"`
		Robots struct{ Refused int } `json:"robots"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	if got.Name != "us-state" || strings.Join(got.Gaps, ",") != "2020-08,2020-10" || len(got.Months) != 6 ||
		got.Months[0].Month != "2020-06" || got.Months[1].Count != 8 {
		t.Errorf("coverage JSON = %+v", got)
	}
	if len(got.Failures) != 2 || got.Failures[0].Reason != "HTTP 404" || got.Last == nil || got.Last.ID != 9 || got.Robots.Refused != 2 {
		t.Errorf("coverage JSON runs part = %+v", got)
	}
	if res, body := get(t, h, "/api/sources/nowhere/coverage"); res.StatusCode != http.StatusNotFound || !strings.Contains(body, `"error"`) {
		t.Errorf("unknown source: %d %s", res.StatusCode, body)
	}
}
