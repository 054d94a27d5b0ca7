#!/usr/bin/env bash
# The engine and nginx (haproxy for passthrough) side by side in one run, interleaved: both
# proxies run at once on CPU 0 (only the one under load uses it), and short measured runs
# alternate between them, round after round. This machine changes speed for minutes at a time
# (nginx's own cost moves between 14.4 and 17.6 µs per request); runs a few seconds apart see the
# same machine, so the ratios hold where back-to-back runs of a minute each did not.
#   dotnet publish src/Controller -c Release -o /tmp/bin
#   bash bench/proxy/interleave.sh /tmp/bin 19080 [rounds, default 8] [seconds per run, default 4]
#   TLS=1 bash bench/proxy/interleave.sh ...     (keep-alive TLS offload)
#   PASS=1 bash bench/proxy/interleave.sh ...    (TLS passthrough, against haproxy instead of nginx)
#   AGAINST=/tmp/bin-b bash bench/proxy/interleave.sh /tmp/bin-a ...
#                       (two builds of the engine against each other instead, "engine" and "engine-b":
#                        an A/B of a change that moves the cost by less than the machine's phases do)
# Prints each round, then per proxy: requests per second over all its runs, CPU µs per request
# (user), and the median and worst of its runs' p99; then engine/nginx (engine/haproxy, engine/engine-b).
set -euo pipefail
BIN=$1; P=$2; ROUNDS=${3:-8}; SECS=${4:-4}
W=$(mktemp -d /tmp/il-XXXX)
HERE=$(dirname "$0")
# shellcheck source=warm.sh
. "$HERE/warm.sh"
# shellcheck source=ab-setup.sh
. "$HERE/ab-setup.sh"
trap 'kill $(jobs -p) 2>/dev/null || true; sleep 0.3; rm -rf "$W"' EXIT
start_backend
write_manifests
# The other proxy: a second build, nginx, or haproxy for passthrough (nginx's http proxy cannot
# pass TLS on by SNI).
if [ -n "${AGAINST:-}" ]; then
  OTHER=engine-b; start_engine "$AGAINST" $((P + 10)); OTHER_PID=$ENGINE_PID
elif [ "${PASS:-}" = 1 ]; then
  OTHER=haproxy; start_haproxy_proxy $((P + 10)); OTHER_PID=$HAPROXY_PID
else
  OTHER=nginx; start_nginx_proxy $((P + 10)); OTHER_PID=$NGINX_PID
fi
start_engine "$BIN"
OURS_URL=$(url "$P"); OTHER_URL=$(url $((P + 10)))
taskset -c 1 wrk -t1 -c32 -d12s "$OTHER_URL" >/dev/null 2>&1
taskset -c 1 wrk -t1 -c32 -d12s "$OURS_URL" >/dev/null 2>&1
steady "$ENGINE_PID" 1 "$OURS_URL" "$ENGINE_STARTED"
if [ -n "${AGAINST:-}" ]; then # started first, so past its late tier-ups too; its hot path warmed again
  taskset -c 1 wrk -t1 -c32 -d12s "$OTHER_URL" >/dev/null 2>&1
  echo "engine-b settled after $(settle "$OTHER_PID" 1 "$OTHER_URL") more 2 s runs"
  kb=$(jit_cpu "$OTHER_PID")
fi
echo "engine settled after $(settle "$ENGINE_PID" 1 "$OURS_URL") more 2 s runs"
k0=$(jit_cpu "$ENGINE_PID")

alternate "$ROUNDS" engine "$ENGINE_PID" "$OURS_URL" "$OTHER" "$OTHER_PID" "$OTHER_URL"
echo "JIT compiling in the engine during the measured runs: $(($(jit_delta "$k0" "$(jit_cpu "$ENGINE_PID")") / 1000)) ms"
if [ -n "${AGAINST:-}" ]; then echo "JIT compiling in engine-b during the measured runs: $(($(jit_delta "$kb" "$(jit_cpu "$OTHER_PID")") / 1000)) ms"; fi
E=$(summary engine); N=$(summary "$OTHER")
print_summaries "$E" "$N"
read -r _ er _ _ ep _ <<<"$E"; read -r _ nr _ _ np _ <<<"$N"
awk -v er="$er" -v nr="$nr" -v ep="$ep" -v np="$np" -v o="$OTHER" -v s="$([ "${PASS:-}" = 1 ] && echo "TLS passthrough" || echo "$SCHEME keep-alive")" \
  'BEGIN {printf "engine/%s (%s): requests per second %.2f, median p99 %.2f\n", o, s, er/nr, ep/np}'
