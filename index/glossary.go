package index

import (
	"slices"
	"strings"

	"policywatch/query"
)

// glossary maps a normalized term to every term equivalent to it (itself
// included), as the topic's taxonomy lists them.
type glossary map[string][]string

// SetGlossary sets the groups of equivalent terms a query word or phrase
// expands to: with {"國安法", "国安法", "NSL", "national security law"},
// a search for NSL also finds documents that only say 国安法. A term in
// several groups gets all of them. It is safe to call while searching.
func (ix *Index) SetGlossary(groups [][]string) {
	g := glossary{}
	for _, group := range groups {
		for _, t := range group {
			k := normalizeTerm(t)
			if k == "" {
				continue
			}
			for _, e := range group {
				if e = strings.TrimSpace(e); e != "" && !slices.Contains(g[k], e) {
					g[k] = append(g[k], e)
				}
			}
		}
	}
	ix.glossary.Store(&g)
	ix.changed() // the same query now finds more: cached answers are stale
}

// equivalents returns the terms a query word or phrase stands for, itself
// first, or nil when the glossary has nothing for it.
func (ix *Index) equivalents(term string) []string {
	g := ix.glossary.Load()
	if g == nil {
		return nil
	}
	eqs := (*g)[normalizeTerm(term)]
	if len(eqs) == 0 {
		return nil
	}
	// Spellings the index cannot tell apart (國安法 and 国安法 fold to the
	// same terms) are searched once: twice would cost a search of its own
	// and add nothing to what matches.
	out := []string{term}
	seen := map[string]bool{normalizeTerm(term): true}
	for _, e := range eqs {
		if k := normalizeTerm(e); !seen[k] {
			seen[k] = true
			out = append(out, e)
		}
	}
	return out
}

// normalizeTerm compares terms the way the index does: case and
// Traditional/Simplified differences and runs of spaces do not count.
func normalizeTerm(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(query.FoldHan(s))), " ")
}
