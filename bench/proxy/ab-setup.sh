# Sourced by engine-ab.sh, interleave.sh and floor.sh: the shared set-up of a one-route proxy test
# on this machine. Needs W (a scratch directory) and P (the base port: P+1 is the backend); TLS=1 for
# keep-alive TLS offload, PASS=1 for TLS passthrough (the backend terminates TLS on P+4; haproxy
# is the proxy to compare with). The engine listens on P (HTTP) and P+2 (HTTPS), admin P+3.

# self_signed NAME: a P-256 certificate for localhost, $W/NAME.crt and $W/NAME.key.
self_signed() {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$W/$1.key" -out "$W/$1.crt" \
    -days 2 -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost" 2>/dev/null
}

# The backend: nginx answering a small fixed body on P+1 (and with PASS=1 over TLS on P+4, its own
# certificate), on CPU 1 beside the load generator.
start_backend() {
  local tls=""
  if [ "${PASS:-}" = 1 ]; then
    self_signed pod
    tls="server { listen 127.0.0.1:$((P+4)) ssl backlog=4096; ssl_certificate $W/pod.crt; ssl_certificate_key $W/pod.key;
    ssl_session_cache off; ssl_session_tickets off; location / { return 200 \"hello from the backend\n\"; } }"
  fi
  cat > "$W/backend.conf" <<CONF
worker_processes 1; daemon off; pid $W/backend.pid; error_log $W/backend.err warn;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000; keepalive_timeout 300s;
  server { listen 127.0.0.1:$((P+1)) reuseport backlog=4096; location / { return 200 "hello from the backend\n"; } }
  $tls }
CONF
  taskset -c 1 nginx -c "$W/backend.conf" -p "$W" & sleep 0.3
}

# The engine's manifests (run.sh's offload route: a Service, its slice, one Ingress; with TLS=1 a
# self-signed P-256 certificate for localhost and its Secret; with PASS=1 run.sh's passthrough
# route to the backend's TLS port instead). Sets SCHEME (http or https).
write_manifests() {
  mkdir -p "$W/m"
  SCHEME=http
  local tlsspec="" annotations="" port=$((P+1))
  if [ "${PASS:-}" = 1 ]; then
    SCHEME=https; port=$((P+4)); annotations=", annotations: {cloudingress.io/tls-mode: passthrough}"
  elif [ "${TLS:-}" = 1 ]; then
    SCHEME=https
    self_signed site
    { echo "{apiVersion: v1, kind: Secret, metadata: {name: site, namespace: default}, type: kubernetes.io/tls,"
      echo " data: {tls.crt: $(base64 -w0 "$W/site.crt"), tls.key: $(base64 -w0 "$W/site.key")}}"; } > "$W/m/tls.yaml"
    tlsspec="tls: [{hosts: [localhost], secretName: site}], "
  fi
  { echo "{apiVersion: v1, kind: Service, metadata: {name: pod, namespace: default}, spec: {ports: [{port: 80}]}}"
    echo "---"
    echo "{apiVersion: discovery.k8s.io/v1, kind: EndpointSlice, addressType: IPv4, ports: [{port: $port}], endpoints: [{addresses: [127.0.0.1]}],"
    echo " metadata: {name: pod-1, namespace: default, labels: {kubernetes.io/service-name: pod}}}"
    echo "---"
    echo "{apiVersion: networking.k8s.io/v1, kind: Ingress, metadata: {name: bench, namespace: default$annotations}, spec: {ingressClassName: cloudingress, $tlsspec"
    echo " rules: [{host: localhost, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: pod, port: {number: 80}}}}]}}]}}"
  } > "$W/m/m.yaml"
}

# url PORT: the URL a proxy listening on PORT (HTTP) and PORT+2 (HTTPS) is measured at.
url() { if [ "$SCHEME" = https ]; then echo "https://localhost:$(($1 + 2))/"; else echo "http://localhost:$1/"; fi; }

# start_nginx_proxy PORT: nginx as the proxy (configured as in run.sh) on PORT and PORT+2, CPU 0.
# Sets NGINX_PID to its worker (the process that serves).
start_nginx_proxy() {
  local port=$1 tls=""
  if [ "$SCHEME" = https ]; then
    tls="server { listen 127.0.0.1:$((port+2)) ssl backlog=4096; ssl_certificate $W/site.crt; ssl_certificate_key $W/site.key;
    ssl_protocols TLSv1.2 TLSv1.3; ssl_session_cache off; ssl_session_tickets off;
    location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection \"\"; } }"
  fi
  cat > "$W/nginx-$port.conf" <<CONF
worker_processes 1; worker_rlimit_nofile 65536; daemon off; pid $W/nginx-$port.pid; error_log $W/nginx-$port.err warn;
events { worker_connections 16384; }
http { access_log off; keepalive_requests 1000000; keepalive_timeout 300s;
  upstream backend { server 127.0.0.1:$((P+1)); keepalive 512; keepalive_requests 1000000; }
  server { listen 127.0.0.1:$port backlog=4096; location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; } }
  $tls }
