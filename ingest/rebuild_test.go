package ingest

import (
	"context"
	"fmt"
	"testing"

	"policywatch/model"
)

// cancelAfter is the store of a rebuild interrupted (the process killed,
// the context cancelled) after it had read n documents.
type cancelAfter struct {
	OwnerStore
	n      int
	cancel context.CancelFunc
}

func (c cancelAfter) EachDocument(ctx context.Context, fn func(*model.Document) error) error {
	seen := 0
	return c.OwnerStore.EachDocument(ctx, func(d *model.Document) error {
		if seen++; seen > c.n {
			c.cancel()
		}
		return fn(d)
	})
}

// TestRebuildEndsEqualToTheStore: a rebuild that takes the store in
// several chunks repairs an index that drifted from the store, and moves
// the index's mark only once every document is in: one cut short leaves
// the old mark, so the changes after it are applied again, none skipped.
func TestRebuildEndsEqualToTheStore(t *testing.T) {
	ctx := context.Background()
	a := testArchive(t)
	var ids []int64
	for i := range 10 {
		ids = append(ids, saveDoc(t, a, fmt.Sprintf("https://a.example/%d", i), fmt.Sprintf("Sanctions notice number %d on Hong Kong officials.", i)))
	}
	o, err := OwnIndex(ctx, a.Dir, a.Store, OwnOptions{Role: "test"})
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	o.rebuildChunk = 3

	// The index drifts from the store behind the change log's back: one
	// document out of date, one missing; then a change it has not applied.
	docs, err := a.Store.DocumentsByID(ctx, ids[:1])
	if err != nil || len(docs) != 1 {
		t.Fatalf("documents by id: %v (%v)", docs, err)
	}
	stale := docs[0]
	stale.Text = "Something else entirely."
	if err := o.Index.Put(ctx, stale); err != nil {
		t.Fatal(err)
	}
	if err := o.Index.Delete(ctx, ids[1]); err != nil {
		t.Fatal(err)
	}
	mark, err := o.Index.AppliedSeq()
	if err != nil {
		t.Fatal(err)
	}
	ids = append(ids, saveDoc(t, a, "https://a.example/new", "Visa restrictions announced."))

	// Cut short after the first chunk was indexed.
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	full := o.store
	o.store = cancelAfter{OwnerStore: full, n: 4, cancel: cancel}
	if _, err := o.Rebuild(cctx); err == nil {
		t.Fatal("a rebuild whose context was cancelled reported success")
	}
	o.store = full
	if got, err := o.Index.AppliedSeq(); err != nil || got != mark {
		t.Errorf("after a rebuild cut short the index's mark is %d (%v), want the old %d", got, err, mark)
	}

	n, err := o.Rebuild(ctx)
	if err != nil || n != len(ids) {
		t.Fatalf("rebuild indexed %d (%v), want %d", n, err, len(ids))
	}
	last, err := a.Store.LastChange(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := o.Index.AppliedSeq(); err != nil || got != last {
		t.Errorf("after the rebuild the index's mark is %d (%v), want the store's last change %d", got, err, last)
	}
	var bad []IndexMismatch
	checked, err := o.Verify(ctx, func(m IndexMismatch) { bad = append(bad, m) })
	if err != nil || checked != len(ids) || len(bad) != 0 {
		t.Errorf("verify after the rebuild checked %d: %v (%v), want %d in agreement", checked, bad, err, len(ids))
	}
	if c, err := o.Index.Count(); err != nil || c != uint64(len(ids)) {
		t.Errorf("index holds %d documents (%v), want %d", c, err, len(ids))
	}
}
