#!/usr/bin/env bash
# Print the folder of the newest installed PostgreSQL server's programs
# (Debian keeps each major version in /usr/lib/postgresql/N/bin); fail if none.
set -euo pipefail
ROOT=/usr/lib/postgresql
newest=$(
  for initdb in "$ROOT"/*/bin/initdb; do
    if [ -x "$initdb" ]; then dirname "$initdb"; fi
  done | sort -V | tail -n 1
)
if [ -z "$newest" ]; then
  echo "No PostgreSQL server in $ROOT/*/bin (run: make system-deps)" >&2
  exit 1
fi
echo "$newest"
