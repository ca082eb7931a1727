"""``klarna_om``'s names load on first use: safely from many threads at once."""

from __future__ import annotations

import subprocess
import sys

PROGRAM = """
import threading, klarna_om
names = sorted(klarna_om.__all__)
barrier = threading.Barrier(len(names))
errors = []
def load(name):
    barrier.wait()
    try:
        getattr(klarna_om, name)
    except Exception as exc:
        errors.append(f"{name}: {type(exc).__name__}")
threads = [threading.Thread(target=load, args=(n,)) for n in names]
for t in threads: t.start()
for t in threads: t.join()
print(len(names), errors)
"""


def test_first_access_from_many_threads_at_once() -> None:
    for _ in range(5):  # fresh interpreters: each run is a first access
        done = subprocess.run(
            [sys.executable, "-c", PROGRAM], capture_output=True, text=True, timeout=60, check=True
        )
        count, errors = done.stdout.split(" ", 1)
        assert (int(count) > 40, errors.strip()) == (True, "[]")
