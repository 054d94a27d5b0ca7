# Sourced by run.sh and engine-ab.sh: warm a proxy until .NET's tiered JIT has finished with it.
#
# A fixed warm-up leaves work for the JIT: the code that opens and closes connections runs only
# when a load generator starts or stops, and the runtime promotes it to optimized code late, so
# one run after another it was recompiled at the start of the measured run, on the proxy's only
# core, and showed up as the p99 tail. settle() repeats short runs (fresh connections each time)
# until one passes in which the JIT thread used under 1 ms of CPU; processes without a .NET JIT thread
# (nginx, haproxy) pass at once.

# CPU time (µs, from schedstat's nanoseconds: clock ticks are 10 ms, too coarse for a compile
# or two) of the process's tiered-compilation thread; empty when there is none.
jit_cpu_us() {
  local t ns
  for t in /proc/"$1"/task/*; do
    [ "$(cat "$t/comm" 2>/dev/null)" = ".NET Tiered Com" ] || continue
    read -r ns _ <"$t/schedstat"
    echo $((ns / 1000))
    return
  done
}

# settle PID CPU URL [wrk args...]: short runs on CPU until the JIT is quiet (at most 20 runs of 2 s).
# Prints the number of runs it took.
settle() {
  local pid=$1 cpu=$2 url=$3; shift 3
  local runs=0 before after
  before=$(jit_cpu_us "$pid")
  [ -n "$before" ] || { echo 0; return; }
  while [ $runs -lt 20 ]; do
    taskset -c "$cpu" wrk -t1 -c"${CONNS:-32}" -d2s "$@" "$url" >/dev/null 2>&1 || true
    runs=$((runs + 1))
    after=$(jit_cpu_us "$pid")
    [ $((after - before)) -lt 1000 ] && break # under 1 ms of compiling in 2 s: done
    before=$after
  done
  echo $runs
}
