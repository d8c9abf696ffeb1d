//go:build !linux

package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"
)

// readNoEcho cannot turn echo off here without another dependency: it
// says so, and reads the line as typed. Piping the password in avoids it.
func readNoEcho(f *os.File) (string, error) {
	fmt.Fprint(os.Stderr, "(typing will be visible) ")
	line, err := bufio.NewReader(f).ReadString('\n')
	return strings.TrimRight(line, "\r\n"), err
}
