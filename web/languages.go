package web

import (
	"context"
	"fmt"
	"strings"

	"policywatch/index"
)

// languageNotes says, for a search filtered by language that found
// nothing, which of its languages the archive holds no document in, and
// which languages it does hold: lang=fr is a fine question whose answer
// is "none in French", not a mistyped filter (those are refused), and
// "0 documents" alone would not tell the two apart.
func (s *Server) languageNotes(ctx context.Context, langs []string, total uint64) ([]string, error) {
	if total > 0 || len(langs) == 0 {
		return nil, nil
	}
	all, err := s.index.Search(ctx, index.Request{PerPage: 1})
	if err != nil {
		return nil, fmt.Errorf("languages of the archive: %w", err)
	}
	groups := groupLangs(all.Facets["lang"])
	held := make([]string, 0, len(groups))
	for _, g := range groups {
		if g.Term != "" {
			held = append(held, g.Term)
		}
	}
	var notes []string
	for _, l := range langs {
		if holdsLanguage(all.Facets["lang"], l) {
			continue
		}
		note := fmt.Sprintf("The archive holds no document in %s", l)
		if len(held) > 0 {
			note += "; its languages are " + strings.Join(held, ", ")
		}
		notes = append(notes, note+".")
	}
	return notes, nil
}

// holdsLanguage reports whether a language facet has documents the lang
// filter l selects: l itself or one of its variants (zh: zh-hant).
func holdsLanguage(counts []index.FacetCount, l string) bool {
	l = strings.ToLower(l)
	for _, c := range counts {
		t := strings.ToLower(c.Term)
		if c.Count > 0 && (t == l || strings.HasPrefix(t, l+"-")) {
			return true
		}
	}
	return false
}
