#!/usr/bin/env bash
# One build of the engine alone, started as bench/proxy/run.sh starts it (CPU 0, inline
# completions) in front of the same nginx backend: 12 s warm-up and runs until the JIT is done
# (warm.sh), 8 s measured, CPU per request.
# For A/B runs of two builds, alternated (a 1-minute run where run.sh takes 8):
#   dotnet publish src/Controller -c Release -o /tmp/bin-a   (and /tmp/bin-b from the other tree)
#   bash bench/proxy/engine-ab.sh /tmp/bin-a 19080 [strace|counters|allocs]
#   bash bench/proxy/engine-ab.sh nginx 19080     (nginx as the proxy, for the same run beside it)
# strace: `strace -c -f` system calls of the measured part; counters: dotnet-counters System.Runtime
# (allocation rate, GCs); allocs: what the measured part allocated, by type (bench/CloudIngress.AllocationHook).
set -euo pipefail
BIN=$1; P=$2; STRACE=${3:-} # the optional third argument: strace, counters or allocs
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
if [ "$STRACE" = allocs ]; then
  dotnet build "$(dirname "$0")/../CloudIngress.AllocationHook" -c Release -o "$W/hook" >/dev/null
  export DOTNET_STARTUP_HOOKS="$W/hook/CloudIngress.AllocationHook.dll" CLOUDINGRESS_ALLOC_OUT="$W/allocs"
fi
if [ "$BIN" = nginx ]; then # nginx as the proxy, configured as in run.sh, for a side-by-side in the same conditions
  cat > "$W/nginx.conf" <<CONF
worker_processes 1; worker_rlimit_nofile 65536; daemon off; pid $W/nginx.pid; error_log $W/nginx.err warn;
events { worker_connections 16384; }
http { access_log off; keepalive_requests 1000000; keepalive_timeout 300s;
  upstream backend { server 127.0.0.1:$((P+1)); keepalive 512; keepalive_requests 1000000; }
  server { listen 127.0.0.1:$P backlog=4096; location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; } } }
CONF
  taskset -c 0 nginx -c "$W/nginx.conf" -p "$W" & sleep 0.5
  PID=$(pgrep -P "$(cat "$W/nginx.pid")" | head -1) # the worker serves
else
  DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 taskset -c 0 dotnet "$BIN/cloudingress.dll" serve --manifests "$W/m" --http-port $P --https-port $((P+2)) --admin-port $((P+3)) --access-log off >"$W/ours.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$((P+3))/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
fi
taskset -c 1 wrk -t1 -c32 -d12s "http://localhost:$P/" >/dev/null 2>&1
echo "settled after $(settle $PID 1 "http://localhost:$P/") more 2 s runs"
u0=$(awk '{print $14}' /proc/$PID/stat); t0=$(awk '{print $14+$15}' /proc/$PID/stat)
if [ "$STRACE" = allocs ]; then sleep 1.1; cp "$W/allocs" "$W/allocs0"; fi
if [ "$STRACE" = counters ]; then "${DOTNET_COUNTERS:-$HOME/.dotnet/tools/dotnet-counters}" collect -p $PID --counters System.Runtime --duration 00:00:06 --format csv -o "$W/c.csv" > $W/c.log 2>&1 & ST=$!;
elif [ "$STRACE" = strace ]; then strace -c -f -p $PID -o "$W/strace.txt" & ST=$!; sleep 0.5; fi
out=$(taskset -c 1 wrk -t1 -c32 -d8s --latency -s "$(dirname "$0")/percentiles.lua" "http://localhost:$P/")
if [ "$STRACE" = allocs ]; then sleep 1.1; cp "$W/allocs" "$W/allocs1"; fi
if [ "$STRACE" = counters ]; then wait $ST || true; elif [ "$STRACE" = strace ]; then kill -INT $ST; wait $ST 2>/dev/null || true; fi
u1=$(awk '{print $14}' /proc/$PID/stat); t1=$(awk '{print $14+$15}' /proc/$PID/stat)
n=$(awk '/requests in/ {print $1}' <<<"$out")
printf "%s load=%s req/s=%s p50=%s p99=%s cpu_us_per_req=%s (user %s)\n" "$BIN" "$(cut -d' ' -f1 /proc/loadavg)" "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" \
  "$(awk '$1=="50%" {print $2}' <<<"$out")" "$(awk '$1=="99%" {print $2}' <<<"$out")" "$(awk -v t=$((t1-t0)) -v n=$n -v hz=$(getconf CLK_TCK) 'BEGIN{printf "%.1f", t*1e6/hz/n}')" \
  "$(awk -v t=$((u1-u0)) -v n=$n -v hz=$(getconf CLK_TCK) 'BEGIN{printf "%.1f", t*1e6/hz/n}')"
grep '^latency' <<<"$out"
if [ "$STRACE" = allocs ]; then # bytes per request by type over the measured run (sampled every ~100 KB, so approximate)
  echo "requests=$n; allocated per request, by type:"
  awk -F'\t' -v n="$n" 'NR==FNR {before[$2]=$1; next} {d=$1-before[$2]; if (d > 0) printf "%10.1f B  %s\n", d/n, $2}' "$W/allocs0" "$W/allocs1" | sort -rn | head -15
elif [ "$STRACE" = counters ]; then echo "requests=$n"; grep -iE "alloc|gc.collections|gen0|gc-count|pause" "$W/c.csv" | tail -8; elif [ "$STRACE" = strace ]; then echo "requests=$n"; head -25 "$W/strace.txt"; fi
