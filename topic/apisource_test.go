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

// TestConfigBounds: values no crawl can honour safely, and dates before
// an archive begins, are refused with the limit named.
func TestConfigBounds(t *testing.T) {
	crawler := func(extra string) string {
		return "topic:\n  name: T\n  query: hong\ncrawler:\n  user_agent: \"t/1 (+mailto:t@example.org)\"\n" + extra +
			"sources:\n  - name: s\n    kind: feed\n    doc_kind: news\n    url: https://example.org/feed\n"
	}
	src := func(body string) string { return apiHead + "  - name: s\n    doc_kind: news\n" + body }
	for _, tc := range []struct {
		name, yaml, want string
	}{
		{"parallelism", crawler("  parallelism: 100000000\n"), "t.yaml:6: crawler.parallelism: 100000000 is more than 64"},
		{"delay", crawler("  delay: 48h\n"), "crawler.delay: 48h0m0s is longer than 1h0m0s"},
		{"timeout too short", crawler("  timeout: 1ms\n"), "crawler.timeout: 1ms is outside 1s..10m0s"},
		{"max_body too large", crawler("  max_body: 2GB\n"), "crawler.max_body: size 2GB is more than 256MB"},
		{"max_body overflowing", crawler("  max_body: 99999999999999GB\n"), "crawler.max_body: size 99999999999999GB is more than 256MB"},
		{"max_body too small", crawler("  max_body: 10B\n"), "crawler.max_body: 10 bytes is outside 1KB..256MB"},
		{"attempts", crawler("  max_attempts: 1000\n"), "crawler.max_attempts: 1000 is more than 10"},
		{"pages", crawler("  max_pages: 2000000000\n"), "crawler.max_pages: 2000000000 is more than 10000000"},
		{"gdelt from year one", src("    kind: gdelt\n    url: https://api.example/doc\n    query: x\n    from: 0001-01-01\n"),
			"t.yaml:12: sources[0].from: 0001-01-01 is before 2017-01-01, where the gdelt archive begins"},
		{"gdelt from 2010", src("    kind: gdelt\n    url: https://api.example/doc\n    query: x\n    from: 2010-05-01\n"), "sources[0].from: 2010-05-01 is before 2017-01-01"},
		{"wayback from year one", src("    kind: wayback\n    url: https://www.state.gov/\n    from: 0001-01-01\n"), "sources[0].from: 0001-01-01 is before 1996-01-01"},
		{"IPv6 without brackets", src("    kind: feed\n    url: http://::1:8080/feed\n"), `sources[0].url: "http://::1:8080/feed" is not a valid URL`},
		{"no host", src("    kind: feed\n    url: http://:80/feed\n"), `sources[0].url: "http://:80/feed" names no host`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.yaml), "t.yaml")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
	// The largest values still allowed parse.
	if _, err := Parse([]byte(crawler("  parallelism: 64\n  max_body: 256MB\n  timeout: 10m\n  delay: 1h\n")), "t.yaml"); err != nil {
		t.Errorf("limits themselves refused: %v", err)
	}
	if _, err := Parse([]byte(src("    kind: feed\n    url: http://[::1]:8080/feed\n")), "t.yaml"); err != nil {
		t.Errorf("an IPv6 source refused: %v", err)
	}
}
