package store

import (
	"context"
	"slices"
	"testing"
	"time"

	"policywatch/model"
)

// announcementEvents is one announcement as clustering gives it: an
// order that ends preferential treatment (its main category) and
// authorises sanctions and visa bans, an event per category sharing the
// documents, plus an unrelated event on another day.
func announcementEvents(docs []int64, date time.Time) []model.Event {
	day := date.Format(time.DateOnly)
	main := "us/export/" + day
	cats := []string{"export", "sanction", "visa"}
	var out []model.Event
	for _, c := range cats {
		out = append(out, model.Event{Key: "us/" + c + "/" + day, Title: "The President's order on Hong Kong", Category: c,
			Categories: cats, Announcement: main, Actors: []string{"us"}, Date: date,
			Dates:     []model.EventDate{{Kind: model.DateAnnounced, Date: date, DocumentID: docs[0], Passage: "about " + c}},
			Documents: []model.EventDocument{{DocumentID: docs[0], Primary: true, Passage: "about " + c}, {DocumentID: docs[2]}}})
	}
	return append(out, model.Event{Key: "uk/extradition/2020-07-02", Title: "UK suspends its treaty", Category: "extradition",
		Actors: []string{"uk"}, Date: time.Date(2020, 7, 2, 0, 0, 0, 0, time.UTC),
		Documents: []model.EventDocument{{DocumentID: docs[1], Primary: true}}})
}

// The events of one announcement are stored with its key and listed
// together, the main one first; an event of no announcement is in none.
func TestAnnouncementStored(t *testing.T) { eachEngine(t, testAnnouncementStored) }

func testAnnouncementStored(t *testing.T, e testEngine) {
	ctx := context.Background()
	f := newCurationFixture(t, e)
	jul1 := time.Date(2020, 7, 1, 0, 0, 0, 0, time.UTC)
	if err := f.db.ReplaceEvents(ctx, announcementEvents(f.docs, jul1)); err != nil {
		t.Fatal(err)
	}
	sanction := f.byKey(t, "us/sanction/2020-07-01")
	if sanction.Announcement != "us/export/2020-07-01" || sanction.MainOfAnnouncement() {
		t.Errorf("sanctions event: announcement %q, want us/export/2020-07-01 (not its main event)", sanction.Announcement)
	}
	if !slices.Equal(sanction.Categories, []string{"export", "sanction", "visa"}) {
		t.Errorf("categories %v, want the announcement's, its main one first", sanction.Categories)
	}
	all, err := f.db.AnnouncementEvents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 1 {
		t.Fatalf("announcements with several events: %v, want one", all)
	}
	var got []string
	for _, ev := range all["us/export/2020-07-01"] {
		got = append(got, ev.Key)
	}
	if want := []string{"us/export/2020-07-01", "us/sanction/2020-07-01", "us/visa/2020-07-01"}; !slices.Equal(got, want) {
		t.Errorf("events of the announcement %v, want %v", got, want)
	}
	if one, _ := f.db.AnnouncementEvents(ctx, "uk/extradition/2020-07-02"); len(one) != 0 {
		t.Errorf("an event of no announcement has others: %v", one)
	}
	// A filter by category finds the announcement under each of them.
	visa, err := f.db.Events(ctx, EventFilter{Category: "visa"})
	if err != nil {
		t.Fatal(err)
	}
	if len(visa) != 3 {
		t.Errorf("events filed under visa: %d, want the announcement's three", len(visa))
	}
}

// Hiding one event of an announcement leaves the others on the timeline,
// without the hidden one's category; showing it again gives it back.
// Hiding the whole announcement hides every event of it, each in its own
// history, and so does showing it again.
func TestHideEventOfAnnouncement(t *testing.T) { eachEngine(t, testHideEventOfAnnouncement) }

