package extract

import (
	"strings"
	"testing"
)

// Tests for defect classes found on pages nobody here tuned on (issue
// #16). Every page is our own writing, built the way real pages are; each
// test failed before the rule it covers was fixed.

// extractPage runs Extract and fails the test on error.
func extractPage(t *testing.T, page, pageURL string) *Result {
	t.Helper()
	r, err := Extract([]byte(page), pageURL)
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	return r
}

func wantText(t *testing.T, r *Result, keep, drop []string) {
	t.Helper()
	for _, s := range keep {
		if !strings.Contains(r.Text, s) {
			t.Errorf("text lost %q:\n%s", s, r.Text)
		}
	}
	for _, s := range drop {
		if strings.Contains(r.Text, s) {
			t.Errorf("text keeps %q:\n%s", s, r.Text)
		}
	}
}

// fillerFR and fillerDE are body paragraphs that make a page long enough
// to read as an article.
const fillerFR = `<p>Le texte prévoit un relèvement progressif de l'âge légal de départ, étalé sur huit ans, ainsi qu'une hausse de la durée de cotisation pour les générations nées après 1965.</p>
<p>Les syndicats ont annoncé une nouvelle journée de mobilisation pour la semaine prochaine et demandent au gouvernement de retirer les articles les plus contestés du projet.</p>
<p>Le Sénat doit examiner le texte en seconde lecture au début du mois prochain, avant une éventuelle commission mixte paritaire chargée de trouver un compromis entre les deux chambres.</p>`

const fillerDE = `<p>Der Entwurf sieht vor, dass Kommunen künftig selbst über die Höhe der Abgabe entscheiden dürfen, solange sie die Einnahmen für den Ausbau des Nahverkehrs verwenden.</p>
<p>Die Opposition kündigte an, das Gesetz vom Verfassungsgericht prüfen zu lassen, sobald es im Bundesgesetzblatt verkündet ist, und verwies auf ein Gutachten des Wissenschaftlichen Dienstes.</p>
<p>Im Bundesrat wird mit einer knappen Mehrheit gerechnet, weil zwei Länder ihre Zustimmung an Änderungen bei der Finanzierung der Busverbindungen im ländlichen Raum geknüpft haben.</p>`

// Two guillemets in a line are quotation marks in French, Spanish and
// German, not the separators of a breadcrumb trail.
func TestGuillemetsAreQuotesNotBreadcrumbs(t *testing.T) {
	fr := `<!doctype html><html lang="fr"><head>
<title>La ministre prévient : « Pas question »</title>
<meta property="og:site_name" content="Le Quotidien du Sud">
</head><body>
<article>
<p class="ariane"><a href="/">Accueil</a> » <a href="/politique">Politique</a> » <a href="/politique/parlement">Parlement</a></p>
<h1>La ministre prévient : « Pas question »</h1>
<p>« C'est une journée historique », a déclaré la ministre devant les députés mardi soir, avant d'ajouter : « nous tiendrons nos engagements jusqu'au bout ».</p>
` + fillerFR + `
</article></body></html>`
	r := extractPage(t, fr, "")
	wantText(t, r, []string{"« C'est une journée historique »", "nous tiendrons nos engagements"}, []string{"Accueil"})
	if r.Title != "La ministre prévient : « Pas question »" {
		t.Errorf("title = %q, want the whole headline with its quotation", r.Title)
	}

	de := `<!doctype html><html lang="de"><head><title>Landtag beschließt Nahverkehrsabgabe</title></head><body>
<article><h1>Landtag beschließt Nahverkehrsabgabe</h1>
<p>»Wir werden dieses Gesetz nicht hinnehmen«, sagte die Fraktionsvorsitzende am Dienstag in Stuttgart. »Es greift in die Rechte der Kommunen ein.«</p>
` + fillerDE + `
</article></body></html>`
	r = extractPage(t, de, "")
	wantText(t, r, []string{"»Wir werden dieses Gesetz nicht hinnehmen«"}, nil)
}

// newsBody is the rest of an English news article.
const newsBody = `<p>The measure passed by 61 votes to 38 after a debate that ran past midnight, with three members of the governing coalition voting against their own leadership.</p>
<p>Under the bill, landlords will have to give tenants six months' notice before any increase and may raise rents only once in a twelve-month period, whatever the length of the lease.</p>
<p>Opposition members said the cap would discourage new building and promised to repeal it if they win the election due next spring, while tenant groups called it overdue.</p>`

