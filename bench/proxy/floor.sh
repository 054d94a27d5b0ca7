#!/usr/bin/env bash
# Where a proxied request's CPU goes: what answering costs before any proxying, interleaved.
# nginx answering by itself (nginx-origin) and Kestrel's socket transport and pipes answering by
# itself (kestrel-floor, bench/CloudIngress.TransportFloor, the proxy's transport settings), both
# on CPU 0 (wrk on CPU 1); the .NET one loaded until 150 s after its start and until the JIT is
# done (warm.sh); then short measured runs alternate between the two, round after round, so both
# see the same machine (it changes speed for minutes at a time). Then the two proxies the same
# way (interleave.sh). The proxy's cost minus its server's floor is what the upstream leg and the
# proxying add.
#   bash bench/proxy/floor.sh BIN PORT [rounds, default 8] [seconds per run, default 4]
#     (BIN: a published src/Controller, as for interleave.sh)
#   TLS=1 bash bench/proxy/floor.sh ...    (keep-alive TLS: nginx answering over TLS, the floor behind
#                                           Kestrel's UseHttps, and the two proxies offloading TLS)
set -euo pipefail
BIN=$1; P=$2; ROUNDS=${3:-8}; SECS=${4:-4}
HERE=$(cd "$(dirname "$0")" && pwd)
W=$(mktemp -d /tmp/floor-XXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; sleep 0.3; rm -rf "$W"' EXIT
# shellcheck source=warm.sh
. "$HERE/warm.sh"
# shellcheck source=ab-setup.sh
. "$HERE/ab-setup.sh"
dotnet publish "$HERE/../CloudIngress.TransportFloor" -c Release -o "$W/floor" >/dev/null
SCHEME=http; SSL=""; FLOOR_TLS=()
if [ "${TLS:-}" = 1 ]; then # the same certificate and protocols as the proxies' TLS runs
  self_signed floor; SCHEME=https; FLOOR_TLS=("$W/floor.crt" "$W/floor.key")
  SSL="ssl; ssl_certificate $W/floor.crt; ssl_certificate_key $W/floor.key; ssl_protocols TLSv1.2 TLSv1.3; ssl_session_cache off; ssl_session_tickets off"
fi
NGINX_URL="$SCHEME://localhost:$P/"; FLOOR_URL="$SCHEME://localhost:$((P + 5))/"

cat > "$W/origin.conf" <<CONF
worker_processes 1; daemon off; pid $W/origin.pid; error_log $W/origin.err warn;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000; keepalive_timeout 300s;
  server { listen 127.0.0.1:$P backlog=4096 $SSL; location / { return 200 "hello from the backend\n"; } } }
CONF
taskset -c 0 nginx -c "$W/origin.conf" -p "$W" & sleep 0.5
NGINX=$(pgrep -P "$(cat "$W/origin.pid")" | head -1)
DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 taskset -c 0 dotnet "$W/floor/CloudIngress.TransportFloor.dll" $((P + 5)) "${FLOOR_TLS[@]}" >"$W/floor.log" 2>&1 &
FLOOR=$!; STARTED=$(date +%s)
for _ in $(seq 1 100); do curl -skf "$FLOOR_URL" >/dev/null 2>&1 && break; sleep 0.1; done
taskset -c 1 wrk -t1 -c32 -d12s "$NGINX_URL" >/dev/null 2>&1
taskset -c 1 wrk -t1 -c32 -d12s "$FLOOR_URL" >/dev/null 2>&1
steady "$FLOOR" 1 "$FLOOR_URL" "$STARTED"
echo "kestrel-floor settled after $(settle "$FLOOR" 1 "$FLOOR_URL") more 2 s runs"
alternate "$ROUNDS" kestrel-floor "$FLOOR" "$FLOOR_URL" nginx-origin "$NGINX" "$NGINX_URL"
print_summaries "$(summary kestrel-floor)" "$(summary nginx-origin)"
kill $(jobs -p) 2>/dev/null || true; sleep 0.5

echo "== the two proxies (interleave.sh)"
bash "$HERE/interleave.sh" "$BIN" $((P + 20)) "$ROUNDS" "$SECS"
