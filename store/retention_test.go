package store

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// TestPruneChangesKeepsWhatAReaderNeeds: the change log loses only
// entries older than the retention that the timeline, every webhook and
// every index heard of lately have taken in; an index not heard of within
// the retention holds nothing back, and learns from PrunedChanges that
// it must rebuild.
func TestPruneChangesKeepsWhatAReaderNeeds(t *testing.T) { eachEngine(t, testPruneChanges) }

func testPruneChanges(t *testing.T, e testEngine) {
	ctx := context.Background()
	db := e.open(t)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	day := func(n int) time.Time { return t0.Add(time.Duration(n) * 24 * time.Hour) }
	save := func(i int) {
		t.Helper()
		d, c := testDoc(fmt.Sprintf("https://a.example/%d", i), fmt.Sprintf("text number %d", i))
		c.FetchedAt = day(i) // a change a day
		if _, err := db.SaveCapture(ctx, d, c); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 5 {
		save(i)
	}
	hook := &SavedSearch{Name: "hook", Params: "q=x", Webhook: "https://hooks.example/x"}
	if err := db.SaveSearch(ctx, hook); err != nil { // told up to change 4
		t.Fatal(err)
	}
	for i := 5; i < 10; i++ {
		save(i)
	}
	all, err := db.ChangesAfter(ctx, 0, 100)
	if err != nil || len(all) != 10 {
		t.Fatalf("changes = %d (%v), want 10", len(all), err)
	}
	seq := func(i int) int64 { return all[i].Seq }
	if _, err := db.ReplaceEventsAsOf(ctx, nil, seq(9)); err != nil {
		t.Fatal(err)
	}
	db.Now = func() time.Time { return day(2) }
	if err := db.NoteConsumer(ctx, "server-gone", seq(1)); err != nil { // not heard of since day 2
		t.Fatal(err)
	}
	db.Now = func() time.Time { return day(40) }
	if err := db.NoteConsumer(ctx, "server-a", seq(6)); err != nil {
		t.Fatal(err)
	}
	pruned := func(before time.Time, wantN int, wantMark int) {
		t.Helper()
		n, err := db.PruneChanges(ctx, before)
		if err != nil || n != int64(wantN) {
			t.Errorf("prune before %s removed %d (%v), want %d", before.Format(time.DateOnly), n, err, wantN)
		}
		if p, err := db.PrunedChanges(ctx); err != nil || p != seq(wantMark) {
			t.Errorf("after pruning before %s PrunedChanges = %d (%v), want %d", before.Format(time.DateOnly), p, err, seq(wantMark))
		}
	}
	// Only what is older than the cutoff goes; server-gone, not heard of
	// since before it, holds nothing back.
	pruned(day(3), 3, 2)
	// The webhook, told up to change 4, holds back what it has not heard.
	pruned(day(30), 2, 4)
	// Told everything, it no longer does; server-a, at 6, still does.
	if err := db.MarkSearchAlerted(ctx, hook.ID, seq(9), day(40)); err != nil {
		t.Fatal(err)
	}
	pruned(day(30), 2, 6)
	// Nothing more to remove: the mark never moves back.
	pruned(t0, 0, 6)
	left, _ := db.ChangesAfter(ctx, 0, 100)
	if len(left) != 3 || left[0].Seq != seq(7) {
		t.Errorf("the log holds %d entries from %d, want 3 from %d", len(left), left[0].Seq, seq(7))
	}
}
