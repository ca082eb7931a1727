#!/usr/bin/env bash
# What `make test` and CI run, in order of speed: the cheapest check fails first.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
step() { printf '\n== %s\n' "$*"; }
step "ruff";            .venv/bin/ruff check . && .venv/bin/ruff format --check .
step "mypy --strict";   scripts/typecheck.sh
step "pyright --verifytypes"; scripts/verifytypes.sh
step "sync twins";      .venv/bin/python scripts/unasync.py --check
step "check-generated"; scripts/check-generated.sh
step "lint-spec";       scripts/lint-spec.sh
step "spec-diff";       .venv/bin/python scripts/spec_gate.py
step "upstream-diff";   .venv/bin/python scripts/upstream_diff.py
step "pytest";          scripts/pytest.sh
step "docs (mkdocs build --strict)"; scripts/docs.sh
step "bench smoke";     .venv/bin/python bench/perf.py --smoke > /dev/null && echo "bench/perf.py ran (smoke counts)"
step "unit tier on Python 3.12 and 3.13 (nox)"; .venv/bin/nox
