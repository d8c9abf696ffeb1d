// Command benchsearch measures policywatch's search index against plain
// SQLite FTS5 on synthetic corpora of the topic (package internal/corpus):
// indexing throughput, index size, query latency over a fixed mix with
// facets and highlights, and peak memory, for both engines in one run.
//
//	go run ./cmd/benchsearch                          # 100k documents
//	go run ./cmd/benchsearch -sizes 100000,1000000    # also 1M (slow)
//	go run ./cmd/benchsearch -sizes 10000 -keep -work /tmp/bs
//
// Each phase (index, then query, per engine and size) runs in a child
// process of this command, so memory figures belong to that phase alone
// and the query phase sees the index as a freshly started server would.
// scripts/bench-search.sh adds the web part (wrk against policywatch serve).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"policywatch/internal/corpus"
	"policywatch/model"
)

// engine is what both sides offer the benchmark.
type engine interface {
	put(ctx context.Context, docs []model.Document) error
	finish(ctx context.Context) error // end of a bulk load
	search(ctx context.Context, q benchQuery) (total int, err error)
	close() error
}

// openEngine opens engine name's index in dir; n is the corpus size,
// which names the archive the Bleve engines cut snippets from (0: none).
func openEngine(name, dir string, n int) (engine, error) {
	switch name {
	case "bleve", "bleve-par2":
		return openBleve(dir, n)
	case "fts5":
		return openFTS(dir)
	case "bleve-page":
		e, err := openBleve(dir, n)
		if err != nil {
			return nil, err
		}
		return blevePage{e}, nil
	case "web-page":
		return openWeb(dir, n)
	}
	return nil, fmt.Errorf("unknown engine %q (use bleve, fts5 or bleve-page)", name)
}

type options struct {
	sizes    []int
	engines  []string
	seed     uint64
	work     string
	keep     bool
	batch    int
	perClass int
	warmup   int
	// At sizes of at least largeFrom, largeQueries and largeWarmup replace
	// perClass and warmup: a 1M query phase at the full mix takes most of
	// an hour for FTS5 on two cores.
	largeFrom, largeQueries, largeWarmup int
	out                                  string
	child                                string
	engine                               string
	n                                    int
	dir                                  string
	showSample                           bool
	page                                 bool
	cpuprofile                           string
	reuse                                bool
	clients                              int
	// memLimit, when set, runs the query phase of Bleve at sizes of at
	// least largeFrom once more within that many bytes (memlimit.go).
	memLimit int64
}

