package web

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"policywatch/index"
	"policywatch/model"
	"policywatch/store"
)

// matchLister lists every match of a search; *index.Index satisfies it.
// Servers over a Searcher without it page through Search instead.
type matchLister interface {
	Each(ctx context.Context, r index.Request, fn func(index.Hit) error) error
}

// maxExport bounds one export or release: beyond it the search has to be
// narrowed, so one request cannot hold the server for minutes.
const maxExport = 20000

var errTooMany = &paramError{Param: "q", Msg: fmt.Sprintf("more than %d matching documents; narrow the search to export or freeze it", maxExport)}

// eachHit calls fn for every match of r in r's order: newest first, or
// by relevance as the search page lists them, so an export reads like the
// page it was taken from.
func (s *Server) eachHit(ctx context.Context, r index.Request, fn func(index.Hit) error) error {
	n := 0
	count := func(h index.Hit) error {
		if n++; n > maxExport {
			return errTooMany
		}
		return fn(h)
	}
	if r.Sort != index.SortRelevance {
		return s.index.Each(ctx, r, count) // search-after: flat cost however deep
	}
	// Relevance has no search-after key: page through the ranking, which
	// is one fixed order (ties by id), so pages neither repeat nor skip.
	r.PerPage = index.MaxPerPage
	for r.Page = 1; ; r.Page++ {
		res, err := s.index.Search(ctx, r)
		if err != nil {
			return err
		}
		for _, h := range res.Hits {
			if err := count(h); err != nil {
				return err
			}
		}
		if len(res.Hits) < r.PerPage {
			return nil
		}
	}
}

// exportDoc is one document of an export: every stored field, the text,
// and where the archived copy lives.
type exportDoc struct {
	ID            int64    `json:"id"`
	URL           string   `json:"url"`
	Permalink     string   `json:"permalink"`
	Source        string   `json:"source"`
	Kind          string   `json:"kind"`
	Title         string   `json:"title"`
	Byline        string   `json:"byline"`
	Site          string   `json:"site"`
	Lang          string   `json:"lang"`
	DocNumber     string   `json:"doc_number"`
	Published     string   `json:"published"`
	DateSource    string   `json:"date_source"`
	DateReliable  bool     `json:"date_reliable"`
	Modified      string   `json:"modified"`
	FetchedAt     string   `json:"fetched_at"`
	UpdatedAt     string   `json:"updated_at"`
	Version       int      `json:"version"`
	Withdrawn     bool     `json:"withdrawn"`
	ContentHash   string   `json:"content_hash"`
	CaptureID     int64    `json:"capture_id"`
	CapturedAt    string   `json:"captured_at"`
	CaptureSHA256 string   `json:"capture_sha256"`
	Categories    []string `json:"categories"`
	Actors        []string `json:"actors"`
	Text          string   `json:"text"`
}

var exportColumns = []string{"id", "url", "permalink", "source", "kind", "title", "byline", "site", "lang",
	"doc_number", "published", "date_source", "date_reliable", "modified", "fetched_at", "updated_at",
	"version", "withdrawn", "content_hash", "capture_id", "captured_at", "capture_sha256", "categories", "actors", "text"}

// row is the CSV form; every cell goes through CSVRow (csv.go) so a
// spreadsheet shows a title like "=HYPERLINK(...)" instead of running it.
func (e exportDoc) row() []string {
	return CSVRow(strconv.FormatInt(e.ID, 10), e.URL, e.Permalink, e.Source, e.Kind, e.Title,
		e.Byline, e.Site, e.Lang, e.DocNumber, e.Published, e.DateSource,
		strconv.FormatBool(e.DateReliable), e.Modified, e.FetchedAt, e.UpdatedAt,
		strconv.Itoa(e.Version), strconv.FormatBool(e.Withdrawn), e.ContentHash, strconv.FormatInt(e.CaptureID, 10),
		e.CapturedAt, e.CaptureSHA256, CSVList(e.Categories), CSVList(e.Actors), e.Text)
}

