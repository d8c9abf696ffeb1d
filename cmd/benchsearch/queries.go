package main

import (
	"fmt"
	"math/rand/v2"
	"time"

	"policywatch/internal/corpus"
)

// benchQuery is one search of the mix, written once for each engine: in
// our query language for the Bleve index (through index.Search, as the web
// UI runs it) and as an FTS5 MATCH expression with the same meaning.
type benchQuery struct {
	Class    string
	Query    string // policywatch query language
	Match    string // FTS5 MATCH expression (bigrams already applied for Chinese)
	Zh       bool   // Match is for the Chinese table
	Category string // facet filter, "" for none
	Kind     string
	From, To time.Time // published filter, zero for none; To is inclusive
	ByDate   bool      // newest first instead of relevance
	Page     int       // 1-based
}

// Classes of the mix, 40 queries each. Every query of every class asks
// for facets (category, actor, source, kind, language, year) and a page
// of 20 highlighted snippets, as the search page does.
var classes = []string{"term", "phrase", "boolean", "facet+date", "chinese", "prefix+paging"}

var (
	topicTerms = []string{"sanctions", "extradition", "visa", "export", "subversion", "autonomy", "countermeasures",
		"treaty", "citizenship", "surveillance", "prosecutors", "liaison", "secession", "freedoms", "consultation",
		"asylum", "bounties", "crackdown", "jurisdiction", "interference"}
	phrases = []string{"national security law", "export controls", "extradition treaty", "visa restrictions",
		"asset freezes", "joint statement", "foreign forces", "grave concern", "secondary sanctions",
		"legislative council", "internal affairs", "mutual legal assistance", "pathway to citizenship", "dual-use exports"}
	zhTerms = []string{"香港", "国家安全", "國家安全", "国安法", "國安法", "制裁", "引渡条约", "引渡條約", "出口管制",
		"签证限制", "簽證限制", "反制裁", "外交部", "冻结资产", "凍結資產", "颠覆国家政权", "立法会", "特区政府"}
	catIDs = []string{"legislation", "visa-restriction", "export-control", "sanction", "extradition", "safe-haven",
		"statement", "counter-measure", "prosecution"}
	prefixes = []string{"sanct*", "extradit*", "subver*", "autonom*", "prosecut*", "restrict*", "legislat*", "surveil*"}
)

// mix returns n queries per class, deterministic for a seed, interleaved
// so a slow class is not measured all at once.
func mix(g *corpus.Generator, seed uint64, n int) []benchQuery {
	r := rand.New(rand.NewPCG(seed, 0x9e3779b9))
	pick := func(list []string) string { return list[r.IntN(len(list))] }
	// Rare words: long-tail ranks from a few hundred to tens of thousands
	// of occurrences at 100k documents.
	rare := func() string { return g.TailWord(20 + r.IntN(3000)) }
	year := func() (time.Time, time.Time) {
		y := 2019 + r.IntN(7)
		if r.IntN(2) == 0 { // half a year
			m := time.Month(1 + 6*r.IntN(2))
			from := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
			return from, from.AddDate(0, 6, 0).Add(-time.Second)
		}
		from := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
		return from, from.AddDate(1, 0, 0).Add(-time.Second)
	}
	var out []benchQuery
	for i := 0; i < n; i++ {
		for _, c := range classes {
			q := benchQuery{Class: c, Page: 1}
			switch c {
			case "term":
				w := pick(topicTerms)
				if r.IntN(2) == 0 {
					w = rare()
				}
				q.Query, q.Match = w, w
			case "phrase":
				p := pick(phrases)
				q.Query, q.Match = `"`+p+`"`, `"`+p+`"`
			case "boolean":
				a, b, d, e := pick(topicTerms), pick(topicTerms), pick(topicTerms), pick(topicTerms)
				switch r.IntN(3) {
				case 0:
					q.Query = fmt.Sprintf("%s AND (%s OR %s) NOT %s", a, b, d, e)
				case 1:
					q.Query = fmt.Sprintf(`(%s OR %s) AND "%s"`, a, b, pick(phrases))
				default:
					q.Query = fmt.Sprintf("%s %s %s", a, b, rare())
				}
				// FTS5 reads the same syntax: implicit AND, AND/OR/NOT,
				// parentheses and "phrases", NOT binding tightest.
				q.Match = q.Query
			case "facet+date":
				w := pick(topicTerms)
				if r.IntN(2) == 0 {
					w = `"` + pick(phrases) + `"`
				}
				q.Query, q.Match = w, w
				q.Category = pick(catIDs)
				q.From, q.To = year()
				if r.IntN(3) == 0 {
					q.Kind = "official"
				}
			case "chinese":
				w := pick(zhTerms)
				q.Query, q.Match, q.Zh = w, ftsHanPhrase(w), true
			case "prefix+paging":
				w := pick(prefixes)
				q.Query, q.Match = w, w
				q.ByDate = r.IntN(2) == 0
				q.Page = 2 + r.IntN(4)
			}
			out = append(out, q)
		}
	}
	return out
}
