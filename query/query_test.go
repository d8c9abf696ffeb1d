package query

import (
	"errors"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", ""},
		{"   ", ""},
		{"visa", "visa"},
		{"visa restrictions", "(visa AND restrictions)"},
		{"visa AND restrictions", "(visa AND restrictions)"},
		{"visa OR sanctions", "(visa OR sanctions)"},
		{"a b OR c", "((a AND b) OR c)"},
		{"a OR b c", "(a OR (b AND c))"},
		{"a AND (b OR c)", "(a AND (b OR c))"},
		{"(a OR b) (c OR d)", "((a OR b) AND (c OR d))"},
		{"NOT a", "NOT a"},
		{"a NOT b", "(a AND NOT b)"},
		{"a -b +c", "(a AND NOT b AND c)"},
		{"-(a OR b)", "NOT (a OR b)"},
		{"NOT NOT a", "NOT NOT a"},
		{"a and b or c", "(a AND and AND b AND or AND c)"},
		{`"visa restrictions" officials`, `("visa restrictions" AND officials)`},
		{`-"national security"`, `NOT "national security"`},
		{"sanct*", "sanct*"},
		{"title:visa", "title:visa"},
		{`title:"national security law"`, `title:"national security law"`},
		{"title:sanct*", "title:sanct*"},
		{"TITLE:visa", "title:visa"},
		{"source:hkgov kind:official", "(source:hkgov AND kind:official)"},
		{"source: hkgov", "source:hkgov"},
		{"title:source:x", "title:source:x"},
		{`actor:"united states"`, `actor:"united states"`},
		{"category:sanction*", "category:sanction*"},
		{"lang:zh-Hant", "lang:zh-Hant"},
		{"published:>=2020-07-01", "published:>=2020-07-01"},
		{"published:>2020-07-01", "published:>=2020-07-02"},
		{"published:<2021-01-01", "published:<2021-01-01"},
		{"published:<=2020-12-31", "published:<2021-01-01"},
		{"published:2020-07", "published:2020-07-01..2020-07-31"},
		{"published:2020-02", "published:2020-02-01..2020-02-29"},
		{"published:2020", "published:2020-01-01..2020-12-31"},
		{"published:2020-07-01", "published:2020-07-01..2020-07-01"},
		{"published:2020-07-01..2020-07-31", "published:2020-07-01..2020-07-31"},
		{"published:2020-07..", "published:>=2020-07-01"},
		{"published:..2020-07", "published:<2020-08-01"},
		{"国家安全法 制裁", "(国家安全法 AND 制裁)"},
		{"香港(國安法 OR 国安法)", "(香港 AND (國安法 OR 国安法))"},
		{"U.S. 12:30", "(U.S. AND 12:30)"},
		{"anti-China", "anti-China"},
		{strings.Repeat("(", 1000) + "a" + strings.Repeat(")", 1000), "a"},
	}
	for _, tt := range tests {
		n, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if got := n.String(); got != tt.want {
			t.Errorf("Parse(%q) = %s, want %s", tt.in, got, tt.want)
		}
		// What String prints must parse back to the same tree.
		again, err := Parse(n.String())
		if err != nil || again.String() != n.String() {
			t.Errorf("Parse(%q).String() = %q does not round-trip: %v, %v", tt.in, n.String(), again, err)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in      string
		pos     int
		msgPart string
	}{
		{"(visa OR visas", 14, "missing closing parenthesis"},
		{"((a)", 4, "missing closing parenthesis"},
		{"visa)", 4, "unexpected closing parenthesis"},
		{"a OR b) c", 6, "unexpected closing parenthesis"},
		{"()", 0, "empty parentheses"},
		{"visa AND", 5, "dangling operator AND"},
		{"AND visa", 0, "dangling operator AND"},
		{"visa OR", 5, "dangling operator OR"},
		{"OR visa", 0, "dangling operator OR"},
		{"a OR OR b", 2, "dangling operator OR"},
		{"a AND OR b", 2, "dangling operator AND"},
		{"visa NOT", 5, "dangling operator NOT"},
		{"(a NOT)", 3, "dangling operator NOT"},
		{"visa -", 5, `dangling operator "-"`},
		{"visa - b", 5, `dangling operator "-"`},
		{"+", 0, `dangling operator "+"`},
		{`say "hello`, 4, "unterminated quote"},
		{`title:"hello`, 6, "unterminated quote"},
		{`""`, 0, "empty phrase"},
		{"author:smith", 0, `unknown field "author"`},
		{"visa https://example.com", 5, `unknown field "https"`},
		{"title:", 6, "missing value for field title"},
		{"source: )", 8, "missing value for field source"},
		{"kind:AND", 5, "missing value for field kind"},
		{"title: source:x", 7, "missing value for field title"},
		{"published:2020-13-01", 10, "bad date"},
		{"published:>=2020-7-1", 12, "bad date"},
		{"published:yesterday", 10, "bad date"},
		{"published:2020-07-01..2020-6", 22, "bad date"},
		{"published:2020-07-01..2020-06-30", 10, "ends before it starts"},
		{"published:..", 10, "at least one date"},
		{"*", 0, "wildcard needs a prefix"},
		{"a*b", 1, "only allowed at the end"},
		{"source:*", 7, "wildcard needs a prefix"},
		{strings.Repeat("(", 1001) + "a" + strings.Repeat(")", 1001), 1000, "nested more than 1000 deep"},
		{strings.Repeat("-", 101) + "a", 101, "nested more than 100 deep"},
		{strings.Repeat("-", 2000) + "a", 1000, "nested more than 1000 deep"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.in)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Parse(%q) error = %v, want *SyntaxError", tt.in, err)
			continue
		}
		if se.Pos != tt.pos || !strings.Contains(se.Msg, tt.msgPart) {
			t.Errorf("Parse(%q) = %v, want position %d and %q", tt.in, se, tt.pos, tt.msgPart)
		}
	}
}

