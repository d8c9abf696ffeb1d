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
// that paragraph a standfirst: it is the lead, and stays. A standfirst
// proper (a subheading under the headline) that repeats the description
// is still dropped.
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
	wantText(t, r, []string{lead}, []string{dek})
}
