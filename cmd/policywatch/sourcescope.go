package main

import (
	"strings"
	"time"

	"policywatch/model"
)

// sourceScope sums up what an API source asks for beyond its URL (its
// query, its date window), for the `sources` table.
func sourceScope(s model.Source) string {
	var parts []string
	if s.Query != "" {
		parts = append(parts, "query "+s.Query)
	}
	if !s.From.IsZero() || !s.To.IsZero() {
		from, to := "…", "now"
		if !s.From.IsZero() {
			from = s.From.Format(time.DateOnly)
		}
		if !s.To.IsZero() {
			to = s.To.Format(time.DateOnly)
		}
		parts = append(parts, from+".."+to)
	}
	if s.Archive != "" {
		parts = append(parts, "archive "+s.Archive)
	}
	return strings.Join(parts, ", ")
}
