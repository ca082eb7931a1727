#!/usr/bin/env bash
# The contract layers alone: spec lint, the breaking-change gate, then the contract and e2e tiers.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/lint-spec.sh
.venv/bin/python scripts/spec_gate.py
.venv/bin/python -m pytest tests/contract tests/e2e
