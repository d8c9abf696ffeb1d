package web

import (
	"net/http"
	"net/url"

	"policywatch/query"
)

// helpExample is one query on the help page, runnable with a click.
type helpExample struct {
	Query, Means string
}

type helpSection struct {
	Title    string
	Text     string
	Examples []helpExample
}

// searchHelp is the query language as the help page explains it. The
// examples are real queries: a test parses every one of them.
var searchHelp = []helpSection{
	{"Words", "Words are matched in the title and text, in any order, and every word must be present. English words match their other forms (sanction, sanctions, sanctioned). Case does not matter. Common words like “the” are ignored.",
		[]helpExample{{"sanctions officials", "documents with both words"}, {"extradition", "extradite, extradition, extraditions"}}},
	{"Phrases", "Put words in double quotes to find them next to each other in that order.",
		[]helpExample{{`"national security law"`, "the exact phrase"}, {`"visa restrictions" Hong Kong`, "the phrase and both words"}}},
	{"AND, OR, NOT and parentheses", "Words side by side are joined by AND. OR finds either side, NOT (or a leading minus) excludes. AND binds tighter than OR, so use parentheses to group. Operators are written in capitals; lower-case and/or/not are ordinary words.",
		[]helpExample{{"extradition OR asylum", "either word"}, {"sanctions NOT visa", "sanctions without visa"}, {"sanctions -visa", "the same, shorter"}, {"(Canada OR Australia) extradition", "extradition together with Canada or Australia"}}},
	{"Prefixes", "A word ending in * matches every word that starts with it.",
		[]helpExample{{"sanction*", "sanction, sanctions, sanctioned, sanctioning"}, {"source:gov*", "sources whose name starts with gov"}}},
	{"Fields", "field:value restricts a search: title: looks only in titles; source:, actor:, category:, kind: (official or news) and lang: compare whole values, ignoring case. Quote values with spaces. Categories and actors take their id or the name the site shows (listed below); a category, actor or source that names none is refused with the list. lang: takes a language tag (en, zh-Hant): lang:zh also finds zh-Hant and zh-Hans, lang:en also en-GB and the other English variants; a tag that is no language is refused.",
		[]helpExample{{"title:sanctions", "sanctions in the title"}, {`title:"national security"`, "the phrase in the title"}, {"kind:official extradition", "official documents only"}, {`actor:uk category:"safe haven"`, "the UK's offers of a safe haven (BN(O) route)"}, {`actor:"United States" category:Sanctions`, "US sanctions, by the names the timeline shows"}, {"lang:zh 國安法", "Chinese documents on the law"}}},
	{"Publication dates", "published: takes a date (YYYY-MM-DD), a month (YYYY-MM), a year, a comparison (>=, >, <=, <) or a range with two dots. Only dates read from the page itself count: documents whose only date is when we crawled them are left out of date searches, the histogram and the year facet, and the results say how many there were.",
		[]helpExample{{"published:>=2020-07-01", "on or after 1 July 2020"}, {"published:2020-07", "in July 2020"}, {"published:2020-06-30..2020-07-31 extradition", "within the range, both days included"}, {"published:<2020", "before 2020"}}},
	{"Chinese", "Chinese is matched in pairs of characters, so words and phrases are found without spaces; a single character finds every word containing it. Traditional and Simplified characters find each other: 國家安全 and 国家安全 are the same query.",
		[]helpExample{{"國家安全", "also finds 国家安全"}, {`"维护国家安全"`, "the phrase, in either script"}}},
	{"Equivalent terms", "The topic's glossary lists names that mean the same thing, in several languages and scripts. A word or quoted phrase from the glossary also finds its equivalents, e.g. NSL finds 國安法, 国安法 and “national security law”.",
		[]helpExample{{"NSL", "every name of the national security law"}}},
}

type helpView struct {
	Sections []helpSection
	// Vocabulary lists every category and actor a query can name, with
	// the label the UI shows and an example that searches for it.
	Vocabulary []vocabularyList
}

type vocabularyList struct {
	Field, Title string
	Terms        []vocabularyTerm
}

type vocabularyTerm struct {
	ID, Label, Search string
}

// helpPage is GET /help/search.
func (s *Server) helpPage(w http.ResponseWriter, r *http.Request) {
	view := helpView{Sections: searchHelp}
	for _, f := range []struct{ field, title string }{{query.FieldCategory, "Categories"}, {query.FieldActor, "Actors"}} {
		l := vocabularyList{Field: f.field, Title: f.title}
		for _, t := range s.vocab.Terms(f.field) {
			l.Terms = append(l.Terms, vocabularyTerm{ID: t.ID, Label: t.Label, Search: "/?" + url.Values{f.field: {t.ID}}.Encode()})
		}
		if len(l.Terms) > 0 {
			view.Vocabulary = append(view.Vocabulary, l)
		}
	}
	s.render(w, r, http.StatusOK, "help", page{Title: "Search help", Nav: "search", Data: view})
}
