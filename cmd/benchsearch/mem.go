package main

import (
	"bufio"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// memPeak samples the Go runtime's memory while a phase runs. Go's
// figures miss SQLite's page cache (modernc.org/libc allocates outside the
// Go heap), so the kernel's resident high-water mark (VmHWM) is read too:
// it is the figure to compare with a memory budget.
type memPeak struct {
	HeapSys, Sys, HeapInuse uint64 // high-water marks, bytes
	VmHWM                   uint64 // bytes, from /proc/self/status at the end
	// Sampled high-water marks of the resident set's two parts: anonymous
	// memory (heaps: Go's and SQLite's) must fit a budget; file pages
	// (Bleve's mmapped segments) are cache the kernel can drop.
	RssAnon, RssFile uint64

	mu   sync.Mutex
	stop chan struct{}
	done chan struct{}
}

func startMemPeak(every time.Duration) *memPeak {
	m := &memPeak{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(m.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			m.sample()
			select {
			case <-m.stop:
				m.sample()
				return
			case <-t.C:
			}
		}
	}()
	return m
}

func (m *memPeak) sample() {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	anon, file := procStatus("RssAnon"), procStatus("RssFile")
	m.mu.Lock()
	defer m.mu.Unlock()
	m.RssAnon = max(m.RssAnon, anon)
	m.RssFile = max(m.RssFile, file)
	// HeapSys and Sys count address space the runtime has returned to the
	// OS as well; subtracting HeapReleased gives what is really held.
	m.HeapSys = max(m.HeapSys, ms.HeapSys-ms.HeapReleased)
	m.Sys = max(m.Sys, ms.Sys-ms.HeapReleased)
	m.HeapInuse = max(m.HeapInuse, ms.HeapInuse)
}

func (m *memPeak) finish() {
	close(m.stop)
	<-m.done
	m.VmHWM = procStatus("VmHWM")
}

// procStatus returns a "kB" field of /proc/self/status in bytes, 0 where
// there is no /proc.
func procStatus(field string) uint64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, val, ok := strings.Cut(sc.Text(), ":")
		if !ok || name != field {
			continue
		}
		kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(val), " kB"), 10, 64)
		if err != nil {
			return 0
		}
		return kb * 1024
	}
	return 0
}
