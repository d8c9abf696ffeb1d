// Package topic reads a topic config: what the topic is, how politely to
// crawl, and which sources to crawl. Errors name the file, the line and the
// field, because a config is edited by hand and a vague error wastes a
// scheduled run.
package topic

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
	"gopkg.in/yaml.v3"

	"policywatch/model"
	"policywatch/query"
)

// Topic is a parsed topic config.
type Topic struct {
	File     string // where it was read from, for messages
	Name     string
	Query    string     // relevance query in the search syntax
	Relevant query.Node // parsed Query
	Taxonomy string     // "builtin:NAME" or a path relative to the config file
	Crawler  Crawler
	Sources  []model.Source
	// Database is where the archive lives when no --db is given: a
	// PostgreSQL URL (postgres://…) shared by workers and servers, or an
	// SQLite file (relative to the config file). Empty: the data
	// directory's own SQLite file.
	Database string
}

// Crawler holds crawl settings shared by every source.
type Crawler struct {
	UserAgent   string
	Delay       time.Duration
	Parallelism int
	Timeout     time.Duration
	MaxBody     int64
	MaxPages    int
	MaxPerHost  int
	// Retries of timeouts, connection errors, 429 and 5xx.
	MaxAttempts  int
	RetryMaxWait time.Duration
}

// Error is a config error at a place in a file.
type Error struct {
	File  string
	Line  int
	Field string
	Msg   string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Field != "" {
		fmt.Fprintf(&b, ": %s", e.Field)
	}
	fmt.Fprintf(&b, ": %s", e.Msg)
	return b.String()
}

// Load reads and validates the topic config at path.
func Load(path string) (*Topic, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read topic config: %w", err)
	}
	return Parse(data, path)
}

type rawTopic struct {
	Topic struct {
		Name     string `yaml:"name"`
		Query    string `yaml:"query"`
		Taxonomy string `yaml:"taxonomy"`
	} `yaml:"topic"`
	Crawler struct {
		UserAgent   string `yaml:"user_agent"`
		Delay       string `yaml:"delay"`
		Parallelism int    `yaml:"parallelism"`
		Timeout     string `yaml:"timeout"`
		MaxBody     string `yaml:"max_body"`
		MaxPages    int    `yaml:"max_pages"`
		MaxPerHost  int    `yaml:"max_per_host"`
		MaxAttempts int    `yaml:"max_attempts"`
		RetryMax    string `yaml:"retry_max_wait"`
	} `yaml:"crawler"`
	Sources  []rawSource `yaml:"sources"`
	Database string      `yaml:"database"`
}

type rawSource struct {
	Name     string   `yaml:"name"`
	Kind     string   `yaml:"kind"`
	DocKind  string   `yaml:"doc_kind"`
	URL      string   `yaml:"url"`
	Include  []string `yaml:"include"`
	Exclude  []string `yaml:"exclude"`
	Depth    *int     `yaml:"depth"`
	Schedule string   `yaml:"schedule"`
	Lang     string   `yaml:"lang"`
	Charset  string   `yaml:"charset"`
	Query    string   `yaml:"query"`   // gdelt
	From     string   `yaml:"from"`    // gdelt, wayback, govuk: YYYY-MM-DD
	To       string   `yaml:"to"`      // gdelt, wayback, govuk: YYYY-MM-DD, inclusive
	Archive  string   `yaml:"archive"` // wayback: the archive's address
}

