"""Batches past one machine: one procrastinate job per row, any number of workers on any host.

procrastinate keeps the jobs in PostgreSQL (claims with ``FOR UPDATE SKIP LOCKED``, worker
heartbeats); a job only names its row, and the journal (``_pgjournal``) stays the truth: a job
settles its row with the same ``settle_row`` as the SQLite batch, so a row already done is never
sent again whatever the queue does. A worker killed outright stops sending heartbeats; every
worker retries the jobs of workers silent for ``3 × heartbeat`` seconds, and those rows go out
again under the same key (Klarna replays them). A database restart makes workers wait and
resume: journal calls retry, and a worker whose loop fails starts again.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import Callable
from typing import Any

import attrs
import httpx
import procrastinate
import psycopg
from procrastinate.exceptions import AlreadyEnqueued, ConnectorException
from psycopg_pool import AsyncConnectionPool

from .._async_client import AsyncKlarnaOrderManagement
from ._batch import Sender, batch_transport, settle_row
from ._pgjournal import LOG, PgJournal, queue_of, retrying

TASK = "klarna_om.refund_row"
#: Runs of one row's job while its outcome stays unknown (a 503 outlived the client's retries),
#: 1 s then 3 s apart; a row still unknown after them waits for the next ``batch`` run.
JOB_ATTEMPTS = 3


class RowUnknownError(Exception):
    """The row's outcome is unknown: procrastinate runs its job again later."""


