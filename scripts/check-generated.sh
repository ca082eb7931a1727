#!/usr/bin/env bash
# Regenerates into a temporary folder and fails on any difference from the committed generated/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
scripts/generate.sh "$tmp"
if ! diff -ru generated/klarna_om_generated "$tmp/klarna_om_generated" \
     || ! diff -u generated/PROVENANCE.json "$tmp/PROVENANCE.json"; then
  echo "generated/ is out of date with spec/: run 'make generate' and commit the result" >&2
  exit 1
fi
echo "generated/ matches spec/ ($(find generated/klarna_om_generated -type f | wc -l) files)"