func testHideEventOfAnnouncement(t *testing.T, e testEngine) {
	ctx := context.Background()
	f := newCurationFixture(t, e)
	jul1 := time.Date(2020, 7, 1, 0, 0, 0, 0, time.UTC)
	if err := f.db.ReplaceEvents(ctx, announcementEvents(f.docs, jul1)); err != nil {
		t.Fatal(err)
	}
	main := f.byKey(t, "us/export/2020-07-01")
	if _, err := f.db.Curate(ctx, f.editor, Edit{Action: ActionHide, EventID: main.ID}); err != nil {
		t.Fatal(err)
	}
	check := func(when string) {
		t.Helper()
		for _, k := range []string{"us/sanction/2020-07-01", "us/visa/2020-07-01"} {
			ev := f.byKey(t, k)
			if ev.Hidden {
				t.Errorf("%s: %s hidden with the main event", when, k)
			}
			if !slices.Equal(ev.Categories, []string{"sanction", "visa"}) {
				t.Errorf("%s: %s categories %v, want [sanction visa] without the hidden export", when, k, ev.Categories)
			}
		}
		if ev := f.byKey(t, main.Key); !ev.Hidden {
			t.Errorf("%s: the main event is not hidden", when)
		}
	}
	check("after hiding the main event")
	if err := f.db.ReplaceEvents(ctx, announcementEvents(f.docs, jul1)); err != nil {
		t.Fatal(err)
	}
	check("after re-clustering")

	if _, err := f.db.Curate(ctx, f.editor, Edit{Action: ActionUnhide, EventID: main.ID}); err != nil {
		t.Fatal(err)
	}
	if got := f.byKey(t, "us/visa/2020-07-01").Categories; !slices.Equal(got, []string{"export", "sanction", "visa"}) {
		t.Errorf("after showing it again: categories %v, want all three", got)
	}

	// The whole announcement.
	visa := f.byKey(t, "us/visa/2020-07-01")
	if _, err := f.db.Curate(ctx, f.editor, Edit{Action: ActionHide, EventID: visa.ID, Announcement: true}); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"us/export/2020-07-01", "us/sanction/2020-07-01", "us/visa/2020-07-01"} {
		if !f.byKey(t, k).Hidden {
			t.Errorf("hiding the announcement left %s on the timeline", k)
		}
		hist, err := f.db.Audit(ctx, AuditFilter{EventKey: k})
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) == 0 || hist[0].Action != ActionHide {
			t.Errorf("%s: history %+v, want the hide first", k, hist)
		}
	}
	if ev := f.byKey(t, "uk/extradition/2020-07-02"); ev.Hidden {
		t.Errorf("hiding the announcement hid another event")
	}
	if _, err := f.db.Curate(ctx, f.editor, Edit{Action: ActionUnhide, EventID: main.ID, Announcement: true}); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"us/export/2020-07-01", "us/sanction/2020-07-01", "us/visa/2020-07-01"} {
		if f.byKey(t, k).Hidden {
			t.Errorf("showing the announcement again left %s hidden", k)
		}
	}
	if _, err := f.db.Curate(ctx, f.editor, Edit{Action: ActionRetitle, EventID: main.ID, Title: "x", Announcement: true}); err == nil {
		t.Errorf("a retitle of a whole announcement was accepted")
	}
}

// Merging one event of an announcement into another of it keeps its
// category on the announcement (the other stands for it now); merging it
// into another announcement's event moves the category there.
func TestMergeWithinAnnouncement(t *testing.T) { eachEngine(t, testMergeWithinAnnouncement) }

func testMergeWithinAnnouncement(t *testing.T, e testEngine) {
	ctx := context.Background()
	f := newCurationFixture(t, e)
	jul1 := time.Date(2020, 7, 1, 0, 0, 0, 0, time.UTC)
	if err := f.db.ReplaceEvents(ctx, announcementEvents(f.docs, jul1)); err != nil {
		t.Fatal(err)
	}
	visa, main := f.byKey(t, "us/visa/2020-07-01"), f.byKey(t, "us/export/2020-07-01")
	if _, err := f.db.Curate(ctx, f.editor, Edit{Action: ActionMerge, EventID: visa.ID, IntoID: main.ID}); err != nil {
		t.Fatal(err)
	}
	if got := f.byKey(t, "us/sanction/2020-07-01").Categories; !slices.Equal(got, []string{"export", "sanction", "visa"}) {
		t.Errorf("merged within: categories %v, want all three", got)
	}
	if _, err := f.db.Curate(ctx, f.editor, Edit{Action: ActionUnhide, EventID: visa.ID}); err != nil {
		t.Fatal(err)
	}
	uk := f.byKey(t, "uk/extradition/2020-07-02")
	if _, err := f.db.Curate(ctx, f.editor, Edit{Action: ActionMerge, EventID: visa.ID, IntoID: uk.ID}); err != nil {
		t.Fatal(err)
	}
	if got := f.byKey(t, "us/sanction/2020-07-01").Categories; !slices.Equal(got, []string{"export", "sanction"}) {
		t.Errorf("merged into another: categories %v, want [export sanction]", got)
	}
	if got := f.byKey(t, uk.Key).Categories; !slices.Contains(got, "visa") {
		t.Errorf("the event merged into has categories %v, want visa among them", got)
	}
}

