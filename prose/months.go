package prose

import (
	"regexp"
	"sort"
	"strings"
	"time"
)

// monthNames are month names and abbreviations as news pages write them
// in English, German, French, Spanish and Italian.
var monthNames = [12][]string{
	{"january", "jan", "januar", "jänner", "jän", "janvier", "janv", "enero", "ene", "gennaio", "gen"},
	{"february", "feb", "februar", "feber", "février", "fevrier", "févr", "fevr", "febrero", "febbraio", "febr"},
	{"march", "mar", "märz", "maerz", "mrz", "mär", "mars", "marzo"},
	{"april", "apr", "avril", "avr", "abril", "abr", "aprile"},
	{"may", "mai", "mayo", "maggio", "mag"},
	{"june", "jun", "juni", "juin", "junio", "giugno", "giu"},
	{"july", "jul", "juli", "juillet", "juil", "julio", "luglio", "lug"},
	{"august", "aug", "août", "aout", "agosto", "ago"},
	{"september", "sep", "sept", "septembre", "septiembre", "setiembre", "settembre", "set"},
	{"october", "oct", "oktober", "okt", "octobre", "octubre", "ottobre", "ott"},
	{"november", "nov", "novembre", "noviembre"},
	{"december", "dec", "dezember", "dez", "décembre", "decembre", "déc", "diciembre", "dic", "dicembre"},
}

var monthByName = func() map[string]time.Month {
	m := map[string]time.Month{}
	for i, ns := range monthNames {
		for _, n := range ns {
			m[n] = time.Month(i + 1)
		}
	}
	return m
}()

// Month returns the month a name or abbreviation stands for, in any case
// and with or without a final period: "July", "Sept.", "März", "juil".
func Month(name string) (time.Month, bool) {
	m, ok := monthByName[strings.ToLower(strings.TrimSuffix(name, "."))]
	return m, ok
}

// MonthPattern is a regular-expression alternation (in a group) of every
// month name Month knows, longest first so that "juillet" is not read as
// "juil". Compile it with (?i) for text that may not capitalise months.
var MonthPattern = func() string {
	var ns []string
	for n := range monthByName {
		ns = append(ns, regexp.QuoteMeta(n))
	}
	sort.Slice(ns, func(i, j int) bool {
		if len(ns[i]) != len(ns[j]) {
			return len(ns[i]) > len(ns[j])
		}
		return ns[i] < ns[j]
	})
	return "(" + strings.Join(ns, "|") + ")"
}()

// englishMonths matches English month names as English prose writes
// them: capitalised ("may" and "march" are also verbs).
const englishMonths = `(January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)`
