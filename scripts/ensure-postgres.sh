#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers on 127.0.0.1:5432 and prints a URL that connects as a
# superuser. Starts the local cluster if it is stopped; installs Debian's postgresql if absent.
set -euo pipefail
HOST=127.0.0.1 PORT=5432
try() { psql "$1" -Atqc 'select 1' >/dev/null 2>&1; }
TRUST_URL="postgres://postgres@$HOST:$PORT/postgres"
PW_URL="postgres://postgres:postgres@$HOST:$PORT/postgres"

if ! command -v psql >/dev/null 2>&1 || ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
  if ! pg_isready -h $HOST -p $PORT >/dev/null 2>&1; then
    echo "installing PostgreSQL (Debian package)" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 && apt-get install -y -qq postgresql postgresql-client >&2
  fi
fi
if ! pg_isready -h $HOST -p $PORT >/dev/null 2>&1; then
  ver=$(ls /etc/postgresql | sort -V | tail -n1)
  echo "starting PostgreSQL $ver" >&2
  pg_ctlcluster --skip-systemctl-redirect "$ver" main start >&2 || pg_ctlcluster "$ver" main start >&2
  for _ in $(seq 1 30); do pg_isready -h $HOST -p $PORT >/dev/null 2>&1 && break; sleep 1; done
fi
if try "$TRUST_URL"; then echo "$TRUST_URL"; exit 0; fi
if try "$PW_URL"; then echo "$PW_URL"; exit 0; fi
# A fresh Debian cluster refuses passwordless TCP: give the superuser a known local password.
su postgres -c "psql -qc \"ALTER USER postgres PASSWORD 'postgres'\"" >&2
try "$PW_URL" && { echo "$PW_URL"; exit 0; }
echo "PostgreSQL does not accept connections on $HOST:$PORT" >&2
exit 1
