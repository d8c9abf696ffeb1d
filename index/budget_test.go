package index

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"policywatch/model"
)

// budgetDocs are the test documents plus one with 300 words starting
// "kal", so a short prefix has many expansions.
func budgetDocs() []model.Document {
	var words []string
	for i := range 300 {
		words = append(words, fmt.Sprintf("kal%03dx", i))
	}
	return append(testDocs(), model.Document{ID: 99, URL: "https://wordlist.example/", Source: "wordlist",
		Kind: model.KindNews, Lang: "en", Title: "A word list", Text: strings.Join(words, " "),
		Published: day("2020-07-10"), DateSource: model.DateFromMeta})
}

// TestSearchBudget: a query past the limits is refused before it runs,
// with the limit and the place in the query named; by Search, Each and
// the histogram alike. The hostile query of the attack probe (200 OR'ed
// prefixes, 23 s on 3,000 documents) comes back at once.
func TestSearchBudget(t *testing.T) {
	ix, _ := openTest(t, budgetDocs())
	ix.SetLimits(Limits{MaxTerms: 100, MaxExpansions: 250})
	ctx := context.Background()

	var parts []string
	for i := range 200 {
		parts = append(parts, string(rune('a'+i%26))+string(rune('a'+i/26))+"*")
	}
	hostile := strings.Join(parts, " OR ")
	start := time.Now()
	_, err := ix.Search(ctx, Request{Query: hostile})
	var le *LimitError
	if !errors.As(err, &le) || le.Limit != LimitTerms || le.Max != 100 || le.Pos != strings.Index(hostile, parts[100]) {
		t.Fatalf("200 OR'ed prefixes: %v (%+v), want the terms limit of 100 at the 101st prefix", err, le)
	}
	if !strings.Contains(le.Error(), "200 terms") || !strings.Contains(le.Error(), "at most 100") {
		t.Errorf("message %q does not say how many and the limit", le.Error())
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("refusing took %s", took)
	}

	// A short prefix that matches 300 words in the text fields.
	for _, q := range []string{"kal*", "hong AND (visa OR kal*)", "kal0* kal1* kal2*"} {
		_, err = ix.Search(ctx, Request{Query: q})
		if !errors.As(err, &le) || le.Limit != LimitExpansions || le.Max != 250 {
			t.Errorf("%q: %v, want the expansion limit of 250", q, err)
			continue
		}
		if !strings.Contains(le.Error(), "kal") || !strings.Contains(le.Error(), "250") {
			t.Errorf("%q: message %q names neither the prefix nor the limit", q, le.Error())
		}
	}
	// Within the limits: a longer prefix, and the prefixes a topic needs.
	for _, q := range []string{"kal1*", "sanction* OR visa* OR extradit*", "香", "title:hong source:treas*"} {
		if _, err := ix.Search(ctx, Request{Query: q}); err != nil {
			t.Errorf("%q refused: %v", q, err)
		}
	}
	// Filters count as terms too: a URL with 101 categories.
	many := make([]string, 101)
	for i := range many {
		many[i] = fmt.Sprintf("c%d", i)
	}
	if _, err := ix.Search(ctx, Request{Categories: many}); !errors.As(err, &le) || le.Limit != LimitTerms {
		t.Errorf("101 category filters: %v, want the terms limit", err)
	}
	// Every way into the index is held to the same limits.
	if err := ix.Each(ctx, Request{Query: "kal*"}, func(Hit) error { return nil }); !errors.As(err, &le) {
		t.Errorf("Each: %v, want a limit error", err)
	}
	if _, err := ix.Histogram(ctx, Request{Query: hostile}, BucketMonth); !errors.As(err, &le) {
		t.Errorf("Histogram: %v, want a limit error", err)
	}
}

// TestSearchStopsWithItsContext: a search whose context ends (a client
// that left, a deadline) returns the context's error.
func TestSearchStopsWithItsContext(t *testing.T) {
	ix, _ := openTest(t, budgetDocs())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ix.Search(ctx, Request{Query: "kal1* OR visa"}); !errors.Is(err, context.Canceled) {
		t.Errorf("search with a cancelled context: %v, want context.Canceled", err)
	}
}
