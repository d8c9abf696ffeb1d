package topic

import (
	"errors"
	"io/fs"
	"strings"
	"testing"

	"policywatch/topics"
)

const valid = `topic:
  name: Test topic
  query: '"hong kong" OR 香港'
crawler:
  user_agent: "test/1 (+mailto:t@example.org)"
  delay: 100ms
  max_body: 2MB
sources:
  - name: state
    kind: feed
    doc_kind: official
    url: https://example.org/feed.xml
  - name: outlet
    kind: seed
    doc_kind: news
    url: https://news.example.org/
    include: ['^https://news\.example\.org/world/']
    depth: 2
`

func TestParseValid(t *testing.T) {
	tp, err := Parse([]byte(valid), "t.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if tp.Crawler.MaxBody != 2<<20 || tp.Crawler.Delay.Milliseconds() != 100 || tp.Crawler.Parallelism != 2 {
		t.Errorf("crawler settings = %+v", tp.Crawler)
	}
	if len(tp.Sources) != 2 || tp.Sources[1].Depth != 2 || tp.Sources[0].Schedule != "@hourly" || tp.Sources[1].Schedule != "@daily" {
		t.Errorf("sources = %+v", tp.Sources)
	}
	if tp.Taxonomy != "builtin:hk-nsl" {
		t.Errorf("default taxonomy = %q", tp.Taxonomy)
	}
	if tp.Database != "" {
		t.Errorf("database = %q, want none (the data directory's SQLite file)", tp.Database)
	}
	for _, db := range []string{"postgres://pw@db.example:5432/archive?sslmode=verify-full", "archive/pw.db"} {
		tp, err := Parse([]byte(valid+"database: "+db+"\n"), "t.yaml")
		if err != nil || tp.Database != db {
			t.Errorf("database: %s gives %q, %v", db, tp.Database, err)
		}
	}
}

func TestShippedTopicIsValid(t *testing.T) {
	data, err := fs.ReadFile(topics.FS, topics.Default)
	if err != nil {
		t.Fatal(err)
	}
	tp, err := Parse(data, topics.Default)
	if err != nil {
		t.Fatalf("shipped topic config does not validate: %v", err)
	}
	if len(tp.Sources) < 12 {
		t.Errorf("shipped topic lists %d sources, want the topic's official and news sources", len(tp.Sources))
	}
}

func TestParseErrorsNameFileLineAndField(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(string) string
		line    int
		field   string
		message string
	}{
		{"unknown source kind", func(s string) string { return strings.Replace(s, "kind: feed", "kind: fed", 1) },
			10, "sources[0].kind", `unknown kind "fed"`},
		{"bad doc kind", func(s string) string { return strings.Replace(s, "doc_kind: news", "doc_kind: blog", 1) },
			15, "sources[1].doc_kind", `unknown doc_kind "blog"`},
		{"not a URL", func(s string) string { return strings.Replace(s, "https://example.org/feed.xml", "example.org", 1) },
			12, "sources[0].url", "not an http(s) URL"},
		{"bad pattern", func(s string) string { return strings.Replace(s, `world/']`, `world/(']`, 1) },
			17, "sources[1].include[0]", "invalid pattern"},
		{"missing user agent", func(s string) string {
			return strings.Replace(s, `  user_agent: "test/1 (+mailto:t@example.org)"`+"\n", "", 1)
		},
			4, "crawler.user_agent", "is required"},
		{"negative cap", func(s string) string {
			return strings.Replace(s, "max_body: 2MB", "max_body: 2MB\n  max_per_host: -1", 1)
		},
			8, "crawler.max_per_host", "negative"},
		{"bad retry wait", func(s string) string {
			return strings.Replace(s, "max_body: 2MB", "max_body: 2MB\n  retry_max_wait: forever", 1)
		},
			8, "crawler.retry_max_wait", "invalid duration"},
		{"bad delay", func(s string) string { return strings.Replace(s, "delay: 100ms", "delay: soon", 1) },
			6, "crawler.delay", "invalid duration"},
		{"misspelt field", func(s string) string { return strings.Replace(s, "depth: 2", "dept: 2", 1) },
			18, "sources[1].dept", "unknown field (did you mean depth?)"},
		{"broken YAML", func(s string) string { return strings.Replace(s, "  - name: outlet", "  - name: [outlet", 1) },
			0, "", ""},
		{"bad relevance query", func(s string) string { return strings.Replace(s, `'"hong kong" OR 香港'`, `'("hong kong"'`, 1) },
			3, "topic.query", "invalid query"},
		{"duplicate source", func(s string) string { return strings.Replace(s, "name: outlet", "name: state", 1) },
			13, "sources[1].name", "duplicate source name"},
		{"unknown database", func(s string) string { return s + "database: mysql://db.example/pw\n" },
			19, "database", "mysql:// is not a database policywatch can use"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.edit(valid)), "topics/mine.yaml")
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error = %v, want *topic.Error", err)
			}
			if e.File != "topics/mine.yaml" {
				t.Errorf("file = %q", e.File)
			}
			if tt.line != 0 && e.Line != tt.line {
				t.Errorf("line = %d, want %d (%v)", e.Line, tt.line, err)
			}
			if tt.line == 0 && e.Line == 0 {
				t.Errorf("no line in %v", err)
			}
			if e.Field != tt.field {
				t.Errorf("field = %q, want %q", e.Field, tt.field)
			}
			if !strings.Contains(e.Error(), tt.message) {
				t.Errorf("message %q does not say %q", e.Error(), tt.message)
			}
		})
	}
}

