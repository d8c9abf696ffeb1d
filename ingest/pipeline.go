// Package ingest owns the path of a document into the archive and what is
// derived from it. A fetched response (from a crawl) or an archived one
// (from a WARC file) goes through one function, Pipeline.Accept: decode,
// extract (crawler.Build), the topic's relevance query, tagging, and the
// store, which decides new document, new version, unchanged or alias and
// appends the change to its change log in the same transaction.
//
// The search index, the timeline and saved-search webhooks are derived
// from that change log, so several processes can share one data
// directory: the process that holds the index (Owner: `serve`, or a crawl
// when no server runs) applies the log to it, from the last change the
// index recorded; the timeline is re-clustered by whoever changed the
// archive; webhooks are told by the index's holder.
package ingest

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"policywatch/crawler"
	"policywatch/model"
	"policywatch/query"
	"policywatch/tagging"
)

// Store is where the pipeline files documents: each call is one
// transaction that also logs the change (store/changelog.go). *store.DB
// satisfies it.
type Store interface {
	SaveCapture(ctx context.Context, doc *model.Document, c *model.Capture) (model.SaveOutcome, error)
	// SaveCaptureAck is SaveCapture that also writes, in the same
	// transaction, the crawl run's acknowledgement of the page's URL:
	// ack is given what the save did and returns what to write.
	SaveCaptureAck(ctx context.Context, doc *model.Document, c *model.Capture,
		ack func(model.SaveOutcome) model.URLDone) (model.SaveOutcome, error)
	MarkWithdrawn(ctx context.Context, url string, status int, at time.Time, runID int64) (docID int64, marked bool, err error)
}

// Pipeline files pages as documents. It is safe for concurrent use (the
// crawler's workers call it at once).
type Pipeline struct {
	store    Store
	relevant *query.Node // nil: keep every page
	tagger   *tagging.Tagger
	log      *slog.Logger
}

var _ crawler.Sink = (*Pipeline)(nil)

// NewPipeline returns a pipeline into st that keeps the pages relevant
// matches (nil: every page) and tags them with tagger (nil: no tags).
func NewPipeline(st Store, relevant *query.Node, tagger *tagging.Tagger, logger *slog.Logger) *Pipeline {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Pipeline{store: st, relevant: relevant, tagger: tagger, log: logger}
}

// Accept files one fetched or imported page: decode and extract
// (crawler.Build), drop it when off the topic, tag it, store it. A page
// that is not kept comes back as a dropped, skipped or failed outcome
// with the reason; an error means the store could not take it. A page of
// a stored crawl run (f.Ack) is stored, change-logged and acknowledged
// in the run in one transaction.
func (p *Pipeline) Accept(ctx context.Context, f *crawler.Fetched) (crawler.Filed, error) {
	doc, c, err := crawler.Build(f)
	if nd := crawler.AsNotDocument(err); nd != nil {
		return crawler.Filed{Outcome: nd.Outcome, Reason: nd.Reason}, nil
	}
	if err != nil {
		return crawler.Filed{}, err
	}
	if p.relevant != nil && !query.Match(*p.relevant, QueryFields(doc)) {
		return crawler.Filed{Outcome: model.OutcomeDropped, Reason: "off-topic"}, nil
	}
	if p.tagger != nil {
		doc.Tags = p.tagger.Tag(doc)
	}
	if f.Ack == nil {
		out, err := p.store.SaveCapture(ctx, doc, c)
		if err != nil {
			return crawler.Filed{}, err
		}
		return filed(doc, out), nil
	}
	out, err := p.store.SaveCaptureAck(ctx, doc, c, func(out model.SaveOutcome) model.URLDone {
		return f.Ack(filed(doc, out))
	})
	if err != nil {
		return crawler.Filed{}, err
	}
	fl := filed(doc, out)
	fl.Acked = true
	return fl, nil
}

// filed is what a run counts a stored page as: a duplicate of an
// archived document is dropped, naming it.
func filed(doc *model.Document, out model.SaveOutcome) crawler.Filed {
	if out == model.OutcomeDuplicate {
		return crawler.Filed{Outcome: model.OutcomeDropped, Reason: fmt.Sprintf("duplicate of document %d", doc.ID),
			DocumentID: doc.ID, URL: doc.URL}
	}
	return crawler.Filed{Outcome: out, DocumentID: doc.ID, URL: doc.URL}
}

// Withdraw records that an archived page answered 404 or 410 (logged as
// a change); known is false for a URL the archive never held.
func (p *Pipeline) Withdraw(ctx context.Context, url string, status int, at time.Time, runID int64) (bool, error) {
	id, _, err := p.store.MarkWithdrawn(ctx, url, status, at, runID)
	if err != nil {
		return false, err
	}
	return id != 0, nil
}

// QueryFields is what a relevance query (and export --query) sees of a
// document.
func QueryFields(d *model.Document) query.Fields {
	f := query.Fields{"title": d.Title, "text": d.Text, "source": d.Source, "kind": string(d.Kind), "lang": d.Lang}
	if !d.Published.IsZero() {
		f["published"] = d.Published.Format(time.RFC3339)
	}
	return f
}
