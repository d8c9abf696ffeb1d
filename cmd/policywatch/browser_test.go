package main

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/mmcdole/gofeed"

	"policywatch/model"
	"policywatch/store"
)

// The browser tests drive the real app over the crawled demo in headless
// Chromium. They fail on any JavaScript exception or console error the
// pages produce, so a CSP violation (an inline style or script we shipped
// by mistake) fails them too.
//
// POLICYWATCH_SCREENSHOT=1 copies the timeline's screenshot to
// docs/timeline.png, the picture the README shows.

// chromiumPath finds a Chromium or Chrome binary; POLICYWATCH_CHROMIUM
// names one explicitly.
func chromiumPath() string {
	if p := os.Getenv("POLICYWATCH_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// browser is one headless Chromium with a fresh profile, and the console
// messages of its tab.
type browser struct {
	ctx context.Context
	mu  sync.Mutex
	// problems are exceptions and console errors not yet checked.
	problems []string
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		t.Skip("browser tests skipped: no chromium binary found (install Debian's chromium or set POLICYWATCH_CHROMIUM)")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1000),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancelTime := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(func() { cancelTime(); cancelTab(); cancelAlloc() })

	b := &browser{ctx: ctx}
	msgs := chromedp.Console(ctx)
	if err := chromedp.Do(ctx); err != nil { // start the browser
		t.Fatalf("start chromium %s: %v", path, err)
	}
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			// Browsers ask every site for /favicon.ico; the app has none, and
			// that 404 is not a fault of the page under test.
			if strings.HasSuffix(m.URL, "/favicon.ico") {
				continue
			}
			if m.IsException() || m.Type == chromedp.ConsoleError {
				b.mu.Lock()
				b.problems = append(b.problems, fmt.Sprintf("%s (%s)", m.String(), m.URL))
				b.mu.Unlock()
			}
		}
	}()
	return b
}

// do runs actions, then fails the test on any error the page reported.
func (b *browser) do(t *testing.T, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	b.check(t, what)
}

// check fails the test with the page errors seen so far. Messages come
// in asynchronously, so it waits a moment for stragglers.
func (b *browser) check(t *testing.T, what string) {
	t.Helper()
	time.Sleep(150 * time.Millisecond)
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, p := range b.problems {
		t.Errorf("%s: page error: %s", what, p)
	}
	b.problems = nil
}

// discard forgets page errors, for pages that are expected to refuse
// things (a sandboxed archived copy reports each script it blocks).
func (b *browser) discard() {
	time.Sleep(150 * time.Millisecond)
	b.mu.Lock()
	b.problems = nil
	b.mu.Unlock()
}

