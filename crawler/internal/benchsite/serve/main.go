// Command serve serves the benchmark site (see package benchsite) so that
// other crawlers, such as wget --recursive, can be timed on the same pages.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"

	"policywatch/crawler/internal/benchsite"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	sections := flag.Int("sections", 10, "sections")
	per := flag.Int("per-section", 50, "articles per section")
	flag.Parse()
	site := benchsite.Site{Sections: *sections, PerSection: *per}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	// The first line tells a script where to point its crawler.
	fmt.Printf("http://%s/ %d pages\n", ln.Addr(), site.Pages())
	os.Stdout.Sync()
	log.Fatal(http.Serve(ln, site))
}
