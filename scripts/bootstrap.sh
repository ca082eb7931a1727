#!/usr/bin/env bash
# Creates .venv and installs the project; safe to run again (it does nothing then).
#   scripts/bootstrap.sh          everything `make test` needs: the package with its extras, the
#                                 `dev` dependency group (pinned tools; pip >= 25.1 reads groups),
#                                 with `npm ci`, node_modules, and a headless browser for the docs
#                                 test: Debian's chromium, installed with apt-get when none is
#                                 found and we are root (or in CI with passwordless sudo)
#   scripts/bootstrap.sh runtime  what `make demo` needs: the package and its sandbox extra only
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mode=${1:-dev}
python=${PYTHON:-python3}
pip() { .venv/bin/python -m pip install --quiet --disable-pip-version-check "$@"; }
dev_stamp=.venv/.klarna-om-installed
runtime_stamp=.venv/.klarna-om-runtime
fresh() { [[ -f $1 && ! pyproject.toml -nt $1 ]]; }
[[ -x .venv/bin/python ]] || "$python" -m venv .venv
if [[ $mode == runtime ]]; then
  if ! fresh "$dev_stamp" && ! fresh "$runtime_stamp"; then
    pip -e '.[sandbox]'
    touch "$runtime_stamp"
  fi
  exit 0
fi
if ! fresh "$dev_stamp"; then
  pip --upgrade "pip>=25.1"
  pip -e '.[sandbox,cli,aiohttp,postgres]' --group dev
  touch "$dev_stamp"
fi
# The PostgreSQL tier starts its own server from Debian's binaries (tests/_support/postgres.py).
if [[ -z ${KLARNA_OM_TEST_PG_DSN:-} ]] && ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
  if [[ $(id -u) == 0 ]]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    echo "bootstrap: install Debian's postgresql (or set KLARNA_OM_TEST_PG_DSN)" >&2
    exit 1
  fi
fi
nstamp=node_modules/.klarna-om-installed
if [[ ! -f $nstamp || package-lock.json -nt $nstamp ]]; then
  npm ci --no-audit --no-fund --loglevel=error
  touch "$nstamp"
fi
browsers=(chromium chromium-browser google-chrome google-chrome-stable)
have_browser() { for b in "${browsers[@]}"; do command -v "$b" >/dev/null && return 0; done; return 1; }
if ! have_browser && command -v apt-get >/dev/null; then
  apt=()
  if [[ $(id -u) == 0 ]]; then
    apt=(apt-get)
  elif [[ ${CI:-} == true ]] && sudo -n true 2>/dev/null; then
    apt=(sudo apt-get)
  fi
  if (( ${#apt[@]} )); then
    echo "bootstrap: installing chromium for the docs test (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    "${apt[@]}" update -qq
    "${apt[@]}" install -y -qq --no-install-recommends chromium >/dev/null
  fi
fi
