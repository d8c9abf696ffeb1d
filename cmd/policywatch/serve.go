package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"policywatch/tagging"
)

func cmdServe(ctx context.Context, args []string, stdout io.Writer, logger *slog.Logger) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	dataDir := fs.String("data", defaultDataDir(), "data directory")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	a, err := openApp(ctx, *dataDir, logger)
	if err != nil {
		return err
	}
	defer a.Close()
	tax, err := defaultTaxonomy()
	if err != nil {
		return err
	}
	return a.serve(ctx, *addr, tax, stdout)
}

// serve answers HTTP until ctx is cancelled, then shuts down gracefully.
func (a *app) serve(ctx context.Context, addr string, tax *tagging.Taxonomy, stdout io.Writer) error {
	srv, err := a.newWeb(tax)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stdout, "policywatch is serving %s at http://%s/\n", a.dir, ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
