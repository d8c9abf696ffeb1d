package index

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"policywatch/model"
)

// Every value the search page counts is indexed once more in facet_keys,
// prefixed by its facet: "c:sanction", "a:uk", "s:state.gov",
// "k:official", "l:en" and, for dated documents, the publication day
// "d:2020-07-01" (the publisher's calendar day, as fPublished). Counting them is then one terms facet over one
// doc-value field: Bleve reads one field per match instead of one per
// facet, and the year facet, the histogram at any bucket size, the span
// of the matches' dates and the number of undated matches all follow
// from the day counts, without the date-range comparisons and the extra
// sorted searches they took before.
const (
	keyCategory = "c:"
	keyActor    = "a:"
	keySource   = "s:"
	keyKind     = "k:"
	keyLang     = "l:"
	keyDay      = "d:"
)

// facetPrefixes maps facet names to their key prefixes.
var facetPrefixes = []struct{ name, prefix string }{
	{"category", keyCategory},
	{"actor", keyActor},
	{"source", keySource},
	{"kind", keyKind},
	{"lang", keyLang},
}

// maxFacetKeys is larger than the number of distinct keys any index
// holds (a few hundred values and one key per publication day), so the
// terms facet never folds keys into "other".
const maxFacetKeys = 1 << 20

// facetKeys lists d's keys. Values are lowercased as the keyword fields
// are, so facet terms and filter values compare the same way.
func facetKeys(d *model.Document, dated bool) []string {
	var keys []string
	add := func(prefix, v string) {
		if v = strings.TrimSpace(v); v != "" {
			keys = append(keys, prefix+strings.ToLower(v))
		}
	}
	for _, c := range d.Categories() {
		add(keyCategory, c)
	}
	for _, a := range d.Actors() {
		add(keyActor, a)
	}
	add(keySource, d.Source)
	add(keyKind, string(d.Kind))
	for _, l := range langKeys(d.Lang) {
		add(keyLang, l)
	}
	if dated {
		keys = append(keys, keyDay+d.Published.Format(time.DateOnly)) // the publisher's day
	}
	return keys
}

// langKeys lists what a document's language tag counts under: the tag
// and every shorter tag the lang filter selects it by (langQuery: the
// value itself or the value and "-"), so zh-Hant-HK counts under zh,
// zh-Hant and zh-Hant-HK. Each value of the lang facet then filters to
// exactly its count. (The search page's language list and the API's
// lang_group show the base languages, with the variants inside.)
func langKeys(tag string) []string {
	tag = strings.TrimSpace(tag)
	var out []string
	for i := 0; i < len(tag); i++ {
		if tag[i] == '-' && i > 0 {
			out = append(out, tag[:i])
		}
	}
	return append(out, tag)
}

// summary is what a search knows about all its matches, whatever page is
// shown: the facets, the dated matches per day and the undated ones. It
// does not depend on paging or sort, so one summary serves every page.
type summary struct {
	total  uint64
	facets map[string][]FacetCount
	// days are the dated matches per publication day, oldest first.
	days []dayCount
	// undated is total minus the dated matches; meaningful only for a
	// search without a date filter (Result.Undated).
	undated uint64
}

type dayCount struct {
	day   time.Time
	count int
}

// summarize reads the counts of facet keys.
func summarize(total uint64, counts map[string]int) *summary {
	s := &summary{total: total, facets: map[string][]FacetCount{}}
	for key, n := range counts {
		if day, ok := strings.CutPrefix(key, keyDay); ok {
			if d, err := time.Parse(time.DateOnly, day); err == nil {
				s.days = append(s.days, dayCount{d, n})
			}
			continue
		}
		for _, f := range facetPrefixes {
			if v, ok := strings.CutPrefix(key, f.prefix); ok {
				s.facets[f.name] = append(s.facets[f.name], FacetCount{Term: v, Count: n})
				break
			}
		}
	}
	for name, counts := range s.facets {
		slices.SortStableFunc(counts, func(a, b FacetCount) int {
			return cmp.Or(cmp.Compare(b.Count, a.Count), strings.Compare(a.Term, b.Term))
		})
		s.facets[name] = counts[:min(len(counts), termFacetSize)]
	}
	slices.SortFunc(s.days, func(a, b dayCount) int { return a.day.Compare(b.day) })
	var dated uint64
	years := map[int]int{}
	for _, d := range s.days {
		dated += uint64(d.count)
		years[d.day.Year()] += d.count
	}
	if dated <= total {
		s.undated = total - dated
	}
	if len(years) > 0 {
		var yc []FacetCount
		for y, n := range years {
			yc = append(yc, FacetCount{Term: strconv.Itoa(y), Count: n})
		}
		slices.SortFunc(yc, func(a, b FacetCount) int { return strings.Compare(a.Term, b.Term) })
		s.facets["year"] = yc
	}
	return s
}

// span returns the oldest and newest publication day among the matches;
// zero times when none is dated.
func (s *summary) span() (first, last time.Time) {
	if len(s.days) == 0 {
		return time.Time{}, time.Time{}
	}
	return s.days[0].day, s.days[len(s.days)-1].day
}

// histogram counts the dated matches per bucket from the oldest match's
// period to the newest's, empty periods included.
func (s *summary) histogram(bucket string) ([]Bucket, error) {
	first, last := s.span()
	if first.IsZero() {
		return nil, nil
	}
	buckets, err := makeBuckets(first, last, bucket)
	if err != nil {
		return nil, err
	}
	i := 0
	for _, d := range s.days { // both in date order: one merge pass
		for i < len(buckets) && !d.day.Before(buckets[i].End) {
			i++
		}
		if i < len(buckets) && !d.day.Before(buckets[i].Start) {
			buckets[i].Count += d.count
		}
	}
	return buckets, nil
}

// clone copies the facets so a caller changing a result cannot change
// the cached summary.
func (s *summary) cloneFacets() map[string][]FacetCount {
	out := make(map[string][]FacetCount, len(s.facets))
	for k, v := range s.facets {
		out[k] = slices.Clone(v)
	}
	return out
}
