package index

import (
	"os"
	"runtime/debug"
	"sync"
)

// A bulk load (a Put of several batches: a rebuild, `policywatch
// reindex`, a first crawl) spends a fifth of its CPU on the garbage
// collector, because building a segment allocates its whole analysis
// and dictionaries and drops them a moment later. Collecting at three
// times the live heap instead of twice halves that. Measured at 100k
// documents (benchsearch, idle machine): GOGC 100 indexed 1,562 docs/s
// with a 1,185 MiB heap peak, GOGC 200 1,930 docs/s with 1,584 MiB.
// Put only raises it where it also builds two batches at once (no
// memory limit below smallMemory), and a limit set with GOMEMLIMIT still
// holds: the collector runs harder near it whatever the percentage.
const bulkGCPercent = 200

// The percentage belongs to the process, not to an Index: overlapping
// loads (two indexes, or Puts from two goroutines) share one raise, and
// the last to finish puts back what was set before the first.
var bulkGC struct {
	mu    sync.Mutex
	loads int
	prev  int
}

// collectLessDuringBulkLoad raises the collector's target to
// bulkGCPercent until the returned function is called, unless it is
// already higher or off, or the GOGC environment variable sets it: a
// setting made on purpose is left as it is.
func collectLessDuringBulkLoad() (restore func()) {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	bulkGC.mu.Lock()
	defer bulkGC.mu.Unlock()
	if bulkGC.loads == 0 {
		bulkGC.prev = debug.SetGCPercent(bulkGCPercent)
		if bulkGC.prev < 0 || bulkGC.prev >= bulkGCPercent {
			debug.SetGCPercent(bulkGC.prev)
		}
	}
	bulkGC.loads++
	var once sync.Once
	return func() {
		once.Do(func() {
			bulkGC.mu.Lock()
			defer bulkGC.mu.Unlock()
			if bulkGC.loads--; bulkGC.loads == 0 {
				debug.SetGCPercent(bulkGC.prev)
			}
		})
	}
}