// archived is a document as we hold it, with the capture of its current
// version: what a citation or a release points at.
type archived struct {
	Doc     *model.Document
	Capture *model.Capture // nil when the store has none
}

// loadArchived reads a document and the capture of its current version.
func (s *Server) loadArchived(ctx context.Context, id int64) (archived, error) {
	doc, err := s.store.Document(ctx, id)
	if err != nil {
		return archived{}, err
	}
	caps, err := s.store.Captures(ctx, id)
	if err != nil {
		return archived{}, err
	}
	a := archived{Doc: doc}
	for i := range caps {
		c := &caps[i]
		// The newest capture of the current version is its evidence.
		if c.Version == doc.Version && (a.Capture == nil || c.FetchedAt.After(a.Capture.FetchedAt)) {
			a.Capture = c
		}
	}
	return a, nil
}

// capturedAt is when the cited version was captured: the capture's fetch
// time, or the document's when no capture is stored.
func (a archived) capturedAt() time.Time {
	if a.Capture != nil && !a.Capture.FetchedAt.IsZero() {
		return a.Capture.FetchedAt
	}
	if !a.Doc.UpdatedAt.IsZero() {
		return a.Doc.UpdatedAt
	}
	return a.Doc.FetchedAt
}

func (a archived) export(base string) exportDoc {
	d := a.Doc
	e := exportDoc{
		ID: d.ID, URL: d.URL, Permalink: base + "/documents/" + itoa(d.ID), Source: d.Source, Kind: string(d.Kind),
		Title: d.Title, Byline: d.Byline, Site: d.Site, Lang: d.Lang, DocNumber: d.DocNumber,
		Published: formatDate(d.Published), DateSource: d.DateSource, DateReliable: d.HasReliableDate(),
		Modified: formatDate(d.Modified), FetchedAt: rfc3339(d.FetchedAt), UpdatedAt: rfc3339(d.UpdatedAt),
		Version: d.Version, Withdrawn: d.Withdrawn, ContentHash: d.ContentHash,
		CapturedAt: rfc3339(a.capturedAt()),
		Categories: nonNil(d.Categories()), Actors: nonNil(d.Actors()), Text: d.Text,
	}
	if a.Capture != nil {
		e.CaptureID, e.CaptureSHA256 = a.Capture.ID, a.Capture.BodySHA256
	}
	return e
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// archiveBase is where readers reach the archive, for the absolute links
// feeds, exports and citations need: Config.BaseURL when the operator set
// one (baseurl.go); else, behind a trusted proxy (Config.TrustProxy),
// what the proxy says the reader used; else the request's own Host, which
// a client chooses, so a shared cache in front could keep a feed with
// someone else's links: set a base URL on a public server.
func (s *Server) archiveBase(r *http.Request) string {
	if s.baseURL != "" {
		return s.baseURL
	}
	scheme := "http"
	if s.cookieSecure(r) { // TLS here, an HTTPS-only site, or a trusted proxy's word
		scheme = "https"
	}
	host := r.Host
	if fwd, _, _ := strings.Cut(r.Header.Get("X-Forwarded-Host"), ","); s.trustProxy && strings.TrimSpace(fwd) != "" {
		host = strings.TrimSpace(fwd)
	}
	if host == "" {
		host = "localhost"
	}
	return scheme + "://" + host
}

// streamArchived runs the search in the URL and hands every match, as
// archived, to fn, newest first. The query and the size of the result set
// are checked before anything is written, so a bad query or too large a
// set is still a clean 400; begin then writes the headers, and the body
// streams, so memory stays flat however large the export. An error after
// the body started can only be logged: the response is cut short.
func (s *Server) streamArchived(w http.ResponseWriter, r *http.Request, begin func(), fn func(archived) error) {
	p, err := s.parseSearch(r.Context(), r.URL.Query())
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	check := p.request()
	check.Page, check.PerPage = 1, 1
	res, err := s.index.Search(r.Context(), check)
	if err == nil && res.Total > maxExport {
		err = errTooMany
	}
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	begin()
	err = s.eachHit(r.Context(), p.request(), func(h index.Hit) error {
		a, err := s.loadArchived(r.Context(), h.ID)
		if errors.Is(err, store.ErrNotFound) {
			return nil // deleted since it was indexed
		}
		if err != nil {
			return err
		}
		return fn(a)
	})
	if err != nil {
		s.log.LogAttrs(r.Context(), slog.LevelError, "export cut short",
			slog.String("path", r.URL.Path), slog.Any("err", err))
	}
}

func attachment(w http.ResponseWriter, contentType, name string) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
}