var sourceName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// Parse validates a topic config read from file (used in messages only).
func Parse(data []byte, file string) (*Topic, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlError(file, err)
	}
	var raw rawTopic
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&raw); err != nil {
		return nil, yamlError(file, err)
	}
	at := func(msg string, path ...any) *Error {
		return &Error{File: file, Line: lineOf(&root, path...), Field: fieldName(path), Msg: msg}
	}

	t := &Topic{File: file, Name: strings.TrimSpace(raw.Topic.Name), Query: raw.Topic.Query,
		Taxonomy: raw.Topic.Taxonomy}
	if t.Name == "" {
		return nil, at("is required", "topic", "name")
	}
	if t.Taxonomy == "" {
		t.Taxonomy = "builtin:hk-nsl"
	}
	rel, err := query.Parse(t.Query)
	if err != nil {
		return nil, at(fmt.Sprintf("invalid query: %v", err), "topic", "query")
	}
	t.Relevant = rel

	c := raw.Crawler
	t.Crawler = Crawler{UserAgent: c.UserAgent, Parallelism: c.Parallelism, MaxPages: c.MaxPages,
		MaxPerHost: c.MaxPerHost, MaxAttempts: c.MaxAttempts,
		Delay: time.Second, Timeout: 30 * time.Second, MaxBody: 10 << 20}
	for _, n := range []struct {
		field string
		v     int
	}{{"max_pages", c.MaxPages}, {"max_per_host", c.MaxPerHost}, {"max_attempts", c.MaxAttempts}} {
		if n.v < 0 {
			return nil, at(fmt.Sprintf("%d is negative", n.v), "crawler", n.field)
		}
	}
	if c.RetryMax != "" {
		if t.Crawler.RetryMaxWait, err = time.ParseDuration(c.RetryMax); err != nil || t.Crawler.RetryMaxWait <= 0 {
			return nil, at(fmt.Sprintf("invalid duration %q (e.g. 60s)", c.RetryMax), "crawler", "retry_max_wait")
		}
	}
	if t.Crawler.UserAgent == "" {
		return nil, at("is required: name the crawler and give a contact address, e.g. \"policywatch/0.1 (+mailto:you@example.org)\"", "crawler", "user_agent")
	}
	if t.Crawler.Parallelism <= 0 {
		t.Crawler.Parallelism = 2
	}
	if c.Delay != "" {
		if t.Crawler.Delay, err = time.ParseDuration(c.Delay); err != nil || t.Crawler.Delay < 0 {
			return nil, at(fmt.Sprintf("invalid duration %q (e.g. 500ms, 2s)", c.Delay), "crawler", "delay")
		}
	}
	if c.Timeout != "" {
		if t.Crawler.Timeout, err = time.ParseDuration(c.Timeout); err != nil || t.Crawler.Timeout <= 0 {
			return nil, at(fmt.Sprintf("invalid duration %q (e.g. 30s)", c.Timeout), "crawler", "timeout")
		}
	}
	if c.MaxBody != "" {
		if t.Crawler.MaxBody, err = parseSize(c.MaxBody); err != nil {
			return nil, at(err.Error(), "crawler", "max_body")
		}
	}

	if t.Database, err = checkDatabase(strings.TrimSpace(raw.Database)); err != nil {
		return nil, at(err.Error(), "database")
	}

	if len(raw.Sources) == 0 {
		return nil, at("at least one source is required", "sources")
	}
	seen := map[string]bool{}
	for i, rs := range raw.Sources {
		s := model.Source{Name: rs.Name, Kind: rs.Kind, URL: rs.URL, DocKind: model.DocKind(rs.DocKind),
			Include: rs.Include, Exclude: rs.Exclude, Schedule: rs.Schedule, Lang: rs.Lang, Charset: rs.Charset}
		if !sourceName.MatchString(s.Name) {
			return nil, at(fmt.Sprintf("invalid name %q: use lower-case letters, digits and dashes", s.Name), "sources", i, "name")
		}
		if seen[s.Name] {
			return nil, at(fmt.Sprintf("duplicate source name %q", s.Name), "sources", i, "name")
		}
		seen[s.Name] = true
		switch s.Kind {
		case model.SourceFeed, model.SourceSitemap, model.SourceSeed, model.SourceFederalRegister,
			model.SourceGDELT, model.SourceWayback, model.SourceGovUK:
		default:
			return nil, at(fmt.Sprintf("unknown kind %q (want feed, sitemap, seed, federalregister, gdelt, wayback or govuk)", s.Kind), "sources", i, "kind")
		}
		if err := apiFields(&s, rs, func(msg, field string) *Error { return at(msg, "sources", i, field) }); err != nil {
			return nil, err
		}
		if !s.DocKind.Valid() {
			return nil, at(fmt.Sprintf("unknown doc_kind %q (want official or news)", rs.DocKind), "sources", i, "doc_kind")
		}
		if err := checkURL(s.URL); err != nil {
			return nil, at(err.Error(), "sources", i, "url")
		}
		for j, p := range append(append([]string{}, s.Include...), s.Exclude...) {
			if _, err := regexp.Compile(p); err != nil {
				field, k := "include", j
				if j >= len(s.Include) {
					field, k = "exclude", j-len(s.Include)
				}
				return nil, at(fmt.Sprintf("invalid pattern %q: %v", p, err), "sources", i, field, k)
			}
		}
		s.Depth = 1
		if rs.Depth != nil {
			if *rs.Depth < 0 || *rs.Depth > 10 {
				return nil, at(fmt.Sprintf("depth %d out of range 0..10", *rs.Depth), "sources", i, "depth")
			}
			s.Depth = *rs.Depth
		}
		if s.Schedule == "" {
			s.Schedule = defaultSchedule(s.Kind)
		} else if _, err := cron.ParseStandard(s.Schedule); err != nil {
			return nil, at(fmt.Sprintf("invalid schedule %q (want @hourly, @daily or a 5-field cron expression such as \"30 6 * * *\"): %v", s.Schedule, err), "sources", i, "schedule")
		}
		t.Sources = append(t.Sources, s)
	}
	return t, nil
}

