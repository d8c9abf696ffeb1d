package web

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// ParseBaseURL checks a public base URL (serve --base-url) and returns it
// without a trailing slash, ready to have "/documents/1" appended.
func ParseBaseURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", fmt.Errorf("base URL %q: %w", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("base URL %q: want http:// or https://", raw)
	}
	if u.Hostname() == "" {
		return "", fmt.Errorf("base URL %q names no host", raw)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("base URL %q: want scheme, host and an optional path only", raw)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u.String(), nil
}

// linkHost is the host name of a base URL, without a port: what an
// iCalendar UID is qualified with.
func linkHost(base string) string {
	u, err := url.Parse(base)
	if err != nil || u.Host == "" {
		return "localhost"
	}
	if h, _, err := net.SplitHostPort(u.Host); err == nil {
		return h
	}
	return u.Host
}