func eval[T any](t *testing.T, b *browser, js string) T {
	t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

func TestBrowserTimeline(t *testing.T) {
	d := crawlDemo(t)
	b := newBrowser(t)
	ts := d.serveUI(t)
	tax, err := defaultTaxonomy()
	if err != nil {
		t.Fatal(err)
	}

	// The timeline: one lane per category of the taxonomy, events listed.
	b.do(t, "load the timeline",
		chromedp.Navigate(ts.URL+"/timeline"),
		chromedp.WaitVisible(chromedp.CSS(".lanes")),
	)
	lanes := eval[int](t, b, `document.querySelectorAll("section.lane").length`)
	if want := len(tax.Lanes()); lanes < want {
		t.Errorf("%d lanes, want the taxonomy's %d", lanes, want)
	}
	// Every announcement is in a lane's list once, as a card on the axis
	// or in the count of a crowded point (the API lists an event per
	// category of one).
	var api struct {
		Events []struct {
			ID           int64  `json:"id"`
			Announcement string `json:"announcement"`
		} `json:"events"`
	}
	getJSON(t, ts.URL+"/api/timeline?per_page=500", &api)
	announcements := map[string]bool{}
	for _, e := range api.Events {
		announcements[e.Announcement] = true
	}
	events := eval[int](t, b, `document.querySelectorAll("section.lane li.event").length`)
	if events == 0 || events != len(announcements) {
		t.Fatalf("the timeline lists %d events, the API %d announcements", events, len(announcements))
	}
	checkAxis(t, b, "years")

	// Keyboard: tabbing to a card shows all of it (title and details),
	// above its neighbours; tabbing to a count lists its events.
	b.do(t, "focus a card", chromedp.Focus(chromedp.CSS(`ol.events > li.event > a`)))
	card := eval[map[string]any](t, b, `(() => { const li = document.activeElement.closest("li"), m = li.querySelector(".meta"), t = li.querySelector(".title");
		return {meta: m.getBoundingClientRect().width, clipped: t.scrollHeight > t.clientHeight + 1, z: getComputedStyle(li).zIndex} })()`)
	if card["meta"].(float64) < 50 || card["clipped"].(bool) || card["z"] == "auto" {
		t.Errorf("a focused card does not show itself whole: %v", card)
	}
	if eval[int](t, b, `document.querySelectorAll("li.cluster").length`) > 0 {
		b.do(t, "focus a count", chromedp.Focus(chromedp.CSS(`li.cluster > a.more`)))
		listed := eval[float64](t, b, `document.activeElement.parentElement.querySelector(".clustered").getBoundingClientRect().width`)
		if listed < 150 {
			t.Errorf("a focused count does not list its events (list %.0f px wide)", listed)
		}
	}
	if !eval[bool](t, b, `(() => { const l = document.querySelector(".legend"); return !!l && l.getBoundingClientRect().height > 0 && /news reports only/i.test(l.textContent) })()`) {
		t.Error("no visible key explaining the news-only shading")
	}

	// The README's picture: the busiest year by month, as a reader's
	// first screen shows it.
	b.do(t, "zoom to months",
		chromedp.Click(chromedp.Search(`//nav[@aria-label="Zoom"]//a[text()="Months"]`)),
		chromedp.WaitVisible(chromedp.Search(`//nav[@aria-label="Zoom"]//a[@aria-current and text()="Months"]`)),
	)
	// A tall window, so the picture shows most lanes, not just the form.
	b.do(t, "tall window", chromedp.EmulateViewport(1280, 1800))
	shot, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	saveScreenshot(t, shot)
	checkAxis(t, b, "months")
	b.do(t, "desktop window", chromedp.EmulateViewport(1280, 1000))

	// Filter by category with the form: the URL carries the filter and
	// only the extradition lane keeps events.
	b.do(t, "filter the timeline",
		chromedp.Navigate(ts.URL+"/timeline"),
		chromedp.WaitVisible(chromedp.ID("t-category")),
		chromedp.SetValue(chromedp.ID("t-category"), "extradition"),
		chromedp.Click(chromedp.CSS(`form.timeline-filter button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#lane-extradition`)),
	)
	loc, _ := chromedp.Run(b.ctx, chromedp.Location())
	if !strings.Contains(loc, "category=extradition") {
		t.Errorf("filter not in the URL: %s", loc)
	}
	counts := eval[map[string]int](t, b, `Object.fromEntries([...document.querySelectorAll("section.lane")].map(s => [s.querySelector("h2").id, s.querySelectorAll("li.event").length]))`)
	if counts["lane-extradition"] == 0 {
		t.Errorf("no extradition events after filtering: %v", counts)
	}
	for lane, n := range counts {
		if lane != "lane-extradition" {
			t.Errorf("lane %s (%d events) shown under an extradition filter: empty lanes are left out", lane, n)
		}
	}

	// Zoom to days in the busiest month: the axis labels days.
	b.do(t, "zoom to days",
		chromedp.Click(chromedp.Search(`//nav[@aria-label="Zoom"]//a[text()="Days"]`)),
		chromedp.WaitVisible(chromedp.CSS(`nav.zoom a[aria-current]`)),
	)
	if cur := eval[string](t, b, `document.querySelector("nav.zoom a[aria-current]").textContent`); cur != "Days" {
		t.Errorf("zoom is %q after choosing days", cur)
	}
	checkAxis(t, b, "days")

	// Open an event: its evidence lists official sources before news.
	b.do(t, "open an event",
		chromedp.Click(chromedp.CSS(`section.lane li.event a`)),
		chromedp.WaitVisible(chromedp.ID("evidence-heading")),
	)
	loc, _ = chromedp.Run(b.ctx, chromedp.Location())
	if !strings.Contains(loc, "/events/") {
		t.Fatalf("event link led to %s", loc)
	}
	kinds := eval[[]string](t, b, `[...document.querySelectorAll("ol.evidence > li")].map(li => li.className)`)
	seenNews := false
	for _, k := range kinds {
		if strings.Contains(k, "kind-news") {
			seenNews = true
		} else if seenNews {
			t.Errorf("official evidence after news: %v", kinds)
			break
		}
	}
	if len(kinds) == 0 {
		t.Error("event page lists no evidence")
	}

	// The reaction matrix and a phone-width timeline.
	b.do(t, "reaction matrix",
		chromedp.Navigate(ts.URL+"/timeline/matrix"),
		chromedp.WaitVisible(chromedp.CSS("table.matrix")),
	)
	if n := eval[int](t, b, `document.querySelectorAll("table.matrix td.hit").length`); n == 0 {
		t.Error("the reaction matrix has no filled cell")
	}
	// Matrix cells name the event, not only its date.
	if n := eval[int](t, b, `[...document.querySelectorAll("table.matrix td.hit a.title")].filter(a => a.textContent.trim().length > 10 && a.getBoundingClientRect().height > 0).length`); n == 0 {
		t.Error("matrix cells show no event titles")
	}
	// On a phone no page scrolls sideways (tables scroll inside their box).
	for _, page := range []string{ts.URL + "/timeline", ts.URL + "/timeline/matrix", loc} {
		b.do(t, "phone width "+page,
			chromedp.EmulateViewport(390, 800),
			chromedp.Navigate(page),
			chromedp.WaitVisible(chromedp.CSS("main h1")),
		)
		if over := eval[bool](t, b, `document.documentElement.scrollWidth > document.documentElement.clientWidth + 1`); over {
			t.Errorf("%s scrolls sideways at phone width", page)
		}
	}
	// At 390 px the timeline is the plain list: every event full width,
	// one under the other in date order, nothing hidden behind a count.
	b.do(t, "phone timeline", chromedp.EmulateViewport(390, 800), chromedp.Navigate(ts.URL+"/timeline"), chromedp.WaitVisible(chromedp.CSS(".lanes")))
	phone := eval[map[string]any](t, b, `(() => {
		let bad = [], prev = null, shown = 0;
		for (const lane of document.querySelectorAll("section.lane")) {
			prev = null;
			for (const li of lane.querySelectorAll("li.event")) {
				const r = li.getBoundingClientRect(), d = li.querySelector("time").getAttribute("datetime");
				if (r.width < 250 || r.height < 20) bad.push("narrow or hidden " + d + " " + r.width + "x" + r.height);
				if (prev && (r.top < prev.bottom - 1 || d < prev.d)) bad.push("out of order or overlapping at " + d);
				prev = {bottom: r.bottom, d: d}; shown++;
			}
		}
		return {bad: bad, shown: shown};
	})()`)
	if bad := phone["bad"].([]any); len(bad) > 0 {
		t.Errorf("phone timeline: %v", bad)
	}
	if int(phone["shown"].(float64)) != events {
		t.Errorf("phone timeline shows %v events, want %d", phone["shown"], events)
	}
	b.do(t, "desktop again", chromedp.EmulateViewport(1280, 1000))

	curate(t, b, d, ts.URL, loc)
}

// checkAxis checks the cards on the desktop axis: inside their lane, no
// two overlapping, and placed by date (a card's dated edge moves right as
// dates get later).
func checkAxis(t *testing.T, b *browser, view string) {
	t.Helper()
	bad := eval[[]string](t, b, `(() => {
		const bad = [];
		if (!document.querySelector("ol.events > li.event")) bad.push("no cards on the axis");
		for (const lane of document.querySelectorAll("section.lane")) {
			const track = lane.querySelector("ol.events");
			if (!track) continue;
			const tr = track.getBoundingClientRect();
			const cards = [...track.children].filter(li => li.classList.contains("event")).map(li => {
				const r = li.getBoundingClientRect();
				return {r: r, d: li.querySelector("time").getAttribute("datetime"), x: li.classList.contains("flip") ? r.right : r.left};
			});
			for (let i = 0; i < cards.length; i++) {
				const a = cards[i];
				if (a.r.left < tr.left - 1 || a.r.right > tr.right + 1) bad.push(lane.id + ": " + a.d + " outside the axis");
				for (let j = i + 1; j < cards.length; j++) {
					const c = cards[j];
					if (a.r.left < c.r.right - 1 && c.r.left < a.r.right - 1 && a.r.top < c.r.bottom - 1 && c.r.top < a.r.bottom - 1)
						bad.push(lane.querySelector("h2").id + ": " + a.d + " overlaps " + c.d);
					if (c.d > a.d && c.x < a.x - tr.width * 0.011) bad.push(lane.querySelector("h2").id + ": " + c.d + " left of " + a.d);
				}
			}
		}
		return bad;
	})()`)
	for _, p := range bad {
		t.Errorf("%s view: %s", view, p)
	}
}

// curate signs in as an editor and retitles the event at eventURL, when
// this build has sign-in and curation; it says so when not.
func curate(t *testing.T, b *browser, d *demoRun, base, eventURL string) {
	t.Helper()
	res, err := http.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode == http.StatusNotFound {
		t.Log("no /login in this build: sign-in and curation not exercised")
		return
	}
	name, password := fmt.Sprintf("browser%d", time.Now().UnixNano()%1e6), "correct horse battery staple"
	if _, err := d.app.db.AddUser(context.Background(), name, store.RoleEditor, password); err != nil {
		t.Fatalf("add editor: %v", err)
	}
	b.do(t, "open the sign-in page",
		chromedp.Navigate(base+"/login"),
		chromedp.WaitReady(chromedp.CSS("main h1")),
	)
	if eval[int](t, b, `document.querySelectorAll("#login-name").length`) == 0 {
		t.Log("sign-in is not enabled in this build: curation not exercised")
		return
	}
	b.do(t, "sign in",
		chromedp.SendKeys(chromedp.ID("login-name"), name),
		chromedp.SendKeys(chromedp.ID("login-password"), password),
		chromedp.Submit(chromedp.CSS("form.login")),
		// Signing in leads to the timeline; waiting for it (not for the form
		// to go) lets the POST and its redirect finish before we move on.
		chromedp.WaitVisible(chromedp.CSS(".lanes")),
	)
	if who := eval[string](t, b, `(document.querySelector("header.site nav.account .who") || {textContent: ""}).textContent`); !strings.Contains(who, name) {
		t.Errorf("signed in, the header says %q, want the editor's name", who)
	}
	b.do(t, "open the event signed in",
		chromedp.Navigate(eventURL),
		chromedp.WaitReady(chromedp.CSS("main h1")),
	)
	if eval[int](t, b, `document.querySelectorAll("#evidence-heading").length`) == 0 {
		text := eval[string](t, b, `document.querySelector("main").innerText`)
		t.Fatalf("the event page signed in shows no evidence:\n%.600s", text)
	}
	if eval[int](t, b, `document.querySelectorAll("form input[name=title]").length`) == 0 {
		t.Log("the event page has no retitle form in this build: curation not exercised")
		return
	}
	title := "Retitled in the browser test " + name
	b.do(t, "retitle the event",
		chromedp.SetValue(chromedp.CSS(`form input[name=title]`), title),
		chromedp.Submit(chromedp.CSS(`form input[name=title]`)),
		chromedp.WaitVisible(chromedp.Search(`//h1[contains(., "`+title+`")]`)),
	)
	t.Logf("signed in as %s and retitled %s", name, eventURL)

	// Subscribers see the change: the event comes first in the Atom feed,
	// under its new title.
	feed, err := gofeed.NewParser().ParseURL(base + "/feeds/events.atom")
	if err != nil {
		t.Fatalf("read the events feed: %v", err)
	}
	if len(feed.Items) == 0 || !strings.Contains(feed.Items[0].Title, title) || feed.Items[0].Link != eventURL {
		first := "none"
		if len(feed.Items) > 0 {
			first = feed.Items[0].Title + " " + feed.Items[0].Link
		}
		t.Errorf("after the retitle the feed's first entry is %s, want %q at %s", first, title, eventURL)
	}
}

// saveScreenshot keeps the timeline's picture in the test's directory and,
// when POLICYWATCH_SCREENSHOT is set, in docs/timeline.png.
func saveScreenshot(t *testing.T, shot []byte) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("screenshot is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() < 800 || b.Dy() < 400 {
		t.Errorf("screenshot is %v, too small to show the timeline", b)
	}
	if err := os.WriteFile(filepath.Join(t.TempDir(), "timeline.png"), shot, 0o644); err != nil {
		t.Fatal(err)
	}
	if os.Getenv("POLICYWATCH_SCREENSHOT") == "" {
		return
	}
	dst := filepath.Join("..", "..", "docs", "timeline.png")
	if err := os.WriteFile(dst, shot, 0o644); err != nil {
		t.Fatalf("save screenshot: %v", err)
	}
	t.Logf("screenshot saved to %s", dst)
}

