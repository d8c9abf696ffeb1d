package timeline

import (
	"slices"
	"strings"
	"testing"
	"time"

	"policywatch/model"
	"policywatch/tagging"
)

// measure is one category tag of a page: its evidence phrases (found in
// the title, else the text) and who acts in it, as the tagger notes it.
type measure struct {
	category string
	phrases  []string
	acting   []string // tagging.RuleActorPrefix notes
	others   []string // tagging.RuleAlsoPrefix notes
}

// page builds a document with several category tags, the way the tagger
// tags one: evidence matches where the phrases are, notes of who acts,
// then the actor tags (the issuer first).
func page(id int64, kind model.DocKind, published, title, text string, ms []measure, actors ...string) model.Document {
	pub, err := time.Parse(time.RFC3339, published)
	if err != nil {
		panic(err)
	}
	d := model.Document{ID: id, URL: "http://example.test/" + title, Source: "src", Kind: kind,
		Title: title, Text: text, Published: pub, DateSource: model.DateFromMeta}
	for i, m := range ms {
		tag := model.Tag{Type: model.TagCategory, Value: m.category, Score: float64(10 - i)}
		for _, p := range m.phrases {
			if at := strings.Index(title, p); at >= 0 {
				tag.Matches = append(tag.Matches, model.Match{Phrase: p, Field: "title", Offset: at, Rule: "any"})
			} else if at := strings.Index(text, p); at >= 0 {
				tag.Matches = append(tag.Matches, model.Match{Phrase: p, Field: "text", Offset: at, Rule: "any"})
			}
		}
		for _, a := range m.acting {
			tag.Matches = append(tag.Matches, model.Match{Rule: tagging.RuleActorPrefix + a})
		}
		for _, a := range m.others {
			tag.Matches = append(tag.Matches, model.Match{Rule: tagging.RuleAlsoPrefix + a})
		}
		d.Tags = append(d.Tags, tag)
	}
	for _, a := range actors {
		d.Tags = append(d.Tags, model.Tag{Type: model.TagActor, Value: a, Score: 5})
	}
	return d
}

func eventByKey(t *testing.T, evs []model.Event, key string) model.Event {
	t.Helper()
	for _, e := range evs {
		if e.Key == key {
			return e
		}
	}
	t.Fatalf("no event %s in %v", key, keys(evs))
	return model.Event{}
}

// One announcement that does several things (an executive order that
// ends preferential treatment, and a law signed with it that authorises
// sanctions) is one event per category, linked as one announcement, not
// three unrelated events: each is found under its own category, all name
// every category, share the title, day, actors and documents, and point
// at the main event, whose key is the one the issuer's own statement
// leads with; more reports do not change it.
func TestAnnouncementOfSeveralKinds(t *testing.T) {
	const off, news = model.KindOfficial, model.KindNews
	order := page(1, off, "2020-07-14T18:00:00-04:00", "The President's actions on Hong Kong normalization and the autonomy act",
		"Today the President issued an executive order on Hong Kong normalization and signed the Hong Kong Autonomy Act into law.\n"+
			"The order ends the preferential treatment Hong Kong has had under our laws.\nThe act authorizes sanctions on officials who undermine the city's autonomy.",
		[]measure{
			{"sanction", []string{"autonomy act", "sanctions"}, []string{"us"}, nil},
			{"export-control", []string{"normalization", "preferential treatment"}, []string{"us"}, nil},
			{"legislation", []string{"signed the Hong Kong Autonomy Act"}, []string{"us"}, nil},
		}, "us")
	report := page(2, news, "2020-07-15T07:00:00+08:00", "US ends Hong Kong's special status and signs sanctions law",
		"WASHINGTON — President Trump on Tuesday ended Hong Kong's special status and signed a law that authorizes sanctions on officials.\nBeijing vowed to retaliate.",
		[]measure{
			{"export-control", []string{"special status"}, []string{"us"}, nil},
			{"sanction", []string{"sanctions law", "sanctions"}, []string{"us"}, nil},
			{"legislation", []string{"signs sanctions law"}, []string{"us"}, nil},
		}, "us")
	evs := Cluster([]model.Document{order, report}, Options{Now: fixedNow})
	const main = "us/export-control/2020-07-14"
	got := keys(evs)
	if want := []string{main, "us/legislation/2020-07-14", "us/sanction/2020-07-14"}; !slices.Equal(got, want) {
		t.Fatalf("events = %v, want %v", got, want)
	}
	// The order's title states the normalization first.
	if m := mains(evs); len(m) != 1 || m[0].Key != main || m[0].Category != "export-control" {
		t.Fatalf("main events = %v, want only %s", keys(m), main)
	}
	for _, e := range evs {
		if e.Announcement != main {
			t.Errorf("%s: announcement %q, want %s", e.Key, e.Announcement, main)
		}
		if len(e.Categories) == 0 || e.Categories[0] != "export-control" {
			t.Errorf("%s: categories %v do not start with the main category", e.Key, e.Categories)
		}
		cats := slices.Clone(e.Categories)
		slices.Sort(cats)
		if want := []string{"export-control", "legislation", "sanction"}; !slices.Equal(cats, want) {
			t.Errorf("%s: categories = %v, want %v", e.Key, e.Categories, want)
		}
		if ids := docIDs(e); !slices.Equal(ids, []int64{1, 2}) {
			t.Errorf("%s: documents = %v, want the order first, then the report", e.Key, ids)
		}
		if !slices.Equal(e.Actors, []string{"us"}) || e.Title != order.Title || !e.Date.Equal(evs[0].Date) {
			t.Errorf("%s: actors %v, title %q, date %v: want the announcement's", e.Key, e.Actors, e.Title, e.Date)
		}
	}
	// Each cites the order's sentence about its own measure.
	if p := eventByKey(t, evs, "us/sanction/2020-07-14").Documents[0].Passage; !strings.Contains(p, "authorizes sanctions") {
		t.Errorf("the sanctions' passage is %q", p)
	}

	// Nor does the order the archive hands the documents over in, nor
	// two releases of one minute.
	twin := order
	twin.ID, twin.URL = 9, twin.URL+"?print"
	for _, docs := range [][]model.Document{{report, order, twin}, {twin, report, order}} {
		again := Cluster(docs, Options{Now: fixedNow})
		if m := mains(again); !slices.Equal(keys(again), got) || len(m) != 1 || m[0].Key != main || m[0].Documents[0].DocumentID != 1 {
			t.Errorf("in another order: events %v, main %v, want %v led by document 1", keys(again), keys(m), got)
		}
	}

	// A later report that stresses the sanctions does not re-key it.
	later := page(3, news, "2020-07-16T07:00:00Z", "Sanctions law: what banks need to know",
		"WASHINGTON — The sanctions law President Trump signed on Tuesday puts banks on notice.\nLawyers are busy.",
		[]measure{{"sanction", []string{"Sanctions law"}, []string{"us"}, nil}}, "us")
	again := Cluster([]model.Document{later, report, order}, Options{Now: fixedNow})
	if m := mains(again); !slices.Equal(keys(again), got) || len(m) != 1 || m[0].Key != main {
		t.Errorf("with another report: events %v, main %v, want %v with main %s", keys(again), keys(m), got, main)
	}
}

