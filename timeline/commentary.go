package timeline

import (
	"regexp"
	"strings"
)

// Newsrooms label the pieces that are not news of the day: analysis,
// opinion, explainers, fact boxes and timelines ("Analysis: …",
// "EXPLAINER-…", "Opinion | …", 【評論】…), and explainers are headlined
// as the question they answer ("How …", "Why …", "What … means"). Such a
// page recounts measures others reported when they were taken; its
// publication day is not theirs, so it is evidence for their events but
// never founds one.
var (
	commentaryLabel = regexp.MustCompile(`(?i)^\s*(?:analysis|news analysis|explainer|explained|factbox|fact box|fact check|opinion|op-ed|commentary|comment|editorial|column|q&a|timeline|in depth|in-depth|the big read|long read|perspective)\s*(?:[:|\-–—]|\z)`)
	// 【評論】, 社評：, 觀點｜… in Traditional and Simplified Chinese.
	// The label must be bracketed or followed by a separator: 分析師稱…
	// ("analysts say") is news.
	commentaryLabelHan = regexp.MustCompile(`^\s*(?:[【\[〔(（]\s*` + hanLabels + `\s*[】\]〕)）]|` + hanLabels + `\s*[:：|｜\-—])`)
)

const hanLabels = `(?:新聞分析|新闻分析|分析|評論|评论|社評|社评|觀點|观点|解讀|解读|時評|时评|專欄|专栏|短評|短评|特稿)`

// commentary reports whether a page's title marks it as analysis,
// opinion or an explainer rather than a report of the day's news.
func commentary(title string) bool {
	if commentaryLabel.MatchString(title) || commentaryLabelHan.MatchString(title) {
		return true
	}
	first, _, _ := strings.Cut(strings.TrimSpace(title), " ")
	switch strings.ToLower(first) {
	case "how", "why", "what":
		// A headline asking a question answers it from what is known:
		// an explainer. (A report says what happened: "US ends …".)
		return true
	}
	return false
}
