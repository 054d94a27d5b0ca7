#!/usr/bin/env bash
# One build of the engine alone, started as bench/proxy/run.sh starts it (CPU 0, inline
# completions) in front of the same nginx backend: 12 s warm-up, load until 150 s after start and
# runs until the JIT is done (warm.sh), 8 s measured, CPU per request.
# For A/B runs of two builds, alternated (a 1-minute run where run.sh takes 8):
#   dotnet publish src/Controller -c Release -o /tmp/bin-a   (and /tmp/bin-b from the other tree)
#   bash bench/proxy/engine-ab.sh /tmp/bin-a 19080 [strace|counters|allocs]
#   bash bench/proxy/engine-ab.sh nginx 19080     (nginx as the proxy, for the same run beside it)
#   TLS=1 bash bench/proxy/engine-ab.sh ...       (keep-alive TLS offload instead of plain HTTP)
# The optional third argument measures more of the same run:
#   strace    system calls (`strace -c -f`)
#   counters  dotnet-counters System.Runtime (allocation rate, GCs)
#   allocs    what was allocated, by type (bench/CloudIngress.AllocationHook)
#   perf      `perf record`: share by object, then the top symbols (JIT code named through the
#             runtime's perf map); PERF_KEEP=FILE keeps the data for more reports
#   sched     which threads ran on the proxy's CPU, how long and how often (`perf sched`)
#   jit       the methods the JIT compiled during the measured run, with their tier
# Every line also prints context switches per request (all the proxy's threads).
set -euo pipefail
BIN=$1; P=$2; STRACE=${3:-} # the optional third argument, above
W=$(mktemp -d /tmp/ab-XXXX)
# shellcheck source=warm.sh
. "$(dirname "$0")/warm.sh"
trap 'kill $(jobs -p) 2>/dev/null || true; sleep 0.3; rm -rf "$W"' EXIT
# shellcheck source=ab-setup.sh
. "$(dirname "$0")/ab-setup.sh"
start_backend
write_manifests
URL=$(url "$P")
if [ "$STRACE" = allocs ]; then
  dotnet build "$(dirname "$0")/../CloudIngress.AllocationHook" -c Release -o "$W/hook" >/dev/null
  export DOTNET_STARTUP_HOOKS="$W/hook/CloudIngress.AllocationHook.dll" CLOUDINGRESS_ALLOC_OUT="$W/allocs"
fi
if [ "$STRACE" = jit ]; then export DOTNET_JitDisasmSummary=1 DOTNET_JitStdOutFile="$W/jit.txt"; fi # every method compiled, with its tier
if [ "$STRACE" = perf ]; then export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0; fi # W^X off: perf then finds JIT code by the map
if [ "$BIN" = nginx ]; then # nginx as the proxy, configured as in run.sh, for a side-by-side in the same conditions
  start_nginx_proxy "$P"; PID=$NGINX_PID
else
  start_engine "$BIN"; PID=$ENGINE_PID; STARTED=$ENGINE_STARTED
