// Package topic reads a topic config: what the topic is, how politely to
// crawl, and which sources to crawl. Errors name the file, the line and the
// field, because a config is edited by hand and a vague error wastes a
// scheduled run.
package topic

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
	"gopkg.in/yaml.v3"

	"policywatch/internal/suggest"
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
// A config with mistakes returns Errors: every one found, in file order.
func Parse(data []byte, file string) (*Topic, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlError(file, err) // not YAML: nothing further can be read
	}
	c := newChecker(file, &root)
	c.checkShape(&root, reflect.TypeOf(rawTopic{}), nil)
	var raw rawTopic
	if len(root.Content) > 0 {
		// Wrong shapes were reported above; what decodes is still checked.
		if err := root.Decode(&raw); err != nil && len(c.errs) == 0 {
			return nil, yamlError(file, err)
		}
	}
	at := c.at

	t := &Topic{File: file, Name: strings.TrimSpace(raw.Topic.Name), Query: raw.Topic.Query,
		Taxonomy: raw.Topic.Taxonomy}
	if t.Name == "" {
		at("is required", "topic", "name")
	}
	if t.Taxonomy == "" {
		t.Taxonomy = "builtin:hk-nsl"
	}
	rel, err := query.Parse(t.Query)
	if err != nil {
		at(fmt.Sprintf("invalid query: %v", err), "topic", "query")
	}
	t.Relevant = rel

	cr := raw.Crawler
	t.Crawler = Crawler{UserAgent: cr.UserAgent, Parallelism: cr.Parallelism, MaxPages: cr.MaxPages,
		MaxPerHost: cr.MaxPerHost, MaxAttempts: cr.MaxAttempts,
		Delay: time.Second, Timeout: 30 * time.Second, MaxBody: 10 << 20}
	for _, n := range []struct {
		field string
		v     int
	}{{"max_pages", cr.MaxPages}, {"max_per_host", cr.MaxPerHost}, {"max_attempts", cr.MaxAttempts}} {
		if n.v < 0 {
			at(fmt.Sprintf("%d is negative", n.v), "crawler", n.field)
		}
	}
	if cr.RetryMax != "" {
		if t.Crawler.RetryMaxWait, err = time.ParseDuration(cr.RetryMax); err != nil || t.Crawler.RetryMaxWait <= 0 {
			at(fmt.Sprintf("invalid duration %q (e.g. 60s)", cr.RetryMax), "crawler", "retry_max_wait")
		}
	}
	if t.Crawler.UserAgent == "" {
		at("is required: name the crawler and give a contact address, e.g. \"policywatch/0.1 (+mailto:you@example.org)\"", "crawler", "user_agent")
	}
	if t.Crawler.Parallelism <= 0 {
		t.Crawler.Parallelism = 2
	}
	if cr.Delay != "" {
		if t.Crawler.Delay, err = time.ParseDuration(cr.Delay); err != nil || t.Crawler.Delay < 0 {
			at(fmt.Sprintf("invalid duration %q (e.g. 500ms, 2s)", cr.Delay), "crawler", "delay")
		}
	}
	if cr.Timeout != "" {
		if t.Crawler.Timeout, err = time.ParseDuration(cr.Timeout); err != nil || t.Crawler.Timeout <= 0 {
			at(fmt.Sprintf("invalid duration %q (e.g. 30s)", cr.Timeout), "crawler", "timeout")
		}
	}
	if cr.MaxBody != "" {
		if t.Crawler.MaxBody, err = parseSize(cr.MaxBody); err != nil {
			at(err.Error(), "crawler", "max_body")
		}
	}

	if t.Database, err = checkDatabase(strings.TrimSpace(raw.Database)); err != nil {
		at(err.Error(), "database")
	}
	checkCrawlerBounds(t.Crawler, at) // bounds.go

	if len(raw.Sources) == 0 {
		at("at least one source is required", "sources")
	}
	seen := map[string]bool{}
	for i, rs := range raw.Sources {
		s := model.Source{Name: rs.Name, Kind: rs.Kind, URL: rs.URL, DocKind: model.DocKind(rs.DocKind),
			Include: rs.Include, Exclude: rs.Exclude, Schedule: rs.Schedule, Lang: rs.Lang, Charset: rs.Charset}
		if !sourceName.MatchString(s.Name) {
			at(fmt.Sprintf("invalid name %q: use lower-case letters, digits and dashes", s.Name), "sources", i, "name")
		} else if seen[s.Name] {
			at(fmt.Sprintf("duplicate source name %q", s.Name), "sources", i, "name")
		}
		seen[s.Name] = true
		if slices.Contains(sourceKinds, s.Kind) {
			apiFields(&s, rs, func(msg, field string) { at(msg, "sources", i, field) })
		} else {
			at(fmt.Sprintf("unknown kind %q (%swant %s)", s.Kind, didYouMean(s.Kind, sourceKinds), orList(sourceKinds)), "sources", i, "kind")
		}
		if !s.DocKind.Valid() {
			kinds := []string{string(model.KindOfficial), string(model.KindNews)}
			at(fmt.Sprintf("unknown doc_kind %q (%swant official or news)", rs.DocKind, didYouMean(rs.DocKind, kinds)), "sources", i, "doc_kind")
		}
		if err := checkURL(s.URL); err != nil {
			at(err.Error(), "sources", i, "url")
		}
		for j, p := range s.Include {
			if _, err := regexp.Compile(p); err != nil {
				at(fmt.Sprintf("invalid pattern %q: %v", p, err), "sources", i, "include", j)
			}
		}
		for j, p := range s.Exclude {
			if _, err := regexp.Compile(p); err != nil {
				at(fmt.Sprintf("invalid pattern %q: %v", p, err), "sources", i, "exclude", j)
			}
		}
		s.Depth = 1
		if rs.Depth != nil {
			if *rs.Depth < 0 || *rs.Depth > 10 {
				at(fmt.Sprintf("depth %d out of range 0..10", *rs.Depth), "sources", i, "depth")
			}
			s.Depth = *rs.Depth
		}
		if s.Schedule == "" {
			s.Schedule = defaultSchedule(s.Kind)
		} else if msg := checkSchedule(s.Schedule); msg != "" {
			at(msg, "sources", i, "schedule")
		}
		t.Sources = append(t.Sources, s)
	}
	if err := c.result(); err != nil {
		return nil, err
	}
	return t, nil
}

