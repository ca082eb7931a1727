"""The ``klarna-om`` console script, run for real in a subprocess against the sandbox."""

from __future__ import annotations

import csv
import json
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from klarna_om_sandbox import SandboxServer
from tests._support.cli import SCRIPT, cli_env
from tests._support.data import JEANS, TSHIRT

COMMANDS = [
    "refund",
    "refund-return-fee",
    "get-refund",
    "get-order",
    "release",
    "extend-options",
    "extend",
    "batch",
]


def klarna(
    sandbox: SandboxServer | None, *args: str, base_url: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = cli_env(sandbox, **({"base_url": base_url} if base_url else {}))
    return subprocess.run(
        [str(SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def _order(sandbox: SandboxServer) -> tuple[str, str]:
    seeded = sandbox.create_order(
        30000,
        order_lines=[TSHIRT, JEANS],
        captures=[{"captured_amount": 30000, "order_lines": [TSHIRT, JEANS]}],
    )
    return seeded["order_id"], seeded["capture_ids"][0]


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_is_readable(command: str | None) -> None:
    done = klarna(None, *([command] if command else []), "--help")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("Usage: klarna-om")
    assert "--password " not in done.stdout  # a password is never an option value
    assert "\\b" not in done.stdout  # click's paragraph mark is a backspace, never shown


def test_refund_and_read_it_back_human_and_json(klarna_sandbox: SandboxServer) -> None:
    order_id, _ = _order(klarna_sandbox)
    line = json.dumps(TSHIRT)
    human = klarna(
        klarna_sandbox, "refund", order_id, "10000", "--line", line, "--reference", "r-1"
    )
    assert (human.returncode, human.stderr) == (0, "")
    assert human.stdout.splitlines()[0].startswith("Refund created: refund_id ")
    assert "EUR 100.00" in human.stdout
    done = klarna(klarna_sandbox, "refund", order_id, "2500", "--reference", "r-2", "--json")
    assert done.returncode == 0, done.stderr
    created = json.loads(done.stdout)
    assert sorted(created) == [
        "already_refunded",
        "idempotency_key",
        "location",
        "order_id",
        "reference",
        "refund_id",
        "refunded_amount",
    ]
    assert (created["already_refunded"], created["refunded_amount"]) == (False, 2500)
    assert created["order_id"] == order_id
    read = json.loads(
        klarna(klarna_sandbox, "get-refund", order_id, created["refund_id"], "--json").stdout
    )
    assert (read["refund_id"], read["refunded_amount"], read["reference"]) == (
        created["refund_id"],
        2500,
        "r-2",
    )
    shown = klarna(klarna_sandbox, "get-refund", order_id, created["refund_id"])
    assert "EUR 25.00" in shown.stdout
    order = json.loads(klarna(klarna_sandbox, "get-order", order_id, "--json").stdout)
    assert (order["refunded_amount"], [r["refunded_amount"] for r in order["refunds"]]) == (
        12500,
        [10000, 2500],
    )


def test_release_extend_and_return_fee(klarna_sandbox: SandboxServer) -> None:
    partial = klarna_sandbox.create_order(20000, captures=[{"captured_amount": 5000}])
    released = klarna(klarna_sandbox, "release", partial["order_id"], "--json")
    assert released.returncode == 0, released.stderr
    data = json.loads(released.stdout)
    assert (data["order_id"], data["released"]) == (partial["order_id"], True)
    assert len(data["idempotency_key"]) == 36
    order_id, capture_id = _order(klarna_sandbox)
    options = klarna(klarna_sandbox, "extend-options", order_id, capture_id)
    assert "EUR 1.95" in options.stdout and "EUR 6.95" in options.stdout
    options_json = json.loads(
        klarna(klarna_sandbox, "extend-options", order_id, capture_id, "--json").stdout
    )
    assert options_json["options"][1] == {"number_of_days": 10, "amount": 195}
    extended = klarna(klarna_sandbox, "extend", order_id, capture_id, "10", "--json")
    assert json.loads(extended.stdout)["number_of_days"] == 10
    fee = klarna(
        klarna_sandbox,
        "refund",
        order_id,
        "9500",
        "--line",
        json.dumps(TSHIRT),
        "--return-fee",
        "500",
    )
    assert fee.returncode == 0, fee.stderr
    back = klarna(klarna_sandbox, "refund-return-fee", order_id, "500", "--json")
    assert back.returncode == 0, back.stderr
    assert [r["refunded_amount"] for r in klarna_sandbox.get_order(order_id)["refunds"]] == [
        9500,
        500,
    ]


def test_a_refusal_exits_1_with_klarnas_error(klarna_sandbox: SandboxServer) -> None:
    order_id, _ = _order(klarna_sandbox)
    done = klarna(klarna_sandbox, "refund", order_id, "99999", "--json")
    assert done.returncode == 1
    error = json.loads(done.stdout)
    assert (error["exit_code"], error["error"]["error_code"], error["error"]["status_code"]) == (
        1,
        "REFUND_NOT_ALLOWED",
        403,
    )
    assert done.stderr.startswith("Klarna refused: ")


@pytest.mark.parametrize(
    "args",
    [
        ("refund", "ORDER", "0"),
        ("refund", "ORDER", "100", "--line", "not json"),
        ("refund", "ORDER", "100", "--return-fee", "10"),
        ("extend", "ORDER", "c-1", "0"),
    ],
)
def test_invalid_input_exits_2_and_sends_nothing(
    klarna_sandbox: SandboxServer, args: tuple[str, ...]
) -> None:
    order_id, _ = _order(klarna_sandbox)
    done = klarna(klarna_sandbox, *[order_id if a == "ORDER" else a for a in args])
    assert done.returncode == 2
    assert done.stderr.startswith("invalid input (nothing was sent): ")
    assert klarna_sandbox.get_order(order_id)["refunds"] == []


def test_extend_as_kustom_exits_2_and_sends_nothing(klarna_sandbox: SandboxServer) -> None:
    # The sandbox plays Klarna here, so a request sent would have extended the due date.
    order_id, capture_id = _order(klarna_sandbox)
    before = klarna_sandbox.get_order(order_id)
    by_option = klarna(klarna_sandbox, "extend", order_id, capture_id, "14", "--provider", "kustom")
    env = cli_env(klarna_sandbox, provider="KUSTOM")
    by_env = subprocess.run(
        [str(SCRIPT), "extend-options", order_id, capture_id, "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert (by_option.returncode, by_option.stdout, by_option.stderr) == (
        2,
        "",
        "invalid input (nothing was sent): kustom does not offer extendDueDate (served by "
        "klarna); nothing was sent\n",
    )
    assert by_env.returncode == 2, by_env.stderr
    assert json.loads(by_env.stdout)["error"] == {
        "type": "UnsupportedOperationError",
        "message": "kustom does not offer getOptionsForExtendDueDate (served by klarna); "
        "nothing was sent",
        "field": "provider",
    }
    assert klarna_sandbox.get_order(order_id) == before
    wrong = klarna(klarna_sandbox, "get-order", order_id, "--provider", "mars")
    assert wrong.returncode == 2 and "'mars' is not one of 'klarna', 'kustom'" in wrong.stderr


def test_usage_errors_exit_2() -> None:
    assert klarna(None, "refund", "o-1").returncode == 2
    assert klarna(None, "refund", "o-1", "100", "--password", "secret").returncode == 2


def test_no_answer_exits_3_with_the_key_and_the_command_that_retries(
    klarna_sandbox: SandboxServer,
) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    done = klarna(klarna_sandbox, "refund", "o-1", "100", "--description", "r 1", base_url=closed)
    assert done.returncode == 3
    lines = done.stderr.splitlines()
    assert lines[0].startswith("outcome unknown: no usable answer: ")
    key = lines[0].rsplit("idempotency_key=", 1)[1]
    assert lines[-1] == f"  klarna-om refund o-1 100 --description 'r 1' --idempotency-key {key}"
    for args in (("get-order", "o-1"), ("refund", "o-1", "100", "--reference", "r 1")):
        read = klarna(klarna_sandbox, *args, base_url=closed)  # a read fails: nothing was sent
        assert read.returncode == 3
        assert read.stderr.startswith("no usable answer (nothing was changed: run it again): ")
        assert "idempotency" not in read.stderr


def test_missing_credentials_exit_2_without_a_prompt() -> None:
    done = klarna(None, "get-order", "o-1")
    assert done.returncode == 2
    assert "KLARNA_USERNAME and KLARNA_PASSWORD" in done.stderr


def _write_csv(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=["order_id", "amount", "reference", "lines", "return_fee"]
        )
        writer.writeheader()
        writer.writerows(rows)


def test_batch_validates_first_then_sends_once_and_resumes(
    klarna_sandbox: SandboxServer, tmp_path: Path
) -> None:
    orders = [_order(klarna_sandbox)[0] for _ in range(5)]
    bad = tmp_path / "bad.csv"
    _write_csv(
        bad,
        [
            {"order_id": orders[0], "amount": "100", "reference": "a"},
            {"order_id": orders[0], "amount": "100", "reference": "a"},
            {"order_id": orders[1], "amount": "1.5", "reference": "b"},
            {"order_id": orders[2], "amount": "100", "reference": ""},
        ],
    )
    failed = klarna(klarna_sandbox, "batch", str(bad))
    assert failed.returncode == 2
    assert failed.stderr.splitlines() == [
        f"{bad}:3: order_id and reference repeat line 2: one refund each",
        f"{bad}:4: amount must be a whole number of minor units in plain digits 0-9 (no sign,"
        " space, separator or decimal point)",
        f"{bad}:5: reference is required: it makes the row's idempotency key",
        "3 bad rows; nothing was sent",
    ]
    good = tmp_path / "good.csv"
    rows = [
        {"order_id": o, "amount": "1000", "reference": f"recall-{i}"} for i, o in enumerate(orders)
    ]
    rows.append({"order_id": orders[0], "amount": "99999", "reference": "too-much"})
    rows.append(
        {
            "order_id": orders[1],
            "amount": "9500",
            "reference": "fee",
            "lines": json.dumps([TSHIRT]),
            "return_fee": "500",
        }
    )
    _write_csv(good, rows)
    dry = klarna(klarna_sandbox, "batch", str(good), "--dry-run", "--json")
    assert json.loads(dry.stdout) == {"rows": 7, "refunded_amount_total": 114499, "valid": True}
    report = tmp_path / "report.csv"
    done = klarna(
        klarna_sandbox, "batch", str(good), "--json", "--report", str(report), "--rate", "500"
    )
    assert done.returncode == 1, done.stderr  # one row refused
    summary = json.loads(done.stdout)
    assert summary["states"] == {
        "pending": 0,
        "in_flight": 0,
        "done": 6,
        "refused": 1,
        "unknown": 0,
    }
    assert summary["this_run"] == {
        "sent": 7,
        "done": 6,
        "refused": 1,
        "unknown": 0,
        "reconciled": 0,
    }
    assert summary["refused"] == [
        {"line": 7, "order_id": orders[0], "reference": "too-much", "error": "REFUND_NOT_ALLOWED"}
    ]
    with report.open(encoding="utf-8") as handle:
        outcomes = {(r["reference"], r["state"], r["error"]) for r in csv.DictReader(handle)}
    assert ("too-much", "refused", "REFUND_NOT_ALLOWED") in outcomes
    again = klarna(klarna_sandbox, "batch", str(good), "--json")
    assert json.loads(again.stdout)["this_run"] == {
        "sent": 0,
        "done": 0,
        "refused": 0,
        "unknown": 0,
        "reconciled": 0,
    }
    booked = [len(klarna_sandbox.get_order(o)["refunds"]) for o in orders]
    assert booked == [1, 2, 1, 1, 1]


def test_without_the_extra_the_script_says_what_to_install() -> None:
    code = (
        "import sys\nsys.modules['click'] = None\nsys.argv = ['klarna-om', '--help']\n"
        "from klarna_om._cli import main\nmain()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout, done.stderr) == (
        2,
        "",
        "klarna-om needs click: pip install 'klarna-om[cli]'\n",
    )


def test_human_views_of_an_order_and_a_refund_with_lines(klarna_sandbox: SandboxServer) -> None:
    order_id, capture_id = _order(klarna_sandbox)
    done = klarna(
        klarna_sandbox, "refund", order_id, "10000", "--line", json.dumps(TSHIRT), "--json"
    )
    refund_id = json.loads(done.stdout)["refund_id"]
    shown = klarna(klarna_sandbox, "get-order", order_id)
    assert shown.returncode == 0, shown.stderr
    for text in ("CAPTURED", "EUR 300.00", "EUR 100.00", capture_id, refund_id):
        assert text in shown.stdout
    lines = klarna(klarna_sandbox, "get-refund", order_id, refund_id)
    assert "T-Shirt" in lines.stdout and "physical" in lines.stdout


def test_the_password_from_a_file(klarna_sandbox: SandboxServer, tmp_path: Path) -> None:
    secret = tmp_path / "password"
    secret.write_text(klarna_sandbox.password + "\n", encoding="utf-8")
    env = cli_env()
    done = subprocess.run(
        [
            *(str(SCRIPT), "get-order", _order(klarna_sandbox)[0], "--json"),
            *("--username", klarna_sandbox.username, "--password-file", str(secret)),
            *("--base-url", klarna_sandbox.base_url),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["status"] == "CAPTURED"


def test_batch_in_plain_text_a_changed_file_and_json_errors(
    klarna_sandbox: SandboxServer, tmp_path: Path
) -> None:
    orders = [_order(klarna_sandbox)[0] for _ in range(3)]
    path = tmp_path / "rows.csv"
    _write_csv(path, [{"order_id": o, "amount": "100", "reference": "x"} for o in orders])
    done = klarna(klarna_sandbox, "batch", str(path), "--rate", "500")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("3 done, 0 refused, 0 unknown, 0 not sent; journal ")
    assert done.stderr.splitlines()[-1].startswith("3/3 done 3 refused 0 unknown 0 ")
    _write_csv(path, [{"order_id": o, "amount": "200", "reference": "x"} for o in orders])
    changed = klarna(klarna_sandbox, "batch", str(path))
    assert changed.returncode == 2
    assert changed.stderr.startswith("3 rows changed after they were sent; nothing was sent.")
    bad = tmp_path / "bad.csv"
    _write_csv(bad, [{"order_id": orders[0], "amount": "x", "reference": "z"}])
    errors = klarna(klarna_sandbox, "batch", str(bad), "--json")
    assert json.loads(errors.stdout) == {
        "errors": [
            {
                "line": 2,
                "message": "amount must be a whole number of minor units in plain digits 0-9 (no"
                " sign, space, separator or decimal point)",
            }
        ]
    }


def test_ctrl_c_stops_a_batch_that_then_resumes(
    klarna_sandbox: SandboxServer, tmp_path: Path
) -> None:
    orders = [_order(klarna_sandbox)[0] for _ in range(20)]
    path = tmp_path / "slow.csv"
    _write_csv(path, [{"order_id": o, "amount": "100", "reference": "slow"} for o in orders])
    env = cli_env(klarna_sandbox)
    process = subprocess.Popen(
        [str(SCRIPT), "batch", str(path), "--rate", "4", "--json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    time.sleep(2.5)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    stopped = json.loads(out)
    assert stopped["interrupted"] is True
    assert 0 < stopped["states"]["done"] < 20
    assert stopped["states"]["in_flight"] == 0  # in-flight rows were waited for
    resumed = klarna(klarna_sandbox, "batch", str(path), "--rate", "500", "--json")
    assert json.loads(resumed.stdout)["states"]["done"] == 20
    assert sum(len(klarna_sandbox.get_order(o)["refunds"]) for o in orders) == 20


def test_wrong_credentials_stop_a_batch_and_leave_every_row_to_resume(
    klarna_sandbox: SandboxServer, tmp_path: Path
) -> None:
    orders = [_order(klarna_sandbox)[0] for _ in range(3)]
    path = tmp_path / "rows.csv"
    _write_csv(path, [{"order_id": o, "amount": "100", "reference": "pw"} for o in orders])
    env = cli_env(klarna_sandbox, password="wrong-password")
    failed = subprocess.run(
        [str(SCRIPT), "batch", str(path), "--json", "--concurrency", "1"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert failed.returncode == 3, failed.stderr
    states = json.loads(failed.stdout)["states"]
    assert states["refused"] == 0 and states["done"] == 0
    assert "wrong-password" not in failed.stdout + failed.stderr
    resumed = klarna(klarna_sandbox, "batch", str(path), "--json", "--rate", "500")
    assert json.loads(resumed.stdout)["states"]["done"] == 3


def test_one_batch_per_journal_at_a_time(klarna_sandbox: SandboxServer, tmp_path: Path) -> None:
    import fcntl

    path = tmp_path / "rows.csv"
    _write_csv(path, [{"order_id": _order(klarna_sandbox)[0], "amount": "100", "reference": "l"}])
    journal = tmp_path / "rows.journal.sqlite3"
    with open(f"{journal}.lock", "wb") as held:  # another batch holds this journal
        fcntl.flock(held, fcntl.LOCK_EX)
        busy = klarna(klarna_sandbox, "batch", str(path), "--json")
    assert busy.returncode == 2
    assert json.loads(busy.stdout)["error"]["message"] == (
        f"another batch is running on journal {journal}; nothing was sent"
    )
    done = klarna(klarna_sandbox, "batch", str(path), "--json")
    assert json.loads(done.stdout)["states"]["done"] == 1
