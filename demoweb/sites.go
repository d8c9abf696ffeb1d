package demoweb

// siteSpec describes one demo site: what it looks like and how a crawler
// finds its pages. The table is code rather than per-site YAML so that a
// typo in a discovery path fails to compile instead of silently hiding a
// site's pages.
type siteSpec struct {
	ID       string
	Name     string // display name in the header and feeds
	Tagline  string
	Kind     string // "official" or "news"
	Family   string // template family: layouts/<family>.html
	Lang     string // default page language
	HTMLLang string // default <html lang>, when it differs from Lang
	// DateStyle picks how visible dates are written: "us", "uk", "iso".
	DateStyle string
	// Released is the phrase before a date written as text only.
	Released  string
	Canonical bool // emit <link rel=canonical>

	Robots string // robots.txt; "{base}" is replaced with the site's URL

	// Discovery. Every site also serves /sitemap.xml.
	Listings     []listingSpec
	RSS          string // RSS 2.0 feed path
	FeedLimit    int    // newest items in the feed; 0 for all
	Atom         string // Atom feed path
	NewsSitemap  string // Google News sitemap path
	SitemapIndex string // sitemap index path, with yearly sitemaps under /sitemap-YYYY.xml
	FRAPI        bool   // Federal Register–style JSON API under /api/v1/
	// SectionStyle builds listings from the pages' section field:
	// "path" serves /<section>/ and /<section>/page/N/,
	// "query" serves /section/<section>?page=N.
	SectionStyle string

	Nav    []navLink
	Footer []navLink
	// Private is a path robots.txt disallows; the server answers 403 there
	// so a crawler that ignores robots.txt is visible in the request log.
	Private string

	Sources []sourceSpec // entries for TopicYAML
}

type listingSpec struct {
	Path  string // ends in "/"; page N is Path?page=N
	Title string
	Lang  string // only pages in this language; "" for all
}

type navLink struct{ Label, Href string }

// sourceSpec is one crawler source in the generated topic config.
type sourceSpec struct {
	Name  string
	Kind  string // feed | sitemap | seed | federalregister
	Path  string // path and query on the site
	Depth int
}