// sourceKinds are the kinds of source a config may name.
var sourceKinds = []string{model.SourceFeed, model.SourceSitemap, model.SourceSeed, model.SourceFederalRegister,
	model.SourceGDELT, model.SourceWayback, model.SourceGovUK}

// didYouMean is "did you mean X? " when word looks like a typo of one of
// valid, else "".
func didYouMean(word string, valid []string) string {
	if near := suggest.Nearest(word, valid); near != "" && word != "" {
		return "did you mean " + near + "? "
	}
	return ""
}

// orList writes "a, b or c".
func orList(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

// ScheduleForms describes every schedule a source may give: the syntax of
// robfig/cron's standard parser, which gocron uses to run them.
const ScheduleForms = `@hourly, @daily (or @midnight), @weekly, @monthly, @yearly (or @annually), ` +
	`@every DURATION (e.g. @every 6h), or 5 cron fields MINUTE HOUR DAY-OF-MONTH MONTH DAY-OF-WEEK ` +
	`with *, lists, ranges, steps and names (e.g. "30 6 * * 1-5", "*/15 * * * *", "0 8 1,15 JAN-MAR *", "0 9 * * MON"), ` +
	`optionally after CRON_TZ=Area/City (default: the machine's time zone)`

// ScheduleExamples are one schedule of each form ScheduleForms lists.
var ScheduleExamples = []string{"@hourly", "@daily", "@midnight", "@weekly", "@monthly", "@yearly", "@annually",
	"@every 6h", "30 6 * * 1-5", "*/15 * * * *", "0 8 1,15 JAN-MAR *", "0 9 * * MON", "CRON_TZ=Asia/Hong_Kong 0 9 * * *"}

// checkSchedule returns what is wrong with a schedule, or "".
func checkSchedule(spec string) string {
	sched, err := cron.ParseStandard(spec)
	if err != nil {
		return fmt.Sprintf("invalid schedule %q: %v (want %s)", spec, err, ScheduleForms)
	}
	// gocron refuses a schedule with no next time (the 30th of February)
	// only when serve starts; say so now.
	if sched.Next(time.Now()).IsZero() {
		return fmt.Sprintf("schedule %q never comes due", spec)
	}
	return ""
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
	u, err := url.Parse(raw)
	if err != nil {
		// An IPv6 address needs its brackets: http://[::1]:8080/.
		return fmt.Errorf("%q is not a valid URL: %v", raw, errors.Unwrap(err))
	}
	if u.Hostname() == "" {
		return fmt.Errorf("%q names no host", raw)
	}
	return nil
}

func parseSize(s string) (int64, error) {
	orig := strings.TrimSpace(s)
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
	if n > MaxBody/mult {
		return 0, fmt.Errorf("size %s is more than 256MB", orig)
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
