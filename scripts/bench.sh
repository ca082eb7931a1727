#!/usr/bin/env bash
# make bench: sandbox refunds per second through the client (1 and 4 threads), generation time.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
.venv/bin/python bench/sandbox_throughput.py --seconds 5
.venv/bin/python bench/sandbox_throughput.py --seconds 5 --threads 4
TIMEFORMAT='make generate: %R s'
time scripts/generate.sh