// defaultSchedule: feeds change by the hour, sitemaps and APIs by the day.
func defaultSchedule(kind string) string {
	if kind == model.SourceFeed {
		return "@hourly"
	}
	return "@daily"
}

// checkDatabase accepts a PostgreSQL URL or an SQLite file path.
func checkDatabase(s string) (string, error) {
	scheme, _, isURL := strings.Cut(s, "://")
	switch {
	case !isURL:
		return s, nil
	case scheme == "postgres" || scheme == "postgresql":
		if _, err := url.Parse(s); err != nil {
			return "", fmt.Errorf("invalid PostgreSQL URL: %v", err)
		}
		return s, nil
	}
	return "", fmt.Errorf("%s:// is not a database policywatch can use (want postgres://user@host:5432/dbname or an SQLite file path)", scheme)
}

func checkURL(raw string) error {
	if raw == "" {
		return errors.New("is required")
	}
	if !strings.HasPrefix(raw, "http://") && !strings.HasPrefix(raw, "https://") {
		return fmt.Errorf("%q is not an http(s) URL", raw)
	}
	return nil
}

func parseSize(s string) (int64, error) {
	s = strings.TrimSpace(strings.ToUpper(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		n      int64
	}{{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.n
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("invalid size %q (e.g. 10MB)", s)
	}
	return n * mult, nil
}

// yamlError turns a yaml.v3 error ("yaml: line 4: ...") into an Error with
// the file name in front.
func yamlError(file string, err error) error {
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg := te.Errors[0]
		line := 0
		if n, _ := fmt.Sscanf(msg, "line %d:", &line); n == 1 {
			msg = strings.TrimSpace(msg[strings.Index(msg, ":")+1:])
		}
		return &Error{File: file, Line: line, Msg: msg}
	}
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if n, _ := fmt.Sscanf(msg, "line %d:", &line); n == 1 {
		msg = strings.TrimSpace(msg[strings.Index(msg, ":")+1:])
	}
	return &Error{File: file, Line: line, Msg: msg}
}

// lineOf finds the line of the node at path (map keys and sequence
// indexes); it falls back to the deepest node found.
func lineOf(root *yaml.Node, path ...any) int {
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := n.Line
	for _, p := range path {
		switch key := p.(type) {
		case string:
			if n.Kind != yaml.MappingNode {
				return line
			}
			found := false
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == key {
					line = n.Content[i].Line
					n = n.Content[i+1]
					found = true
					break
				}
			}
			if !found {
				return line
			}
		case int:
			if n.Kind != yaml.SequenceNode || key >= len(n.Content) {
				return line
			}
			n = n.Content[key]
			line = n.Line
		}
	}
	return line
}

func fieldName(path []any) string {
	var b strings.Builder
	for _, p := range path {
		switch v := p.(type) {
		case string:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(v)
		case int:
			fmt.Fprintf(&b, "[%d]", v)
		}
	}
	return b.String()
}
