"""The batch journal: what each refund row asked for, when it was first sent, and its outcome.

Exists so that a batch that dies (Ctrl-C, SIGKILL, a reboot) or is run again days later never
sends a refund twice nor loses one. A row is the same row by ``order_id`` + ``reference``,
wherever it stands in the file. The journal keeps a digest of the request each row sent, so a
changed file is caught (``plan``), and the time of the first send under each key, so a key that
may have outlived Klarna's 24 hours is not trusted (``_rules``). A row is marked ``in_flight``
(committed) before its request leaves and its outcome is committed when known. SQLite in WAL
mode, schema versioned with ``PRAGMA user_version`` and migrated forward; ``Journal`` is the
interface another store implements.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal, Protocol

import attrs

from ._csvfile import Row

State = Literal["pending", "in_flight", "done", "refused", "unknown"]
STATES: tuple[State, ...] = ("pending", "in_flight", "done", "refused", "unknown")
#: States a re-run sends again (with the same key, while Klarna still knows it).
TO_SEND: tuple[State, ...] = ("pending", "in_flight", "unknown")
#: The schema this code writes; older journals are migrated forward when opened for a run.
SCHEMA_VERSION = 2
Identity = tuple[str, str]  # (order_id, reference)

_COLUMNS = (
    "order_id, reference, line, key, generation, digest, amount, return_fee, state, refund_id,"
    " error, attempts, first_sent_at, key_sent_at, updated_at"
)
_SELECT = f"SELECT {_COLUMNS} FROM refunds ORDER BY line"  # noqa: S608 (constants only)
_SCHEMA = """
CREATE TABLE IF NOT EXISTS refunds (
    order_id TEXT NOT NULL,
    reference TEXT NOT NULL,
    line INTEGER NOT NULL,
    key TEXT NOT NULL,
    generation INTEGER NOT NULL DEFAULT 1,
    digest TEXT,
    amount INTEGER,
    return_fee INTEGER,
    state TEXT NOT NULL,
    refund_id TEXT,
    error TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL,
    first_sent_at REAL,
    key_sent_at REAL,
    updated_at REAL NOT NULL,
    PRIMARY KEY (order_id, reference)
);
"""
# Version 1 (no user_version) had one row per line number and no digests or send times.
_FROM_V1 = """
INSERT INTO refunds (order_id, reference, line, key, state, refund_id, error, attempts,
                     created_at, first_sent_at, key_sent_at, updated_at)
SELECT order_id, reference, line, key, state, refund_id, error, attempts, created_at,
       CASE WHEN attempts > 0 THEN created_at END, CASE WHEN attempts > 0 THEN created_at END,
       updated_at
FROM rows;
DROP TABLE rows;
"""


@attrs.frozen
class Entry:
    """One refund row's record in the journal."""

    order_id: str
    reference: str
    line: int
    key: str
    generation: int = 1
    digest: str | None = None
    amount: int | None = None
    return_fee: int | None = None
    state: State = "pending"
    refund_id: str | None = None
    error: str | None = None
    attempts: int = 0
    first_sent_at: float | None = None
    key_sent_at: float | None = None
    updated_at: float = 0.0

    @property
    def identity(self) -> Identity:
        """``(order_id, reference)``: what makes two rows the same refund."""
        return (self.order_id, self.reference)


class JournalError(Exception):
    """The journal cannot be used (missing place, not SQLite, damaged, newer, read-only)."""


@attrs.frozen
class Change:
    """A row whose request differs from what the journal recorded for it."""

    row: Row
    entry: Entry

    def describe(self) -> str:
        """Line, identity and what changed (amounts shown; texts and lines only named)."""
        old, new = self.entry, self.row
        parts = []
        if old.amount is not None and old.amount != new.amount:
            parts.append(f"amount {old.amount} -> {new.amount}")
        if old.return_fee != new.return_fee and old.amount is not None:
            parts.append(f"return_fee {old.return_fee} -> {new.return_fee}")
        if not parts:
            parts.append("lines or description changed")
        moved = f" (was line {old.line})" if old.line != new.line else ""
        return (
            f"line {new.line}{moved}, order {new.order_id} reference {new.reference},"
            f" state {old.state}: {', '.join(parts)}"
        )


