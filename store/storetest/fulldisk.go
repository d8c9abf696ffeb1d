// Package storetest has stand-ins for the store's failures, for the
// tests of the packages that write through it.
package storetest

import (
	"context"
	"fmt"
	"sync"
	"syscall"

	"policywatch/model"
	"policywatch/store"
)

// FullDisk is a store on a disk that fills after Room saved pages: saving
// a page fails as a full disk fails it (ENOSPC, which store.WriteFailed
// knows), while the small writes around it still fit.
type FullDisk struct {
	*store.DB
	Room int

	mu    sync.Mutex
	saves int
}

// SaveCaptureAck saves as the store does until the disk is full.
func (f *FullDisk) SaveCaptureAck(ctx context.Context, d *model.Document, c *model.Capture, a func(model.SaveOutcome) model.URLDone) (model.SaveOutcome, error) {
	f.mu.Lock()
	f.saves++
	over := f.saves > f.Room
	f.mu.Unlock()
	if over {
		return "", fmt.Errorf("save capture %s: write policywatch.db-wal: %w", d.URL, syscall.ENOSPC)
	}
	return f.DB.SaveCaptureAck(ctx, d, c, a)
}
