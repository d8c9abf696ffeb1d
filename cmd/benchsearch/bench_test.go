package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"policywatch/internal/corpus"
	"policywatch/model"
)

func TestBigrams(t *testing.T) {
	tests := []struct{ in, want string }{
		{"香港", "香港 "},
		{"國安法", "国安 安法 "}, // folded to Simplified first
		{"港", "港 "},
		{"BNO签证", "BNO签证 "},
		{"美国制裁，香港回应", "美国 国制 制裁 ，香港 港回 回应 "},
		{"no Chinese here", "no Chinese here"},
	}
	for _, tt := range tests {
		if got := bigrams(tt.in); got != tt.want {
			t.Errorf("bigrams(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestHanSnippetMarksFoldedMatchInOriginalScript(t *testing.T) {
	got := hanSnippet("外交部表示，國家安全不容干涉。", "国家安全")
	if !strings.Contains(got, "<mark>國家安全</mark>") {
		t.Errorf("snippet %q does not mark the Traditional text the Simplified query found", got)
	}
}

func TestPercentile(t *testing.T) {
	v := []float64{5, 1, 4, 2, 3, 10, 9, 8, 7, 6}
	for _, tt := range []struct{ p, want float64 }{{50, 5}, {95, 10}, {10, 1}, {100, 10}} {
		if got := pct(v, tt.p); got != tt.want {
			t.Errorf("pct(%v) = %v, want %v", tt.p, got, tt.want)
		}
	}
}

// Both engines must answer the mix the same way, or the latency
// comparison compares different work.
func TestEnginesAgreeOnTheMix(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes a small corpus twice")
	}
	ctx := context.Background()
	g, err := corpus.New(3)
	if err != nil {
		t.Fatal(err)
	}
	const n = 400
	open := map[string]engine{}
	for _, name := range []string{"bleve", "fts5"} {
		e, err := openEngine(name, t.TempDir(), 0)
		if err != nil {
			t.Fatal(err)
		}
		defer e.close()
		for start := 0; start < n; start += 100 {
			batch := make([]model.Document, 0, 100)
			for i := start; i < start+100; i++ {
				batch = append(batch, g.Doc(i))
			}
			if err := e.put(ctx, batch); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		}
		if err := e.finish(ctx); err != nil {
			t.Fatal(err)
		}
		open[name] = e
	}
	found := map[string]int{}
	for _, q := range mix(g, 3, 3) {
		b, err := open["bleve"].search(ctx, q)
		if err != nil {
			t.Fatalf("bleve %s %q: %v", q.Class, q.Query, err)
		}
		f, err := open["fts5"].search(ctx, q)
		if err != nil {
			t.Fatalf("fts5 %s %q: %v", q.Class, q.Query, err)
		}
		found[q.Class] += b
		// Stemmers differ a little (Bleve's en vs FTS5's porter).
		if diff := b - f; diff*diff > (f/10+2)*(f/10+2) {
			t.Errorf("%s %q: bleve found %d, fts5 %d", q.Class, q.Query, b, f)
		}
	}
	for _, c := range classes {
		if found[c] == 0 {
			t.Errorf("class %s found nothing in %d documents: the mix does not exercise it", c, n)
		}
	}
}

func TestVerdictSaysPassOrMissWithTheMargin(t *testing.T) {
	tests := []struct {
		got, want float64
		atLeast   bool
		out       string
	}{
		{2500, 2000, true, "PASS by 25%"},
		{1500, 2000, true, "MISS by 25%"},
		{24, 30, false, "PASS by 20%"},
		{45, 30, false, "MISS by 50%"},
	}
	for _, tt := range tests {
		var b strings.Builder
		verdict(&b, result{N: 100000, Engine: "bleve"}, "target", tt.got, tt.want, tt.atLeast, "x")
		if !strings.Contains(b.String(), tt.out) {
			t.Errorf("verdict(%v vs %v, atLeast=%v) = %q, want it to say %q", tt.got, tt.want, tt.atLeast, b.String(), tt.out)
		}
	}
}

func TestSearchURLCarriesTheFilters(t *testing.T) {
	q := benchQuery{Query: `"export controls"`, Category: "sanction", Kind: "official",
		From: time.Date(2020, 7, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2020, 12, 31, 23, 59, 59, 0, time.UTC), ByDate: true, Page: 3}
	got := searchURL(q)
	for _, want := range []string{"q=%22export+controls%22", "category=sanction", "kind=official", "from=2020-07-01", "to=2020-12-31", "sort=date", "page=3"} {
		if !strings.Contains(got, want) {
			t.Errorf("searchURL = %q, lacks %q", got, want)
		}
	}
}

func TestParseBytes(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int64
		ok   bool
	}{{"1GiB", 1 << 30, true}, {"512MiB", 512 << 20, true}, {"4096", 4096, true}, {"0", 0, true},
		{"1GB", 0, false}, {"-1GiB", 0, false}, {"", 0, false}} {
		got, err := parseBytes(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("parseBytes(%q) = %d, %v", tt.in, got, err)
		}
	}
	if n := limitName(1 << 30); n != "1GiB" {
		t.Errorf("limitName(1 GiB) = %q", n)
	}
}
