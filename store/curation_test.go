package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"policywatch/model"
)

func init() {
	// Hashing at full cost would make every test that adds a user slow
	// without testing anything more.
	bcryptCost = bcrypt.MinCost
}

// curationFixture is a store with four documents and the clustering of
// them that ReplaceEvents is given again and again.
type curationFixture struct {
	db     *DB
	docs   []int64 // official, official, news, official (unclustered)
	events func() []model.Event
	editor *User
}

func newCurationFixture(t *testing.T, e testEngine) *curationFixture {
	t.Helper()
	ctx := context.Background()
	db := e.open(t)
	f := &curationFixture{db: db}
	for i, kind := range []model.DocKind{model.KindOfficial, model.KindOfficial, model.KindNews, model.KindOfficial} {
		d, c := testDoc(fmt.Sprintf("https://a.example/%d", i), fmt.Sprintf("text %d", i))
		d.Kind = kind
		d.Published = time.Date(2020, 7, 1+i, 12, 0, 0, 0, time.UTC)
		if _, err := db.SaveCapture(ctx, d, c); err != nil {
			t.Fatal(err)
		}
		f.docs = append(f.docs, d.ID)
	}
	f.events = func() []model.Event {
		return []model.Event{
			{Key: "us/visa/2020-07-01", Title: "Clustered title A", Category: "visa", Actors: []string{"us"},
				Date:      time.Date(2020, 7, 1, 0, 0, 0, 0, time.UTC),
				Dates:     []model.EventDate{{Kind: model.DateAnnounced, Date: time.Date(2020, 7, 1, 0, 0, 0, 0, time.UTC), DocumentID: f.docs[0]}},
				Documents: []model.EventDocument{{DocumentID: f.docs[0], Primary: true}, {DocumentID: f.docs[2]}}},
			{Key: "uk/extradition/2020-07-02", Title: "Clustered title B", Category: "extradition", Actors: []string{"uk"},
				Date:      time.Date(2020, 7, 2, 0, 0, 0, 0, time.UTC),
				Documents: []model.EventDocument{{DocumentID: f.docs[1], Primary: true}}},
		}
	}
	if err := db.ReplaceEvents(ctx, f.events()); err != nil {
		t.Fatal(err)
	}
	var err error
	if f.editor, err = db.AddUser(ctx, "editor1", RoleEditor, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *curationFixture) byKey(t *testing.T, key string) *model.Event {
	t.Helper()
	evs, err := f.db.Events(context.Background(), EventFilter{IncludeHidden: true})
	if err != nil {
		t.Fatal(err)
	}
	for i := range evs {
		if evs[i].Key == key {
			return &evs[i]
		}
	}
	return nil
}

func docIDs(e *model.Event) []int64 {
	var out []int64
	for _, d := range e.Documents {
		out = append(out, d.DocumentID)
	}
	slices.Sort(out)
	return out
}

func TestCurationSurvivesReclustering(t *testing.T) { eachEngine(t, testCurationSurvivesReclustering) }

func testCurationSurvivesReclustering(t *testing.T, e testEngine) {
	ctx := context.Background()
	const keyA, keyB = "us/visa/2020-07-01", "uk/extradition/2020-07-02"
	tests := []struct {
		name  string
		edit  func(f *curationFixture, a, b *model.Event) Edit
		check func(t *testing.T, f *curationFixture)
	}{
		{"retitle", func(f *curationFixture, a, b *model.Event) Edit {
			return Edit{Action: ActionRetitle, EventID: a.ID, Title: "  U.S. restricts   visas "}
		}, func(t *testing.T, f *curationFixture) {
			if got := f.byKey(t, keyA).Title; got != "U.S. restricts visas" {
				t.Errorf("title %q", got)
			}
		}},
		{"redate announced moves the event", func(f *curationFixture, a, b *model.Event) Edit {
			return Edit{Action: ActionRedate, EventID: a.ID, DateKind: model.DateAnnounced, Date: time.Date(2020, 6, 30, 0, 0, 0, 0, time.UTC)}
		}, func(t *testing.T, f *curationFixture) {
			e := f.byKey(t, keyA)
			if got := e.Date.Format(time.DateOnly); got != "2020-06-30" {
				t.Errorf("date %s", got)
			}
			if len(e.Dates) != 1 || e.Dates[0].Confidence != 1 {
				t.Errorf("dates %+v: want the announced date replaced by the editor's", e.Dates)
			}
		}},
		{"redate effective keeps the placement", func(f *curationFixture, a, b *model.Event) Edit {
			return Edit{Action: ActionRedate, EventID: a.ID, DateKind: model.DateEffective, Date: time.Date(2020, 8, 1, 0, 0, 0, 0, time.UTC)}
		}, func(t *testing.T, f *curationFixture) {
			e := f.byKey(t, keyA)
			if e.Date.Format(time.DateOnly) != "2020-07-01" || len(e.Dates) != 2 || e.Dates[1].Kind != model.DateEffective {
				t.Errorf("date %s dates %+v", e.Date, e.Dates)
			}
		}},
		{"hide", func(f *curationFixture, a, b *model.Event) Edit {
			return Edit{Action: ActionHide, EventID: a.ID}
		}, func(t *testing.T, f *curationFixture) {
			evs, _ := f.db.Events(ctx, EventFilter{})
			if len(evs) != 1 || evs[0].Key != keyB {
				t.Errorf("visible events %v, want only B", evs)
			}
		}},
		{"confirm", func(f *curationFixture, a, b *model.Event) Edit {
			return Edit{Action: ActionConfirm, EventID: b.ID}
		}, func(t *testing.T, f *curationFixture) {
			if !f.byKey(t, keyB).Confirmed {
				t.Error("B not confirmed")
			}
		}},
		{"attach", func(f *curationFixture, a, b *model.Event) Edit {
			return Edit{Action: ActionAttach, EventID: b.ID, DocumentIDs: []int64{f.docs[3]}}
		}, func(t *testing.T, f *curationFixture) {
			if got := docIDs(f.byKey(t, keyB)); !slices.Equal(got, []int64{f.docs[1], f.docs[3]}) {
				t.Errorf("B documents %v", got)
			}
		}},
		{"detach", func(f *curationFixture, a, b *model.Event) Edit {
			return Edit{Action: ActionDetach, EventID: a.ID, DocumentIDs: []int64{f.docs[2]}}
		}, func(t *testing.T, f *curationFixture) {
			if got := docIDs(f.byKey(t, keyA)); !slices.Equal(got, []int64{f.docs[0]}) {
				t.Errorf("A documents %v", got)
			}
		}},
		{"merge A into B", func(f *curationFixture, a, b *model.Event) Edit {
			return Edit{Action: ActionMerge, EventID: a.ID, IntoID: b.ID}
		}, func(t *testing.T, f *curationFixture) {
			a, b := f.byKey(t, keyA), f.byKey(t, keyB)
			if !a.Hidden {
				t.Error("merged event A still visible")
			}
			if got := docIDs(b); !slices.Equal(got, []int64{f.docs[0], f.docs[1], f.docs[2]}) {
				t.Errorf("B documents %v, want its own and A's", got)
			}
		}},
		{"split", func(f *curationFixture, a, b *model.Event) Edit {
			return Edit{Action: ActionSplit, EventID: a.ID, DocumentIDs: []int64{f.docs[2]}, Title: "News report"}
		}, func(t *testing.T, f *curationFixture) {
			if got := docIDs(f.byKey(t, keyA)); !slices.Equal(got, []int64{f.docs[0]}) {
				t.Errorf("A documents %v", got)
			}
			m := f.byKey(t, "manual/1")
			if m == nil {
				t.Fatal("split event manual/1 missing")
			}
			if got := docIDs(m); m.Title != "News report" || !slices.Equal(got, []int64{f.docs[2]}) || !m.NewsOnly {
				t.Errorf("split event %q docs %v news-only %v", m.Title, got, m.NewsOnly)
			}
			if m.Date.Format(time.DateOnly) != "2020-07-03" {
				t.Errorf("split event dated %s, want its document's day", m.Date.Format(time.DateOnly))
			}
		}},
		{"add by hand", func(f *curationFixture, a, b *model.Event) Edit {
			return Edit{Action: ActionAdd, Title: "Germany suspends extradition", Category: "extradition",
				Actors: []string{"de"}, Date: time.Date(2020, 7, 31, 0, 0, 0, 0, time.UTC), DocumentIDs: []int64{f.docs[3]}}
		}, func(t *testing.T, f *curationFixture) {
			m := f.byKey(t, "manual/1")
			if m == nil || m.Title != "Germany suspends extradition" || m.NewsOnly || !slices.Equal(m.Actors, []string{"de"}) ||
				!slices.Equal(docIDs(m), []int64{f.docs[3]}) {
				t.Errorf("manual event %+v", m)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newCurationFixture(t, e)
			a, b := f.byKey(t, keyA), f.byKey(t, keyB)
			if _, err := f.db.Curate(ctx, f.editor, tc.edit(f, a, b)); err != nil {
				t.Fatal(err)
			}
			tc.check(t, f)
			// A full re-cluster writes the clustered view again, twice
			// to be sure re-applying is idempotent.
			for i := range 2 {
				if err := f.db.ReplaceEvents(ctx, f.events()); err != nil {
					t.Fatal(err)
				}
				t.Run(fmt.Sprintf("after re-cluster %d", i+1), func(t *testing.T) { tc.check(t, f) })
			}
			if got := f.byKey(t, keyA); got.ID != a.ID {
				t.Errorf("event A id changed from %d to %d", a.ID, got.ID)
			}
		})
	}
}

func TestManualEventNeverDropped(t *testing.T) { eachEngine(t, testManualEventNeverDropped) }

func testManualEventNeverDropped(t *testing.T, e testEngine) {
	ctx := context.Background()
	f := newCurationFixture(t, e)
	m, err := f.db.Curate(ctx, f.editor, Edit{Action: ActionAdd, Title: "By hand", Category: "visa",
		Date: time.Date(2020, 7, 9, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	// A clustering that finds nothing at all.
	if err := f.db.ReplaceEvents(ctx, nil); err != nil {
		t.Fatal(err)
	}
	got, err := f.db.Event(ctx, m.ID)
	if err != nil {
		t.Fatalf("manual event gone after re-clustering: %v", err)
	}
	if got.Key != m.Key || got.Title != "By hand" {
		t.Errorf("manual event now %+v", got)
	}
}

func TestUnhideUndoesMerge(t *testing.T) { eachEngine(t, testUnhideUndoesMerge) }

func testUnhideUndoesMerge(t *testing.T, e testEngine) {
	ctx := context.Background()
	f := newCurationFixture(t, e)
	a, b := f.byKey(t, "us/visa/2020-07-01"), f.byKey(t, "uk/extradition/2020-07-02")
	if _, err := f.db.Curate(ctx, f.editor, Edit{Action: ActionMerge, EventID: a.ID, IntoID: b.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Curate(ctx, f.editor, Edit{Action: ActionUnhide, EventID: a.ID}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if got := docIDs(f.byKey(t, b.Key)); !slices.Equal(got, []int64{f.docs[1]}) {
			t.Errorf("B documents after unmerge %v, want only its own", got)
		}
		if f.byKey(t, a.Key).Hidden {
			t.Error("A still hidden")
		}
		if err := f.db.ReplaceEvents(ctx, f.events()); err != nil {
			t.Fatal(err)
		}
	}
}

func TestCurationRefusesBadEdits(t *testing.T) { eachEngine(t, testCurationRefusesBadEdits) }

func testCurationRefusesBadEdits(t *testing.T, e testEngine) {
	ctx := context.Background()
	f := newCurationFixture(t, e)
	a, b := f.byKey(t, "us/visa/2020-07-01"), f.byKey(t, "uk/extradition/2020-07-02")
	for _, e := range []Edit{
		{Action: ActionRetitle, EventID: a.ID, Title: "   "},
		{Action: ActionRedate, EventID: a.ID, DateKind: "yesterday", Date: time.Now()},
		{Action: ActionRedate, EventID: a.ID, DateKind: model.DateEffective},
		{Action: ActionMerge, EventID: a.ID, IntoID: a.ID},
		{Action: ActionMerge, EventID: a.ID, IntoID: 999},
		{Action: ActionDetach, EventID: a.ID, DocumentIDs: []int64{f.docs[1]}},
		{Action: ActionAttach, EventID: a.ID, DocumentIDs: []int64{f.docs[0]}},
		{Action: ActionAttach, EventID: a.ID, DocumentIDs: []int64{9999}},
		{Action: ActionSplit, EventID: b.ID, DocumentIDs: []int64{f.docs[1]}},
		{Action: ActionAdd, Title: "No date", Category: "visa"},
		{Action: "delete", EventID: a.ID},
	} {
		_, err := f.db.Curate(ctx, f.editor, e)
		var ee *EditError
		if !errors.As(err, &ee) {
			t.Errorf("%+v: error %v, want an EditError", e, err)
		}
	}
	if _, err := f.db.Curate(ctx, f.editor, Edit{Action: ActionHide, EventID: 12345}); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing event: %v, want ErrNotFound", err)
	}
	if log, _ := f.db.Audit(ctx, AuditFilter{}); len(log) != 0 {
		t.Errorf("refused edits were logged: %+v", log)
	}
	if got := f.byKey(t, a.Key); got.Title != "Clustered title A" || len(got.Documents) != 2 {
		t.Errorf("event changed by refused edits: %+v", got)
	}
}

func TestAuditLogRecordsWhoWhatWhen(t *testing.T) { eachEngine(t, testAuditLogRecordsWhoWhatWhen) }

func testAuditLogRecordsWhoWhatWhen(t *testing.T, e testEngine) {
	ctx := context.Background()
	f := newCurationFixture(t, e)
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	f.db.Now = func() time.Time { return at }
	a := f.byKey(t, "us/visa/2020-07-01")
	if _, err := f.db.Curate(ctx, f.editor, Edit{Action: ActionRetitle, EventID: a.ID, Title: "New"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Curate(ctx, f.editor, Edit{Action: ActionHide, EventID: a.ID}); err != nil {
		t.Fatal(err)
	}
	log, err := f.db.Audit(ctx, AuditFilter{EventKey: a.Key})
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 2 || log[0].Action != ActionHide || log[1].Action != ActionRetitle {
		t.Fatalf("audit %+v, want hide then retitle, newest first", log)
	}
	ent := log[1]
	var before, after struct{ Title string }
	_ = json.Unmarshal([]byte(ent.Before), &before)
	_ = json.Unmarshal([]byte(ent.After), &after)
	if ent.UserName != "editor1" || !ent.At.Equal(at) || before.Title != "Clustered title A" || after.Title != "New" {
		t.Errorf("audit entry %+v", ent)
	}
	if got := f.byKey(t, a.Key).UpdatedAt; !got.Equal(at) {
		t.Errorf("updated_at %s, want the edit's time", got)
	}
	// Re-clustering the same documents does not make the event look
	// changed again.
	f.db.Now = func() time.Time { return at.Add(time.Hour) }
	if err := f.db.ReplaceEvents(ctx, f.events()); err != nil {
		t.Fatal(err)
	}
	if got := f.byKey(t, a.Key).UpdatedAt; !got.Equal(at) {
		t.Errorf("updated_at after re-clustering %s, want %s", got, at)
	}
}

func TestMergeAndSplitAreInBothEventsHistories(t *testing.T) {
	eachEngine(t, testMergeAndSplitAreInBothEventsHistories)
}

func testMergeAndSplitAreInBothEventsHistories(t *testing.T, e testEngine) {
	ctx := context.Background()
	f := newCurationFixture(t, e)
	a, b := f.byKey(t, "us/visa/2020-07-01"), f.byKey(t, "uk/extradition/2020-07-02")
	if _, err := f.db.Curate(ctx, f.editor, Edit{Action: ActionMerge, EventID: a.ID, IntoID: b.ID}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		key   string
		docs  int
		title string
	}{{a.Key, 2, "Clustered title A"}, {b.Key, 3, "Clustered title B"}} {
		log, err := f.db.Audit(ctx, AuditFilter{EventKey: tc.key})
		if err != nil || len(log) != 1 || log[0].Action != ActionMerge {
			t.Fatalf("history of %s: %+v %v", tc.key, log, err)
		}
		var after struct {
			Title     string
			Documents []int64
		}
		_ = json.Unmarshal([]byte(log[0].After), &after)
		if after.Title != tc.title || len(after.Documents) != tc.docs {
			t.Errorf("history of %s records %+v after the merge", tc.key, after)
		}
	}
}

func TestMergedEventReturnsWhenTheOtherIsGone(t *testing.T) {
	eachEngine(t, testMergedEventReturnsWhenTheOtherIsGone)
}

func testMergedEventReturnsWhenTheOtherIsGone(t *testing.T, e testEngine) {
	ctx := context.Background()
	f := newCurationFixture(t, e)
	a, b := f.byKey(t, "us/visa/2020-07-01"), f.byKey(t, "uk/extradition/2020-07-02")
	if _, err := f.db.Curate(ctx, f.editor, Edit{Action: ActionMerge, EventID: a.ID, IntoID: b.ID}); err != nil {
		t.Fatal(err)
	}
	// Clustering no longer finds B: A must not vanish with it.
	if err := f.db.ReplaceEvents(ctx, f.events()[:1]); err != nil {
		t.Fatal(err)
	}
	if f.byKey(t, b.Key) != nil {
		t.Fatal("stale unconfirmed B was kept")
	}
	if got := f.byKey(t, a.Key); got == nil || got.Hidden {
		t.Errorf("A after B went away: %+v, want it visible", got)
	}
	// B comes back: the merge applies again.
	if err := f.db.ReplaceEvents(ctx, f.events()); err != nil {
		t.Fatal(err)
	}
	if got := f.byKey(t, a.Key); !got.Hidden || len(f.byKey(t, b.Key).Documents) != 3 {
		t.Errorf("merge not re-applied when B returned: A hidden=%v, B docs %v", got.Hidden, docIDs(f.byKey(t, b.Key)))
	}
}
