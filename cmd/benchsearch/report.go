package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"
)

// Targets from issue 17 (the web page's are checked by
// scripts/bench-search.sh).
const (
	targetP95At100k       = 50.0  // ms, whole mix
	targetPhraseP95At100k = 60.0  // ms
	targetP95At1M         = 300.0 // ms
	targetP95Limited      = 600.0 // ms, at 1M within the memory limit
	targetSizeRatio       = 1.3   // index bytes / text bytes
)

func mib(b uint64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }

// report prints Markdown tables: they read well in a terminal and paste
// into docs/BENCH-SEARCH.md as they are.
func report(w io.Writer, rs []result, took time.Duration) {
	fmt.Fprintf(w, "\n## Indexing\n\n")
	fmt.Fprintln(w, "| docs | engine | docs/s | index time | generator time | size on disk | size / text | peak RSS (VmHWM) | anon / file RSS peaks | Go heap peak (HeapSys) | Go Sys peak |")
	fmt.Fprintln(w, "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, r := range rs {
		if r.Engine == "bleve-page" || r.Engine == "web-page" || r.Index.Docs == 0 {
			continue // the bleve index queried differently, or an index reused (-reuse), not built
		}
		x := r.Index
		fmt.Fprintf(w, "| %d | %s | %.0f | %.1f s + %.1f s finish | %.1f s | %s | %.2f× | %s | %s / %s | %s | %s |\n",
			r.N, r.Engine, x.DocsPerSec, x.Seconds, x.FinishSecs, x.GenSeconds, mib(uint64(x.Bytes)),
			float64(x.Bytes)/float64(max(x.TextBytes, 1)), mib(x.VmHWM), mib(x.RssAnonPeak), mib(x.RssFilePeak), mib(x.HeapSysPeak), mib(x.SysPeak))
	}
	fmt.Fprintf(w, "\n## Queries (%s measured after warm-up; every query with facets and 20 highlighted hits)\n\n", queriesPerSize(rs))
	fmt.Fprintln(w, "| docs | engine | p50 | p95 | p99 | max | open | peak RSS serving (VmHWM) | anon / file RSS peaks | Go heap peak | errors |")
	fmt.Fprintln(w, "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, r := range rs {
		q := r.Query
		fmt.Fprintf(w, "| %d | %s | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.2f s | %s | %s / %s | %s | %d |\n",
			r.N, r.Engine, q.P50, q.P95, q.P99, q.Max, q.OpenSecs, mib(q.VmHWM), mib(q.RssAnonPeak), mib(q.RssFilePeak), mib(q.HeapSysPeak), len(q.Errors))
	}
	for _, r := range rs {
		if r.Query.QPS > 0 {
			fmt.Fprintf(w, "\nSearch page in-process at %d documents with %d concurrent clients, uncached: %.1f pages/s (target for the served page over loopback: ≥ 60 req/s).\n", r.N, r.Query.Clients, r.Query.QPS)
		}
	}
	fmt.Fprintf(w, "\n### p50 / p95 by query class (ms)\n\n")
	fmt.Fprint(w, "| docs | engine |")
	for _, c := range classes {
		fmt.Fprintf(w, " %s |", c)
	}
	fmt.Fprint(w, "\n|---:|---|")
	for range classes {
		fmt.Fprint(w, "---:|")
	}
	fmt.Fprintln(w)
	for _, r := range rs {
		fmt.Fprintf(w, "| %d | %s |", r.N, r.Engine)
		for _, c := range classes {
			fmt.Fprintf(w, " %.1f / %.1f |", r.Query.ClassP50[c], r.Query.ClassP95[c])
		}
		fmt.Fprintln(w)
	}
	agreement(w, rs)

	limited(w, rs)

	fmt.Fprintf(w, "\n## Targets\n\n")
	fmt.Fprintln(w, "| docs | engine | target | measured | verdict |")
	fmt.Fprintln(w, "|---:|---|---|---:|---|")
	fts := map[int]*indexResult{}
	for _, r := range rs {
		if r.Engine == "fts5" && r.Index.Docs > 0 {
			fts[r.N] = r.Index
		}
	}
	for _, r := range rs {
		switch {
		case r.Engine == "bleve" && r.Index.Docs > 0:
			if f := fts[r.N]; f != nil {
				verdict(w, r, fmt.Sprintf("indexing ≥ FTS5's %.0f docs/s in the same run", f.DocsPerSec), r.Index.DocsPerSec, f.DocsPerSec, true, "docs/s")
			}
			verdict(w, r, "index size ≤ 1.3× the text", float64(r.Index.Bytes)/float64(max(r.Index.TextBytes, 1)), targetSizeRatio, false, "×")
		case strings.Contains(r.Engine, "@"):
			v := r.Query.P95
			if len(r.Query.Errors) > 0 {
				v = math.Inf(1)
			}
			verdict(w, r, fmt.Sprintf("p95 ≤ 600 ms within %s (%s), no errors", limitName(r.Query.MemLimit), r.Query.Enforced), v, targetP95Limited, false, "ms")
			continue
		}
		if r.Engine != "bleve" {
			continue // the page rows are shown above; the targets are the engine's
		}
		switch {
		case r.N >= 1_000_000:
			verdict(w, r, "p95 ≤ 300 ms at 1M", r.Query.P95, targetP95At1M, false, "ms")
		case r.N >= 100_000:
			verdict(w, r, "p95 ≤ 50 ms at 100k, whole mix", r.Query.P95, targetP95At100k, false, "ms")
			verdict(w, r, "phrase p95 ≤ 60 ms at 100k", r.Query.ClassP95["phrase"], targetPhraseP95At100k, false, "ms")
		default:
			verdict(w, r, "p95 ≤ 50 ms (the 100k target, smaller corpus)", r.Query.P95, targetP95At100k, false, "ms")
			verdict(w, r, "phrase p95 ≤ 60 ms (the 100k target, smaller corpus)", r.Query.ClassP95["phrase"], targetPhraseP95At100k, false, "ms")
		}
	}
	fmt.Fprintf(w, "\nThe web targets (uncached search page ≥ 60 req/s at 100k with 8 connections, no errors, p99 ≤ 500 ms) are measured by scripts/bench-search.sh.\nTotal run time %s.\n", took.Round(time.Second))
}

