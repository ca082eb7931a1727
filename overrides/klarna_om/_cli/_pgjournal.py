"""The batch journal in PostgreSQL, shared by every worker on every host (``postgres`` extra).

The same rows and rules as the SQLite journal (``_journal.plan``, ``_rules``), in a table keyed by
merchant, order and reference, so the same row submitted twice, or from two hosts at once, is one
row. It also holds what workers on other hosts need to send a row (its request), who sent it, and
the merchant's shared rate: each request reserves the next free slot of ``1 / rate`` seconds in one
``UPDATE``, so all workers together stay at the merchant's rate. Every call waits through a
database restart (``retrying``) instead of failing the row. The job queue itself is procrastinate
(``_fleet``); this module never sends anything to Klarna.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

import attrs
import psycopg
from psycopg.rows import tuple_row
from psycopg_pool import AsyncConnectionPool

from ._csvfile import Row
from ._journal import Entry, Identity, Plan, State, plan

LOG = logging.getLogger("klarna_om.batch")
T = TypeVar("T")
SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS klarna_om_meta (schema_version integer NOT NULL);
CREATE TABLE IF NOT EXISTS klarna_om_refunds (
    merchant text NOT NULL,
    order_id text NOT NULL,
    reference text NOT NULL,
    batch text NOT NULL,
    line integer NOT NULL,
    key text NOT NULL,
    generation integer NOT NULL DEFAULT 1,
    digest text NOT NULL,
    amount bigint NOT NULL,
    return_fee bigint,
    request jsonb NOT NULL,
    job_lock text NOT NULL,
    state text NOT NULL DEFAULT 'pending',
    refund_id text,
    error text,
    attempts integer NOT NULL DEFAULT 0,
    worker text,
    created_at double precision NOT NULL,
    first_sent_at double precision,
    key_sent_at double precision,
    updated_at double precision NOT NULL,
    PRIMARY KEY (merchant, order_id, reference)
);
CREATE INDEX IF NOT EXISTS klarna_om_refunds_batch ON klarna_om_refunds (batch, state);
CREATE TABLE IF NOT EXISTS klarna_om_rates (
    merchant text PRIMARY KEY,
    rate double precision NOT NULL,
    next_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
"""
_ENTRY = (
    "order_id, reference, line, key, generation, digest, amount, return_fee, state, refund_id,"
    " error, attempts, first_sent_at, key_sent_at, updated_at"
)


class PgJournalError(Exception):
    """The database cannot be used as a journal (unreachable, or a newer schema)."""


def queue_of(merchant: str) -> str:
    """The procrastinate queue of a merchant's rows: a worker serves one merchant."""
    return f"klarna-om:{merchant}"


def job_lock(merchant: str, order_id: str, reference: str) -> str:
    """The row's lock and queueing lock: one job per row waiting, one running."""
    return json.dumps([merchant, order_id, reference], ensure_ascii=False)


def worker_name() -> str:
    """``host:pid``, recorded on each row a worker sends."""
    return f"{socket.gethostname()}:{os.getpid()}"


async def retrying(
    call: Callable[[], Awaitable[T]],
    *,
    patience: float = 300.0,
    what: str = "journal",
    pool: AsyncConnectionPool[Any] | None = None,
) -> T:
    """``call()``, again after a lost connection (a restart), for up to ``patience`` seconds.

    After a failure the ``pool``'s idle connections are checked, so the next try does not pick
    another connection the restart broke (a pool of ten would cost ten failed tries).
    """
    deadline = time.monotonic() + patience
    delay = 0.2
    while True:
        try:
            return await call()
        except (psycopg.OperationalError, psycopg.errors.AdminShutdown) as exc:
            if time.monotonic() > deadline:
                raise
            LOG.warning(
                "PostgreSQL unavailable (%s), %s waits %.1f s", type(exc).__name__, what, delay
            )
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)
            if pool is not None:
                with contextlib.suppress(psycopg.Error, OSError):
                    await pool.check()


