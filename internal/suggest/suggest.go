// Package suggest finds the valid word a mistyped one was meant to be, for
// "did you mean" hints on flags, commands and config keys.
package suggest

import "strings"

// Nearest returns the candidate closest to word, or "" when none is close
// enough to be a likely typo. Case, and '-' against '_', do not count as
// differences; a swap of two neighbouring letters counts as one edit
// ("dealy" is one edit from "delay"). Ties go to the earlier candidate.
func Nearest(word string, candidates []string) string {
	w := fold(word)
	limit := max(1, min(2, len([]rune(w))/2))
	best, bestDist := "", limit+1
	for _, c := range candidates {
		if d := distance(w, fold(c)); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

func fold(s string) string {
	return strings.ReplaceAll(strings.ToLower(s), "-", "_")
}

// distance is the optimal string alignment distance: insertions,
// deletions, substitutions and transpositions of adjacent runes.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	// d[i][j]: distance between ra[:i] and rb[:j]; three rows suffice.
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
