#!/usr/bin/env bash
# The engine and nginx (haproxy for passthrough) side by side in one run, interleaved: both proxies run at once on CPU 0
# (only the one under load uses it), and short measured runs alternate between them, round after
# round. This machine changes speed for minutes at a time (nginx's own cost moves between 14.4 and
# 17.6 µs per request); runs a few seconds apart see the same machine, so the ratios hold where
# back-to-back runs of a minute each did not.
#   dotnet publish src/Controller -c Release -o /tmp/bin
#   bash bench/proxy/interleave.sh /tmp/bin 19080 [rounds, default 8] [seconds per run, default 4]
#   TLS=1 bash bench/proxy/interleave.sh ...     (keep-alive TLS offload)
#   PASS=1 bash bench/proxy/interleave.sh ...    (TLS passthrough, against haproxy instead of nginx)
# Prints each round, then per proxy: requests per second over all its runs, CPU µs per request
# (user), and the median and worst of its runs' p99; then engine/nginx (engine/haproxy).
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
if [ "${PASS:-}" = 1 ]; then # the other proxy: nginx, or haproxy for passthrough (nginx's http proxy cannot pass TLS by SNI)
  OTHER=haproxy; start_haproxy_proxy $((P + 10)); OTHER_PID=$HAPROXY_PID
else
  OTHER=nginx; start_nginx_proxy $((P + 10)); OTHER_PID=$NGINX_PID
fi
start_engine "$BIN"
OURS_URL=$(url "$P"); OTHER_URL=$(url $((P + 10)))
taskset -c 1 wrk -t1 -c32 -d12s "$OTHER_URL" >/dev/null 2>&1
taskset -c 1 wrk -t1 -c32 -d12s "$OURS_URL" >/dev/null 2>&1
steady "$ENGINE_PID" 1 "$OURS_URL" "$ENGINE_STARTED"
echo "engine settled after $(settle "$ENGINE_PID" 1 "$OURS_URL") more 2 s runs"
k0=$(jit_cpu "$ENGINE_PID")

# one NAME PID URL: a measured run; appends "name requests ticks user_ticks p99_us" to $W/runs.
one() {
  local t0 u0 out n p99
  t0=$(cpu_ticks "$2"); u0=$(user_ticks "$2")
  out=$(taskset -c 1 wrk -t1 -c32 -d"${SECS}s" --latency "$3")
  n=$(awk '/requests in/ {print $1}' <<<"$out")
  p99=$(awk '$1=="99%" {v=$2; if (v ~ /ms$/) {sub("ms","",v); v*=1000} else if (v ~ /us$/) sub("us","",v); else if (v ~ /s$/) {sub("s","",v); v*=1000000}; print v}' <<<"$out")
  echo "$1 $n $(($(cpu_ticks "$2") - t0)) $(($(user_ticks "$2") - u0)) $p99" | tee -a "$W/runs"
}
for r in $(seq 1 "$ROUNDS"); do # who goes first alternates, so neither always follows the other
  if [ $((r % 2)) = 1 ]; then one engine "$ENGINE_PID" "$OURS_URL"; one "$OTHER" "$OTHER_PID" "$OTHER_URL"
  else one "$OTHER" "$OTHER_PID" "$OTHER_URL"; one engine "$ENGINE_PID" "$OURS_URL"; fi
done
echo "JIT compiling in the engine during the measured runs: $(($(jit_delta "$k0" "$(jit_cpu "$ENGINE_PID")") / 1000)) ms"
summary() { # name: req/s, CPU µs per request (user), p99 median and worst (µs)
  local p99s; p99s=$(awk -v name="$1" '$1==name {print $5}' "$W/runs" | sort -n)
  awk -v name="$1" -v secs="$SECS" -v hz="$(getconf CLK_TCK)" -v median="$(sed -n "$(( ($(wc -l <<<"$p99s") + 1) / 2 ))p" <<<"$p99s")" \
    -v worst="$(tail -1 <<<"$p99s")" '$1==name {n+=$2; t+=$3; u+=$4; runs++}
    END {printf "%s %.0f %.1f %.1f %.0f %.0f\n", name, n/(runs*secs), t*1e6/hz/n, u*1e6/hz/n, median, worst}' "$W/runs"
}
E=$(summary engine); N=$(summary "$OTHER")
printf "%-7s %9s %22s %12s %10s\n" proxy "req/s" "CPU µs/request (user)" "p99 median" "p99 worst"
for s in "$E" "$N"; do read -r name rps cpu user pm pw <<<"$s"; printf "%-7s %9s %15s (%s) %9s µs %7s µs\n" "$name" "$rps" "$cpu" "$user" "$pm" "$pw"; done
read -r _ er _ _ ep _ <<<"$E"; read -r _ nr _ _ np _ <<<"$N"
awk -v er="$er" -v nr="$nr" -v ep="$ep" -v np="$np" -v o="$OTHER" -v s="$([ "${PASS:-}" = 1 ] && echo "TLS passthrough" || echo "$SCHEME keep-alive")" \
  'BEGIN {printf "engine/%s (%s): requests per second %.2f, median p99 %.2f\n", o, s, er/nr, ep/np}'
