"""Money safety where people work: re-runs, changed files, hostile files and text, via the CLI.

Each test runs the real console script against the sandbox and counts the refunds Klarna holds.
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest

from klarna_om_sandbox import SandboxServer
from tests._support.cli import SCRIPT, cli_env
from tests._support.data import TSHIRT


def klarna(sandbox: SandboxServer, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=cli_env(sandbox, **env),
        stdin=subprocess.DEVNULL,
        check=False,
    )


def _order(sandbox: SandboxServer, amount: int = 30000) -> str:
    seeded = sandbox.create_order(amount, captures=[{"captured_amount": amount}])
    return str(seeded["order_id"])


def _refunds(sandbox: SandboxServer, order_id: str) -> list[tuple[int, str | None]]:
    return [
        (r["refunded_amount"], r.get("reference")) for r in sandbox.get_order(order_id)["refunds"]
    ]


HEADER = ["order_id", "amount", "reference"]


def _write(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


# -- 1. the same refund is the same key, everywhere ----------------------------------------------


def test_running_the_same_refund_twice_refunds_once(klarna_sandbox: SandboxServer) -> None:
    order_id = _order(klarna_sandbox)
    first = klarna(klarna_sandbox, "refund", order_id, "1000", "--reference", "R", "--json")
    again = klarna(klarna_sandbox, "refund", order_id, "1000", "--reference", "R", "--json")
    assert (first.returncode, again.returncode) == (0, 0), first.stderr + again.stderr
    made, repeated = json.loads(first.stdout), json.loads(again.stdout)
    assert _refunds(klarna_sandbox, order_id) == [(1000, "R")]
    assert (made["already_refunded"], repeated["already_refunded"]) == (False, True)
    assert repeated == {
        "already_refunded": True,
        "order_id": order_id,
        "reference": "R",
        "refund_id": made["refund_id"],
        "refunded_amount": 1000,
    }


def test_the_same_reference_with_another_amount_exits_1_and_sends_nothing(
    klarna_sandbox: SandboxServer,
) -> None:
    order_id = _order(klarna_sandbox)
    assert klarna(klarna_sandbox, "refund", order_id, "1000", "--reference", "R").returncode == 0
    other = klarna(klarna_sandbox, "refund", order_id, "2500", "--reference", "R")
    assert other.returncode == 1
    assert other.stderr.startswith("refused (nothing was sent): reference 'R' already names ")
    assert "of 1000 on this order, not 2500" in other.stderr
    assert _refunds(klarna_sandbox, order_id) == [(1000, "R")]


def test_a_key_klarna_answers_with_another_amount_exits_1(klarna_sandbox: SandboxServer) -> None:
    """The key of a refund of 1000 sent again for 700: Klarna replays the first refund."""
    order_id = _order(klarna_sandbox)
    first = json.loads(klarna(klarna_sandbox, "refund", order_id, "1000", "--json").stdout)
    key = first["idempotency_key"]
    replay = klarna(klarna_sandbox, "refund", order_id, "700", "--idempotency-key", key, "--json")
    assert replay.returncode == 1
    error = json.loads(replay.stdout)["error"]
    assert (error["refund_id"], error["idempotency_key"], error["type"]) == (
        first["refund_id"],
        key,
        "AmountMismatchError",
    )
    assert "not the 700 asked" in error["message"]
    assert _refunds(klarna_sandbox, order_id) == [(1000, None)]


def test_without_a_reference_a_terminal_is_told_how_to_repeat_safely(
    klarna_sandbox: SandboxServer,
) -> None:
    import pty

    order_id = _order(klarna_sandbox)
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [str(SCRIPT), "refund", order_id, "1000"],
            stdout=subprocess.PIPE,
            stderr=follower,
            stdin=subprocess.DEVNULL,
            env=cli_env(klarna_sandbox),
            timeout=60,
            check=False,
            text=True,
        )
        os.close(follower)
        follower = -1
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(leader)
        if follower >= 0:
            os.close(follower)
    assert done.returncode == 0
    key = done.stdout.splitlines()[0].rsplit("idempotency_key ", 1)[1]
    assert shown.decode().replace("\r\n", "\n").splitlines() == [
        "No --reference: running this command again makes a NEW refund. To repeat this very "
        "refund safely (within 24 hours):",
        f"  klarna-om refund {order_id} 1000 --idempotency-key {key}",
    ]


# -- 2. the journal knows what it sent -------------------------------------------------------------


def test_a_changed_file_is_refused_for_sent_rows_and_taken_for_unsent_ones(
    klarna_sandbox: SandboxServer, tmp_path: Path
) -> None:
    orders = [_order(klarna_sandbox) for _ in range(3)]
    header = ["order_id", "amount", "reference"]
    path = _write(tmp_path / "rows.csv", header, [[o, 100, "r"] for o in orders])
    first = klarna(klarna_sandbox, "batch", str(path), "--json", "--rate", "500")
    assert first.returncode == 0, first.stderr
    # a done row's amount changed, rows moved: refused before anything is sent
    _write(path, header, [[orders[2], 100, "r"], [orders[0], 150, "r"], [orders[1], 100, "r"]])
    changed = klarna(klarna_sandbox, "batch", str(path), "--json")
    assert changed.returncode == 2
    message = json.loads(changed.stdout)["error"]["message"]
    assert message.splitlines() == [
        "1 rows changed after they were sent; nothing was sent. Keep them as they were, or give a"
        " corrected refund a new reference:",
        f"{path}: line 3 (was line 2), order {orders[0]} reference r, state done: "
        "amount 100 -> 150",
    ]
    dry = klarna(klarna_sandbox, "batch", str(path), "--dry-run", "--json")
    assert (dry.returncode, json.loads(dry.stdout)["error"]["message"]) == (2, message)
    # a removed row is reported, a new one is sent; nothing else moves
    extra = _order(klarna_sandbox)
    _write(path, header, [[orders[0], 100, "r"], [extra, 300, "new"]])
    resumed = klarna(klarna_sandbox, "batch", str(path), "--json", "--rate", "500")
    assert resumed.returncode == 0, resumed.stderr
    data = json.loads(resumed.stdout)
    assert data["changes"] == {
        "new": 1,
        "changed_before_sending": [],
        "changed_after_sending": [],
        "removed": [
            f"line 3: order {orders[1]} reference r (done) is no longer in the file and "
            "is not sent",
            f"line 4: order {orders[2]} reference r (done) is no longer in the file and "
            "is not sent",
        ],
    }
    assert (data["rows"], data["this_run"]["sent"], data["states"]["done"]) == (2, 1, 2)
    assert [_refunds(klarna_sandbox, o) for o in [*orders, extra]] == [
        [(100, "r")],
        [(100, "r")],
        [(100, "r")],
        [(300, "new")],
    ]


def test_a_row_changed_before_it_was_sent_goes_out_as_it_is_now(
    klarna_sandbox: SandboxServer, tmp_path: Path
) -> None:
    order_id = _order(klarna_sandbox)
    header = ["order_id", "amount", "reference"]
    path = _write(tmp_path / "rows.csv", header, [[order_id, 100, "r"]])
    journal = tmp_path / "rows.journal.sqlite3"
    wrong = klarna(klarna_sandbox, "batch", str(path), "--json", password="wrong")
    assert wrong.returncode == 3  # the first row got a 401: every row left to send
    with sqlite3.connect(journal) as db:
        db.execute("UPDATE refunds SET attempts = 0, state = 'pending'")  # as if never sent
    _write(path, header, [[order_id, 250, "r"]])
    done = klarna(klarna_sandbox, "batch", str(path), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["changes"]["changed_before_sending"] == [
        f"line 2, order {order_id} reference r, state pending: amount 100 -> 250"
    ]
    assert _refunds(klarna_sandbox, order_id) == [(250, "r")]


# -- 4. strict CSV ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        ("ORDER,1,000,r1\n", 2, "4 fields, the header has 3 (a comma inside an amount or a text"),
        ('ORDER,100,"r1\nORDER,200,r2\n', 2, "a quoted field is never closed"),
        ("ORDER,100,r1\nORDER,200,r2\0\n", 3, "a NUL byte: this is not a text file"),
        ("ORDER,١٠٠٠,r1\n", 2, "amount must be a whole number of minor units in plain digits"),
        ("ORDER, 100,r1\n", 2, "amount must be a whole number of minor units in plain digits"),
        ("ORDER,+100,r1\n", 2, "amount must be a whole number of minor units in plain digits"),
        ("ORDER,100\n", 2, "2 fields, the header has 3"),
        ("ORDER,100," + "x" * 140_000 + "\n", 2, "a field is longer than 65536 characters"),
    ],
)
def test_csv_traps_are_refused_with_their_line_before_anything_is_sent(
    klarna_sandbox: SandboxServer, tmp_path: Path, body: str, line: int, message: str
) -> None:
    order_id = _order(klarna_sandbox)
    path = tmp_path / "rows.csv"
    path.write_text("order_id,amount,reference\n" + body.replace("ORDER", order_id), "utf-8")
    done = klarna(klarna_sandbox, "batch", str(path), "--json")
    assert done.returncode == 2, done.stderr
    (error,) = json.loads(done.stdout)["errors"]
    assert (error["line"], error["message"].startswith(message)) == (line, True), error
    assert "Traceback" not in done.stderr
    assert _refunds(klarna_sandbox, order_id) == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("order_id,amount,reference\n".encode("utf-16"), "the file is UTF-16: save it as UTF-8"),
        (b"order_id,amount,reference\nO,1\xe9,r\n", "the file is not UTF-8 (byte 30)"),
    ],
)
def test_files_that_are_not_utf8_are_refused(
    klarna_sandbox: SandboxServer, tmp_path: Path, data: bytes, message: str
) -> None:
    path = tmp_path / "rows.csv"
    path.write_bytes(data)
    done = klarna(klarna_sandbox, "batch", str(path), "--json")
    assert done.returncode == 2
    assert json.loads(done.stdout)["errors"][0]["message"].startswith(message)


def test_a_bom_is_accepted(klarna_sandbox: SandboxServer, tmp_path: Path) -> None:
    order_id = _order(klarna_sandbox)
    path = tmp_path / "rows.csv"
    path.write_bytes(f"\ufefforder_id,amount,reference\n{order_id},100,b\n".encode())
    done = klarna(klarna_sandbox, "batch", str(path), "--dry-run", "--json")
    assert json.loads(done.stdout) == {"rows": 1, "refunded_amount_total": 100, "valid": True}


# -- 5. files that cannot hurt -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("damage", "why"),
    [
        ("not_sqlite", "it is not an SQLite journal, or it is damaged or truncated"),
        ("truncated", "it is not an SQLite journal, or it is damaged or truncated"),
        ("newer", "was written by a newer klarna-om (schema 99, this one knows 2)"),
        ("missing_dir", "does not exist"),
        ("read_only_dir", "it cannot be written here"),
    ],
)
def test_a_journal_that_cannot_be_used_is_one_message_and_nothing_sent(
    klarna_sandbox: SandboxServer, tmp_path: Path, damage: str, why: str
) -> None:
    order_id = _order(klarna_sandbox)
    path = _write(
        tmp_path / "rows.csv", ["order_id", "amount", "reference"], [[order_id, 100, "j"]]
    )
    journal = tmp_path / "j.sqlite3"
    if damage in ("truncated", "newer"):
        assert klarna(klarna_sandbox, "batch", str(path), "--journal", str(journal)).returncode == 0
        klarna_sandbox.reset()
        order_id = _order(klarna_sandbox)
        _write(path, ["order_id", "amount", "reference"], [[order_id, 100, "j"]])
        if damage == "truncated":
            data = journal.read_bytes()
            journal.write_bytes(data[: len(data) // 2 + 100])
        else:
            with sqlite3.connect(journal) as db:
                db.execute("PRAGMA user_version = 99")
    elif damage == "not_sqlite":
        journal.write_text("order_id,amount\n" * 200, "utf-8")
    elif damage == "missing_dir":
        journal = tmp_path / "nowhere" / "j.sqlite3"
    else:  # a place nobody may create files in, root included
        journal = Path("/proc/klarna-om-journal.sqlite3")
    done = klarna(klarna_sandbox, "batch", str(path), "--journal", str(journal), "--json")
    assert done.returncode == 2, done.stderr
    message = json.loads(done.stdout)["error"]["message"]
    assert message.startswith(f"cannot use journal {journal}: ") or "newer" in message, message
    assert why in message and message.endswith("nothing was sent"), message
    assert "Traceback" not in done.stderr
    assert _refunds(klarna_sandbox, order_id) == []


def test_the_lock_holds_through_a_symlink(klarna_sandbox: SandboxServer, tmp_path: Path) -> None:
    import fcntl

    order_id = _order(klarna_sandbox)
    path = _write(
        tmp_path / "rows.csv", ["order_id", "amount", "reference"], [[order_id, 100, "s"]]
    )
    journal = tmp_path / "real.sqlite3"
    link = tmp_path / "link.sqlite3"
    link.symlink_to(journal)
    with open(f"{journal}.lock", "wb") as held:  # a batch runs on the real path
        fcntl.flock(held, fcntl.LOCK_EX)
        busy = klarna(klarna_sandbox, "batch", str(path), "--journal", str(link), "--json")
    assert busy.returncode == 2
    assert json.loads(busy.stdout)["error"]["message"] == (
        f"another batch is running on journal {journal}; nothing was sent"
    )
    assert _refunds(klarna_sandbox, order_id) == []


@pytest.mark.parametrize("target", ["csv", "journal", "wal", "shm", "csv_link"])
def test_a_report_never_overwrites_an_input(
    klarna_sandbox: SandboxServer, tmp_path: Path, target: str
) -> None:
    order_id = _order(klarna_sandbox)
    path = _write(
        tmp_path / "rows.csv", ["order_id", "amount", "reference"], [[order_id, 100, "p"]]
    )
    journal = tmp_path / "rows.journal.sqlite3"
    report = {
        "csv": path,
        "journal": journal,
        "wal": Path(f"{journal}-wal"),
        "shm": Path(f"{journal}-shm"),
        "csv_link": tmp_path / "link.csv",
    }[target]
    if target == "csv_link":
        report.symlink_to(path)
    before = path.read_bytes()
    done = klarna(klarna_sandbox, "batch", str(path), "--report", str(report), "--json")
    assert done.returncode == 2
    assert " would overwrite the " in json.loads(done.stdout)["error"]["message"]
    assert path.read_bytes() == before
    assert _refunds(klarna_sandbox, order_id) == []


def test_the_report_neutralises_formulas_and_keeps_amounts_numbers(
    klarna_sandbox: SandboxServer, tmp_path: Path
) -> None:
    orders = [_order(klarna_sandbox) for _ in range(3)]
    references = ['=HYPERLINK("http://x","y")', "+1", "@SUM(A1)"]
    path = _write(
        tmp_path / "rows.csv",
        ["order_id", "amount", "reference"],
        [[o, 100 + i, ref] for i, (o, ref) in enumerate(zip(orders, references, strict=True))],
    )
    report = tmp_path / "out.csv"
    done = klarna(klarna_sandbox, "batch", str(path), "--report", str(report), "--rate", "500")
    assert done.returncode == 0, done.stderr
    with report.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == [
        "line",
        "order_id",
        "reference",
        "amount",
        "state",
        "refund_id",
        "error",
        "idempotency_key",
    ]
    assert [(r[0], r[2], r[3], r[4]) for r in rows[1:]] == [
        ("2", '\'=HYPERLINK("http://x","y")', "100", "done"),
        ("3", "'+1", "101", "done"),
        ("4", "'@SUM(A1)", "102", "done"),
    ]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")) == []


# -- 6. output that cannot break ----------------------------------------------------------------

HOSTILE = "[/ref] [bold]x[/bold] \x1b[31mred\x1b[0m \x07\x08\u202e end"
SHOWN = r"[/ref] [bold]x[/bold] \x1b[31mred\x1b[0m \x07\x08\u202e end".replace(r"\u202e", r"\x202e")


def test_hostile_text_passes_through_every_command_as_plain_text(
    klarna_sandbox: SandboxServer, tmp_path: Path
) -> None:
    line = dict(TSHIRT, name=HOSTILE)
    seeded = klarna_sandbox.create_order(
        30000, order_lines=[line], captures=[{"captured_amount": 30000, "order_lines": [line]}]
    )
    order_id, capture_id = seeded["order_id"], seeded["capture_ids"][0]
    outputs: dict[str, subprocess.CompletedProcess[str]] = {}
    outputs["refund"] = klarna(
        klarna_sandbox,
        "refund",
        order_id,
        "10000",
        "--line",
        json.dumps(line),
        "--reference",
        HOSTILE,
        "--description",
        HOSTILE,
    )
    refund_id = outputs["refund"].stdout.split("refund_id ", 1)[1].split(",", 1)[0]
    outputs["again"] = klarna(klarna_sandbox, "refund", order_id, "10000", "--reference", HOSTILE)
    outputs["other"] = klarna(klarna_sandbox, "refund", order_id, "1", "--reference", HOSTILE)
    outputs["fee"] = klarna(klarna_sandbox, "refund-return-fee", order_id, "5", "--reference", "f")
    outputs["get-refund"] = klarna(klarna_sandbox, "get-refund", order_id, refund_id)
    outputs["get-order"] = klarna(klarna_sandbox, "get-order", order_id)
    outputs["options"] = klarna(klarna_sandbox, "extend-options", order_id, capture_id)
    outputs["extend"] = klarna(klarna_sandbox, "extend", order_id, capture_id, "10")
    outputs["release"] = klarna(klarna_sandbox, "release", order_id)
    outputs["missing"] = klarna(klarna_sandbox, "get-order", "[/ref]nope")
    path = _write(
        tmp_path / "rows.csv", ["order_id", "amount", "reference"], [[order_id, 1, HOSTILE + "2"]]
    )
    outputs["batch"] = klarna(klarna_sandbox, "batch", str(path), "--rate", "500")
    codes = {name: done.returncode for name, done in outputs.items()}
    assert codes == {
        "refund": 0,
        "again": 0,
        "other": 1,
        "fee": 0,
        "get-refund": 0,
        "get-order": 0,
        "options": 0,
        "extend": 0,
        "release": 1,  # the order is captured in full: nothing left to release
        "missing": 1,
        "batch": 0,
    }, {n: d.stderr for n, d in outputs.items()}
    for name, done in outputs.items():
        text = done.stdout + done.stderr
        assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text, name
        assert "Traceback" not in text, name
    assert outputs["refund"].stdout.splitlines()[0].startswith("Refund created: refund_id ")
    for name in ("refund", "again", "get-refund"):
        assert SHOWN in outputs[name].stdout, name
    assert SHOWN[:20] in outputs["get-order"].stdout
    assert r"reference '[/ref] [bold]x[/bold] \x1b[31mred\x1b[0m" in outputs["other"].stderr
    assert [amount for amount, _ in _refunds(klarna_sandbox, order_id)] == [10000, 5, 1]
