#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL server on a loopback port.
# Usage: scripts/with-postgres.sh COMMAND...   (sets TEST_DATABASE_URL)
set -euo pipefail
BIN=$(bash "$(dirname "${BASH_SOURCE[0]}")/pg-bin.sh")
PORT=${PGTEST_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
DIR=$(mktemp -d /tmp/shipshape-pg.XXXXXX)
as_postgres() {
  if [ "$(id -u)" = 0 ]; then su postgres -c "$1"; else bash -c "$1"; fi
}
[ "$(id -u)" = 0 ] && chown postgres "$DIR"
stop() {
  as_postgres "$BIN/pg_ctl -D $DIR/data -m fast -w stop" >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap stop EXIT
as_postgres "$BIN/initdb -D $DIR/data -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8" >/dev/null
as_postgres "$BIN/pg_ctl -D $DIR/data -l $DIR/log -w -o '-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200' start" >/dev/null
as_postgres "$BIN/createdb -h 127.0.0.1 -p $PORT -U postgres shipshape_test"
export TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$PORT/shipshape_test"
export PGTEST_DIR="$DIR" PGTEST_PORT="$PORT"
echo "PostgreSQL test server on 127.0.0.1:$PORT"
"$@"
