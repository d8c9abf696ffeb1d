package topic

import (
	"strings"
	"testing"
	"time"

	"policywatch/model"
)

const apiHead = `topic:
  name: T
  query: hong
crawler:
  user_agent: "t/1 (+mailto:t@example.org)"
sources:
`

func TestAPISourceSettings(t *testing.T) {
	tp, err := Parse([]byte(apiHead+`  - name: gdelt
    kind: gdelt
    doc_kind: news
    url: https://api.gdeltproject.org/api/v2/doc/doc
    query: '"hong kong" "national security law"'
    from: 2020-05-01
    to: 2021-12-31
  - name: backfill
    kind: wayback
    doc_kind: official
    url: https://www.state.gov/
    query: hong-kong
    from: 2020-05-01
  - name: uk
    kind: govuk
    doc_kind: official
    url: https://www.gov.uk/api/search.json?filter_world_locations=hong-kong&order=-public_timestamp&count=50
    schedule: "30 6 * * 1-5"
`), "t.yaml")
	if err != nil {
		t.Fatal(err)
	}
	g, w, u := tp.Sources[0], tp.Sources[1], tp.Sources[2]
	if g.Kind != model.SourceGDELT || g.Query != `"hong kong" "national security law"` ||
		!g.From.Equal(time.Date(2020, 5, 1, 0, 0, 0, 0, time.UTC)) || !g.To.Equal(time.Date(2021, 12, 31, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("gdelt source = %+v", g)
	}
	if w.Kind != model.SourceWayback || w.Query != "hong-kong" || !w.To.IsZero() || w.Schedule != "@daily" {
		t.Errorf("wayback source = %+v", w)
	}
	if u.Kind != model.SourceGovUK || u.Schedule != "30 6 * * 1-5" {
		t.Errorf("govuk source = %+v", u)
	}
}

func TestAPISourceErrors(t *testing.T) {
	src := func(body string) string { return apiHead + "  - name: s\n    doc_kind: news\n" + body }
	for _, tc := range []struct {
		name, yaml, want string
	}{
		{"gdelt needs a query", src("    kind: gdelt\n    url: https://api.example/doc\n    from: 2020-01-01\n"), "t.yaml:7: sources[0].query: is required"},
		{"gdelt needs a start", src("    kind: gdelt\n    url: https://api.example/doc\n    query: x\n"), "sources[0].from: is required"},
		{"bad date", src("    kind: wayback\n    url: https://www.state.gov/\n    from: 2020-13-01\n"), `t.yaml:11: sources[0].from: invalid date "2020-13-01"`},
		{"window backwards", src("    kind: govuk\n    url: https://www.gov.uk/api/search.json\n    from: 2021-01-01\n    to: 2020-01-01\n"), "sources[0].to: 2020-01-01 is before from 2021-01-01"},
		{"setting of another kind", src("    kind: feed\n    url: https://example.org/feed\n    from: 2020-01-01\n"), "sources[0].from: is not a setting of feed sources"},
		{"bad archive", src("    kind: wayback\n    url: https://www.state.gov/\n    archive: web.archive.org\n"), "sources[0].archive:"},
		{"bad wayback pattern", src("    kind: wayback\n    url: https://www.state.gov/\n    query: 'hong-(kong'\n"), "sources[0].query: invalid pattern"},
		{"bad schedule", src("    kind: feed\n    url: https://example.org/feed\n    schedule: every hour\n"), `t.yaml:11: sources[0].schedule: invalid schedule "every hour"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.yaml), "t.yaml")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}