// TestBrowserArchivedPagesAreInert loads archived copies in Chromium: a
// crawled demo page that carries scripts, and a hostile page whose
// script, event handler and javascript: link would each set a global.
// None may run.
func TestBrowserArchivedPagesAreInert(t *testing.T) {
	d := crawlDemo(t)
	b := newBrowser(t)
	ctx := context.Background()

	// A separate app holds the hostile page, so the demo's store keeps
	// only what the demo web serves.
	a, err := openApp(ctx, t.TempDir(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	hostile := `<!doctype html><html><head><title>Hostile</title>
<script>window.pwScript = 1</script></head>
<body onload="window.pwOnload = 1"><h1>Statement</h1>
<p>Visa restrictions <img id="broken" src="/nope.png" onerror="window.pwOnerror = 1"></p>
<a id="jslink" href="javascript:window.pwJSLink = 1">read more</a>
<svg><script>window.pwSVG = 1</script></svg>
</body></html>`
	fetched := time.Date(2020, 7, 2, 10, 0, 0, 0, time.UTC)
	doc := &model.Document{URL: "https://hostile.example/statement", Source: "hostile", Kind: model.KindOfficial,
		Title: "Hostile", Lang: "en", Text: "Statement", Published: fetched, DateSource: model.DateFromMeta,
		FetchedAt: fetched, ContentHash: "hostile"}
	capture := &model.Capture{FetchedAt: fetched, RequestURL: doc.URL, FinalURL: doc.URL, Status: 200,
		Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}}, Body: []byte(hostile),
		BodySHA256: "hostile", ContentHash: "hostile"}
	if _, err := a.db.SaveCapture(ctx, doc, capture); err != nil {
		t.Fatal(err)
	}
	tax, err := defaultTaxonomy()
	if err != nil {
		t.Fatal(err)
	}
	hostileSrv, err := a.newWeb(tax)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(hostileSrv.Handler())
	defer hs.Close()
	caps, err := a.db.Captures(ctx, doc.ID)
	if err != nil || len(caps) != 1 {
		t.Fatalf("captures: %v %v", caps, err)
	}
	for _, path := range []string{
		fmt.Sprintf("/documents/%d/captures/%d", doc.ID, caps[0].ID),
		fmt.Sprintf("/documents/%d/captures/%d/raw", doc.ID, caps[0].ID),
	} {
		if err := chromedp.Do(b.ctx, chromedp.Navigate(hs.URL+path), chromedp.WaitReady(chromedp.CSS("body"))); err != nil {
			t.Fatalf("load %s: %v", path, err)
		}
		// Following the javascript: link must do nothing either.
		eval[bool](t, b, `(document.getElementById("jslink") || {click() {}}).click(), true`)
		time.Sleep(200 * time.Millisecond)
		ran := eval[[]string](t, b, `["pwScript","pwOnload","pwOnerror","pwJSLink","pwSVG"].filter(k => typeof window[k] !== "undefined")`)
		if len(ran) > 0 {
			t.Errorf("%s: crawled script ran in the browser: %v", path, ran)
		}
		b.discard()
	}

	// A real demo capture that carries <script> elements.
	for _, pt := range d.truth {
		doc, ok := d.stored(t, pt)
		if !ok {
			continue
		}
		caps, err := d.app.db.Captures(ctx, doc.ID)
		if err != nil || len(caps) == 0 {
			continue
		}
		full, err := d.app.db.Capture(ctx, caps[0].ID)
		if err != nil || !bytes.Contains(bytes.ToLower(full.Body), []byte("<script")) {
			continue
		}
		ts := d.serveUI(t)
		if err := chromedp.Do(b.ctx, chromedp.Navigate(fmt.Sprintf("%s/documents/%d/captures/%d", ts.URL, doc.ID, caps[0].ID)),
			chromedp.WaitReady(chromedp.CSS("body"))); err != nil {
			t.Fatal(err)
		}
		live := eval[int](t, b, `document.scripts.length + document.querySelectorAll("[onload],[onerror],[onclick],a[href^='javascript:' i]").length`)
		if live > 0 {
			t.Errorf("archived copy of %s keeps %d scripts, handlers or javascript: links", doc.URL, live)
		}
		b.discard()
		return
	}
	t.Error("no demo capture carries a <script> to check")
}