@attrs.define
class Fleet:
    """A procrastinate app and the journal of one merchant, over one database.

    Args:
        dsn: The ``postgresql://`` URL.
        sender: The merchant (API username) and the 24-hour rule's settings.
        client_factory: Builds the async client over a transport (per worker).
        concurrency: Rows settled at once by this process.
        heartbeat: Seconds between worker heartbeats; silent for three of them is stalled.
    """

    dsn: str
    sender: Sender
    client_factory: Callable[[httpx.AsyncBaseTransport], AsyncKlarnaOrderManagement]
    concurrency: int = 8
    heartbeat: float = 10.0
    pool: AsyncConnectionPool[Any] = attrs.field(init=False)
    journal: PgJournal = attrs.field(init=False)
    app: procrastinate.App = attrs.field(init=False)
    client: AsyncKlarnaOrderManagement | None = attrs.field(init=False, default=None)

    def __attrs_post_init__(self) -> None:
        self.pool = AsyncConnectionPool(
            self.dsn,
            min_size=1,
            max_size=self.concurrency + 2,
            open=False,
            kwargs={"autocommit": True},
            reconnect_timeout=600,
        )
        self.journal = PgJournal(self.pool, self.sender.merchant, self.sender.clock)
        self.app = procrastinate.App(
            connector=procrastinate.PsycopgConnector(
                conninfo=self.dsn, min_size=1, max_size=4, reconnect_timeout=600
            )
        )
        self.app.task(
            name=TASK,
            queue=queue_of(self.sender.merchant),
            retry=procrastinate.RetryStrategy(
                max_attempts=JOB_ATTEMPTS,
                wait=1,
                linear_wait=2,
                retry_exceptions={RowUnknownError},
            ),
        )(self._refund_row)

    async def open(self) -> None:
        """Connect and make sure both schemas exist (procrastinate's and the journal's).

        The database is reached once first, with this module's short backoff: a pool opened
        while it is down backs off on its own, doubling up to tens of seconds.
        """
        await retrying(self._reachable, what="connect")
        await retrying(functools.partial(self.pool.open, wait=True, timeout=30), what="connect")
        await retrying(self.app.open_async, what="connect")
        async with self.pool.connection() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext('procrastinate_schema'))")
            found = await (
                await conn.execute("SELECT to_regclass('procrastinate_jobs') IS NOT NULL")
            ).fetchone()
            if not (found and found[0]):
                await conn.execute(self.app.schema_manager.get_schema())
        await self.journal.migrate()

    async def close(self) -> None:
        """Close the client and the pools."""
        if self.client is not None:
            await self.client.aclose()
        await self.app.close_async()
        await self.pool.close()

    async def enqueue(self, batch: str) -> int:
        """One job for each row of ``batch`` still to send that has none; how many were added."""
        added = 0
        task = self.app.tasks[TASK]
        for lock, order_id, reference in await self.journal.to_enqueue(batch):
            deferrer = task.configure(lock=lock, queueing_lock=lock)
            with contextlib.suppress(AlreadyEnqueued):  # another host enqueued it meanwhile
                await retrying(
                    functools.partial(deferrer.defer_async, order_id=order_id, reference=reference),
                    what="enqueue",
                )
                added += 1
        return added

    async def _refund_row(self, order_id: str, reference: str) -> str:
        found = await self.journal.entry(order_id, reference)
        if found is None:
            return "gone"
        entry, row = found
        if self.client is None:
            self.client = self.client_factory(batch_transport(self.concurrency, None))
        settled = await settle_row(
            self.client, row, entry, self.journal, self.sender, self.journal.pace
        )
        if settled.state == "unknown":
            raise RowUnknownError(settled.error or "unknown")
        return settled.state

    async def work(self, *, until_done: str | None = None) -> bool:
        """Run jobs until stopped (Ctrl-C, SIGTERM), or until ``until_done`` has no job left.

        Returns whether a signal stopped it. Ctrl-C lets running rows finish. A failure of the
        database restarts the worker after a pause; jobs of workers silent for three heartbeats
        are retried.
        """
        stop = asyncio.Event()
        watchers = [asyncio.create_task(self._recover_stalled(stop))]
        if until_done is not None:
            watchers.append(asyncio.create_task(self._watch(until_done, stop)))
        try:
            while not stop.is_set():
                worker = asyncio.create_task(
                    self.app.run_worker_async(
                        queues=[queue_of(self.sender.merchant)],
                        concurrency=self.concurrency,
                        update_heartbeat_interval=self.heartbeat,
                        stalled_worker_timeout=3 * self.heartbeat,
                        fetch_job_polling_interval=1.0,
                        install_signal_handlers=True,  # Ctrl-C: running rows finish
                        delete_jobs="successful",
                    )
                )
                stopper = asyncio.create_task(stop.wait())
                done, _ = await asyncio.wait({worker, stopper}, return_when="FIRST_COMPLETED")
                if worker in done:
                    stopper.cancel()
                    error = worker.exception()
                    if error is None:
                        return True  # stopped by a signal: running jobs were finished
                    if not isinstance(error, ConnectorException | psycopg.Error | OSError):
                        raise error
                    LOG.warning("worker stopped (%s); starting again in 2 s", error)
                    await asyncio.sleep(2.0)
                    await self._reopen_queue()
                    continue
                worker.cancel()  # the batch is finished: no job of it is left
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await worker
            return False
        finally:
            stop.set()
            for watcher in watchers:
                watcher.cancel()
            await asyncio.gather(*watchers, return_exceptions=True)

    async def _reachable(self) -> None:
        conn = await psycopg.AsyncConnection.connect(self.dsn, connect_timeout=5)
        await conn.close()

    async def _reopen_queue(self) -> None:
        """A fresh connection pool for procrastinate: a restart broke every pooled one."""
        with contextlib.suppress(ConnectorException, psycopg.Error, OSError):
            await self.app.close_async()
        await retrying(self._reachable, what="connect")
        await retrying(self.app.open_async, what="connect")

    async def _recover_stalled(self, stop: asyncio.Event) -> None:
        manager = self.app.job_manager
        while not stop.is_set():
            await asyncio.sleep(self.heartbeat)
            with contextlib.suppress(ConnectorException, psycopg.Error, OSError):
                for job in await manager.get_stalled_jobs(
                    queue=queue_of(self.sender.merchant),
                    seconds_since_heartbeat=3 * self.heartbeat,
                ):
                    LOG.info("retrying job %s of a stalled worker", job.id)
                    await manager.retry_job(job)

    async def _watch(self, batch: str, stop: asyncio.Event) -> None:
        while not stop.is_set():
            await asyncio.sleep(0.5)
            with contextlib.suppress(psycopg.Error, OSError):
                if await self.journal.active_jobs(batch) == 0:
                    stop.set()
