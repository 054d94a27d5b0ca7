#!/usr/bin/env bash
# Side-by-side proxy benchmark: CloudIngress vs nginx vs haproxy, same backend, same pinning.
#   bash bench/proxy/run.sh [seconds-per-run] [connections]
# WARMUP (seconds, default 12) loads each proxy before it is measured: .NET's tiered JIT needs
# about 10 s at these rates to reach its steady state; then 2 s runs with fresh connections go on
# until one passes without JIT work (warm.sh: connection set-up and teardown are promoted late).
# A .NET proxy is first kept under load until STEADY seconds (default 150) after it started: code
# that runs every second or two reaches its last tier only then (warm.sh).
# IDLE (default 10000) keep-alive connections are then held open to measure each proxy's memory
# per idle connection.
# Each proxy runs alone on CPU 0 with one worker/thread; the backend (nginx) and wrk share CPU 1.
# Peers are configured fairly: upstream keep-alive pools larger than the client connections,
# keepalive_requests raised, access logs off everywhere.
set -euo pipefail
ulimit -n 65536 2>/dev/null || true
DURATION=${1:-10}
CONNS=${2:-32}
WARMUP=${WARMUP:-12}
IDLE=${IDLE:-10000}
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=warm.sh
. "$HERE/warm.sh"
# shellcheck source=ab-setup.sh
. "$HERE/ab-setup.sh" # cpu_ticks
ROOT=$(cd "$HERE/../.." && pwd)
WORK=$(mktemp -d /tmp/cloudingress-bench-XXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; sleep 0.5; rm -rf "$WORK"' EXIT

need() { command -v "$1" >/dev/null 2>&1; }
if ! need nginx || ! need haproxy || ! need wrk; then
  echo "installing nginx, haproxy and wrk (Debian packages)..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx haproxy wrk >/dev/null
fi

# Certificates: a CA, a site certificate for localhost (offload) and one for the passthrough backend.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$WORK/ca.key" -out "$WORK/ca.crt" \
  -days 2 -subj "/CN=bench CA" -addext "basicConstraints=critical,CA:true" 2>/dev/null
issue() {
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$WORK/$1.key" -out "$WORK/$1.csr" -subj "/CN=localhost" 2>/dev/null
  printf "subjectAltName=DNS:localhost\n" > "$WORK/$1.ext"
  openssl x509 -req -in "$WORK/$1.csr" -CA "$WORK/ca.crt" -CAkey "$WORK/ca.key" -CAcreateserial -days 2 -out "$WORK/$1.crt" -extfile "$WORK/$1.ext" 2>/dev/null
  cat "$WORK/$1.crt" "$WORK/$1.key" > "$WORK/$1.pem"
}
issue site
issue pod

# The backend: nginx answering a small fixed body on 9000 (HTTP) and 9443 (TLS, for passthrough).
cat > "$WORK/backend.conf" <<CONF
worker_processes 1; daemon off; pid $WORK/backend.pid; error_log $WORK/backend.err warn;
events { worker_connections 4096; }
http {
  access_log off; keepalive_requests 1000000; keepalive_timeout 300s;
  server { listen 127.0.0.1:9000 reuseport backlog=4096; location / { return 200 "hello from the backend\n"; } }
  server { listen 127.0.0.1:9443 ssl; ssl_certificate $WORK/pod.crt; ssl_certificate_key $WORK/pod.key;
           location / { return 200 "hello from the backend\n"; } }
}
CONF
taskset -c 1 nginx -c "$WORK/backend.conf" -p "$WORK" &
sleep 0.5

# nginx as the proxy: one worker, keep-alive pool of 512 to the backend.
cat > "$WORK/nginx.conf" <<CONF
worker_processes 1; worker_rlimit_nofile 65536; daemon off; pid $WORK/nginx.pid; error_log $WORK/nginx.err warn;
events { worker_connections 16384; }
http {
  access_log off; keepalive_requests 1000000; keepalive_timeout 300s;
  upstream backend { server 127.0.0.1:9000; keepalive 512; keepalive_requests 1000000; }
  server { listen 127.0.0.1:18080 backlog=4096;
           location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; } }
  server { listen 127.0.0.1:18443 ssl backlog=4096; ssl_certificate $WORK/site.crt; ssl_certificate_key $WORK/site.key;
           ssl_protocols TLSv1.2 TLSv1.3; ssl_session_cache off; ssl_session_tickets off;
           location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; } }
}
CONF

