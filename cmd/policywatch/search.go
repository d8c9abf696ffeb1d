package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"
	"unicode/utf8"

	"policywatch/index"
	"policywatch/ingest"
	"policywatch/model"
	"policywatch/query"
	"policywatch/store"
	"policywatch/tagging"
	"policywatch/web"
)

// searchHit is one result as `policywatch search --json` prints it.
type searchHit struct {
	ID           int64    `json:"id"`
	URL          string   `json:"url"`
	Title        string   `json:"title"`
	Source       string   `json:"source"`
	Kind         string   `json:"kind"`
	Lang         string   `json:"lang"`
	Published    string   `json:"published"` // YYYY-MM-DD; "" without a reliable date
	DateSource   string   `json:"date_source"`
	DateReliable bool     `json:"date_reliable"`
	Categories   []string `json:"categories"`
	Actors       []string `json:"actors"`
	Snippet      string   `json:"snippet"` // escaped HTML with <mark>
	Score        float64  `json:"score"`
}

func toSearchHit(h index.Hit) searchHit {
	sh := searchHit{ID: h.ID, URL: h.URL, Title: h.Title, Source: h.Source, Kind: h.Kind, Lang: h.Lang,
		DateSource: h.DateSource, DateReliable: !h.Published.IsZero() && model.ReliableDateSource(h.DateSource),
		Categories: orEmpty(h.Categories), Actors: orEmpty(h.Actors), Snippet: string(h.Snippet), Score: h.Score}
	if sh.DateReliable {
		sh.Published = h.Published.Format(time.DateOnly)
	}
	return sh
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// listFlag collects a repeatable flag (--category a --category b).
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func cmdSearch(ctx context.Context, args []string, stdout io.Writer) (err error) {
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	dataDir := dataFlag(fs)
	dbURL := dbFlag(fs)
	config := configFlag(fs, "whose glossary expands the query")
	asJSON := fs.Bool("json", false, "print results as JSON")
	asCSV := fs.Bool("csv", false, "print results as CSV")
	all := fs.Bool("all", false, "print every match, not one page (newest first)")
	limit := fs.Int("limit", 20, "`N` results on a page (at most 100; see --all)")
	page := fs.Int("page", 1, "page `N` of the results")
	sort := fs.String("sort", "", "`ORDER`: relevance or date (default: relevance with a query, date without)")
	from := fs.String("from", "", "published on or after `DATE` (YYYY-MM-DD)")
	to := fs.String("to", "", "published on or before `DATE` (YYYY-MM-DD)")
	save := fs.String("save", "", "save the search under `NAME` instead of running it")
	webhook := fs.String("webhook", "", "with --save: `URL` to POST new matches to after each crawl (a public address, unless --allow-private)")
	allowPrivate := fs.Bool("allow-private", false, "with --webhook: let it be a loopback, private or link-local address (deliveries need the crawl's or the server's --allow-private too)")
	listSaved := fs.Bool("list-saved", false, "list saved searches")
	deleteSaved := fs.Int64("delete-saved", 0, "delete the saved search with this `ID`")
	var categories, actors, sources, kinds, langs listFlag
	fs.Var(&categories, "category", "category `ID` (repeatable; all must match)")
	fs.Var(&actors, "actor", "actor `ID` (repeatable; all must match)")
	fs.Var(&sources, "source", "source `NAME` (repeatable; any may match)")
	fs.Var(&kinds, "kind", "`KIND` of document, official or news (repeatable; any may match)")
	fs.Var(&langs, "lang", "`TAG` language of the page, a BCP 47 tag such as en or zh-Hant; zh also selects zh-Hant and zh-Hans (repeatable; any may match)")
	if err := parseArgs(fs, args, stdout); err != nil {
		return err
	}
	if *asJSON && *asCSV {
		return usageError{"search: --json and --csv exclude each other"}
	}
	if *webhook != "" && *save == "" {
		return usageError{"search: --webhook needs --save NAME"}
	}
	if *allowPrivate && *webhook == "" {
		return usageError{"search: --allow-private goes with --webhook URL"}
	}
	q := strings.Join(fs.Args(), " ")
	req := index.Request{Query: q, Categories: categories, Actors: actors, Sources: sources, Kinds: kinds, Langs: langs,
		Sort: *sort, Page: *page, PerPage: *limit}
	for _, k := range kinds {
		if !model.DocKind(k).Valid() {
			return usageError{fmt.Sprintf("search: --kind %q is not official or news", k)}
		}
	}
	for _, l := range langs {
		if err := query.CheckLanguage(l); err != nil {
			return usageError{fmt.Sprintf("search: --lang: %v", err)}
		}
	}
	switch *sort {
	case "", index.SortRelevance, index.SortDate:
	default:
		return usageError{fmt.Sprintf("search: --sort %q is not relevance or date", *sort)}
	}
	// The bounds the API answers 400 for: a page that cannot be shown is
	// an error, not quietly another page.
	if *limit < 1 || *limit > index.MaxPerPage {
		return usageError{fmt.Sprintf("search: --limit %d: want 1 to %d results on a page (--all prints every match)", *limit, index.MaxPerPage)}
	}
	if *page < 1 {
		return usageError{fmt.Sprintf("search: --page %d: pages are numbered from 1", *page)}
	}
	if (*page-1)*(*limit) >= maxSearchHits {
		return usageError{fmt.Sprintf("search: --page %d (of %d results each) starts past the first %d matches; narrow the search, or use --all", *page, *limit, maxSearchHits)}
	}
	if req.From, err = cliDate("from", *from, false); err != nil {
		return err
	}
	if req.To, err = cliDate("to", *to, true); err != nil {
		return err
	}
	if !req.From.IsZero() && !req.To.IsZero() && req.To.Before(req.From) {
		return usageError{fmt.Sprintf("search: --to %s is before --from %s", *to, *from)}
	}
	if _, err := query.Parse(q); err != nil {
		return queryError(q, err)
	}

	at := locate(*dataDir, *dbURL, nil)
	if err := at.need(); err != nil {
		return err
	}
	if (*save != "" || *deleteSaved != 0) && dataDirReadOnly(*dataDir) { // readonly.go
		return readOnlyError{*dataDir}
	}
	_, tax, err := loadTopicAndTaxonomy(*config)
	if err != nil {
		return err
	}
	// Categories and actors may be named as the UI shows them.
	vocab := vocabulary(tax)
	if req.Categories, err = resolveFlags(vocab, "category", query.FieldCategory, req.Categories); err != nil {
		return err
	}
	if req.Actors, err = resolveFlags(vocab, "actor", query.FieldActor, req.Actors); err != nil {
		return err
	}
	if req.Query, err = vocab.Canonical(q); err != nil {
		return queryError(q, err)
	}
	if err := checkSources(ctx, at, "search", req.Sources, q); err != nil {
		return err
	}
	if *listSaved || *deleteSaved != 0 || *save != "" {
		return savedSearchCommand(ctx, at, *listSaved, *deleteSaved, *save, *webhook, *allowPrivate, searchParams(req, *from, *to), stdout)
	}

	hits, total, undated, err := runQuery(ctx, at, tax, req, *all)
	if err != nil {
		return queryError(q, err)
	}
	// Which page this is: --all prints every match on one.
	pg, pages, perPage := *page, 1, len(hits)
	if !*all {
		perPage = *limit
		pages = max(1, int((total+uint64(*limit)-1)/uint64(*limit)))
	}
	switch {
	case *asJSON:
		out := struct {
			Query   string      `json:"query"`
			Total   uint64      `json:"total"`
			Undated uint64      `json:"undated"`
			Page    int         `json:"page"`
			Pages   int         `json:"pages"`
			PerPage int         `json:"per_page"`
			Hits    []searchHit `json:"hits"`
		}{Query: q, Total: total, Undated: undated, Page: pg, Pages: pages, PerPage: perPage, Hits: []searchHit{}}
		if *all {
			out.Page = 1
		}
		for _, h := range hits {
			out.Hits = append(out.Hits, toSearchHit(h))
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	case *asCSV:
		w := csv.NewWriter(stdout)
		_ = w.Write([]string{"id", "published", "date_source", "date_reliable", "kind", "source", "lang", "title", "url", "categories", "actors"})
		for _, h := range hits {
			sh := toSearchHit(h)
			_ = w.Write(web.CSVRow(strconv.FormatInt(sh.ID, 10), sh.Published, sh.DateSource, strconv.FormatBool(sh.DateReliable),
				sh.Kind, sh.Source, sh.Lang, sh.Title, sh.URL, web.CSVList(sh.Categories), web.CSVList(sh.Actors)))
		}
		w.Flush()
		return w.Error()
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "ID\tPUBLISHED\tKIND\tSOURCE\tTITLE\n")
	for _, h := range hits {
		sh := toSearchHit(h)
		published := sh.Published
		if published == "" {
			published = "(no date)"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", sh.ID, published, sh.Kind, sh.Source, truncate(oneLine(sh.Title), 70))
	}
	tw.Flush()
	fmt.Fprintf(stdout, "%d matching documents", total)
	if undated > 0 {
		fmt.Fprintf(stdout, " (%d without a reliable publication date)", undated)
	}
	switch {
	case *all || total == 0:
	case pg > pages:
		fmt.Fprintf(stdout, "; page %d is past the last page (%d)", pg, pages)
	case pages > 1 && pg < pages:
		fmt.Fprintf(stdout, ", page %d of %d (--page %d shows the next)", pg, pages, pg+1)
	case pages > 1:
		fmt.Fprintf(stdout, ", page %d of %d", pg, pages)
	}
	fmt.Fprintln(stdout)
	return nil
}

// savedSearchCommand lists, deletes or saves a saved search. Saved
// searches live in the store: no index is needed.
func savedSearchCommand(ctx context.Context, at place, list bool, del int64, name, webhook string, allowPrivate bool, params string, stdout io.Writer) (err error) {
	open := openStoreAt
	if list {
		open = openReaderAt // readonly.go, db.go
	}
	a, err := open(ctx, at, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	defer closeApp(a, &err)
	switch {
	case list:
		return printSavedSearches(ctx, a.db, stdout)
	case del != 0:
		if err := a.db.DeleteSavedSearch(ctx, del); err != nil {
			return fmt.Errorf("delete saved search %d: %w", del, err)
		}
		fmt.Fprintf(stdout, "deleted saved search %d\n", del)
		return nil
	}
	if webhook != "" {
		if err := checkWebhook(ctx, webhook, allowPrivate); err != nil { // app.go
			return usageError{fmt.Sprintf("search: --webhook: %v", err)}
		}
	}
	s := &store.SavedSearch{Name: name, Params: params, Webhook: webhook}
	if err := a.db.SaveSearch(ctx, s); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "saved search %d %q: %s\n", s.ID, s.Name, s.Params)
	fmt.Fprintf(stdout, "feed: /feeds/search.atom?%s\n", s.Params)
	return nil
}

// runQuery runs a search on the data directory's index: in this process
// when no server holds the index (taking in the change log first, so the
// search sees every stored document), else through the server, which
// expands queries with its own topic's glossary. all asks for every
// match, newest first.
func runQuery(ctx context.Context, at place, tax *tagging.Taxonomy, req index.Request, all bool) (hits []index.Hit, total, undated uint64, err error) {
	a, err := openReaderAt(ctx, at, slog.New(slog.DiscardHandler)) // readonly.go, db.go
	if err != nil {
		return nil, 0, 0, err
	}
	defer closeApp(a, &err)
	if a.readOnly {
		err = a.readIndex(ctx, os.Stderr)
	} else {
		// Waiting for another process to release the index is said on stderr.
		err = a.own(ctx, ingest.OwnOptions{Role: "search", Wait: indexWait, Logger: stderrLogger()})
	}
	var se *ingest.ServedError
	if errors.As(err, &se) {
		c := newControlClient(se.Holder)
		if all {
			err = c.call(ctx, "/each", req, &hits)
			return hits, uint64(len(hits)), 0, err
		}
		var res index.Result
		err = c.call(ctx, "/search", req, &res)
		return res.Hits, res.Total, res.Undated, err
	}
	if err != nil {
		return nil, 0, 0, err
	}
	a.ix.SetGlossary(tax.Glossary())
	if all {
		err = a.ix.Each(ctx, req, func(h index.Hit) error { hits = append(hits, h); return nil })
		return hits, uint64(len(hits)), 0, err
	}
	res, err := a.ix.Search(ctx, req)
	if err != nil {
		return nil, 0, 0, err
	}
	return res.Hits, res.Total, res.Undated, nil
}

// checkSources refuses a --source, or a source: in the query, that names
// no source of the archive (configured, or holding documents), listing
// those it has, as the web UI and the API do: a mistyped source would
// otherwise find nothing and look like an answer.
func checkSources(ctx context.Context, at place, cmd string, sources []string, q string) error {
	n, err := query.Parse(q)
	if err != nil {
		return queryError(q, err)
	}
	if len(sources) == 0 && !strings.Contains(q, ":") {
		return nil
	}
	db, err := openStoreReaderAt(ctx, at) // readonly.go, db.go
	if err != nil {
		return err
	}
	defer db.Close()
	if err := query.CheckSources(ctx, db, sources); err != nil {
		var ue *query.UnknownValueError
		if errors.As(err, &ue) {
			return usageError{fmt.Sprintf("%s: --source %q is not a source of this archive; valid: %s", cmd, ue.Value, ue.ValidList())}
		}
		return err
	}
	if err := query.CheckQuerySources(ctx, db, n); err != nil {
		return queryError(q, err)
	}
	return nil
}

// stderrLogger logs to stderr, for commands whose stdout is their answer.
func stderrLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

// queryError shows a syntax error under the query, caret at the spot.
func queryError(q string, err error) error {
	var ue *query.UnknownValueError
	if errors.As(err, &ue) {
		pos := min(max(ue.Pos, 0), len(q))
		return fmt.Errorf("query: there is no %s %q (character %d)\n  %s\n  %s^\nvalid %s values (id or label, any case): %s",
			ue.Field, ue.Value, utf8.RuneCountInString(q[:pos])+1, q, strings.Repeat(" ", utf8.RuneCountInString(q[:pos])), ue.Field, ue.ValidList())
	}
	var se *query.SyntaxError
	if !errors.As(err, &se) {
		return fmt.Errorf("search %q: %w", q, err)
	}
	pos := min(max(se.Pos, 0), len(q))
	return fmt.Errorf("query syntax error at character %d: %s\n  %s\n  %s^",
		utf8.RuneCountInString(q[:pos])+1, se.Msg, q, strings.Repeat(" ", utf8.RuneCountInString(q[:pos])))
}

// maxSearchHits is how deep paging goes, as in the web UI and the API
// (500 pages of 20): past it the index would rank every hit before the
// page for each one.
const maxSearchHits = 500 * index.DefaultPerPage

func cliDate(flag, s string, endOfDay bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, usageError{fmt.Sprintf("search: --%s %q is not a date (YYYY-MM-DD)", flag, s)}
	}
	if endOfDay {
		t = t.Add(24*time.Hour - time.Nanosecond)
	}
	return t, nil
}

// searchParams writes a search as the URL parameters the web UI reads, so
// a saved search opens as the same search in the browser and its feed.
func searchParams(r index.Request, from, to string) string {
	v := url.Values{}
	if r.Query != "" {
		v.Set("q", r.Query)
	}
	for name, vals := range map[string][]string{"category": r.Categories, "actor": r.Actors, "source": r.Sources, "kind": r.Kinds, "lang": r.Langs} {
		for _, x := range vals {
			v.Add(name, x)
		}
	}
	if from != "" {
		v.Set("from", from)
	}
	if to != "" {
		v.Set("to", to)
	}
	return v.Encode()
}

func printSavedSearches(ctx context.Context, db *store.DB, w io.Writer) error {
	list, err := db.SavedSearches(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "ID\tNAME\tSEARCH\tWEBHOOK\tCHECKED\n")
	for _, s := range list {
		hook := "-"
		if s.Webhook != "" {
			hook = "yes"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", s.ID, s.Name, s.Params, hook, s.CheckedAt.UTC().Format(time.DateTime))
	}
	return tw.Flush()
}

// oneLine fits crawled text on one table row. Control characters go:
// printed raw, an ESC or CSI from a hostile title would be a command to
// the user's terminal (clear the screen, disguise a link).
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && !unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
