#!/usr/bin/env bash
# Crawl benchmark (issue 3): policywatch's crawler and wget --recursive on
# the same generated local site (home, 10 sections, 500 articles), in the
# same run, politeness off for both.
#
#   scripts/bench-crawl.sh            # one benchmark pass of 3 crawls
#   BENCHTIME=10x scripts/bench-crawl.sh
#
# policywatch's figure includes what wget does not do: it extracts every
# article (title, date, text, language), checks relevance and saves it
# (in memory here). wget only fetches and writes files.
set -euo pipefail

cd "$(dirname "$0")/.."
BENCHTIME=${BENCHTIME:-3x}
WORK=$(mktemp -d /tmp/bench-crawl.XXXXXX)
trap 'kill "$SITE_PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT

if ! command -v wget >/dev/null; then
	echo "wget is missing; installing it (Debian package wget)" >&2
	apt-get install -y wget >/dev/null || { echo "cannot install wget; run: apt-get install -y wget" >&2; exit 1; }
fi

echo "== machine"
echo "date:  $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "nproc: $(nproc)   load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "go:    $(go version)"
echo "wget:  $(wget --version | head -1)"

echo "== policywatch crawler (go test -bench 'BenchmarkCrawlLocalSite' -benchtime $BENCHTIME)"
go test ./crawler -run '^$' -bench 'BenchmarkCrawlLocalSite' -benchtime "$BENCHTIME" | tee "$WORK/bench.txt"
rate() { awk -v name="$1" '$1 ~ "^"name"(-[0-9]+)?$" { for (i = 1; i < NF; i++) if ($(i+1) == "pages/s") print $i }' "$WORK/bench.txt"; }
PW_RATE=$(rate BenchmarkCrawlLocalSite)
PW_STORE_RATE=$(rate BenchmarkCrawlLocalSiteIntoStore)

echo "== wget --recursive"
go build -o "$WORK/benchsite" ./crawler/internal/benchsite/serve
"$WORK/benchsite" >"$WORK/site.out" &
SITE_PID=$!
for _ in $(seq 50); do
	[ -s "$WORK/site.out" ] && break
	sleep 0.1
done
URL=$(cut -d' ' -f1 "$WORK/site.out")
echo "site: $(cat "$WORK/site.out")"
START=$(date +%s.%N)
wget --recursive --level=3 --no-parent --quiet --directory-prefix="$WORK/wget" "$URL" || true
END=$(date +%s.%N)
WGET_PAGES=$(find "$WORK/wget" -type f ! -name robots.txt | wc -l)
WGET_RATE=$(echo "$WGET_PAGES $START $END" | awk '{ printf "%.1f", $1 / ($3 - $2) }')
echo "wget fetched $WGET_PAGES pages in $(echo "$START $END" | awk '{ printf "%.2f", $2 - $1 }')s"

echo "== result (pages per second)"
printf "policywatch crawl, into memory (fetch + extract, 4 workers):        %s\n" "$PW_RATE"
printf "policywatch crawl, into the SQLite store (+ frontier, captures):     %s\n" "$PW_STORE_RATE"
printf "wget --recursive (fetch + write files, 1 connection):               %s\n" "$WGET_RATE"