// What is not one announcement stays apart: the same government's two
// releases on one day about different measures, and one page's report of
// two governments' acts (which the store links as related events).
func TestSeparateAnnouncementsStayApart(t *testing.T) {
	const off, news = model.KindOfficial, model.KindNews
	treasury := page(1, off, "2020-08-07T10:00:00-04:00", "Treasury sanctions eleven officials",
		"Today the Treasury designated eleven officials for undermining Hong Kong's autonomy.",
		[]measure{{"sanction", []string{"sanctions", "designated"}, []string{"us"}, nil}}, "us")
	state := page(2, off, "2020-08-07T15:00:00-04:00", "Visa restrictions on officials",
		"The Department of State is restricting visas for officials responsible for the crackdown.",
		[]measure{{"visa-restriction", []string{"Visa restrictions", "restricting visas"}, []string{"us"}, nil}}, "us")
	arrests := page(3, news, "2021-01-06T20:00:00Z", "Pompeo condemns mass arrests in Hong Kong",
		"WASHINGTON — Police in Hong Kong arrested 53 activists on Wednesday. Secretary of State Pompeo condemned the arrests as an outrage.",
		[]measure{
			{"statement", []string{"condemns", "condemned"}, []string{"us"}, nil},
			{"prosecution", []string{"arrested"}, []string{"hong-kong"}, nil},
		}, "us", "hong-kong")
	evs := Cluster([]model.Document{treasury, state, arrests}, Options{Now: fixedNow})
	got := keys(evs)
	slices.Sort(got)
	want := []string{"hong-kong/prosecution/2021-01-06", "us/sanction/2020-08-07", "us/statement/2021-01-06", "us/visa-restriction/2020-08-07"}
	if !slices.Equal(got, want) {
		t.Errorf("events = %v, want %v", got, want)
	}
}

// A statement published in Chinese and in English on the same day by the
// same government is one announcement, whatever its tags in each language.
func TestTranslationsAreOneEvent(t *testing.T) {
	const off = model.KindOfficial
	zh := page(1, off, "2020-08-08T01:30:00+08:00", "特區政府強烈反對美國所謂制裁",
		"特區政府今日強烈反對及譴責美國所謂制裁，指有關做法粗暴干涉中國內政。",
		[]measure{{"statement", []string{"強烈反對", "譴責"}, []string{"hong-kong"}, nil}}, "hong-kong")
	en := page(2, off, "2020-08-08T01:45:00+08:00", "HKSAR Government strongly objects to so-called sanctions",
		"The HKSAR Government today expressed strong objection to and condemnation of the so-called sanctions, a blatant interference in China's internal affairs.",
		[]measure{
			{"statement", []string{"strongly objects", "condemnation"}, []string{"hong-kong"}, nil},
			{"counter-measure", []string{"interference"}, []string{"hong-kong"}, nil},
		}, "hong-kong")
	evs := Cluster([]model.Document{zh, en}, Options{Now: fixedNow})
	m := mains(evs)
	if len(m) != 1 || m[0].Category != "statement" {
		t.Fatalf("events = %v, want one statement in two languages", keys(evs))
	}
	if ids := docIDs(m[0]); len(ids) != 2 {
		t.Errorf("documents = %v, want both versions", ids)
	}
}

