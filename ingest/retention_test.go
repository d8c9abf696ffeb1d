package ingest

import (
	"context"
	"testing"
	"time"

	"policywatch/store"
)

// TestIndexAwayLongerThanTheLogRebuilds: an index whose process was away
// while the change log was trimmed past its mark cannot catch up from
// the log; it rebuilds from the store when it is taken again, and says
// how far it got so the log keeps what it has not taken in.
func TestIndexAwayLongerThanTheLogRebuilds(t *testing.T) {
	ctx := context.Background()
	a := testArchive(t)
	db := a.Store.(*store.DB)
	saveDoc(t, a, "https://a.example/1", "Sanctions on Hong Kong officials.")
	o, err := OwnIndex(ctx, a.Dir, a.Store, OwnOptions{Role: "test"})
	if err != nil {
		t.Fatal(err)
	}
	o.Close()
	// Stored while the index's process was away.
	saveDoc(t, a, "https://a.example/2", "Visa restrictions over Hong Kong.")
	saveDoc(t, a, "https://a.example/3", "Extradition treaty with Hong Kong suspended.")

	// The timeline took everything in; the index, away past the
	// retention, is forgotten, and the log trimmed past its mark.
	last, err := db.LastChange(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ReplaceEventsAsOf(ctx, nil, last); err != nil {
		t.Fatal(err)
	}
	if n, err := db.PruneChanges(ctx, time.Now().Add(ChangeLogRetention)); err != nil || n != 2 {
		t.Fatalf("prune after the retention: removed %d (%v), want all but the newest change", n, err)
	}
	if l, _ := db.LastChange(ctx); l != last {
		t.Fatalf("after pruning the log ends at %d, want %d", l, last)
	}

	o, err = OwnIndex(ctx, a.Dir, a.Store, OwnOptions{Role: "test"})
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	if n, err := o.Index.Count(); err != nil || n != 3 {
		t.Errorf("index holds %d documents (%v), want all 3 of the store", n, err)
	}
	var bad []IndexMismatch
	if checked, err := o.Verify(ctx, func(m IndexMismatch) { bad = append(bad, m) }); err != nil || checked != 3 || len(bad) != 0 {
		t.Errorf("verify checked %d: %v (%v), want 3 in agreement", checked, bad, err)
	}
}