func (s *Server) exportCSV(w http.ResponseWriter, r *http.Request) {
	cw := csv.NewWriter(w)
	base := s.archiveBase(r)
	s.streamArchived(w, r, func() {
		attachment(w, "text/csv; charset=utf-8", "policywatch-search.csv")
		_ = cw.Write(exportColumns)
	}, func(a archived) error {
		return cw.Write(a.export(base).row())
	})
	cw.Flush()
	if err := cw.Error(); err != nil {
		// The body has started: the client sees a cut-short file.
		s.log.LogAttrs(r.Context(), slog.LevelWarn, "export cut short",
			slog.String("path", r.URL.Path), slog.Any("err", err))
	}
}

func (s *Server) exportJSONL(w http.ResponseWriter, r *http.Request) {
	enc := json.NewEncoder(w) // one object per line: no indent
	base := s.archiveBase(r)
	s.streamArchived(w, r, func() {
		attachment(w, "application/jsonl; charset=utf-8", "policywatch-search.jsonl")
	}, func(a archived) error {
		return enc.Encode(a.export(base))
	})
}

// Citation formats.
const (
	citeBibTeX = "bib"
	citeRIS    = "ris"
	citeCSL    = "csl"
)

func (s *Server) exportCitations(format string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		base, now := s.archiveBase(r), s.now()
		n, begun := 0, false
		s.streamArchived(w, r, func() {
			begun = true
			citationHeaders(w, format, "policywatch-search")
			if format == citeCSL {
				_, _ = io.WriteString(w, "[")
			}
		}, func(a archived) error {
			var err error
			switch format {
			case citeBibTeX:
				_, err = io.WriteString(w, bibtex(newCitation(a, base, now)))
			case citeRIS:
				_, err = io.WriteString(w, ris(newCitation(a, base, now)))
			default:
				b, merr := json.MarshalIndent(csl(newCitation(a, base, now)), "  ", "  ")
				if merr != nil {
					return merr
				}
				sep := "\n  "
				if n > 0 {
					sep = ",\n  "
				}
				_, err = io.WriteString(w, sep+string(b))
			}
			n++
			return err
		})
		if format == citeCSL && begun {
			_, _ = io.WriteString(w, "\n]\n")
		}
	}
}

func (s *Server) documentCitation(format string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "id")
		if err != nil {
			s.failJSON(w, r, err)
			return
		}
		a, err := s.loadArchived(r.Context(), id)
		if err != nil {
			s.failJSON(w, r, err)
			return
		}
		s.writeCitations(w, r, format, []archived{a}, "policywatch-"+itoa(id))
	}
}

func citationHeaders(w http.ResponseWriter, format, name string) {
	switch format {
	case citeBibTeX:
		attachment(w, "application/x-bibtex; charset=utf-8", name+".bib")
	case citeRIS:
		attachment(w, "application/x-research-info-systems; charset=utf-8", name+".ris")
	default:
		w.Header().Set("Content-Type", "application/vnd.citationstyles.csl+json; charset=utf-8")
		w.Header().Set("Content-Disposition", `inline; filename="`+name+`.json"`)
	}
}