// A CMS that copies the first paragraph into og:description does not make
// that paragraph a duplicate: it is the lead, and stays. A standfirst
// under the headline that repeats the description is the publisher's text
// too, and stays, once.
func TestLeadCopiedIntoDescriptionIsKept(t *testing.T) {
	lead := "The state assembly on Thursday approved a cap on annual rent increases, the first such limit in the region for more than forty years."
	page := `<!doctype html><html lang="en"><head><title>Assembly approves rent cap</title>
<meta property="og:description" content="` + lead + `">
<meta name="description" content="` + lead + `">
</head><body><article><h1>Assembly approves rent cap</h1>
<div class="story-body"><p>` + lead + `</p>
` + newsBody + `</div></article></body></html>`
	r := extractPage(t, page, "")
	wantText(t, r, []string{lead}, nil)

	dek := "Tenants win a limit on yearly increases after a long night of debate."
	page = `<!doctype html><html lang="en"><head><title>Assembly approves rent cap</title>
<meta property="og:description" content="` + dek + `">
</head><body><article><header><h1>Assembly approves rent cap</h1>
<h2 class="subtitle">` + dek + `</h2></header>
<div class="story-body"><p>` + lead + `</p>
` + newsBody + `</div></article></body></html>`
	r = extractPage(t, page, "")
	wantText(t, r, []string{dek + "\n" + lead}, nil)
	if n := strings.Count(r.Text, dek); n != 1 {
		t.Errorf("standfirst appears %d times:\n%s", n, r.Text)
	}
}

// A heading that a table of contents links to is a section heading of the
// article, not a link to other content: sections under such headings are
// text. The contents list itself is still left out.
func TestHeadingsInTableOfContentsKeepTheirSections(t *testing.T) {
	page := `<!doctype html><html lang="en"><head><title>What the new visa route means for families</title></head><body>
<article><h1>What the new visa route means for families</h1>
<p>The route opens at the end of January and lets holders of the overseas passport and their close family move for five years, after which they can apply to settle permanently and later for citizenship.</p>
<p>Officials expect between one and three hundred thousand people to apply in the first five years, although estimates made by independent researchers vary widely and depend on how the situation develops over the coming months.</p>
<p>Applicants must show that they can support themselves for six months, pay a health surcharge and prove that they have somewhere to live, and the fee for a five-year visa is several hundred pounds per person.</p>
<p>Lawyers advising families said the most common questions were about children born after 1997, elderly parents and whether time spent on the route would count towards settlement, which the guidance confirms it does.</p>
<p>Campaigners welcomed the scheme but asked for the same terms for young adults whose parents hold the passport, since they are not eligible on their own and would otherwise have to stay behind.</p>
<p>The guidance also explains how to prove a relationship, which documents are accepted when records are held abroad, and what happens when an applicant's passport expires while the application is pending.</p>
<nav class="toc"><ul>
<li><a href="#who">Who can apply</a></li>
<li><a href="#cost">How much it costs</a></li>
<li><a href="#work">Can holders work</a></li>
<li><a href="#next">What happens next</a></li>
</ul></nav>
<h2 id="who">Who can apply</h2>
<p>Passport holders, their spouses and their children under eighteen.</p>
<h2 id="cost">How much it costs</h2>
<p>The fee is lower for the shorter visa, but the surcharge applies to both.</p>
<h2 id="work">Can holders work</h2>
<p>Yes, in any job, and they can study without a separate visa.</p>
<h2 id="next">What happens next</h2>
<p>After five years they may apply to settle, and a year later to naturalise.</p>
</article></body></html>`
	r := extractPage(t, page, "")
	wantText(t, r, []string{
		"Who can apply\nPassport holders, their spouses",
		"How much it costs\nThe fee is lower",
		"What happens next\nAfter five years",
	}, nil)
	if strings.Count(r.Text, "Who can apply") != 1 {
		t.Errorf("contents list kept in the text:\n%s", r.Text)
	}
}