// When re-clustering re-keys an announcement (a new first report moves
// its day), the curation of each of its events follows the event of the
// same category, though all of them share the same documents.
func TestRekeyAnnouncementByCategory(t *testing.T) { eachEngine(t, testRekeyAnnouncementByCategory) }

func testRekeyAnnouncementByCategory(t *testing.T, e testEngine) {
	ctx := context.Background()
	f := newCurationFixture(t, e)
	jul1 := time.Date(2020, 7, 1, 0, 0, 0, 0, time.UTC)
	if err := f.db.ReplaceEvents(ctx, announcementEvents(f.docs, jul1)); err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"sanction", "visa"} {
		ev := f.byKey(t, "us/"+c+"/2020-07-01")
		if _, err := f.db.Curate(ctx, f.editor, Edit{Action: ActionRetitle, EventID: ev.ID, Title: "Edited " + c}); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.db.ReplaceEvents(ctx, announcementEvents(f.docs, jul1.AddDate(0, 0, -1))); err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"sanction", "visa"} {
		ev := f.byKey(t, "us/"+c+"/2020-06-30")
		if ev == nil || ev.Title != "Edited "+c {
			t.Errorf("%s after re-keying: %+v, want its editor's title", c, ev)
		}
	}
	if ev := f.byKey(t, "us/export/2020-06-30"); ev == nil || ev.Title != "The President's order on Hong Kong" {
		t.Errorf("main event after re-keying: %+v, want the clustered title", ev)
	}
}

// An archive clustered when an announcement was one event with all its
// categories (the key of its main category) keeps that event, its id and
// its editor's title as the announcement's main event; its other
// categories become new events beside it, not copies of the curated one.
func TestOneEventBecomesAnnouncement(t *testing.T) { eachEngine(t, testOneEventBecomesAnnouncement) }

func testOneEventBecomesAnnouncement(t *testing.T, e testEngine) {
	ctx := context.Background()
	f := newCurationFixture(t, e)
	jul1 := time.Date(2020, 7, 1, 0, 0, 0, 0, time.UTC)
	per := announcementEvents(f.docs, jul1)
	whole := per[0] // as the announcement was stored: one event, every category
	whole.Announcement = ""
	if err := f.db.ReplaceEvents(ctx, []model.Event{whole, per[3]}); err != nil {
		t.Fatal(err)
	}
	before := f.byKey(t, whole.Key)
	if _, err := f.db.Curate(ctx, f.editor, Edit{Action: ActionRetitle, EventID: before.ID, Title: "Edited order"}); err != nil {
		t.Fatal(err)
	}
	if err := f.db.ReplaceEvents(ctx, per); err != nil {
		t.Fatal(err)
	}
	main := f.byKey(t, whole.Key)
	if main == nil || main.ID != before.ID || main.Title != "Edited order" || main.Announcement != whole.Key {
		t.Fatalf("main event after the change: %+v, want id %d, the editor's title and its announcement", main, before.ID)
	}
	for _, k := range []string{"us/sanction/2020-07-01", "us/visa/2020-07-01"} {
		ev := f.byKey(t, k)
		if ev == nil || ev.Title == "Edited order" || ev.Announcement != whole.Key {
			t.Errorf("%s: %+v, want a new event of the announcement, without the main event's curation", k, ev)
		}
	}
	all, err := f.db.Events(ctx, EventFilter{IncludeHidden: true})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(all); n != 4 {
		t.Errorf("%d events, want the announcement's three and the other one", n)
	}
}