func TestSyntaxErrorMessage(t *testing.T) {
	_, err := Parse("(visa OR visas")
	if got, want := err.Error(), "syntax error at position 14: missing closing parenthesis"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"", "visa restrictions", `"a b" OR (c -d)`, "title:visa source:x*", "published:2020-07..2020-08",
		"國家安全 AND NOT 制裁", "((a)", `title:"x`, "a OR OR", "-+-a", "published:>=2020-02-30",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		n, err := Parse(q)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) returned %T, want *SyntaxError", q, err)
			}
			if se.Pos < 0 || se.Pos > len(q) {
				t.Fatalf("Parse(%q): position %d outside the query", q, se.Pos)
			}
			return
		}
		// Every leaf is a term a search looks up, at a place in the query.
		for _, l := range Leaves(n) {
			if l.Op == OpAnd || l.Op == OpOr || l.Op == OpNot || l.Op == OpAll || l.Pos < 0 || l.Pos > len(q) {
				t.Fatalf("Parse(%q): leaf %+v", q, l)
			}
		}
		s := n.String()
		again, err := Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q).String() = %q does not parse: %v", q, s, err)
		}
		if again.String() != s {
			t.Fatalf("round trip of %q: %q then %q", q, s, again.String())
		}
		Match(n, Fields{"title": q, "text": q, "published": "2020-07-01"})
	})
}

func TestLeaves(t *testing.T) {
	n, err := Parse(`(sanction* OR "asset freeze") -visa title:hong published:2020 source:us-*`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range Leaves(n) {
		got = append(got, l.String())
	}
	want := []string{"sanction*", `"asset freeze"`, "visa", "title:hong", "published:2020-01-01..2020-12-31", "source:us-*"}
	if strings.Join(got, " | ") != strings.Join(want, " | ") {
		t.Errorf("Leaves = %q, want %q", got, want)
	}
	if l := Leaves(Node{Op: OpAll}); len(l) != 0 {
		t.Errorf("empty query has leaves %v", l)
	}
}
