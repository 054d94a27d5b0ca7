#!/usr/bin/env bash
# Data-plane soak: `cloudingress serve` under the full client mix while its manifests change
# every 300 ms. Prints a summary; exits non-zero on any violation.
#   bash bench/soak/run.sh DURATION_SECONDS [RELOAD_MILLISECONDS]
set -euo pipefail
DURATION=${1:?usage: bench/soak/run.sh DURATION_SECONDS}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
dotnet build -c Release "$ROOT/bench/soak/CloudIngress.Soak.csproj" -v q -nologo >/dev/null
exec dotnet "$ROOT/bench/soak/bin/Release/net10.0/CloudIngress.Soak.dll" "$DURATION" "${2:-300}"
