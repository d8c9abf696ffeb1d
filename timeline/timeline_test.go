package timeline

import (
	"strings"
	"testing"
	"time"

	"policywatch/model"
	"policywatch/tagging"
)

var fixedNow = func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }

// doc builds a tagged document. The category's evidence points at the
// first occurrence of phrase in the text, as the tagger's would.
func doc(id int64, kind model.DocKind, published, title, text, category, phrase string, actors ...string) model.Document {
	pub, err := time.Parse(time.RFC3339, published)
	if err != nil {
		panic(err)
	}
	d := model.Document{
		ID: id, URL: "http://example.test/" + title, Source: "src", Kind: kind,
		Title: title, Text: text, Published: pub, DateSource: model.DateFromMeta,
	}
	tag := model.Tag{Type: model.TagCategory, Value: category, Score: 3}
	if i := strings.Index(text, phrase); phrase != "" && i >= 0 {
		tag.Matches = []model.Match{{Phrase: phrase, Field: "text", Offset: i}}
	}
	d.Tags = append(d.Tags, tag)
	for _, a := range actors {
		d.Tags = append(d.Tags, model.Tag{Type: model.TagActor, Value: a, Score: 5})
	}
	return d
}

// mentioned marks a document's category as only mentioned, as the tagger
// does for a measure named as a reason, a threat or a reaction's object.
func mentioned(d model.Document) model.Document {
	d.Tags[0].Matches = append(d.Tags[0].Matches, model.Match{Rule: tagging.RuleMentioned})
	return d
}

func keys(evs []model.Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Key)
	}
	return out
}

// mains is the main event of each announcement, one per announcement.
func mains(evs []model.Event) []model.Event {
	var out []model.Event
	for _, e := range evs {
		if e.MainOfAnnouncement() {
			out = append(out, e)
		}
	}
	return out
}

func docIDs(e model.Event) []int64 {
	var out []int64
	for _, d := range e.Documents {
		out = append(out, d.DocumentID)
	}
	return out
}

