package corpus

import "policywatch/model"

// The vocabulary below is our own wording of the topic: who did what in
// response to the national security law. Ids match the shipped taxonomy
// (topics/hk-nsl.taxonomy.yaml) so facets look like the real ones.

type category struct {
	id       string
	measures []string // noun phrases naming the measure
	zh       []string // the same in Chinese (Simplified)
	verbs    []string // what an actor does with it
}

var categories = []category{
	{"legislation", []string{"the national security law", "the new security legislation", "the Article 23 ordinance", "amendments to the electoral system"},
		[]string{"香港国家安全法", "国安法", "基本法第二十三条立法", "维护国家安全条例"}, []string{"enacted", "passed", "promulgated", "amended"}},
	{"visa-restriction", []string{"visa restrictions on officials", "entry bans on senior officials", "visa restrictions under the autonomy act"},
		[]string{"签证限制", "入境禁令", "签证制裁"}, []string{"imposed", "announced", "extended", "tightened"}},
	{"export-control", []string{"export controls on sensitive technology", "the suspension of special export treatment", "restrictions on dual-use exports", "an end to the sale of defence equipment"},
		[]string{"出口管制", "军民两用物项出口限制", "停止敏感技术出口"}, []string{"imposed", "announced", "expanded", "introduced"}},
	{"sanction", []string{"sanctions on officials", "asset freezes on senior officials", "financial sanctions under the autonomy act", "Magnitsky-style sanctions"},
		[]string{"制裁", "冻结资产", "金融制裁"}, []string{"imposed", "announced", "extended", "lifted"}},
	{"extradition", []string{"the extradition treaty with Hong Kong", "the mutual legal assistance agreement", "the surrender of fugitive offenders agreement"},
		[]string{"引渡条约", "移交逃犯协定", "刑事司法协助协定"}, []string{"suspended", "terminated", "reviewed", "cancelled"}},
	{"safe-haven", []string{"a pathway to citizenship for residents", "the BN(O) visa route", "safe haven for activists", "extended work visas for Hong Kong graduates"},
		[]string{"移民计划", "BNO签证", "避风港", "人才签证"}, []string{"opened", "announced", "expanded", "launched"}},
	{"statement", []string{"a joint statement on Hong Kong", "a statement of deep concern", "a declaration by the foreign ministers", "a resolution on the crackdown"},
		[]string{"联合声明", "严重关切声明", "外长声明"}, []string{"issued", "released", "published", "adopted"}},
	{"counter-measure", []string{"counter-sanctions on foreign officials", "retaliatory measures", "the anti-foreign sanctions law", "countermeasures against foreign organisations"},
		[]string{"反制裁", "反制措施", "反外国制裁法"}, []string{"announced", "imposed", "threatened", "adopted"}},
	{"prosecution", []string{"charges of subversion", "the trial of pro-democracy figures", "arrests under the security law", "bounties on overseas activists"},
		[]string{"颠覆国家政权罪", "国安案审讯", "国安法拘捕", "悬红通缉"}, []string{"brought", "announced", "condemned", "began"}},
}

type actor struct {
	id, name, adj, official, zh string
}

var actorList = []actor{
	{"us", "the United States", "American", "the State Department", "美国"},
	{"uk", "the United Kingdom", "British", "the Foreign Secretary", "英国"},
	{"canada", "Canada", "Canadian", "Global Affairs Canada", "加拿大"},
	{"australia", "Australia", "Australian", "the Foreign Minister of Australia", "澳大利亚"},
	{"new-zealand", "New Zealand", "New Zealand", "the New Zealand government", "新西兰"},
	{"germany", "Germany", "German", "the Federal Foreign Office", "德国"},
	{"eu", "the European Union", "European", "the High Representative", "欧盟"},
	{"japan", "Japan", "Japanese", "the Ministry of Foreign Affairs of Japan", "日本"},
	{"g7", "the G7", "G7", "the G7 foreign ministers", "七国集团"},
	{"china", "China", "Chinese", "the Ministry of Foreign Affairs in Beijing", "中国"},
	{"hong-kong", "Hong Kong", "Hong Kong", "the Hong Kong government", "香港特区政府"},
}

func actorByID(id string) actor {
	for _, a := range actorList {
		if a.id == id {
			return a
		}
	}
	return actorList[0]
}