func (s *Server) writeCitations(w http.ResponseWriter, r *http.Request, format string, docs []archived, name string) {
	base := s.archiveBase(r)
	now := s.now()
	citationHeaders(w, format, name)
	switch format {
	case citeBibTeX:
		for _, a := range docs {
			fmt.Fprint(w, bibtex(newCitation(a, base, now)))
		}
	case citeRIS:
		for _, a := range docs {
			fmt.Fprint(w, ris(newCitation(a, base, now)))
		}
	default:
		items := make([]cslItem, 0, len(docs))
		for _, a := range docs {
			items = append(items, csl(newCitation(a, base, now)))
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		_ = enc.Encode(items)
	}
}

// citation is what every citation format says about one archived
// document: the original, our permalink to the copy cited, and when it
// was captured.
type citation struct {
	Key         string
	News        bool
	Dataset     bool   // a frozen result set rather than one document
	Note        string // replaces the archive statement when set
	Title       string
	Author      string // a byline: a person or office
	Publisher   string // the site or source that published it
	Lang        string
	DocNumber   string
	URL         string // the original
	Permalink   string // our page for the document
	CaptureLink string // our copy of the cited version ("" without a capture)
	Published   time.Time
	Captured    time.Time
	Version     int
	SHA256      string
}

func newCitation(a archived, base string, now time.Time) citation {
	d := a.Doc
	c := citation{
		Key: "policywatch-" + itoa(d.ID), News: d.Kind == model.KindNews,
		Title: oneLine(d.Title), Author: oneLine(d.Byline), Publisher: oneLine(cmpOr(d.Site, d.Source)),
		Lang: d.Lang, DocNumber: oneLine(d.DocNumber), URL: d.URL,
		Permalink: base + "/documents/" + itoa(d.ID), Captured: a.capturedAt().UTC(), Version: d.Version,
	}
	if c.Title == "" {
		c.Title = d.URL
	}
	if d.HasReliableDate() {
		c.Published = d.Published
	}
	if a.Capture != nil {
		c.CaptureLink = base + captureURL(d.ID, a.Capture.ID)
		c.SHA256 = a.Capture.BodySHA256
	}
	if c.Captured.IsZero() {
		c.Captured = now.UTC()
	}
	return c
}

// note is the archive statement every format carries in words.
func (c citation) note() string {
	if c.Note != "" {
		return c.Note
	}
	n := "Archived by policywatch, captured " + c.Captured.Format(time.DateOnly)
	if c.Version > 0 {
		n += ", version " + strconv.Itoa(c.Version)
	}
	if c.SHA256 != "" {
		n += ", SHA-256 " + c.SHA256
	}
	link := c.CaptureLink
	if link == "" {
		link = c.Permalink
	}
	return n + ": " + link
}

func cmpOr(a, b string) string {
	if strings.TrimSpace(a) != "" {
		return a
	}
	return b
}

// oneLine folds line breaks and runs of space: citation fields are one line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// bibtex writes a biblatex @online entry. Text fields are escaped for
// LaTeX; URLs go in url fields, which take them verbatim.
func bibtex(c citation) string {
	var b strings.Builder
	field := func(name, val string) {
		if val != "" {
			fmt.Fprintf(&b, "  %s = {%s},\n", name, val)
		}
	}
	entry := "online"
	if c.Dataset {
		entry = "dataset"
	}
	fmt.Fprintf(&b, "@%s{%s,\n", entry, c.Key)
	field("title", "{"+texEscape(c.Title)+"}") // keep the title's capitals
	if c.Author != "" {
		field("author", "{"+texEscape(c.Author)+"}")
	} else {
		field("author", "{"+texEscape(c.Publisher)+"}") // the organization as author
	}
	field("organization", texEscape(c.Publisher))
	if !c.Published.IsZero() {
		field("date", c.Published.Format(time.DateOnly))
		field("year", c.Published.Format("2006"))
	}
	field("url", bibURL(c.URL))
	field("urldate", c.Captured.Format(time.DateOnly))
	field("langid", texEscape(c.Lang))
	field("number", texEscape(c.DocNumber))
	field("howpublished", texEscape("Archived copy: ")+"\\url{"+bibURL(cmpOr(c.CaptureLink, c.Permalink))+"}")
	field("note", texEscape(c.note()))
	b.WriteString("}\n\n")
	return b.String()
}

var texReplacer = strings.NewReplacer(
	`\`, `\textbackslash{}`, `{`, `\{`, `}`, `\}`, `%`, `\%`, `&`, `\&`, `$`, `\$`,
	`#`, `\#`, `_`, `\_`, `^`, `\^{}`, `~`, `\~{}`,
)

func texEscape(s string) string { return texReplacer.Replace(s) }

// bibURL keeps a URL's braces balanced and its % from starting a comment.
func bibURL(u string) string {
	return strings.NewReplacer("{", "%7B", "}", "%7D", `\`, "%5C").Replace(u)
}

// ris writes one RIS record.
func ris(c citation) string {
	var b strings.Builder
	tag := func(t, val string) {
		if val = oneLine(val); val != "" {
			fmt.Fprintf(&b, "%s  - %s\r\n", t, val)
		}
	}
	typ := "ELEC"
	switch {
	case c.Dataset:
		typ = "DATA"
	case c.News:
		typ = "NEWS"
	}
	tag("TY", typ)
	tag("ID", c.Key)
	tag("TI", c.Title)
	tag("AU", c.Author)
	tag("PB", c.Publisher)
	if !c.Published.IsZero() {
		tag("PY", c.Published.Format("2006"))
		tag("DA", c.Published.Format("2006/01/02/"))
	}
	tag("UR", c.URL)
	tag("Y2", c.Captured.Format("2006/01/02/"))
	tag("LA", c.Lang)
	tag("M1", c.DocNumber)
	tag("DB", "policywatch")
	tag("L2", cmpOr(c.CaptureLink, c.Permalink))
	tag("N1", c.note())
	b.WriteString("ER  - \r\n\r\n")
	return b.String()
}

// cslItem is one CSL-JSON item (the format Zotero and citeproc read).
type cslItem struct {
	ID              string    `json:"id"`
	Type            string    `json:"type"`
	Title           string    `json:"title"`
	Author          []cslName `json:"author,omitempty"`
	ContainerTitle  string    `json:"container-title,omitempty"`
	Publisher       string    `json:"publisher,omitempty"`
	Issued          *cslDate  `json:"issued,omitempty"`
	Accessed        *cslDate  `json:"accessed"`
	URL             string    `json:"URL"`
	Archive         string    `json:"archive"`
	ArchiveLocation string    `json:"archive_location"`
	Language        string    `json:"language,omitempty"`
	Number          string    `json:"number,omitempty"`
	Note            string    `json:"note"`
}

type cslName struct {
	Literal string `json:"literal"`
}

type cslDate struct {
	DateParts [][]int `json:"date-parts"`
}

func newCSLDate(t time.Time) *cslDate {
	return &cslDate{DateParts: [][]int{{t.Year(), int(t.Month()), t.Day()}}}
}

func csl(c citation) cslItem {
	it := cslItem{
		ID: c.Key, Type: "webpage", Title: c.Title, ContainerTitle: c.Publisher, Publisher: c.Publisher,
		Accessed: newCSLDate(c.Captured), URL: c.URL, Archive: "policywatch",
		ArchiveLocation: cmpOr(c.CaptureLink, c.Permalink), Language: c.Lang, Number: c.DocNumber, Note: c.note(),
	}
	switch {
	case c.Dataset:
		it.Type = "dataset"
	case c.News:
		it.Type = "article-newspaper"
	}
	if c.Author != "" {
		it.Author = []cslName{{Literal: c.Author}}
	}
	if !c.Published.IsZero() {
		it.Issued = newCSLDate(c.Published)
	}
	return it
}
