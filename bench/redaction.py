"""Seconds to clean a megabyte of adversarial text: the error details' masking has no ReDoS.

Usage: python bench/redaction.py
A measurement, not a test (``tests/unit/test_support_details.py`` checks the cleaning and
guards against a hang): each input of its ``ADVERSARIAL`` table, cleaned once, timed.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from klarna_om._redact import clean_text
from tests.unit.test_support_details import ADVERSARIAL, PASSWORD


def main() -> None:
    print("| input (1 MB) | seconds |")
    print("| --- | --- |")
    for name, text in ADVERSARIAL.items():
        started = time.perf_counter()
        clean_text(text, (PASSWORD,))
        print(f"| {name} | {time.perf_counter() - started:.3f} |")


if __name__ == "__main__":
    main()
