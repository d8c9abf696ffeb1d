// Package index is policywatch's full-text index: a Bleve index derived
// from the store (it can always be rebuilt from there) that answers the
// query language of package query with ranked, faceted, highlighted hits.
package index

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	bq "github.com/blevesearch/bleve/v2/search/query"

	"policywatch/model"
)

// batchSize bounds one Bleve batch of deletions.
const batchSize = 500

// Index is an open Bleve index. It is safe for concurrent use.
type Index struct {
	bi       bleve.Index
	mapping  mapping.IndexMapping
	glossary atomic.Pointer[glossary] // set by SetGlossary; nil: no expansion
	// recreated: Open made this index empty (see Recreated).
	recreated bool
	// generation advances with every write; the caches key on it
	// (cache.go).
	generation atomic.Uint64
	summaries  atomic.Pointer[lru[*summary]]
	keys       *keyTable // facet keys per segment (facetcount.go)
	warming    sync.WaitGroup
	closeOnce  sync.Once
	closeErr   error
	results    atomic.Pointer[lru[*Result]]
	archive    atomic.Pointer[archive] // SetArchive; nil: hits without fields or snippets
	limits     atomic.Pointer[Limits]  // budget.go; nil: DefaultLimits
	// searching counts the ranking passes running, so a search is split
	// over idle cores only (rank.go).
	searching atomic.Int64
	// Tests set these to split small searches (rank.go): the smallest
	// estimate worth splitting, and at least this many parts.
	splitFrom, splitParts int
	// and this to have shared phrase scans keep fewer matches
	// (maxScanQueue, phrase_shared.go).
	scanQueue int
}

// Open opens the index in dir, creating it when dir is missing or empty.
// A second Open of the same directory fails after two seconds instead of
// waiting forever for the lock.
func Open(dir string) (*Index, error) {
	cfg := map[string]any{"bolt_timeout": "2s"}
	if _, statErr := os.Stat(filepath.Join(dir, "index_meta.json")); statErr == nil {
		bi, err := bleve.OpenUsing(dir, cfg)
		if err != nil {
			return nil, fmt.Errorf("open index %s: %w", dir, err)
		}
		v, err := bi.GetInternal([]byte(mappingVersionKey))
		if err == nil && string(v) == mappingVersion {
			ix := &Index{bi: bi, mapping: bi.Mapping(), keys: newKeyTable()}
			ix.SetCacheSize(defaultCacheEntries)
			ix.warmKeys()
			return ix, nil
		}
		// Built by an older policywatch with another mapping: fields it
		// lacks would silently stay empty. The index is derived data, so
		// start it again and let the caller refill it (Recreated).
		bi.Close()
		if err := os.RemoveAll(dir); err != nil {
			return nil, fmt.Errorf("replace outdated index %s: %w", dir, err)
		}
	}
	if err := removeIfEmpty(dir); err != nil {
		return nil, fmt.Errorf("create index %s: %w", dir, err)
	}
	m, err := newMapping()
	if err != nil {
		return nil, err
	}
	bi, err := bleve.NewUsing(dir, m, bleve.Config.DefaultIndexType, bleve.Config.DefaultKVStore, cfg)
	if err != nil {
		return nil, fmt.Errorf("create index %s: %w", dir, err)
	}
	if err := bi.SetInternal([]byte(mappingVersionKey), []byte(mappingVersion)); err != nil {
		bi.Close()
		return nil, fmt.Errorf("create index %s: %w", dir, err)
	}
	ix := &Index{bi: bi, mapping: bi.Mapping(), recreated: true, keys: newKeyTable()}
	ix.SetCacheSize(defaultCacheEntries)
	return ix, nil
}

// mappingVersion changes whenever newMapping does, so Open can tell an
// index built with another mapping.
const (
	mappingVersionKey = "policywatch_mapping_version"
	// 2: date_source stored for every document; 3: facet_keys; 4: text
	// not stored, positions without offsets; 5: url and date_source
	// stored only; 6: the fingerprint of title and text stored; 7: dates
	// keyed by the publisher's day, the instant stored as published_at;
	// 8: languages counted as the lang filter selects them (langKeys);
	// 9: the date as one sortable term instead of a Bleve date field.
	mappingVersion = "9"
)

