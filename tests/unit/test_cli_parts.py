"""The command line's parts without a network: CSV validation, journal, token bucket, money."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from klarna_om import APIConnectionError, APIStatusError
from klarna_om._cli._batch import RowError, TokenBucket, outcome_of, read_rows
from klarna_om._cli._commands import money
from klarna_om._cli._journal import Entry, JournalMismatchError, SQLiteJournal, summary
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


def test_the_key_comes_from_order_and_reference(tmp_path: Path) -> None:
    first, _ = read_rows(_csv(tmp_path, "order_id,amount,reference\no-1,100,r-1\n"))
    again, _ = read_rows(_csv(tmp_path, "order_id,amount,reference\no-1,250,r-1\n"))
    other, _ = read_rows(_csv(tmp_path, "order_id,amount,reference\no-1,100,r-2\n"))
    assert first[0].key == again[0].key != other[0].key


def test_the_journal_records_states_and_refuses_a_changed_file(tmp_path: Path) -> None:
    journal = SQLiteJournal(str(tmp_path / "j.sqlite3"))
    journal.register([Entry(2, "o-1", "r-1", "k-1"), Entry(3, "o-2", "r-2", "k-2")])
    journal.register([Entry(2, "o-1", "r-1", "k-1")])  # known rows are kept as they are
    journal.mark_in_flight(2)
    journal.mark_outcome(3, "refused", None, "REFUND_NOT_ALLOWED")
    assert [(e.line, e.state, e.attempts, e.error) for e in journal.entries()] == [
        (2, "in_flight", 1, None),
        (3, "refused", 0, "REFUND_NOT_ALLOWED"),
    ]
    assert [e.line for e in journal.to_send()] == [2]
    journal.mark_outcome(2, "done", "refund-1", None)
    assert journal.counts() == {"done": 1, "refused": 1}
    assert summary(journal.entries()) == {
        "pending": 0,
        "in_flight": 0,
        "done": 1,
        "refused": 1,
        "unknown": 0,
    }
    with pytest.raises(JournalMismatchError) as info:
        journal.register([Entry(2, "o-1", "r-1", "another-key")])
    assert str(info.value).startswith("the CSV changed since journal ")
    journal.close()


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


@pytest.mark.anyio
async def test_the_bucket_paces_and_slows_down_on_429() -> None:
    now = [0.0]
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(round(seconds, 3))
        now[0] += seconds

    bucket = TokenBucket(10, clock=lambda: now[0], sleep=sleep)
    for _ in range(3):
        await bucket.acquire()
    assert waits == [0.1, 0.1]
    bucket.slow_down()
    assert (bucket.rate, bucket.slowdowns) == (5, 1)
    await bucket.acquire()
    assert waits[-1] == 0.2
    now[0] += 6  # a quiet spell: the rate recovers a quarter at a time
    await bucket.acquire()
    assert bucket.rate == 6.25
    for _ in range(10):
        bucket.slow_down()
    assert bucket.rate == 1.0


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


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
