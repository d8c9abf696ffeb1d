// Package benchsite generates a static news site for crawl benchmarks: a
// home page, section listings and dated articles about Hong Kong, every
// page linked so that a recursive crawl from the home page finds them all.
package benchsite

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// Site is a generated site of Sections × PerSection articles.
type Site struct {
	Sections, PerSection int
	// Seed varies the articles' words: sites with different seeds share
	// no article (0 is the site bench-crawl.sh measures).
	Seed int
}

// Pages is how many HTML pages the site has: home, sections, articles.
func (s Site) Pages() int { return 1 + s.Sections + s.Sections*s.PerSection }

var words = strings.Fields(`minister council treaty export licence visa asylum court judge bank asset
freeze airport harbour election senate committee report review hearing tariff customs permit passport
embassy consulate ambassador protest march police arrest charge bail appeal newspaper editor reporter
broadcast satellite university student teacher library archive museum garden river bridge tunnel
railway station ferry island village market farmer typhoon`)

// text writes n words chosen from seed, so that no two articles look like
// copies of each other.
func text(seed, n int) string {
	x := uint32(seed)*2654435761 + 12345
	out := make([]string, n)
	for i := range out {
		x = x*1664525 + 1013904223
		out[i] = words[int(x>>16)%len(words)]
	}
	return strings.Join(out, " ")
}

// ServeHTTP answers /, /robots.txt, /section/N/ and /section/N/article-M/.
func (s Site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	if p == "/robots.txt" {
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprint(w, "User-agent: *\nAllow: /\n")
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if p == "/" {
		var b strings.Builder
		b.WriteString(`<!DOCTYPE html><html lang="en"><head><title>Bench news</title></head><body><h1>Bench news</h1><ul>`)
		for i := range s.Sections {
			fmt.Fprintf(&b, `<li><a href="/section/%d/">Section %d</a></li>`, i, i)
		}
		b.WriteString(`</ul></body></html>`)
		fmt.Fprint(w, b.String())
		return
	}
	parts := strings.Split(strings.Trim(p, "/"), "/")
	if len(parts) < 2 || parts[0] != "section" {
		http.NotFound(w, r)
		return
	}
	sec, err := strconv.Atoi(parts[1])
	if err != nil || sec < 0 || sec >= s.Sections {
		http.NotFound(w, r)
		return
	}
	switch len(parts) {
	case 2:
		var b strings.Builder
		fmt.Fprintf(&b, `<!DOCTYPE html><html lang="en"><head><title>Section %d</title></head><body><nav><a href="/">Home</a></nav><h1>Section %d</h1><ul>`, sec, sec)
		for a := range s.PerSection {
			fmt.Fprintf(&b, `<li><a href="/section/%d/article-%d/">Article %d</a></li>`, sec, a, a)
		}
		b.WriteString(`</ul></body></html>`)
		fmt.Fprint(w, b.String())
	case 3:
		a, err := strconv.Atoi(strings.TrimPrefix(parts[2], "article-"))
		if err != nil || a < 0 || a >= s.PerSection {
			http.NotFound(w, r)
			return
		}
		id := sec*s.PerSection + a
		var b strings.Builder
		fmt.Fprintf(&b, `<!DOCTYPE html><html lang="en"><head><title>Hong Kong statement %d</title>
<meta property="article:published_time" content="2020-%02d-%02dT10:00:00Z"></head><body>
<nav><a href="/">Home</a> <a href="/section/%d/">Section</a></nav><main><article><h1>Hong Kong statement %d</h1>
<p>The government said on Hong Kong in statement %d that sanctions would follow.</p>`, id, 1+id%12, 1+id%28, sec, id, id)
		for k := range 6 {
			fmt.Fprintf(&b, "<p>%s.</p>\n", text(s.Seed*1_000_003+id*10+k, 60))
		}
		b.WriteString(`</article></main><footer>Bench news</footer></body></html>`)
		fmt.Fprint(w, b.String())
	default:
		http.NotFound(w, r)
	}
}
