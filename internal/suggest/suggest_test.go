package suggest

import "testing"

func TestNearest(t *testing.T) {
	keys := []string{"user_agent", "delay", "parallelism", "timeout", "max_body", "max_pages", "max_per_host"}
	for _, tc := range []struct{ word, want string }{
		{"dealy", "delay"},           // transposition
		{"Delay", "delay"},           // case
		{"user-agent", "user_agent"}, // dash for underscore
		{"useragent", "user_agent"},
		{"max_page", "max_pages"},
		{"timout", "timeout"},
		{"max_per_hots", "max_per_host"},
		{"speed", ""},    // nothing close
		{"x", ""},        // too short to guess
		{"parallel", ""}, // a prefix, but 3 edits away
	} {
		if got := Nearest(tc.word, keys); got != tc.want {
			t.Errorf("Nearest(%q) = %q, want %q", tc.word, got, tc.want)
		}
	}
	if got := Nearest("serach", []string{"serve", "search", "sources"}); got != "search" {
		t.Errorf("Nearest(serach) = %q", got)
	}
	if got := Nearest("fed", []string{"feed", "sitemap", "seed"}); got != "feed" {
		t.Errorf("Nearest(fed) = %q, want the first of the equally near", got)
	}
}

func TestDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"", "abc", 3}, {"abc", "abc", 0}, {"abc", "acb", 1}, {"kitten", "sitting", 3}, {"國安法", "国安法", 1},
	} {
		if got := distance(tc.a, tc.b); got != tc.want {
			t.Errorf("distance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
