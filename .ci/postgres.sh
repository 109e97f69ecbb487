#!/usr/bin/env bash
# Installs (Debian package), starts and prepares a local PostgreSQL for the
# PostgreSQL store tests, then exports NEWSGRAPH_TEST_PG with its URL.
# Idempotent: safe to run (or `source`) again with PostgreSQL already
# installed, running, and the role/database already created.
# Usage: `source .ci/postgres.sh` (from .ci/run) or `bash .ci/postgres.sh`.
set -euo pipefail

ng_pg_user="${NEWSGRAPH_PG_USER:-newsgraph}"
ng_pg_pass="${NEWSGRAPH_PG_PASSWORD:-newsgraph}"
ng_pg_db="${NEWSGRAPH_PG_DB:-newsgraph_test}"
ng_pg_port="${NEWSGRAPH_PG_PORT:-5432}"

ng_pg_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}
ng_pg_as_postgres() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        sudo -u postgres "$@"
    fi
}

echo "== postgresql"
if ! command -v pg_ctlcluster >/dev/null || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    ng_pg_root apt-get update -qq
    ng_pg_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql
fi

# The newest installed major version and its cluster (created by the package).
ng_pg_ver="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
if ! pg_lsclusters -h | awk -v v="$ng_pg_ver" '$1 == v && $2 == "main"' | grep -q .; then
    ng_pg_root pg_createcluster "$ng_pg_ver" main -p "$ng_pg_port"
fi
if ! pg_lsclusters -h | awk -v v="$ng_pg_ver" '$1 == v && $2 == "main" && $4 == "online"' | grep -q .; then
    ng_pg_root pg_ctlcluster "$ng_pg_ver" main start
fi
ng_pg_port="$(pg_lsclusters -h | awk -v v="$ng_pg_ver" '$1 == v && $2 == "main" {print $3}')"

# Wait until the server accepts connections (up to 60 s).
for _ in $(seq 1 60); do
    if pg_isready -q -h 127.0.0.1 -p "$ng_pg_port"; then break; fi
    sleep 1
done
pg_isready -h 127.0.0.1 -p "$ng_pg_port" >/dev/null || {
    echo "postgresql did not start on port $ng_pg_port" >&2
    return 1 2>/dev/null || exit 1
}

# A password-authenticated role owning a test database (created once).
ng_pg_psql() { ng_pg_as_postgres psql -X -q -v ON_ERROR_STOP=1 -p "$ng_pg_port" -d postgres "$@"; }
if [ "$(ng_pg_psql -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$ng_pg_user'")" != 1 ]; then
    ng_pg_psql -c "CREATE ROLE \"$ng_pg_user\" LOGIN PASSWORD '$ng_pg_pass'"
else
    ng_pg_psql -c "ALTER ROLE \"$ng_pg_user\" LOGIN PASSWORD '$ng_pg_pass'"
fi
if [ "$(ng_pg_psql -tAc "SELECT 1 FROM pg_database WHERE datname = '$ng_pg_db'")" != 1 ]; then
    ng_pg_psql -c "CREATE DATABASE \"$ng_pg_db\" OWNER \"$ng_pg_user\""
fi

export NEWSGRAPH_TEST_PG="postgres://$ng_pg_user:$ng_pg_pass@127.0.0.1:$ng_pg_port/$ng_pg_db"
# Prove the URL works with a password over TCP before the tests use it.
PGPASSWORD="$ng_pg_pass" psql -X -q -h 127.0.0.1 -p "$ng_pg_port" -U "$ng_pg_user" -d "$ng_pg_db" -tAc "SELECT 1" >/dev/null
echo "NEWSGRAPH_TEST_PG=$NEWSGRAPH_TEST_PG"
