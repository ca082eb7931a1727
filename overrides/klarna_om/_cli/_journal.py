"""The batch journal: one row per CSV row, written before each send and after each outcome.

Exists so that a batch that dies (Ctrl-C, SIGKILL, a reboot) can be run again without sending a
refund twice or losing one: a row is marked ``in_flight`` (committed) before its request leaves,
and its outcome is committed when it is known. On a re-run, ``done`` and ``refused`` rows are
skipped; ``pending``, ``in_flight`` and ``unknown`` rows are sent again with the same
idempotency key, which Klarna replays. SQLite in WAL mode; ``Journal`` is the interface another
store (PostgreSQL with row claims, see the README) would implement.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Sequence
from typing import Literal, Protocol

import attrs

State = Literal["pending", "in_flight", "done", "refused", "unknown"]
#: States a re-run sends again (with the same key).
TO_SEND: tuple[State, ...] = ("pending", "in_flight", "unknown")


@attrs.frozen
class Entry:
    """One CSV row's record in the journal."""

    line: int
    order_id: str
    reference: str
    key: str
    state: State = "pending"
    refund_id: str | None = None
    error: str | None = None
    attempts: int = 0
    updated_at: float = 0.0


class JournalMismatchError(Exception):
    """The CSV changed since the journal recorded it: a row's key differs."""


class Journal(Protocol):
    """Where a batch records each row's state; SQLite here, a shared database for many workers."""

    def register(self, entries: Sequence[Entry]) -> None:
        """Record rows not seen before as pending; refuse rows whose key changed."""

    def to_send(self) -> list[Entry]:
        """The rows to send: pending, in flight and unknown ones, by line."""

    def mark_in_flight(self, line: int) -> None:
        """Commit that the row's request is about to leave."""

    def mark_outcome(
        self, line: int, state: State, refund_id: str | None, error: str | None
    ) -> None:
        """Commit the row's outcome: done (with the refund id), refused or unknown."""

    def entries(self) -> list[Entry]:
        """Every row, by line."""

    def close(self) -> None:
        """Release the store."""


class SQLiteJournal:
    """``Journal`` in one SQLite file, WAL mode, a transaction per write."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._db = sqlite3.connect(path, isolation_level=None, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute(
            """CREATE TABLE IF NOT EXISTS rows (
                line INTEGER PRIMARY KEY,
                order_id TEXT NOT NULL,
                reference TEXT NOT NULL,
                key TEXT NOT NULL,
                state TEXT NOT NULL,
                refund_id TEXT,
                error TEXT,
                attempts INTEGER NOT NULL DEFAULT 0,
                created_at REAL NOT NULL,
                updated_at REAL NOT NULL
            )"""
        )

    def register(self, entries: Sequence[Entry]) -> None:
        """Record rows not seen before as pending; refuse rows whose key changed."""
        known = {
            line: key for line, key in self._db.execute("SELECT line, key FROM rows").fetchall()
        }
        changed = [e.line for e in entries if e.line in known and known[e.line] != e.key]
        if changed:
            raise JournalMismatchError(
                f"the CSV changed since journal {self.path} recorded it (lines "
                f"{', '.join(map(str, changed[:10]))}): use a new journal for a new file"
            )
        now = time.time()
        with self._transaction():
            self._db.executemany(
                "INSERT INTO rows (line, order_id, reference, key, state, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, 'pending', ?, ?)",
                [
                    (e.line, e.order_id, e.reference, e.key, now, now)
                    for e in entries
                    if e.line not in known
                ],
            )

    def to_send(self) -> list[Entry]:
        """The rows to send: pending, in flight and unknown ones, by line."""
        return [e for e in self.entries() if e.state in TO_SEND]

    def mark_in_flight(self, line: int) -> None:
        """Commit that the row's request is about to leave."""
        with self._transaction():
            self._db.execute(
                "UPDATE rows SET state = 'in_flight', attempts = attempts + 1, updated_at = ?"
                " WHERE line = ?",
                (time.time(), line),
            )

    def mark_outcome(
        self, line: int, state: State, refund_id: str | None, error: str | None
    ) -> None:
        """Commit the row's outcome: done (with the refund id), refused or unknown."""
        with self._transaction():
            self._db.execute(
                "UPDATE rows SET state = ?, refund_id = ?, error = ?, updated_at = ?"
                " WHERE line = ?",
                (state, refund_id, error, time.time(), line),
            )

    def entries(self) -> list[Entry]:
        """Every row, by line."""
        rows = self._db.execute(
            "SELECT line, order_id, reference, key, state, refund_id, error, attempts, updated_at"
            " FROM rows ORDER BY line"
        ).fetchall()
        return [Entry(*row) for row in rows]

    def counts(self) -> dict[str, int]:
        """How many rows are in each state."""
        return dict(self._db.execute("SELECT state, count(*) FROM rows GROUP BY state").fetchall())

    def close(self) -> None:
        """Close the database (the WAL is checkpointed)."""
        self._db.close()

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self._db.execute("COMMIT" if exc_type is None else "ROLLBACK")


def summary(entries: Iterable[Entry]) -> dict[str, int]:
    """Rows per state, every state present."""
    found = {state: 0 for state in ("pending", "in_flight", "done", "refused", "unknown")}
    for entry in entries:
        found[entry.state] += 1
    return found
