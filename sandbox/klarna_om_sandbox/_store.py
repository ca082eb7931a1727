"""The sandbox's state: orders, idempotency records and its clock, in SQLite (in memory by default).

One SQLite transaction holds an order's change and the response stored for its idempotency key,
so a crash never keeps one without the other. Every method takes the store's lock: the server
thread and the test thread may both use it. The store's time is the injected clock plus an
offset that tests move forward (kept with the state, so a restart with ``--db`` never goes back).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import attrs

SCHEMA = """
CREATE TABLE IF NOT EXISTS orders (order_id TEXT PRIMARY KEY, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS idempotency (
    scope TEXT NOT NULL, key TEXT NOT NULL, created_at REAL NOT NULL, state TEXT NOT NULL,
    status INTEGER, headers TEXT, body BLOB, PRIMARY KEY (scope, key)
);
CREATE INDEX IF NOT EXISTS idempotency_age ON idempotency (created_at);
CREATE TABLE IF NOT EXISTS clock (
    only INTEGER PRIMARY KEY CHECK (only = 1), advanced_seconds REAL NOT NULL
);
"""


@attrs.frozen
class StoredResponse:
    """A response kept for an idempotency key, replayed byte for byte."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes


@attrs.frozen
class Claim:
    """The outcome of claiming an idempotency key."""

    state: str  # "new" (claimed now), "in_flight" (another request holds it) or "done"
    response: StoredResponse | None = None


class Store:
    """Orders (as JSON documents), idempotency records and the clock's offset."""

    def __init__(self, path: str | None = None, *, clock: Callable[[], float]) -> None:
        self._db = sqlite3.connect(
            path or ":memory:", check_same_thread=False, isolation_level=None
        )
        self._db.executescript(SCHEMA)
        self._lock = threading.RLock()
        #: The injected clock (seconds since the epoch), before the offset.
        self.clock = clock
        row = self._db.execute("SELECT advanced_seconds FROM clock").fetchone()
        self._advanced: float = 0.0 if row is None else float(row[0])

    def now(self) -> float:
        """The store's time: the injected clock plus the seconds it was advanced by."""
        with self._lock:
            return self.clock() + self._advanced

    @property
    def advanced_seconds(self) -> float:
        """How far the clock was moved forward since the store was created or last reset."""
        with self._lock:
            return self._advanced

    def advance(self, seconds: float) -> float:
        """Move the clock forward by ``seconds`` (validated by the caller); return the total."""
        with self.transaction() as db:
            total = self._advanced + seconds
            db.execute(
                "INSERT OR REPLACE INTO clock (only, advanced_seconds) VALUES (1, ?)", (total,)
            )
            self._advanced = total
        return total

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic unit of work under the lock."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def get_order(self, order_id: str) -> dict[str, Any] | None:
        """The order document, or None."""
        with self._lock:
            row = self._db.execute(
                "SELECT doc FROM orders WHERE order_id = ?", (order_id,)
            ).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    @staticmethod
    def put_order(db: sqlite3.Connection, order: dict[str, Any]) -> None:
        """Insert or replace an order inside a transaction."""
        db.execute(
            "INSERT OR REPLACE INTO orders (order_id, doc) VALUES (?, ?)",
            (order["order_id"], json.dumps(order)),
        )

    def claim(self, scope: str, key: str, retention: float) -> Claim:
        """Claim ``key`` for a new request, or report it in flight or done (within retention).

        A record ``retention`` seconds old or older is forgotten: the key is claimed as new, and
        the expired records of every key are purged on the way.
        """
        with self.transaction() as db:
            now = self.now()
            row = db.execute(
                "SELECT created_at, state, status, headers, body FROM idempotency "
                "WHERE scope = ? AND key = ?",
                (scope, key),
            ).fetchone()
            if row is not None and now - row[0] < retention:
                if row[1] == "in_flight":
                    return Claim("in_flight")
                headers = [(str(k), str(v)) for k, v in json.loads(row[3])]
                return Claim("done", StoredResponse(int(row[2]), headers, bytes(row[4])))
            db.execute("DELETE FROM idempotency WHERE created_at <= ?", (now - retention,))
            db.execute(
                "INSERT OR REPLACE INTO idempotency (scope, key, created_at, state) "
                "VALUES (?, ?, ?, 'in_flight')",
                (scope, key, now),
            )
        return Claim("new")

    def key_state(self, scope: str, key: str) -> str | None:
        """``"in_flight"``, ``"done"`` or None: what the store holds for ``key`` (for tests)."""
        with self._lock:
            row = self._db.execute(
                "SELECT state FROM idempotency WHERE scope = ? AND key = ?", (scope, key)
            ).fetchone()
        return None if row is None else str(row[0])

    def release(self, scope: str, key: str) -> None:
        """Give up a claim without storing a response (the request had no lasting effect)."""
        with self.transaction() as db:
            db.execute(
                "DELETE FROM idempotency WHERE scope = ? AND key = ? AND state = 'in_flight'",
                (scope, key),
            )

    @staticmethod
    def complete(db: sqlite3.Connection, scope: str, key: str, response: StoredResponse) -> None:
        """Store the response for a claimed key inside the transaction of the state change."""
        db.execute(
            "UPDATE idempotency SET state = 'done', status = ?, headers = ?, body = ? "
            "WHERE scope = ? AND key = ?",
            (response.status, json.dumps(response.headers), response.body, scope, key),
        )

    def reset(self) -> None:
        """Forget every order and idempotency record, and set the clock back (no offset)."""
        with self.transaction() as db:
            db.execute("DELETE FROM orders")
            db.execute("DELETE FROM idempotency")
            db.execute("DELETE FROM clock")
            self._advanced = 0.0
