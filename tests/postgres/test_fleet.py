"""Batches shared through a real PostgreSQL server: submit, workers, status, failures, rate."""

from __future__ import annotations

import json
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

DAY = 24 * 3600


def klarna(
    sandbox: SandboxServer, *args: str, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=cli_env(sandbox),
        stdin=subprocess.DEVNULL,
        check=False,
    )


def start_worker(
    sandbox: SandboxServer, dsn: str, *extra: str, heartbeat: float = 0.5
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(SCRIPT), "worker", "--journal", dsn, "--heartbeat", str(heartbeat), *extra],
        env=cli_env(sandbox),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )


def stop(process: subprocess.Popen[str], sig: int) -> tuple[int, str]:
    """Send ``sig``, wait, and return the exit code and stderr."""
    process.send_signal(sig)
    _, err = process.communicate(timeout=60)
    return process.returncode, err


def write_csv(path: Path, rows: list[tuple[str, int, str]]) -> Path:
    lines = "".join(f"{o},{amount},{ref}\n" for o, amount, ref in rows)
    path.write_text("order_id,amount,reference\n" + lines, "utf-8")
    return path


def orders(sandbox: SandboxServer, count: int, amount: int = 100_000) -> list[str]:
    return [
        sandbox.create_order(amount, captures=[{"captured_amount": amount}])["order_id"]
        for _ in range(count)
    ]


def booked(sandbox: SandboxServer, order_ids: list[str]) -> Counter[tuple[str, str, int]]:
    found: Counter[tuple[str, str, int]] = Counter()
    for order_id in order_ids:
        for refund in sandbox.get_order(order_id)["refunds"]:
            found[(order_id, refund["reference"], refund["refunded_amount"])] += 1
    return found


def status(sandbox: SandboxServer, dsn: str, *args: str) -> dict[str, object]:
    done = klarna(sandbox, "batch-status", *args, "--journal", dsn, "--json")
    assert done.returncode == 0, done.stderr
    data: dict[str, object] = json.loads(done.stdout)
    return data


def wait_for(check: object, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.2)
    raise AssertionError(f"not within {seconds} s")


