package main

import "testing"

func TestTitleByConvention(t *testing.T) {
	tests := []struct {
		got, want string
		ok        bool
	}{
		{"Obama admits gun laws frustration", "Obama admits gun laws frustration", true},
		{"Obama admits gun laws frustration", "Obama admits gun laws frustration - BBC News", true},
		{"Obama admits gun laws frustration - BBC News", "Obama admits gun laws frustration", true},
		{"人工智能迈上新台阶", "人工智能迈上新台阶_科技_腾讯网", true},
		{"Chapter 1", "Chapter 1 - A Long Serial Name That Is Not A Site At All", false},
		{"Obama admits", "Obama admits gun laws frustration", false},
		{"", "", false},
	}
	for _, tt := range tests {
		if got := titleByConvention(tt.got, tt.want); got != tt.ok {
			t.Errorf("titleByConvention(%q, %q) = %v, want %v", tt.got, tt.want, got, tt.ok)
		}
	}
}

func TestBylineByConvention(t *testing.T) {
	tests := []struct {
		got, want string
		ok        bool
	}{
		{"Erin Cunningham", "By Erin Cunningham", true},
		{"Nathan Willis", "By Nathan Willis\n    March 25, 2015", true},
		{"Lucas Nolan", "by Lucas Nolan22 Dec 2016651", true},
		{"Sébastien Farcis", "Par Sébastien Farcis", true},
		{"Rob Ewaschuk", "Written by Rob Ewaschuk Edited by Betsy Beyer", false},
		{"Kelli Miller", "By Kelli Miller WebMD Health News", false},
	}
	for _, tt := range tests {
		if got := bylineByConvention(tt.got, tt.want); got != tt.ok {
			t.Errorf("bylineByConvention(%q, %q) = %v, want %v", tt.got, tt.want, got, tt.ok)
		}
	}
}

func TestLeadParagraph(t *testing.T) {
	body := "Staff Reports\nPolice arrested six people on Monday during an investigation.\nMore text."
	if got := leadParagraph(body); got != "Police arrested six people on Monday during an investigation." {
		t.Errorf("lead = %q", got)
	}
	if !leadKept("Police arrested six people.", "Headline\nPolice arrested six\npeople. Then more.") {
		t.Error("lead split over two lines not found")
	}
	if leadKept("Police arrested six people.", "Police arrested people.") {
		t.Error("a lead missing a word counted as kept")
	}
}

func TestHalvesAreFixedAndDisjoint(t *testing.T) {
	// The split must never move: these pages were in these halves when
	// the benchmark was first split (SHA-256 of the id, first byte even =
	// development).
	for id, want := range map[string]string{"bbc-1": halfCheck, "001": halfDev, "wapo-1": halfCheck} {
		if got := halfOf(id); got != want {
			t.Errorf("%s is in the %s half, was in %s", id, got, want)
		}
		if !inHalf(id, want) || inHalf(id, other(want)) || !inHalf(id, halfAll) {
			t.Errorf("%s: inHalf disagrees with halfOf", id)
		}
	}
}

func other(h string) string {
	if h == halfDev {
		return halfCheck
	}
	return halfDev
}
