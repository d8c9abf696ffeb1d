package prose

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// describe writes a mention compactly: "2020-07-03", "0-03-19", "Fri",
// "rel-1", "2020", "2020-07".
func describe(m DateMention) string {
	switch {
	case m.Relative:
		return fmt.Sprintf("rel%+d", m.Offset)
	case m.HasWeekday && m.Day == 0:
		d := m.Weekday.String()[:3]
		switch m.Dir {
		case Past:
			d = "last " + d
		case Future:
			d = "next " + d
		}
		return d
	case m.Day == 0 && m.Month == 0:
		return fmt.Sprint(m.Year)
	case m.Day == 0:
		return fmt.Sprintf("%d-%02d", m.Year, m.Month)
	}
	return fmt.Sprintf("%d-%02d-%02d", m.Year, m.Month, m.Day)
}

func TestFindDates(t *testing.T) {
	tests := []struct {
		text string
		want string
	}{
		{"The United States on Dec. 7 imposed sanctions.", "0-12-07"},
		{"On August 7, 2020, the Treasury sanctioned 11 people.", "2020-08-07"},
		{"Brussels, 5 July 2023 (TDI): The EU condemned it.", "2023-07-05"},
		{"Sat 13th March, 2021", "2021-03-13"},
		{"the law took effect in July 2020 and again in 2021", "2020-07 2021"},
		{"Germany suspended its agreement in July; since late June, and by May", "0-07 0-06 0-05"},
		{"officials may act in March", "0-03"},
		{"Raab said on Friday, a day after last Monday's vote, that it ends tomorrow.", "Fri last Mon rel+1"},
		{"She said yesterday and again this morning", "rel-1 rel+0"},
		{"香港新聞網3月19日電 2024年3月19日 2020年7月 2020年", "0-03-19 2024-03-19 2020-07 2020"},
		{"國安處今日(14日)宣布,香港警方10號高調逮捕", "rel+0 0-00-14 0-00-10"},
		{"中國外交部發言人郭嘉昆昨日(21日)表示,上週五宣布,星期日生效", "rel-1 0-00-21 last Fri Sun"},
		{"２０２４年３月１９日", "2024-03-19"},
		{"金曜日に発表", "Fri"},
		{"三日內, 8號風球, 100萬", ""},
		// Years inside instruments' names and numbers are not times.
		{"under the Extradition Act 2003 and the U.S.-Hong Kong Policy Act of 1992", ""},
		{"Regulation (EU) 2019/452 and document 2020-15646", ""},
		{"the 2021-2023 Immigration Levels Plan", "2021 2023"},
		{"the act of 2020", "2020"},
		{"a 2020-07-03 stamp", "2020-07-03"},
		{"June 31 is not a day; nor is 2020-02-30", ""},
	}
	for _, tt := range tests {
		var got []string
		for _, m := range FindDates(tt.text) {
			got = append(got, describe(m))
		}
		if s := strings.Join(got, " "); s != tt.want {
			t.Errorf("FindDates(%q) = %q, want %q", tt.text, s, tt.want)
		}
	}
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestResolve(t *testing.T) {
	// Tuesday 14 July 2020, 23:30 in Hong Kong: the reference day is the
	// 14th there, whatever the clock says in UTC.
	hk := time.FixedZone("HKT", 8*3600)
	ref := time.Date(2020, 7, 14, 23, 30, 0, 0, hk)
	tests := []struct {
		text  string
		tense Direction
		want  string
	}{
		{"on Friday", Past, "2020-07-10"},
		{"on Friday", Unknown, "2020-07-10"},
		{"will open on Sunday", Future, "2020-07-19"},
		{"on Tuesday", Past, "2020-07-14"},
		{"on Tuesday", Future, "2020-07-14"},
		{"next Tuesday", Past, "2020-07-14"},
		{"last Friday", Future, "2020-07-10"},
		{"yesterday", Past, "2020-07-13"},
		{"tomorrow", Past, "2020-07-15"},
		{"(21日)", Past, "2020-06-21"},
		{"(21日)", Future, "2020-07-21"},
		{"(10日)", Past, "2020-07-10"},
		{"(10日)", Future, "2020-08-10"},
		{"July 3", Past, "2020-07-03"},
		{"Dec. 28", Past, "2019-12-28"},
		{"3月19日", Past, "2020-03-19"},
		{"Jan. 5", Future, "2021-01-05"},
	}
	for _, tt := range tests {
		ms := FindDates(tt.text)
		if len(ms) != 1 {
			t.Fatalf("FindDates(%q) = %v", tt.text, ms)
		}
		got, ok := ms[0].Resolve(ref, tt.tense)
		if !ok || !got.Equal(day(tt.want)) {
			t.Errorf("Resolve(%q, %v) = %s %v, want %s", tt.text, tt.tense, got.Format(time.DateOnly), ok, tt.want)
		}
	}
	// 31 June does not exist; a month or a year is not a day.
	if _, ok := FindDates("(31日)")[0].Resolve(ref, Past); ok {
		t.Error("31 June resolved")
	}
	if _, ok := FindDates("July 2020")[0].Resolve(ref, Past); ok {
		t.Error("a month resolved to a day")
	}
	// Fourteen hours later the same instant is the 15th in Auckland.
	nz := ref.In(time.FixedZone("NZST", 12*3600))
	if got, _ := FindDates("today")[0].Resolve(nz, Past); !got.Equal(day("2020-07-15")) {
		t.Errorf("today in Auckland = %s", got.Format(time.DateOnly))
	}
}

func TestSpan(t *testing.T) {
	for _, tt := range []struct{ text, start, end string }{
		{"2020", "2020-01-01", "2021-01-01"},
		{"July 2020", "2020-07-01", "2020-08-01"},
		{"2024年3月19日", "2024-03-19", "2024-03-20"},
	} {
		s, e, ok := FindDates(tt.text)[0].Span()
		if !ok || !s.Equal(day(tt.start)) || !e.Equal(day(tt.end)) {
			t.Errorf("Span(%q) = %s..%s %v", tt.text, s.Format(time.DateOnly), e.Format(time.DateOnly), ok)
		}
	}
	for _, text := range []string{"Friday", "yesterday", "July 3"} {
		if _, _, ok := FindDates(text)[0].Span(); ok {
			t.Errorf("Span(%q) without a reference day", text)
		}
	}
}

func FuzzFindDates(f *testing.F) {
	for _, s := range []string{"On August 7, 2020, the", "國安處今日(14日)宣布", "２０２４年３月１９日", "Act of 1992/", "last Friday", "2020-"} {
		f.Add(s)
	}
	ref := time.Date(2020, 7, 14, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		prev := -1
		for _, m := range FindDates(s) {
			if m.Start < prev || m.Start >= m.End || m.End > len(s) {
				t.Fatalf("mention %+v out of order or bounds in %q", m, s)
			}
			prev = m.End
			if d, ok := m.Resolve(ref, Past); ok && (d.Year() < 900 || d.Year() > 3100) {
				t.Fatalf("mention %+v resolved to %v", m, d)
			}
		}
	})
}