// Soft hyphens are invisible break points, not part of words; entities in
// metadata are decoded whatever their name, and before author lists are
// split at ";" (which ends every entity).
func TestSoftHyphensAndEntities(t *testing.T) {
	page := `<!doctype html><html lang="es"><head>
<title>Caf&eacute;s del centro protestan por la nueva tasa</title>
<meta property="og:title" content="Caf&amp;eacute;s del centro protestan por la nueva tasa">
<script type="application/ld+json">{"@type":"NewsArticle","headline":"Caf&eacute;s del centro protestan por la nueva tasa",
"author":[{"@type":"Person","name":"Redacci&oacute;n"},{"@type":"Person","name":"Luc&iacute;a Ib&aacute;&ntilde;ez; Jos&eacute; Ruiz"}]}</script>
</head><body><article><h1>Cafés del centro protestan por la nueva tasa</h1>
<p>Los propietarios de los caf&eacute;s del casco hist&oacute;rico entregaron ayer en el Ayunta&shy;miento m&aacute;s de dos mil firmas contra la tasa por ocupaci&oacute;n de la v&iacute;a p&uacute;blica.</p>
<p>La concejala de Hacienda defendi&oacute; la medida y record&oacute; que la recauda&shy;ci&oacute;n se destinar&aacute; a la limpieza de las calles peatonales del centro durante todo el a&ntilde;o.</p>
<p>Los hosteleros anunciaron que cerrar&aacute;n sus terrazas durante una hora el pr&oacute;ximo viernes como protesta y no descartan recurrir la ordenanza ante los tribunales.</p>
</article></body></html>`
	r := extractPage(t, page, "")
	if r.Title != "Cafés del centro protestan por la nueva tasa" {
		t.Errorf("title = %q", r.Title)
	}
	if r.Byline != "Redacción, Lucía Ibáñez, José Ruiz" {
		t.Errorf("byline = %q, want \"Redacción, Lucía Ibáñez, José Ruiz\"", r.Byline)
	}
	if strings.ContainsRune(r.Text, '\u00ad') {
		t.Errorf("text keeps soft hyphens: %q", r.Text)
	}
	wantText(t, r, []string{"Ayuntamiento", "recaudación"}, nil)
}

// The page's own headline decides what is title: a short trailing part
// that the <h1> also has is part of the headline, and a site name written
// before a colon is not.
func TestTitleSegmentsCheckedAgainstHeadline(t *testing.T) {
	body := `<p>The ferry operator will run two fewer crossings a day from November, citing crew shortages and the cost of fuel, and says the change will be reviewed in the spring.</p>
<p>Commuters who rely on the early boat said they had not been consulted, and the harbour board asked the operator to publish the figures behind its decision.</p>
<p>The council's transport committee will discuss the timetable at its next meeting, where residents may put questions to the operator's managing director.</p>`
	page := `<!doctype html><html lang="en"><head><title>Winter ferry timetable - Part two</title></head><body>
<article><h1>Winter ferry timetable - Part two</h1>` + body + `</article></body></html>`
	if r := extractPage(t, page, ""); r.Title != "Winter ferry timetable - Part two" {
		t.Errorf("title = %q, want the whole headline the <h1> shows", r.Title)
	}
	for _, head := range []string{
		`<meta property="og:site_name" content="Harbour Gazette">`,
		`<link rel="canonical" href="https://www.harbourgazette.com/news/ferry-timetable">`,
	} {
		page = `<!doctype html><html lang="en"><head><title>Harbour Gazette: Operator cuts two winter ferry crossings</title>` + head + `</head><body>
<article><h1>Operator cuts two winter ferry crossings</h1>` + body + `</article></body></html>`
		if r := extractPage(t, page, ""); r.Title != "Operator cuts two winter ferry crossings" {
			t.Errorf("with %s: title = %q, want it without the site name", head, r.Title)
		}
	}
	// Only the site's whole name: a place that begins it is a headline's.
	page = `<!doctype html><html lang="en"><head><title>Harbour: Operator cuts two winter ferry crossings</title>
<meta property="og:site_name" content="Harbour Gazette"></head><body>
<article><h1>Harbour: Operator cuts two winter ferry crossings</h1>` + body + `</article></body></html>`
	if r := extractPage(t, page, ""); r.Title != "Harbour: Operator cuts two winter ferry crossings" {
		t.Errorf("title = %q, want the headline with its label", r.Title)
	}
}

