package tagging

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"policywatch/model"
)

func shippedTagger(t *testing.T) *Tagger {
	t.Helper()
	tax, err := LoadTaxonomy(filepath.Join("..", "topics", "hk-nsl.taxonomy.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return New(tax)
}

// Who acts in a measure is the subject of its verb, the agent of a
// passive, the owner of the act or the one who speaks; not the first or
// the most frequent government a report names. The pages are our own
// writing, in the way wire copy and government releases put things.
func TestWhoActsInReporting(t *testing.T) {
	tg := shippedTagger(t)
	tests := []struct {
		name        string
		kind        model.DocKind
		title, text string
		category    string
		acting      string // who acts in the category's measure ("" none)
		notActors   []string
	}{
		{"the target first, the actor in a passive",
			model.KindNews, "Three countries lose their treaties with Hong Kong",
			"Canada, Australia and Britain had their extradition treaties with Hong Kong suspended by Beijing on Tuesday, a week after the three governments acted against the city.\nOfficials in Ottawa and Canberra declined to comment.",
			"extradition", "china", []string{"canada", "australia", "uk"}},
		{"the place as the subject, its partners as targets",
			model.KindNews, "Hong Kong suspends agreements with Germany and France",
			"HONG KONG (Wire) - Hong Kong said on Tuesday it was suspending its extradition agreements with Germany and France, calling their decisions open interference in China's internal affairs.\nMore to come.",
			"extradition", "hong-kong", []string{"germany", "china"}},
		{"a target several words after its preposition",
			model.KindNews, "Washington imposes sanctions on eleven officials of the People's Republic of China",
			"WASHINGTON — The Treasury on Monday imposed sanctions on eleven senior officials of the People's Republic of China and Hong Kong it accuses of curbing freedoms in the city.\nThe officials were not available for comment.",
			"sanction", "us", []string{"china", "hong-kong"}},
		{"a Chinese report: the side that decides, the side it aims at",
			model.KindNews, "中方決定暫停香港與加拿大的移交逃犯協定",
			"外交部發言人今日表示，中方決定暫停香港特區與加拿大、澳洲及英國的移交逃犯協定和刑事司法協助協定，以回應三國干涉中國內政。",
			"extradition", "china", []string{"canada", "australia", "uk"}},
		{"a government the taxonomy does not know acts: no known actor takes its place",
			model.KindNews, "Ireland suspends extradition treaty with Hong Kong",
			"DUBLIN — Ireland has suspended its extradition treaty with Hong Kong because of concerns over the security law that Beijing imposed on the city in June, the foreign ministry said on Friday.\nThe move follows similar steps by several European countries.",
			"extradition", "", []string{"china", "hong-kong"}},
		{"a dateline names a city, not the actor",
			model.KindNews, "France halts extradition deal with Hong Kong",
			"BERLIN — France has halted its extradition treaty with Hong Kong, officials in Paris said on Wednesday, joining Britain and Canada in stepping back from the accord.\nGermany has not yet decided.",
			"extradition", "", []string{"germany"}},
		{"the Hong Kong government by its full name",
			model.KindOfficial, "Government responds to foreign sanctions",
			"The Hong Kong Special Administrative Region Government today strongly condemned the so-called sanctions imposed by the United States on officials of the city, describing them as barbaric interference.\nA spokesman added that the Government will not be intimidated.",
			"statement", "hong-kong", []string{"us"}},
		{"the Hong Kong government in Chinese",
			model.KindNews, "特區政府強烈譴責美國所謂制裁",
			"香港特別行政區政府今日強烈譴責美國政府對中央及特區政府官員實施所謂制裁，指有關做法粗暴干涉中國內政。",
			"statement", "hong-kong", []string{"us"}},
		{"the speaker of a quotation acts in it",
			model.KindNews, "Treaty suspended as Beijing warns London",
			"“We will suspend the extradition treaty with Hong Kong with immediate effect,” Foreign Secretary Dominic Raab told parliament on Monday, after weeks of pressure from lawmakers over Beijing's new law.\nChina warned of consequences.",
			"extradition", "uk", []string{"china"}},
		{"a headline judging another government's measure is not that government speaking",
			model.KindOfficial, "US sanctions shameless, despicable",
			"The Hong Kong government on Saturday described the US sanctions on eleven officials as shameless and despicable.",
			"statement", "hong-kong", nil},
		{"a headline's measure noun before a preposition: the speaker is in the text",
			model.KindNews, "US sanctions on officials unlawful",
			"Beijing on Monday strongly condemned the US sanctions on its officials as gross interference in China's internal affairs.",
			"statement", "china", nil},
		{"a measure word before its object is the verb",
			model.KindNews, "US sanctions 11 officials over Hong Kong crackdown",
			"The United States on Friday imposed sanctions on eleven officials, including the city's leader.",
			"sanction", "us", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &model.Document{Title: tt.title, Text: tt.text, Kind: tt.kind}
			tags := tg.Tag(d)
			got := actingIn(tags, tt.category)
			if tt.acting == "" {
				// No known actor: either no actor at all, or the tag is
				// there without one.
				for _, tag := range tags {
					if tag.Type == model.TagActor {
						t.Errorf("actor %s tagged where an unknown government acts (tags %+v)", tag.Value, tags)
					}
				}
				if strings.HasPrefix(got, "no ") {
					t.Errorf("%s not tagged", tt.category)
				}
			} else if got != tt.acting {
				t.Errorf("acting in %s = %q, want %q (tags %+v)", tt.category, got, tt.acting, tags)
			}
			actors := values(tags, model.TagActor)
			for _, a := range tt.notActors {
				if slices.Contains(actors, a) {
					t.Errorf("%s is tagged as an actor; it is a target or named in passing (actors %v)", a, actors)
				}
			}
		})
	}
}

// A measure a page names only as the reason for another, as a threat or
// as what a reaction condemns is not one the page reports: the tag says
// so (RuleMentioned), and its actor is not an actor of the page.
func TestMentionedMeasures(t *testing.T) {
	tg := shippedTagger(t)
	tests := []struct {
		name, title, text string
		category          string
		mentioned         bool
	}{
		{"sanctions a bill would impose",
			"Senate passes bill to punish banks over Hong Kong",
			"WASHINGTON — The Senate on Thursday passed legislation that would impose mandatory sanctions on banks doing business with officials who curb the city's autonomy.\nThe bill would also impose sanctions on the officials themselves and needs the president's signature.",
			"sanction", true},
		{"arrests that sanctions respond to",
			"US sanctions six officials over mass arrests in Hong Kong",
			"WASHINGTON — The United States on Friday sanctioned six officials in response to the mass arrests of opposition figures in the city last week.\nMore details were not given.",
			"prosecution", true},
		{"sanctions a statement condemns",
			"Government strongly condemns sanctions",
			"The Hong Kong SAR Government today strongly condemned the sanctions imposed by the United States on officials of the city, and said they would not deter it.\nMore follows.",
			"sanction", true},
		{"sanctions imposed",
			"US imposes sanctions on officials over Hong Kong",
			"WASHINGTON — The United States on Friday imposed sanctions on eleven officials over the crackdown in the city.\nMore details were not given.",
			"sanction", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tags := tg.Tag(&model.Document{Title: tt.title, Text: tt.text, Kind: model.KindNews})
			for _, tag := range tags {
				if tag.Value == tt.category && tag.Type == model.TagCategory {
					if Mentioned(tag) != tt.mentioned {
						t.Errorf("%s mentioned = %v, want %v (%+v)", tt.category, Mentioned(tag), tt.mentioned, tag)
					}
					return
				}
			}
			if !tt.mentioned {
				t.Errorf("no %s tag in %+v", tt.category, tags)
			}
		})
	}
}

