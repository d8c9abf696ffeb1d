package index

import (
	"runtime/debug"
	"testing"
)

func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

// A bulk load collects less while it runs and leaves the process's
// setting as it found it, also when loads overlap or GOGC is off.
func TestBulkLoadRaisesTheGCTargetWhileItRuns(t *testing.T) {
	t.Setenv("GOGC", "")
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	tests := []struct{ set, during int }{
		{100, bulkGCPercent},
		{50, bulkGCPercent},
		{400, 400}, // already higher: left alone
		{-1, -1},   // GOGC=off stays off
	}
	for _, tt := range tests {
		debug.SetGCPercent(tt.set)
		first := collectLessDuringBulkLoad()
		second := collectLessDuringBulkLoad()
		if got := gcPercent(); got != tt.during {
			t.Errorf("GOGC %d: %d during two loads, want %d", tt.set, got, tt.during)
		}
		first()
		first() // a second call changes nothing
		if got := gcPercent(); got != tt.during {
			t.Errorf("GOGC %d: %d while the second load still runs, want %d", tt.set, got, tt.during)
		}
		second()
		if got := gcPercent(); got != tt.set {
			t.Errorf("GOGC %d: %d after both loads, want it back", tt.set, got)
		}
	}
}

// GOGC set in the environment is a choice the load leaves alone.
func TestBulkLoadLeavesGOGCFromTheEnvironment(t *testing.T) {
	t.Setenv("GOGC", "50")
	defer debug.SetGCPercent(debug.SetGCPercent(50))
	restore := collectLessDuringBulkLoad()
	if got := gcPercent(); got != 50 {
		t.Errorf("GOGC=50: %d during a load", got)
	}
	restore()
}
