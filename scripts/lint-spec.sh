#!/usr/bin/env bash
# Checks spec/: openapi-spec-validator (structure), Spectral (spectral:oas plus the project's
# rules in .spectral.yaml) and Redocly (recommended, redocly.yaml). Any error or warning fails.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
spec=spec/klarna-ordermanagement.yaml
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
.venv/bin/openapi-spec-validator "$spec"
node_modules/.bin/spectral lint "$spec" --ruleset .spectral.yaml --fail-severity warn
node_modules/.bin/redocly lint "$spec" --config redocly.yaml --format=json 2>/dev/null \
  | .venv/bin/python scripts/redocly_report.py
