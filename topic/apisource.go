package topic

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"policywatch/model"
)

// apiFields validates the settings only API sources take (query, date
// window, archive address) and copies them into s. A setting given to a
// kind that ignores it is an error: a "from" on a feed would otherwise
// silently promise a backfill that never happens.
func apiFields(s *model.Source, rs rawSource, at func(msg, field string)) {
	allowed := map[string][]string{
		model.SourceGDELT:   {"query", "from", "to"},
		model.SourceWayback: {"query", "from", "to", "archive"}, // query: a regexp on original URLs, for the CDX server
		model.SourceGovUK:   {"from", "to"},
	}[s.Kind]
	given := map[string]string{"query": rs.Query, "from": rs.From, "to": rs.To, "archive": rs.Archive}
	misplaced := false
	for _, field := range []string{"query", "from", "to", "archive"} {
		if given[field] != "" && !slices.Contains(allowed, field) {
			at(fmt.Sprintf("is not a setting of %s sources", s.Kind), field)
			misplaced = true
		}
	}
	if misplaced {
		return // the values mean nothing to this kind: no point checking them
	}
	s.Query = strings.TrimSpace(rs.Query)
	if s.Kind == model.SourceWayback && s.Query != "" {
		if _, err := regexp.Compile(s.Query); err != nil {
			at(fmt.Sprintf("invalid pattern %q: %v", s.Query, err), "query")
		}
	}
	if s.Kind == model.SourceGDELT && s.Query == "" {
		at("is required for gdelt sources (the GDELT search query)", "query")
	}
	var err error
	if rs.From != "" {
		if s.From, err = time.Parse(time.DateOnly, rs.From); err != nil {
			at(fmt.Sprintf("invalid date %q (want YYYY-MM-DD)", rs.From), "from")
		}
	}
	if rs.To != "" {
		if s.To, err = time.Parse(time.DateOnly, rs.To); err != nil {
			at(fmt.Sprintf("invalid date %q (want YYYY-MM-DD)", rs.To), "to")
		}
	}
	if s.Kind == model.SourceGDELT && rs.From == "" {
		// The DOC API searches back to 2017; without a start it searches
		// only its default recent window, which is rarely what a topic means.
		at("is required for gdelt sources (first day of the window, YYYY-MM-DD)", "from")
	}
	if _, err := time.Parse(time.DateOnly, rs.From); err == nil { // given, and parsed
		checkWindow(s, at) // bounds.go
	}
	if !s.From.IsZero() && !s.To.IsZero() && s.To.Before(s.From) {
		at(fmt.Sprintf("%s is before from %s", rs.To, rs.From), "to")
	}
	if rs.Archive != "" {
		if err := checkURL(rs.Archive); err != nil {
			at(err.Error(), "archive")
		}
		s.Archive = strings.TrimRight(rs.Archive, "/")
	}
}
