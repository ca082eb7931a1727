#!/usr/bin/env bash
# Runs every test tier with coverage of the handwritten client. pytest exits 5 when no test ran,
# which fails this script too.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
.venv/bin/python -m pytest --cov=klarna_om --cov-report=term-missing --cov-fail-under=95 "$@"
