package query

import "testing"

func TestMatch(t *testing.T) {
	visa := Fields{
		"title":     "U.S. announces visa restrictions on Chinese officials",
		"text":      "The State Department imposed visa restrictions.\nOfficials said the sanctions respond to Hong Kong's security law.",
		"source":    "state-gov",
		"kind":      "official",
		"lang":      "en",
		"category":  "visa-restriction, sanctions",
		"actors":    "us,cn",
		"published": "2020-06-26T15:04:05-04:00",
	}
	zh := Fields{
		"title":     "《國家安全法》刊憲生效",
		"text":      "香港特別行政區政府今日公布，維護國家安全法即時生效。",
		"lang":      "zh-Hant",
		"published": "2020-06-30",
	}
	tests := []struct {
		q    string
		f    Fields
		want bool
	}{
		{"", visa, true},
		{"visa", visa, true},
		{"VISA Restrictions", visa, true},
		{"visas", visa, false}, // whole words only
		{"vis", visa, false},
		{"vis*", visa, true},
		{"sanct*", visa, true},
		{"sanctx*", visa, false},
		{`"visa restrictions"`, visa, true},
		{`"restrictions visa"`, visa, false},
		{`"chinese officials the"`, visa, false}, // a phrase does not run from title into text
		{`"hong kong's security"`, visa, true},
		{`"kong s security"`, visa, true}, // punctuation is a word boundary on both sides
		{"title:visa", visa, true},
		{"title:sanctions", visa, false},
		{`title:"visa restrictions"`, visa, true},
		{"title:announ*", visa, true},
		{"visa -sanctions", visa, false},
		{"visa NOT extradition", visa, true},
		{"extradition OR visa", visa, true},
		{"extradition OR treaty", visa, false},
		{"(extradition OR visa) AND NOT (treaty OR asylum)", visa, true},
		{"source:state-gov", visa, true},
		{"source:State-Gov", visa, true},
		{"source:state", visa, false},
		{"source:state*", visa, true},
		{"kind:news", visa, false},
		{"category:sanctions", visa, true},
		{"category:visa", visa, false},
		{"actor:cn", visa, true},
		{"actor:uk", visa, false},
		{"lang:en", visa, true},
		{"published:2020-06", visa, true},
		{"published:2020-06-26", visa, true},
		{"published:>=2020-06-27", visa, false}, // 19:04 UTC on the 26th
		{"published:<2020-06-27", visa, true},
		{"published:2020-06-01..2020-06-25", visa, false},
		{"published:2020", visa, true},
		// Chinese: substring over characters, Traditional folded to Simplified.
		{"國家安全", zh, true},
		{"国家安全", zh, true},
		{"国家安全法", zh, true},
		{"安全", zh, true},
		{"title:生效", zh, true},
		{"title:香港", zh, false},
		{`"国家安全法今日"`, zh, false},
		{`"维护国家安全法即时生效"`, zh, true},
		{"国家安全 -香港", zh, false},
		{"lang:zh", zh, true},
		{"lang:zh-hant", zh, true},
		{"lang:zh-Hans", zh, false},
		{"published:>=2020-07-01", zh, false},
		{"published:2020-06-30", zh, true},
		// The publisher's day: 00:30 on 1 July in Hong Kong is 1 July
		// (and 30 June in UTC), as the index files it.
		{"published:2020-07-01", Fields{"published": "2020-07-01T00:30:00+08:00"}, true},
		{"published:2020-06-30", Fields{"published": "2020-07-01T00:30:00+08:00"}, false},
		{"published:2020-07", Fields{"published": "2020-07-01T00:30:00+08:00"}, true},
		{"published:2020", Fields{"title": "x"}, false}, // no date, no match
		{"kind:official", Fields{"title": "x"}, false},
	}
	for _, tt := range tests {
		n, err := Parse(tt.q)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.q, err)
		}
		if got := Match(n, tt.f); got != tt.want {
			t.Errorf("Match(%s, %q) = %v, want %v", n, tt.f["title"], got, tt.want)
		}
	}
}

func TestFoldHan(t *testing.T) {
	tests := []struct{ in, want string }{
		{"國家安全", "国家安全"},
		{"香港特別行政區", "香港特别行政区"},
		{"国家安全 visa", "国家安全 visa"},
		{"", ""},
	}
	for _, tt := range tests {
		got := FoldHan(tt.in)
		if got != tt.want {
			t.Errorf("FoldHan(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if len(got) != len(tt.in) {
			t.Errorf("FoldHan(%q) changed the length from %d to %d bytes", tt.in, len(tt.in), len(got))
		}
	}
}