func main() {
	var o options
	// Our own flag set: a dependency registers flags on the global one.
	fs := flag.NewFlagSet("benchsearch", flag.ExitOnError)
	sizes := fs.String("sizes", "100000", "comma-separated corpus sizes")
	engines := fs.String("engines", "bleve,fts5", "comma-separated engines: bleve, fts5")
	fs.BoolVar(&o.page, "page", true, "also time what the search page asks of Bleve (search + date range + histogram)")
	fs.StringVar(&o.cpuprofile, "cpuprofile", "", "write CPU profiles of the query phases to this prefix (PREFIX-ENGINE-N.pprof)")
	fs.Uint64Var(&o.seed, "seed", 1, "corpus and query-mix seed")
	fs.StringVar(&o.work, "work", "", "directory for the indexes (default: a new temporary directory)")
	fs.BoolVar(&o.keep, "keep", false, "keep the indexes (WORK/bleve-N is a policywatch index directory)")
	memLimit := fs.String("mem-limit", "1GiB", "at sizes from -large-from, query Bleve once more within this much memory (a memory cgroup; 0: don't)")
	fs.IntVar(&o.clients, "clients", 8, "concurrent clients for the in-process search page throughput (web-page)")
	fs.BoolVar(&o.reuse, "reuse", false, "query the indexes already in -work instead of building them (no indexing figures)")
	fs.IntVar(&o.batch, "batch", 4000, "documents per Put call / FTS5 transaction")
	fs.IntVar(&o.perClass, "queries", 40, "measured queries per class (6 classes)")
	fs.IntVar(&o.warmup, "warmup", 60, "warm-up queries before measuring")
	fs.IntVar(&o.largeFrom, "large-from", 500000, "corpus size from which -large-queries and -large-warmup apply")
	fs.IntVar(&o.largeQueries, "large-queries", 12, "measured queries per class at large sizes")
	fs.IntVar(&o.largeWarmup, "large-warmup", 18, "warm-up queries at large sizes")
	fs.StringVar(&o.out, "json", "", "also write the results as JSON to this file")
	fs.BoolVar(&o.showSample, "sample", false, "print two generated documents and exit")
	// Internal: one phase in a child process.
	fs.StringVar(&o.child, "child", "", "internal: run one phase (index or query)")
	fs.StringVar(&o.engine, "engine", "", "internal: engine of the phase")
	fs.IntVar(&o.n, "n", 0, "internal: corpus size of the phase")
	fs.StringVar(&o.dir, "dir", "", "internal: index directory of the phase")
	fs.Parse(os.Args[1:]) // ExitOnError: never returns an error
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			fmt.Fprintf(os.Stderr, "benchsearch: -sizes: %q is not a positive number\n", s)
			os.Exit(2)
		}
		o.sizes = append(o.sizes, n)
	}
	o.engines = strings.Split(*engines, ",")
	var err error
	if o.memLimit, err = parseBytes(*memLimit); err != nil {
		fmt.Fprintf(os.Stderr, "benchsearch: -mem-limit: %v\n", err)
		os.Exit(2)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	switch o.child {
	case "":
		err = run(ctx, o, os.Stdout)
	case "index":
		err = childIndex(ctx, o, os.Stdout)
	case "query":
		err = childQuery(ctx, o, os.Stdout)
	default:
		err = fmt.Errorf("unknown phase %q", o.child)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchsearch:", err)
		os.Exit(1)
	}
}

// indexResult is what an index phase reports.
type indexResult struct {
	Docs        int     `json:"docs"`
	Seconds     float64 `json:"seconds"`      // from the first batch to the last one indexed
	FinishSecs  float64 `json:"finish_secs"`  // optimize/close after the last batch
	GenSeconds  float64 `json:"gen_seconds"`  // generator time, overlapped with indexing
	DocsPerSec  float64 `json:"docs_per_sec"` // Docs / (Seconds + FinishSecs)
	Bytes       int64   `json:"bytes"`
	TextBytes   int64   `json:"text_bytes"` // title+text of the corpus
	HeapSysPeak uint64  `json:"heap_sys_peak"`
	SysPeak     uint64  `json:"sys_peak"`
	VmHWM       uint64  `json:"vm_hwm"`
	RssAnonPeak uint64  `json:"rss_anon_peak"`
	RssFilePeak uint64  `json:"rss_file_peak"`
}

// queryResult is what a query phase reports.
type queryResult struct {
	Queries     int                `json:"queries"`
	OpenSecs    float64            `json:"open_secs"`
	P50         float64            `json:"p50_ms"`
	P95         float64            `json:"p95_ms"`
	P99         float64            `json:"p99_ms"`
	Max         float64            `json:"max_ms"`
	ClassP95    map[string]float64 `json:"class_p95_ms"`
	ClassP50    map[string]float64 `json:"class_p50_ms"`
	Totals      []int              `json:"totals"`
	Classes     []string           `json:"classes"`
	HeapSysPeak uint64             `json:"heap_sys_peak"`
	SysPeak     uint64             `json:"sys_peak"`
	VmHWM       uint64             `json:"vm_hwm"`
	RssAnonPeak uint64             `json:"rss_anon_peak"`
	RssFilePeak uint64             `json:"rss_file_peak"`
	Errors      map[string]string  `json:"errors,omitempty"`
	Clients     int                `json:"clients,omitempty"`
	QPS         float64            `json:"qps,omitempty"` // with Clients concurrent clients
	// For a phase run within a memory limit (memlimit.go): the limit, how
	// it was enforced, the cgroup's peak use and the kernel's kills.
	MemLimit   int64  `json:"mem_limit,omitempty"`
	Enforced   string `json:"enforced,omitempty"`
	CgroupPeak uint64 `json:"cgroup_peak,omitempty"`
	OOMKills   uint64 `json:"oom_kills,omitempty"`
}