var sources = []source{
	{"us-state-press", "www.state.gov", "en", model.KindOfficial, "us"},
	{"us-treasury-press", "home.treasury.gov", "en", model.KindOfficial, "us"},
	{"us-bis-press", "www.bis.gov", "en", model.KindOfficial, "us"},
	{"us-federal-register", "www.federalregister.gov", "en", model.KindOfficial, "us"},
	{"uk-govuk", "www.gov.uk", "en", model.KindOfficial, "uk"},
	{"canada-global-affairs", "www.canada.ca", "en", model.KindOfficial, "canada"},
	{"australia-foreign-minister", "www.foreignminister.gov.au", "en", model.KindOfficial, "australia"},
	{"eu-eeas", "www.eeas.europa.eu", "en", model.KindOfficial, "eu"},
	{"eu-council", "www.consilium.europa.eu", "en", model.KindOfficial, "eu"},
	{"japan-mofa", "www.mofa.go.jp", "en", model.KindOfficial, "japan"},
	{"hk-gov-press-en", "www.info.gov.hk", "en", model.KindOfficial, "hong-kong"},
	{"hk-gov-press-tc", "www.info.gov.hk", "zh", model.KindOfficial, "hong-kong"},
	{"china-mfa", "www.mfa.gov.cn", "zh", model.KindOfficial, "china"},
	{"hkfp", "hongkongfp.com", "en", model.KindNews, ""},
	{"bbc-china", "www.bbc.com", "zh", model.KindNews, ""},
	{"guardian-hong-kong", "www.theguardian.com", "en", model.KindNews, ""},
	{"rthk-local", "news.rthk.hk", "zh", model.KindNews, ""},
	{"reuters-asia", "www.reuters.com", "en", model.KindNews, ""},
	{"ap-asia", "apnews.com", "en", model.KindNews, ""},
	{"scmp-hong-kong", "www.scmp.com", "en", model.KindNews, ""},
	{"nikkei-asia", "asia.nikkei.com", "en", model.KindNews, ""},
	{"dw-asia", "www.dw.com", "en", model.KindNews, ""},
	{"abc-australia", "www.abc.net.au", "en", model.KindNews, ""},
	{"cbc-world", "www.cbc.ca", "en", model.KindNews, ""},
	{"politico-eu", "www.politico.eu", "en", model.KindNews, ""},
	{"the-standard-hk", "www.thestandard.com.hk", "en", model.KindNews, ""},
	{"ming-pao", "news.mingpao.com", "zh", model.KindNews, ""},
	{"xinhua", "www.news.cn", "zh", model.KindNews, ""},
	{"nyt-asia", "www.nytimes.com", "en", model.KindNews, ""},
	{"ft-asia", "www.ft.com", "en", model.KindNews, ""},
	{"voa-chinese", "www.voachinese.com", "zh", model.KindNews, ""},
	{"rfa-english", "www.rfa.org", "en", model.KindNews, ""},
}

// English building blocks. {A} actor name, {Aj} adjective, {O} official,
// {M} measure, {V} verb, {B} second actor, {P} person, {D} date phrase,
// {N} number, {T} long-tail word, {L} place.
var enTitles = []string{
	"{A} {V} {M} over Hong Kong",
	"{Aj} government {V} {M} after security law",
	"{O} {V} {M} targeting Hong Kong officials",
	"Hong Kong: {A} {V} {M}",
	"{B} condemns {M} as {A} responds to crackdown",
	"What {M} means for Hong Kong residents",
	"{A} and {B} weigh {M} as national security law takes hold",
	"Explainer: {M} and the Hong Kong national security law",
}