// A JSON-LD author that is a login name is the CMS account, not the name
// readers see: the visible byline wins. With no other byline the login is
// still better than nothing.
func TestLoginNameLosesToVisibleByline(t *testing.T) {
	body := `<p>The water authority has lifted the boil notice for the eastern districts after three days of clean samples, but asks residents to run their taps for two minutes first.</p>
<p>Engineers traced the contamination to a damaged valve at the pumping station, which has been replaced, and the authority says it will review how quickly it warned households.</p>
<p>Schools in the area reopened on Wednesday, and the authority will publish the test results for each district on its website every day this week.</p>`
	ld := `<script type="application/ld+json">{"@type":"NewsArticle","headline":"Boil notice lifted","author":{"@type":"Person","name":"martina.kovac"}}</script>`
	page := `<!doctype html><html lang="en"><head><title>Boil notice lifted</title>` + ld + `</head><body>
<article><h1>Boil notice lifted</h1><p class="byline">By Martina Kovač</p>` + body + `</article></body></html>`
	if r := extractPage(t, page, ""); r.Byline != "Martina Kovač" {
		t.Errorf("byline = %q, want the visible \"Martina Kovač\"", r.Byline)
	}
	page = `<!doctype html><html lang="en"><head><title>Boil notice lifted</title>` + ld + `</head><body>
<article><h1>Boil notice lifted</h1>` + body + `</article></body></html>`
	if r := extractPage(t, page, ""); r.Byline != "martina.kovac" {
		t.Errorf("byline = %q, want the login when nothing else names the author", r.Byline)
	}
}

// A page re-saved years later may carry the re-save as datePublished; when
// the date in its address is the day the page shows readers, the
// address's day is the publication.
func TestURLDateBeatsResaveDatePublished(t *testing.T) {
	body := `<p>The ferry operator will run two fewer crossings a day from November, citing crew shortages and the cost of fuel, and says the change will be reviewed in the spring.</p>
<p>Commuters who rely on the early boat said they had not been consulted, and the harbour board asked the operator to publish the figures behind its decision.</p>
<p>The council's transport committee will discuss the timetable at its next meeting, where residents may put questions to the operator's managing director.</p>`
	const addr = "https://www.harbourgazette.com/2019/03/12/operator-cuts-ferry-crossings/"
	ld := `<script type="application/ld+json">{"@type":"NewsArticle","headline":"Operator cuts two winter ferry crossings","datePublished":"2022-06-01T10:15:00+00:00","dateModified":"2022-06-01T10:15:00+00:00"}</script>`
	for _, where := range []struct{ name, head, pageURL string }{
		{"canonical link", `<link rel="canonical" href="` + addr + `">`, ""},
		{"og:url", `<meta property="og:url" content="` + addr + `">`, ""},
		{"fetched address", ``, addr},
	} {
		for _, shown := range []string{`<p class="article-date">12 March 2019</p>`, `<time>March 12, 2019</time>`} {
			page := `<!doctype html><html lang="en"><head><title>Operator cuts two winter ferry crossings</title>` + where.head + ld + `</head><body>
<article><h1>Operator cuts two winter ferry crossings</h1>` + shown + body + `</article></body></html>`
			r := extractPage(t, page, where.pageURL)
			if got := FormatDate(r.Published); !strings.HasPrefix(got, "2019-03-12") {
				t.Errorf("%s, %s: published = %q (%s), want the address's 2019-03-12", where.name, shown, got, r.PublishedSource)
			}
		}
	}
	// Without a day shown to readers, the stated date stands.
	page := `<!doctype html><html lang="en"><head><title>Operator cuts two winter ferry crossings</title>` + ld + `</head><body>
<article><h1>Operator cuts two winter ferry crossings</h1>` + body + `</article></body></html>`
	if got := FormatDate(extractPage(t, page, addr).Published); !strings.HasPrefix(got, "2022-06-01") {
		t.Errorf("published = %q, want the stated 2022-06-01", got)
	}
}