@attrs.frozen
class Plan:
    """How a file compares with its journal: what a run may do, and what it must refuse."""

    new: tuple[Row, ...] = ()
    changed_unsent: tuple[Change, ...] = ()
    changed_sent: tuple[Change, ...] = ()
    removed: tuple[Entry, ...] = ()


def plan(rows: Sequence[Row], entries: Iterable[Entry]) -> Plan:
    """Compare the file's rows with the journal's entries, by ``order_id`` + ``reference``."""
    known = {e.identity: e for e in entries}
    in_file = {(r.order_id, r.reference) for r in rows}
    new: list[Row] = []
    unsent: list[Change] = []
    sent: list[Change] = []
    for row in rows:
        entry = known.get((row.order_id, row.reference))
        if entry is None:
            new.append(row)
        elif entry.digest is not None and entry.digest != row.digest:
            (sent if entry.attempts > 0 else unsent).append(Change(row, entry))
    removed = [e for i, e in known.items() if i not in in_file]
    return Plan(tuple(new), tuple(unsent), tuple(sent), tuple(sorted(removed, key=_by_line)))


def _by_line(entry: Entry) -> int:
    return entry.line


class Journal(Protocol):
    """Where a batch records each row; SQLite here, a shared database for many workers."""

    def entries(self) -> list[Entry]:
        """Every row, by line."""

    def apply(self, rows: Sequence[Row], keys: dict[Identity, str]) -> Plan:
        """Record the file (new rows, changes to unsent rows, lines); refuse nothing itself."""

    def mark_in_flight(self, identity: Identity) -> None:
        """Commit that the row's request is about to leave (its first send time too)."""

    def mark_outcome(
        self, identity: Identity, state: State, refund_id: str | None, error: str | None
    ) -> None:
        """Commit the row's outcome: done (with the refund id), refused or unknown."""

    def renew_key(self, identity: Identity, key: str, generation: int) -> None:
        """Commit the row's next key (its previous one may have expired at Klarna)."""

    def close(self) -> None:
        """Release the store."""


