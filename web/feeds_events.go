package web

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"sort"
	"time"
)

// maxFeedEntries bounds a feed: subscribers want what changed lately.
const maxFeedEntries = 100

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Author  atomPerson  `xml:"author"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomEntry struct {
	ID        string         `xml:"id"`
	Title     string         `xml:"title"`
	Updated   string         `xml:"updated"`
	Published string         `xml:"published,omitempty"`
	Links     []atomLink     `xml:"link"`
	Category  []atomCategory `xml:"category"`
	Content   atomContent    `xml:"content"`
}

type atomCategory struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr,omitempty"`
}

type atomContent struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

// eventsFeed is an Atom feed of the events of a filtered view, most
// recently changed first. An entry's updated time is the event's: when
// re-clustering changes its title or dates, feed readers see it again.
func (s *Server) eventsFeed(w http.ResponseWriter, r *http.Request) {
	p, evs, ok := s.exportEvents(w, r)
	if !ok {
		return
	}
	sort.SliceStable(evs, func(i, j int) bool {
		if !evs[i].UpdatedAt.Equal(evs[j].UpdatedAt) {
			return evs[i].UpdatedAt.After(evs[j].UpdatedAt)
		}
		return evs[i].ID > evs[j].ID
	})
	if len(evs) > maxFeedEntries {
		evs = evs[:maxFeedEntries]
	}
	base := baseURL(r)
	self := base + "/feeds/events.atom" + feedQuery(p)
	feed := atomFeed{
		ID:     self,
		Title:  s.exportTitle(p),
		Author: atomPerson{Name: "policywatch"},
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: self},
			{Rel: "alternate", Type: "text/html", Href: base + "/timeline" + p.filterQuery()},
		},
	}
	var newest time.Time
	for _, e := range evs {
		updated := e.UpdatedAt
		if updated.IsZero() {
			updated = e.At
		}
		if updated.After(newest) {
			newest = updated
		}
		link := base + "/events/" + itoa(e.ID)
		feed.Entries = append(feed.Entries, atomEntry{
			ID:        link,
			Title:     formatDate(e.At) + " · " + e.Title,
			Updated:   updated.UTC().Format(time.RFC3339),
			Published: e.At.UTC().Format(time.RFC3339),
			Links:     []atomLink{{Rel: "alternate", Type: "text/html", Href: link}},
			Category:  []atomCategory{{Term: e.Category, Label: s.label(e.Category)}},
			Content:   atomContent{Type: "html", Body: s.eventHTML(base, e)},
		})
	}
	if newest.IsZero() {
		newest = s.now()
	}
	feed.Updated = newest.UTC().Format(time.RFC3339)
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(feed); err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	_, _ = buf.WriteTo(w)
}