// China's and Hong Kong's reprisals are counter-measures whatever form
// they take; the form's own measure is filed under the counter-measure,
// except an extradition suspension, which keeps its lane.
func TestReprisalForms(t *testing.T) {
	tg := shippedTagger(t)
	tests := []struct {
		name, title, text string
		want              map[string]string // category → "within:X", "own" or "absent"
	}{
		{"sanctions by Beijing",
			"Beijing penalises US lawmakers over Hong Kong",
			"BEIJING — China on Monday imposed sanctions on eleven US lawmakers and officials, the foreign ministry said, weeks after Washington penalised Chinese officials over Hong Kong.\nThe sanctions take effect at once.",
			map[string]string{"counter-measure": "own", "sanction": "within:counter-measure"}},
		{"an extradition suspension by Hong Kong",
			"Hong Kong suspends legal assistance with two countries",
			"HONG KONG — Hong Kong said on Tuesday it is suspending its extradition agreements and mutual legal assistance with the Netherlands and Ireland.\nBoth countries had suspended their own agreements earlier.",
			map[string]string{"counter-measure": "own", "extradition": "own"}},
		{"sanctions by Washington stay sanctions",
			"US imposes sanctions on Chinese officials",
			"WASHINGTON — The United States on Monday imposed sanctions on eleven Chinese officials over the crackdown in Hong Kong.\nBeijing condemned the move.",
			map[string]string{"sanction": "own", "counter-measure": "absent"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tags := tg.Tag(&model.Document{Title: tt.title, Text: tt.text, Kind: model.KindNews})
			got := map[string]string{}
			for _, tag := range tags {
				if tag.Type != model.TagCategory {
					continue
				}
				got[tag.Value] = "own"
				if w := Within(tag); w != "" {
					got[tag.Value] = "within:" + w
				}
			}
			for c, want := range tt.want {
				g := got[c]
				if g == "" {
					g = "absent"
				}
				if g != want {
					t.Errorf("%s: %s, want %s (tags %+v)", c, g, want, tags)
				}
			}
		})
	}
}

// A headline's measure word is its verb before an object and its noun
// before a preposition, a predicate adjective or nothing; verbs that take
// a preposition themselves stay verbs.
func TestHeadlineMeasureWordVerbOrNoun(t *testing.T) {
	tests := []struct {
		headline string
		at       int // the word in question
		verb     bool
	}{
		{"US sanctions 11 officials over crackdown", 1, true},
		{"US Sanctions Hong Kong Officials", 1, true},
		{"US sanctions on officials unlawful", 1, false},
		{"US sanctions shameless, despicable", 1, false},
		{"China bans harmful exports", 1, true},
		{"Police arrests of activists condemned", 1, false},
		{"Judges rule against media tycoon", 1, true},
		{"Beijing moves against activists", 1, true},
	}
	for _, tt := range tests {
		var ws []word
		for _, f := range strings.Fields(tt.headline) {
			w := strings.TrimRight(f, ",")
			ws = append(ws, word{text: w, lower: strings.ToLower(w), comma: strings.HasSuffix(f, ",")})
		}
		if got := isVerb(ws, tt.at, true); got != tt.verb {
			t.Errorf("%q: %q read as verb %v, want %v", tt.headline, ws[tt.at].text, got, tt.verb)
		}
	}
}
