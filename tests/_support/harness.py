"""A harness that runs the same test against the sync and the async client, over MockTransport.

No test sleeps: the retry transport gets a recording sleep and a fixed jitter. The ``harness``
fixture (``tests/unit/conftest.py``) gives a ``Harness`` of each flavour; ``Recorder`` answers
and records the requests; ``created`` and ``error_response`` are Klarna's usual answers.
"""

from __future__ import annotations

import asyncio
import inspect
import json
from collections.abc import Callable
from typing import Any

import httpx

from klarna_om import (
    AsyncKlarnaOrderManagement,
    AsyncKlarnaOrderManagementWithRawResponse,
    AsyncRetryTransport,
    KlarnaOrderManagement,
    Pacer,
    RetryPolicy,
    RetryTransport,
)
from tests._support.openapi_check import SpecCheckingTransport

Handler = Callable[[httpx.Request], httpx.Response]
USERNAME = "K123456_abcd12345"
PASSWORD = "s3cr3t-Pa55w0rd-never-logged"
BASE_URL = "https://om.test"


def error_response(
    status: int,
    code: str,
    *messages: str,
    cid: str = "cid-1",
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    body = {"error_code": code, "error_messages": list(messages), "correlation_id": cid}
    return httpx.Response(status, json=body, headers=headers)


def created(refund_id: str = "r-1", order_id: str = "o-1") -> httpx.Response:
    return httpx.Response(
        201,
        headers={
            "Refund-Id": refund_id,
            "Location": f"{BASE_URL}/ordermanagement/v1/orders/{order_id}/refunds/{refund_id}",
        },
    )


class Recorder:
    """Records every request the mock transport receives (with its JSON body, if any)."""

    def __init__(self, *responses: httpx.Response | Exception | Handler) -> None:
        self.responses = list(responses)
        self.requests: list[httpx.Request] = []
        self.sent: list[httpx.Response] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        item = self.responses.pop(0) if len(self.responses) > 1 else self.responses[0]
        if isinstance(item, Exception):
            raise item
        response = item(request) if callable(item) else item
        # A fresh copy per attempt, so closing a discarded one is observable.
        copy = httpx.Response(
            response.status_code, headers=response.headers, content=response.content
        )
        self.sent.append(copy)
        return copy

    @property
    def keys(self) -> list[str | None]:
        return [r.headers.get("Klarna-Idempotency-Key") for r in self.requests]

    def body(self, index: int = -1) -> Any:
        content = self.requests[index].content
        return json.loads(content) if content else None


class Harness:
    """Builds a client of the parametrized flavour and runs its methods synchronously."""

    def __init__(self, flavour: str) -> None:
        self.flavour = flavour
        self.sleeps: list[float] = []
        self.loop = asyncio.new_event_loop() if flavour == "async" else None
        self._clients: list[Any] = []

    def client(
        self,
        recorder: Recorder,
        *,
        policy: RetryPolicy | None = None,
        pacer: Pacer | None = None,
        **kwargs: Any,
    ) -> Any:
        policy = policy or RetryPolicy()
        mock = SpecCheckingTransport(httpx.MockTransport(recorder))
        if self.flavour == "sync":
            transport = RetryTransport(
                mock, policy=policy, sleep=self.sleeps.append, jitter=lambda: 0.0, pacer=pacer
            )
            client: Any = KlarnaOrderManagement(
                USERNAME, PASSWORD, base_url=BASE_URL, transport=transport, **kwargs
            )
            self._clients.append(client)
            return client

        async def sleep(seconds: float) -> None:
            self.sleeps.append(seconds)

        atransport = AsyncRetryTransport(
            mock, policy=policy, sleep=sleep, jitter=lambda: 0.0, pacer=pacer
        )
        aclient = AsyncKlarnaOrderManagement(
            USERNAME, PASSWORD, base_url=BASE_URL, transport=atransport, **kwargs
        )
        self._clients.append(aclient)
        return _SyncView(aclient, self.loop)

    def close(self) -> None:
        for client in self._clients:
            if self.loop is None:
                client.close()
            else:
                self.loop.run_until_complete(client.aclose())
        if self.loop is not None:
            self.loop.close()


class _SyncView:
    """Runs an async client's coroutine methods to completion on the harness's loop.

    What the client hands out (``with_options``' child, ``with_raw_response``) is wrapped too.
    """

    def __init__(self, client: Any, loop: Any) -> None:
        self._client = client
        self._loop = loop

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._client, name)
        if isinstance(attr, AsyncKlarnaOrderManagementWithRawResponse):
            return _SyncView(attr, self._loop)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            result = attr(*args, **kwargs)
            if inspect.iscoroutine(result):
                result = self._loop.run_until_complete(result)
            if isinstance(result, AsyncKlarnaOrderManagement):
                return _SyncView(result, self._loop)
            return result

        return call

    def __repr__(self) -> str:
        return repr(self._client)
