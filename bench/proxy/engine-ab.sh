#!/usr/bin/env bash
# One build of the engine alone, started as bench/proxy/run.sh starts it (CPU 0, inline
# completions) in front of the same nginx backend: 12 s warm-up and runs until the JIT is done
# (warm.sh), 8 s measured, CPU per request.
# For A/B runs of two builds, alternated (a 1-minute run where run.sh takes 8):
#   dotnet publish src/Controller -c Release -o /tmp/bin-a   (and /tmp/bin-b from the other tree)
#   bash bench/proxy/engine-ab.sh /tmp/bin-a 19080 [strace|counters]
# strace: `strace -c -f` system calls of the measured part; counters: dotnet-counters System.Runtime (allocation rate, GCs).
set -euo pipefail
BIN=$1; P=$2; STRACE=${3:-}
W=$(mktemp -d /tmp/ab-XXXX)
# shellcheck source=warm.sh
. "$(dirname "$0")/warm.sh"
trap 'kill $(jobs -p) 2>/dev/null || true; sleep 0.3; rm -rf "$W"' EXIT
cat > "$W/backend.conf" <<CONF
worker_processes 1; daemon off; pid $W/backend.pid; error_log $W/backend.err warn;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000; keepalive_timeout 300s;
  server { listen 127.0.0.1:$((P+1)) reuseport backlog=4096; location / { return 200 "hello from the backend\n"; } } }
CONF
taskset -c 1 nginx -c "$W/backend.conf" -p "$W" & sleep 0.3
mkdir -p "$W/m"
{ # the route of run.sh's offload instance, without TLS: a Service, its slice, one Ingress
  echo "{apiVersion: v1, kind: Service, metadata: {name: pod, namespace: default}, spec: {ports: [{port: 80}]}}"
  echo "---"
  echo "{apiVersion: discovery.k8s.io/v1, kind: EndpointSlice, addressType: IPv4, ports: [{port: $((P+1))}], endpoints: [{addresses: [127.0.0.1]}],"
  echo " metadata: {name: pod-1, namespace: default, labels: {kubernetes.io/service-name: pod}}}"
  echo "---"
  echo "{apiVersion: networking.k8s.io/v1, kind: Ingress, metadata: {name: bench, namespace: default}, spec: {ingressClassName: cloudingress,"
  echo " rules: [{host: localhost, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: pod, port: {number: 80}}}}]}}]}}"
} > "$W/m/m.yaml"
DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 taskset -c 0 dotnet "$BIN/cloudingress.dll" serve --manifests "$W/m" --http-port $P --https-port $((P+2)) --admin-port $((P+3)) --access-log off >"$W/ours.log" 2>&1 &
PID=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$((P+3))/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
taskset -c 1 wrk -t1 -c32 -d12s "http://localhost:$P/" >/dev/null 2>&1
echo "settled after $(settle $PID 1 "http://localhost:$P/") more 2 s runs"
u0=$(awk '{print $14}' /proc/$PID/stat); t0=$(awk '{print $14+$15}' /proc/$PID/stat)
if [ "$STRACE" = counters ]; then "${DOTNET_COUNTERS:-$HOME/.dotnet/tools/dotnet-counters}" collect -p $PID --counters System.Runtime --duration 00:00:06 --format csv -o "$W/c.csv" > $W/c.log 2>&1 & ST=$!;
elif [ -n "$STRACE" ]; then strace -c -f -p $PID -o "$W/strace.txt" & ST=$!; sleep 0.5; fi
out=$(taskset -c 1 wrk -t1 -c32 -d8s --latency "http://localhost:$P/")
if [ "$STRACE" = counters ]; then wait $ST || true; elif [ -n "$STRACE" ]; then kill -INT $ST; wait $ST 2>/dev/null || true; fi
u1=$(awk '{print $14}' /proc/$PID/stat); t1=$(awk '{print $14+$15}' /proc/$PID/stat)
n=$(awk '/requests in/ {print $1}' <<<"$out")
printf "%s load=%s req/s=%s p50=%s p99=%s cpu_us_per_req=%s (user %s)\n" "$BIN" "$(cut -d' ' -f1 /proc/loadavg)" "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" \
  "$(awk '$1=="50%" {print $2}' <<<"$out")" "$(awk '$1=="99%" {print $2}' <<<"$out")" "$(awk -v t=$((t1-t0)) -v n=$n -v hz=$(getconf CLK_TCK) 'BEGIN{printf "%.1f", t*1e6/hz/n}')" \
  "$(awk -v t=$((u1-u0)) -v n=$n -v hz=$(getconf CLK_TCK) 'BEGIN{printf "%.1f", t*1e6/hz/n}')"
if [ "$STRACE" = counters ]; then echo "requests=$n"; grep -iE "alloc|gc.collections|gen0|gc-count|pause" "$W/c.csv" | tail -8; elif [ -n "$STRACE" ]; then echo "requests=$n"; head -25 "$W/strace.txt"; fi
