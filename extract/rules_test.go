package extract

import (
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want string // FormatDate of the result; "" = rejected
	}{
		{"2020-07-01T09:30:00+08:00", "2020-07-01T09:30:00+08:00"},
		{"2020-07-01T01:30:00Z", "2020-07-01T01:30:00Z"},
		{"2020-07-01T09:30:00", "2020-07-01"}, // no zone: the day only
		{"2020-07-01", "2020-07-01"},
		{"July 1, 2020", "2020-07-01"},
		{"Wed, 01 Jul 2020 09:30:00 GMT", "2020-07-01T09:30:00Z"},
		{"2020/07/01", "2020-07-01"},
		{"1593567000", "2020-07-01T01:30:00Z"},
		{"2020-02-30", ""}, // no such day
		{"1970-01-01", ""}, // before the web
		{"3020-01-01", ""}, // far future
		{"yesterday", ""},
	}
	for _, tt := range tests {
		got, ok := parseDate(tt.in)
		if s := FormatDate(got); (ok && s != tt.want) || (!ok && tt.want != "") {
			t.Errorf("parseDate(%q) = %q, %v; want %q", tt.in, s, ok, tt.want)
		}
	}
}

func TestDateFromURL(t *testing.T) {
	tests := []struct{ url, want string }{
		{"https://example.com/2020/07/01/story", "2020-07-01"},
		{"https://example.com/news/20200701-story.html", "2020-07-01"},
		{"https://example.com/2020/13/01/story", ""},
		{"https://example.com/story-2020", ""},
	}
	for _, tt := range tests {
		got, _ := dateFromURL(tt.url)
		if s := FormatDate(got); s != tt.want {
			t.Errorf("dateFromURL(%q) = %q, want %q", tt.url, s, tt.want)
		}
	}
}

func TestCleanByline(t *testing.T) {
	tests := []struct{ in, want string }{
		{"By Jane Doe", "Jane Doe"},
		{"Written by Jane Doe | 3 hours ago", "Jane Doe"},
		{"Jane Doe, Senior Correspondent", "Jane Doe"},
		{"By JANE DOE March 11, 2015 3:46 PM", "JANE DOE"},
		{"Aleš Vávra před 2 hodinami", "Aleš Vávra"},
		{"Last Updated: January 7, 2025", ""},
		{"https://example.com/author/jane", ""},
		{"Written by Jane Doe Edited by John Roe", "Jane Doe"},
		{"Jane Doe Photographs by John Roe", "Jane Doe"},
		{"Jane Doe (https://example.com/jane/)", "Jane Doe"},
		{"Jane Doe jane.doe@example.com", "Jane Doe"},
	}
	for _, tt := range tests {
		if got := joinNames([]string{tt.in}); got != tt.want {
			t.Errorf("joinNames(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := joinNames([]string{"Ana Ruiz and Tom Becker", "Tom Becker"}); got != "Ana Ruiz, Tom Becker" {
		t.Errorf("several authors joined as %q", got)
	}
}

func TestStripSiteName(t *testing.T) {
	p := &page{meta: map[string][]string{"og:site_name": {"BBC News"}}, links: map[string]string{}, headings: []string{"Headline here now"}}
	tests := []struct{ in, want string }{
		{"Obama admits gun laws frustration - BBC News", "Obama admits gun laws frustration"},
		{"BBC News | Obama admits gun laws frustration", "Obama admits gun laws frustration"},
		{"Headline here now | Some Other Name", "Headline here now"},
		{"Spider-Man - the review", "Spider-Man - the review"},
	}
	for _, tt := range tests {
		if got := p.stripSiteName(tt.in, "BBC News", false); got != tt.want {
			t.Errorf("stripSiteName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPublishedPrefersOriginal(t *testing.T) {
	// A page whose htmldate answer is its update day keeps the stated
	// original publication date.
	page := []byte(`<html><head>
<meta property="article:published_time" content="2020-06-30T10:00:00+08:00">
<meta property="article:modified_time" content="2020-07-05T10:00:00+08:00">
</head><body><article><h1>Story</h1>
<p>Updated July 5, 2020. The council met on Tuesday to discuss the ordinance and its consequences for the city.</p>
</article></body></html>`)
	r, err := Extract(page, "")
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(2020, 6, 30, 10, 0, 0, 0, time.FixedZone("", 8*3600))
	if !r.Published.Equal(want) {
		t.Errorf("published = %v, want %v", r.Published, want)
	}
}

func TestPublishedPrefersLocalWriting(t *testing.T) {
	// The same instant stated in UTC and in local time: the local day is
	// the one readers saw.
	page := []byte(`<html><head>
<meta property="article:published_time" content="2020-12-24T23:59:50Z">
<script type="application/ld+json">{"@type":"NewsArticle","headline":"Story","datePublished":"2020-12-25T01:59:50+02:00"}</script>
</head><body><article><h1>Story</h1>
<p>The council met on Friday to discuss the ordinance and its consequences for the city and its residents.</p>
</article></body></html>`)
	r, err := Extract(page, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := FormatDate(r.Published); got != "2020-12-25T01:59:50+02:00" {
		t.Errorf("published = %s, want the local writing 2020-12-25T01:59:50+02:00", got)
	}
}

func TestPublishedDatelineOverCopyrightYear(t *testing.T) {
	page := []byte(`<html><head><title>Recipe</title></head><body><article><h1>Pineapple cake</h1>
<div class="recipe-date">Created June 13, 2019</div>
<p>Heat the oven, butter the tin and lay the pineapple rings in a single layer before pouring the batter over them.</p>
<p>Bake until a skewer comes out clean, then turn the cake out while it is still warm so the topping does not stick.</p>
</article><footer>© 2004 Example Kitchens</footer></body></html>`)
	r, err := Extract(page, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := FormatDate(r.Published); got != "2019-06-13" {
		t.Errorf("published = %q, want the dateline's 2019-06-13", got)
	}
}
