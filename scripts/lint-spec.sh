#!/usr/bin/env bash
# Checks spec/ with openapi-spec-validator (structure) and Spectral (spectral:oas plus the
# project's rules in .spectral.yaml). Any error or warning fails.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
spec=spec/klarna-ordermanagement.yaml
.venv/bin/openapi-spec-validator "$spec"
node_modules/.bin/spectral lint "$spec" --ruleset .spectral.yaml --fail-severity warn
