#!/usr/bin/env bash
# mypy --strict, once over the handwritten packages and tests, once over the generated package.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# tests/typing/programs/bad_inputs.py holds mistakes on purpose (tests/typing checks them).
.venv/bin/mypy --strict --exclude tests/typing/programs/bad_inputs.py \
  overrides/klarna_om sandbox/klarna_om_sandbox tests scripts bench noxfile.py
.venv/bin/mypy --strict generated/klarna_om_generated
