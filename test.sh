#!/usr/bin/env bash
# The one test command (README, .ci/run): every .NET test, with the live AWS tests against a moto
# server of their own, then the Pulumi stacks in infra/ (a clean `npm ci` from the lockfile, the
# type check, and their tests on Pulumi's mocks).
set -euo pipefail
cd "$(dirname "$0")"

if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 6) ? 0 : 1)' 2>/dev/null; then
  echo "test.sh: infra/ needs node 20.6 or later with npm (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 2
fi

if ! command -v moto_server >/dev/null 2>&1; then
  echo "test.sh: moto_server is not on PATH; the live AWS tests need it (moto 5.2.1, 'pip install moto[server]==5.2.1')" >&2
  exit 2
fi

# moto on a free loopback port, stopped when this script ends, pass or fail.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
moto_log=$(mktemp -t moto.XXXXXX.log)
moto_server -H 127.0.0.1 -p "$port" >"$moto_log" 2>&1 &
moto_pid=$!
trap 'kill "$moto_pid" 2>/dev/null || true; wait "$moto_pid" 2>/dev/null || true; rm -f "$moto_log"' EXIT

# Up to 30 s for moto to listen; it usually takes about one.
listening=false
for _ in $(seq 1 150); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    listening=true
    break
  fi
  kill -0 "$moto_pid" 2>/dev/null || break
  sleep 0.2
done
if [ "$listening" != true ]; then
  echo "test.sh: moto_server did not listen on 127.0.0.1:$port:" >&2
  cat "$moto_log" >&2
  exit 1
fi

# Only what the live tests read: AWS_REGION is left alone, since it would make the CLI tests'
# offline `plan --provider aws` plan against an account.
CLOUDINGRESS_AWS_ENDPOINT="http://127.0.0.1:$port" AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test \
  dotnet test CloudIngress.sln

cd infra
npm ci --no-audit --no-fund --loglevel=error
npm run --silent typecheck
npm test
