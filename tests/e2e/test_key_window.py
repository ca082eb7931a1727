"""Klarna forgets an idempotency key after 24 hours: a resume or a re-run after that reconciles.

The sandbox keeps keys 24 hours and its clock is moved forward; the journal's send times are
moved back by the same amount (the CLI's wall clock, ``time.time``, cannot be moved from
outside). Afterwards each row must hold exactly one refund.
"""

from __future__ import annotations

import csv
import json
import sqlite3
import subprocess
from pathlib import Path

from klarna_om_sandbox import SandboxServer
from tests._support.cli import SCRIPT, cli_env

DAY = 24 * 3600


def klarna(sandbox: SandboxServer, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=cli_env(sandbox),
        stdin=subprocess.DEVNULL,
        check=False,
    )


def age_journal(journal: Path, seconds: float) -> None:
    """As if ``seconds`` had passed since every send the journal recorded."""
    with sqlite3.connect(journal) as db:
        db.execute(
            "UPDATE refunds SET first_sent_at = first_sent_at - ?, key_sent_at = key_sent_at - ?,"
            " updated_at = updated_at - ?",
            (seconds, seconds, seconds),
        )


def _refunds(sandbox: SandboxServer, order_id: str) -> list[tuple[int, str]]:
    return [(r["refunded_amount"], r["reference"]) for r in sandbox.get_order(order_id)["refunds"]]


def test_a_resume_after_the_window_neither_duplicates_nor_loses(
    klarna_sandbox: SandboxServer, tmp_path: Path
) -> None:
    orders = [
        klarna_sandbox.create_order(5000, captures=[{"captured_amount": 5000}])["order_id"]
        for _ in range(4)
    ]
    path = tmp_path / "rows.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["order_id", "amount", "reference"])
        writer.writerows([[o, 1000, "w"] for o in orders])
    journal = tmp_path / "rows.journal.sqlite3"
    # row 1: applied, every answer lost; row 2: never applied (503s); rows 3 and 4: done
    klarna_sandbox.add_fault("refundOrder", "drop_after_commit", count=1)
    klarna_sandbox.add_fault("refundOrder", "status", count=2 + 3, status=503)
    first = klarna(klarna_sandbox, "batch", str(path), "--json", "--concurrency", "1")
    assert first.returncode == 3, first.stderr
    states = _states(journal)
    assert states == {
        orders[0]: "unknown",
        orders[1]: "unknown",
        orders[2]: "done",
        orders[3]: "done",
    }
    assert [len(_refunds(klarna_sandbox, o)) for o in orders] == [1, 0, 1, 1]

    klarna_sandbox.advance_clock(DAY + 3600)  # Klarna has forgotten every key
    age_journal(journal, DAY + 3600)
    resumed = klarna(klarna_sandbox, "batch", str(path), "--json")
    assert resumed.returncode == 0, resumed.stderr
    data = json.loads(resumed.stdout)
    assert data["this_run"] == {"sent": 1, "done": 2, "refused": 0, "unknown": 0, "reconciled": 2}
    assert [_refunds(klarna_sandbox, o) for o in orders] == [[(1000, "w")]] * 4
    with sqlite3.connect(journal) as db:
        rows = db.execute("SELECT order_id, generation, refund_id FROM refunds").fetchall()
    by_order = {order_id: (generation, refund_id) for order_id, generation, refund_id in rows}
    booked = {o: klarna_sandbox.get_order(o)["refunds"][0]["refund_id"] for o in orders}
    assert by_order == {
        orders[0]: (1, booked[orders[0]]),  # found on the order: no new key, nothing sent
        orders[1]: (2, booked[orders[1]]),  # not there: sent once under its next key
        orders[2]: (1, booked[orders[2]]),
        orders[3]: (1, booked[orders[3]]),
    }


def _states(journal: Path) -> dict[str, str]:
    with sqlite3.connect(journal) as db:
        return dict(db.execute("SELECT order_id, state FROM refunds").fetchall())


def test_a_reference_used_for_another_amount_is_refused_not_resent(
    klarna_sandbox: SandboxServer, tmp_path: Path
) -> None:
    order_id = klarna_sandbox.create_order(5000, captures=[{"captured_amount": 5000}])["order_id"]
    path = tmp_path / "rows.csv"
    path.write_text(f"order_id,amount,reference\n{order_id},1000,w\n", "utf-8")
    journal = tmp_path / "rows.journal.sqlite3"
    klarna_sandbox.add_fault("refundOrder", "status", count=3, status=503)
    assert klarna(klarna_sandbox, "batch", str(path), "--json").returncode == 3
    # meanwhile someone refunded 700 under the same reference (another tool, the portal)
    other = klarna(klarna_sandbox, "refund", order_id, "700", "--reference", "w", "--json")
    assert other.returncode == 0, other.stderr
    klarna_sandbox.advance_clock(DAY)
    age_journal(journal, DAY)
    resumed = klarna(klarna_sandbox, "batch", str(path), "--json")
    assert resumed.returncode == 1, resumed.stderr
    (refused,) = json.loads(resumed.stdout)["refused"]
    refund_id = json.loads(other.stdout)["refund_id"]
    assert refused == {
        "line": 2,
        "order_id": order_id,
        "reference": "w",
        "error": f"REFERENCE_USED: refund {refund_id} of 700 has this reference",
    }
    assert _refunds(klarna_sandbox, order_id) == [(700, "w")]


def test_a_cli_refund_run_again_after_a_day_is_found_not_repeated(
    klarna_sandbox: SandboxServer,
) -> None:
    order_id = klarna_sandbox.create_order(5000, captures=[{"captured_amount": 5000}])["order_id"]
    first = klarna(klarna_sandbox, "refund", order_id, "1000", "--reference", "d", "--json")
    assert first.returncode == 0, first.stderr
    klarna_sandbox.advance_clock(DAY + 60)  # the derived key is forgotten by now
    again = klarna(klarna_sandbox, "refund", order_id, "1000", "--reference", "d", "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["already_refunded"] is True
    assert _refunds(klarna_sandbox, order_id) == [(1000, "d")]
