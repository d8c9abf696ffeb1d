package tagging

import (
	"slices"
	"strings"
	"testing"

	"policywatch/model"
)

// categoryTag returns a page's tag of a category.
func categoryTag(t *testing.T, tags []model.Tag, category string) model.Tag {
	t.Helper()
	for _, tag := range tags {
		if tag.Type == model.TagCategory && tag.Value == category {
			return tag
		}
	}
	t.Fatalf("no %s tag in %+v", category, tags)
	return model.Tag{}
}

// The actors of a measure are who take it together: the issuer and those
// acting with it in one sentence (a joint statement's signers). Another
// government's own measure of the same kind, which a report recalls for
// comparison or as the cause of a reprisal, is not the issuer's: it is a
// measure of its own (OtherMeasureActors) when the page reports it as its
// news, and nothing the timeline files when the page only recalls it.
// The pages are our own writing.
func TestMeasureActorsActTogether(t *testing.T) {
	tg := shippedTagger(t)
	tests := []struct {
		name        string
		kind        model.DocKind
		site        string
		title, text string
		category    string
		acting      []string // MeasureActors, in order
		others      []string // OtherMeasureActors, any order
	}{
		{"another government's offer recalled further down",
			model.KindNews, "", "Australia suspends extradition deal and opens a path to residence for Hong Kong people",
			"CANBERRA — Australia on Thursday suspended its extradition agreement with Hong Kong and offered the city's residents already in the country a path to permanent residence.\n" +
				"Prime Minister Scott Morrison said the security law was a fundamental change of circumstances.\n" +
				"The United Kingdom has offered holders of British National (Overseas) passports a path to citizenship.",
			"safe-haven", []string{"australia"}, nil},
		{"the suspension a reprisal answers is its target's, not a second actor",
			model.KindNews, "", "China suspends Hong Kong's extradition treaty with New Zealand",
			"BEIJING — New Zealand recently announced the suspension of its extradition treaty with Hong Kong.\n" +
				"In response, China said on Monday it was suspending Hong Kong's extradition treaty with New Zealand, calling the move a gross interference.",
			"extradition", []string{"china"}, nil},
		{"the government a reprisal is aimed at, read in one sentence with the issuer",
			model.KindOfficial, "Ministry of Foreign Affairs of the People's Republic of China", "China suspends Hong Kong's extradition agreement with New Zealand",
			"Question: New Zealand has announced the suspension of its extradition treaty with Hong Kong. What is China's response?\n" +
				"Answer: The New Zealand side, in disregard of China's repeated solemn representations, has announced the suspension of its extradition treaty with the Hong Kong SAR.\n" +
				"The Chinese government has decided to suspend the agreement between Hong Kong and New Zealand on the surrender of fugitive offenders.",
			"extradition", []string{"china"}, nil},
		{"a joint statement: its signers act together",
			model.KindNews, "", "Four governments voice concern over Hong Kong law",
			"Canada, Australia, the United Kingdom and the United States said in a joint statement on Thursday that they were deeply concerned about the law Beijing is imposing on Hong Kong.\n" +
				"The statement was released in the four capitals.",
			"statement", []string{"canada", "australia", "uk", "us"}, nil},
		{"governments reacting one by one under a headline that names none",
			model.KindNews, "", "Foreign governments condemn Hong Kong bounties",
			"Governments abroad on Tuesday condemned the bounties offered for information on six activists who live overseas, calling them an attempt to silence critics far beyond the city.\n" +
				"The European Union said in a statement that it condemned the new bounties on activists living abroad.\n" +
				"The United States also condemned the move, its consul general said.\n" +
				"Canada's foreign minister criticised the bounties as transnational repression.",
			"statement", []string{"eu"}, []string{"us", "canada"}},
		{"a by-phrase after a reaction belongs to what it reacts to",
			model.KindOfficial, "Government Press Releases", "HKSAR Government strongly objects to so-called sanctions by the United States",
			"The Government of the Hong Kong Special Administrative Region today expressed strong objection to the so-called sanctions announced by the US Department of the Treasury.\n" +
				"A spokesman said the sanctions were a blatant interference in China's internal affairs.",
			"statement", []string{"hong-kong"}, nil},
		{"a headline's quotation, then who says it",
			model.KindNews, "", "US advisory to firms in Hong Kong ‘baseless scaremongering’, government says",
			"The Hong Kong government on Saturday rejected a business advisory issued by Washington, calling it baseless scaremongering aimed at smearing the city.\n" +
				"Officials said firms had nothing to fear from the law.",
			"statement", []string{"hong-kong"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &model.Document{Title: tt.title, Text: tt.text, Kind: tt.kind, Site: tt.site}
			tag := categoryTag(t, tg.Tag(d), tt.category)
			if got := MeasureActors(tag); !slices.Equal(got, tt.acting) {
				t.Errorf("MeasureActors = %v, want %v (matches %+v)", got, tt.acting, tag.Matches)
			}
			got := OtherMeasureActors(tag)
			slices.Sort(got)
			want := slices.Clone(tt.others)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("OtherMeasureActors = %v, want %v (matches %+v)", got, want, tag.Matches)
			}
		})
	}
}

// Every match a tag keeps as evidence is one a reader can check: a phrase
// and the field it is in. Who acts in a measure is shown where the page
// names or stands for it ("the President", "we"), or by its publisher.
// (The notes that a measure is only mentioned or filed under another
// category say something about the tag, not where: they are not shown.)
func TestNotesSayWhere(t *testing.T) {
	tg := shippedTagger(t)
	docs := []*model.Document{
		{Kind: model.KindOfficial, Site: "U.S. Department of State", Source: "us-state",
			Title: "The President's actions on Hong Kong",
			Text: "Today the President signed the Hong Kong Autonomy Act into law and issued an executive order ending Hong Kong's preferential treatment.\n" +
				"The order authorizes sanctions on those responsible for undermining the city's autonomy."},
		{Kind: model.KindOfficial, Site: "Government of Canada", Source: "canada",
			Title: "Statement on Hong Kong",
			Text:  "We are deeply concerned by the imposition of the national security law on Hong Kong.\nWe have suspended our extradition treaty with Hong Kong."},
		{Kind: model.KindNews, Title: "US, UK slam Hong Kong bounties",
			Text: "WASHINGTON — The US and Britain on Friday condemned the bounties Hong Kong police put on five activists abroad.\nThe police said they would pursue the activists."},
	}
	for _, d := range docs {
		for _, tag := range tg.Tag(d) {
			for _, m := range tag.Matches {
				if m.Rule == RuleMentioned || strings.HasPrefix(m.Rule, RuleWithinPrefix) {
					continue
				}
				if m.Phrase == "" || m.Field == "" {
					t.Errorf("%q: %s %s has a match without phrase or field: %+v", d.Title, tag.Type, tag.Value, m)
					continue
				}
				if m.Field == FieldTitle || m.Field == FieldText {
					src := d.Title
					if m.Field == FieldText {
						src = d.Text
					}
					if strings.HasPrefix(m.Rule, RuleActorPrefix) && !strings.HasPrefix(src[m.Offset:], m.Phrase) {
						t.Errorf("%q: %s note %q is not what the %s says at %d (%q)", d.Title, m.Rule, m.Phrase, m.Field, m.Offset, src[m.Offset:min(len(src), m.Offset+20)])
					}
				}
			}
		}
	}
}
