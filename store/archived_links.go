package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// ArchivedLink is the capture of an archived page that a link to it
// should open: the one nearest in time to the page the link is on.
type ArchivedLink struct {
	DocumentID, CaptureID int64
	FetchedAt             time.Time
}

// maxArchivedLookup bounds one lookup: a page with more links than this
// has the rest left pointing at the live web.
const maxArchivedLookup = 2000

// ArchivedAt maps those of urls that the archive holds (as a document's
// URL or one of its aliases; compared exactly, so callers normalize) to
// the capture nearest to at: the newest fetched at or before it, else the
// earliest after. Like the Wayback Machine, a link in an archived page
// then opens the linked page as it was at about the same time.
func (db *DB) ArchivedAt(ctx context.Context, urls []string, at time.Time) (map[string]ArchivedLink, error) {
	out := map[string]ArchivedLink{}
	if len(urls) > maxArchivedLookup {
		urls = urls[:maxArchivedLookup]
	}
	docOf := map[string]int64{}
	for start := 0; start < len(urls); start += 500 {
		chunk := urls[start:min(start+500, len(urls))]
		args := make([]any, 0, 2*len(chunk))
		for _, u := range chunk {
			args = append(args, u)
		}
		args = append(args, args...)
		marks := strings.TrimSuffix(strings.Repeat("?,", len(chunk)), ",")
		rows, err := db.read.QueryContext(ctx, `SELECT url, id FROM documents WHERE url IN (`+marks+`)
			UNION ALL SELECT url, document_id FROM document_aliases WHERE url IN (`+marks+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("archived links: %w", err)
		}
		for rows.Next() {
			var (
				u  string
				id int64
			)
			if err := rows.Scan(&u, &id); err != nil {
				rows.Close()
				return nil, fmt.Errorf("archived links: %w", err)
			}
			if _, ok := docOf[u]; !ok {
				docOf[u] = id
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("archived links: %w", err)
		}
	}
	best := map[int64]ArchivedLink{}
	for _, id := range docOf {
		if _, done := best[id]; done {
			continue
		}
		rows, err := db.read.QueryContext(ctx, `SELECT id, fetched_at FROM captures WHERE document_id = ? ORDER BY id`, id)
		if err != nil {
			return nil, fmt.Errorf("archived links: captures of document %d: %w", id, err)
		}
		var pick ArchivedLink
		for rows.Next() {
			var (
				cid     int64
				fetched string
			)
			if err := rows.Scan(&cid, &fetched); err != nil {
				rows.Close()
				return nil, fmt.Errorf("archived links: captures of document %d: %w", id, err)
			}
			c := ArchivedLink{DocumentID: id, CaptureID: cid, FetchedAt: parseTime(fetched)}
			switch {
			case pick.CaptureID == 0:
				pick = c
			case !c.FetchedAt.After(at) && (pick.FetchedAt.After(at) || c.FetchedAt.After(pick.FetchedAt)):
				pick = c // newer, still not after the page
			case pick.FetchedAt.After(at) && c.FetchedAt.Before(pick.FetchedAt):
				pick = c // all after the page so far: the earliest
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("archived links: captures of document %d: %w", id, err)
		}
		if pick.CaptureID != 0 {
			best[id] = pick
		}
	}
	for u, id := range docOf {
		if l, ok := best[id]; ok {
			out[u] = l
		}
	}
	return out, nil
}
