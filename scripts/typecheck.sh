#!/usr/bin/env bash
# mypy --strict, once over the handwritten packages and tests, once over the generated package.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
.venv/bin/mypy --strict overrides/klarna_om sandbox/klarna_om_sandbox tests scripts bench
.venv/bin/mypy --strict generated/klarna_om_generated