// limited describes the phases run within a memory limit.
func limited(w io.Writer, rs []result) {
	for _, r := range rs {
		q := r.Query
		if q.MemLimit == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s at %d documents ran within %s, enforced by %s: cgroup peak %s, kernel OOM kills %d, peak RSS %s (anon %s, file %s).\n",
			r.Engine, r.N, limitName(q.MemLimit), q.Enforced, mib(q.CgroupPeak), q.OOMKills, mib(q.VmHWM), mib(q.RssAnonPeak), mib(q.RssFilePeak))
		for k, e := range q.Errors {
			fmt.Fprintf(w, "Error (%s): %s\n", k, e)
		}
	}
}

// queriesPerSize says how many queries were measured at each corpus size
// (fewer at large sizes, see -large-queries).
func queriesPerSize(rs []result) string {
	var parts []string
	seen := map[int]bool{}
	for _, r := range rs {
		if r.Query == nil || seen[r.N] {
			continue
		}
		seen[r.N] = true
		parts = append(parts, fmt.Sprintf("%d at %d documents", r.Query.Queries, r.N))
	}
	return strings.Join(parts, ", ")
}

func verdict(w io.Writer, r result, what string, got, want float64, atLeast bool, unit string) {
	if math.IsInf(got, 1) {
		fmt.Fprintf(w, "| %d | %s | %s | failed | MISS |\n", r.N, r.Engine, what)
		return
	}
	pass := got <= want
	margin := (want - got) / want * 100
	if atLeast {
		pass = got >= want
		margin = (got - want) / want * 100
	}
	v := "PASS"
	if !pass {
		v = "MISS"
	}
	prec := 1
	if unit == "×" {
		prec = 2
	}
	fmt.Fprintf(w, "| %d | %s | %s | %.*f %s | %s by %.0f%% |\n", r.N, r.Engine, what, prec, got, unit, v, abs(margin))
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// agreement compares match counts query by query with a reference
// engine (fts5 when it ran, else bleve): the analyzers differ (Bleve's en
// stemmer and stop words, FTS5's porter), so counts may differ a little,
// but a class where one engine finds far more or nothing means the two
// are not answering the same question. web-page counts bytes, not matches.
func agreement(w io.Writer, rs []result) {
	ref := "bleve"
	for _, r := range rs {
		if r.Engine == "fts5" {
			ref = "fts5"
		}
	}
	refs := map[int]*queryResult{}
	for _, r := range rs {
		if r.Engine == ref {
			refs[r.N] = r.Query
		}
	}
	fmt.Fprintf(w, "\n### Matches found ÷ %s's (median per class; 1.00 = same count; average matches in brackets)\n\n", ref)
	fmt.Fprint(w, "| docs | engine |")
	for _, c := range classes {
		fmt.Fprintf(w, " %s |", c)
	}
	fmt.Fprint(w, "\n|---:|---|")
	for range classes {
		fmt.Fprint(w, "---:|")
	}
	fmt.Fprintln(w)
	for _, r := range rs {
		b := refs[r.N]
		a := r.Query
		if r.Engine == ref || r.Engine == "web-page" || b == nil || len(a.Totals) != len(b.Totals) {
			continue
		}
		fmt.Fprintf(w, "| %d | %s |", r.N, r.Engine)
		for _, c := range classes {
			var ratios []float64
			var sumA, sumB, k int
			for i := range a.Totals {
				if a.Classes[i] != c || a.Totals[i] < 0 || b.Totals[i] < 0 {
					continue
				}
				sumA += a.Totals[i]
				sumB += b.Totals[i]
				k++
				if b.Totals[i] > 0 {
					ratios = append(ratios, float64(a.Totals[i])/float64(b.Totals[i]))
				}
			}
			if len(ratios) == 0 {
				fmt.Fprintf(w, " – (%d vs %d) |", sumA/max(k, 1), sumB/max(k, 1))
				continue
			}
			slices.Sort(ratios)
			fmt.Fprintf(w, " %.2f (%d vs %d) |", ratios[len(ratios)/2], sumA/max(k, 1), sumB/max(k, 1))
		}
		fmt.Fprintln(w)
	}
}
