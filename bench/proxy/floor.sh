#!/usr/bin/env bash
# Where a proxied request's CPU goes: each server alone on CPU 0 (wrk on CPU 1), 12 s warm-up, a
# .NET one loaded until 150 s after its start, runs until the JIT is done (warm.sh), 8 s measured,
# CPU per request from /proc:
#   nginx-origin    nginx answering by itself (no upstream)
#   kestrel-floor   Kestrel's socket transport and pipes, answering by itself (bench/CloudIngress.TransportFloor)
# and, for the same moment, the two proxies from engine-ab.sh (nginx, and the build in BIN).
# The proxy's cost minus its server's floor is what the upstream leg and the proxying add.
#   bash bench/proxy/floor.sh BIN PORT     (BIN: a published src/Controller, as for engine-ab.sh)
set -euo pipefail
BIN=$1; P=$2
HERE=$(cd "$(dirname "$0")" && pwd)
W=$(mktemp -d /tmp/floor-XXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; sleep 0.3; rm -rf "$W"' EXIT
# shellcheck source=warm.sh
. "$HERE/warm.sh"
# shellcheck source=ab-setup.sh
. "$HERE/ab-setup.sh" # cpu_ticks, user_ticks
dotnet publish "$HERE/../CloudIngress.TransportFloor" -c Release -o "$W/floor" >/dev/null

alone() { # name: measure the server on $P started just before, PID in $PID (started at $STARTED)
  taskset -c 1 wrk -t1 -c32 -d12s "http://localhost:$P/" >/dev/null 2>&1
  steady "$PID" 1 "http://localhost:$P/" "$STARTED" # a .NET server: past its late tier-ups (warm.sh)
  local s; s=$(settle "$PID" 1 "http://localhost:$P/")
  local u0 t0 u1 t1 out n
  u0=$(user_ticks "$PID"); t0=$(cpu_ticks "$PID")
  out=$(taskset -c 1 wrk -t1 -c32 -d8s -s "$HERE/percentiles.lua" "http://localhost:$P/")
  u1=$(user_ticks "$PID"); t1=$(cpu_ticks "$PID")
  n=$(awk '/requests in/ {print $1}' <<<"$out")
  printf "%-14s settled+%-2s req/s=%-10s cpu_us_per_req=%s (user %s)\n" "$1" "$s" "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" \
    "$(awk -v t=$((t1-t0)) -v n="$n" -v hz="$(getconf CLK_TCK)" 'BEGIN{printf "%.1f", t*1e6/hz/n}')" \
    "$(awk -v t=$((u1-u0)) -v n="$n" -v hz="$(getconf CLK_TCK)" 'BEGIN{printf "%.1f", t*1e6/hz/n}')"
  grep '^latency' <<<"$out"
}

cat > "$W/origin.conf" <<CONF
worker_processes 1; daemon off; pid $W/origin.pid; error_log $W/origin.err warn;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000; keepalive_timeout 300s;
  server { listen 127.0.0.1:$P backlog=4096; location / { return 200 "hello from the backend\n"; } } }
CONF
taskset -c 0 nginx -c "$W/origin.conf" -p "$W" & NG=$!; STARTED=$(date +%s); sleep 0.5
PID=$(pgrep -P "$(cat "$W/origin.pid")" | head -1)
alone nginx-origin
kill $NG; wait $NG 2>/dev/null || true; sleep 0.5

DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 taskset -c 0 dotnet "$W/floor/CloudIngress.TransportFloor.dll" "$P" >"$W/floor.log" 2>&1 & PID=$!; STARTED=$(date +%s)
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$P/" >/dev/null 2>&1 && break; sleep 0.1; done
alone kestrel-floor
kill $PID; wait $PID 2>/dev/null || true; sleep 0.5

bash "$HERE/engine-ab.sh" nginx "$P" | grep -v "^settled"
bash "$HERE/engine-ab.sh" "$BIN" "$P" | grep -v "^settled"