// Recreated reports whether Open created the index empty (it was missing,
// or built with an older mapping): the caller should index every document
// of the store again.
func (ix *Index) Recreated() bool { return ix.recreated }

// removeIfEmpty removes dir when it exists and is empty (a fresh temp dir,
// say), because Bleve creates an index only where nothing exists.
func removeIfEmpty(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if len(entries) > 0 {
		return fmt.Errorf("%s is not empty and holds no index", dir)
	}
	return os.Remove(dir)
}

// Close closes the index, after any background reading of facet keys.
// A second Close does nothing (Bleve would panic).
func (ix *Index) Close() error {
	ix.closeOnce.Do(func() {
		ix.warming.Wait() // a reader must not outlive the index
		if err := ix.bi.Close(); err != nil {
			ix.closeErr = fmt.Errorf("close index: %w", err)
		}
	})
	return ix.closeErr
}

// Count returns the number of documents in the index.
func (ix *Index) Count() (uint64, error) {
	n, err := ix.bi.DocCount()
	if err != nil {
		return 0, fmt.Errorf("count index documents: %w", err)
	}
	return n, nil
}

func docID(id int64) string { return strconv.FormatInt(id, 10) }

// Put adds or replaces documents, by ID, in batches. When docs holds
// several batches, up to putWorkers of them are analyzed and built into
// segments at once (Bleve analyzes a batch on all cores but builds its
// segment on one, so a second batch keeps the other core busy), in no
// particular order: no two batches hold the same ID, and Put writes no
// mark of what it has applied (Apply does, after a Put has returned).
func (ix *Index) Put(ctx context.Context, docs ...model.Document) error {
	for i := range docs {
		if docs[i].ID == 0 {
			return fmt.Errorf("index document %q: no ID", docs[i].URL)
		}
	}
	// Batches running side by side must not hold the same ID: the later
	// copy is the one sequential batches would have left.
	docs = lastPerID(docs)
	var batches [][]model.Document
	for start := 0; start < len(docs); start += putBatch {
		batches = append(batches, docs[start:min(start+putBatch, len(docs))])
	}
	if len(batches) == 0 {
		return nil
	}
	put := func(batch []model.Document) error {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("index documents: %w", err)
		}
		b := ix.bi.NewBatch()
		for i := range batch {
			d := &batch[i]
			if err := b.Index(docID(d.ID), indexDoc(d)); err != nil {
				return fmt.Errorf("index document %d: %w", d.ID, err)
			}
		}
		if err := ix.bi.Batch(b); err != nil {
			return fmt.Errorf("index batch of %d documents: %w", b.Size(), err)
		}
		ix.changed()
		return nil
	}
	workers := putWorkersWithin(debug.SetMemoryLimit(-1))
	if workers > 1 && len(batches) > 1 {
		defer collectLessDuringBulkLoad()() // bulkgc.go
	}
	if err := forEachParallel(batches, workers, put); err != nil {
		return err
	}
	ix.warmKeys()
	return nil
}

// putBatch is the number of documents in one Bleve batch (one new
// segment), and putWorkers how many batches of one Put are built at once.
// Measured on 10k documents of the benchmark corpus, Puts of 8,000: 500
// documents a batch one at a time took 14.5 s of CPU, 2,000 two at a time
// 10.9 s and half the wall time (bigger segments: fewer dictionaries to
// build and fewer merges); 4,000 gained nothing more. The price is
// memory: each batch in flight holds the analysis of all its documents.
// Measured again on 20k (benchsearch, Puts of 4,000, two runs each): two
// batches of 2,000 side by side indexed 1,812-1,830 docs/s at 2.0 GiB
// peak RSS, two of 1,000 1,744-1,762 docs/s at 1.07-1.14 GiB and a 5%
// smaller index; half the memory for 4% of the speed.
const (
	putBatch   = 1000
	putWorkers = 2
)

// putWorkersWithin is how many batches Put builds at once under the Go
// memory limit (GOMEMLIMIT; math.MaxInt64 when none is set). Two batches
// in flight peak at about 1.1 GiB, one at about half that: a process
// given less than smallMemory builds one at a time, so that a server
// kept within 1 GiB can rebuild its index (after an upgrade that changes
// it) without being killed for it.
func putWorkersWithin(memLimit int64) int {
	if memLimit < smallMemory {
		return 1
	}
	return min(putWorkers, runtime.GOMAXPROCS(0))
}