// sites lists every demo site, in the order Sites() reports them.
var sites = []siteSpec{
	{
		ID: "state", Name: "U.S. Department of State", Tagline: "Office of the Spokesperson",
		Kind: "official", Family: "usgov", Lang: "en", DateStyle: "us", Released: "Press statement released",
		Canonical: true,
		Robots:    "User-agent: *\nDisallow: /admin/\nCrawl-delay: 0.05\n\nSitemap: {base}/sitemap.xml\n",
		Private:   "/admin/",
		Listings:  []listingSpec{{Path: "/press-releases/", Title: "Press Releases"}},
		RSS:       "/rss/press-releases.xml",
		FeedLimit: 10, // older statements only through the listing, as on the real site
		Nav: []navLink{{"Home", "/"}, {"Press Releases", "/press-releases/"}, {"About", "/about/"},
			{"RSS", "/rss/press-releases.xml"}},
		Footer: []navLink{{"Privacy Policy", "/privacy/"}, {"Staff login", "/admin/"}},
		Sources: []sourceSpec{
			{Name: "us-state", Kind: "feed", Path: "/rss/press-releases.xml", Depth: 1},
			{Name: "us-state-listing", Kind: "seed", Path: "/press-releases/", Depth: 2},
		},
	},
	{
		ID: "treasury", Name: "U.S. Department of the Treasury", Tagline: "Press Releases",
		Kind: "official", Family: "usgov", Lang: "en", DateStyle: "us", Released: "Released",
		Canonical: true,
		Robots:    "User-agent: *\nDisallow: /search\nDisallow: /admin/\n\nSitemap: {base}/sitemap.xml\n",
		Private:   "/search",
		Listings:  []listingSpec{{Path: "/news/press-releases/", Title: "Press Releases"}},
		Nav: []navLink{{"Home", "/"}, {"News", "/news/press-releases/"}, {"About Treasury", "/about/"},
			{"Search", "/search"}},
		Footer: []navLink{{"Privacy Policy", "/privacy/"}, {"Site search", "/search"}},
		Sources: []sourceSpec{
			{Name: "us-treasury", Kind: "seed", Path: "/news/press-releases/", Depth: 3},
		},
	},
	{
		ID: "commerce", Name: "Bureau of Industry and Security", Tagline: "U.S. Department of Commerce",
		Kind: "official", Family: "usgov", Lang: "en", DateStyle: "us", Released: "For immediate release:",
		Canonical: true,
		Robots:    "User-agent: *\nAllow: /\n\nSitemap: {base}/sitemap.xml\n",
		Listings:  []listingSpec{{Path: "/press-releases/", Title: "Press Releases"}},
		Nav:       []navLink{{"Home", "/"}, {"Press Room", "/press-releases/"}, {"About BIS", "/about/"}},
		Footer:    []navLink{{"Privacy", "/privacy/"}, {"Sitemap", "/sitemap.xml"}},
		Sources: []sourceSpec{
			{Name: "us-commerce", Kind: "sitemap", Path: "/sitemap.xml"},
		},
	},
	{
		ID: "fedreg", Name: "Federal Register", Tagline: "The Daily Journal of the United States Government",
		Kind: "official", Family: "fedreg", Lang: "en", DateStyle: "us", Released: "Published in the Federal Register on",
		Canonical: true,
		Robots:    "User-agent: *\nDisallow: /my/\nDisallow: /documents/search\nCrawl-delay: 0.05\n\nSitemap: {base}/sitemap.xml\n",
		Private:   "/my/",
		Listings:  []listingSpec{{Path: "/documents/", Title: "Recent Documents"}},
		FRAPI:     true,
		Nav: []navLink{{"Home", "/"}, {"Documents", "/documents/"}, {"Developer API", "/developers/"},
			{"My FR", "/my/"}},
		Footer: []navLink{{"About", "/about/"}, {"Privacy", "/privacy/"}},
		Sources: []sourceSpec{
			// No search term: off-topic documents come back too and the
			// crawler's relevance filter has to drop them.
			{Name: "federal-register", Kind: "federalregister", Path: "/api/v1/documents.json?per_page=5&order=newest"},
		},
	},
	{
		ID: "hkgov", Name: "Government Press Releases", Tagline: "Information Services Department",
		Kind: "official", Family: "hkgov", Lang: "en", DateStyle: "uk", Released: "Issued at HKT",
		Canonical: true,
		Robots:    "User-agent: *\nDisallow: /cgi-bin/\nCrawl-delay: 0.05\n",
		Private:   "/cgi-bin/",
		Listings: []listingSpec{
			{Path: "/en/press/", Title: "Press Releases", Lang: "en"},
			{Path: "/tc/press/", Title: "新聞公報", Lang: "zh-Hant"},
		},
		Nav:    []navLink{{"Home", "/"}, {"Press Releases", "/en/press/"}, {"新聞公報", "/tc/press/"}, {"About", "/about/"}},
		Footer: []navLink{{"Important notices", "/privacy/"}, {"Archive search", "/cgi-bin/search"}},
		Sources: []sourceSpec{
			{Name: "hk-gov-en", Kind: "seed", Path: "/en/press/", Depth: 2},
			{Name: "hk-gov-tc", Kind: "seed", Path: "/tc/press/", Depth: 2},
		},
	},
	{
		ID: "govuk", Name: "GOV.UK", Tagline: "News and communications",
		Kind: "official", Family: "govuk", Lang: "en", HTMLLang: "en-GB", DateStyle: "uk", Released: "Published",
		Canonical: true,
		Robots:    "User-agent: *\nDisallow: /search/all\nDisallow: /admin/\n\nSitemap: {base}/sitemap.xml\n",
		Private:   "/admin/",
		Listings:  []listingSpec{{Path: "/government/news/", Title: "News and communications"}},
		Nav:       []navLink{{"Home", "/"}, {"News and communications", "/government/news/"}, {"About GOV.UK", "/about/"}},
		Footer:    []navLink{{"Cookies", "/privacy/"}, {"Accessibility statement", "/about/"}},
		Sources: []sourceSpec{
			{Name: "gov-uk", Kind: "sitemap", Path: "/sitemap.xml"},
		},
	},
	{
		ID: "canada", Name: "Global Affairs Canada", Tagline: "Statements",
		Kind: "official", Family: "ministry", Lang: "en", HTMLLang: "en-CA", DateStyle: "uk", Released: "Statement issued",
		Canonical: true,
		Robots:    "User-agent: *\nDisallow: /admin/\n",
		Private:   "/admin/",
		Listings:  []listingSpec{{Path: "/news/statements/", Title: "Statements"}},
		Atom:      "/feeds/statements.atom",
		Nav:       []navLink{{"Home", "/"}, {"Statements", "/news/statements/"}, {"About", "/about/"}, {"Atom feed", "/feeds/statements.atom"}},
		Footer:    []navLink{{"Terms and conditions", "/privacy/"}, {"About this site", "/about/"}},
		Sources: []sourceSpec{
			{Name: "canada", Kind: "feed", Path: "/feeds/statements.atom", Depth: 1},
		},
	},
	{
		ID: "australia", Name: "Minister for Foreign Affairs", Tagline: "Media releases",
		Kind: "official", Family: "ministry", Lang: "en", HTMLLang: "en-AU", DateStyle: "uk", Released: "Media release,",
		Canonical: true,
		Robots:    "User-agent: *\nDisallow: /admin/\nCrawl-delay: 0.05\n",
		Private:   "/admin/",
		Listings:  []listingSpec{{Path: "/minister/media-releases/", Title: "Media releases"}},
		Nav:       []navLink{{"Home", "/"}, {"Media releases", "/minister/media-releases/"}, {"About", "/about/"}},
		Footer:    []navLink{{"Privacy", "/privacy/"}, {"Copyright", "/about/"}},
		Sources: []sourceSpec{
			{Name: "australia", Kind: "seed", Path: "/minister/media-releases/", Depth: 2},
		},
	},
	{
		ID: "eu", Name: "Council of the European Union", Tagline: "Press releases and statements",
		Kind: "official", Family: "ministry", Lang: "en", DateStyle: "uk", Released: "Press release,",
		Canonical: true,
		Robots:    "User-agent: *\nDisallow: /admin/\n\nSitemap: {base}/sitemap.xml\n",
		Private:   "/admin/",
		Listings:  []listingSpec{{Path: "/press/press-releases/", Title: "Press releases"}},
		RSS:       "/rss/press.xml",
		Nav:       []navLink{{"Home", "/"}, {"Press", "/press/press-releases/"}, {"About", "/about/"}, {"RSS", "/rss/press.xml"}},
		Footer:    []navLink{{"Legal notice", "/privacy/"}, {"Cookies", "/privacy/"}},
		Sources: []sourceSpec{
			{Name: "eu-council", Kind: "feed", Path: "/rss/press.xml", Depth: 1},
		},
	},
	{
		ID: "japan", Name: "Ministry of Foreign Affairs of Japan", Tagline: "Press Releases",
		Kind: "official", Family: "ministry", Lang: "en", DateStyle: "uk", Released: "Press release issued",
		Canonical: true,
		Robots:    "User-agent: *\nDisallow: /mofaj/admin/\n",
		Private:   "/mofaj/admin/",
		Listings:  []listingSpec{{Path: "/press/release/", Title: "Press Releases"}},
		Nav:       []navLink{{"Home", "/"}, {"Press Releases", "/press/release/"}, {"About", "/about/"}},
		Footer:    []navLink{{"Legal matters", "/privacy/"}, {"About the ministry", "/about/"}},
		Sources: []sourceSpec{
			{Name: "japan-mofa", Kind: "seed", Path: "/press/release/", Depth: 2},
		},
	},
	{
		ID: "mfa-china", Name: "Ministry of Foreign Affairs of the People's Republic of China", Tagline: "Statements",
		Kind: "official", Family: "ministry", Lang: "en", DateStyle: "iso", Released: "Released on",
		Canonical: false,
		Robots:    "User-agent: *\nAllow: /\n",
		Listings:  []listingSpec{{Path: "/eng/statements/", Title: "Statements"}},
		Nav:       []navLink{{"Home", "/"}, {"Statements", "/eng/statements/"}, {"About", "/about/"}},
		Footer:    []navLink{{"Contact", "/about/"}, {"Privacy", "/privacy/"}},
		Sources: []sourceSpec{
			{Name: "mfa-china", Kind: "seed", Path: "/eng/statements/", Depth: 2},
		},
	},
	{
		ID: "harbourpost", Name: "The Harbour Post", Tagline: "Independent news since 1958",
		Kind: "news", Family: "newsroom", Lang: "en", DateStyle: "uk", Released: "Published",
		Canonical:    true,
		Robots:       "User-agent: *\nDisallow: /account/\nDisallow: /search\nCrawl-delay: 0.05\n\nSitemap: {base}/sitemap-news.xml\nSitemap: {base}/sitemap.xml\n",
		Private:      "/account/",
		NewsSitemap:  "/sitemap-news.xml",
		SectionStyle: "path",
		Nav:          []navLink{{"Home", "/"}, {"About us", "/about/"}},
		Footer:       []navLink{{"Privacy", "/privacy/"}, {"My account", "/account/"}},
		Sources: []sourceSpec{
			{Name: "harbourpost", Kind: "sitemap", Path: "/sitemap-news.xml"},
		},
	},
	{
		ID: "globalledger", Name: "Global Ledger", Tagline: "Markets, policy and power",
		Kind: "news", Family: "newsroom", Lang: "en", DateStyle: "us", Released: "Updated",
		Canonical:    true,
		Robots:       "User-agent: *\nDisallow: /wp-admin/\n\nSitemap: {base}/sitemap_index.xml\n",
		Private:      "/wp-admin/",
		SitemapIndex: "/sitemap_index.xml",
		SectionStyle: "query",
		Nav:          []navLink{{"Home", "/"}, {"About", "/about/"}},
		Footer:       []navLink{{"Privacy", "/privacy/"}, {"Log in", "/wp-admin/"}},
		Sources: []sourceSpec{
			{Name: "globalledger", Kind: "sitemap", Path: "/sitemap_index.xml"},
		},
	},
	{
		ID: "metrodaily", Name: "Metro Daily", Tagline: "News you can use",
		Kind: "news", Family: "tabloid", Lang: "en", DateStyle: "us", Released: "Posted",
		Canonical: false,
		Robots:    "User-agent: GPTBot\nDisallow: /\n\nUser-agent: *\nDisallow: /wp-login.php\nAllow: /\n",
		Private:   "/wp-login.php",
		Listings:  []listingSpec{{Path: "/news/", Title: "Latest news"}},
		RSS:       "/feed/",
		Nav:       []navLink{{"Home", "/"}, {"Latest", "/news/"}, {"About", "/about/"}},
		Footer:    []navLink{{"Privacy", "/privacy/"}, {"Contact", "/about/"}},
		Sources: []sourceSpec{
			{Name: "metrodaily", Kind: "feed", Path: "/feed/", Depth: 1},
		},
	},
}

func siteByID(id string) (*siteSpec, bool) {
	for i := range sites {
		if sites[i].ID == id {
			return &sites[i], true
		}
	}
	return nil, false
}