// A government press release in Chinese is often two or three sentences:
// it must come out with its text, or the crawler drops it as empty.
func TestShortChinesePressRelease(t *testing.T) {
	pages := map[string]string{
		"traditional": `<!doctype html><html lang="zh-HK"><head><meta charset="utf-8"><title>運輸署公布中秋節特別交通安排</title></head><body>
<div id="header"><a href="/">首頁</a> <a href="/news">新聞公報</a> <a href="/contact">聯絡我們</a></div>
<div id="content"><h1>運輸署公布中秋節特別交通安排</h1>
<p>運輸署今日表示，為配合中秋節晚上的賞月活動，多條巴士路線將加密班次，部分渡輪航線亦會延長服務至凌晨。</p>
<p>署方呼籲市民盡量使用公共交通工具前往各個賞月地點，並留意電台及電視台廣播的最新交通消息。</p>
<p>2024年9月16日（星期一）</p></div>
<div id="footer">重要告示 | 私隱政策 | 2024 ©</div></body></html>`,
		"simplified": `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>市交通局发布国庆假期出行提示</title></head><body>
<div class="nav"><a href="/">首页</a> <a href="/xwfb">新闻发布</a></div>
<div class="article"><h1>市交通局发布国庆假期出行提示</h1>
<p>市交通局今天提醒，国庆假期前两天高速公路车流量预计明显增加，请驾驶人提前规划路线。</p>
<p>地铁各线路将延长运营时间，部分站点增设临时进出口。</p></div>
<div class="footer">版权所有</div></body></html>`,
		"article with a time stamp": `<!doctype html><html lang="zh-HK"><head><meta charset="utf-8"><title>運輸署公布中秋節特別交通安排</title></head><body>
<div id="header"><a href="/">首頁</a> <a href="/news">新聞公報</a> <a href="/contact">聯絡我們</a></div>
<article><h1>運輸署公布中秋節特別交通安排</h1>
<p>運輸署今日表示，為配合中秋節晚上的賞月活動，多條巴士路線將加密班次，部分渡輪航線亦會延長服務至凌晨。</p>
<p>署方呼籲市民盡量使用公共交通工具前往各個賞月地點，並留意電台及電視台廣播的最新交通消息。</p>
<p>2024年9月16日（星期一）<br>香港時間16:30</p></article>
<div id="footer">重要告示 | 私隱政策 | 2024 ©</div></body></html>`,
	}
	want := map[string][]string{
		"traditional":               {"多條巴士路線將加密班次", "留意電台及電視台廣播的最新交通消息"},
		"simplified":                {"请驾驶人提前规划路线", "部分站点增设临时进出口"},
		"article with a time stamp": {"多條巴士路線將加密班次", "留意電台及電視台廣播的最新交通消息"},
	}
	for name, page := range pages {
		for _, pageURL := range []string{"", "https://www.example.gov.mo/news/2024/09/16/release.html"} {
			r := extractPage(t, page, pageURL)
			// Neither the navigation nor the headline repeated in a dump
			// of the whole page.
			wantText(t, r, want[name], []string{"首頁", "首页", "版权所有", "私隱政策", "交通安排", "出行提示"})
		}
	}
}

// A paragraph between two links is text, not a teaser's blurb: review
// round-ups quote a paragraph and cite its source after it. A list of
// teasers (headline links with one-line blurbs) still goes.
func TestParagraphsBetweenSourceLinksKept(t *testing.T) {
	p := &page{anchors: map[string]bool{}, sectionHeads: map[string]bool{}}
	for _, a := range []string{"[The Ledger]", "[Screen Weekly]", "[Pocket Tech]", "Council votes on bridge", "Schools reopen early", "Rail strike called off"} {
		p.anchors[squash(a)] = true
	}
	intro := []string{
		"The tablet went on sale this morning, and the first reviews are in. Most praise the screen and the battery, while almost all of them question the price of the keyboard cover.",
		"It comes in two sizes and three colours, with the larger model gaining a second camera and a faster charger, and both run the same software as last year's model with a few additions.",
		"The company says the new chip is forty percent faster than its predecessor and uses less power, claims that reviewers mostly confirmed in their benchmarks, although the gains were smaller in games.",
		"Storage starts at 128 gigabytes, double last year's base model, and the price of the entry model is unchanged, while the top configuration with a mobile data connection costs almost twice as much.",
		"Several reviewers tested the tablet as a replacement for a laptop for a week, writing, editing photos and joining video calls, and their verdicts depend mostly on how much they type every day.",
	}
	quotes := []string{
		"The screen is the best we have seen on a tablet at this price, bright enough to read in direct sunlight and sharp enough that text looks printed, and the speakers are loud for a device this thin.",
		"[The Ledger]",
		"Battery life was the surprise of our testing: two full working days of documents, email and video calls before it asked for a charger, which is more than any laptop we reviewed this year managed.",
		"[Screen Weekly]",
		"The keyboard cover is the weak point, costing a third of the tablet's price while flexing under the lightest typing, and without it the tablet is a very good screen rather than a computer.",
		"[Pocket Tech]",
	}
	got := strings.Join(dropLinkRuns(append(append([]string(nil), intro...), quotes...), p), "\n")
	for _, want := range []string{"two full working days", "The keyboard cover is the weak point"} {
		if !strings.Contains(got, want) {
			t.Errorf("lost %q:\n%s", want, got)
		}
	}
	teasers := []string{"Council votes on bridge", "The vote is due on Monday.", "Schools reopen early", "Pupils return a week ahead of plan.", "Rail strike called off", "Talks will resume next month."}
	got = strings.Join(dropLinkRuns(append(append([]string(nil), intro...), teasers...), p), "\n")
	if strings.Contains(got, "Schools reopen early") {
		t.Errorf("teaser list kept:\n%s", got)
	}
}