const smallMemory = 2 << 30

// forEachParallel calls fn for every batch, at most workers at a time,
// and returns the first error.
func forEachParallel(batches [][]model.Document, workers int, fn func([]model.Document) error) error {
	if workers <= 1 || len(batches) <= 1 {
		for _, b := range batches {
			if err := fn(b); err != nil {
				return err
			}
		}
		return nil
	}
	work := make(chan []model.Document)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range work {
				if err := fn(b); err != nil {
					errs <- err
					for range work {
					}
					return
				}
			}
		}()
	}
	var err error
feed:
	for _, b := range batches {
		select {
		case work <- b:
		case err = <-errs:
			break feed
		}
	}
	close(work)
	wg.Wait()
	if err == nil {
		select {
		case err = <-errs:
		default:
		}
	}
	return err
}

// lastPerID drops every document that a later one with the same ID
// replaces, keeping the order of the rest.
func lastPerID(docs []model.Document) []model.Document {
	last := make(map[int64]int, len(docs))
	for i := range docs {
		last[docs[i].ID] = i
	}
	if len(last) == len(docs) {
		return docs
	}
	out := make([]model.Document, 0, len(last))
	for i := range docs {
		if last[docs[i].ID] == i {
			out = append(out, docs[i])
		}
	}
	return out
}

// Delete removes documents by ID; unknown IDs are ignored.
func (ix *Index) Delete(ctx context.Context, ids ...int64) error {
	for start := 0; start < len(ids); start += batchSize {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("delete documents: %w", err)
		}
		b := ix.bi.NewBatch()
		for _, id := range ids[start:min(start+batchSize, len(ids))] {
			b.Delete(docID(id))
		}
		if err := ix.bi.Batch(b); err != nil {
			return fmt.Errorf("delete batch of %d documents: %w", b.Size(), err)
		}
		ix.changed()
	}
	return nil
}

// indexDoc is what Bleve indexes for d. Chinese text goes to the _zh
// fields (bigrams, folded to Simplified); other text to the _en fields.
// Text mixing both (an English report quoting Chinese names) goes to both.
func indexDoc(d *model.Document) map[string]any {
	m := map[string]any{
		fSource: d.Source,
		fKind:   string(d.Kind),
		fLang:   strings.TrimSpace(d.Lang), // as facetKeys counts it
		// What verify compares with the store, the text not being kept.
		fFingerprint: Fingerprint(d.Title, d.Text),
	}
	zhLang := strings.HasPrefix(strings.ToLower(d.Lang), "zh")
	if zhLang || hasHan(d.Title) || hasHan(d.Text) {
		m[fTitleZh] = d.Title
		m[fTextZh] = d.Text
	}
	if !zhLang {
		m[fTitleEn] = d.Title
		m[fTextEn] = d.Text
	}
	if c := d.Categories(); len(c) > 0 {
		m[fCategories] = c
	}
	if a := d.Actors(); len(a) > 0 {
		m[fActors] = a
	}
	addChangeFields(m, d) // changes.go
	// A crawl time is not a publication date: such documents are left out
	// of date filters and facets rather than placed on the wrong day.
	isDated := dated(d)
	if isDated {
		// Filed under the publisher's day, as the document page and the
		// API show it: 00:30 on 1 July in Hong Kong is 1 July, though
		// the instant is 30 June in UTC.
		m[fPublished] = publishedKey(wallClock(d.Published))
	}
	m[fFacetKeys] = facetKeys(d, isDated)
	return m
}

// dated reports whether d has a publication date the index files it
// under: a crawl time is not one, and Bleve could not store dates
// outside about 1678-2262.
func dated(d *model.Document) bool {
	wall := wallClock(d.Published)
	return !d.Published.IsZero() && d.DateSource != model.DateFromCrawl &&
		!wall.Before(bq.MinRFC3339CompatibleTime) && !wall.After(bq.MaxRFC3339CompatibleTime)
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}
