package index

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"

	"github.com/blevesearch/bleve/v2"

	"policywatch/model"
)

// The index is derived from the store's change log (store/changelog.go).
// It records the last change it took in under appliedSeqKey, in the same
// Bleve batch as the documents that change touched, so after a crash the
// index and its mark agree: changes after the mark are applied again
// (Put replaces by ID, so nothing is counted twice), none before it are
// lost.
const appliedSeqKey = "policywatch_applied_seq"

// AppliedSeq returns the sequence number of the last change-log entry the
// index holds (0 for an index that has recorded none).
func (ix *Index) AppliedSeq() (int64, error) {
	v, err := ix.bi.GetInternal([]byte(appliedSeqKey))
	if err != nil {
		return 0, fmt.Errorf("read the index's last applied change: %w", err)
	}
	if len(v) == 0 {
		return 0, nil
	}
	seq, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("read the index's last applied change %q: %w", v, err)
	}
	return seq, nil
}

// Apply puts docs, deletes the documents with ids gone, and records seq as
// the last change applied, all in one batch: either the whole batch and
// its mark are in the index after a crash, or neither is. Keep a batch to
// a few hundred documents (Bleve's batches beyond that cost memory
// without speed).
func (ix *Index) Apply(ctx context.Context, docs []model.Document, gone []int64, seq int64) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("apply changes up to %d: %w", seq, err)
	}
	b := ix.bi.NewBatch()
	for i := range docs {
		d := &docs[i]
		if d.ID == 0 {
			return fmt.Errorf("index document %q: no ID", d.URL)
		}
		if err := b.Index(docID(d.ID), indexDoc(d)); err != nil {
			return fmt.Errorf("index document %d: %w", d.ID, err)
		}
	}
	for _, id := range gone {
		b.Delete(docID(id))
	}
	b.SetInternal([]byte(appliedSeqKey), []byte(strconv.FormatInt(seq, 10)))
	if err := ix.bi.Batch(b); err != nil {
		return fmt.Errorf("apply changes up to %d (%d documents): %w", seq, len(docs)+len(gone), err)
	}
	ix.changed()
	if len(docs)+len(gone) > 0 {
		ix.warmKeys()
	}
	return nil
}

// Fingerprint is what Fingerprints reports for a document: a hash of the
// title and text the index was given, to compare with the store's. The
// index keeps no text, so it stores this hash for every document; 128
// bits of SHA-256 tell a changed document from an unchanged one as well
// as 256 would, in half the space.
func Fingerprint(title, text string) string {
	h := sha256.New()
	h.Write([]byte(title))
	h.Write([]byte{0})
	h.Write([]byte(text))
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// Fingerprints calls fn with the ID and Fingerprint of every document in
// the index, in ID order (as strings sort), so a check can tell a
// document missing, extra or out of date against the store.
func (ix *Index) Fingerprints(ctx context.Context, fn func(id int64, fingerprint string) error) error {
	var after []string
	for {
		req := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), eachPage, 0, false)
		req.Fields = []string{fFingerprint}
		req.SortBy([]string{"_id"})
		if after != nil {
			req.SetSearchAfter(after)
		}
		res, err := ix.bi.SearchInContext(ctx, req)
		if err != nil {
			return fmt.Errorf("list indexed documents: %w", err)
		}
		for _, h := range res.Hits {
			id, err := strconv.ParseInt(h.ID, 10, 64)
			if err != nil {
				return errors.New("index holds a document with a non-numeric ID " + strconv.Quote(h.ID))
			}
			if err := fn(id, storedString(h.Fields[fFingerprint])); err != nil {
				return err
			}
		}
		if len(res.Hits) < eachPage {
			return nil
		}
		after = res.Hits[len(res.Hits)-1].DecodedSort
	}
}

// AppliedSeqAt reads the last applied change of the index in dir without
// writing to it (Bleve's read-only open). The caller makes sure no
// process writes the index meanwhile: a writer holds Bleve's lock, and
// this waits for it two seconds at most.
func AppliedSeqAt(dir string) (int64, error) {
	bi, err := bleve.OpenUsing(dir, map[string]any{"read_only": true, "bolt_timeout": "2s"})
	if err != nil {
		return 0, fmt.Errorf("open index %s read-only: %w", dir, err)
	}
	defer bi.Close()
	ix := &Index{bi: bi}
	return ix.AppliedSeq()
}
