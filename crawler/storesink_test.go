package crawler

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"policywatch/model"
	"policywatch/store"
)

// storeSink files pages into a real store as the pipeline does, for the
// tests and benchmarks that check what a crawl writes there (conditional
// GET, resume, throughput). The store is also the crawler's State.
type storeSink struct {
	*store.DB
	all bool // keep every page: no relevance test
}

func openStoreSink(tb testing.TB) *storeSink {
	tb.Helper()
	db, err := store.Open(context.Background(), filepath.Join(tb.TempDir(), "pw.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return &storeSink{DB: db}
}

func (s *storeSink) Accept(ctx context.Context, f *Fetched) (Filed, error) {
	doc, c, err := Build(f)
	var nd *NotDocument
	if errors.As(err, &nd) {
		return Filed{Outcome: nd.Outcome, Reason: nd.Reason}, nil
	}
	if err != nil {
		return Filed{}, err
	}
	if !s.all && !aboutHK(doc) {
		return Filed{Outcome: model.OutcomeDropped, Reason: "off-topic"}, nil
	}
	out, err := s.SaveCapture(ctx, doc, c)
	if err != nil {
		return Filed{}, err
	}
	if out == model.OutcomeDuplicate {
		return Filed{Outcome: model.OutcomeDropped, Reason: "duplicate", DocumentID: doc.ID}, nil
	}
	return Filed{Outcome: out, DocumentID: doc.ID, URL: doc.URL}, nil
}

func (s *storeSink) Withdraw(ctx context.Context, u string, status int, at time.Time, runID int64) (bool, error) {
	id, _, err := s.MarkWithdrawn(ctx, u, status, at, runID)
	return id != 0, err
}