class SQLiteJournal:
    """``Journal`` in one SQLite file, WAL mode, a transaction per write.

    Args:
        path: The journal file; created unless ``read_only``.
        read_only: Open an existing journal without changing it (``--dry-run``).
        clock: Wall-clock seconds, ``time.time`` (tests move it).

    Raises:
        JournalError: The file cannot be opened, is not a journal, is damaged or is newer.
    """

    def __init__(self, path: Path, *, read_only: bool = False, clock: _Clock = time.time) -> None:
        self.path = path
        self.clock = clock
        try:
            if read_only:
                self._db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            else:
                self._db = sqlite3.connect(path, isolation_level=None, timeout=30)
            try:
                self._open(read_only)
            except BaseException:
                self._db.close()
                raise
        except sqlite3.Error as exc:
            raise JournalError(_open_message(path, exc)) from None

    def _open(self, read_only: bool) -> None:
        (check,) = self._db.execute("PRAGMA quick_check").fetchone()
        if check != "ok":
            raise sqlite3.DatabaseError("database disk image is malformed")
        (version,) = self._db.execute("PRAGMA user_version").fetchone()
        tables = {n for (n,) in self._db.execute("SELECT name FROM sqlite_master")}
        if version > SCHEMA_VERSION:
            raise JournalError(
                f"journal {self.path} was written by a newer klarna-om (schema {version}, this"
                f" one knows {SCHEMA_VERSION}): upgrade klarna-om; nothing was sent"
            )
        if tables - {"rows", "refunds", "sqlite_autoindex_refunds_1"}:
            raise JournalError(f"{self.path} is an SQLite file but not a klarna-om journal")
        if read_only:
            if version < SCHEMA_VERSION and "rows" in tables:
                self._db.execute(f"CREATE TEMP TABLE refunds AS {_V1_VIEW}")
            return
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        with self._transaction():
            self._db.execute(_SCHEMA)
            if "rows" in tables:
                for statement in _FROM_V1.split(";"):
                    if statement.strip():
                        self._db.execute(statement)
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def entries(self) -> list[Entry]:
        """Every row, by line."""
        try:
            rows = self._db.execute(_SELECT).fetchall()
        except sqlite3.OperationalError:  # a read-only look at a journal not yet created
            return []
        return [Entry(*row) for row in rows]

    def apply(self, rows: Sequence[Row], keys: dict[Identity, str]) -> Plan:
        """Record the file: new rows as pending, changes to rows never sent, current lines.

        Rows that were sent and changed are left as they are: the caller refuses the run.
        """
        found = plan(rows, self.entries())
        now = self.clock()
        refuse = {c.row.line for c in found.changed_sent}
        with self._transaction():
            self._db.executemany(
                "INSERT INTO refunds (order_id, reference, line, key, digest, amount, return_fee,"
                " state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)",
                [
                    (
                        r.order_id,
                        r.reference,
                        r.line,
                        keys[r.order_id, r.reference],
                        r.digest,
                        r.amount,
                        r.return_fee,
                        now,
                        now,
                    )
                    for r in found.new
                ],
            )
            self._db.executemany(
                "UPDATE refunds SET line = ?, digest = coalesce(digest, ?),"
                " amount = coalesce(amount, ?), return_fee = CASE WHEN digest IS NULL THEN ?"
                " ELSE return_fee END WHERE order_id = ? AND reference = ?",
                [
                    (r.line, r.digest, r.amount, r.return_fee, r.order_id, r.reference)
                    for r in rows
                    if r.line not in refuse
                ],
            )
            self._db.executemany(
                "UPDATE refunds SET digest = ?, amount = ?, return_fee = ?, updated_at = ?"
                " WHERE order_id = ? AND reference = ?",
                [
                    (
                        c.row.digest,
                        c.row.amount,
                        c.row.return_fee,
                        now,
                        c.row.order_id,
                        c.row.reference,
                    )
                    for c in found.changed_unsent
                ],
            )
        return found

    def mark_in_flight(self, identity: Identity) -> None:
        """Commit that the row's request is about to leave (its first send time too)."""
        now = self.clock()
        with self._transaction():
            self._db.execute(
                "UPDATE refunds SET state = 'in_flight', attempts = attempts + 1,"
                " first_sent_at = coalesce(first_sent_at, ?),"
                " key_sent_at = coalesce(key_sent_at, ?), updated_at = ?"
                " WHERE order_id = ? AND reference = ?",
                (now, now, now, *identity),
            )

    def mark_outcome(
        self, identity: Identity, state: State, refund_id: str | None, error: str | None
    ) -> None:
        """Commit the row's outcome: done (with the refund id), refused or unknown."""
        with self._transaction():
            self._db.execute(
                "UPDATE refunds SET state = ?, refund_id = ?, error = ?, updated_at = ?"
                " WHERE order_id = ? AND reference = ?",
                (state, refund_id, error, self.clock(), *identity),
            )

    def renew_key(self, identity: Identity, key: str, generation: int) -> None:
        """Commit the row's next key; its send time starts again at the next send."""
        with self._transaction():
            self._db.execute(
                "UPDATE refunds SET key = ?, generation = ?, key_sent_at = NULL, updated_at = ?"
                " WHERE order_id = ? AND reference = ?",
                (key, generation, self.clock(), *identity),
            )

    def close(self) -> None:
        """Close the database (the WAL is checkpointed)."""
        self._db.close()

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)


class _Clock(Protocol):
    def __call__(self) -> float: ...


_V1_VIEW = (
    "SELECT order_id, reference, line, key, 1 AS generation, NULL AS digest, NULL AS amount,"
    " NULL AS return_fee, state, refund_id, error, attempts, created_at,"
    " CASE WHEN attempts > 0 THEN created_at END AS first_sent_at,"
    " CASE WHEN attempts > 0 THEN created_at END AS key_sent_at, updated_at FROM rows"
)


def _open_message(path: Path, exc: sqlite3.Error) -> str:
    text = str(exc)
    if not path.parent.is_dir():
        why = f"its directory {path.parent} does not exist"
    elif "readonly" in text or "unable to open" in text:
        why = "it cannot be written here (a read-only file or directory?)"
    elif "not a database" in text or "malformed" in text:
        why = "it is not an SQLite journal, or it is damaged or truncated"
    else:
        why = text
    return f"cannot use journal {path}: {why}; nothing was sent"


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self._db.execute("COMMIT" if exc_type is None else "ROLLBACK")


def summary(entries: Iterable[Entry]) -> dict[str, int]:
    """Rows per state, every state present."""
    found: dict[str, int] = dict.fromkeys(STATES, 0)
    for entry in entries:
        found[entry.state] += 1
    return found