func childIndex(ctx context.Context, o options, stdout io.Writer) error {
	g, err := corpus.New(o.seed)
	if err != nil {
		return err
	}
	e, err := openEngine(o.engine, o.dir, 0)
	if err != nil {
		return err
	}
	stopProfile, err := startProfile(o)
	if err != nil {
		return err
	}
	defer stopProfile()
	mem := startMemPeak(100 * time.Millisecond)

	// The generator runs one batch ahead, so indexing rarely waits for it;
	// its own time is reported so a reader can see it is not the bottleneck.
	type batch struct {
		docs []model.Document
		gen  time.Duration
	}
	batches := make(chan batch, 2)
	go func() {
		defer close(batches)
		for start := 0; start < o.n; start += o.batch {
			t := time.Now()
			docs := make([]model.Document, 0, o.batch)
			for i := start; i < min(start+o.batch, o.n); i++ {
				docs = append(docs, g.Doc(i))
			}
			select {
			case batches <- batch{docs, time.Since(t)}:
			case <-ctx.Done():
				return
			}
		}
	}()
	var (
		res      = indexResult{Docs: o.n}
		putTime  time.Duration
		genTime  time.Duration
		done     int
		lastTell = time.Now()
		began    = time.Now()
	)
	// bleve-par2 calls Put from two goroutines, so one batch's segment is
	// built while the next is analyzed; everything else puts in order.
	workers := 1
	if o.engine == "bleve-par2" {
		workers = 2
	}
	var (
		mu     sync.Mutex
		putErr error
		wg     sync.WaitGroup
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range batches {
				if err := e.put(ctx, b.docs); err != nil {
					mu.Lock()
					putErr = errors.Join(putErr, err)
					mu.Unlock()
					continue // drain, so the generator can finish
				}
				mu.Lock()
				genTime += b.gen
				for i := range b.docs {
					res.TextBytes += int64(len(b.docs[i].Title) + len(b.docs[i].Text))
				}
				done += len(b.docs)
				if time.Since(lastTell) > 15*time.Second {
					lastTell = time.Now()
					fmt.Fprintf(os.Stderr, "  %s: %d/%d documents, %.0f docs/s so far\n", o.engine, done, o.n, float64(done)/time.Since(began).Seconds())
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	putTime = time.Since(began)
	if putErr != nil {
		e.close()
		return putErr
	}
	if err := ctx.Err(); err != nil {
		e.close()
		return err
	}
	t := time.Now()
	if err := e.finish(ctx); err != nil {
		e.close()
		return err
	}
	if err := e.close(); err != nil {
		return err
	}
	res.FinishSecs = time.Since(t).Seconds()
	mem.finish()
	res.Seconds = putTime.Seconds()
	res.GenSeconds = genTime.Seconds()
	res.DocsPerSec = float64(o.n) / (res.Seconds + res.FinishSecs)
	res.HeapSysPeak, res.SysPeak, res.VmHWM = mem.HeapSys, mem.Sys, mem.VmHWM
	res.RssAnonPeak, res.RssFilePeak = mem.RssAnon, mem.RssFile
	if res.Bytes, err = dirSize(o.dir); err != nil {
		return err
	}
	return json.NewEncoder(stdout).Encode(res)
}

func childQuery(ctx context.Context, o options, stdout io.Writer) error {
	g, err := corpus.New(o.seed)
	if err != nil {
		return err
	}
	qs := mix(g, o.seed, o.perClass)
	warm := mix(g, o.seed+1000, (o.warmup+len(classes)-1)/len(classes))
	stopProfile, err := startProfile(o)
	if err != nil {
		return err
	}
	defer stopProfile()
	mem := startMemPeak(50 * time.Millisecond)
	t := time.Now()
	e, err := openEngine(o.engine, o.dir, o.n)
	if err != nil {
		return err
	}
	defer e.close()
	res := queryResult{OpenSecs: time.Since(t).Seconds(), ClassP95: map[string]float64{}, ClassP50: map[string]float64{}}
	for _, q := range warm {
		if _, err := e.search(ctx, q); err != nil {
			return fmt.Errorf("warm-up: %w", err)
		}
	}
	var all []float64
	byClass := map[string][]float64{}
	for _, q := range qs {
		t := time.Now()
		total, err := e.search(ctx, q)
		ms := float64(time.Since(t).Microseconds()) / 1000
		if err != nil {
			if res.Errors == nil {
				res.Errors = map[string]string{}
			}
			res.Errors[q.Query] = err.Error()
			total = -1
		}
		all = append(all, ms)
		byClass[q.Class] = append(byClass[q.Class], ms)
		res.Totals = append(res.Totals, total)
		res.Classes = append(res.Classes, q.Class)
	}
	if o.engine == "web-page" && o.clients > 1 {
		// Throughput with concurrent clients, as wrk loads the server, but
		// in-process: no sockets, and the profile shows where time goes.
		res.Clients = o.clients
		res.QPS = throughput(ctx, e, qs, o.clients, 15*time.Second)
	}
	mem.finish()
	res.Queries = len(qs)
	res.P50, res.P95, res.P99 = pct(all, 50), pct(all, 95), pct(all, 99)
	res.Max = pct(all, 100)
	for c, v := range byClass {
		res.ClassP95[c] = pct(v, 95)
		res.ClassP50[c] = pct(v, 50)
	}
	res.HeapSysPeak, res.SysPeak, res.VmHWM = mem.HeapSys, mem.Sys, mem.VmHWM
	res.RssAnonPeak, res.RssFilePeak = mem.RssAnon, mem.RssFile
	return json.NewEncoder(stdout).Encode(res)
}

// throughput runs the mix round-robin from clients goroutines for d and
// returns queries per second.
func throughput(ctx context.Context, e engine, qs []benchQuery, clients int, d time.Duration) float64 {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var (
		mu    sync.Mutex
		count int
		wg    sync.WaitGroup
	)
	start := time.Now()
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := c; ctx.Err() == nil; i += clients {
				if _, err := e.search(ctx, qs[i%len(qs)]); err != nil {
					continue
				}
				mu.Lock()
				count++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return float64(count) / time.Since(start).Seconds()
}

// startProfile starts a CPU profile of this phase when asked for one.
func startProfile(o options) (stop func(), err error) {
	if o.cpuprofile == "" {
		return func() {}, nil
	}
	f, err := os.Create(fmt.Sprintf("%s-%s-%s-%d.pprof", o.cpuprofile, o.child, o.engine, o.n))
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// pct is the nearest-rank percentile of v (milliseconds).
func pct(v []float64, p float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	k := int(float64(len(s))*p/100+0.999999) - 1
	return s[min(max(k, 0), len(s)-1)]
}

func dirSize(dir string) (int64, error) {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			fi, err := d.Info()
			if err != nil {
				return err
			}
			n += fi.Size()
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("measure %s: %w", dir, err)
	}
	return n, nil
}

// result is one engine at one size.
type result struct {
	N      int          `json:"n"`
	Engine string       `json:"engine"`
	Index  *indexResult `json:"index"`
	Query  *queryResult `json:"query"`
}

func run(ctx context.Context, o options, stdout io.Writer) error {
	if o.showSample {
		g, err := corpus.New(o.seed)
		if err != nil {
			return err
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		for i := 0; i < 40; i++ {
			if d := g.Doc(i); i == 0 || strings.HasPrefix(d.Lang, "zh") {
				if err := enc.Encode(d); err != nil {
					return err
				}
				if i > 0 {
					break
				}
			}
		}
		return nil
	}
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find own executable: %w", err)
	}
	work := o.work
	if work == "" {
		if work, err = os.MkdirTemp("", "benchsearch-"); err != nil {
			return err
		}
		if !o.keep {
			defer os.RemoveAll(work)
		}
	}
	if err := os.MkdirAll(work, 0o755); err != nil {
		return err
	}
	g, err := corpus.New(o.seed)
	if err != nil {
		return err
	}
	started := time.Now()
	var results []result
	for _, n := range o.sizes {
		var dirs []string
		for _, eng := range o.engines {
			dir := filepath.Join(work, fmt.Sprintf("%s-%d", eng, n))
			r := result{N: n, Engine: eng, Index: &indexResult{}, Query: &queryResult{}}
			if strings.HasPrefix(eng, "bleve") {
				// The archive the snippets come from (archive.go), written once
				// per size, outside every timed phase and before the index, as
				// in policywatch (and so that writing it does not push the
				// new index out of the page cache before it is queried).
				fmt.Fprintf(os.Stderr, "%s: writing the archive of %d documents for the snippets\n", eng, n)
				t := time.Now()
				if err := buildArchive(ctx, g, archiveDir(work, n), n); err != nil {
					return err
				}
				fmt.Fprintf(os.Stderr, "%s: archive ready in %.0f s\n", eng, time.Since(t).Seconds())
			}
			if _, err := os.Stat(dir); o.reuse && err == nil {
				dirs = append(dirs, dir)
				fmt.Fprintf(os.Stderr, "%s: reusing %s\n", eng, dir)
			} else {
				if err := os.RemoveAll(dir); err != nil {
					return err
				}
				if err := os.MkdirAll(dir, 0o755); err != nil {
					return err
				}
				dirs = append(dirs, dir)
				fmt.Fprintf(os.Stderr, "%s: indexing %d documents\n", eng, n)
				if err := child(ctx, self, o, "index", eng, n, dir, r.Index); err != nil {
					return err
				}
				fmt.Fprintf(os.Stderr, "%s: %.0f docs/s; querying\n", eng, r.Index.DocsPerSec)
			}
			if err := child(ctx, self, o, "query", eng, n, dir, r.Query); err != nil {
				return err
			}
			results = append(results, r)
			progress(r)
			if err := saveJSON(o.out, results); err != nil {
				return err
			}
			if eng != "bleve" || !o.page {
				continue
			}
			for _, extra := range []string{"bleve-page", "web-page"} {
				p := result{N: n, Engine: extra, Index: r.Index, Query: &queryResult{}}
				fmt.Fprintf(os.Stderr, "bleve: querying as %s\n", extra)
				if err := child(ctx, self, o, "query", extra, n, dir, p.Query); err != nil {
					return err
				}
				results = append(results, p)
				progress(p)
				if err := saveJSON(o.out, results); err != nil {
					return err
				}
			}
		}
		if o.memLimit > 0 && n >= o.largeFrom && slices.Contains(o.engines, "bleve") {
			r, err := limitedQuery(ctx, self, o, "bleve", n, filepath.Join(work, fmt.Sprintf("bleve-%d", n)))
			if err != nil {
				return err
			}
			results = append(results, r)
			progress(r)
			if err := saveJSON(o.out, results); err != nil {
				return err
			}
		}
		if !o.keep && o.work == "" {
			for _, d := range dirs {
				os.RemoveAll(d)
			}
		}
	}
	report(stdout, results, time.Since(started))
	return nil
}

// progress prints a phase's headline figures as soon as it ends, so a
// long run that is interrupted still leaves them.
func progress(r result) {
	fmt.Fprintf(os.Stderr, "  = %s at %d: %.0f docs/s, %s on disk; p50 %.1f ms, p95 %.1f ms, p99 %.1f ms; serving VmHWM %s\n",
		r.Engine, r.N, r.Index.DocsPerSec, mib(uint64(r.Index.Bytes)), r.Query.P50, r.Query.P95, r.Query.P99, mib(r.Query.VmHWM))
}

// saveJSON rewrites the results file after every phase, for the same reason.
func saveJSON(path string, results []result) error {
	if path == "" {
		return nil
	}
	data, err := json.MarshalIndent(results, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func child(ctx context.Context, self string, o options, phase, eng string, n int, dir string, into any) error {
	return runChild(ctx, self, o, phase, eng, n, dir, into, nil, nil)
}

// runChild runs one phase in a child process; cg, when set, is the memory
// cgroup it runs in, and env is added to its environment.
func runChild(ctx context.Context, self string, o options, phase, eng string, n int, dir string, into any, cg *memCgroup, env []string) error {
	perClass, warmup := o.perClass, o.warmup
	if n >= o.largeFrom {
		perClass, warmup = o.largeQueries, o.largeWarmup
	}
	name, args := self, []string{"-child", phase, "-engine", eng, "-n", strconv.Itoa(n), "-dir", dir,
		"-seed", strconv.FormatUint(o.seed, 10), "-batch", strconv.Itoa(o.batch),
		"-queries", strconv.Itoa(perClass), "-warmup", strconv.Itoa(warmup), "-cpuprofile", o.cpuprofile,
		"-clients", strconv.Itoa(o.clients)}
	if cg != nil {
		name, args = cg.command(name, args...)
	}
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("%s phase of %s at %d documents: %w", phase, eng, n, err)
	}
	if err := json.Unmarshal(out, into); err != nil {
		return fmt.Errorf("%s phase of %s at %d documents: read result: %w", phase, eng, n, err)
	}
	return nil
}

// limitedQuery runs the query phase of eng at n documents again within
// o.memLimit bytes (memlimit.go) and reports it as engine "ENG@LIMIT".
func limitedQuery(ctx context.Context, self string, o options, eng string, n int, dir string) (result, error) {
	r := result{N: n, Engine: eng + "@" + limitName(o.memLimit), Index: &indexResult{}, Query: &queryResult{MemLimit: o.memLimit}}
	if err := evictFiles(dir, archiveDir(filepath.Dir(dir), n)); err != nil {
		return r, err
	}
	cg, err := newMemCgroup(o.memLimit)
	var env []string
	if err != nil {
		r.Query.Enforced = "not enforced (" + err.Error() + "); GOMEMLIMIT only"
		env = []string{"GOMEMLIMIT=" + strconv.FormatInt(o.memLimit, 10)}
	} else if cg.v2 {
		r.Query.Enforced = "cgroup v2 memory.max"
	} else {
		r.Query.Enforced = "cgroup v1 memory.limit_in_bytes"
	}
	fmt.Fprintf(os.Stderr, "%s: querying within %s (%s)\n", eng, limitName(o.memLimit), r.Query.Enforced)
	runErr := runChild(ctx, self, o, "query", eng, n, dir, r.Query, cg, env)
	if cg != nil {
		r.Query.CgroupPeak, r.Query.OOMKills = cg.usage()
		if err := cg.remove(); err != nil && runErr == nil {
			runErr = err
		}
	}
	if runErr != nil && r.Query.OOMKills > 0 {
		// Killed for the limit: a result to report, not a failed run.
		r.Query.Errors = map[string]string{"phase": fmt.Sprintf("killed by the kernel for the memory limit (%v)", runErr)}
		return r, nil
	}
	return r, runErr
}

func limitName(b int64) string {
	if b%(1<<30) == 0 {
		return fmt.Sprintf("%dGiB", b>>30)
	}
	return fmt.Sprintf("%dMiB", b>>20)
}
