#!/usr/bin/env bash
# Create the PostgreSQL database the tests use (sohoa_test on 127.0.0.1:5432) with its extensions.
# Idempotent. SOHOA_TEST_PG_URL overrides the server (postgresql+psycopg://user@host:port/db).
set -euo pipefail
host="${PGHOST:-127.0.0.1}"; port="${PGPORT:-5432}"; user="${PGUSER:-postgres}"; db="${SOHOA_TEST_PG_DB:-sohoa_test}"
psql_base=(psql -X -q -h "$host" -p "$port" -U "$user" -v ON_ERROR_STOP=1)
if ! "${psql_base[@]}" -d postgres -c 'select 1' >/dev/null 2>&1; then
  # The server may be installed but stopped (Debian's cluster layout).
  if command -v pg_ctlcluster >/dev/null && ls /etc/postgresql >/dev/null 2>&1; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start >/dev/null 2>&1 || true
    sleep 2
  fi
fi
"${psql_base[@]}" -d postgres -c 'select 1' >/dev/null
exists=$("${psql_base[@]}" -d postgres -tAc "select 1 from pg_database where datname='$db'")
[ "$exists" = 1 ] || "${psql_base[@]}" -d postgres -c "create database $db"
"${psql_base[@]}" -d "$db" -c 'create extension if not exists unaccent; create extension if not exists pg_trgm;'
