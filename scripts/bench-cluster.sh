#!/usr/bin/env bash
# Cluster benchmarks (issue 13), on a throwaway local PostgreSQL:
#   - pages/s crawled from the shared frontier by 1, 2 and 3 workers, on
#     generated local sites with politeness off (BenchmarkClusterWorkers);
#   - documents/s a server's index takes in from the change log
#     (BenchmarkApplyChangeLog).
#
#   scripts/bench-cluster.sh              # 3 passes of each
#   BENCHTIME=1x scripts/bench-cluster.sh
#
# Uses the PostgreSQL named by POLICYWATCH_TEST_POSTGRES when set, else
# starts one with scripts/testpg.sh and stops it at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
BENCHTIME=${BENCHTIME:-3x}

if [ -z "${POLICYWATCH_TEST_POSTGRES:-}" ]; then
	eval "$(scripts/testpg.sh start)"
	trap 'scripts/testpg.sh stop "$TESTPG_DIR"' EXIT
fi

echo "== machine"
echo "date:  $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "nproc: $(nproc)   load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "go:    $(go version)"
echo "postgres: $(psql --version 2>/dev/null || ls -d /usr/lib/postgresql/*/bin | tail -1)"

echo "== workers on the shared frontier (go test -bench BenchmarkClusterWorkers -benchtime $BENCHTIME)"
go test ./crawler -run '^$' -bench 'BenchmarkClusterWorkers' -benchtime "$BENCHTIME"
echo "== change log into a server's index (go test -bench BenchmarkApplyChangeLog -benchtime $BENCHTIME)"
go test ./cluster -run '^$' -bench 'BenchmarkApplyChangeLog' -benchtime "$BENCHTIME"
