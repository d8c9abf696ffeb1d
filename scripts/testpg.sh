#!/usr/bin/env bash
# A throwaway PostgreSQL for tests: Debian's postgresql 15 (or whatever
# pg_ctl is on PATH or in /usr/lib/postgresql/*/bin), initialised into a
# temporary directory and listening on loopback only, with fsync off
# (nothing in it is worth a disk flush).
#
#   eval "$(scripts/testpg.sh start)"   # exports POLICYWATCH_TEST_POSTGRES and TESTPG_DIR
#   go test ./...
#   scripts/testpg.sh stop "$TESTPG_DIR"
#
# initdb refuses to run as root, so as root the server runs as the
# unprivileged "postgres" user (runuser -u postgres --). Tests connect as
# the superuser "postgres" without a password (trust, loopback only):
# they create and drop one database per test.
set -euo pipefail

find_bin() {
	if command -v pg_ctl >/dev/null 2>&1; then
		dirname "$(command -v pg_ctl)"
		return
	fi
	local d
	d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
	if [ -n "$d" ] && [ -x "$d/pg_ctl" ]; then
		echo "$d"
		return
	fi
	return 1
}

as_pg() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

free_port() {
	# Ask the kernel for a free loopback port (bash /dev/tcp cannot listen).
	python3 - <<'EOF' 2>/dev/null || echo $((20000 + RANDOM % 20000))
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
EOF
}

cmd=${1:-}
case "$cmd" in
start)
	BIN=$(find_bin) || {
		echo "testpg: PostgreSQL is not installed (apt-get install -y postgresql)" >&2
		exit 1
	}
	DIR=$(mktemp -d /tmp/testpg.XXXXXX)
	if [ "$(id -u)" = 0 ]; then
		id postgres >/dev/null 2>&1 || useradd --system --home-dir "$DIR" postgres
		chown postgres "$DIR"
	fi
	PORT=${TESTPG_PORT:-$(free_port)}
	as_pg "$BIN/initdb" --pgdata="$DIR/data" --username=postgres --auth=trust --encoding=UTF8 \
		--locale=C.UTF-8 --no-sync >"$DIR/initdb.log" 2>&1 || {
		cat "$DIR/initdb.log" >&2
		exit 1
	}
	# Loopback only; the socket in the temp dir, not /var/run; nothing
	# flushed to disk. max_connections covers a multi-process test (3
	# workers, 2 servers, the test itself) with room to spare.
	as_pg "$BIN/pg_ctl" --pgdata="$DIR/data" --log="$DIR/server.log" --wait --timeout=60 \
		-o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c shared_buffers=32MB" \
		start >/dev/null || {
		cat "$DIR/server.log" >&2
		exit 1
	}
	echo "export TESTPG_DIR=$DIR"
	echo "export POLICYWATCH_TEST_POSTGRES=postgres://postgres@127.0.0.1:$PORT/postgres?sslmode=disable"
	;;
stop)
	DIR=${2:-${TESTPG_DIR:-}}
	[ -n "$DIR" ] && [ -d "$DIR/data" ] || {
		echo "testpg: stop DIR (the TESTPG_DIR that start printed)" >&2
		exit 1
	}
	BIN=$(find_bin)
	as_pg "$BIN/pg_ctl" --pgdata="$DIR/data" --mode=immediate --wait stop >/dev/null 2>&1 || true
	rm -rf "$DIR"
	;;
*)
	echo "usage: $0 start | stop DIR" >&2
	exit 2
	;;
esac
