#!/usr/bin/env bash
# Builds one self-contained HTML API reference (Redoc, inlined: it works offline) from spec/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
mkdir -p docs/build
node_modules/.bin/redocly build-docs spec/klarna-ordermanagement.yaml --inlineBundle \
  -o docs/build/klarna-om-api.html 2>/dev/null
echo "API reference: docs/build/klarna-om-api.html ($(du -h docs/build/klarna-om-api.html | cut -f1))"
