package extract

import "testing"

func TestTextDate(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Published 21 July 2020", "2020-07-21"},
		{"July 21, 2020 at 9:00", "2020-07-21"},
		{"19. Oktober 2019, 19:08 Uhr", "2019-10-19"},
		{"Veröffentlicht am 12. März 2019", "2019-03-12"},
		{"12. Jänner 2022", "2022-01-12"},
		{"Publié le 1er janvier 2020", "2020-01-01"},
		{"le 3 févr. 2021", "2021-02-03"},
		{"5 de mayo de 2020", "2020-05-05"},
		{"Domenica 06 Dicembre 2020 | 00:36", "2020-12-06"},
		{"29.04.2020, 12:01 Uhr", "2020-04-29"},
		{"Written: 2023-11-07 15:03:30", "2023-11-07"},
		// The earliest written date wins, whatever its form.
		{"31.10.2023 (aktualisiert 2. November 2023)", "2023-10-31"},
		{"31.02.2020", ""}, // no such day
		{"4 Min Read", ""},
		{"Version 10.12.19", ""}, // two-digit years are too ambiguous
	}
	for _, tt := range tests {
		got, ok := textDate(tt.in)
		if s := FormatDate(got); (ok && s != tt.want) || (!ok && tt.want != "") {
			t.Errorf("textDate(%q) = %q, %v; want %q", tt.in, s, ok, tt.want)
		}
	}
}

func TestBeforeUpdate(t *testing.T) {
	tests := []struct{ in, want string }{
		{"January 19, 2020 / 12:25 PM / Updated 8 hours ago", "2020-01-19"},
		{"Updated May 06, 2019", ""},
		{"Zuletzt geändert am: 15.10.2021", ""},
		{"Posted: July 18, 2020 - 4:01 PM", "2020-07-18"},
	}
	for _, tt := range tests {
		got, ok := textDate(beforeUpdate(tt.in))
		if s := FormatDate(got); (ok && s != tt.want) || (!ok && tt.want != "") {
			t.Errorf("textDate(beforeUpdate(%q)) = %q; want %q", tt.in, s, tt.want)
		}
	}
}

func TestPublishedArticleDatelineOverMasthead(t *testing.T) {
	// The masthead shows today's date; the article's own dateline and
	// its JSON-LD agree on the publication day.
	page := []byte(`<html lang="en"><head>
<script type="application/ld+json">{"@type":"NewsArticle","headline":"Budget passes","datePublished":"2020-12-23T15:42:33Z"}</script>
</head><body>
<div class="masthead-date">Thursday, December 24, 2020</div>
<article><h1>Budget passes</h1>
<div class="byline-date">Dec 23, 2020 at 10:42 AM</div>
<p>The council passed next year's budget on Wednesday after a debate that ran late into the evening and ended in a narrow vote.</p>
<p>The plan keeps library hours as they are and pays for road repairs with money left over from last year.</p>
</article>
<aside class="related"><div class="teaser-date">Dec 22, 2020</div><a href="/x">Earlier: council debates budget</a></aside>
</body></html>`)
	r, err := Extract(page, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := FormatDate(r.Published); got[:10] != "2020-12-23" {
		t.Errorf("published = %s, want 2020-12-23", got)
	}
}
