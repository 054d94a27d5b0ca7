#!/usr/bin/env bash
# The one test command (README, .ci/run): every .NET test, then the Pulumi stacks in infra/
# (a clean `npm ci` from the lockfile, the type check, and their tests on Pulumi's mocks).
set -euo pipefail
cd "$(dirname "$0")"

if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 6) ? 0 : 1)' 2>/dev/null; then
  echo "test.sh: infra/ needs node 20.6 or later with npm (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 2
fi

dotnet test CloudIngress.sln

cd infra
npm ci --no-audit --no-fund --loglevel=error
npm run --silent typecheck
npm test
