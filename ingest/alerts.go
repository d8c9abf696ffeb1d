package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"policywatch/index"
	"policywatch/model"
	"policywatch/store"
)

// webhookTimeout bounds one webhook delivery: a slow receiver must not
// hold up the end of a crawl.
const webhookTimeout = 15 * time.Second

// maxAlertMatches bounds one delivery; a receiver that wants more can
// fetch the search's feed or export.
const maxAlertMatches = 500

// AlertPayload is the JSON POSTed to a saved search's webhook.
type AlertPayload struct {
	// ID names this delivery: the saved search and the stretch of the
	// change log it covers. A delivery retried after a crash carries the
	// same ID, so a receiver can drop the second copy.
	ID          string       `json:"id"`
	SavedSearch AlertSearch  `json:"saved_search"`
	RunID       int64        `json:"run_id"` // the crawl run that ended with these matches
	Since       string       `json:"since"`  // when the webhook was last told
	Count       int          `json:"count"`
	Truncated   bool         `json:"truncated"`
	Matches     []AlertMatch `json:"matches"`
}

// AlertSearch names the saved search of a delivery.
type AlertSearch struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	Params string `json:"params"` // the search as URL parameters (/?params in the UI)
}

// AlertMatch is one new match in a delivery.
type AlertMatch struct {
	ID         int64    `json:"id"`
	URL        string   `json:"url"`
	Title      string   `json:"title"`
	Source     string   `json:"source"`
	Kind       string   `json:"kind"`
	Published  string   `json:"published"` // "" without a reliable date
	DateSource string   `json:"date_source"`
	Categories []string `json:"categories"`
	Actors     []string `json:"actors"`
	Document   string   `json:"document"` // our page, relative to the server
}

// Notify tells each saved search's webhook about its new matches: the
// documents first stored or given a new version by a change it has not
// been told of, that the search finds. The change log is taken into the
// index first, so the search sees every change it is told about. Only
// the holder of the index notifies and the mark of what a webhook was
// told is in the store, so each new match is sent once, whichever
// process crawled. A delivery that fails leaves the mark where it was,
// so the next run's sends those matches again. Failures are logged, never
// returned: alerts must not fail a crawl. runID names the run in the
// payload.
func (o *Owner) Notify(ctx context.Context, runID int64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if _, err := o.apply(ctx); err != nil {
		o.log.Warn("saved searches not checked", "err", err)
		return
	}
	applied, err := o.Index.AppliedSeq()
	if err != nil {
		o.log.Warn("saved searches not checked", "err", err)
		return
	}
	// Servers on several machines each hold an index of one archive: one
	// of them tells the webhooks at a time, and the others then find the
	// marks moved (store.Exclusive; on SQLite the index lock suffices).
	client := o.webhookClient()
	err = o.store.Exclusive(ctx, "alerts", func() error {
		searches, err := o.store.SavedSearches(ctx)
		if err != nil {
			return err
		}
		for _, s := range searches {
			if s.Webhook == "" || s.AlertedSeq >= applied {
				continue
			}
			if err := o.notifyOne(ctx, client, s, applied, runID); err != nil {
				o.log.LogAttrs(ctx, slog.LevelWarn, "saved search webhook failed",
					slog.Int64("saved_search", s.ID), slog.String("name", s.Name), slog.Any("err", err))
			}
		}
		return nil
	})
	if err != nil {
		o.log.Warn("saved searches not checked", "err", err)
	}
}

func (o *Owner) notifyOne(ctx context.Context, client *http.Client, s store.SavedSearch, upTo, runID int64) error {
	ids, err := o.store.ChangedDocuments(ctx, s.AlertedSeq, upTo)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	if len(ids) == 0 {
		return o.store.MarkSearchAlerted(ctx, s.ID, upTo, now)
	}
	req, err := savedRequest(s.Params)
	if err != nil {
		return fmt.Errorf("saved search %d: %w", s.ID, err)
	}
	req.IDs = ids
	p := AlertPayload{
		ID:          fmt.Sprintf("%d-%d-%d", s.ID, s.AlertedSeq, upTo),
		SavedSearch: AlertSearch{ID: s.ID, Name: s.Name, Params: s.Params},
		RunID:       runID,
		Since:       s.CheckedAt.UTC().Format(time.RFC3339Nano),
		Matches:     []AlertMatch{},
	}
	err = o.Index.Each(ctx, req, func(h index.Hit) error {
		p.Count++
		if len(p.Matches) == maxAlertMatches {
			p.Truncated = true
			return nil
		}
		m := AlertMatch{ID: h.ID, URL: h.URL, Title: h.Title, Source: h.Source, Kind: h.Kind, DateSource: h.DateSource,
			Categories: orEmpty(h.Categories), Actors: orEmpty(h.Actors), Document: fmt.Sprintf("/documents/%d", h.ID)}
		if !h.Published.IsZero() && model.ReliableDateSource(h.DateSource) {
			m.Published = h.Published.Format(time.DateOnly)
		}
		p.Matches = append(p.Matches, m)
		return nil
	})
	if err != nil {
		return fmt.Errorf("search %q: %w", s.Params, err)
	}
	if p.Count > 0 {
		if err := postJSON(ctx, client, s.Webhook, p); err != nil {
			return err
		}
		o.log.Info("saved search webhook delivered", "saved_search", s.ID, "matches", p.Count)
	}
	return o.store.MarkSearchAlerted(ctx, s.ID, upTo, now)
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// savedRequest reads a saved search's URL parameters as the web UI does.
func savedRequest(params string) (index.Request, error) {
	v, err := url.ParseQuery(params)
	if err != nil {
		return index.Request{}, fmt.Errorf("read parameters %q: %w", params, err)
	}
	r := index.Request{Query: v.Get("q"), Categories: v["category"], Actors: v["actor"], Sources: v["source"], Kinds: v["kind"]}
	if r.From, err = paramDate(v.Get("from"), false); err != nil {
		return r, err
	}
	if r.To, err = paramDate(v.Get("to"), true); err != nil {
		return r, err
	}
	return r, nil
}

// paramDate reads a YYYY-MM-DD parameter; the end of the day when
// endOfDay.
func paramDate(s string, endOfDay bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date (YYYY-MM-DD)", s)
	}
	if endOfDay {
		t = t.Add(24*time.Hour - time.Nanosecond)
	}
	return t, nil
}

func postJSON(ctx context.Context, client *http.Client, target string, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode webhook payload: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("webhook %s: %w", redactURL(target), withoutURL(err))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "policywatch-alerts")
	res, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("webhook %s: %w", redactURL(target), withoutURL(err))
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return fmt.Errorf("webhook %s: status %s", redactURL(target), res.Status)
	}
	return nil
}

// withoutURL drops the *url.Error wrapper net/http puts round request
// errors: its message quotes the whole URL, secret and all, which would
// undo redactURL.
func withoutURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// redactURL keeps a webhook's secret path and query out of logs.
func redactURL(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "(unparsable URL)"
	}
	return p.Scheme + "://" + p.Host + strings.Repeat("/…", min(1, len(strings.Trim(p.Path, "/"))))
}
