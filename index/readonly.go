package index

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/blevesearch/bleve/v2"
)

// ErrNeedsRebuild is returned by OpenReadOnly for an index that is
// missing or was built with another mapping: only a writer can rebuild it.
var ErrNeedsRebuild = errors.New("the search index is missing or outdated and a read-only open cannot rebuild it")

// OpenReadOnly opens an existing index in dir for searching only, as
// `policywatch search` does on a read-only data directory: Bleve writes
// nothing and takes no exclusive lock. Put and the other writes fail.
func OpenReadOnly(dir string) (*Index, error) {
	if _, err := os.Stat(filepath.Join(dir, "index_meta.json")); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("open index %s: %w", dir, ErrNeedsRebuild)
	}
	bi, err := bleve.OpenUsing(dir, map[string]any{"read_only": true, "bolt_timeout": "2s"})
	if err != nil {
		return nil, fmt.Errorf("open index %s read-only: %w", dir, err)
	}
	if v, err := bi.GetInternal([]byte(mappingVersionKey)); err != nil || string(v) != mappingVersion {
		bi.Close()
		return nil, fmt.Errorf("open index %s: %w", dir, ErrNeedsRebuild)
	}
	ix := &Index{bi: readOnlyBleve{bi}, mapping: bi.Mapping(), keys: newKeyTable()}
	ix.SetCacheSize(defaultCacheEntries)
	ix.warmKeys()
	return ix, nil
}

// errReadOnly is every write to an index opened read-only. (Bleve's
// read-only scorch would wait for ever for a batch it never applies.)
var errReadOnly = errors.New("the search index is open read-only")

// readOnlyBleve refuses Bleve's writes. (The package writes through
// Batch only; its single-document Index is left to Bleve.)
type readOnlyBleve struct{ bleveIndex }

// bleveIndex names bleve.Index so that, embedded, its field is not
// called Index, which would hide the interface's Index method.
type bleveIndex = bleve.Index

func (readOnlyBleve) Batch(*bleve.Batch) error         { return errReadOnly }
func (readOnlyBleve) Delete(string) error              { return errReadOnly }
func (readOnlyBleve) SetInternal([]byte, []byte) error { return errReadOnly }
func (readOnlyBleve) DeleteInternal([]byte) error      { return errReadOnly }
