"""Reads `redocly lint --format=json` on stdin; prints the problems; exits 1 if there is any."""

import json
import sys

report = json.load(sys.stdin)
for problem in report.get("problems", []):
    severity, rule, message = problem["severity"], problem["ruleId"], problem["message"]
    print(f"redocly {severity} {rule}: {message}", file=sys.stderr)
totals = report["totals"]
print(f"redocly lint: {totals['errors']} errors, {totals['warnings']} warnings")
sys.exit(1 if totals["errors"] or totals["warnings"] else 0)
