"""``AsyncKlarnaOrderManagement``: the asynchronous client (and the source of the sync one).

``scripts/unasync.py`` makes ``_sync_client.py`` from this file; ``make test`` fails when the
committed twin differs. Each method checks its input, builds the request with its operation's
generated ``build_request`` and reads the answer as its record (``OPERATION``) says, sending
through the retry transport: one path for every call. Credentials are never logged, and kept
only as ``Secret`` values (masked in every repr).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TypeVar

import httpx

from klarna_om_generated.api.captures import extend_due_date as _extend
from klarna_om_generated.api.captures import get_options_for_extend_due_date as _extend_options
from klarna_om_generated.api.orders import get_order as _get_order
from klarna_om_generated.api.orders import release_remaining_authorization as _release
from klarna_om_generated.api.refunds import get_refund as _get_refund
from klarna_om_generated.api.refunds import refund_order as _refund_order
from klarna_om_generated.models import (
    ExtendDueDateOptions,
    ExtendDueDateRequest,
    Order,
    Refund,
    RefundObject,
)
from klarna_om_generated.types import Operation, RequestParts

from ._async_transport import AsyncRetryTransport
from ._base_client import BaseClient, Provider, Region, operation, path_args
from ._constants import DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT
from ._money import OrderLineLike, ReturnFee, check_refund, refund_with_return_fee_body
from ._pacer import Pacer
from ._public import publish
from ._results import RefundCreated, read_result, received, refund_created, request_model
from ._retry import RetryPolicy
from ._validation import check_days, check_idempotency_key
from ._wire import RequestFraming, no_response_error

if TYPE_CHECKING:
    from ._async_raw import AsyncKlarnaOrderManagementWithRawResponse

R = TypeVar("R")


class AsyncKlarnaOrderManagement(BaseClient):
    """Client for Klarna's Order Management API: refunds, orders, release and due dates.

    Every write carries one ``Klarna-Idempotency-Key`` for all its attempts. With no answer a
    method raises ``APIConnectionError``: call a read again, retry a write with the error's
    ``idempotency_key``. Use the client as a context manager, or close it. After a fork or on a
    second event loop see ``ForkedClientError``, ``EventLoopMismatchError``.

    Args:
        username: Klarna API username (e.g. ``K123456_abcd12345``), or with ``api_key`` the
            portal's UUID username (optional).
        password: Klarna API password; never logged nor shown in a repr.
        api_key: Klarna API key (``klarna_live_api_...``, ``klarna_test_api_...``; default
            ``KLARNA_API_KEY``) instead of a password, sent as ``Basic <key>`` (with a UUID
            ``username``: Basic of ``username:key``). A live key on a playground host (or a test
            key on production) is refused. Never logged nor shown in a repr.
        provider: ``"klarna"`` (default; or ``KLARNA_PROVIDER``) or ``"kustom"`` (the former
            Klarna Checkout: no extend-due-date, which raises ``UnsupportedOperationError``).
        region: ``"eu"``, ``"na"`` or ``"oc"`` (Kustom has one region: ``"eu"`` or none).
        playground: Use the provider's playground (test) environment.
        base_url: Overrides the provider's host (e.g. the sandbox; the provider still decides
            which operations exist); https, or http on loopback; no ``user:password@``.
        timeout: Per request phase (default: 5 s to connect, 30 s per read/write).
        max_retries: Retries after the first attempt (default 2).
        transport: The httpx transport under the retries (e.g. ``httpx.MockTransport``), or an
            ``AsyncRetryTransport`` with your policy, sleep and clock.
        retry_policy: Overrides ``max_retries``; its ``total_timeout`` bounds a whole call.
        max_response_bytes: The largest response body read (default 1 MiB).
        limits: Connection-pool limits of the default transport (``httpx.Limits``).
        max_requests_per_second: Pace attempts under Klarna's rate limit (or a shared ``Pacer``).

    Raises:
        InvalidInputError: A setting is invalid (e.g. ``base_url`` with ``user:password@``, no
            credentials, or both ``api_key`` and ``password``); nothing is sent.
    """

    def __init__(
        self,
        username: str | None = None,
        password: str | None = None,
        *,
        api_key: str | None = None,
        provider: Provider | None = None,
        region: Region | None = None,
        playground: bool | None = None,
        base_url: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        max_retries: int = 2,
        transport: httpx.AsyncBaseTransport | None = None,
        limits: httpx.Limits | None = None,
        retry_policy: RetryPolicy | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        max_requests_per_second: float | Pacer | None = None,
    ) -> None:
        super().__init__(
            username,
            password,
            api_key=api_key,
            provider=provider,
            region=region,
            playground=playground,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            retry_policy=retry_policy,
            max_response_bytes=max_response_bytes,
            max_requests_per_second=max_requests_per_second,
        )
        policy, size = self.retry_policy, max_response_bytes
        self._connect(
            AsyncRetryTransport.around(
                transport, limits, policy=policy, max_response_bytes=size, pacer=self.pacer
            )
        )

    def _connect(self, transport: AsyncRetryTransport) -> None:
        self._transport = transport  # its policy, size cap and pacer are this client's
        self.retry_policy: RetryPolicy = transport.policy
        self.pacer: Pacer | None = transport.pacer
        self.max_response_bytes: int = transport.max_response_bytes
        self._framing = RequestFraming(
            self.base_url, self._authorization, self._extra_headers, self.timeout.as_dict()
        )

    def with_options(
        self,
        *,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        retry_policy: RetryPolicy | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Self:
        """A client like this one with some options changed, sharing its pool and pacer.

        Options not given are inherited. Closing the child leaves the pool open: close the
        parent last.

        Args:
            timeout: Per request phase, in seconds or an ``httpx.Timeout``.
            max_retries: Retries after the first attempt (the rest of the policy is kept).
            retry_policy: A whole retry policy (instead of ``max_retries``).
            headers: Extra headers on every call of the child, added to the parent's; they
                cannot replace ``Authorization``, ``Klarna-Idempotency-Key``, ``User-Agent``
                nor the headers that frame a request.

        Returns:
            The new client, of the same class.

        Raises:
            InvalidInputError: An option is invalid (nothing is sent).
        """
        timeout, policy, extra = self._derived_options(timeout, max_retries, retry_policy, headers)
        child = copy.copy(self)
        child.timeout, child.retry_policy, child._extra_headers = timeout, policy, extra
        child._connect(self._transport.with_policy(policy))
        return child

    async def _call(self, parts: RequestParts, key: str | None) -> httpx.Response:
        """Send ``parts`` through the retry transport; the final response, if it is a success."""
        request = self._framing.request(parts)
        try:
            response = await self._transport.handle_async_request(request)
        except httpx.TransportError as exc:
            raise no_response_error(exc, key) from exc
        return received(request, response)

    async def _read(self, record: Operation[R], *path: str) -> R:
        """Call a read (``record``'s operation, no body) and return its result."""
        self._check_served(record)
        parts = record.build(*path_args(record, *path))
        return read_result(record, await self._call(parts, None), None)

    async def _write(
        self, record: Operation[R], path: tuple[str, ...], key: str | None, body: object = None
    ) -> R:
        """Call a write under one idempotency key (the caller's, else a new one)."""
        self._check_served(record)
        key = check_idempotency_key(key)
        kwargs = {} if body is None else {"body": body}
        parts = record.build(*path_args(record, *path), klarna_idempotency_key=key, **kwargs)
        return read_result(record, await self._call(parts, key), key)

    @property
    def with_raw_response(self) -> AsyncKlarnaOrderManagementWithRawResponse:
        """Every method of this client, returning a ``RawResponse`` (status, headers, result).

        ``client.with_raw_response.refund_order(...)`` raises exactly as ``refund_order``.
        """
        from ._async_raw import AsyncKlarnaOrderManagementWithRawResponse

        return AsyncKlarnaOrderManagementWithRawResponse(self)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connections, once.

        A ``with_options`` child leaves them to its parent, a forked child to the parent
        process. An async client closes on its own event loop: on another one it raises
        ``EventLoopMismatchError`` and closes nothing.
        """
        await self._transport.aclose()

    @operation(_refund_order.OPERATION)
    async def refund_order(
        self,
        order_id: str,
        refunded_amount: int,
        *,
        order_lines: Sequence[OrderLineLike] | None = None,
        reference: str | None = None,
        description: str | None = None,
        idempotency_key: str | None = None,
    ) -> RefundCreated:
        """Refund part or all of a captured order.

        Args:
            order_id: Klarna's order id.
            refunded_amount: Minor units (> 0); with order lines, their totals must add up to it.
            order_lines: The refunded lines (dicts with Klarna's field names, or ``OrderLine``).
            reference: Your reference for the refund.
            description: Shown to the customer.
            idempotency_key: Your own key (e.g. ``derive_idempotency_key``); default: a new one.

        Returns:
            The refund's id and location, and the key used.

        Raises:
            InvalidRefundError: An amount or order line is wrong; nothing was sent.
            APIStatusError: Klarna refused (e.g. ``PermissionDeniedError``).
            APIConnectionError: No answer; retry with the error's ``idempotency_key``.
        """
        body = check_refund(
            refunded_amount, order_lines, reference=reference, description=description
        )
        return await self._refund(order_id, body, idempotency_key)

    async def refund_with_return_fee(
        self,
        order_id: str,
        order_lines: Sequence[OrderLineLike],
        return_fee: int | ReturnFee,
        *,
        reference: str | None = None,
        description: str | None = None,
        idempotency_key: str | None = None,
    ) -> RefundCreated:
        """Refund the returned ``order_lines`` minus ``return_fee`` (a ``return_fee`` line).

        ``return_fee`` is in minor units, or a ``ReturnFee`` with a tax rate; the other arguments,
        the result and the errors are ``refund_order``'s. ``InvalidRefundError`` also when the
        fee is not smaller than the goods; Klarna takes a fee only when one capture covers the
        whole order (else ``PermissionDeniedError``).
        """
        body = refund_with_return_fee_body(
            order_lines, return_fee, reference=reference, description=description
        )
        return await self._refund(order_id, body, idempotency_key)

    async def refund_return_fee(
        self,
        order_id: str,
        amount: int,
        *,
        reference: str | None = None,
        description: str | None = None,
        idempotency_key: str | None = None,
    ) -> RefundCreated:
        """Give a charged return fee back: a new refund of ``amount`` without order lines.

        ``amount`` is the fee charged before, in minor units; ``description`` defaults to
        ``"Return fee refunded"``; the rest is as for ``refund_order``.
        """
        body = self._return_fee_refund_body(amount, reference, description)
        return await self._refund(order_id, body, idempotency_key)

    async def _refund(
        self, order_id: str, body: dict[str, Any], idempotency_key: str | None
    ) -> RefundCreated:
        record = _refund_order.OPERATION
        self._check_served(record)
        (order_id,) = path_args(record, order_id)
        request = request_model(RefundObject.from_dict, body)
        key = check_idempotency_key(idempotency_key)
        parts = _refund_order.build_request(order_id, body=request, klarna_idempotency_key=key)
        return refund_created(record, order_id, await self._call(parts, key), key)

    @operation(_get_refund.OPERATION)
    async def get_refund(self, order_id: str, refund_id: str) -> Refund:
        """Read one refund of an order.

        Args:
            order_id: Klarna's order id.
            refund_id: The ``refund_id`` of ``RefundCreated``.

        Returns:
            The refund as Klarna reports it.

        Raises:
            NotFoundError: No such order or refund.
        """
        return await self._read(_get_refund.OPERATION, order_id, refund_id)

    @operation(_get_order.OPERATION)
    async def get_order(self, order_id: str) -> Order:
        """Read an order: its amounts, captures (with their ids) and refunds.

        Args:
            order_id: Klarna's order id.

        Returns:
            The order as Klarna reports it.

        Raises:
            NotFoundError: No such order.
        """
        return await self._read(_get_order.OPERATION, order_id)

    @operation(_release.OPERATION)
    async def release_remaining_authorization(
        self, order_id: str, *, idempotency_key: str | None = None
    ) -> None:
        """Release what is still authorized on a partly captured order.

        Args:
            order_id: Klarna's order id.
            idempotency_key: Your own key; default: a new one.

        Raises:
            PermissionDeniedError: Nothing to release (e.g. cancelled or fully captured).
        """
        await self._write(_release.OPERATION, (order_id,), idempotency_key)

    @operation(_extend_options.OPERATION)
    async def get_extend_due_date_options(
        self, order_id: str, capture_id: str
    ) -> ExtendDueDateOptions:
        """List by how many days a capture's due date can be extended, and the fees.

        Args:
            order_id: Klarna's order id.
            capture_id: The capture (see ``get_order``).

        Returns:
            The currency and the options (days and fee).

        Raises:
            NotFoundError: No such order or capture.
            UnsupportedOperationError: The provider (Kustom) does not offer it; nothing sent.
        """
        return await self._read(_extend_options.OPERATION, order_id, capture_id)

    @operation(_extend.OPERATION)
    async def extend_due_date(
        self,
        order_id: str,
        capture_id: str,
        number_of_days: int,
        *,
        idempotency_key: str | None = None,
    ) -> None:
        """Extend a capture's due date by one of the offered numbers of days.

        Args:
            order_id: Klarna's order id.
            capture_id: The capture (see ``get_order``).
            number_of_days: One of ``get_extend_due_date_options``' days.
            idempotency_key: Your own key; default: a new one.

        Raises:
            PermissionDeniedError: Days not offered, or already extended.
            UnsupportedOperationError: The provider (Kustom) does not offer it; nothing sent.
        """
        body = request_model(
            ExtendDueDateRequest.from_dict, {"number_of_days": check_days(number_of_days)}
        )
        await self._write(_extend.OPERATION, (order_id, capture_id), idempotency_key, body)


publish(globals())
