"""The command line's parts without a network: CSV validation, journal, outcomes, money."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
import pytest

from klarna_om import APIConnectionError, APIStatusError
from klarna_om._cli._batch import outcome_of
from klarna_om._cli._csvfile import Row, RowError, read_rows
from klarna_om._cli._journal import Change, JournalError, Plan, SQLiteJournal, plan, summary
from klarna_om._cli._output import money
from klarna_om._cli._rules import refund_key
from klarna_om._errors import status_error
from tests._support.data import TSHIRT


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rows.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "errors"),
    [
        (
            "order_id,amount\no-1,100\n",
            [
                RowError(
                    1,
                    "the header needs order_id, amount, reference (optional: return_fee, "
                    "description, lines); missing: reference",
                )
            ],
        ),
        (
            "order_id,amount,reference,colour\n",
            [
                RowError(
                    1,
                    "the header needs order_id, amount, reference (optional: return_fee, "
                    "description, lines); unknown: colour",
                )
            ],
        ),
        ("order_id,amount,reference\n", [RowError(1, "the file has no rows")]),
        (
            'order_id,amount,reference,lines\no-1,100,r,"{""a"": 1}"\n',
            [RowError(2, "lines must be a JSON array of order lines")],
        ),
        (
            "order_id,amount,reference,lines\no-1,100,r,[nope\n",
            [RowError(2, "lines must be a JSON array of order lines")],
        ),
        (
            "order_id,amount,reference,return_fee\no-1,100,r,10\n",
            [RowError(2, "return_fee needs the returned lines (column lines)")],
        ),
        (
            "order_id,amount,reference\n..,100,r\n",
            [
                RowError(
                    2,
                    "order_id must not be a dot segment ('.' or '..'): it would address another "
                    "resource",
                )
            ],
        ),
        (
            "order_id,amount,reference\no-1,0,r\n",
            [RowError(2, "refunded_amount is 0, it must be between 1 and 200000000")],
        ),
    ],
)
def test_bad_files_are_reported_with_line_numbers(
    tmp_path: Path, text: str, errors: list[RowError]
) -> None:
    rows, found = read_rows(_csv(tmp_path, text))
    assert (rows, found) == ([], errors)


def test_a_return_fee_row_must_add_up(tmp_path: Path) -> None:
    lines = json.dumps([TSHIRT]).replace('"', '""')
    rows, errors = read_rows(
        _csv(tmp_path, f'order_id,amount,reference,lines,return_fee\no-1,9000,r,"{lines}",500\n')
    )
    assert errors == [
        RowError(2, "amount is 9000, but the lines minus the return fee are 9500"),
    ]
    rows, errors = read_rows(
        _csv(tmp_path, f'order_id,amount,reference,lines,return_fee\no-1,9500,r,"{lines}",500\n')
    )
    assert (errors, len(rows), rows[0].return_fee, rows[0].lines) == ([], 1, 500, (TSHIRT,))


def test_the_key_comes_from_merchant_order_and_reference() -> None:
    first = refund_key("K1", "o-1", "r-1")
    assert first == refund_key("K1", "o-1", "r-1")  # a re-run sends the same key
    others = {
        refund_key("K2", "o-1", "r-1"),
        refund_key("K1", "o-2", "r-1"),
        refund_key("K1", "o-1", "r-2"),
        refund_key("K1", "o-1", "r-1", generation=2),
    }
    assert len(others) == 4 and first not in others
    assert refund_key("K1", "o-1", "r-1", generation=1) == first


def _row(line: int, order_id: str, amount: int, reference: str = "r") -> Row:
    return Row(line, order_id, amount, reference)


def test_the_journal_records_states_by_order_and_reference(tmp_path: Path) -> None:
    now = [1000.0]
    journal = SQLiteJournal(tmp_path / "j.sqlite3", clock=lambda: now[0])
    rows = [_row(2, "o-1", 100), _row(3, "o-2", 200)]
    keys = {("o-1", "r"): "k-1", ("o-2", "r"): "k-2"}
    assert journal.apply(rows, keys) == Plan(new=tuple(rows))
    assert journal.apply(rows, keys) == Plan()  # known rows are kept as they are
    journal.mark_in_flight(("o-1", "r"))
    now[0] = 1005.0
    journal.mark_in_flight(("o-1", "r"))
    journal.mark_outcome(("o-2", "r"), "refused", None, "REFUND_NOT_ALLOWED")
    first, second = journal.entries()
    assert (first.line, first.state, first.attempts, first.first_sent_at, first.key_sent_at) == (
        2,
        "in_flight",
        2,
        1000.0,
        1000.0,
    )
    assert (first.amount, first.digest, first.key) == (100, rows[0].digest, "k-1")
    assert (second.state, second.error, second.attempts) == ("refused", "REFUND_NOT_ALLOWED", 0)
    journal.renew_key(("o-1", "r"), "k-1b", 2)
    journal.mark_outcome(("o-1", "r"), "done", "refund-1", None)
    renewed = journal.entries()[0]
    assert (renewed.key, renewed.generation, renewed.key_sent_at, renewed.refund_id) == (
        "k-1b",
        2,
        None,
        "refund-1",
    )
    assert summary(journal.entries()) == {
        "pending": 0,
        "in_flight": 0,
        "done": 1,
        "refused": 1,
        "unknown": 0,
    }
    journal.close()


def test_a_plan_names_new_changed_and_removed_rows() -> None:
    sent = _row(2, "o-1", 100)
    unsent = _row(3, "o-2", 200)
    gone = _row(4, "o-3", 300)
    entries = [
        _entry(sent, attempts=1, state="done"),
        _entry(unsent),
        _entry(gone, attempts=1, state="unknown"),
    ]
    moved_sent = _row(5, "o-1", 150)
    changed_unsent = _row(2, "o-2", 250)
    added = _row(3, "o-4", 50)
    found = plan([changed_unsent, added, moved_sent], entries)
    assert found == Plan(
        new=(added,),
        changed_unsent=(Change(changed_unsent, entries[1]),),
        changed_sent=(Change(moved_sent, entries[0]),),
        removed=(entries[2],),
    )
    assert found.changed_sent[0].describe() == (
        "line 5 (was line 2), order o-1 reference r, state done: amount 100 -> 150"
    )
    described = Change(Row(2, "o-2", 200, "r", description="other"), entries[1]).describe()
    assert described == (
        "line 2 (was line 3), order o-2 reference r, state pending: lines or description changed"
    )


def _entry(row: Row, attempts: int = 0, state: str = "pending") -> Any:
    from klarna_om._cli._journal import Entry

    return Entry(
        row.order_id,
        row.reference,
        row.line,
        "k",
        digest=row.digest,
        amount=row.amount,
        state=state,  # type: ignore[arg-type]
        attempts=attempts,
    )


def test_a_version_1_journal_is_migrated_and_keeps_its_keys(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with closing(sqlite3.connect(path)) as db, db:
        db.execute(
            "CREATE TABLE rows (line INTEGER PRIMARY KEY, order_id TEXT NOT NULL, reference TEXT"
            " NOT NULL, key TEXT NOT NULL, state TEXT NOT NULL, refund_id TEXT, error TEXT,"
            " attempts INTEGER NOT NULL DEFAULT 0, created_at REAL NOT NULL, updated_at REAL"
            " NOT NULL)"
        )
        db.execute(
            "INSERT INTO rows VALUES (2, 'o-1', 'r', 'old-key', 'done', 'f-1', NULL, 1, 10.0, 11.0)"
        )
        db.execute(
            "INSERT INTO rows VALUES (3, 'o-2', 'r', 'old-2', 'pending', NULL, NULL, 0, 10.0, 10.0)"
        )
    looked = SQLiteJournal(path, read_only=True)
    assert [(e.key, e.state, e.first_sent_at) for e in looked.entries()] == [
        ("old-key", "done", 10.0),
        ("old-2", "pending", None),
    ]
    looked.close()
    journal = SQLiteJournal(path)
    rows = [_row(2, "o-1", 100), _row(3, "o-2", 200)]
    assert journal.apply(rows, {}) == Plan()  # nothing new; digests recorded from now on
    entries = journal.entries()
    assert [(e.key, e.digest, e.amount, e.state) for e in entries] == [
        ("old-key", rows[0].digest, 100, "done"),
        ("old-2", rows[1].digest, 200, "pending"),
    ]
    journal.close()
    with closing(sqlite3.connect(path)) as db, db:
        assert db.execute("PRAGMA user_version").fetchone() == (2,)
        tables = {n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {"refunds"}
    again = SQLiteJournal(path)
    changed = again.apply([_row(2, "o-1", 999), rows[1]], {})
    assert [c.describe() for c in changed.changed_sent] == [
        "line 2, order o-1 reference r, state done: amount 100 -> 999"
    ]
    again.close()


def test_another_sqlite_file_is_not_a_journal(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("CREATE TABLE customers (name TEXT)")
    with pytest.raises(JournalError) as info:
        SQLiteJournal(path)
    assert str(info.value) == f"{path} is an SQLite file but not a klarna-om journal"


def _answer(status: int, code: str | None = None) -> APIStatusError:
    body = {"error_code": code} if code else {}
    request = httpx.Request("POST", "https://x/ordermanagement/v1/orders/o-1/refunds")
    response = httpx.Response(status, json=body, request=request)
    response.read()
    return status_error(response)


@pytest.mark.parametrize(
    ("error", "outcome"),
    [
        (_answer(403, "REFUND_NOT_ALLOWED"), ("refused", "REFUND_NOT_ALLOWED")),
        (_answer(404), ("refused", "HTTP 404")),
        (_answer(401), ("unknown", "AuthenticationError")),  # the credentials, not the row
        (_answer(409, "CONFLICT"), ("unknown", "ConflictError")),
        (_answer(429), ("unknown", "RateLimitError")),
        (_answer(503), ("unknown", "InternalServerError")),
        (APIConnectionError("gone"), ("unknown", "APIConnectionError")),
    ],
)
def test_only_a_refusal_is_final(error: Exception, outcome: tuple[str, str]) -> None:
    assert outcome_of(error) == outcome


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        (19500, "EUR", "EUR 195.00"),
        (-500, "EUR", "EUR -5.00"),
        (5, "SEK", "SEK 0.05"),
        (1200, "JPY", "JPY 1200"),
        (1234, "KWD", "KWD 1.234"),
        (3000, None, "3000 (minor units)"),
        (None, "EUR", "-"),
    ],
)
def test_money_is_shown_in_its_currency(
    amount: int | None, currency: str | None, shown: str
) -> None:
    assert money(amount, currency) == shown