// Readers' comments are never the article, however much longer than it
// they are: an open-thread post of one paragraph under a long discussion.
func TestShortPostAboveLongDiscussion(t *testing.T) {
	comment := func(name, text string) string {
		return `<li class="comment"><div class="comment-body"><div class="comment-author">` + name + `</div><div class="comment-content"><p>` + text + `</p><p>` + text + `</p></div></div></li>`
	}
	page := `<!doctype html><html lang="en"><head><title>Open thread: autumn</title></head><body>
<div class="site"><article class="post"><h1>Open thread: autumn</h1>
<div class="entry-content"><p>Once a season we open a thread for questions about our research, our grants or anything else on your mind; we read every comment and try to answer within a week, and you can also write to us privately.</p></div></article>
<div id="comments" class="comments-area"><h2>14 comments</h2><ol class="comment-list">` +
		comment("Ada", "I have been wondering how you decide when to stop funding a programme that is doing well but no longer needs the money as much as newer ones, and whether you publish the reasoning behind those decisions anywhere.") +
		comment("Ben", "Thanks for the detailed answer last time. A follow-up: how do you weigh evidence from a single large trial against several small ones that point the other way, and has that ever changed a recommendation?") +
		comment("Cleo", "Could you say more about how you estimate costs in places where prices change quickly, since a figure from two years ago may be far off by the time a grant is made and spent?") +
		comment("Dev", "I would love to see a post on the mistakes you think you made in the past five years, and what you changed in your process afterwards, even if the answer is that nothing needed changing.") +
		`</ol></div></div></body></html>`
	r := extractPage(t, page, "")
	wantText(t, r, []string{"Once a season we open a thread"}, []string{"Could you say more"})
}

// Lines at the top that only look like a byline or a date line are the
// lead: "Par ailleurs", "Por su parte" and "By Friday" start sentences, and
// a sentence may name its day.
func TestShortLeadsThatStartLikeBylinesOrDates(t *testing.T) {
	for _, tc := range []struct{ lang, title, lead, body string }{
		{"en", "River rises two metres", "By Friday, the river had risen two metres above its usual level.", newsBody},
		{"en", "Library to close", "On March 3, the council voted to close the library.", newsBody},
		{"fr", "Démission au ministère", "Par ailleurs, la ministre a démissionné mardi soir.", fillerFR},
		{"es", "El alcalde pide calma", "Por su parte, el alcalde pidió calma a los vecinos.", `<p>La tormenta dejó sin luz a más de diez mil hogares durante la noche del martes, y los servicios de emergencia atendieron casi trescientas llamadas por caídas de árboles y ramas.</p>
<p>Las clases se suspendieron en los colegios de la zona norte, donde varias carreteras seguían cortadas por el agua a primera hora de la mañana del miércoles.</p>
<p>El ayuntamiento abrirá un centro de atención para los vecinos afectados y estudiará ayudas para reparar los daños en viviendas y comercios del casco antiguo.</p>`},
	} {
		page := `<!doctype html><html lang="` + tc.lang + `"><head><title>` + tc.title + `</title></head><body>
<article><h1>` + tc.title + `</h1><p>` + tc.lead + `</p>` + tc.body + `</article></body></html>`
		r := extractPage(t, page, "")
		wantText(t, r, []string{tc.lead}, nil)
	}
	// Real byline and date lines still go.
	page := `<!doctype html><html lang="en"><head><title>River rises two metres</title></head><body>
<article><h1>River rises two metres</h1><p>By Jane Doe and Tom Roe | Reuters</p><p>Updated March 3, 2024 10:45 GMT</p>
<p>By Friday, the river had risen two metres above its usual level.</p>` + newsBody + `</article></body></html>`
	wantText(t, extractPage(t, page, ""), []string{"By Friday, the river"}, []string{"Jane Doe", "10:45"})
}

