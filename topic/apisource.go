package topic

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"policywatch/model"
)

// apiFields validates the settings only API sources take (query, date
// window, archive address) and copies them into s. A setting given to a
// kind that ignores it is an error: a "from" on a feed would otherwise
// silently promise a backfill that never happens.
func apiFields(s *model.Source, rs rawSource, at func(msg, field string) *Error) error {
	allowed := map[string][]string{
		model.SourceGDELT:   {"query", "from", "to"},
		model.SourceWayback: {"query", "from", "to", "archive"}, // query: a regexp on original URLs, for the CDX server
		model.SourceGovUK:   {"from", "to"},
	}[s.Kind]
	given := map[string]string{"query": rs.Query, "from": rs.From, "to": rs.To, "archive": rs.Archive}
	for _, field := range []string{"query", "from", "to", "archive"} {
		if given[field] == "" {
			continue
		}
		ok := false
		for _, a := range allowed {
			ok = ok || a == field
		}
		if !ok {
			return at(fmt.Sprintf("is not a setting of %s sources", s.Kind), field)
		}
	}
	s.Query = strings.TrimSpace(rs.Query)
	if s.Kind == model.SourceWayback && s.Query != "" {
		if _, err := regexp.Compile(s.Query); err != nil {
			return at(fmt.Sprintf("invalid pattern %q: %v", s.Query, err), "query")
		}
	}
	if s.Kind == model.SourceGDELT && s.Query == "" {
		return at("is required for gdelt sources (the GDELT search query)", "query")
	}
	var err error
	if rs.From != "" {
		if s.From, err = time.Parse(time.DateOnly, rs.From); err != nil {
			return at(fmt.Sprintf("invalid date %q (want YYYY-MM-DD)", rs.From), "from")
		}
	}
	if rs.To != "" {
		if s.To, err = time.Parse(time.DateOnly, rs.To); err != nil {
			return at(fmt.Sprintf("invalid date %q (want YYYY-MM-DD)", rs.To), "to")
		}
	}
	if s.Kind == model.SourceGDELT && rs.From == "" {
		// The DOC API searches back to 2017; without a start it searches
		// only its default recent window, which is rarely what a topic means.
		return at("is required for gdelt sources (first day of the window, YYYY-MM-DD)", "from")
	}
	if err := checkWindow(s, rs.From != "", at); err != nil { // bounds.go
		return err
	}
	if !s.From.IsZero() && !s.To.IsZero() && s.To.Before(s.From) {
		return at(fmt.Sprintf("%s is before from %s", rs.To, rs.From), "to")
	}
	if rs.Archive != "" {
		if err := checkURL(rs.Archive); err != nil {
			return at(err.Error(), "archive")
		}
		s.Archive = strings.TrimRight(rs.Archive, "/")
	}
	return nil
}
