# Sourced by engine-ab.sh and interleave.sh: the shared set-up of a one-route proxy test on this
# machine. Needs W (a scratch directory) and P (the base port: P+1 is the backend); TLS=1 for
# keep-alive TLS offload. The engine listens on P (HTTP) and P+2 (HTTPS), admin P+3.

# The backend: nginx answering a small fixed body on P+1, on CPU 1 beside the load generator.
start_backend() {
  cat > "$W/backend.conf" <<CONF
worker_processes 1; daemon off; pid $W/backend.pid; error_log $W/backend.err warn;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000; keepalive_timeout 300s;
  server { listen 127.0.0.1:$((P+1)) reuseport backlog=4096; location / { return 200 "hello from the backend\n"; } } }
CONF
  taskset -c 1 nginx -c "$W/backend.conf" -p "$W" & sleep 0.3
}

# The engine's manifests (run.sh's offload route: a Service, its slice, one Ingress; with TLS=1 a
# self-signed P-256 certificate for localhost and its Secret). Sets SCHEME (http or https).
write_manifests() {
  mkdir -p "$W/m"
  SCHEME=http
  local tlsspec=""
  if [ "${TLS:-}" = 1 ]; then
    SCHEME=https
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$W/site.key" -out "$W/site.crt" \
      -days 2 -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost" 2>/dev/null
    { echo "{apiVersion: v1, kind: Secret, metadata: {name: site, namespace: default}, type: kubernetes.io/tls,"
      echo " data: {tls.crt: $(base64 -w0 "$W/site.crt"), tls.key: $(base64 -w0 "$W/site.key")}}"; } > "$W/m/tls.yaml"
    tlsspec="tls: [{hosts: [localhost], secretName: site}], "
  fi
  { echo "{apiVersion: v1, kind: Service, metadata: {name: pod, namespace: default}, spec: {ports: [{port: 80}]}}"
    echo "---"
    echo "{apiVersion: discovery.k8s.io/v1, kind: EndpointSlice, addressType: IPv4, ports: [{port: $((P+1))}], endpoints: [{addresses: [127.0.0.1]}],"
    echo " metadata: {name: pod-1, namespace: default, labels: {kubernetes.io/service-name: pod}}}"
    echo "---"
    echo "{apiVersion: networking.k8s.io/v1, kind: Ingress, metadata: {name: bench, namespace: default}, spec: {ingressClassName: cloudingress, $tlsspec"
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

# start_engine BIN: the engine on P / P+2 (admin P+3), CPU 0, inline completions, as run.sh starts
# it. Sets ENGINE_PID and ENGINE_STARTED (epoch seconds, for warm.sh's steady).
start_engine() {
  DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 taskset -c 0 dotnet "$1/cloudingress.dll" serve --manifests "$W/m" \
    --http-port "$P" --https-port $((P+2)) --admin-port $((P+3)) --access-log off >"$W/ours.log" 2>&1 &
  ENGINE_PID=$!; ENGINE_STARTED=$(date +%s)
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$((P+3))/readyz" >/dev/null 2>&1 && return; sleep 0.1; done
  echo "the engine did not start"; cat "$W/ours.log"; exit 1
}

# cpu_ticks PID / user_ticks PID: the process's CPU time, all and user (clock ticks). Per request
# it hardly depends on what else the machine runs, unlike requests per second on a shared machine.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
user_ticks() { awk '{print $14}' "/proc/$1/stat"; }
