#!/usr/bin/env bash
# Install the Debian packages the test suite needs, only where missing.
set -euo pipefail
HERE=$(dirname "${BASH_SOURCE[0]}")
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
bash "$HERE/pg-bin.sh" >/dev/null 2>&1 || need+=(postgresql)
command -v redis-server >/dev/null || need+=(redis-server)
command -v npm >/dev/null || need+=(nodejs npm)  # `make test` runs npm ci (axe-core)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing ${need[*]} with apt-get"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
