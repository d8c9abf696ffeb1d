package timeline

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"policywatch/model"
)

func TestTokens(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"The U.S. imposes sanctions on Hong Kong.", []string{"us", "imposes", "sanctions", "hong", "kong"}},
		{"US sanctions", []string{"us", "sanctions"}},
		{"Executive Order 13936 of July 14", []string{"executive", "order", "13936", "july", "14"}},
		{"警方拘捕", []string{"警方", "方拘", "拘捕"}},
		{"a x", nil},
	}
	for _, tt := range tests {
		if got := tokens(tt.text); !slices.Equal(got, tt.want) {
			t.Errorf("tokens(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestCosine(t *testing.T) {
	c := newCorpus([]string{
		"Treasury sanctions four officials for implementing the national security law in Hong Kong",
		"Treasury sanctions fourteen vice chairpersons of the National People's Congress Standing Committee",
		"The U.S. puts sanctions on four Hong Kong officials implementing the national security law",
	})
	four := c.vector("Treasury sanctions four officials for implementing the national security law in Hong Kong")
	news := c.vector("The U.S. puts sanctions on four Hong Kong officials implementing the national security law")
	npc := c.vector("Treasury sanctions fourteen vice chairpersons of the National People's Congress Standing Committee")
	if s := cosine(four, four); s < 0.999 || s > 1.001 {
		t.Errorf("a text against itself: %.3f, want 1", s)
	}
	if a, b := cosine(four, news), cosine(four, npc); a <= b {
		t.Errorf("report of the same round %.2f should be closer than another round %.2f", a, b)
	}
	if s := cosine(four, c.vector("")); s != 0 {
		t.Errorf("against an empty text: %.2f, want 0", s)
	}
}

// Documents of one actor and category in one time window are one event
// when they describe one measure, and separate events when their titles
// and openings describe different ones.
func TestClusterBySimilarity(t *testing.T) {
	const off, news = model.KindOfficial, model.KindNews
	tests := []struct {
		name   string
		docs   []model.Document
		minSim float64
		want   []string // each event's document ids, by date
	}{
		{"two sanctions rounds three days apart are two events", []model.Document{
			doc(1, off, "2020-12-04T10:00:00-05:00", "Treasury designates four officials for implementing the security law",
				"Treasury today designated four officials of the Hong Kong police national security department for implementing the security law.", "sanction", "designated", "us"),
			doc(2, off, "2020-12-07T10:00:00-05:00", "Sanctions on fourteen vice chairpersons of the National People's Congress Standing Committee",
				"The State Department today imposed sanctions on fourteen vice chairpersons of the Standing Committee of the National People's Congress.", "sanction", "sanctions", "us"),
		}, 0, []string{"1", "2"}},
		{"the same round announced and gazetted is one event", []model.Document{
			doc(1, off, "2020-07-14T18:00:00-04:00", "Executive Order on Hong Kong Normalization",
				"The President today signed Executive Order 13936 on Hong Kong Normalization, ending Hong Kong's preferential treatment.", "export-control", "preferential", "us"),
			doc(2, off, "2020-07-17T06:00:00-04:00", "The President's Executive Order on Hong Kong Normalization",
				"Executive Order 13936 of July 14, 2020 directs agencies to end the preferential treatment Hong Kong has received.", "export-control", "preferential", "us"),
		}, 0, []string{"1,2"}},
		{"visa restrictions and a visa route are two measures", []model.Document{
			doc(1, off, "2020-07-01T10:00:00Z", "Visa restrictions on officials undermining autonomy",
				"We are imposing visa restrictions on current and former officials responsible for undermining autonomy.", "visa-restriction", "visa restrictions", "us"),
			doc(2, off, "2020-07-03T10:00:00Z", "New visa route for residents with a path to permanent residence",
				"Residents may extend their stay on a new five-year visa route with a pathway to permanent residence.", "visa-restriction", "visa route", "us"),
		}, 0, []string{"1", "2"}},
		{"the Chinese version of a release joins the English one", []model.Document{
			doc(1, off, "2021-01-06T12:00:00+08:00", "Police arrest 53 persons for suspected subversion",
				"Police today arrested 53 persons for suspected subversion of state power.", "prosecution", "arrested", "hong-kong"),
			doc(2, off, "2021-01-06T12:00:00+08:00", "警方拘捕五十三人涉嫌顛覆國家政權",
				"警方今日拘捕五十三人，涉嫌顛覆國家政權。", "prosecution", "拘捕", "hong-kong"),
		}, 0, []string{"1,2"}},
		{"news joins the measure it reports", []model.Document{
			doc(1, off, "2020-06-29T10:00:00-04:00", "Commerce suspends license exceptions for Hong Kong",
				"The Commerce Department suspended Export Administration Regulations provisions giving Hong Kong license exceptions.", "export-control", "license", "us"),
			doc(2, off, "2020-06-29T11:00:00-04:00", "Ending controlled defense exports to Hong Kong",
				"The United States will end exports of defense equipment to Hong Kong.", "export-control", "defense", "us"),
			doc(3, news, "2020-06-30T08:00:00Z", "US halts defense equipment exports to Hong Kong",
				"The United States said on Monday it would halt exports of defense equipment to Hong Kong.", "export-control", "defense", "us"),
		}, 0, []string{"1", "2,3"}},
		{"with the text test off, time alone decides", []model.Document{
			doc(1, off, "2020-12-04T10:00:00-05:00", "Treasury designates four officials for implementing the security law",
				"Treasury today designated four officials of the Hong Kong police national security department.", "sanction", "designated", "us"),
			doc(2, off, "2020-12-07T10:00:00-05:00", "Sanctions on fourteen vice chairpersons of the Standing Committee",
				"The State Department today imposed sanctions on fourteen vice chairpersons.", "sanction", "sanctions", "us"),
		}, -1, []string{"1,2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			docs := append(archive(), tt.docs...)
			for _, e := range Cluster(docs, Options{Now: fixedNow, MinSimilarity: tt.minSim}) {
				var ids []string
				for _, id := range docIDs(e) {
					ids = append(ids, strconv.FormatInt(id, 10))
				}
				slices.Sort(ids)
				got = append(got, strings.Join(ids, ","))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("events = %q, want %q", got, tt.want)
			}
		})
	}
}

// archive is the rest of a store: untagged pages on the topic, from which
// clustering learns that "Hong Kong" and "security law" say little.
func archive() []model.Document {
	var out []model.Document
	for i, s := range []string{
		"Hong Kong marks the anniversary of the security law with a flag raising",
		"Hong Kong officials defend the national security law at a news conference",
		"Business groups in Hong Kong weigh the effect of the law on trade",
		"Hong Kong court hears bail application in a national security case",
		"Hong Kong government says the city has returned to stability",
		"Analysts in Hong Kong discuss the future of the financial centre",
	} {
		out = append(out, model.Document{ID: int64(100 + i), Title: s, Text: s + "."})
	}
	return out
}
