package tagging

import (
	"testing"

	"policywatch/model"
)

// Categories recognise the words real reporting uses, wherever in the
// page the evidence rules find them. The pages are our own writing.
func TestVocabularyOfReporting(t *testing.T) {
	tg := shippedTagger(t)
	tests := []struct {
		name, title, text string
		kind              model.DocKind
		category, actor   string
	}{
		{"a government that regrets and is concerned",
			"Tokyo reacts to Hong Kong law",
			"TOKYO — Japan's top government spokesman said on Tuesday that the government regrets the passage of the law and is concerned about the city's freedoms.\nMarkets were calm.",
			model.KindNews, "statement", "japan"},
		{"a breach of a treaty",
			"Foreign Secretary speaks on Hong Kong",
			"LONDON — The Foreign Secretary told parliament on Wednesday that the law constitutes a clear and serious breach of the Sino-British Joint Declaration.\nMembers on all sides agreed.",
			model.KindNews, "statement", "uk"},
		{"a declaration on behalf of a union",
			"Declaration of the High Representative on behalf of the EU on Hong Kong",
			"The European Union is following the situation in the city closely and calls for restraint.\nThe declaration was agreed by all member states.",
			model.KindOfficial, "statement", "eu"},
		{"found guilty, a verdict and sentencing after a trial",
			"Activist found guilty of subversion",
			"A Hong Kong court found the activist guilty of subversion on Monday, and sentencing is expected next month.\nThe verdict ends a trial of more than 100 days.",
			model.KindNews, "prosecution", "hong-kong"},
		{"signed into law",
			"Rights bill becomes law",
			"WASHINGTON — President Trump on Wednesday signed into law a bill that requires an annual review of the city's autonomy.\nBeijing protested.",
			model.KindNews, "legislation", "us"},
		{"gazetted after its third reading",
			"Security ordinance takes effect",
			"The Safeguarding National Security Ordinance was gazetted on Saturday and took effect the same day, after the Legislative Council passed its third reading on Tuesday.\nOfficials welcomed it.",
			model.KindNews, "legislation", "hong-kong"},
		{"tit-for-tat, in retaliation",
			"Beijing retaliates with entry ban on US officials",
			"BEIJING — China on Monday barred several US officials from entering the city in retaliation for Washington's moves, in a tit-for-tat step against the sanctions.\nThe list was not published.",
			model.KindNews, "counter-measure", "china"},
		{"no longer recognise a passport",
			"China to stop recognising British passports for Hongkongers",
			"BEIJING — China will no longer recognise the British National (Overseas) passport as a travel document from Sunday, the foreign ministry said on Friday.\nLondon called the move regrettable.",
			model.KindNews, "counter-measure", "china"},
		{"a Latin name inside Chinese text, a reprisal in the form of a passport refused",
			"特區政府宣布不承認BNO護照",
			"香港特別行政區政府今日宣布，由1月31日起不承認BNO護照作為旅行證件及身份證明，BNO護照不能用於出入境。",
			model.KindNews, "counter-measure", "hong-kong"},
		{"a measure threatened is a statement of who threatens it",
			"Washington weighs penalties over Hong Kong arrests",
			"WASHINGTON — Secretary of State Antony Blinken said on Thursday the United States was considering sanctions on the officials behind the arrests.\nNo decision has been taken.",
			model.KindNews, "statement", "us"},
		{"a statement further down, by the report's protagonist",
			"Ottawa reviews its ties with Hong Kong",
			"OTTAWA — Canada said on Friday it was reviewing its arrangements with Hong Kong, a week after Beijing's security law took effect in the city.\n" +
				"Officials gave no timetable for the review.\n" +
				"Foreign Minister François-Philippe Champagne said Canada was deeply concerned by the law.\n" +
				"He also condemned the arrests of protesters on the day it took effect.",
			model.KindNews, "statement", "canada"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tags := tg.Tag(&model.Document{Title: tt.title, Text: tt.text, Kind: tt.kind, Site: siteOf(tt.kind, tt.actor)})
			if got := actingIn(tags, tt.category); got != tt.actor {
				t.Errorf("acting in %s = %q, want %q (tags %+v)", tt.category, got, tt.actor, tags)
			}
		})
	}
}

// siteOf gives an official test page its government's site name.
func siteOf(kind model.DocKind, actor string) string {
	if kind != model.KindOfficial {
		return ""
	}
	return map[string]string{"eu": "European Union External Action Service"}[actor]
}
