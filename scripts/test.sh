#!/usr/bin/env bash
# `make test`: Rust tests on SQLite and PostgreSQL, then the web UI's unit and browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."

export XIETONG_TEST_PG_URL="${XIETONG_TEST_PG_URL:-$(bash scripts/ensure-postgres.sh)}"
echo "PostgreSQL for tests: ${XIETONG_TEST_PG_URL//:postgres@/:***@}"
# Databases left by interrupted runs.
psql "$XIETONG_TEST_PG_URL" -Atqc "select datname from pg_database where datname like 'xt_test_%'" \
  | while read -r db; do psql "$XIETONG_TEST_PG_URL" -qc "drop database if exists \"$db\"" >/dev/null || true; done

if ! cargo nextest --version >/dev/null 2>&1; then
  cargo install --locked cargo-nextest
fi
cargo nextest run --workspace --no-fail-fast

# Web: unit tests, lint, types, then the browser tests against the real server binary.
cargo build -p xietong-server
bin="${CARGO_TARGET_DIR:-$PWD/target}/debug/xietong"
cd web
npm ci --no-audit --no-fund
npm run lint
npm run typecheck
npm test
XIETONG_BIN="$bin" npm run e2e
