package main

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

// alertPayload is the JSON POSTed to a saved search's webhook.
type alertPayload struct {
	SavedSearch alertSearch  `json:"saved_search"`
	RunID       int64        `json:"run_id"`
	Since       string       `json:"since"` // matches changed at or after this time
	Count       int          `json:"count"`
	Truncated   bool         `json:"truncated"`
	Matches     []alertMatch `json:"matches"`
}

type alertSearch struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	Params string `json:"params"` // the search as URL parameters (/?params in the UI)
}

type alertMatch struct {
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

// notifySavedSearches tells each saved search's webhook about the matches
// that are new since it was last told: documents stored or changed after
// its high-water mark. A delivery that fails leaves the mark where it was,
// so the next crawl sends those matches again. Failures are logged, never
// returned: alerts must not fail a crawl.
func (a *app) notifySavedSearches(ctx context.Context, run *model.CrawlRun) {
	searches, err := a.db.SavedSearches(ctx)
	if err != nil {
		a.logger.Warn("saved searches not checked", "err", err)
		return
	}
	client := &http.Client{Timeout: webhookTimeout}
	for _, s := range searches {
		if s.Webhook == "" {
			continue
		}
		if err := a.notifyOne(ctx, client, s, run); err != nil {
			a.logger.LogAttrs(ctx, slog.LevelWarn, "saved search webhook failed",
				slog.Int64("saved_search", s.ID), slog.String("name", s.Name), slog.Any("err", err))
		}
	}
}

func (a *app) notifyOne(ctx context.Context, client *http.Client, s store.SavedSearch, run *model.CrawlRun) error {
	// Everything changed before checkedUpTo is covered by this delivery.
	checkedUpTo := a.db.Now()
	ids, err := a.db.DocumentIDsChangedSince(ctx, s.CheckedAt)
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		return a.db.MarkSearchChecked(ctx, s.ID, checkedUpTo)
	}
	req, err := savedRequest(s.Params)
	if err != nil {
		return fmt.Errorf("saved search %d: %w", s.ID, err)
	}
	req.IDs = ids
	p := alertPayload{
		SavedSearch: alertSearch{ID: s.ID, Name: s.Name, Params: s.Params},
		Since:       s.CheckedAt.UTC().Format(time.RFC3339Nano),
		Matches:     []alertMatch{},
	}
	if run != nil {
		p.RunID = run.ID
	}
	err = a.ix.Each(ctx, req, func(h index.Hit) error {
		p.Count++
		if len(p.Matches) == maxAlertMatches {
			p.Truncated = true
			return nil
		}
		m := alertMatch{ID: h.ID, URL: h.URL, Title: h.Title, Source: h.Source, Kind: h.Kind, DateSource: h.DateSource,
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
		a.logger.Info("saved search webhook delivered", "saved_search", s.ID, "matches", p.Count)
	}
	return a.db.MarkSearchChecked(ctx, s.ID, checkedUpTo)
}

// savedRequest reads a saved search's URL parameters as the web UI does.
func savedRequest(params string) (index.Request, error) {
	v, err := url.ParseQuery(params)
	if err != nil {
		return index.Request{}, fmt.Errorf("read parameters %q: %w", params, err)
	}
	r := index.Request{Query: v.Get("q"), Categories: v["category"], Actors: v["actor"], Sources: v["source"], Kinds: v["kind"]}
	if r.From, err = cliDate(v.Get("from"), false); err != nil {
		return r, err
	}
	if r.To, err = cliDate(v.Get("to"), true); err != nil {
		return r, err
	}
	return r, nil
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
