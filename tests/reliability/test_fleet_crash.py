"""Losing hosts loses nothing: a 2,000-row batch shared by four workers through PostgreSQL.

The sandbox drops answers after committing and answers 503s. Four ``klarna-om worker``
processes share the batch; at random moments one of them is killed with SIGKILL and replaced
(at least ten times), and PostgreSQL is restarted once mid-run. Rows whose jobs ran out of
attempts are submitted again, as an operator would. Afterwards every row is done or refused and
the sandbox holds exactly one refund per done row: no duplicate, none lost. Bounded: loopback
only, a fixed seed, a time limit.
"""

from __future__ import annotations

import random
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import psycopg
import pytest

from klarna_om_sandbox import SandboxServer
from tests._support.cli import SCRIPT, cli_env
from tests._support.postgres import PostgresServer

ORDERS, PER_ORDER, AMOUNT = 400, 5, 100
WORKERS, KILLS = 4, 10
SUMMARIES: list[str] = []


def _worker(sandbox: SandboxServer, dsn: str, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as handle:
        return subprocess.Popen(
            [str(SCRIPT), "worker", "--journal", dsn, "--concurrency", "8", "--heartbeat", "0.5"],
            env=cli_env(sandbox),
            stdout=subprocess.DEVNULL,
            stderr=handle,
            stdin=subprocess.DEVNULL,
        )


def _states(dsn: str) -> tuple[dict[str, int], int]:
    with psycopg.connect(dsn, connect_timeout=5) as conn:
        found = conn.execute("SELECT state, count(*) FROM klarna_om_refunds GROUP BY state")
        states: dict[str, int] = dict(found.fetchall())
        (active,) = conn.execute(
            "SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing')"
        ).fetchone() or (0,)
    return states, int(active)


@pytest.mark.timeout(420)
def test_four_workers_ten_sigkills_and_a_database_restart_lose_nothing(tmp_path: Path) -> None:
    rng = random.Random(20261207)
    started = time.monotonic()
    server = PostgresServer().start()
    try:
        with SandboxServer() as sandbox:
            orders = [
                sandbox.create_order(10_000, captures=[{"captured_amount": 10_000}])["order_id"]
                for _ in range(ORDERS)
            ]
            csv_file = tmp_path / "recall.csv"
            rows = [(o, f"recall-{n}") for n in range(PER_ORDER) for o in orders]
            csv_file.write_text(
                "order_id,amount,reference\n" + "".join(f"{o},{AMOUNT},{r}\n" for o, r in rows),
                "utf-8",
            )
            submit = [str(SCRIPT), "batch", str(csv_file), "--journal", server.dsn]
            submit += ["--submit-only", "--rate", "100", "--json"]
            submitted = subprocess.run(
                submit, env=cli_env(sandbox), capture_output=True, text=True, timeout=120
            )
            assert submitted.returncode == 0, submitted.stderr
            sandbox.add_fault("refundOrder", "drop_after_commit", count=60)
            sandbox.add_fault("refundOrder", "status", count=60, status=503)

            log = tmp_path / "workers.log"
            workers = [_worker(sandbox, server.dsn, log) for _ in range(WORKERS)]
            kills = restarts = resubmits = 0
            done_when_killed: list[int] = []
            progress: list[str] = []
            deadline = time.monotonic() + 300
            try:
                while time.monotonic() < deadline:
                    time.sleep(rng.uniform(1.0, 2.0) if kills < KILLS else 0.5)
                    states, active = _states(server.dsn)
                    progress.append(f"{time.monotonic() - started:.0f}s:{states.get('done', 0)}")
                    if kills < KILLS:
                        victim = rng.randrange(WORKERS)
                        workers[victim].kill()  # SIGKILL: no handler, its claims stay 'doing'
                        workers[victim].wait()
                        workers[victim] = _worker(sandbox, server.dsn, log)
                        kills += 1
                        done_when_killed.append(states.get("done", 0))
                        if kills == KILLS // 2:
                            server.restart()  # every connection of every worker breaks
                            restarts += 1
                        continue
                    unsettled = sum(states.get(s, 0) for s in ("pending", "in_flight", "unknown"))
                    if unsettled == 0:
                        break
                    if active == 0:  # jobs ran out of attempts: submit again, as an operator
                        again = subprocess.run(
                            submit,
                            env=cli_env(sandbox),
                            capture_output=True,
                            text=True,
                            timeout=120,
                        )
                        assert again.returncode == 0, again.stderr
                        resubmits += 1
            finally:
                for process in workers:
                    process.send_signal(signal.SIGTERM)
                for process in workers:
                    process.wait(timeout=60)
            states, active = _states(server.dsn)
            assert (states, active) == ({"done": len(rows)}, 0), log.read_text("utf-8")[-3000:]

            booked: Counter[tuple[str, str]] = Counter()
            refund_ids = set()
            for order_id in orders:
                for refund in sandbox.get_order(order_id)["refunds"]:
                    booked[(order_id, refund["reference"])] += 1
                    refund_ids.add(refund["refund_id"])
            with psycopg.connect(server.dsn) as conn:
                journaled = {r for (r,) in conn.execute("SELECT refund_id FROM klarna_om_refunds")}
                per_worker = conn.execute(
                    "SELECT count(DISTINCT worker) FROM klarna_om_refunds"
                ).fetchone()
            duplicates = sum(c - 1 for c in booked.values() if c > 1)
            lost = len(set(rows) - set(booked))
            SUMMARIES.append(
                f"fleet crash: {len(rows)} rows, {WORKERS} workers, {kills} SIGKILLs (done rows "
                f"at each: {done_when_killed}), {restarts} PostgreSQL restart, {resubmits} "
                f"resubmits, rows sent by {per_worker[0] if per_worker else 0} worker processes;"
                f" duplicates={duplicates} lost={lost}; {time.monotonic() - started:.1f} s"
                f" (done rows over time: {' '.join(progress[::4])})"
            )
            assert (kills, restarts) == (KILLS, 1)
            assert (duplicates, lost, set(booked)) == (0, 0, set(rows))
            assert journaled == refund_ids
    finally:
        server.close()