# haproxy as the proxy: one thread, connection reuse always; passthrough by SNI in TCP mode.
cat > "$WORK/haproxy.cfg" <<CONF
global
  nbthread 1
  maxconn 8000
  tune.ssl.default-dh-param 2048
  ssl-default-bind-options ssl-min-ver TLSv1.2 no-tls-tickets
defaults
  timeout connect 5s
  timeout client 300s
  timeout server 300s
  option http-keep-alive
frontend plain
  mode http
  bind 127.0.0.1:28080 backlog 4096
  default_backend pods
frontend tls
  mode http
  bind 127.0.0.1:28443 ssl crt $WORK/site.pem
  default_backend pods
frontend passthrough
  mode tcp
  bind 127.0.0.1:28444
  tcp-request inspect-delay 5s
  tcp-request content accept if { req_ssl_hello_type 1 }
  use_backend tlspods if { req_ssl_sni -i localhost }
backend pods
  mode http
  http-reuse always
  server pod 127.0.0.1:9000 maxconn 512
backend tlspods
  mode tcp
  server pod 127.0.0.1:9443
CONF

# CloudIngress: the same routes as manifests; offload and passthrough need two instances (one host, two modes).
mkdir -p "$WORK/offload" "$WORK/pass"
b64() { base64 -w0 "$1"; }
cat > "$WORK/offload/m.yaml" <<YAML
apiVersion: v1
kind: Service
metadata: {name: pod, namespace: default}
spec: {ports: [{port: 80}]}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: pod-1, namespace: default, labels: {kubernetes.io/service-name: pod}}
addressType: IPv4
ports: [{port: 9000}]
endpoints: [{addresses: [127.0.0.1]}]
---
apiVersion: v1
kind: Secret
metadata: {name: site, namespace: default}
type: kubernetes.io/tls
data: {tls.crt: $(b64 "$WORK/site.crt"), tls.key: $(b64 "$WORK/site.key")}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: bench, namespace: default}
spec:
  ingressClassName: cloudingress
  tls: [{hosts: [localhost], secretName: site}]
  rules: [{host: localhost, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: pod, port: {number: 80}}}}]}}]
YAML
cat > "$WORK/pass/m.yaml" <<YAML
apiVersion: v1
kind: Service
metadata: {name: tlspod, namespace: default}
spec: {ports: [{port: 443}]}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: tlspod-1, namespace: default, labels: {kubernetes.io/service-name: tlspod}}
addressType: IPv4
ports: [{port: 9443}]
endpoints: [{addresses: [127.0.0.1]}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: pass, namespace: default, annotations: {cloudingress.io/tls-mode: passthrough}}
spec:
  ingressClassName: cloudingress
  rules: [{host: localhost, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: tlspod, port: {number: 443}}}}]}}]
YAML
echo "building CloudIngress (Release)..."
dotnet publish "$ROOT/src/Controller" -c Release -o "$WORK/bin" >/dev/null
CI_BIN="$WORK/bin/cloudingress.dll"

start_ours() { # dir http https admin [more serve flags]
  local dir=$1 http=$2 https=$3 admin=$4; shift 4
  DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 taskset -c 0 dotnet "$CI_BIN" serve --manifests "$dir" --http-port "$http" --https-port "$https" --admin-port "$admin" \
    --access-log off "$@" >"$WORK/ours-$http.log" 2>&1 &
  OURS=$!
  PROXY_PID=$OURS
  PROXY_STARTED=$(date +%s)
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$admin/readyz" >/dev/null 2>&1 && return; sleep 0.1; done
  echo "CloudIngress did not start"; cat "$WORK/ours-$http.log"; exit 1
}

