package timeline

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"
	"time"

	"policywatch/demoweb"
	"policywatch/model"
	"policywatch/tagging"
)

// loadDemoDocs returns the demo web's on-topic pages as documents, the
// way a crawl stores them, with their ground truth.
func loadDemoDocs(t *testing.T) ([]model.Document, []demoweb.PageTruth) {
	t.Helper()
	pages, err := demoweb.Documents()
	if err != nil {
		t.Fatal(err)
	}
	var (
		docs   []model.Document
		truths []demoweb.PageTruth
	)
	for _, p := range pages {
		if !p.Truth.Topic {
			continue
		}
		docs = append(docs, p.Doc)
		truths = append(truths, p.Truth)
	}
	return docs, truths
}

type eventRow struct{ date, actor, category string }

func loadEventsCSV(t *testing.T, path string) []eventRow {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("events.csv not available: %v", err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	var rows []eventRow
	for i, r := range recs {
		if i == 0 || len(r) < 3 {
			continue
		}
		rows = append(rows, eventRow{r[0], r[1], r[2]})
	}
	return rows
}

// TestTimelineAgainstEventsCSV clusters the tagged demo web and compares
// the events with the topic's list of real events. Only rows some demo
// page reports can be found; recall is measured over those.
func TestTimelineAgainstEventsCSV(t *testing.T) {
	docs, truths := loadDemoDocs(t)
	if len(docs) == 0 {
		t.Skip("no demo web pages on disk")
	}
	rows := loadEventsCSV(t, filepath.Join("..", "..", "shared", "timeline", "events.csv"))
	tax, err := tagging.LoadTaxonomy(filepath.Join("..", "topics", "hk-nsl.taxonomy.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tg := tagging.New(tax)
	for i := range docs {
		docs[i].Tags = tg.Tag(&docs[i])
	}
	events := Cluster(docs, Options{Now: time.Now})

	// An event is on the timeline under each of its categories: one
	// announcement of several kinds is one event in several lanes.
	byKey := map[string]*model.Event{}
	for i := range events {
		e := &events[i]
		for _, c := range categoriesOf(*e) {
			byKey[e.Actors[0]+"/"+c+"/"+e.Date.Format("2006-01-02")] = e
		}
	}
	// A row is covered when a page's truth reports it.
	covered := map[eventRow]bool{}
	for _, tr := range truths {
		if tr.EventDate == "" || len(tr.Actors) == 0 {
			continue
		}
		for _, c := range tr.Categories {
			covered[eventRow{tr.EventDate, tr.Actors[0], c}] = true
		}
	}
	var found, coveredN, near, nearExact int
	verbose := os.Getenv("TIMELINE_VERBOSE") != ""
	for _, r := range rows {
		isCovered := false
		for c := range covered {
			if c == r {
				isCovered = true
			}
		}
		if !isCovered {
			continue
		}
		coveredN++
		if byKey[r.actor+"/"+r.category+"/"+r.date] != nil {
			found++
		} else if verbose {
			t.Logf("missing %s/%s/%s", r.actor, r.category, r.date)
		}
		// Date accuracy: of the events found for the row's actor and
		// category near its date, how many carry the exact date.
		rd, _ := time.Parse("2006-01-02", r.date)
		for _, e := range events {
			if e.Actors[0] == r.actor && slices.Contains(categoriesOf(e), r.category) && absDur(e.Date.Sub(rd)) <= DefaultGap {
				near++
				if e.Date.Equal(rd) {
					nearExact++
				}
				break
			}
		}
	}
	// Each covered row is one event, not several on neighbouring days: no
	// more events of its actor and category near its date than rows.
	var split []string
	for _, r := range rows {
		if !covered[r] {
			continue
		}
		rd, _ := time.Parse("2006-01-02", r.date)
		nRows, nEvents := 0, 0
		var titles []string
		for _, o := range rows {
			od, _ := time.Parse("2006-01-02", o.date)
			if o.actor == r.actor && o.category == r.category && absDur(od.Sub(rd)) <= DefaultGap {
				nRows++
			}
		}
		for _, e := range events {
			// An announcement of several kinds is an event per category:
			// count the one filed under this row's category.
			if e.Actors[0] == r.actor && e.Category == r.category && absDur(e.Date.Sub(rd)) <= DefaultGap {
				nEvents++
				titles = append(titles, e.Date.Format("2006-01-02")+" "+e.Title)
			}
		}
		if nEvents > nRows {
			split = append(split, fmt.Sprintf("%s/%s/%s: %d events for %d rows: %q", r.actor, r.category, r.date, nEvents, nRows, titles))
		}
	}
	for _, s := range split {
		t.Errorf("split: %s", s)
	}
	// Events the truth does not know: clusters of misread pages.
	var spurious []string
	for k, e := range byKey {
		known := false
		for c := range covered {
			if c.actor == e.Actors[0] && slices.Contains(categoriesOf(*e), c.category) {
				cd, _ := time.Parse("2006-01-02", c.date)
				if absDur(e.Date.Sub(cd)) <= DefaultGap {
					known = true
				}
			}
		}
		if !known {
			spurious = append(spurious, k)
		}
	}
	sort.Strings(spurious)
	if verbose {
		for _, k := range spurious {
			e := byKey[k]
			t.Logf("spurious %s (%d docs, news-only %v) %q", k, len(e.Documents), e.NewsOnly, e.Title)
		}
	}
	// Page dating: each page that reports an event should sit in an event
	// of its issuer dated on the event's day.
	docEvents := map[int64][]*model.Event{}
	for i := range events {
		for _, ed := range events[i].Documents {
			docEvents[ed.DocumentID] = append(docEvents[ed.DocumentID], &events[i])
		}
	}
	var dated, datedOK int
	for i, tr := range truths {
		if tr.EventDate == "" || len(docEvents[docs[i].ID]) == 0 {
			continue
		}
		dated++
		ok := false
		for _, e := range docEvents[docs[i].ID] {
			if e.Date.Format("2006-01-02") == tr.EventDate {
				ok = true
			}
		}
		if ok {
			datedOK++
		} else if verbose {
			t.Logf("page %s (%s, published %s) is in events %s, not on %s", docs[i].URL, docs[i].Kind,
				docs[i].Published.Format(time.RFC3339), docEvents[docs[i].ID][0].Key, tr.EventDate)
		}
	}
	t.Logf("page dating: %d of %d pages in an event sit in one dated on their event's day (%.2f)", datedOK, dated, ratio(datedOK, dated))
	recall := ratio(found, coveredN)
	dateAcc := ratio(nearExact, near)
	t.Logf("%d documents, %d events; events.csv: %d rows, %d reported by demo pages", len(docs), len(events), len(rows), coveredN)
	t.Logf("event recall %.2f (%d/%d), date accuracy %.2f (%d/%d), events not in the truth %d",
		recall, found, coveredN, dateAcc, nearExact, near, len(spurious))
	const floorRecall, floorDate = 0.75, 0.85
	if ratio(datedOK, dated) < floorDate {
		t.Errorf("page dating %.2f below floor %.2f", ratio(datedOK, dated), floorDate)
	}
	if coveredN > 0 && (recall < floorRecall || dateAcc < floorDate) {
		t.Errorf("event recall %.2f / date accuracy %.2f below floors %.2f / %.2f", recall, dateAcc, floorRecall, floorDate)
	}
}

// categoriesOf is every category an event is filed under.
func categoriesOf(e model.Event) []string {
	if len(e.Categories) > 0 {
		return e.Categories
	}
	return []string{e.Category}
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}
