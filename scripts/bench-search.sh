#!/usr/bin/env bash
# Search benchmark (issue 6, "Performance"): Bleve vs SQLite FTS5 on
# synthetic corpora, then the web search page under wrk.
#
#   scripts/bench-search.sh                      # 100k and 1M documents (about 50 min here)
#   SIZES=100000 scripts/bench-search.sh         # 100k only (about 8 min)
#   SIZES=10000 WRK_SECONDS=10 scripts/bench-search.sh   # a quick try
#
# Environment: SIZES (default 100000,1000000), WORK (default a new temp dir, kept:
# it holds the indexes), WRK_SECONDS (30), WRK_CONNS (8), WRK_THREADS (2),
# WRK_TIMEOUT (10s: slower answers count as errors),
# PORT (18080), SKIP_ENGINES (set: only the web part, on WORK's index).
# Needs wrk (Debian: apt-get install -y wrk).
set -euo pipefail

cd "$(dirname "$0")/.."
SIZES=${SIZES:-100000,1000000}
WORK=${WORK:-$(mktemp -d /tmp/bench-search.XXXXXX)}
WRK_SECONDS=${WRK_SECONDS:-30}
WRK_CONNS=${WRK_CONNS:-8}
WRK_TIMEOUT=${WRK_TIMEOUT:-10s}
WRK_THREADS=${WRK_THREADS:-2}
PORT=${PORT:-18080}
mkdir -p "$WORK"

if ! command -v wrk >/dev/null; then
	echo "wrk is missing; installing it (Debian package wrk)" >&2
	apt-get install -y wrk >/dev/null || { echo "cannot install wrk; run: apt-get install -y wrk" >&2; exit 1; }
fi

echo "== machine"
echo "date:  $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "nproc: $(nproc)"
echo "cpu:   $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
free -g | sed 's/^/       /'
echo "go:    $(go version)"

go build -o "$WORK/benchsearch" ./cmd/benchsearch
go build -o "$WORK/policywatch" ./cmd/policywatch

if [ -n "${SKIP_ENGINES:-}" ]; then
	echo "== engines skipped (SKIP_ENGINES): serving the index already in $WORK"
else
	echo "== engines (sizes $SIZES)"
	"$WORK/benchsearch" -sizes "$SIZES" -work "$WORK" -keep -json "$WORK/results.json" | tee "$WORK/engines.md"
fi

# The web part serves the first size's Bleve index, which the benchmark
# built with index.Open, exactly as `policywatch serve` opens it.
N=${SIZES%%,*}
DATA="$WORK/data-$N"
rm -rf "$DATA" && mkdir -p "$DATA"
ln -s "$WORK/bleve-$N" "$DATA/index"
# serve refuses a data directory without a store; `user add` creates one.
printf 'bench-search-password\n' | "$WORK/policywatch" user add --data "$DATA" bench >/dev/null 2>&1

# Searches a reader makes on the search page: words, phrases, boolean,
# facet filters with dates, Chinese in both scripts, prefixes and paging.
cat >"$WORK/paths.lua" <<'EOF'
local paths = {
  "/?q=sanctions",
  "/?q=extradition",
  "/?q=%22national+security+law%22",
  "/?q=%22export+controls%22",
  "/?q=sanctions+AND+(visa+OR+extradition)+NOT+treaty",
  "/?q=(autonomy+OR+secession)+AND+%22foreign+forces%22",
  "/?q=visa&category=visa-restriction&from=2020-07-01&to=2020-12-31",
  "/?q=%22asset+freezes%22&category=sanction&kind=official&from=2021-01-01&to=2021-12-31",
  "/?q=%E9%A6%99%E6%B8%AF",
  "/?q=%E5%9C%8B%E5%AE%89%E6%B3%95",
  "/?q=%E5%9B%BD%E5%AE%B6%E5%AE%89%E5%85%A8",
  "/?q=sanct*&sort=date&page=3",
  "/?q=prosecut*&page=2",
  "/?q=treaty&actor=uk",
  "/?category=extradition&sort=date",
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
EOF

# load CACHE LABEL: serve the index with --search-cache CACHE and load
# the search page with wrk. With the cache (as `serve` runs by default) a
# search asked again before the index changes is answered from memory, so
# this list of 15 URLs measures the page itself once warm; with 0 every
# request runs its search.
load() {
	local cache=$1 label=$2 out="$WORK/wrk-$2.txt"
	"$WORK/policywatch" serve -data "$DATA" -addr "127.0.0.1:$PORT" -search-cache "$cache" >"$WORK/serve-$label.log" 2>&1 &
	SERVER=$!
	for _ in $(seq 1 100); do
		curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
		sleep 0.2
	done
	curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null || { echo "policywatch serve did not start:" >&2; cat "$WORK/serve-$label.log" >&2; exit 1; }
	echo "== web search page at $N documents, $label (--search-cache $cache; wrk, ${WRK_THREADS} threads, ${WRK_CONNS} connections, ${WRK_SECONDS}s)"
	# Every URL once, one at a time, before the warm-up: otherwise the
	# first searches of a fresh process (each also reads the segments'
	# facet keys) are still running when the timed run starts.
	grep -o '"/[^"]*"' "$WORK/paths.lua" | tr -d '"' | while read -r path; do
		curl -fsS -o /dev/null "http://127.0.0.1:$PORT$path"
	done
	wrk -t"$WRK_THREADS" -c"$WRK_CONNS" --timeout "$WRK_TIMEOUT" -d5s -s "$WORK/paths.lua" "http://127.0.0.1:$PORT" >/dev/null # warm-up
	wrk -t"$WRK_THREADS" -c"$WRK_CONNS" --timeout "$WRK_TIMEOUT" -d"${WRK_SECONDS}s" --latency -s "$WORK/paths.lua" "http://127.0.0.1:$PORT" | tee "$out"
	RSS_KB=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER/status")
	echo "server peak RSS (VmHWM): $((RSS_KB / 1024)) MiB" | tee -a "$out"
	kill "$SERVER" && wait "$SERVER" 2>/dev/null || true

	RPS=$(awk '/Requests\/sec/ {print $2}' "$out")
	NON2XX=$(awk '/Non-2xx/ {print $NF}' "$out")
	SOCKERR=$(grep -c 'Socket errors' "$out" || true)
	awk -v rps="$RPS" -v bad="${NON2XX:-0}" -v sock="$SOCKERR" -v n="$N" -v label="$label" 'BEGIN {
		ok = (rps >= 300 && bad == 0 && sock == 0)
		m = (rps - 300) / 300 * 100; if (m < 0) m = -m
		printf "web search page (%s) >= 300 req/s at %d docs with no errors: %.1f req/s, %d non-2xx, %s: %s by %.0f%%\n",
			label, n, rps, bad, (sock ? "socket errors" : "no socket errors"), (ok ? "PASS" : "MISS"), m
	}' | tee -a "$out"
}
trap 'kill $SERVER 2>/dev/null || true' EXIT
load 512 cached
load 0 uncached
echo "results: $WORK (engines.md, results.json, wrk-cached.txt, wrk-uncached.txt)"