func TestClusterByGap(t *testing.T) {
	const off, news = model.KindOfficial, model.KindNews
	tests := []struct {
		name string
		docs []model.Document
		gap  time.Duration
		want []string
	}{
		{"same actor and category within the gap is one event", []model.Document{
			doc(1, off, "2020-08-07T10:00:00-04:00", "Treasury sanctions eleven", "Treasury sanctioned eleven officials.", "sanction", "sanctioned", "us"),
			doc(2, off, "2020-08-10T10:00:00-04:00", "More on sanctions", "Guidance on the sanctions.", "sanction", "sanctions", "us"),
		}, 0, []string{"us/sanction/2020-08-07"}},
		{"beyond the gap are two events", []model.Document{
			doc(1, off, "2020-08-07T10:00:00-04:00", "Treasury sanctions eleven", "Treasury sanctioned eleven officials.", "sanction", "sanctioned", "us"),
			doc(2, off, "2020-11-09T10:00:00-05:00", "Treasury sanctions four", "Treasury sanctioned four officials.", "sanction", "sanctioned", "us"),
		}, 0, []string{"us/sanction/2020-08-07", "us/sanction/2020-11-09"}},
		{"single linkage chains close reports", []model.Document{
			doc(1, off, "2020-07-01T10:00:00Z", "a", "x.", "statement", "", "china"),
			doc(2, off, "2020-07-05T10:00:00Z", "b", "x.", "statement", "", "china"),
			doc(3, off, "2020-07-09T10:00:00Z", "c", "x.", "statement", "", "china"),
		}, 0, []string{"china/statement/2020-07-01"}},
		{"a shorter gap splits them", []model.Document{
			doc(1, off, "2020-07-01T10:00:00Z", "a", "x.", "statement", "", "china"),
			doc(2, off, "2020-07-05T10:00:00Z", "b", "x.", "statement", "", "china"),
		}, 48 * time.Hour, []string{"china/statement/2020-07-01", "china/statement/2020-07-05"}},
		{"different issuers are different events", []model.Document{
			doc(1, off, "2020-07-20T10:00:00+01:00", "UK suspends treaty", "The UK suspended its extradition treaty.", "extradition", "extradition", "uk"),
			doc(2, news, "2020-07-20T12:00:00+01:00", "Canada news", "Canada said on Monday it welcomed the extradition move.", "extradition", "extradition", "canada", "uk"),
		}, 0, []string{"canada/extradition/2020-07-20", "uk/extradition/2020-07-20"}},
		{"a lone news page that only mentions a measure is commentary, not an event", []model.Document{
			mentioned(doc(1, news, "2020-08-20T10:00:00Z", "Analysis: what sanctions mean", "Sanctions are reshaping business.", "sanction", "Sanctions", "us")),
		}, 0, nil},
		{"a lone news page that reports a measure without naming its day is an event of its publication day", []model.Document{
			doc(1, news, "2020-08-20T10:00:00+08:00", "US sanctions officials", "The US has imposed sanctions on eleven officials.", "sanction", "sanctions", "us"),
		}, 0, []string{"us/sanction/2020-08-20"}},
		{"a measure only the body of a news report mentions makes no event", []model.Document{
			doc(1, news, "2020-08-20T10:00:00+08:00", "Hong Kong stocks fall",
				"Shares in Hong Kong fell for a third day as investors weighed the outlook for trade and rates.\nThe US has imposed sanctions on eleven officials.",
				"sanction", "sanctions", "us"),
		}, 0, nil},
		{"a news report naming the day dates the event over an earlier undated one", []model.Document{
			doc(1, news, "2020-07-30T23:00:00Z", "Germany halts treaty", "Germany is suspending its extradition treaty.", "extradition", "extradition", "germany"),
			doc(2, news, "2020-08-01T06:50:00+08:00", "Germany halts treaty", "Germany on Friday suspended its extradition treaty.", "extradition", "extradition", "germany"),
		}, 0, []string{"germany/extradition/2020-07-31"}},
		{"a lone news page that names the day is an event", []model.Document{
			doc(1, news, "2020-08-20T10:00:00Z", "US sanctions officials", "The US imposed sanctions on Wednesday.", "sanction", "sanctions", "us"),
		}, 0, []string{"us/sanction/2020-08-19"}},
		{"documents without a reliable date or tags stay out", []model.Document{
			func() model.Document {
				d := doc(1, off, "2020-07-20T10:00:00Z", "a", "x.", "extradition", "", "uk")
				d.DateSource = model.DateFromCrawl
				return d
			}(),
			func() model.Document {
				d := doc(2, off, "2020-07-20T10:00:00Z", "b", "x.", "extradition", "")
				return d
			}(),
		}, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := keys(Cluster(tt.docs, Options{Gap: tt.gap, Now: fixedNow}))
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("keys = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestOfficialFirst(t *testing.T) {
	docs := []model.Document{
		doc(3, model.KindNews, "2020-06-27T08:00:00+08:00", "Washington announces visa restrictions",
			"WASHINGTON — The United States on Friday imposed visa restrictions on officials.\nMore.", "visa-restriction", "visa restrictions", "us"),
		doc(1, model.KindOfficial, "2020-06-26T16:30:00-04:00", "U.S. Imposes Visa Restrictions",
			"Today the United States is imposing visa restrictions on officials. Other words.", "visa-restriction", "visa restrictions", "us"),
		doc(2, model.KindNews, "2020-06-27T09:00:00+01:00", "US imposes visa restrictions",
			"The State Department said visa restrictions would apply.\nIt acted yesterday.", "visa-restriction", "visa restrictions", "us"),
	}
	evs := Cluster(docs, Options{Now: fixedNow})
	if len(evs) != 1 {
		t.Fatalf("events = %v, want one", keys(evs))
	}
	e := evs[0]
	if e.Key != "us/visa-restriction/2020-06-26" || !e.Date.Equal(time.Date(2020, 6, 26, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("key %s date %v: news published a day later must not move the event", e.Key, e.Date)
	}
	if e.Title != "U.S. Imposes Visa Restrictions" || e.NewsOnly {
		t.Errorf("title %q newsOnly %v, want the official title", e.Title, e.NewsOnly)
	}
	if got := docIDs(e); len(got) != 3 || got[0] != 1 {
		t.Errorf("documents = %v, want official 1 first", got)
	}
	if !e.Documents[0].Primary || e.Documents[1].Primary {
		t.Errorf("primary flags = %v %v", e.Documents[0].Primary, e.Documents[1].Primary)
	}
	if e.Documents[0].Passage != "Today the United States is imposing visa restrictions on officials." {
		t.Errorf("passage = %q", e.Documents[0].Passage)
	}
	if len(e.Dates) == 0 || e.Dates[0].Kind != model.DateAnnounced || e.Dates[0].DocumentID != 1 || e.Dates[0].Confidence <= 0 {
		t.Errorf("dates = %+v", e.Dates)
	}
	if !e.UpdatedAt.Equal(fixedNow()) {
		t.Errorf("updated = %v", e.UpdatedAt)
	}
}

func TestNewsOnly(t *testing.T) {
	docs := []model.Document{
		doc(5, model.KindNews, "2020-08-01T06:50:00+08:00", "Germany suspends extradition agreement after delay",
			"BERLIN — Germany on Friday suspended its extradition agreement with Hong Kong.", "extradition", "extradition", "germany"),
		doc(6, model.KindNews, "2020-07-31T20:00:00+01:00", "Germany suspends extradition agreement after delay",
			"Germany suspended its extradition agreement with Hong Kong today.", "extradition", "extradition", "germany"),
		doc(7, model.KindNews, "2020-08-01T10:00:00+01:00", "Berlin halts treaty",
			"Germany's suspension of the extradition agreement drew a rebuke.", "extradition", "extradition", "germany"),
	}
	evs := Cluster(docs, Options{Now: fixedNow})
	if len(evs) != 1 {
		t.Fatalf("events = %v", keys(evs))
	}
	e := evs[0]
	if !e.NewsOnly || e.Key != "germany/extradition/2020-07-31" {
		t.Errorf("newsOnly %v key %s", e.NewsOnly, e.Key)
	}
	if e.Title != "Germany suspends extradition agreement after delay" {
		t.Errorf("title %q, want the most common headline", e.Title)
	}
	for _, d := range e.Documents {
		if d.Primary {
			t.Errorf("news document %d marked primary", d.DocumentID)
		}
	}
}

func TestResolveEventDate(t *testing.T) {
	wed := time.Date(2020, 7, 1, 0, 0, 0, 0, time.UTC) // a Wednesday
	tests := []struct {
		sentence string
		want     string // "" when nothing resolves
	}{
		{"China's legislature passed the law on Monday.", "2020-06-29"},
		{"It acted on Wednesday.", "2020-07-01"},
		{"The ministry said yesterday it would act.", "2020-06-30"},
		{"The rule applied on June 30, the officials said.", "2020-06-30"},
		{"Officials met on 26 June in Geneva.", "2020-06-26"},
		{"Canada acted today, since the law took effect on June 30.", "2020-07-01"},
		{"Since June 30, things have changed.", ""},
		{"The law took effect on June 30.", ""},
		{"The vote is due on July 14.", ""},          // in the future
		{"The act was passed on March 3, 2019.", ""}, // far before publication
		{"Talks were held last week.", ""},           // too vague
		{"Nothing dated here.", ""},
		{"Following a first discussion on June 26, the Council today adopted conclusions.", "2020-07-01"},
	}
	for _, tt := range tests {
		got, _, ok := resolveEventDate(tt.sentence, wed)
		s := ""
		if ok {
			s = got.Format("2006-01-02")
		}
		if s != tt.want {
			t.Errorf("%q → %q, want %q", tt.sentence, s, tt.want)
		}
	}
}

func TestRelativeDateInCluster(t *testing.T) {
	d := doc(9, model.KindNews, "2020-07-01T18:00:00-04:00", "Story",
		"WASHINGTON — The House passed the bill on Monday, lawmakers said.\nMore.", "legislation", "passed", "us")
	evs := Cluster([]model.Document{d}, Options{Now: fixedNow})
	if len(evs) != 1 || evs[0].Key != "us/legislation/2020-06-29" {
		t.Fatalf("events = %v, want us/legislation/2020-06-29", keys(evs))
	}
	if p := evs[0].Dates[0].Passage; p != "WASHINGTON — The House passed the bill on Monday, lawmakers said." {
		t.Errorf("passage = %q", p)
	}
}

func TestEffectiveDate(t *testing.T) {
	d := doc(4, model.KindOfficial, "2020-07-14T20:00:00-04:00", "Executive Order 13936 on Hong Kong Normalization",
		"The President signed Executive Order 13936 today. The order is effective July 15, 2020.", "export-control", "order", "us")
	evs := Cluster([]model.Document{d}, Options{Now: fixedNow})
	if len(evs) != 1 {
		t.Fatalf("events = %v", keys(evs))
	}
	var eff *model.EventDate
	for i := range evs[0].Dates {
		if evs[0].Dates[i].Kind == model.DateEffective {
			eff = &evs[0].Dates[i]
		}
	}
	if eff == nil || eff.Date.Format("2006-01-02") != "2020-07-15" || eff.Passage != "The order is effective July 15, 2020." {
		t.Errorf("effective = %+v", eff)
	}
	if evs[0].Instrument != "Executive Order 13936" {
		t.Errorf("instrument = %q", evs[0].Instrument)
	}
}

func TestEffectiveDateIgnoresBackground(t *testing.T) {
	d := doc(4, model.KindNews, "2020-07-20T20:00:00+01:00", "UK suspends extradition treaty",
		"Britain suspended its extradition treaty on Monday, the first extradition move since the law took effect on June 30.",
		"extradition", "extradition", "uk")
	evs := Cluster([]model.Document{d}, Options{Now: fixedNow})
	if len(evs) != 1 {
		t.Fatalf("events = %v", keys(evs))
	}
	for _, ed := range evs[0].Dates {
		if ed.Kind == model.DateEffective {
			t.Errorf("effective date %v read from a background clause", ed.Date)
		}
	}
}

func TestStableKeys(t *testing.T) {
	base := []model.Document{
		doc(1, model.KindOfficial, "2020-07-20T10:00:00+01:00", "UK suspends extradition treaty", "The UK suspended its treaty.", "extradition", "suspended", "uk"),
		doc(2, model.KindNews, "2020-07-21T08:00:00+08:00", "Britain suspends treaty", "Britain on Monday suspended its extradition treaty.", "extradition", "extradition", "uk"),
	}
	first := keys(Cluster(base, Options{Now: fixedNow}))
	// Re-clustering with more coverage, in another order, keeps the key.
	more := append([]model.Document{
		doc(3, model.KindNews, "2020-07-22T08:00:00Z", "Britain suspends treaty", "Britain suspended its extradition treaty on Monday.", "extradition", "extradition", "uk"),
	}, base[1], base[0])
	second := keys(Cluster(more, Options{Now: fixedNow}))
	if len(first) != 1 || strings.Join(first, " ") != strings.Join(second, " ") {
		t.Errorf("keys changed: %v then %v", first, second)
	}
}

// One announcement of two measures: an event per category, linked as one
// announcement filed under the one the page states first, each citing
// the sentence that states its own measure.
func TestMultiCategoryDocument(t *testing.T) {
	d := doc(1, model.KindOfficial, "2020-07-03T10:00:00-04:00", "Canada suspends extradition treaty and halts military exports",
		"Canada suspended its extradition treaty. It also halted exports of military items.", "extradition", "extradition", "canada")
	d.Tags = append(d.Tags, model.Tag{Type: model.TagCategory, Value: "export-control",
		Matches: []model.Match{{Phrase: "exports", Field: "text", Offset: strings.Index(d.Text, "exports")}}})
	evs := Cluster([]model.Document{d}, Options{Now: fixedNow})
	got := strings.Join(keys(evs), " ")
	if got != "canada/export-control/2020-07-03 canada/extradition/2020-07-03" {
		t.Fatalf("keys = %s", got)
	}
	passages := map[string]string{"extradition": "Canada suspended its extradition treaty.",
		"export-control": "It also halted exports of military items."}
	for _, e := range evs {
		if e.Announcement != "canada/extradition/2020-07-03" {
			t.Errorf("%s: announcement %q, want the extradition's", e.Key, e.Announcement)
		}
		if c := strings.Join(e.Categories, ","); c != "extradition,export-control" {
			t.Errorf("%s: categories = %s, want extradition,export-control", e.Key, c)
		}
		if p := e.Documents[0].Passage; p != passages[e.Category] {
			t.Errorf("%s: passage = %q, want %q", e.Key, p, passages[e.Category])
		}
		if p := e.Dates[0].Passage; p != passages[e.Category] {
			t.Errorf("%s: announced date's passage = %q, want %q", e.Key, p, passages[e.Category])
		}
	}
}

func TestEventActors(t *testing.T) {
	joint := doc(1, model.KindOfficial, "2021-01-09T12:00:00-05:00", "Joint statement on arrests",
		"Canada, Australia and the UK issued a joint statement.", "statement", "statement", "canada")
	// The tagger names everyone acting in the statement on its tag.
	joint.Tags[0].Matches = append(joint.Tags[0].Matches,
		model.Match{Phrase: "Canada", Field: "text", Rule: tagging.RuleActorPrefix + "canada"},
		model.Match{Phrase: "Australia", Field: "text", Offset: 8, Rule: tagging.RuleActorPrefix + "australia"})
	joint.Tags = append(joint.Tags,
		model.Tag{Type: model.TagActor, Value: "australia", Score: 5},
		model.Tag{Type: model.TagActor, Value: "china", Score: 1.5})
	evs := Cluster([]model.Document{joint}, Options{Now: fixedNow})
	if len(evs) != 1 {
		t.Fatalf("events = %v", keys(evs))
	}
	if got := strings.Join(evs[0].Actors, ","); got != "canada,australia" {
		t.Errorf("actors = %s, want the issuer and its co-signer, not the weakly tagged china", got)
	}
}

func TestInstrument(t *testing.T) {
	tests := []struct {
		title, passage string
		others         []string // other documents' passages, in evidence order
		want           string
	}{
		{"Commerce Suspends Export Administration Regulations Provisions", "", nil, "Export Administration Regulations"},
		{"Treasury Sanctions Officials", "OFAC designated them under Executive Order 13936 today.", nil, "Executive Order 13936"},
		{"The President's Actions on Normalization and the Hong Kong Autonomy Act", "", nil, "Hong Kong Autonomy Act"},
		{"Canada suspends extradition treaty", "Canada acted today.", nil, ""},
		// The gazetted order another document cites beats a title naming another act.
		{"The President's Actions on Normalization and the Hong Kong Autonomy Act", "The order ends preferential treatment.",
			[]string{"Executive Order 13936 of July 14 ends preferential treatment."}, "Executive Order 13936"},
		{"LegCo passes bill", "The Legislative Council passed the Safeguarding National Security Bill today.", nil, "Safeguarding National Security Bill"},
		{"Countermeasures", "In accordance with the Anti-Foreign Sanctions Law of the People's Republic of China, China decided to act.", nil, "Anti-Foreign Sanctions Law"},
		{"Government gazettes the law", "The Law of the People's Republic of China on Safeguarding National Security in the Hong Kong Special Administrative Region was promulgated by publication in the Gazette.",
			nil, "Law of the People's Republic of China on Safeguarding National Security in the Hong Kong Special Administrative Region"},
		{"Risks for businesses", "The departments issued the Hong Kong Business Advisory today.", nil, "Hong Kong Business Advisory"},
	}
	for _, tt := range tests {
		first := &item{doc: &model.Document{Title: tt.title}, passage: tt.passage}
		items := []*item{first}
		for _, p := range tt.others {
			items = append(items, &item{doc: &model.Document{Title: "other"}, passage: p})
		}
		if got := eventInstrument(first, items); got != tt.want {
			t.Errorf("instrument(%q, %q, %q) = %q, want %q", tt.title, tt.passage, tt.others, got, tt.want)
		}
	}
}

func TestFindEffective(t *testing.T) {
	tue := time.Date(2024, 3, 19, 0, 0, 0, 0, time.UTC) // a Tuesday
	tests := []struct{ sentence, want string }{
		{"The rule is effective March 25, 2024.", "2024-03-25"},
		{"The ordinance would take effect on Saturday, March 23, once gazetted.", "2024-03-23"},
		{"The ban will take effect on Friday.", "2024-03-22"},
		{"Effective immediately, licences are revoked.", "2024-03-19"},
		{"The law took effect on June 30.", ""},
		{"The measures will come into force from 1 April.", "2024-04-01"},
		{"Nothing takes effect here.", ""},
		{"Canada will suspend its extradition treaty, with immediate effect.", "2024-03-19"},
		{"The UK will suspend its treaty immediately and indefinitely.", "2024-03-19"},
		{"This rule is effective on the date of publication.", "2024-03-19"},
		{"The law takes effect at 11pm tonight.", "2024-03-19"},
		{"The law came into force on Monday, hours after the vote.", "2024-03-18"}, // the report of the day
		{"The law came into force on 1 July 2020.", ""},                            // years ago: background
		{"Officials said they would respond immediately.", ""},                     // no measure ends
	}
	for _, tt := range tests {
		got, ok := findEffective(tt.sentence, tue)
		s := ""
		if ok {
			s = got.Format("2006-01-02")
		}
		if s != tt.want {
			t.Errorf("%q → %q, want %q", tt.sentence, s, tt.want)
		}
	}
}