var enTopic = []string{
	"{O} said on {D} that {A} had {V} {M} in response to the national security law.",
	"The decision by {A} to announce {M} drew an angry response from {B}.",
	"{P}, a spokesperson for {O}, told reporters that {M} would remain in place until Hong Kong's autonomy was restored.",
	"Critics in {B} argued that {M} came too late to protect activists in Hong Kong.",
	"Under the measure, {N} officials in Hong Kong and Beijing face visa restrictions and asset freezes.",
	"Beijing called {M} a gross interference in China's internal affairs and vowed countermeasures.",
	"The Hong Kong government said the national security law restored stability and that foreign sanctions would not intimidate it.",
	"Lawmakers in {A} pressed for export controls on surveillance technology and a review of the extradition treaty.",
	"{P} of {L} said the extradition arrangement could no longer be trusted after the law took effect.",
	"The {Aj} statement followed similar steps by {B}, which {V} {M} on {D}.",
	"Human rights groups welcomed {M} but said sanctions should also target prosecutors and judges.",
	"Residents holding British National (Overseas) status may apply for a visa that leads to citizenship.",
	"Article 38 of the law claims jurisdiction over offences committed outside Hong Kong by people who are not residents.",
	"The Legislative Council passed the ordinance on {D} after a shortened consultation.",
	"Police in Hong Kong have arrested {N} people under the security law, according to official figures.",
	"{O} warned businesses that dealing with sanctioned officials could expose banks to secondary sanctions.",
	"The suspension of the extradition treaty means fugitives cannot be surrendered to Hong Kong.",
	"Export controls now treat Hong Kong the same as mainland China for sensitive technology.",
	"{A} said it would continue to stand with the people of Hong Kong.",
	"Officials in {L} declined to say whether further measures were planned.",
	"The law criminalises secession, subversion, terrorism and collusion with foreign forces.",
	"Beijing's liaison office said foreign governments had no right to comment on national security legislation.",
	"Trade groups in {A} said {M} would affect companies with regional headquarters in Hong Kong.",
	"In a joint statement, {A} and {B} expressed grave concern over the erosion of freedoms in Hong Kong.",
}

var enFiller = []string{
	"The {T} report, published in {L}, examined how the {T} had changed since {D}.",
	"According to {P}, the {T} committee met {N} times before reaching a decision.",
	"Analysts at {T} said the market reaction was muted, with the {T} index little changed.",
	"The meeting in {L} also covered trade, climate policy and the {T} dispute.",
	"{P} said the {T} and the {T} would be reviewed later in the year.",
	"Several {T} organisations announced they would relocate staff from Hong Kong to {L}.",
	"The spokesperson declined to comment on the {T} case, citing ongoing proceedings.",
	"Local media reported that {N} residents had applied for the {T} scheme by {D}.",
	"A separate {T} inquiry is expected to report before the end of the year.",
	"The {T} newspaper said its editors had been questioned by police over a {T} column.",
}

var enPeople = []string{"Anna Lee", "Martin Chan", "Dominic Raab", "Antony Blinken", "Marise Payne", "Josep Borrell", "Zhao Lijian", "Carrie Lam", "John Lee", "Chris Tang", "Jimmy Lai", "Nathan Law", "Joshua Wong", "Mike Pompeo", "Marc Garneau", "Heiko Maas", "Toshimitsu Motegi", "Wang Yi", "Erick Tsang", "Teresa Cheng"}

var enPlaces = []string{"Washington", "London", "Ottawa", "Canberra", "Wellington", "Berlin", "Brussels", "Tokyo", "Beijing", "Hong Kong", "Taipei", "Singapore", "Geneva", "Kowloon", "Macau"}

// Chinese building blocks, written in Simplified; zh-Hant documents get
// them converted once by OpenCC in New.
var zhTitles = []string{
	"{A}宣布对港{M}",
	"{A}就香港国安法{M}",
	"外交部回应{A}{M}",
	"{B}谴责{A}{M}",
	"香港特区政府回应{M}",
}

var zhTopic = []string{
	"{A}政府{D}宣布{M}，回应香港国家安全法的实施。",
	"外交部发言人表示，{A}的{M}严重干涉中国内政。",
	"香港特区政府强烈反对{A}的{M}，并表示国安法恢复了社会稳定。",
	"{B}表示将与{A}协调，考虑进一步的{M}。",
	"根据新措施，{N}名香港及内地官员受到签证限制和冻结资产。",
	"多个人权组织欢迎{M}，但认为应扩大至检控官员。",
	"国安法规定分裂国家、颠覆国家政权、恐怖活动和勾结外国势力四类罪行。",
	"警方表示，自国安法实施以来已拘捕{N}人。",
	"{A}暂停与香港的引渡条约，并对出口管制作出调整。",
	"持有英国国民（海外）护照的香港居民可申请签证。",
	"立法会于{D}通过维护国家安全条例。",
	"中方将采取反制措施，坚决维护国家主权和安全。",
}

var zhFiller = []string{
	"有关{T}的报告指出，{T}自{D}以来出现明显变化。",
	"{T}委员会共召开{N}次会议。",
	"市场分析认为{T}和{T}的影响有限。",
	"当地媒体报道，已有{N}名居民申请{T}计划。",
	"发言人拒绝评论{T}案件。",
}

// commonHan are frequent characters the Chinese long tail is made of.
const commonHan = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府"
