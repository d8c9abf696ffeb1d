package web

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/http"
)

// Atom (RFC 4287) elements, only those our feeds write. The events,
// search and changes feeds (feeds_events.go, feeds_search.go, changes.go)
// share them: one shape, one encoder, one place to get the format right.

type atomFeed struct {
	XMLName  xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID       string      `xml:"id"`
	Title    string      `xml:"title"`
	Subtitle string      `xml:"subtitle,omitempty"`
	Updated  string      `xml:"updated"`
	Author   atomPerson  `xml:"author"`
	Links    []atomLink  `xml:"link"`
	Entries  []atomEntry `xml:"entry"`
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
	Summary   string         `xml:"summary,omitempty"`
	Content   atomContent    `xml:"content"`
}

type atomCategory struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr,omitempty"`
}

// atomContent is text or, with Type "html", HTML carried as escaped text:
// our markup (<mark>, <del>, links) reaches the reader as markup, crawled
// text as text.
type atomContent struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

// writeAtom encodes feed into a buffer first, so an encoding error is a
// clean 500 rather than half a feed.
func (s *Server) writeAtom(w http.ResponseWriter, r *http.Request, feed atomFeed) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(feed); err != nil {
		s.serverError(w, r, fmt.Errorf("encode feed %s: %w", feed.ID, err))
		return
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	if _, err := buf.WriteTo(w); err != nil {
		s.log.Debug("write feed", "path", r.URL.Path, "err", err)
	}
}
