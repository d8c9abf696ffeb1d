package ingest

import (
	"context"
	"fmt"

	"policywatch/index"
)

// OpenIndexReadOnly opens the search index of d for reading only, as the
// commands that read a read-only data directory do (search, verify). It
// takes no lock and takes nothing of the change log in: both need write
// access, so the index answers as it stands, and pending says how many
// of the store's changes it has yet to take in (a process that may write
// the directory — serve, crawl, reindex — applies them). A missing or
// outdated index is index.ErrNeedsRebuild; so is one ahead of the store
// (built from another history of it, which only a rebuild repairs).
func OpenIndexReadOnly(ctx context.Context, d Dir, st ChangeLog) (ix *index.Index, pending int64, err error) {
	ix, err = index.OpenReadOnly(d.IndexPath())
	if err != nil {
		return nil, 0, err
	}
	applied, err := ix.AppliedSeq()
	if err != nil {
		ix.Close()
		return nil, 0, err
	}
	last, err := st.LastChange(ctx)
	if err != nil {
		ix.Close()
		return nil, 0, err
	}
	if applied > last {
		ix.Close()
		return nil, 0, fmt.Errorf("open index %s: it has taken in changes the store does not hold: %w", d.IndexPath(), index.ErrNeedsRebuild)
	}
	ix.SetArchive(st)
	// Sequence numbers are taken in commit order without gaps.
	return ix, last - applied, nil
}