def test_a_batch_submitted_twice_and_at_once_is_one_refund_per_row(
    klarna_sandbox: SandboxServer, pg_dsn: str, tmp_path: Path
) -> None:
    ids = orders(klarna_sandbox, 30)
    path = write_csv(tmp_path / "recall.csv", [(o, 100, "recall") for o in ids])
    env = cli_env(klarna_sandbox)
    submits = [
        subprocess.Popen(
            [str(SCRIPT), "batch", str(path), "--journal", pg_dsn, "--submit-only", "--json"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = [p.communicate(timeout=120) for p in submits]
    assert [p.returncode for p in submits] == [0, 0], results
    enqueued = [json.loads(out)["enqueued"] for out, _ in results]
    assert sum(enqueued) == 30  # two hosts at once: each row enqueued by one of them
    again = klarna(
        klarna_sandbox, "batch", str(path), "--journal", pg_dsn, "--submit-only", "--json"
    )
    assert json.loads(again.stdout)["enqueued"] == 0
    submit = ("batch", str(path), "--journal", pg_dsn, "--submit-only")
    assert klarna(klarna_sandbox, *submit, "--rate", "120").returncode == 0
    assert klarna(klarna_sandbox, *submit).returncode == 0  # the default rate, 50
    with psycopg.connect(pg_dsn) as conn:
        rates = conn.execute("SELECT rate FROM klarna_om_rates").fetchall()
    assert rates == [(120.0,)]  # a default never undoes the rate an operator set
    with psycopg.connect(pg_dsn) as conn:
        (jobs,) = conn.execute("SELECT count(*) FROM procrastinate_jobs").fetchone() or (0,)
    assert jobs == 30
    done = klarna(klarna_sandbox, "batch", str(path), "--journal", pg_dsn, "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["states"] == {
        "pending": 0,
        "in_flight": 0,
        "done": 30,
        "refused": 0,
        "unknown": 0,
    }
    assert booked(klarna_sandbox, ids) == Counter({(o, "recall", 100): 1 for o in ids})


def test_the_changed_file_rules_are_the_sqlite_ones(
    klarna_sandbox: SandboxServer, pg_dsn: str, tmp_path: Path
) -> None:
    ids = orders(klarna_sandbox, 3)
    path = write_csv(tmp_path / "rows.csv", [(o, 100, "r") for o in ids])
    assert klarna(klarna_sandbox, "batch", str(path), "--journal", pg_dsn).returncode == 0
    write_csv(path, [(ids[0], 150, "r"), (ids[1], 100, "r")])
    changed = klarna(klarna_sandbox, "batch", str(path), "--journal", pg_dsn, "--json")
    assert changed.returncode == 2
    assert json.loads(changed.stdout)["changes"]["changed_after_sending"] == [
        f"line 2, order {ids[0]} reference r, state done: amount 100 -> 150"
    ]
    extra = orders(klarna_sandbox, 1)[0]
    write_csv(path, [(ids[0], 100, "r"), (extra, 70, "new")])
    resumed = klarna(klarna_sandbox, "batch", str(path), "--journal", pg_dsn)
    assert resumed.returncode == 0, resumed.stderr
    assert resumed.stderr.splitlines() == [
        f"{path}: line 3: order {ids[1]} reference r (done) is no longer in the file and is not"
        " sent",
        f"{path}: line 4: order {ids[2]} reference r (done) is no longer in the file and is not"
        " sent",
    ]
    assert booked(klarna_sandbox, [*ids, extra]) == Counter(
        {(ids[0], "r", 100): 1, (ids[1], "r", 100): 1, (ids[2], "r", 100): 1, (extra, "new", 70): 1}
    )


def test_workers_share_the_batch_and_status_shows_each(
    klarna_sandbox: SandboxServer, pg_dsn: str, tmp_path: Path
) -> None:
    ids = orders(klarna_sandbox, 40)
    path = write_csv(tmp_path / "shared.csv", [(o, 100, "s") for o in ids])
    submitted = klarna(
        klarna_sandbox, "batch", str(path), "--journal", pg_dsn, "--submit-only", "--rate", "400"
    )
    assert submitted.returncode == 0, submitted.stderr
    workers = [start_worker(klarna_sandbox, pg_dsn, "--concurrency", "2") for _ in range(2)]
    try:
        wait_for(lambda: status(klarna_sandbox, pg_dsn, "shared")["states"]["done"] == 40, 60)  # type: ignore[index]
    finally:
        ended = [stop(process, signal.SIGINT) for process in workers]  # Ctrl-C: rows finish
    assert [code for code, _ in ended] == [0, 0], ended
    data = status(klarna_sandbox, pg_dsn, "shared")
    per_worker = data["workers"]
    assert isinstance(per_worker, dict) and len(per_worker) == 2
    assert sum(c["done"] for c in per_worker.values()) == 40
    assert data["batches"] == ["shared"]
    report = tmp_path / "out.csv"
    shown = klarna(
        klarna_sandbox, "batch-status", "shared", "--journal", pg_dsn, "--report", str(report)
    )
    assert shown.returncode == 0 and "overall" in shown.stdout
    assert len(report.read_text("utf-8").splitlines()) == 41
    assert booked(klarna_sandbox, ids) == Counter({(o, "s", 100): 1 for o in ids})


def test_a_killed_worker_loses_nothing_and_a_restart_is_waited_out(
    klarna_sandbox: SandboxServer, postgres_server: PostgresServer, pg_dsn: str, tmp_path: Path
) -> None:
    ids = orders(klarna_sandbox, 60)
    path = write_csv(tmp_path / "k.csv", [(o, 100, "k") for o in ids])
    assert (
        klarna(
            klarna_sandbox, "batch", str(path), "--journal", pg_dsn, "--submit-only", "--rate", "30"
        ).returncode
        == 0
    )
    first = start_worker(klarna_sandbox, pg_dsn, "--concurrency", "4")
    wait_for(lambda: status(klarna_sandbox, pg_dsn)["states"]["done"] >= 10, 60)  # type: ignore[index]
    stop(first, signal.SIGKILL)  # its claimed rows stay 'doing' until its heartbeat is missed
    second = start_worker(klarna_sandbox, pg_dsn, "--concurrency", "4")
    try:
        wait_for(lambda: status(klarna_sandbox, pg_dsn)["states"]["done"] >= 30, 60)  # type: ignore[index]
        postgres_server.restart()  # every connection breaks; the worker waits and resumes
        wait_for(lambda: status(klarna_sandbox, pg_dsn)["states"]["done"] == 60, 90)  # type: ignore[index]
    finally:
        code, err = stop(second, signal.SIGTERM)
    assert code == 0, err
    assert booked(klarna_sandbox, ids) == Counter({(o, "k", 100): 1 for o in ids})


def test_ctrl_c_stops_a_batch_after_its_rows_in_flight_and_a_worker_finishes_it(
    klarna_sandbox: SandboxServer, pg_dsn: str, tmp_path: Path
) -> None:
    ids = orders(klarna_sandbox, 40)
    path = write_csv(tmp_path / "c.csv", [(o, 100, "c") for o in ids])
    batch = subprocess.Popen(
        [str(SCRIPT), "batch", str(path), "--journal", pg_dsn, "--rate", "10", "--json"],
        env=cli_env(klarna_sandbox),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_for(lambda: status(klarna_sandbox, pg_dsn)["states"]["done"] >= 5, 60)  # type: ignore[index]
    code, _ = stop(batch, signal.SIGINT)
    assert code == 130
    stopped = status(klarna_sandbox, pg_dsn)["states"]
    assert isinstance(stopped, dict) and stopped["in_flight"] == 0 and stopped["done"] < 40
    worker = start_worker(klarna_sandbox, pg_dsn, "--rate", "400")
    try:
        wait_for(lambda: status(klarna_sandbox, pg_dsn)["states"]["done"] == 40, 60)  # type: ignore[index]
    finally:
        stop(worker, signal.SIGTERM)
    assert booked(klarna_sandbox, ids) == Counter({(o, "c", 100): 1 for o in ids})


def test_four_workers_together_keep_the_merchants_rate(
    klarna_sandbox: SandboxServer, pg_dsn: str, tmp_path: Path
) -> None:
    rate, count = 20.0, 200
    ids = orders(klarna_sandbox, count)
    path = write_csv(tmp_path / "r.csv", [(o, 100, "rate") for o in ids])
    assert (
        klarna(
            klarna_sandbox,
            "batch",
            str(path),
            "--journal",
            pg_dsn,
            "--submit-only",
            "--rate",
            str(rate),
        ).returncode
        == 0
    )
    workers = [start_worker(klarna_sandbox, pg_dsn, "--concurrency", "4") for _ in range(4)]
    try:
        wait_for(lambda: status(klarna_sandbox, pg_dsn)["states"]["done"] == count, 60)  # type: ignore[index]
    finally:
        for process in workers:
            stop(process, signal.SIGTERM)
    with psycopg.connect(pg_dsn) as conn:
        sent = sorted(t for (t,) in conn.execute("SELECT first_sent_at FROM klarna_om_refunds"))
        by_worker = conn.execute("SELECT count(DISTINCT worker) FROM klarna_om_refunds").fetchone()
    middle = sent[count // 10 : -count // 10]  # workers start and stop at different moments
    achieved = (len(middle) - 1) / (middle[-1] - middle[0])
    RATES.append(f"shared rate: 4 workers, --rate {rate:g}: {achieved:.2f} requests/s")
    assert by_worker == (4,)
    assert abs(achieved - rate) / rate < 0.05, achieved


RATES: list[str] = []


def test_a_resume_after_a_day_reconciles_through_the_order(
    klarna_sandbox: SandboxServer, pg_dsn: str, tmp_path: Path
) -> None:
    ids = orders(klarna_sandbox, 2)
    path = write_csv(tmp_path / "d.csv", [(o, 100, "d") for o in ids])
    klarna_sandbox.add_fault("refundOrder", "drop_after_commit", count=1)
    failing = klarna_sandbox.add_fault("refundOrder", "status", count=1000, status=503)
    first = klarna(klarna_sandbox, "batch", str(path), "--journal", pg_dsn, "--json")
    assert first.returncode == 3, first.stderr  # one row applied but unknown, one never applied
    assert json.loads(first.stdout)["states"]["unknown"] == 2
    assert [len(klarna_sandbox.get_order(o)["refunds"]) for o in ids] in ([1, 0], [0, 1])
    failing.count = 0
    with psycopg.connect(pg_dsn) as conn:
        conn.execute(
            "UPDATE klarna_om_refunds SET first_sent_at = first_sent_at - %s,"
            " key_sent_at = key_sent_at - %s",
            (DAY + 60, DAY + 60),
        )
    klarna_sandbox.advance_clock(DAY + 60)
    again = klarna(klarna_sandbox, "batch", str(path), "--journal", pg_dsn, "--json")
    assert again.returncode == 0, again.stderr
    assert booked(klarna_sandbox, ids) == Counter({(o, "d", 100): 1 for o in ids})


def test_without_the_extra_the_command_says_what_to_install(tmp_path: Path) -> None:
    code = (
        "import sys\nsys.modules['procrastinate'] = None\nsys.modules['psycopg'] = None\n"
        "import importlib.util\nreal = importlib.util.find_spec\n"
        "importlib.util.find_spec = lambda n, *a: None if n in ('procrastinate', 'psycopg') "
        "else real(n, *a)\n"
        f"sys.argv = ['klarna-om', 'batch', {str(tmp_path / 'x.csv')!r}, '--journal', "
        "'postgresql://nowhere/db', '--username', 'K1']\n"
        "from klarna_om._cli import main\nmain()\n"
    )
    (tmp_path / "x.csv").write_text("order_id,amount,reference\no-1,100,r\n", "utf-8")
    import sys

    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert (done.returncode, done.stderr) == (
        2,
        "a PostgreSQL journal needs procrastinate, psycopg: pip install 'klarna-om[postgres]';"
        " nothing was sent\n",
    )


@pytest.fixture(autouse=True, scope="module")
def _report_rates() -> object:
    yield
    for line in RATES:
        print(line)