fi
taskset -c 1 wrk -t1 -c32 -d12s "$URL" >/dev/null 2>&1
steady $PID 1 "$URL" "${STARTED:-0}" # STEADY=0 skips it, for quick A/B runs of throughput
echo "settled after $(settle $PID 1 "$URL") more 2 s runs"
ctx() { cat /proc/"$1"/task/*/status 2>/dev/null | awk '/ctxt_switches/ {n += $2} END {print n}'; } # context switches, all threads
j0=0; if [ -f "$W/jit.txt" ]; then j0=$(wc -l <"$W/jit.txt"); fi
k0=$(jit_cpu $PID)
u0=$(user_ticks $PID); t0=$(cpu_ticks $PID); c0=$(ctx $PID)
if [ "$STRACE" = allocs ]; then sleep 1.1; cp "$W/allocs" "$W/allocs0"; fi
if [ "$STRACE" = counters ]; then "${DOTNET_COUNTERS:-$HOME/.dotnet/tools/dotnet-counters}" collect -p $PID --counters System.Runtime --duration 00:00:06 --format csv -o "$W/c.csv" > $W/c.log 2>&1 & ST=$!;
elif [ "$STRACE" = strace ]; then strace -c -f -p $PID -o "$W/strace.txt" & ST=$!; sleep 0.5;
elif [ "$STRACE" = sched ]; then perf sched record -C 0 -o "$W/sched.data" -- sleep 6 >/dev/null 2>&1 & ST=$!
elif [ "$STRACE" = perf ]; then perf record -F 4999 -g -p $PID -o "$W/perf.data" -- sleep 6 >/dev/null 2>&1 & ST=$!; fi
out=$(taskset -c 1 wrk -t1 -c32 -d8s --latency -s "$(dirname "$0")/percentiles.lua" "$URL")
if [ "$STRACE" = allocs ]; then sleep 1.1; cp "$W/allocs" "$W/allocs1"; fi
if [ "$STRACE" = counters ] || [ "$STRACE" = perf ] || [ "$STRACE" = sched ]; then wait $ST || true; elif [ "$STRACE" = strace ]; then kill -INT $ST; wait $ST 2>/dev/null || true; fi
u1=$(user_ticks $PID); t1=$(cpu_ticks $PID); c1=$(ctx $PID)
n=$(awk '/requests in/ {print $1}' <<<"$out")
printf "%s load=%s req/s=%s p50=%s p99=%s cpu_us_per_req=%s (user %s) context_switches_per_req=%s\n" "$BIN" "$(cut -d' ' -f1 /proc/loadavg)" "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" \
  "$(awk '$1=="50%" {print $2}' <<<"$out")" "$(awk '$1=="99%" {print $2}' <<<"$out")" "$(awk -v t=$((t1-t0)) -v n=$n -v hz=$(getconf CLK_TCK) 'BEGIN{printf "%.1f", t*1e6/hz/n}')" \
  "$(awk -v t=$((u1-u0)) -v n=$n -v hz=$(getconf CLK_TCK) 'BEGIN{printf "%.1f", t*1e6/hz/n}')" "$(awk -v c=$((c1-c0)) -v n=$n 'BEGIN{printf "%.2f", c/n}')"
grep '^latency' <<<"$out"
if is_dotnet $PID; then echo "JIT compiling during the measured run: $(( $(jit_delta "$k0" "$(jit_cpu $PID)") / 1000 )) ms"; fi
if [ "$STRACE" = allocs ]; then # bytes per request by type over the measured run (sampled every ~100 KB, so approximate)
  echo "requests=$n; allocated per request, by type:"
  awk -F'\t' -v n="$n" 'NR==FNR {before[$2]=$1; next} {d=$1-before[$2]; if (d > 0) printf "%10.1f B  %s\n", d/n, $2}' "$W/allocs0" "$W/allocs1" | sort -rn | head -15
elif [ "$STRACE" = jit ]; then echo "requests=$n; methods compiled during the measured run:"; tail -n +$((j0 + 1)) "$W/jit.txt" | head -60
elif [ "$STRACE" = sched ]; then echo "requests=$n; who ran on the proxy's CPU for 6 s of the measured run (perf sched timehist), by run time:"
  perf sched timehist -i "$W/sched.data" -s 2>/dev/null | sed -n '/Runtime summary/,$p' | awk 'NR<4 || $0 ~ /\[/' | sort -t' ' -k1,1 | head -40
  if [ -n "${PERF_KEEP:-}" ]; then cp "$W/sched.data" "$PERF_KEEP"; fi
elif [ "$STRACE" = perf ]; then echo "requests=$n" # share of samples by object, then the top symbols outside the kernel
  perf report -i "$W/perf.data" --no-children --sort dso --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -12
  if [ -n "${PERF_KEEP:-}" ]; then cp "$W/perf.data" "$PERF_KEEP"; fi # for more reports (the perf map stays in /tmp)
  perf report -i "$W/perf.data" --no-children --sort dso,sym --percent-limit 0.3 --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | grep -v kernel.kallsyms | head -50
elif [ "$STRACE" = counters ]; then echo "requests=$n"; grep -iE "alloc|gc.collections|gen0|gc-count|pause" "$W/c.csv" | tail -8; elif [ "$STRACE" = strace ]; then echo "requests=$n"; head -25 "$W/strace.txt"; fi
