package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"policywatch/crawler"
	"policywatch/model"
	"policywatch/tagging"
	"policywatch/topic"
	"policywatch/warc"
)

// ImportConfig says how to file a WARC file's pages.
type ImportConfig struct {
	Topic    *topic.Topic // its sources attribute pages; its relevance query filters them
	Taxonomy *tagging.Taxonomy
	// Source names pages the file does not attribute and no configured
	// source's host claims ("" means warc-import).
	Source string
	All    bool // keep off-topic pages too
}

// ImportStats is what an import did.
type ImportStats struct {
	Records, Responses int
	Outcomes           map[model.Outcome]int
	Dropped            map[string]int // dropped pages by reason: "off-topic", "duplicate", "no text extracted"...
}

// ImportWARC files the responses of a WARC file (ours, or Heritrix,
// Browsertrix, ArchiveBox, wget output) through the pipeline exactly as a
// crawl files the pages it fetches, then brings the derived data up to
// date (Settle). A 404 or 410 record withdraws the page it names.
func (a *Archive) ImportWARC(ctx context.Context, r io.Reader, cfg ImportConfig) (*ImportStats, error) {
	var relevant = &cfg.Topic.Relevant
	if cfg.All {
		relevant = nil
	}
	p := NewPipeline(a.Store, relevant, tagging.New(cfg.Taxonomy), a.Logger)
	st := &ImportStats{Outcomes: map[model.Outcome]int{}, Dropped: map[string]int{}}
	ws, err := warc.Read(r, func(c warc.Capture) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		o, reason, err := importCapture(ctx, p, cfg, c)
		if err != nil {
			return err
		}
		st.Outcomes[o]++
		if o == model.OutcomeDropped {
			if strings.HasPrefix(reason, "duplicate") {
				reason = "duplicate"
			}
			st.Dropped[reason]++
		}
		if o == model.OutcomeDropped || o == model.OutcomeSkipped || o == model.OutcomeFailed {
			a.log().Debug("import: not archived", "url", c.FinalURL, "outcome", o, "reason", reason)
		}
		return nil
	})
	st.Records, st.Responses = ws.Records, ws.Responses
	if err != nil {
		return st, err
	}
	return st, a.Settle(context.WithoutCancel(ctx), 0)
}

// importCapture files one WARC response.
func importCapture(ctx context.Context, p *Pipeline, cfg ImportConfig, c warc.Capture) (model.Outcome, string, error) {
	if c.Status == http.StatusNotFound || c.Status == http.StatusGone {
		// A page that went away: withdraw what we archived from it.
		u, err := crawler.NormalizeURL(c.FinalURL)
		if err != nil {
			u = c.FinalURL
		}
		id, marked, err := p.store.MarkWithdrawn(ctx, u, c.Status, c.FetchedAt, 0)
		if err != nil {
			return "", "", err
		}
		switch {
		case id == 0:
			return model.OutcomeSkipped, fmt.Sprintf("HTTP %d for a page never archived", c.Status), nil
		case !marked:
			// Withdrawn already, or this very withdrawal was imported
			// before: nothing changes.
			return model.OutcomeUnchanged, fmt.Sprintf("HTTP %d, already recorded", c.Status), nil
		}
		return model.OutcomeWithdrawn, fmt.Sprintf("HTTP %d", c.Status), nil
	}
	if c.Status < 200 || c.Status >= 300 {
		// Redirects and errors carry no page to archive.
		return model.OutcomeSkipped, fmt.Sprintf("HTTP %d", c.Status), nil
	}
	if c.BodySHA256 != "" {
		sum := sha256.Sum256(c.Body)
		if got := hex.EncodeToString(sum[:]); got != c.BodySHA256 {
			return "", "", fmt.Errorf("capture of %s: body SHA-256 is %s, the file recorded %s", c.FinalURL, got, c.BodySHA256)
		}
	}
	filed, err := p.Accept(ctx, &crawler.Fetched{
		Source: sourceFor(cfg, c), RequestURL: c.RequestURL, FinalURL: c.FinalURL, Status: c.Status,
		Header: c.Header, Body: c.Body, FetchedAt: c.FetchedAt,
	})
	if err != nil {
		return "", "", err
	}
	return filed.Outcome, filed.Reason, nil
}

// sourceFor attributes a capture: the source the file names, else the
// configured source on the same host, else the fallback name.
func sourceFor(cfg ImportConfig, c warc.Capture) model.Source {
	sources := cfg.Topic.Sources
	if c.Source != "" {
		for _, s := range sources {
			if s.Name == c.Source {
				return s
			}
		}
		kind := model.DocKind(c.DocKind)
		if !kind.Valid() {
			kind = model.KindNews
		}
		return model.Source{Name: c.Source, DocKind: kind}
	}
	if u, err := url.Parse(c.FinalURL); err == nil {
		for _, s := range sources {
			if su, err := url.Parse(s.URL); err == nil && strings.EqualFold(su.Host, u.Host) {
				if cfg.Source == "" || cfg.Source == s.Name {
					return s
				}
			}
		}
	}
	name := cfg.Source
	if name == "" {
		name = "warc-import"
	}
	return model.Source{Name: name, DocKind: model.KindNews}
}
