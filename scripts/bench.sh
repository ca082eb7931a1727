#!/usr/bin/env bash
# make bench: ratios to raw httpx (bench/perf.py, into bench/results.md), the CPU cost of strict parsing in a get_refund, sandbox refunds per second through
# the client (1 and 4 threads), a 2,000-row klarna-om batch at --rate 200, 429s with and without the pacer, error-detail masking on adversarial text, generation time.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
.venv/bin/python bench/perf.py   # writes bench/results.md
.venv/bin/python bench/strict_parsing.py
.venv/bin/python bench/sandbox_throughput.py --seconds 5
.venv/bin/python bench/sandbox_throughput.py --seconds 5 --threads 4
.venv/bin/python bench/sandbox_async.py
.venv/bin/python bench/batch_rate.py --rows 2000 --rate 200
.venv/bin/python bench/ratelimit_storm.py --refunds 500 --limit 50
.venv/bin/python bench/redaction.py
TIMEFORMAT='make generate: %R s'
time scripts/generate.sh
