"""Rows per second that a PostgreSQL-shared batch sustains here with 1, 2 and 4 workers.

Starts its own PostgreSQL server (tests/_support/postgres.py) and a sandbox in this process,
submits ``--rows`` refunds with the shared rate lifted, then starts N ``klarna-om worker``
processes and times from the first send to the last outcome (from the journal's timestamps).
Also counts the statements PostgreSQL ran per row (pg_stat_database.xact_commit).

    .venv/bin/python bench/fleet.py [--rows 2000] [--workers 1 2 4] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from klarna_om_sandbox import SandboxServer
from tests._support.cli import SCRIPT, cli_env
from tests._support.postgres import PostgresServer


def run(sandbox: SandboxServer, server: PostgresServer, rows: int, workers: int, conc: int) -> str:
    name = f"bench_{workers}_{os.getpid()}_{time.monotonic_ns()}"
    with psycopg.connect(server.dsn, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    dsn = server.dsn.rsplit("/", 1)[0] + f"/{name}"
    orders = [  # five refunds per order, as a recall would
        sandbox.create_order(500, captures=[{"captured_amount": 500}])["order_id"]
        for _ in range(rows // 5)
    ]
    path = Path(f"/tmp/{name}.csv")
    path.write_text(
        "order_id,amount,reference\n"
        + "".join(f"{orders[n % len(orders)]},100,r{n}\n" for n in range(rows)),
        "utf-8",
    )
    env = cli_env(sandbox)
    submitted = subprocess.run(
        [str(SCRIPT), "batch", str(path), "--journal", dsn, "--submit-only", "--rate", "10000"],
        env=env,
        check=False,
        capture_output=True,
        text=True,
    )
    if submitted.returncode != 0:
        raise SystemExit(f"submit failed: {submitted.stderr}")
    with psycopg.connect(dsn) as conn:
        (before,) = conn.execute(
            "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"
        ).fetchone() or (0,)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = time.process_time()
    processes = [
        subprocess.Popen(
            [str(SCRIPT), "worker", "--journal", dsn, "--concurrency", str(conc)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(workers)
    ]
    try:
        while True:
            time.sleep(0.5)
            with psycopg.connect(dsn) as conn:
                (left,) = conn.execute(
                    "SELECT count(*) FROM klarna_om_refunds WHERE state <> 'done'"
                ).fetchone() or (0,)
            if left == 0:
                break
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait()
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    workers_cpu = used.ru_utime + used.ru_stime - children.ru_utime - children.ru_stime
    sandbox_cpu = time.process_time() - own
    with psycopg.connect(dsn) as conn:
        first, last = conn.execute(
            "SELECT min(first_sent_at), max(updated_at) FROM klarna_om_refunds"
        ).fetchone() or (0.0, 0.0)
        (after,) = conn.execute(
            "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"
        ).fetchone() or (0,)
    path.unlink()
    per_second = rows / (last - first)
    per_row = (after - before) / rows
    return (
        f"{workers} worker(s) x concurrency {conc}: {per_second:.0f} rows/s "
        f"({rows} rows in {last - first:.1f} s), {per_row:.1f} committed transactions per row;"
        f" CPU per row: workers {1000 * workers_cpu / rows:.1f} ms, sandbox and this script"
        f" {1000 * sandbox_cpu / rows:.1f} ms"
    )


def main() -> None:
    """Run the measurement and print one line per worker count."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    server = PostgresServer().start()
    try:
        with SandboxServer() as sandbox:
            for count in args.workers:
                print(run(sandbox, server, args.rows, count, args.concurrency), flush=True)
    finally:
        server.close()


if __name__ == "__main__":
    main()