// A subheading late in an article that begins like a "more from" or
// "related" heading ("More on the budget") heads more of the article
// when long paragraphs follow it; only a list of short lines is cut.
func TestLateSubheadingThatLooksLikeSectionEnd(t *testing.T) {
	page := `<!doctype html><html lang="en"><head><title>Rent cap passes</title></head><body>
<article><h1>Rent cap passes</h1>
<p>The state assembly on Thursday approved a cap on annual rent increases, the first such limit in the region for more than forty years.</p>` + newsBody + `
<h2>More on the budget</h2>
<p>The cap comes a week after the assembly passed a budget that sets aside money for the housing inspectors who will enforce it, and for a register of rented homes that landlords will have to join.</p>
<p>Inspectors will be able to fine landlords who raise rents above the cap, and tenants may reclaim what they overpaid for up to three years, with free advice offered by the council.</p>
<h2>Related</h2><p><a href="/a">Landlords plan court challenge</a></p><p><a href="/b">What the cap means for you</a></p><p><a href="/c">Assembly debate in pictures</a></p>
</article></body></html>`
	wantText(t, extractPage(t, page, ""), []string{"register of rented homes", "reclaim what they overpaid"}, []string{"Landlords plan court challenge"})
}

// Sentences that begin like furniture are text: "Get the budget approved"
// is not an app prompt, "Published in 1998, ..." not a time stamp.
func TestSentencesThatStartLikeFurniture(t *testing.T) {
	page := `<!doctype html><html lang="en"><head><title>Rent cap passes</title></head><body>
<article><h1>Rent cap passes</h1>
<p>The state assembly on Thursday approved a cap on annual rent increases, the first such limit in the region for more than forty years.</p>` + newsBody + `
<p>Published in 1998, the last housing survey found rents had doubled.</p>
<p>Get the budget approved first, the treasurer told the assembly.</p>
<p>Tenant groups said they would monitor how landlords respond in the first year and publish their findings before the next election, whatever the government decides to do.</p>
<p>Updated 3 hours ago</p>
</article></body></html>`
	wantText(t, extractPage(t, page, ""), []string{"Published in 1998, the last housing survey", "Get the budget approved first"}, []string{"3 hours ago"})
}

// Text written straight into a container, paragraphs separated by line
// breaks, is the article: the content extractor cut its first run (the
// lead) at the first inline element and repeated the rest.
func TestLooseTextInContainerKeepsLead(t *testing.T) {
	page := `<!doctype html><html lang="en"><head><title>Maker plans smaller laptop with new keyboard</title></head><body>
<div class="sidebar"><div><a href="/a">Review: the big one</a></div><div><a href="/b">Five tips for batteries</a></div></div>
<div class="article"><h1 class="title">Maker plans smaller laptop with new keyboard</h1>
<div class="byline">Monday by <a href="/author/kim">Kim Lee</a></div>
<div class="content">Following its large laptop, the maker plans a smaller model with the new keyboard in the first half of next year, according to industry sources cited by the trade paper <em><a href="https://example.com/">Component Weekly</a></em>. A preview of the report went to subscribers.<br><br><img src="/k.jpg" alt=""><br><br>The report says the screen will stay the same size, although the source has been wrong about screens before, and names two suppliers for the keyboard parts.<br><br>The large model has a redesigned keyboard with more travel and a physical escape key, which reviewers have welcomed after years of complaints about the old design failing.<br><br>Analysts expect the smaller model to sell in larger numbers, since it is the one most often bought by students and by companies for their staff.</div>
</div></body></html>`
	r := extractPage(t, page, "")
	wantText(t, r, []string{"Following its large laptop, the maker plans a smaller model with the new keyboard in the first half of next year, according to industry sources cited by the trade paper Component Weekly. A preview of the report went to subscribers."}, []string{"Five tips for batteries"})
	if n := strings.Count(r.Text, "Analysts expect"); n != 1 {
		t.Errorf("last paragraph appears %d times:\n%s", n, r.Text)
	}
}

// Labels written above the headline (a category, a site section) are not
// the article, however many there are.
func TestLabelsAboveHeadline(t *testing.T) {
	page := `<!doctype html><html lang="pt"><head><title>Ambulância é arrombada durante atendimento</title></head><body>
<div class="post"><p>Categorias</p><p>Saúde</p><h1>Ambulância é arrombada durante atendimento</h1>
<p>05/10/2018 - Publicado por: Ana Souza - Categoria: Saúde</p>
<p>Dois veículos do serviço de atendimento domiciliar foram arrombados na tarde de quinta-feira enquanto a equipe atendia um paciente no bairro Centro.</p>
<p>Segundo a secretaria, foram levados equipamentos de verificação de pressão e uma bolsa com medicamentos, e o caso foi registrado na delegacia da cidade.</p>
<p>A prefeitura informou que vai reforçar a orientação às equipes para que os veículos fiquem sempre trancados durante os atendimentos nas residências.</p>
</div></body></html>`
	wantText(t, extractPage(t, page, ""), []string{"Dois veículos do serviço"}, []string{"Categorias", "Publicado por"})
}

