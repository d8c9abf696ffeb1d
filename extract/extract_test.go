package extract

import (
	"strings"
	"testing"
	"time"

	"policywatch/model"
)

const newsPage = `<!doctype html><html lang="en-GB"><head>
<title>Minister condemns new security law - Example News</title>
<meta property="og:site_name" content="Example News">
<meta property="article:published_time" content="2020-07-01T09:30:00+01:00">
<meta property="article:modified_time" content="2020-07-03T10:00:00+01:00">
<meta name="author" content="By Jane Doe, Diplomatic Correspondent">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<div class="cookie-banner">We use cookies. Accept all cookies</div>
<article>
<h1>Minister condemns new security law</h1>
<p class="byline">By Jane Doe</p>
<p>The foreign minister said on Wednesday that the national security law breaches the joint declaration and undermines the autonomy promised to the city for fifty years.</p>
<p>Officials announced a package of measures, including changes to visa rules for residents who hold overseas passports, and promised further steps in the coming weeks.</p>
<div class="share"><a href="#">Share on Facebook</a> <a href="#">Tweet</a></div>
<p>Critics in parliament welcomed the announcement but asked for sanctions on the officials responsible for the crackdown on protesters and journalists.</p>
</article>
<aside><h2>Related stories</h2><ul><li><a href="/a">Another story about something else entirely</a></li></ul></aside>
<footer>Copyright Example News 2020</footer>
</body></html>`

func TestExtractNewsPage(t *testing.T) {
	r, err := Extract([]byte(newsPage), "https://news.example.com/world/2020/07/01/minister-condemns")
	if err != nil {
		t.Fatal(err)
	}
	if r.Title != "Minister condemns new security law" {
		t.Errorf("title = %q", r.Title)
	}
	if r.Byline != "Jane Doe" {
		t.Errorf("byline = %q", r.Byline)
	}
	want := time.Date(2020, 7, 1, 9, 30, 0, 0, time.FixedZone("", 3600))
	if !r.Published.Equal(want) || r.PublishedSource != model.DateFromMeta {
		t.Errorf("published = %v (%s), want %v from meta", r.Published, r.PublishedSource, want)
	}
	if r.Modified.IsZero() {
		t.Errorf("modified missing")
	}
	if r.Site != "Example News" || r.Lang != "en-GB" {
		t.Errorf("site, lang = %q, %q", r.Site, r.Lang)
	}
	for _, want := range []string{"joint declaration", "visa rules", "sanctions on the officials"} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, r.Text)
		}
	}
	for _, bad := range []string{"Home", "cookies", "Share on Facebook", "Another story", "Copyright"} {
		if strings.Contains(r.Text, bad) {
			t.Errorf("text keeps boilerplate %q:\n%s", bad, r.Text)
		}
	}
	js, err := r.JSON()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(js), `"published":"2020-07-01T09:30:00+01:00"`) {
		t.Errorf("JSON = %s", js)
	}
}