RESULTS="$WORK/results.tsv"
: > "$RESULTS"
measure() { # proxy scenario url [extra wrk args]; PROXY_PID is the process serving
  local proxy=$1 scenario=$2 url=$3; shift 3
  taskset -c 1 wrk -t1 -c"$CONNS" -d"${WARMUP}s" "$@" "$url" >/dev/null 2>&1 || true   # warm-up (JIT, pools)
  steady "$PROXY_PID" 1 "$url" "${PROXY_STARTED:-0}" "$@"        # a .NET proxy: past its late tier-ups (see warm.sh)
  local settled; settled=$(settle "$PROXY_PID" 1 "$url" "$@")   # until the JIT is done (see warm.sh)
  local before jit0; before=$(cpu_ticks "$PROXY_PID"); jit0=$(jit_cpu "$PROXY_PID")
  local out; out=$(taskset -c 1 wrk -t1 -c"$CONNS" -d"${DURATION}s" --latency "$@" "$url" 2>&1)
  local spent requests cpu
  spent=$(( $(cpu_ticks "$PROXY_PID") - before ))
  # The JIT compiling during the measured run competes with the proxy for its one core (a late
  # tier-up of code that runs once a second can take a few ms): shown so a tail can be told apart.
  local jit=""; is_dotnet "$PROXY_PID" && jit=", JIT $(( $(jit_delta "$jit0" "$(jit_cpu "$PROXY_PID")") / 1000 )) ms in the run"
  requests=$(awk '/requests in/ {print $1}' <<<"$out")
  cpu=$(awk -v t="$spent" -v n="$requests" -v hz="$(getconf CLK_TCK)" 'BEGIN {if (n > 0) printf "%.1f", t * 1000000 / hz / n; else print "-"}')
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errors=$(awk '/Non-2xx|Socket errors/ {print}' <<<"$out" | tr '\n' ' ')
  printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\n" "$scenario" "$proxy" "$rps" "$p50" "$p99" "$cpu" "$errors" >>"$RESULTS"
  printf "  %-24s %-13s %10s req/s  p50 %-9s p99 %-9s CPU %6s us/request (+%s settling runs%s) %s\n" "$scenario" "$proxy" "$rps" "$p50" "$p99" "$cpu" "$settled" "$jit" "$errors"
}
CLOSE=(-H "Connection: close")

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
idle_memory() { # proxy pid port: resident memory per idle keep-alive connection, after the load above
  local proxy=$1 pid=$2 port=$3 before after fifo="$WORK/idle-$3"
  before=$(rss_kb "$pid")
  mkfifo "$fifo"
  taskset -c 1 python3 "$HERE/idle.py" "$port" "$IDLE" <"$fifo" >"$WORK/idle-$3.out" 2>&1 & local client=$!
  exec 9>"$fifo"
  for _ in $(seq 1 600); do grep -q ready "$WORK/idle-$3.out" 2>/dev/null && break; kill -0 $client 2>/dev/null || break; sleep 0.1; done
  sleep 1
  after=$(rss_kb "$pid")
  exec 9>&-; wait $client 2>/dev/null || true
  printf "%s\tidle-connections\t%s\n" "$proxy" "$(awk -v a="$after" -v b="$before" -v n="$IDLE" 'BEGIN {printf "%.1f", (a-b)/n}')" >>"$RESULTS"
  printf "  %-24s %-13s %s KB per connection (%s held: RSS %s -> %s KB) %s\n" "idle-connections" "$proxy" \
    "$(awk -v a="$after" -v b="$before" -v n="$IDLE" 'BEGIN {printf "%.1f", (a-b)/n}')" "$IDLE" "$before" "$after" "$(head -c 200 "$WORK/idle-$3.out")"
}

echo "== nginx"
taskset -c 0 nginx -c "$WORK/nginx.conf" -p "$WORK" & NGINX=$!; sleep 0.5
PROXY_PID=$(pgrep -P "$(cat "$WORK/nginx.pid")" | head -1)  # the worker serves
measure nginx http-keepalive http://localhost:18080/
measure nginx tls-keepalive https://localhost:18443/
measure nginx tls-new-connection https://localhost:18443/ "${CLOSE[@]}"
idle_memory nginx "$(pgrep -P "$(cat "$WORK/nginx.pid")" | head -1)" 18080  # the worker holds the connections
kill $NGINX; wait $NGINX 2>/dev/null || true

