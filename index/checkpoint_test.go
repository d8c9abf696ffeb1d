package index

import (
	"context"
	"path/filepath"
	"testing"

	"policywatch/model"
)

// TestApplyRecordsItsMarkWithTheDocuments: the applied change survives a
// close and reopen with the documents of its batch, and deletes go too.
func TestApplyRecordsItsMarkWithTheDocuments(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "index")
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if seq, err := ix.AppliedSeq(); err != nil || seq != 0 {
		t.Fatalf("new index applied %d (%v), want 0", seq, err)
	}
	docs := []model.Document{
		{ID: 1, URL: "https://a.example/1", Title: "Sanctions", Text: "Sanctions on officials.", Lang: "en"},
		{ID: 2, URL: "https://a.example/2", Title: "Visas", Text: "Visa restrictions.", Lang: "en"},
	}
	if err := ix.Apply(ctx, docs, nil, 7); err != nil {
		t.Fatal(err)
	}
	if err := ix.Apply(ctx, nil, []int64{2}, 9); err != nil {
		t.Fatal(err)
	}
	ix.Close()
	ix, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if seq, err := ix.AppliedSeq(); err != nil || seq != 9 {
		t.Errorf("reopened index applied %d (%v), want 9", seq, err)
	}
	got := map[int64]string{}
	if err := ix.Fingerprints(ctx, func(id int64, fp string) error { got[id] = fp; return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[1] != Fingerprint(docs[0].Title, docs[0].Text) {
		t.Errorf("fingerprints = %v, want document 1's only", got)
	}
}
