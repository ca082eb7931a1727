"""The batch's files on disk: the journal's lock, and a report that cannot hurt.

Exists because paths are input too: the lock is taken on the journal's resolved path (so a
symlink cannot open a second batch on the same journal), a report may never replace the input
file or the journal, it is written by temporary file and rename (a crash leaves the old one or
the new one, never half), and text cells a spreadsheet would run as a formula are neutralised
(OWASP "CSV injection"): a leading ``'`` before ``= + - @``, tab or carriage return.
"""

from __future__ import annotations

import contextlib
import csv
import fcntl
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO

from ._journal import Entry

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
REPORT_COLUMNS = (
    "line",
    "order_id",
    "reference",
    "amount",
    "state",
    "refund_id",
    "error",
    "idempotency_key",
)


class FileRefusedError(Exception):
    """A path the batch will not use (the message says why; nothing was sent)."""


def journal_files(journal: Path) -> list[Path]:
    """The journal and the files SQLite keeps beside it."""
    return [journal, Path(f"{journal}-wal"), Path(f"{journal}-shm"), Path(f"{journal}.lock")]


def lock_journal(journal: Path) -> IO[bytes]:
    """Hold the lock of the journal's resolved path for this run; raise if another batch has it.

    The lock is the kernel's (``flock``): a batch that is killed releases it.
    """
    real = journal.resolve()
    if not real.parent.is_dir():
        raise FileRefusedError(
            f"cannot use journal {journal}: its directory {real.parent} does not exist;"
            " nothing was sent"
        )
    try:
        handle = open(f"{real}.lock", "wb")  # noqa: SIM115 (held until the run ends)
    except OSError as exc:
        raise FileRefusedError(
            f"cannot use journal {journal}: it cannot be written here ({exc.strerror});"
            " nothing was sent"
        ) from None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise FileRefusedError(
            f"another batch is running on journal {real}; nothing was sent"
        ) from None
    return handle


def check_report_path(report: Path, csv_file: Path | None, journal: Path | None) -> None:
    """Raise ``FileRefusedError`` when ``report`` is the input file or one of the journal's."""
    protected = [("the input file", csv_file)] if csv_file is not None else []
    if journal is not None:
        protected += [("the journal", path) for path in journal_files(journal)]
    real = report.resolve()
    for what, path in protected:
        if real == path.resolve() or _same_file(report, path):
            raise FileRefusedError(f"--report {report} would overwrite {what}; nothing was sent")
    if not real.parent.is_dir():
        raise FileRefusedError(f"--report {report}: directory {real.parent} does not exist")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def cell(value: object) -> object:
    """A report cell: numbers as they are, text that a spreadsheet would evaluate neutralised."""
    if isinstance(value, int) or value is None:
        return "" if value is None else value
    shown = str(value)
    return "'" + shown if shown.startswith(_FORMULA_START) else shown


def write_report(path: Path, entries: Sequence[Entry]) -> None:
    """The outcome of every row as CSV, written to a temporary file and renamed over ``path``."""
    real = path.resolve()
    fd, temporary = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".tmp", dir=real.parent)
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(REPORT_COLUMNS)
            writer.writerows(_cells(e) for e in entries)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, real)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _cells(e: Entry) -> Iterable[object]:
    row = (e.line, e.order_id, e.reference, e.amount, e.state, e.refund_id, e.error, e.key)
    return [cell(value) for value in row]