echo "== haproxy"
taskset -c 0 haproxy -f "$WORK/haproxy.cfg" -db & HAPROXY=$!; sleep 0.5
PROXY_PID=$HAPROXY
measure haproxy http-keepalive http://localhost:28080/
measure haproxy tls-keepalive https://localhost:28443/
measure haproxy tls-new-connection https://localhost:28443/ "${CLOSE[@]}"
measure haproxy passthrough https://localhost:28444/
kill $HAPROXY; wait $HAPROXY 2>/dev/null || true

echo "== cloudingress (HTTP/1.1 engine)"
start_ours "$WORK/offload" 17080 17443 17254
measure cloudingress http-keepalive http://localhost:17080/
measure cloudingress tls-keepalive https://localhost:17443/
measure cloudingress tls-new-connection https://localhost:17443/ "${CLOSE[@]}"
idle_memory cloudingress "$OURS" 17080
kill "$OURS"; wait "$OURS" 2>/dev/null || true; sleep 1
start_ours "$WORK/pass" 17081 17444 17255
measure cloudingress passthrough https://localhost:17444/
kill "$OURS"; wait "$OURS" 2>/dev/null || true; sleep 1

echo "== cloudingress --kestrel-http1 (Kestrel's HTTP stack, the previous path)"
start_ours "$WORK/offload" 17082 17445 17256 --kestrel-http1
measure kestrel http-keepalive http://localhost:17082/
measure kestrel tls-keepalive https://localhost:17445/
measure kestrel tls-new-connection https://localhost:17445/ "${CLOSE[@]}"
idle_memory kestrel "$OURS" 17082
kill "$OURS"; wait "$OURS" 2>/dev/null || true

echo
echo "| scenario | CloudIngress req/s | Kestrel path req/s | nginx req/s | haproxy req/s | ours/nginx | Kestrel path/nginx | ours/haproxy | p50 ours / Kestrel path / nginx / haproxy | p99 ours / Kestrel path / nginx / haproxy | CPU µs per request ours / Kestrel path / nginx / haproxy |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |"
for scenario in http-keepalive tls-keepalive tls-new-connection passthrough; do
  get() { awk -F'\t' -v s="$scenario" -v p="$1" -v c="$2" '$1==s && $2==p {print $c}' "$RESULTS"; }
  ours=$(get cloudingress 3); ks=$(get kestrel 3); ng=$(get nginx 3); hp=$(get haproxy 3)
  ratio() { [ -n "$1" ] && [ -n "$2" ] && awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a/b}' || echo "-"; }
  echo "| $scenario | ${ours:--} | ${ks:--} | ${ng:--} | ${hp:--} | $(ratio "$ours" "$ng") | $(ratio "$ks" "$ng") | $(ratio "$ours" "$hp") | $(get cloudingress 4) / $(get kestrel 4) / $(get nginx 4) / $(get haproxy 4) | $(get cloudingress 5) / $(get kestrel 5) / $(get nginx 5) / $(get haproxy 5) | $(get cloudingress 6) / $(get kestrel 6) / $(get nginx 6) / $(get haproxy 6) |"
done
echo
echo "idle keep-alive connections ($IDLE), resident KB each: cloudingress $(awk -F'\t' '$1=="cloudingress" && $2=="idle-connections" {print $3}' "$RESULTS"), Kestrel path $(awk -F'\t' '$1=="kestrel" && $2=="idle-connections" {print $3}' "$RESULTS"), nginx $(awk -F'\t' '$1=="nginx" && $2=="idle-connections" {print $3}' "$RESULTS")"
echo "wrk -t1 -c$CONNS -d${DURATION}s after ${WARMUP}s of warm-up; proxies pinned to CPU 0, backend and wrk to CPU 1; $(nproc) CPUs, $(uname -r)"
