"""Reading a batch's CSV file strictly: a row is either exactly what it says or an error.

Exists because a lenient reader moves money wrongly: ``O1,1,000,r1`` must not become a refund
of 1. Every row needs exactly the header's number of fields; quotes must close; amounts are
plain ASCII digits; NUL bytes, fields over ``MAX_FIELD_CHARS`` and text that is not UTF-8 are
refused. Each error carries the line where its record starts. Nothing here sends anything.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import attrs

from .._errors import KlarnaError
from .._money import ReturnFee, check_refund, refund_with_return_fee_body
from .._validation import check_path_param
from ._rules import request_digest

if TYPE_CHECKING:
    from klarna_om_generated.models.order_line import OrderLineInput

REQUIRED_COLUMNS = ("order_id", "amount", "reference")
OPTIONAL_COLUMNS = ("return_fee", "description", "lines")
#: The longest field accepted, in characters (a ``lines`` column of many order lines fits).
MAX_FIELD_CHARS = 64 * 1024
_DIGITS = re.compile(r"[0-9]+")
_OTHER_ENCODINGS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


@attrs.frozen
class Row:
    """A validated CSV row: what to refund; ``line`` is where its record starts in the file."""

    line: int
    order_id: str
    amount: int
    reference: str
    lines: tuple[dict[str, Any], ...] = ()
    return_fee: int | None = None
    description: str | None = None

    def request(self) -> dict[str, Any]:
        """What this row asks Klarna for, as canonical data (the journal keeps its digest)."""
        return {
            "amount": self.amount,
            "description": self.description,
            "lines": list(self.lines),
            "reference": self.reference,
            "return_fee": self.return_fee,
        }

    @property
    def digest(self) -> str:
        """The SHA-256 of ``request()``."""
        return request_digest(self.request())


@attrs.frozen
class RowError:
    """Why a CSV row cannot be sent (its 1-based line in the file)."""

    line: int
    message: str


def read_rows(path: Path) -> tuple[list[Row], list[RowError]]:
    """Every row of the CSV, validated; or the errors, each with its line number."""
    try:
        text = _decode(path.read_bytes())
    except _FileError as exc:
        return [], [RowError(exc.line, str(exc))]
    nul = text.find("\x00")
    if nul >= 0:
        return [], [RowError(text.count("\n", 0, nul) + 1, "a NUL byte: this is not a text file")]
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        return [], [RowError(1, f"the header is not valid CSV ({exc})")]
    problem = _header_problem(header)
    if problem:
        return [], [RowError(1, problem)]
    assert header is not None
    rows: list[Row] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, str], int] = {}
    while True:
        line = reader.line_num + 1
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(RowError(line, _csv_error(exc)))
            break  # the reader cannot resynchronise after a broken quote: stop here
        if not fields:
            continue  # a blank line
        try:
            row = _row(line, header, fields)
        except (KlarnaError, ValueError) as exc:
            errors.append(RowError(line, str(exc)))
            continue
        first = seen.setdefault((row.order_id, row.reference), line)
        if first != line:
            errors.append(
                RowError(line, f"order_id and reference repeat line {first}: one refund each")
            )
            continue
        rows.append(row)
    if not rows and not errors:
        errors.append(RowError(1, "the file has no rows"))
    return rows, errors


class _FileError(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def _decode(data: bytes) -> str:
    for bom, name in _OTHER_ENCODINGS:
        if data.startswith(bom):
            raise _FileError(1, f"the file is {name}: save it as UTF-8")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise _FileError(
            line, f"the file is not UTF-8 (byte {exc.start + 1}): save it as UTF-8"
        ) from None


def _header_problem(header: list[str] | None) -> str | None:
    if not header:
        return "the file has no header"
    columns = [c.strip() for c in header]
    repeated = sorted({c for c in columns if columns.count(c) > 1})
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    unknown = sorted(set(columns) - set(REQUIRED_COLUMNS) - set(OPTIONAL_COLUMNS))
    if not (missing or unknown or repeated):
        header[:] = columns
        return None
    message = (
        f"the header needs {', '.join(REQUIRED_COLUMNS)} (optional: {', '.join(OPTIONAL_COLUMNS)})"
    )
    if missing:
        message += f"; missing: {', '.join(missing)}"
    if unknown:
        message += f"; unknown: {', '.join(_shown(c) for c in unknown)}"
    if repeated:
        message += f"; repeated: {', '.join(repeated)}"
    return message


def _shown(column: str) -> str:
    return column if len(column) <= 40 and column.isprintable() else repr(column[:40])


def _csv_error(exc: csv.Error) -> str:
    text = str(exc)
    if "field larger than field limit" in text:
        return f"a field is longer than {MAX_FIELD_CHARS} characters"
    if "unexpected end of data" in text:
        return "a quoted field is never closed (the rows after it were not read)"
    return f"not valid CSV ({text}); the rows after it were not read"


def _row(line: int, header: list[str], fields: list[str]) -> Row:
    if len(fields) != len(header):
        raise ValueError(
            f"{len(fields)} fields, the header has {len(header)} (a comma inside an amount or a"
            " text that needs quotes?)"
        )
    for value in fields:
        if len(value) > MAX_FIELD_CHARS:
            raise ValueError(f"a field is longer than {MAX_FIELD_CHARS} characters")
    record = dict(zip(header, fields, strict=True))

    def text(column: str) -> str:
        return record.get(column, "").strip()

    order_id = check_path_param("order_id", text("order_id"))
    reference = text("reference")
    if not reference:
        raise ValueError("reference is required: it makes the row's idempotency key")
    amount = _amount(record["amount"], "amount")
    description = text("description") or None
    lines: list[dict[str, Any]] = []
    if text("lines"):
        try:
            parsed = json.loads(text("lines"))
        except json.JSONDecodeError:
            raise ValueError("lines must be a JSON array of order lines") from None
        if not isinstance(parsed, list) or not all(isinstance(x, dict) for x in parsed):
            raise ValueError("lines must be a JSON array of order lines")
        lines = parsed
    fee_text = record.get("return_fee", "")
    fee = _amount(fee_text, "return_fee") if fee_text else None
    if fee is not None:
        if not lines:
            raise ValueError("return_fee needs the returned lines (column lines)")
        body = refund_with_return_fee_body(
            cast("list[OrderLineInput]", lines),
            ReturnFee(fee),
            reference=reference,
            description=description,
        )
        if body["refunded_amount"] != amount:
            raise ValueError(
                f"amount is {amount}, but the lines minus the return fee are "
                f"{body['refunded_amount']}"
            )
    else:
        check_refund(amount, lines or None, reference=reference, description=description)
    return Row(line, order_id, amount, reference, tuple(lines), fee, description)


def _amount(text: str, column: str) -> int:
    """Minor units written as plain ASCII digits: no sign, space, separator or other digit."""
    if not _DIGITS.fullmatch(text):
        raise ValueError(
            f"{column} must be a whole number of minor units in plain digits 0-9 (no sign, "
            "space, separator or decimal point)"
        )
    return int(text)
