#!/bin/sh
# Container entrypoint: prepare the database, then exec the command.
#   entrypoint.sh migrate    migrate the schema, import content/, and exit
#   entrypoint.sh CMD...     do the same unless MIGRATE_ON_START=0, then exec CMD
# Both steps are idempotent: `db upgrade` is a no-op on a current schema and
# `content import` is a no-op when no pack changed.
set -eu

migrate() {
    flask --app app db upgrade
    flask --app app content import
}

if [ "${1:-}" = "migrate" ]; then
    migrate
    exit 0
fi

if [ "${MIGRATE_ON_START:-1}" = "1" ]; then
    migrate
fi

exec "$@"
