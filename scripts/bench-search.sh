#!/usr/bin/env bash
# Search benchmark (issues 6 and 17): Bleve vs SQLite FTS5 on synthetic
# corpora, the 1M index served again within a 1 GiB memory limit, then
# the web search page under wrk, with and without the result cache.
#
#   scripts/bench-search.sh                      # 100k and 1M documents (about an hour here)
#   SIZES=100000 scripts/bench-search.sh         # 100k only (about 10 min)
#   SIZES=10000 WRK_SECONDS=10 scripts/bench-search.sh   # a quick try
#
# Environment: SIZES (default 100000,1000000), WORK (default a new temp dir, kept:
# it holds the indexes and the archives), WRK_SECONDS (30), WRK_CONNS (8), WRK_THREADS (2),
# WRK_TIMEOUT (10s: slower answers count as errors), MEM_LIMIT (1GiB; 0: skip the
# limited run), PORT (18080), SKIP_ENGINES (set: only the web part, on WORK's index).
# Needs wrk (Debian: apt-get install -y wrk). The memory limit needs a writable
# memory cgroup (v2 or v1; benchsearch says how it was enforced, or that it was not).
set -euo pipefail

cd "$(dirname "$0")/.."
SIZES=${SIZES:-100000,1000000}
WORK=${WORK:-$(mktemp -d /tmp/bench-search.XXXXXX)}
WRK_SECONDS=${WRK_SECONDS:-30}
WRK_CONNS=${WRK_CONNS:-8}
WRK_TIMEOUT=${WRK_TIMEOUT:-10s}
WRK_THREADS=${WRK_THREADS:-2}
MEM_LIMIT=${MEM_LIMIT:-1GiB}
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
echo "load:  $(uptime)"

go build -o "$WORK/benchsearch" ./cmd/benchsearch
go build -o "$WORK/policywatch" ./cmd/policywatch

if [ -n "${SKIP_ENGINES:-}" ]; then
	echo "== engines skipped (SKIP_ENGINES): serving the index already in $WORK"
else
	echo "== engines (sizes $SIZES)"
	"$WORK/benchsearch" -sizes "$SIZES" -work "$WORK" -keep -mem-limit "$MEM_LIMIT" -json "$WORK/results.json" | tee "$WORK/engines.md"
	echo "load after the engines: $(uptime)"
fi

# The web part serves the first size's data directory: the archive
# benchsearch wrote (a policywatch store holding the corpus, which the
# snippets come from) and its Bleve index, built with index.Open, exactly
# as `policywatch serve` opens it.
N=${SIZES%%,*}
DATA="$WORK/data-$N"
# The archive is a store, so serve (which refuses a data directory
# without one) opens it as it is.
[ -f "$DATA/policywatch.db" ] || { echo "no archive in $DATA: run without SKIP_ENGINES first" >&2; exit 1; }
ln -sfn "$WORK/bleve-$N" "$DATA/index"

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
# request runs its search (issue 17: >= 60 req/s, no errors, p99 <= 500 ms).
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
	echo "load before: $(uptime)" | tee "$out"
	CPU0=$(cpu_ticks "$SERVER")
	wrk -t"$WRK_THREADS" -c"$WRK_CONNS" --timeout "$WRK_TIMEOUT" -d"${WRK_SECONDS}s" --latency -s "$WORK/paths.lua" "http://127.0.0.1:$PORT" | tee -a "$out"
	CPU1=$(cpu_ticks "$SERVER")
	echo "load after: $(uptime)" | tee -a "$out"
	# The server's own CPU time per request: what the page costs, whatever
	# else the machine was doing (wrk's figures depend on that).
	awk -v t="$((CPU1 - CPU0))" -v hz="$(getconf CLK_TCK)" '/requests in/ {
		printf "server CPU per request: %.1f ms (%.1f s for %d requests)\n", t * 1000 / hz / $1, t / hz, $1 }' "$out" | tee -a "$out"
	RSS_KB=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER/status")
	echo "server peak RSS (VmHWM): $((RSS_KB / 1024)) MiB" | tee -a "$out"
	kill "$SERVER" && wait "$SERVER" 2>/dev/null || true

	RPS=$(awk '/Requests\/sec/ {print $2}' "$out")
	NON2XX=$(awk '/Non-2xx/ {print $NF}' "$out")
	SOCKERR=$(grep -c 'Socket errors' "$out" || true)
	# wrk prints the 99th percentile with its unit (us, ms, s, m).
	P99=$(awk '$1 == "99%" {v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
		m = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : 60000; print v * m}' "$out")
	if [ "$cache" = 0 ]; then
		awk -v rps="$RPS" -v bad="${NON2XX:-0}" -v sock="$SOCKERR" -v p99="${P99:-0}" -v n="$N" 'BEGIN {
			ok = (rps >= 60 && bad == 0 && sock == 0 && p99 <= 500)
			printf "web search page (uncached) >= 60 req/s at %d docs, no errors, p99 <= 500 ms: %.1f req/s, %d non-2xx, %s, p99 %.0f ms: %s\n",
				n, rps, bad, (sock ? "socket errors" : "no socket errors"), p99, (ok ? "PASS" : "MISS")
		}' | tee -a "$out"
	else
		printf "web search page (cached, as served by default) at %d docs: %s req/s, %s non-2xx, p99 %.0f ms\n" \
			"$N" "$RPS" "${NON2XX:-0}" "${P99:-0}" | tee -a "$out"
	fi
}
# cpu_ticks PID: user + system CPU time of a process, in clock ticks.
cpu_ticks() {
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}
trap 'kill $SERVER 2>/dev/null || true' EXIT
load 512 cached
load 0 uncached
echo "results: $WORK (engines.md, results.json, wrk-cached.txt, wrk-uncached.txt)"
