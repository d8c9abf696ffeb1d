// Package clustercheck holds the checks the tests of a cluster crawl
// share (several workers, one archive, the demo web): what was stored,
// and what the demo web saw of the crawlers' politeness.
package clustercheck

import (
	"context"
	"sort"
	"testing"
	"time"

	"github.com/temoto/robotstxt"

	"policywatch/crawler"
	"policywatch/demoweb"
	"policywatch/store"
)

// StoredOnce checks that every on-topic truth page is stored (a syndicated
// story once for all its copies), nothing off-topic is, and each document
// has one version from one capture: no page was stored twice.
func StoredOnce(t *testing.T, db *store.DB, web *demoweb.Web) {
	t.Helper()
	ctx := context.Background()
	truth, err := demoweb.Truth()
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64]bool{}
	groups := map[string]map[int64]bool{}
	for _, pt := range truth {
		u, err := crawler.NormalizeURL(web.PageURL(pt))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := db.DocumentByURL(ctx, u)
		stored := err == nil
		switch {
		case !pt.Topic && stored:
			t.Errorf("off-topic page %s%s stored", pt.Site, pt.Path)
		case pt.Topic && !stored:
			t.Errorf("on-topic page %s%s not stored: %v", pt.Site, pt.Path, err)
		case pt.Topic:
			want[doc.ID] = true
			if pt.Syndication != "" {
				if groups[pt.Syndication] == nil {
					groups[pt.Syndication] = map[int64]bool{}
				}
				groups[pt.Syndication][doc.ID] = true
			}
		}
	}
	for g, ids := range groups {
		if len(ids) != 1 {
			t.Errorf("syndicated story %s stored as %d documents", g, len(ids))
		}
	}
	n, err := db.CountDocuments(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != len(want) {
		t.Errorf("%d documents stored, want %d (one per on-topic page or syndicated story)", n, len(want))
	}
	for id := range want {
		caps, err := db.Captures(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(caps) != 1 {
			t.Errorf("document %d has %d captures from one run, want 1", id, len(caps))
		}
	}
}

// Polite reads the demo web's request log: per host, no two
// requests in flight at once, no two starts closer than the host's delay
// (delay, or its robots.txt Crawl-delay as the cluster kept it when
// longer), and robots.txt asked for once.
func Polite(t *testing.T, web *demoweb.Web, db *store.DB, delay time.Duration) {
	t.Helper()
	byHost := map[string][]demoweb.Request{}
	for _, r := range web.Requests() {
		byHost[r.Host] = append(byHost[r.Host], r)
	}
	if len(byHost) < 10 {
		t.Errorf("requests to %d hosts, want the demo's sites", len(byHost))
	}
	for host, reqs := range byHost {
		hostDelay := delay
		rf, err := db.ClusterRobots(context.Background(), "http://"+host)
		if err != nil || rf == nil {
			t.Errorf("%s: the cluster kept no robots.txt (%v)", host, err)
		} else if data, err := robotstxt.FromStatusAndBytes(rf.Status, rf.Body); err == nil {
			if g := data.FindGroup("policywatch"); g != nil && g.CrawlDelay > hostDelay {
				hostDelay = g.CrawlDelay
			}
		}
		sort.Slice(reqs, func(i, j int) bool { return reqs[i].Start.Before(reqs[j].Start) })
		robots := 0
		for i, r := range reqs {
			if r.Path == "/robots.txt" {
				robots++
			}
			if i == 0 {
				continue
			}
			prev := reqs[i-1]
			if r.Start.Before(prev.End) {
				t.Errorf("%s: %s started before %s ended: two requests in flight", host, r.Path, prev.Path)
			}
			if gap := r.Start.Sub(prev.Start); gap < hostDelay {
				t.Errorf("%s: %s started %s after %s, closer than the host's delay %s", host, r.Path, gap, prev.Path, hostDelay)
			}
		}
		if robots != 1 {
			t.Errorf("%s: robots.txt asked for %d times, want once", host, robots)
		}
	}
}
