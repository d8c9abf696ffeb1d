package ingest

import (
	"context"
	"strings"
	"testing"
)

// TestIndexSnippetsAndVerifyUseTheStoresText: the index keeps no copy of
// the text, so the index a process takes (and the one a read-only
// command opens) cuts its snippets from the store's text, and verify
// still tells an index out of date with the store from one in agreement.
func TestIndexSnippetsAndVerifyUseTheStoresText(t *testing.T) {
	ctx := context.Background()
	a := testArchive(t)
	id := saveDoc(t, a, "https://a.example/1", "Sanctions on Hong Kong officials and their families.")
	o, err := OwnIndex(ctx, a.Dir, a.Store, OwnOptions{Role: "test"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := o.Index.Search(ctx, indexRequest("families"))
	if err != nil || res.Total != 1 {
		t.Fatalf("search: %+v (%v)", res, err)
	}
	if s := string(res.Hits[0].Snippet); !strings.Contains(s, "<mark>families</mark>") {
		t.Errorf("owned index: snippet %q does not mark the match in the store's text", s)
	}

	var bad []IndexMismatch
	if _, err := o.Verify(ctx, func(m IndexMismatch) { bad = append(bad, m) }); err != nil || len(bad) != 0 {
		t.Errorf("verify of an index in agreement: %v (%v)", bad, err)
	}
	// The index given other text for the document than the store holds,
	// behind the change log's back: verify must see it.
	docs, err := a.Store.DocumentsByID(ctx, []int64{id})
	if err != nil || len(docs) != 1 {
		t.Fatalf("documents by id: %v (%v)", docs, err)
	}
	stale := docs[0]
	stale.Text = "Sanctions on Hong Kong officials."
	if err := o.Index.Put(ctx, stale); err != nil {
		t.Fatal(err)
	}
	bad = nil
	if _, err := o.Verify(ctx, func(m IndexMismatch) { bad = append(bad, m) }); err != nil ||
		len(bad) != 1 || bad[0].DocumentID != id || bad[0].Problem != "out of date in the index" {
		t.Errorf("verify of a stale document: %v (%v), want %d out of date", bad, err, id)
	}
	if err := o.Index.Put(ctx, docs[0]); err != nil {
		t.Fatal(err)
	}
	o.Close()

	ro, pending, err := OpenIndexReadOnly(ctx, a.Dir, a.Store)
	if err != nil || pending != 0 {
		t.Fatalf("open read-only: pending %d (%v)", pending, err)
	}
	defer ro.Close()
	res, err = ro.Search(ctx, indexRequest("families"))
	if err != nil || res.Total != 1 {
		t.Fatalf("read-only search: %+v (%v)", res, err)
	}
	if s := string(res.Hits[0].Snippet); !strings.Contains(s, "<mark>families</mark>") {
		t.Errorf("read-only index: snippet %q does not mark the match in the store's text", s)
	}
}
