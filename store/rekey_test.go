package store

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"policywatch/model"
)

// rekeyFixture is a store with eight documents, published a day apart
// from 2020-06-28, and an editor.
type rekeyFixture struct {
	db     *DB
	d      []int64
	editor *User
	ids    map[string]int64 // event ids by key after the first clustering
}

func newRekeyFixture(t *testing.T, e testEngine) *rekeyFixture {
	t.Helper()
	ctx := context.Background()
	f := &rekeyFixture{db: e.open(t), ids: map[string]int64{}}
	for i := range 8 {
		d, c := testDoc(fmt.Sprintf("https://rekey.example/%d", i), fmt.Sprintf("rekey text %d", i))
		d.Published = time.Date(2020, 6, 28+i, 12, 0, 0, 0, time.UTC)
		if _, err := f.db.SaveCapture(ctx, d, c); err != nil {
			t.Fatal(err)
		}
		f.d = append(f.d, d.ID)
	}
	var err error
	if f.editor, err = f.db.AddUser(ctx, "rekey-editor", RoleEditor, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	return f
}

// clustered builds an event as clustering would: key actor/category/date,
// dated by its first document.
func clustered(key, title string, docs ...int64) model.Event {
	date, _ := time.Parse(time.DateOnly, key[len(key)-10:]) // keys end in the first date
	e := model.Event{Key: key, Title: title, Category: "visa", Actors: []string{"us"}, Date: date,
		Dates: []model.EventDate{{Kind: model.DateAnnounced, Date: date, DocumentID: docs[0]}}}
	for i, d := range docs {
		e.Documents = append(e.Documents, model.EventDocument{DocumentID: d, Primary: i == 0})
	}
	return e
}

// all lists every event, hidden ones too.
func (f *rekeyFixture) all(t *testing.T) []model.Event {
	t.Helper()
	evs, err := f.db.Events(context.Background(), EventFilter{IncludeHidden: true})
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// with returns the events that show document id: more than one is a
// duplicate on the timeline.
func (f *rekeyFixture) with(t *testing.T, id int64) []model.Event {
	t.Helper()
	var out []model.Event
	for _, e := range f.all(t) {
		if slices.Contains(docIDs(&e), id) {
			out = append(out, e)
		}
	}
	return out
}

func (f *rekeyFixture) key(t *testing.T, key string) *model.Event {
	t.Helper()
	for _, e := range f.all(t) {
		if e.Key == key {
			return &e
		}
	}
	return nil
}

func (f *rekeyFixture) history(t *testing.T, key string) []string {
	t.Helper()
	log, err := f.db.Audit(context.Background(), AuditFilter{EventKey: key})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range log {
		out = append(out, e.Action)
	}
	return out
}

func TestCurationFollowsChangedKey(t *testing.T) { eachEngine(t, testCurationFollowsChangedKey) }

func testCurationFollowsChangedKey(t *testing.T, e testEngine) {
	ctx := context.Background()
	const (
		oldA = "us/visa/2020-06-29"
		oldB = "us/visa/2020-07-01"
		newA = "us/visa/2020-06-28" // a re-crawl found an earlier document
	)
	tests := []struct {
		name   string
		before func(d []int64) []model.Event
		edits  func(f *rekeyFixture) []Edit
		after  func(d []int64) []model.Event
		check  func(t *testing.T, f *rekeyFixture)
	}{
		{
			name: "retitled and confirmed event keeps its title, confirmation and id",
			before: func(d []int64) []model.Event {
				return []model.Event{clustered(oldA, "Clustered A", d[1], d[2]), clustered(oldB, "Clustered B", d[3])}
			},
			edits: func(f *rekeyFixture) []Edit {
				return []Edit{{Action: ActionRetitle, EventID: f.ids[oldA], Title: "Editor's A"},
					{Action: ActionConfirm, EventID: f.ids[oldA]}}
			},
			after: func(d []int64) []model.Event {
				return []model.Event{clustered(newA, "Clustered A", d[0], d[1], d[2]), clustered(oldB, "Clustered B", d[3])}
			},
			check: func(t *testing.T, f *rekeyFixture) {
				evs := f.with(t, f.d[1])
				if len(evs) != 1 {
					t.Fatalf("%d events show document 1, want one: %+v", len(evs), evs)
				}
				e := evs[0]
				if e.Key != newA || e.Title != "Editor's A" || !e.Confirmed {
					t.Errorf("event %s %q confirmed=%v, want %s with the editor's title, confirmed", e.Key, e.Title,
						e.Confirmed, newA)
				}
				if got, want := docIDs(&e), []int64{f.d[0], f.d[1], f.d[2]}; !slices.Equal(got, want) {
					t.Errorf("documents %v, want %v", got, want)
				}
				if e.ID != f.ids[oldA] {
					t.Errorf("id %d, want the old event's %d so its permalink still works", e.ID, f.ids[oldA])
				}
				if got, want := f.history(t, newA), []string{ActionRekey, ActionConfirm, ActionRetitle}; !slices.Equal(got, want) {
					t.Errorf("history under the new key %v, want %v", got, want)
				}
			},
		},
		{
			name: "hidden event stays hidden",
			before: func(d []int64) []model.Event {
				return []model.Event{clustered(oldA, "Clustered A", d[1], d[2]), clustered(oldB, "Clustered B", d[3])}
			},
			edits: func(f *rekeyFixture) []Edit {
				return []Edit{{Action: ActionHide, EventID: f.ids[oldA]}}
			},
			after: func(d []int64) []model.Event {
				return []model.Event{clustered(newA, "Clustered A", d[0], d[1], d[2]), clustered(oldB, "Clustered B", d[3])}
			},
			check: func(t *testing.T, f *rekeyFixture) {
				visible, err := f.db.Events(ctx, EventFilter{})
				if err != nil {
					t.Fatal(err)
				}
				if len(visible) != 1 || visible[0].Key != oldB {
					t.Errorf("visible events %+v, want only %s", visible, oldB)
				}
				if evs := f.with(t, f.d[1]); len(evs) != 1 || evs[0].Key != newA || !evs[0].Hidden {
					t.Errorf("events with document 1: %+v, want %s alone and hidden", evs, newA)
				}
			},
		},
		{
			name: "too few shared documents do not take the curation",
			before: func(d []int64) []model.Event {
				return []model.Event{clustered(oldA, "Clustered A", d[1], d[2]),
					clustered(oldB, "Clustered B", d[3], d[4], d[5])}
			},
			edits: func(f *rekeyFixture) []Edit {
				return []Edit{{Action: ActionRetitle, EventID: f.ids[oldA], Title: "Editor's A"},
					{Action: ActionRetitle, EventID: f.ids[oldB], Title: "Editor's B"},
					{Action: ActionConfirm, EventID: f.ids[oldB]}}
			},
			after: func(d []int64) []model.Event {
				// A keeps half its documents: enough. B keeps one of
				// three: a different event.
				return []model.Event{clustered(newA, "Clustered A", d[0], d[1]),
					clustered("us/visa/2020-06-30", "Clustered C", d[2], d[3], d[6])}
			},
			check: func(t *testing.T, f *rekeyFixture) {
				if e := f.key(t, newA); e == nil || e.Title != "Editor's A" {
					t.Errorf("%s: %+v, want the editor's title (half the documents are shared)", newA, e)
				}
				if e := f.key(t, "us/visa/2020-06-30"); e == nil || e.Title != "Clustered C" || e.Confirmed {
					t.Errorf("new event C: %+v, want it uncurated", e)
				}
				// Today's behaviour: the confirmed event stays as it was.
				if e := f.key(t, oldB); e == nil || e.Title != "Editor's B" || !e.Confirmed {
					t.Errorf("%s: %+v, want it kept, confirmed, with the editor's title", oldB, e)
				}
			},
		},
		{
			name: "two curated events cannot both claim one new event",
			before: func(d []int64) []model.Event {
				return []model.Event{clustered(oldA, "Clustered A", d[1], d[2]), clustered(oldB, "Clustered B", d[3])}
			},
			edits: func(f *rekeyFixture) []Edit {
				return []Edit{{Action: ActionRetitle, EventID: f.ids[oldA], Title: "Editor's A"},
					{Action: ActionConfirm, EventID: f.ids[oldA]},
					{Action: ActionRetitle, EventID: f.ids[oldB], Title: "Editor's B"},
					{Action: ActionConfirm, EventID: f.ids[oldB]}}
			},
			after: func(d []int64) []model.Event {
				// Clustering now sees one event in both.
				return []model.Event{clustered(newA, "Clustered AB", d[0], d[1], d[2], d[3])}
			},
			check: func(t *testing.T, f *rekeyFixture) {
				e := f.key(t, newA)
				if e == nil || e.Title != "Editor's A" || e.ID != f.ids[oldA] {
					t.Fatalf("%s: %+v, want A's curation (it shares the most documents)", newA, e)
				}
				if f.key(t, oldA) != nil {
					t.Errorf("stale %s kept next to %s", oldA, newA)
				}
				if b := f.key(t, oldB); b == nil || b.Title != "Editor's B" || !b.Confirmed {
					t.Errorf("%s: %+v, want it kept as it was", oldB, b)
				}
				if got := f.history(t, oldB); !slices.Equal(got, []string{ActionConfirm, ActionRetitle}) {
					t.Errorf("history of %s %v", oldB, got)
				}
			},
		},
		{
			name: "an uncurated event under the new key gives way",
			before: func(d []int64) []model.Event {
				return []model.Event{clustered(newA, "Clustered N", d[0]), clustered(oldA, "Clustered A", d[1], d[2])}
			},
			edits: func(f *rekeyFixture) []Edit {
				return []Edit{{Action: ActionRetitle, EventID: f.ids[oldA], Title: "Editor's A"},
					{Action: ActionConfirm, EventID: f.ids[oldA]}}
			},
			after: func(d []int64) []model.Event {
				return []model.Event{clustered(newA, "Clustered N", d[0], d[1], d[2])}
			},
			check: func(t *testing.T, f *rekeyFixture) {
				evs := f.all(t)
				if len(evs) != 1 || evs[0].Title != "Editor's A" || evs[0].ID != f.ids[oldA] {
					t.Errorf("events %+v, want A alone under %s", evs, newA)
				}
			},
		},
		{
			name: "a new event curated under its own key keeps its own curation",
			before: func(d []int64) []model.Event {
				return []model.Event{clustered(newA, "Clustered N", d[0]), clustered(oldA, "Clustered A", d[1], d[2])}
			},
			edits: func(f *rekeyFixture) []Edit {
				return []Edit{{Action: ActionRetitle, EventID: f.ids[newA], Title: "Editor's N"},
					{Action: ActionRetitle, EventID: f.ids[oldA], Title: "Editor's A"},
					{Action: ActionConfirm, EventID: f.ids[oldA]}}
			},
			after: func(d []int64) []model.Event {
				return []model.Event{clustered(newA, "Clustered N", d[0], d[1], d[2])}
			},
			check: func(t *testing.T, f *rekeyFixture) {
				if e := f.key(t, newA); e == nil || e.Title != "Editor's N" {
					t.Errorf("%s: %+v, want its own title", newA, e)
				}
				if e := f.key(t, oldA); e == nil || e.Title != "Editor's A" || !e.Confirmed {
					t.Errorf("%s: %+v, want it kept as it was", oldA, e)
				}
			},
		},
		{
			name: "a detached document stays out",
			before: func(d []int64) []model.Event {
				return []model.Event{clustered(oldA, "Clustered A", d[1], d[2], d[3])}
			},
			edits: func(f *rekeyFixture) []Edit {
				return []Edit{{Action: ActionDetach, EventID: f.ids[oldA], DocumentIDs: []int64{f.d[3]}}}
			},
			after: func(d []int64) []model.Event {
				return []model.Event{clustered(newA, "Clustered A", d[0], d[1], d[2], d[3])}
			},
			check: func(t *testing.T, f *rekeyFixture) {
				evs := f.all(t)
				if len(evs) != 1 || evs[0].Key != newA {
					t.Fatalf("events %+v, want %s alone", evs, newA)
				}
				if got, want := docIDs(&evs[0]), []int64{f.d[0], f.d[1], f.d[2]}; !slices.Equal(got, want) {
					t.Errorf("documents %v, want %v (the editor detached %d)", got, want, f.d[3])
				}
			},
		},
		{
			name: "a merge follows the new key of the event merged into",
			before: func(d []int64) []model.Event {
				return []model.Event{clustered(oldA, "Clustered A", d[1], d[2]), clustered(oldB, "Clustered B", d[3])}
			},
			edits: func(f *rekeyFixture) []Edit {
				return []Edit{{Action: ActionMerge, EventID: f.ids[oldA], IntoID: f.ids[oldB]}}
			},
			after: func(d []int64) []model.Event {
				return []model.Event{clustered(oldA, "Clustered A", d[1], d[2]),
					clustered("us/visa/2020-06-30", "Clustered B", d[3], d[4])}
			},
			check: func(t *testing.T, f *rekeyFixture) {
				if a := f.key(t, oldA); a == nil || !a.Hidden {
					t.Errorf("%s: %+v, want it still merged away", oldA, a)
				}
				b := f.key(t, "us/visa/2020-06-30")
				if got, want := docIDs(b), []int64{f.d[1], f.d[2], f.d[3], f.d[4]}; !slices.Equal(got, want) {
					t.Errorf("documents of the event merged into %v, want %v", got, want)
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newRekeyFixture(t, e)
			if err := f.db.ReplaceEvents(ctx, tc.before(f.d)); err != nil {
				t.Fatal(err)
			}
			for _, e := range f.all(t) {
				f.ids[e.Key] = e.ID
			}
			for _, e := range tc.edits(f) {
				if _, err := f.db.Curate(ctx, f.editor, e); err != nil {
					t.Fatalf("%s event %d: %v", e.Action, e.EventID, err)
				}
			}
			// Twice: the second clustering finds the keys already moved.
			for i := range 2 {
				if err := f.db.ReplaceEvents(ctx, tc.after(f.d)); err != nil {
					t.Fatal(err)
				}
				t.Run(fmt.Sprintf("clustering %d", i+1), func(t *testing.T) { tc.check(t, f) })
			}
		})
	}
}

func TestAuditHistoryFollowsRekeys(t *testing.T) { eachEngine(t, testAuditHistoryFollowsRekeys) }

func testAuditHistoryFollowsRekeys(t *testing.T, e testEngine) {
	ctx := context.Background()
	const (
		oldA  = "us/visa/2020-06-29"
		newA  = "us/visa/2020-06-28"
		other = "us/visa/2020-07-03"
	)
	f := newRekeyFixture(t, e)
	if err := f.db.ReplaceEvents(ctx, []model.Event{clustered(oldA, "Clustered A", f.d[1], f.d[2])}); err != nil {
		t.Fatal(err)
	}
	a := f.key(t, oldA)
	if _, err := f.db.Curate(ctx, f.editor, Edit{Action: ActionRetitle, EventID: a.ID, Title: "Editor's A"}); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name    string
		events  []model.Event
		history map[string][]string // by key, newest first
	}{
		{"an earlier document moves the event", []model.Event{clustered(newA, "Clustered A", f.d[0], f.d[1], f.d[2])},
			map[string][]string{newA: {ActionRekey, ActionRetitle}, oldA: nil}},
		{"another event takes the old key", []model.Event{clustered(newA, "Clustered A", f.d[0], f.d[1], f.d[2]),
			clustered(oldA, "Clustered other", f.d[5])},
			map[string][]string{newA: {ActionRekey, ActionRetitle}, oldA: nil}},
		{"the event moves back to its first key", []model.Event{clustered(oldA, "Clustered A", f.d[1], f.d[2]),
			clustered(other, "Clustered other", f.d[5])},
			map[string][]string{oldA: {ActionRekey, ActionRekey, ActionRetitle}, newA: nil, other: nil}},
	}
	for _, s := range steps {
		if err := f.db.ReplaceEvents(ctx, s.events); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		for key, want := range s.history {
			log, err := f.db.Audit(ctx, AuditFilter{EventKey: key})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range log {
				got = append(got, e.Action)
				if e.EventID != a.ID {
					t.Errorf("%s: entry %s of %s names event %d, want %d", s.name, e.Action, key, e.EventID, a.ID)
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s: history of %s %v, want %v", s.name, key, got, want)
			}
		}
	}
}