// TestParseListsEveryError: one run of a broken config names every
// mistake, each with its line and field, in file order, and never Go's
// type names.
func TestParseListsEveryError(t *testing.T) {
	cfg := `topic:
  name: Test topic
  query: hong
crawler:
  user_agent: "test/1"
  dealy: 2s
  parallelism: two
sources:
  - name: state
    kind: fed
    doc_kind: offical
    url: https://example.org/feed.xml
    schedual: "@weekly"
  - name: outlet
    kind: seed
    doc_kind: news
    url: news.example.org
    include: '^https://'
    schedule: "0 0 30 2 *"
`
	_, err := Parse([]byte(cfg), "mine.yaml")
	var errs Errors
	if !errors.As(err, &errs) {
		t.Fatalf("error = %v, want topic.Errors", err)
	}
	want := []string{
		"mine.yaml:6: crawler.dealy: unknown field (did you mean delay?)",
		`mine.yaml:7: crawler.parallelism: want a whole number, got "two"`,
		`mine.yaml:10: sources[0].kind: unknown kind "fed" (did you mean feed? want feed, sitemap, seed, federalregister, gdelt, wayback or govuk)`,
		`mine.yaml:11: sources[0].doc_kind: unknown doc_kind "offical" (did you mean official? want official or news)`,
		"mine.yaml:13: sources[0].schedual: unknown field (did you mean schedule?)",
		`mine.yaml:17: sources[1].url: "news.example.org" is not an http(s) URL`,
		`mine.yaml:18: sources[1].include: want a list, got "^https://"`,
		`mine.yaml:19: sources[1].schedule: schedule "0 0 30 2 *" never comes due`,
	}
	got := strings.Split(err.Error(), "\n")
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors:\n%s\nwant:\n%s", err, strings.Join(want, "\n"))
	}
	if strings.Contains(err.Error(), "struct") || strings.Contains(err.Error(), "unmarshal") {
		t.Errorf("errors speak of Go types:\n%s", err)
	}
}

func TestParseUnknownKeyWithoutNearOneListsTheValidKeys(t *testing.T) {
	_, err := Parse([]byte(strings.Replace(valid, "  delay: 100ms", "  speed: fast", 1)), "t.yaml")
	want := "t.yaml:6: crawler.speed: unknown field (valid here: user_agent, delay, parallelism, timeout, max_body, max_pages, max_per_host, max_attempts, retry_max_wait)"
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %s", err, want)
	}
}

// TestScheduleForms: every form the documentation lists is accepted.
func TestScheduleForms(t *testing.T) {
	if !strings.Contains(ScheduleForms, "CRON_TZ=") {
		t.Error("ScheduleForms does not say how to give a time zone")
	}
	for _, spec := range ScheduleExamples {
		cfg := strings.Replace(valid, "    url: https://example.org/feed.xml", "    url: https://example.org/feed.xml\n    schedule: \""+spec+"\"", 1)
		tp, err := Parse([]byte(cfg), "t.yaml")
		if err != nil {
			t.Errorf("schedule %q: %v", spec, err)
			continue
		}
		if tp.Sources[0].Schedule != spec {
			t.Errorf("schedule %q read as %q", spec, tp.Sources[0].Schedule)
		}
		if word := strings.Fields(spec)[0]; strings.HasPrefix(word, "@") && !strings.Contains(ScheduleForms, word) {
			t.Errorf("ScheduleForms does not list %s", word)
		}
	}
}