// Web addresses written out in an article are its sources, not links to
// other stories, even when they come one after each short paragraph.
func TestWrittenOutSourcesKept(t *testing.T) {
	p := &page{anchors: map[string]bool{}, sectionHeads: map[string]bool{}}
	urls := []string{"https://assembly.example.org/bills/2024/118", "https://tenants.example.net/briefing-rent-cap", "https://stats.example.gov/rents/annual"}
	for _, u := range urls {
		p.anchors[squash(u)] = true
	}
	lines := []string{
		"The state assembly on Thursday approved a cap on annual rent increases, the first such limit in the region for more than forty years, after a debate that ran past midnight.",
		"Under the bill, landlords will have to give tenants six months' notice before any increase and may raise rents only once in a twelve-month period, whatever the length of the lease.",
		"Opposition members said the cap would discourage new building and promised to repeal it if they win the election due next spring, while tenant groups called it overdue and too modest.",
		"The tenants' union said it would publish a guide for renters before the cap takes effect, and the assembly will review the cap after three years in force with an independent report.",
		"The bill as passed is on the assembly's site.", urls[0],
		"The tenants' union published its own briefing.", urls[1],
		"Rents by district are published by the statistics office.", urls[2],
	}
	got := strings.Join(dropLinkRuns(lines, p), "\n")
	for _, u := range urls {
		if !strings.Contains(got, u) {
			t.Errorf("lost %q:\n%s", u, got)
		}
	}
}

// A news release that states no date but opens with a dateline
// ("November 12, 2020—Ottawa—") is published that day, not on the 1st
// of the month its address names (/news/2020/11/).
func TestDatelineOpeningTheRelease(t *testing.T) {
	page := `<!doctype html><html lang="en"><head><title>Minister announces new pathway for graduates</title>
<link rel="canonical" href="https://www.example.gc.ca/en/immigration/news/2020/11/minister-announces-new-pathway.html"></head><body>
<main><h1>Minister announces new pathway for graduates</h1>
<p>News release</p>
<p>November 12, 2020—Ottawa—Graduates of colleges and universities abroad will be able to apply for an open work permit valid for up to three years, the Minister of Immigration announced today.</p>
<p>The measure applies to graduates from the past five years and to their spouses and children, who will be able to study and work on the same terms as residents while the permit is valid.</p>
<p>Applications open early next year, and the department expects to process most of them within two months of receiving a complete file with the required documents.</p>
<p>Associated links</p><ul><li>Open work permits for graduates</li></ul>
</main></body></html>`
	r := extractPage(t, page, "")
	if got := FormatDate(r.Published); got != "2020-11-12" {
		t.Errorf("published = %q (%s), want the dateline's 2020-11-12", got, r.PublishedSource)
	}
}

// A social-media post the article quotes, embedded with the platform's
// widget code, is part of the story.
func TestEmbeddedPostKept(t *testing.T) {
	page := `<!doctype html><html lang="en"><head><title>Club confirms new head coach</title></head><body>
<article><h1>Club confirms new head coach</h1>
<p>The club confirmed on Wednesday that its former assistant will take over as head coach until the end of the season, a day after the previous coach left by mutual consent.</p>
<p>The new coach, who led the reserve side to two titles, will take charge of his first match on Saturday, when the team travels to the league leaders.</p>
<div class="article-widget article-tweet"><div class="article-tweet__inner">
<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Thank you for everything, coach. You taught me more than football and I will never forget it. Good luck, my friend. <a href="https://t.example/abc">pic.example.com/abc</a></p>— Sam Player (@samplayer) <a href="https://social.example.com/samplayer/status/1">November 19, 2024</a></blockquote>
<script async src="https://platform.example.com/widgets.js"></script></div></div>
<p>The club said it would begin the search for a permanent appointment in the summer and that the new coach would be considered for the role.</p>
<p>Supporters' groups welcomed the decision, saying the players needed stability after a difficult run of five defeats in seven matches.</p>
</article></body></html>`
	wantText(t, extractPage(t, page, ""), []string{"You taught me more than football", "Sam Player (@samplayer)"}, nil)
}
