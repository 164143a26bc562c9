#!/usr/bin/env bash
# Platform figures of issue 2, measured on the release binary:
#   cold start to a 200 from /healthz on a fresh SQLite data dir, idle RSS, and
#   GET /api/v1/me requests/s at 64 concurrent connections on loopback (wrk, 10 s).
# Usage: bash scripts/platform-figures.sh [path/to/xietong]   (needs curl and wrk)
set -euo pipefail
BIN=${1:-target/release/xietong}
PORT=18090
PW='Xietong@2026!'
NEWPW='Figures#Run-27'
command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null; }
tmp=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$tmp"' EXIT

ms() { date +%s%N; }
starts=()
for i in 1 2 3 4 5; do
  dir="$tmp/cold$i"
  t0=$(ms)
  XIETONG_ADMIN_PASSWORD=$PW "$BIN" serve --data-dir "$dir" --listen 127.0.0.1:$PORT --log warn >/dev/null 2>&1 &
  pid=$!
  until curl -sf -o /dev/null http://127.0.0.1:$PORT/healthz; do sleep 0.005; done
  t1=$(ms)
  starts+=($(( (t1 - t0) / 1000000 )))
  kill $pid; wait $pid 2>/dev/null || true
done
echo "cold start to /healthz 200 (fresh SQLite, ms): ${starts[*]}"

# Warm start on an existing data dir, then idle RSS.
XIETONG_ADMIN_PASSWORD=$PW "$BIN" serve --data-dir "$tmp/cold1" --listen 127.0.0.1:$PORT --log warn >/dev/null 2>&1 &
pid=$!
until curl -sf -o /dev/null http://127.0.0.1:$PORT/healthz; do sleep 0.005; done
sleep 2
echo "idle RSS after start: $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status)"

jar="$tmp/cookies"
curl -sf -c "$jar" -H 'content-type: application/json' -d "{\"username\":\"admin\",\"password\":\"$PW\"}" http://127.0.0.1:$PORT/api/v1/auth/login >/dev/null
csrf=$(awk '$6=="xt_csrf" {print $7}' "$jar")
sess=$(awk '$6=="xt_session" {print $7}' "$jar")
curl -sf -b "$jar" -H "x-csrf-token: $csrf" -H 'content-type: application/json' \
  -d "{\"old_password\":\"$PW\",\"new_password\":\"$NEWPW\"}" http://127.0.0.1:$PORT/api/v1/auth/password >/dev/null
wrk -t2 -c64 -d10s -H "Cookie: xt_session=$sess" http://127.0.0.1:$PORT/api/v1/me | sed -n '1,12p'
echo "RSS after load: $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status)"
sleep 3
echo "RSS idle after load: $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status)"
