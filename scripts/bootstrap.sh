#!/usr/bin/env bash
# Creates .venv and installs the project with its pinned dev tools, and node_modules with `npm ci`,
# when they are missing or older than their manifests. Safe to run again: it does nothing then.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
python=${PYTHON:-python3}
stamp=.venv/.klarna-om-installed
if [[ ! -x .venv/bin/python || ! -f $stamp || pyproject.toml -nt $stamp ]]; then
  [[ -x .venv/bin/python ]] || "$python" -m venv .venv
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade "pip>=24"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
  touch "$stamp"
fi
nstamp=node_modules/.klarna-om-installed
if [[ ! -f $nstamp || package-lock.json -nt $nstamp ]]; then
  npm ci --no-audit --no-fund --loglevel=error
  touch "$nstamp"
fi