@attrs.define
class PgJournal:
    """The shared journal of one merchant: rows, outcomes and the shared rate.

    Args:
        pool: An open ``psycopg_pool.AsyncConnectionPool``.
        merchant: The API username whose rows this journal reads and writes.
        clock: Wall-clock seconds for send times (``time.time``, as the SQLite journal).
    """

    pool: AsyncConnectionPool[Any]
    merchant: str
    clock: Callable[[], float] = time.time
    worker: str = attrs.field(factory=worker_name)

    async def _execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        async def once() -> list[tuple[Any, ...]]:
            async with self.pool.connection() as conn:
                cursor = await conn.cursor(row_factory=tuple_row).execute(sql, params)
                return await cursor.fetchall() if cursor.description else []

        return await retrying(once, pool=self.pool)

    async def migrate(self) -> None:
        """Create the tables (once, under an advisory lock); refuse a newer schema."""
        async with self.pool.connection() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext('klarna_om_schema'))")
            await conn.execute(_SCHEMA)
            found = await (
                await conn.execute("SELECT schema_version FROM klarna_om_meta")
            ).fetchall()
            if not found:
                await conn.execute("INSERT INTO klarna_om_meta VALUES (%s)", (SCHEMA_VERSION,))
            elif found[0][0] > SCHEMA_VERSION:
                raise PgJournalError(
                    f"the journal database was written by a newer klarna-om (schema {found[0][0]},"
                    f" this one knows {SCHEMA_VERSION}): upgrade klarna-om; nothing was sent"
                )

    async def submit(
        self, batch: str, rows: Sequence[Row], keys: dict[Identity, str], *, dry_run: bool = False
    ) -> Plan:
        """Compare the file with the journal (the SQLite rules) and record it unless refused.

        Serialized per merchant (an advisory lock), so two hosts submitting the same file at
        once record each row once. Rows changed after sending are not recorded: the caller
        refuses the run.
        """
        async with self.pool.connection() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (self.merchant,))
            orders = [r.order_id for r in rows]
            references = [r.reference for r in rows]
            cursor = await conn.execute(
                f"SELECT {_ENTRY} FROM klarna_om_refunds WHERE merchant = %s AND (batch = %s OR"  # noqa: S608
                " (order_id, reference) IN (SELECT * FROM unnest(%s::text[], %s::text[])))",
                (self.merchant, batch, orders, references),
            )
            entries = [Entry(*found) for found in await cursor.fetchall()]
            found = plan(rows, entries)
            if dry_run or found.changed_sent:
                return found
            now = self.clock()
            async with conn.cursor() as cur:
                await cur.executemany(
                    "INSERT INTO klarna_om_refunds (merchant, order_id, reference, batch, line,"
                    " key, digest, amount, return_fee, request, job_lock, created_at, updated_at)"
                    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
                    " ON CONFLICT DO NOTHING",
                    [
                        (
                            self.merchant,
                            r.order_id,
                            r.reference,
                            batch,
                            r.line,
                            keys[r.order_id, r.reference],
                            r.digest,
                            r.amount,
                            r.return_fee,
                            json.dumps(_request(r)),
                            job_lock(self.merchant, r.order_id, r.reference),
                            now,
                            now,
                        )
                        for r in found.new
                    ],
                )
                await cur.executemany(
                    "UPDATE klarna_om_refunds SET digest = %s, amount = %s, return_fee = %s,"
                    " request = %s, line = %s, batch = %s, updated_at = %s"
                    " WHERE merchant = %s AND order_id = %s AND reference = %s AND attempts = 0",
                    [
                        (
                            c.row.digest,
                            c.row.amount,
                            c.row.return_fee,
                            json.dumps(_request(c.row)),
                            c.row.line,
                            batch,
                            now,
                            self.merchant,
                            c.row.order_id,
                            c.row.reference,
                        )
                        for c in found.changed_unsent
                    ],
                )
            return found

    async def to_enqueue(self, batch: str) -> list[tuple[str, str, str]]:
        """Rows of ``batch`` still to send without a job waiting or running: (lock, order, ref)."""
        found = await self._execute(
            "SELECT r.job_lock, r.order_id, r.reference FROM klarna_om_refunds r"
            " WHERE r.merchant = %s AND r.batch = %s"
            " AND r.state IN ('pending', 'in_flight', 'unknown') AND NOT EXISTS ("
            "  SELECT 1 FROM procrastinate_jobs j WHERE j.lock = r.job_lock"
            "  AND j.status IN ('todo', 'doing')) ORDER BY r.line",
            (self.merchant, batch),
        )
        return [(str(a), str(b), str(c)) for a, b, c in found]

    async def entry(self, order_id: str, reference: str) -> tuple[Entry, Row] | None:
        """A row's journal entry and request, or None."""
        found = await self._execute(
            f"SELECT {_ENTRY}, request, batch FROM klarna_om_refunds"  # noqa: S608
            " WHERE merchant = %s AND order_id = %s AND reference = %s",
            (self.merchant, order_id, reference),
        )
        if not found:
            return None
        *fields, request, _ = found[0]
        entry = Entry(*fields)
        lines = tuple(request.get("lines") or ())
        row = Row(
            entry.line,
            order_id,
            int(request["amount"]),
            reference,
            lines,
            request.get("return_fee"),
            request.get("description"),
        )
        return entry, row

    async def mark_in_flight(self, identity: Identity) -> None:
        """See ``RowStore``; also records which worker sent it."""
        now = self.clock()
        await self._execute(
            "UPDATE klarna_om_refunds SET state = 'in_flight', attempts = attempts + 1,"
            " first_sent_at = coalesce(first_sent_at, %s), key_sent_at = coalesce(key_sent_at, %s),"
            " worker = %s, updated_at = %s"
            " WHERE merchant = %s AND order_id = %s AND reference = %s",
            (now, now, self.worker, now, self.merchant, *identity),
        )

    async def mark_outcome(
        self, identity: Identity, state: State, refund_id: str | None, error: str | None
    ) -> None:
        """See ``RowStore``."""
        await self._execute(
            "UPDATE klarna_om_refunds SET state = %s, refund_id = %s, error = %s, updated_at = %s"
            " WHERE merchant = %s AND order_id = %s AND reference = %s",
            (state, refund_id, error, self.clock(), self.merchant, *identity),
        )

    async def renew_key(self, identity: Identity, key: str, generation: int) -> None:
        """See ``RowStore``."""
        await self._execute(
            "UPDATE klarna_om_refunds SET key = %s, generation = %s, key_sent_at = NULL,"
            " updated_at = %s WHERE merchant = %s AND order_id = %s AND reference = %s",
            (key, generation, self.clock(), self.merchant, *identity),
        )

    async def set_rate(self, rate: float, *, keep: bool = False) -> None:
        """The merchant's total requests per second across every worker (the last one set).

        With ``keep``, a rate already set stays (a default must not undo an operator's choice).
        """
        await self._execute(
            "INSERT INTO klarna_om_rates (merchant, rate) VALUES (%s, %s) ON CONFLICT (merchant)"
            " DO UPDATE SET rate = CASE WHEN %s THEN klarna_om_rates.rate ELSE excluded.rate END",
            (self.merchant, rate, keep),
        )

    async def pace(self) -> None:
        """Wait for the merchant's next free slot (none when no rate is set)."""
        found = await self._execute(
            "UPDATE klarna_om_rates SET next_at = greatest(next_at, clock_timestamp())"
            " + make_interval(secs => 1.0 / rate) WHERE merchant = %s"
            " RETURNING extract(epoch FROM next_at - make_interval(secs => 1.0 / rate)"
            " - clock_timestamp())",
            (self.merchant,),
        )
        if found and found[0][0] > 0:
            await asyncio.sleep(float(found[0][0]))

    async def batch_entries(self, batch: str | None) -> list[tuple[Entry, str, str | None]]:
        """Every row (of ``batch``, else of every batch): entry, batch, worker."""
        found = await self._execute(
            f"SELECT {_ENTRY}, batch, worker FROM klarna_om_refunds WHERE merchant = %s"  # noqa: S608
            " AND (%s::text IS NULL OR batch = %s) ORDER BY batch, line",
            (self.merchant, batch, batch),
        )
        return [(Entry(*fields), batch_, worker) for *fields, batch_, worker in found]

    async def active_jobs(self, batch: str) -> int:
        """Jobs of ``batch``'s rows waiting or running."""
        found = await self._execute(
            "SELECT count(*) FROM procrastinate_jobs j JOIN klarna_om_refunds r"
            " ON j.lock = r.job_lock WHERE r.merchant = %s AND r.batch = %s"
            " AND j.status IN ('todo', 'doing')",
            (self.merchant, batch),
        )
        return int(found[0][0])


def _request(row: Row) -> dict[str, Any]:
    return row.request()
