#!/usr/bin/env bash
# pyright --verifytypes over the public packages: every exported symbol must have a known type.
# pyright is pinned in package-lock.json. It runs from an empty folder so that it finds the
# packages as users do, through the venv's installed distribution (and its py.typed markers).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
status=0
for package in klarna_om klarna_om_sandbox; do
  PATH="$root/.venv/bin:$PATH" "$root/node_modules/.bin/pyright" --outputjson \
      --verifytypes "$package" --ignoreexternal > "$tmp/$package.json" || true
  "$root/.venv/bin/python" - "$tmp/$package.json" "$package" <<'PY' || status=1
import json, sys
report = json.load(open(sys.argv[1]))["typeCompleteness"]
score = report["completenessScore"]
print(f"{sys.argv[2]}: {score:.1%} of {report['exportedSymbolCounts']['withKnownType'] + report['exportedSymbolCounts']['withAmbiguousType'] + report['exportedSymbolCounts']['withUnknownType']} exported symbols with known types"
      f" (py.typed: {'yes' if report.get('pyTypedPath') else 'no'})")
if score < 1 or not report.get("pyTypedPath"):
    for symbol in report["symbols"]:
        for diagnostic in symbol.get("diagnostics", []):
            if diagnostic["severity"] == "error":
                print(f"  {symbol['name']}: {diagnostic['message']}")
    sys.exit(1)
PY
done
exit $status
