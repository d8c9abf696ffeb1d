package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestSourcesListsShippedAPISources(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"sources"}, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{}
	for _, line := range strings.Split(out.String(), "\n") {
		if f := strings.Fields(line); len(f) > 1 {
			rows[f[0]] = line
		}
	}
	for name, want := range map[string][]string{
		"gdelt-news":        {"gdelt", "@weekly", `query "hong kong" "national security law", 2020-05-01..2021-12-31`},
		"us-state-backfill": {"wayback", "https://www.state.gov/", "2020-05-01..2021-01-20"},
		"uk-govuk":          {"govuk", "@daily", "https://www.gov.uk/api/search.json", "2020-01-01..now"},
	} {
		for _, w := range want {
			if !strings.Contains(rows[name], w) {
				t.Errorf("sources row for %s = %q, want %q in it", name, rows[name], w)
			}
		}
	}
	if !strings.Contains(out.String(), "sources, valid") {
		t.Errorf("output does not say the config is valid:\n%s", out.String())
	}
}