// TestBrowserSearchLayout: on a desktop the facets sit beside the
// results; on a 390 px phone the results come first and the facets open
// behind a button.
func TestBrowserSearchLayout(t *testing.T) {
	d := crawlDemo(t)
	b := newBrowser(t)
	ts := d.serveUI(t)
	target := ts.URL + "/?q=sanctions&category=Sanctions"

	b.do(t, "desktop search", chromedp.EmulateViewport(1280, 1000), chromedp.Navigate(target), chromedp.WaitVisible(chromedp.CSS("ol.hits")))
	if !eval[bool](t, b, `(() => { const f = document.querySelector("aside.facets").getBoundingClientRect(), h = document.querySelector("li.hit").getBoundingClientRect(); return f.width > 100 && f.left > h.right - 1 && f.top < 600 })()`) {
		t.Error("desktop: the facets are not beside the results")
	}

	b.do(t, "phone search", chromedp.EmulateViewport(390, 800), chromedp.Navigate(target), chromedp.WaitVisible(chromedp.CSS("ol.hits")))
	top := eval[float64](t, b, `document.querySelector("li.hit").getBoundingClientRect().top + window.scrollY`)
	if top > 650 {
		t.Errorf("phone: the first result starts %.0f px down, want the results first", top)
	}
	if eval[bool](t, b, `document.querySelector("aside.facets").getBoundingClientRect().height > 0`) {
		t.Error("phone: the facets show before anyone asked for them")
	}
	if over := eval[bool](t, b, `document.documentElement.scrollWidth > document.documentElement.clientWidth + 1`); over {
		t.Error("phone: the search page scrolls sideways")
	}
	b.do(t, "open the facets", chromedp.Click(chromedp.CSS(`.refine-open a`)), chromedp.WaitVisible(chromedp.CSS(`aside.facets`)))
	b.do(t, "choose a facet",
		chromedp.Click(chromedp.Search(`//aside[@id="refine"]//section[h3="Kind"]//a[text()="official"]`)),
		chromedp.WaitVisible(chromedp.CSS("ol.hits")),
	)
	loc, _ := chromedp.Run(b.ctx, chromedp.Location())
	if !strings.Contains(loc, "kind=official") {
		t.Errorf("phone: the facet led to %s", loc)
	}
	if eval[bool](t, b, `document.querySelector("aside.facets").getBoundingClientRect().height > 0`) {
		t.Error("phone: the facets stay open over the new results")
	}
	b.do(t, "desktop again", chromedp.EmulateViewport(1280, 1000))
}
