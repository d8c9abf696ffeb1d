package ingest

import (
	"context"
	"fmt"
	"log/slog"

	"policywatch/model"
	"policywatch/store"
	"policywatch/timeline"
)

// TimelineStore is what re-clustering reads and writes. *store.DB
// satisfies it.
type TimelineStore interface {
	LastChange(ctx context.Context) (int64, error)
	DerivedSeq(ctx context.Context, name string) (int64, error)
	EachDocument(ctx context.Context, fn func(*model.Document) error) error
	ReplaceEventsAsOf(ctx context.Context, events []model.Event, seq int64) (bool, error)
}

// Recluster clusters every document into the timeline's events again,
// when documents changed since the timeline was built (or always, with
// force: a crawl's end, a re-index). It reports whether it wrote the
// events: a clustering of an archive older than the stored one is not
// written (store.ReplaceEventsAsOf).
func Recluster(ctx context.Context, st TimelineStore, force bool, logger *slog.Logger) (bool, error) {
	last, err := st.LastChange(ctx)
	if err != nil {
		return false, err
	}
	if !force {
		built, err := st.DerivedSeq(ctx, store.DerivedTimeline)
		if err != nil {
			return false, err
		}
		if built >= last {
			return false, nil
		}
	}
	var docs []model.Document
	if err := st.EachDocument(ctx, func(d *model.Document) error {
		docs = append(docs, *d)
		return nil
	}); err != nil {
		return false, fmt.Errorf("re-cluster the timeline: %w", err)
	}
	events := timeline.Cluster(docs, timeline.Options{})
	written, err := st.ReplaceEventsAsOf(ctx, events, last)
	if err != nil {
		return false, err
	}
	if written && logger != nil {
		logger.Info("timeline updated", "documents", len(docs), "events", len(events))
	}
	return written, nil
}