// An event's actors are who took its measure: the issuer and those acting
// with it. Another government the page reports acting on its own is its
// own event; a government that only a report's body recalls acting is
// neither an actor nor an event.
func TestEventActorsAreWhoActed(t *testing.T) {
	const news = model.KindNews
	bounties := page(1, news, "2024-12-25T09:00:00Z", "Foreign governments condemn Hong Kong bounties",
		"Governments abroad on Tuesday condemned the bounties offered for information on six activists.\n"+
			"The European Union said it condemned the bounties. The United States also condemned them.",
		[]measure{{"statement", []string{"condemn", "condemned"}, []string{"eu"}, []string{"us"}}}, "eu", "us")
	reprisal := page(2, news, "2020-08-03T12:00:00Z", "China suspends Hong Kong's extradition treaty with New Zealand",
		"BEIJING — China said on Monday it was suspending Hong Kong's extradition treaty with New Zealand.",
		[]measure{{"extradition", []string{"extradition treaty"}, []string{"china"}, nil}}, "china", "new-zealand")
	evs := Cluster([]model.Document{bounties, reprisal}, Options{Now: fixedNow})
	got := keys(evs)
	slices.Sort(got)
	want := []string{"china/extradition/2020-08-03", "eu/statement/2024-12-24", "us/statement/2024-12-24"}
	if !slices.Equal(got, want) {
		t.Fatalf("events = %v, want %v", got, want)
	}
	for _, e := range evs {
		if len(e.Actors) != 1 || e.Actors[0] != strings.Split(e.Key, "/")[0] {
			t.Errorf("%s: actors %v, want only its issuer", e.Key, e.Actors)
		}
	}
}

// A government's page that names another's measure only as the reason
// for its own ("designated over mass arrests") makes one event, its own:
// the arrests it recalls without their day are not an event of its
// publication day (a page that names their day dates their event).
func TestReasonIsNoEventOfItsOwn(t *testing.T) {
	d := page(1, model.KindOfficial, "2021-01-15T11:00:00-05:00", "Six officials designated over mass arrests in Hong Kong",
		"Today the Treasury designated six officials for their role in undermining the city's autonomy.\n"+
			"Earlier this month, police in Hong Kong arrested 55 politicians and activists for organising a primary election.",
		[]measure{
			{"sanction", []string{"designated"}, []string{"us"}, nil},
			{"prosecution", []string{"arrested"}, []string{"hong-kong"}, nil},
		}, "us")
	// The title names the arrests as the reason: a mention.
	d.Tags[1].Matches = append(d.Tags[1].Matches, model.Match{Phrase: "arrest*", Field: "title", Offset: strings.Index(d.Title, "arrests"),
		Rule: "any" + tagging.RuleMentionSuffix})
	got := keys(Cluster([]model.Document{d}, Options{Now: fixedNow}))
	if strings.Join(got, " ") != "us/sanction/2021-01-15" {
		t.Errorf("events = %v, want only the designation", got)
	}
}

// Of two releases of one announcement, the one that states all of it
// titles the event: the statement suspending a treaty and extending an
// embargo, not the notice to exporters about the embargo alone.
func TestAnnouncementTitledByItsFullStatement(t *testing.T) {
	const off = model.KindOfficial
	notice := page(1, off, "2020-07-20T16:00:00+01:00", "Notice to exporters: arms embargo extended to Hong Kong",
		"The arms embargo on mainland China now applies to Hong Kong.",
		[]measure{{"export-control", []string{"arms embargo"}, []string{"uk"}, nil}}, "uk")
	statement := page(2, off, "2020-07-20T17:30:00+01:00", "UK suspends extradition treaty with Hong Kong and extends arms embargo",
		"The Foreign Secretary announced today that the UK is suspending its extradition treaty with Hong Kong and extending its arms embargo.",
		[]measure{
			{"extradition", []string{"extradition treaty"}, []string{"uk"}, nil},
			{"export-control", []string{"arms embargo"}, []string{"uk"}, nil},
		}, "uk")
	evs := Cluster([]model.Document{notice, statement}, Options{Now: fixedNow})
	if m := mains(evs); len(m) != 1 || len(evs) != 2 {
		t.Fatalf("events = %v, want one announcement of two measures", keys(evs))
	}
	for _, e := range evs {
		if e.Title != statement.Title || e.Announcement != "uk/extradition/2020-07-20" {
			t.Errorf("event %s %q of %s, want uk/extradition/2020-07-20 titled by the statement", e.Key, e.Title, e.Announcement)
		}
	}
}
