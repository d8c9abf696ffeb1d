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
	all   bool  // keep every page: no relevance test
	files filer // where pages are filed; nil: the DB
}

// filer is the part of the store a sink writes pages to, so a test can
// put a failing store in its way.
type filer interface {
	SaveCapture(ctx context.Context, doc *model.Document, c *model.Capture) (model.SaveOutcome, error)
	SaveCaptureAck(ctx context.Context, doc *model.Document, c *model.Capture, ack func(model.SaveOutcome) model.URLDone) (model.SaveOutcome, error)
	MarkWithdrawn(ctx context.Context, url string, status int, at time.Time, runID int64) (int64, bool, error)
}

func (s *storeSink) filer() filer {
	if s.files != nil {
		return s.files
	}
	return s.DB
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
	// As the pipeline does: a page of a stored run is saved and
	// acknowledged in one transaction.
	filed := func(out model.SaveOutcome) Filed {
		if out == model.OutcomeDuplicate {
			return Filed{Outcome: model.OutcomeDropped, Reason: "duplicate", DocumentID: doc.ID}
		}
		return Filed{Outcome: out, DocumentID: doc.ID, URL: doc.URL}
	}
	if f.Ack == nil {
		out, err := s.filer().SaveCapture(ctx, doc, c)
		if err != nil {
			return Filed{}, err
		}
		return filed(out), nil
	}
	out, err := s.filer().SaveCaptureAck(ctx, doc, c, func(out model.SaveOutcome) model.URLDone { return f.Ack(filed(out)) })
	if err != nil {
		return Filed{}, err
	}
	fl := filed(out)
	fl.Acked = true
	return fl, nil
}

func (s *storeSink) Withdraw(ctx context.Context, u string, status int, at time.Time, runID int64) (bool, error) {
	id, _, err := s.filer().MarkWithdrawn(ctx, u, status, at, runID)
	return id != 0, err
}
