"""Crash safety of ``klarna-om batch``: SIGKILL at random moments, resume, count the refunds.

A 600-row batch runs against the sandbox with faults on (drops after Klarna committed, 503s).
The real console script is killed with SIGKILL at least ten times at random moments and run
again on the same file and journal each time; a last run finishes it. Then every row must be
done, and the sandbox must hold exactly one refund per row: no duplicate, none lost. Bounded:
loopback only, a fixed seed, a time limit.
"""

from __future__ import annotations

import csv
import json
import random
import sqlite3
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest

from klarna_om_sandbox import SandboxServer
from tests._support.cli import SCRIPT, cli_env

ORDERS, PER_ORDER, AMOUNT = 100, 6, 1000
KILLS = 10
SUMMARIES: list[str] = []


def _batch(sandbox: SandboxServer, csv_file: Path, journal: Path) -> subprocess.Popen[str]:
    env = cli_env(sandbox)
    return subprocess.Popen(
        [
            *(str(SCRIPT), "batch", str(csv_file), "--journal", str(journal)),
            *("--rate", "60", "--concurrency", "16", "--json"),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )


@pytest.mark.timeout(240)
def _count(journal: Path, state: str) -> int:
    if not journal.exists():
        return 0
    with sqlite3.connect(journal) as db:
        (count,) = db.execute("SELECT count(*) FROM rows WHERE state = ?", (state,)).fetchone()
    return int(count)


def test_sigkill_and_resume_sends_each_refund_exactly_once(tmp_path: Path) -> None:
    rng = random.Random(20261126)
    started = time.monotonic()
    with SandboxServer() as sandbox:
        orders = [
            sandbox.create_order(ORDERS * AMOUNT, captures=[{"captured_amount": ORDERS * AMOUNT}])[
                "order_id"
            ]
            for _ in range(ORDERS)
        ]
        csv_file = tmp_path / "recall.csv"
        with csv_file.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["order_id", "amount", "reference"])
            for order_id in orders:
                for n in range(PER_ORDER):
                    writer.writerow([order_id, AMOUNT, f"recall-{n}"])
        journal = tmp_path / "recall.journal.sqlite3"
        sandbox.add_fault("refundOrder", "drop_after_commit", count=40)
        sandbox.add_fault("refundOrder", "status", count=40, status=503)

        kills, runs, done_when_killed = 0, 0, []
        while kills < KILLS and runs < 40:
            runs += 1
            process = _batch(sandbox, csv_file, journal)
            try:
                process.wait(timeout=rng.uniform(0.5, 1.3))
            except subprocess.TimeoutExpired:
                process.kill()  # SIGKILL: no handler runs, the journal is left as it is
                process.communicate()
                kills += 1
                done_when_killed.append(_count(journal, "done"))
            else:
                process.communicate()
                break  # it finished before the kill
        finished = None
        for _ in range(5):  # finish; unknown rows (a 503 outlived the retries) go again
            runs += 1
            process = _batch(sandbox, csv_file, journal)
            out, err = process.communicate(timeout=120)
            finished = json.loads(out)
            if process.returncode == 0:
                break
        assert finished is not None and process.returncode == 0, err
        assert finished["states"] == {
            "pending": 0,
            "in_flight": 0,
            "done": ORDERS * PER_ORDER,
            "refused": 0,
            "unknown": 0,
        }

        booked: Counter[tuple[str, str]] = Counter()
        refund_ids = set()
        for order_id in orders:
            for refund in sandbox.get_order(order_id)["refunds"]:
                booked[(order_id, refund["reference"])] += 1
                refund_ids.add(refund["refund_id"])
        wanted = {(o, f"recall-{n}") for o in orders for n in range(PER_ORDER)}
        duplicates = sum(c - 1 for c in booked.values() if c > 1)
        lost = len(wanted - set(booked))
        with sqlite3.connect(journal) as db:
            journaled = {row[0] for row in db.execute("SELECT refund_id FROM rows")}
        elapsed = time.monotonic() - started
        SUMMARIES.append(
            f"batch crash: {ORDERS * PER_ORDER} rows, {kills} SIGKILLs (done rows at each: "
            f"{done_when_killed}), {runs} runs; duplicates={duplicates} lost={lost}; "
            f"{elapsed:.1f} s"
        )
        assert kills >= KILLS
        assert (duplicates, lost, set(booked)) == (0, 0, wanted)
        assert journaled == refund_ids
