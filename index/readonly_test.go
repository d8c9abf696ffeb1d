package index

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// TestOpenReadOnly: a read-only open searches an index without changing
// a file of it, refuses writes, and names a missing index as one to
// rebuild.
func TestOpenReadOnly(t *testing.T) {
	ix, dir := openTest(t, testDocs())
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	snapshot := func() []string {
		var out []string
		filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				info, _ := d.Info()
				out = append(out, p+" "+info.ModTime().Format(time.RFC3339Nano))
			}
			return nil
		})
		return out
	}
	before := snapshot()
	ro, err := OpenReadOnly(dir)
	if err != nil {
		t.Fatal(err)
	}
	res, err := ro.Search(context.Background(), Request{Query: "visa"})
	if err != nil || res.Total == 0 {
		t.Errorf("search: %v, %v", res, err)
	}
	if err := ro.Put(context.Background(), testDocs()[0]); err == nil {
		t.Error("Put through a read-only open succeeded")
	}
	if err := ro.Close(); err != nil {
		t.Fatal(err)
	}
	if after := snapshot(); !slices.Equal(before, after) {
		t.Errorf("the index's files changed:\n%v\n%v", before, after)
	}
	if _, err := OpenReadOnly(filepath.Join(t.TempDir(), "none")); !errors.Is(err, ErrNeedsRebuild) {
		t.Errorf("missing index: %v, want ErrNeedsRebuild", err)
	}
}