CONF
  taskset -c 0 nginx -c "$W/nginx-$port.conf" -p "$W" & sleep 0.5
  NGINX_PID=$(pgrep -P "$(cat "$W/nginx-$port.pid")" | head -1)
}

# start_haproxy_proxy PORT: haproxy as run.sh configures it for passthrough (TCP mode, routed by
# the ClientHello's SNI, one thread) on PORT+2, CPU 0. Sets HAPROXY_PID.
start_haproxy_proxy() {
  cat > "$W/haproxy-$1.cfg" <<CONF
global
  nbthread 1
  maxconn 8000
defaults
  timeout connect 5s
  timeout client 300s
  timeout server 300s
frontend passthrough
  mode tcp
  bind 127.0.0.1:$(($1 + 2)) backlog 4096
  tcp-request inspect-delay 5s
  tcp-request content accept if { req_ssl_hello_type 1 }
  use_backend tlspods if { req_ssl_sni -i localhost }
backend tlspods
  mode tcp
  server pod 127.0.0.1:$((P+4))
CONF
  taskset -c 0 haproxy -f "$W/haproxy-$1.cfg" -db & HAPROXY_PID=$!; sleep 0.5
}

# start_engine BIN [PORT]: the engine on PORT (default P) and PORT+2 (admin PORT+3), CPU 0, inline
# completions, as run.sh starts it. Sets ENGINE_PID and ENGINE_STARTED (epoch seconds, for warm.sh's
# steady).
start_engine() {
  local port=${2:-$P}
  DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 taskset -c 0 dotnet "$1/cloudingress.dll" serve --manifests "$W/m" \
    --http-port "$port" --https-port $((port+2)) --admin-port $((port+3)) --access-log off >"$W/ours-$port.log" 2>&1 &
  ENGINE_PID=$!; ENGINE_STARTED=$(date +%s)
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$((port+3))/readyz" >/dev/null 2>&1 && return; sleep 0.1; done
  echo "the engine did not start"; cat "$W/ours-$port.log"; exit 1
}

# cpu_ticks PID / user_ticks PID: the process's CPU time, all and user (clock ticks). Per request
# it hardly depends on what else the machine runs, unlike requests per second on a shared machine.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
user_ticks() { awk '{print $14}' "/proc/$1/stat"; }

# Interleaved runs (interleave.sh, floor.sh): measured_run NAME PID URL is one run of SECS seconds
# against URL (wrk on CPU 1); it appends "name requests ticks user_ticks p99_us" to $W/runs.
measured_run() {
  local t0 u0 out n p99
  t0=$(cpu_ticks "$2"); u0=$(user_ticks "$2")
  out=$(taskset -c 1 wrk -t1 -c32 -d"${SECS}s" --latency "$3")
  n=$(awk '/requests in/ {print $1}' <<<"$out")
  p99=$(awk '$1=="99%" {v=$2; if (v ~ /ms$/) {sub("ms","",v); v*=1000} else if (v ~ /us$/) sub("us","",v); else if (v ~ /s$/) {sub("s","",v); v*=1000000}; print v}' <<<"$out")
  echo "$1 $n $(($(cpu_ticks "$2") - t0)) $(($(user_ticks "$2") - u0)) $p99" | tee -a "$W/runs"
}

# summary NAME: "name req/s cpu_us_per_request user_us_per_request p99_median_us p99_worst_us" over
# all of NAME's runs in $W/runs.
summary() {
  local p99s; p99s=$(awk -v name="$1" '$1==name {print $5}' "$W/runs" | sort -n)
  awk -v name="$1" -v secs="$SECS" -v hz="$(getconf CLK_TCK)" -v median="$(sed -n "$(( ($(wc -l <<<"$p99s") + 1) / 2 ))p" <<<"$p99s")" \
    -v worst="$(tail -1 <<<"$p99s")" '$1==name {n+=$2; t+=$3; u+=$4; runs++}
    END {printf "%s %.0f %.1f %.1f %.0f %.0f\n", name, n/(runs*secs), t*1e6/hz/n, u*1e6/hz/n, median, worst}' "$W/runs"
}

# print_summaries SUMMARY...: summary lines as a table.
print_summaries() {
  printf "%-14s %9s %22s %12s %10s\n" server "req/s" "CPU µs/request (user)" "p99 median" "p99 worst"
  local s name rps cpu user pm pw
  for s in "$@"; do read -r name rps cpu user pm pw <<<"$s"; printf "%-14s %9s %15s (%s) %9s µs %7s µs\n" "$name" "$rps" "$cpu" "$user" "$pm" "$pw"; done
}

# alternate ROUNDS NAME1 PID1 URL1 NAME2 PID2 URL2: ROUNDS pairs of measured runs, who goes first
# alternating, so neither always follows the other.
alternate() {
  local r
  for r in $(seq 1 "$1"); do
    if [ $((r % 2)) = 1 ]; then measured_run "$2" "$3" "$4"; measured_run "$5" "$6" "$7"
    else measured_run "$5" "$6" "$7"; measured_run "$2" "$3" "$4"; fi
  done
}
