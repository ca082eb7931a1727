"""``with_options`` children share the parent's connection pool: one connection serves both."""

from __future__ import annotations

import anyio
import pytest

from klarna_om import AsyncKlarnaOrderManagement, KlarnaOrderManagement
from klarna_om_sandbox import SandboxServer


def test_parent_and_child_reuse_one_connection(klarna_sandbox: SandboxServer) -> None:
    order = klarna_sandbox.create_order(10000, captures=[{"captured_amount": 10000}])
    with KlarnaOrderManagement(
        klarna_sandbox.username, klarna_sandbox.password, base_url=klarna_sandbox.base_url
    ) as parent:
        child = parent.with_options(timeout=5, max_retries=0, headers={"X-Team": "refunds"})
        pool = parent._transport._inner._pool  # type: ignore[attr-defined]
        assert child._transport._inner._pool is pool  # type: ignore[attr-defined]
        parent.get_order(order["order_id"])
        (connection,) = pool.connections
        child.refund_order(order["order_id"], 100)
        child.get_order(order["order_id"])
        parent.get_order(order["order_id"])
        assert pool.connections == [connection]
        assert connection._connection._request_count == 4
        child.close()
        parent.get_order(order["order_id"])  # closing the child left the pool open
        assert pool.connections == [connection]
    assert pool.connections == []  # closing the parent closed it


@pytest.mark.parametrize("anyio_backend", ["asyncio"])
def test_async_parent_and_child_reuse_one_connection(
    klarna_sandbox: SandboxServer, anyio_backend: str
) -> None:
    order = klarna_sandbox.create_order(10000, captures=[{"captured_amount": 10000}])

    async def calls() -> None:
        async with AsyncKlarnaOrderManagement(
            klarna_sandbox.username, klarna_sandbox.password, base_url=klarna_sandbox.base_url
        ) as parent:
            child = parent.with_options(max_retries=0)
            pool = parent._transport._inner._pool  # type: ignore[attr-defined]
            await parent.get_order(order["order_id"])
            (connection,) = pool.connections
            await child.refund_order(order["order_id"], 100)
            await child.get_order(order["order_id"])
            assert pool.connections == [connection]
            assert connection._connection._request_count == 3
            await child.aclose()
            await parent.get_order(order["order_id"])
            assert pool.connections == [connection]
        assert pool.connections == []

    anyio.run(calls, backend=anyio_backend)
