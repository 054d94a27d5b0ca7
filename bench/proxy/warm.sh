# Sourced by run.sh and engine-ab.sh: warm a proxy until .NET's tiered JIT has finished with it.
#
# A fixed warm-up leaves work for the JIT: the code that opens and closes connections runs only
# when a load generator starts or stops, and the runtime promotes it to optimized code late, so
# one run after another it was recompiled at the start of the measured run, on the proxy's only
# core, and showed up as the p99 tail. settle() repeats short runs (fresh connections each time)
# until one passes in which the JIT used under 1 ms of CPU; processes that are not .NET (nginx,
# haproxy) pass at once.
#
# Code that runs every second or two (Kestrel's heartbeat, the thread pool's gate, serve's poll
# of its manifests directory) is promoted later still, in two stages of 30 calls each: under load
# the JIT compiled 95 ms at 70 s and 63 ms at 141 s after start, then nothing (bench/RESULTS.md,
# 2026-11-27 evening). A measured run in that window had 60-74 ms of compiling on the proxy's
# only core and twice nginx's p99. steady() therefore keeps a .NET proxy under load until STEADY
# seconds (default 150) after it started, before settle().

# "TID MICROSECONDS": the CPU time (from schedstat's nanoseconds: clock ticks are 10 ms, too coarse
# for a compile or two) of the process's tiered-compilation thread, "0 0" when there is none. The
# runtime ends that thread after a few idle seconds and starts a new one for the next compile,
# hence the thread id: see jit_delta.
jit_cpu() {
  local t ns
  for t in /proc/"$1"/task/*; do
    [ "$(cat "$t/comm" 2>/dev/null)" = ".NET Tiered Com" ] || continue
    read -r ns _ <"$t/schedstat" || continue
    echo "${t##*/} $((ns / 1000))"
    return
  done
  echo "0 0"
}

# jit_delta "BEFORE" "AFTER" (two jit_cpu readings): microseconds compiled in between. A new
# thread counts whole (it started after BEFORE); what an ended thread did after BEFORE is lost,
# so this can undercount, never go negative.
jit_delta() {
  local b_tid b_us a_tid a_us
  read -r b_tid b_us <<<"$1"
  read -r a_tid a_us <<<"$2"
  if [ "$b_tid" = "$a_tid" ]; then echo $((a_us - b_us)); else echo "$a_us"; fi
}

is_dotnet() { grep -qs '^\.NET' /proc/"$1"/task/*/comm; }

# steady PID CPU URL STARTED [wrk args...]: load until STEADY seconds after STARTED (epoch seconds).
steady() {
  local pid=$1 cpu=$2 url=$3 started=$4; shift 4
  is_dotnet "$pid" || return 0
  while [ $(($(date +%s) - started)) -lt "${STEADY:-150}" ]; do
    taskset -c "$cpu" wrk -t1 -c"${CONNS:-32}" -d10s "$@" "$url" >/dev/null 2>&1 || true
  done
}

# settle PID CPU URL [wrk args...]: short runs on CPU until the JIT is quiet (at most 20 runs of 2 s).
# Prints the number of runs it took.
settle() {
  local pid=$1 cpu=$2 url=$3; shift 3
  local runs=0 before after
  is_dotnet "$pid" || { echo 0; return; }
  before=$(jit_cpu "$pid")
  while [ $runs -lt 20 ]; do
    taskset -c "$cpu" wrk -t1 -c"${CONNS:-32}" -d2s "$@" "$url" >/dev/null 2>&1 || true
    runs=$((runs + 1))
    after=$(jit_cpu "$pid")
    [ "$(jit_delta "$before" "$after")" -lt 1000 ] && break # under 1 ms of compiling in 2 s: done
    before=$after
  done
  echo $runs
}
