package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"policywatch/index"
	"policywatch/ingest"
)

// A serving process holds the search index for as long as it runs (Bleve
// allows one opener, and opening it read-only waits on the writer's lock
// too). Other processes on the same data directory reach the index
// through it: it answers on a Unix socket in the data directory, which
// only users who may read the data directory can open, so it needs no
// account. `search`, `reindex` and `verify` use it when a server holds
// the index; everything else works on the store, which SQLite shares.

// controlRequestTimeout bounds a search through the server; a rebuild
// asked of it takes as long as it takes.
const controlRequestTimeout = 2 * time.Minute

// defaultApplyEvery is how often a server takes in what other processes
// stored: a cron crawl shows up in search within about this long.
const defaultApplyEvery = time.Second

// startServing makes a the serving process of its data directory (a must
// hold the index as ingest.RoleServe): it answers the control socket and
// takes in, every applyEvery, what other processes logged. Close stops both.
func (a *app) startServing(ctx context.Context, socket string, applyEvery time.Duration) error {
	os.Remove(socket) // one left by a server that was killed: we hold the index now
	ln, err := net.Listen("unix", socket)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", socket, err)
	}
	if err := os.Chmod(socket, 0o600); err != nil {
		ln.Close()
		return fmt.Errorf("listen on %s: %w", socket, err)
	}
	srv := &http.Server{Handler: a.controlHandler(), ReadHeaderTimeout: 10 * time.Second}
	loopCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.logger.Error("control socket", "err", err)
		}
	}()
	go func() {
		defer wg.Done()
		a.owner.Run(loopCtx, applyEvery, 30*time.Second)
	}()
	a.stopServing = func() {
		cancel()
		shutdown, done := context.WithTimeout(context.Background(), 5*time.Second)
		defer done()
		srv.Shutdown(shutdown)
		wg.Wait()
		os.Remove(socket)
	}
	return nil
}

// openServer opens a data directory as its serving process: the index is
// held as ingest.RoleServe and the control socket answers.
func openServer(ctx context.Context, dir string, logger *slog.Logger, applyEvery time.Duration) (*app, error) {
	return openServerAt(ctx, locate(dir, "", nil), logger, applyEvery)
}

// openServerAt is openServer for an archive that may live elsewhere.
func openServerAt(ctx context.Context, p place, logger *slog.Logger, applyEvery time.Duration) (*app, error) {
	a, err := openStoreAt(ctx, p, logger)
	if err != nil {
		return nil, err
	}
	if err := a.serveDir(ctx, applyEvery); err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

func (a *app) serveDir(ctx context.Context, applyEvery time.Duration) error {
	dir := a.dir
	socket := ingest.Dir(dir).SocketPath()
	if err := a.own(ctx, ingest.OwnOptions{Role: ingest.RoleServe, Socket: socket, Wait: indexWait}); err != nil {
		var se *ingest.ServedError
		if errors.As(err, &se) {
			return fmt.Errorf("another policywatch serves %s (%s)", dir, se.Holder)
		}
		return err
	}
	return a.startServing(ctx, socket, applyEvery)
}

// controlHandler is the control socket's API: JSON in, JSON out.
func (a *app) controlHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /search", func(w http.ResponseWriter, r *http.Request) {
		var req index.Request
		if !readJSON(w, r, &req) {
			return
		}
		res, err := a.ix.Search(r.Context(), req)
		writeControl(w, res, err)
	})
	mux.HandleFunc("POST /each", func(w http.ResponseWriter, r *http.Request) {
		var req index.Request
		if !readJSON(w, r, &req) {
			return
		}
		hits := []index.Hit{}
		err := a.ix.Each(r.Context(), req, func(h index.Hit) error { hits = append(hits, h); return nil })
		writeControl(w, hits, err)
	})
	mux.HandleFunc("POST /reindex", func(w http.ResponseWriter, r *http.Request) {
		n, err := a.reindex(r.Context())
		writeControl(w, reindexResult{Documents: n}, err)
	})
	mux.HandleFunc("POST /verify-index", func(w http.ResponseWriter, r *http.Request) {
		res := verifyResult{Mismatches: []ingest.IndexMismatch{}}
		var err error
		res.Checked, err = a.owner.Verify(r.Context(), func(m ingest.IndexMismatch) { res.Mismatches = append(res.Mismatches, m) })
		writeControl(w, res, err)
	})
	return mux
}

type reindexResult struct {
	Documents int `json:"documents"`
}

type verifyResult struct {
	Checked    int                    `json:"checked"`
	Mismatches []ingest.IndexMismatch `json:"mismatches"`
}

func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(v); err != nil {
		writeControl(w, nil, fmt.Errorf("read request: %w", err))
		return false
	}
	return true
}

type controlError struct {
	Error string `json:"error"`
}

func writeControl(w http.ResponseWriter, v any, err error) {
	w.Header().Set("Content-Type", "application/json")
	if err != nil {
		w.WriteHeader(http.StatusInternalServerError)
		json.NewEncoder(w).Encode(controlError{err.Error()})
		return
	}
	json.NewEncoder(w).Encode(v)
}

// controlClient asks the server that holds a data directory's index.
type controlClient struct {
	holder ingest.Holder
	http   *http.Client
}

func newControlClient(h ingest.Holder) *controlClient {
	return &controlClient{holder: h, http: &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", h.Socket)
		},
	}}}
}

// call POSTs in to path and decodes the answer into out. A server that is
// still starting (holding the index, not yet listening) is given a few
// seconds.
func (c *controlClient) call(ctx context.Context, path string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	var res *http.Response
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://policywatch"+path, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		res, err = c.http.Do(req)
		if err == nil {
			break
		}
		if attempt == 25 || ctx.Err() != nil {
			return fmt.Errorf("the server of this data directory (%s) does not answer on %s: %w", c.holder, c.holder.Socket, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		var ce controlError
		if json.NewDecoder(res.Body).Decode(&ce) == nil && ce.Error != "" {
			return errors.New(ce.Error)
		}
		return fmt.Errorf("the server (%s) answered %s", c.holder, res.Status)
	}
	return json.NewDecoder(res.Body).Decode(out)
}
