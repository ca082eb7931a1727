"""The sync twin of ``_async_client.py``, made by ``scripts/unasync.py``: do not edit.

Edit the async source and run ``make unasync``; its docstring says what this is for.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Any, Self

import httpx

from klarna_om_generated import Client
from klarna_om_generated.api.captures import extend_due_date as _extend_api
from klarna_om_generated.api.captures import get_options_for_extend_due_date as _options_api
from klarna_om_generated.api.orders import get_order as _get_order_api
from klarna_om_generated.api.orders import release_remaining_authorization as _release_api
from klarna_om_generated.api.refunds import get_refund as _get_refund_api
from klarna_om_generated.api.refunds import refund_order as _refund_api
from klarna_om_generated.models import (
    ExtendDueDateOptions,
    ExtendDueDateRequest,
    Order,
    Refund,
    RefundObject,
)

from ._base_client import (
    BaseClient,
    RawResponse,
    RefundCreated,
    Region,
    build_request,
    capturing_responses,
    ensure_idempotency_key,
    expect_status,
    operation,
    parsed,
    raw_response,
    received,
    refund_created,
    remember_response,
    request_model,
    translated,
)
from ._constants import DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT
from ._deadline import default_sync_transport
from ._errors import InvalidRequestError
from ._money import OrderLineLike, ReturnFee, check_refund, refund_with_return_fee_body
from ._retry import RetryPolicy
from ._sync_transport import RetryTransport
from ._validation import check_days, check_idempotency_key, check_path_param


def _key_hook(request: httpx.Request) -> None:
    ensure_idempotency_key(request)


def _response_hook(response: httpx.Response) -> None:
    remember_response(response)


class KlarnaOrderManagement(BaseClient):
    """Client for Klarna's Order Management API: refunds, orders, release and due dates.

    Every write carries one ``Klarna-Idempotency-Key`` for all its attempts. Use the client as a
    context manager, or close it.

    Processes and event loops: in a child made by ``os.fork()``, the client (and its
    ``with_options`` children) opens a connection pool of its own and leaves the parent's to
    the parent, when it made its transport itself or was given an ``AiohttpTransport``; with
    any other ``transport=`` it raises ``ForkedClientError``, as it cannot copy the caller's
    object. An async client belongs to the event loop it is first used on: on another one (a
    second ``asyncio.run()``) it raises ``EventLoopMismatchError``. Both come before anything
    is sent.

    Args:
        username: Klarna API username (e.g. ``K123456_abcd12345``).
        password: Klarna API password; never logged nor shown in a repr.
        region: ``"eu"``, ``"na"`` or ``"oc"``.
        playground: Use Klarna's playground (test) environment.
        base_url: Overrides region and playground (e.g. the local sandbox); https only, or
            plain http on a loopback host; no ``user:password@`` (credentials have their own
            arguments).
        timeout: Per request phase (default: 5 s to connect, 30 s per read/write).
        max_retries: Retries after the first attempt (default 2).
        transport: The httpx transport underneath the retries (e.g. ``httpx.MockTransport``);
            pass a retry transport (``RetryTransport``) to choose its policy, sleep and
            clock yourself. A forked child cannot reopen a transport of yours (see above).
        retry_policy: Overrides ``max_retries``; its ``total_timeout`` bounds a whole call.
        max_response_bytes: The largest response body read (default 1 MiB).
        limits: Connection-pool limits of the default transport (``httpx.Limits``).

    Raises:
        InvalidRequestError: A setting is invalid, e.g. ``base_url`` with ``user:password@``
            (no network call is made).
    """

    def __init__(
        self,
        username: str | None = None,
        password: str | None = None,
        *,
        region: Region | None = None,
        playground: bool | None = None,
        base_url: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        max_retries: int = 2,
        transport: httpx.BaseTransport | None = None,
        limits: httpx.Limits | None = None,
        retry_policy: RetryPolicy | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        super().__init__(
            username,
            password,
            region=region,
            playground=playground,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            retry_policy=retry_policy,
            max_response_bytes=max_response_bytes,
        )
        if limits is not None:
            if transport is not None:
                raise InvalidRequestError(
                    "limits configures the default transport: set them on your own transport",
                    field="limits",
                )
            transport = default_sync_transport(limits)
        if isinstance(transport, RetryTransport):  # a caller's own retry transport is kept
            self.retry_policy: RetryPolicy = transport.policy
            self.max_response_bytes: int = transport.max_response_bytes
        else:
            transport = RetryTransport(
                transport, policy=self.retry_policy, max_response_bytes=max_response_bytes
            )
        self._connect(transport)

    def _connect(self, transport: RetryTransport) -> None:
        self._transport = transport
        self._base = self.base_url.rstrip("/")
        self._headers = self._request_headers()
        self._timeouts = self.timeout.as_dict()
        self._http = httpx.Client(
            transport=transport,
            event_hooks={"request": [_key_hook], "response": [_response_hook]},
            **self._httpx_args(),
        )
        self._api = Client(base_url=self.base_url).set_httpx_client(self._http)

    def with_options(
        self,
        *,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        retry_policy: RetryPolicy | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Self:
        """A client like this one with some options changed, sharing its connection pool.

        Options not given are inherited. Closing the child leaves the pool open; closing this
        client (the parent) closes it, so close the parent last.

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
            InvalidRequestError: An option is invalid (nothing is sent).
        """
        timeout, policy, extra = self._derived_options(timeout, max_retries, retry_policy, headers)
        child = copy.copy(self)
        child.timeout, child.retry_policy, child._extra_headers = timeout, policy, extra
        child._connect(self._transport.with_policy(policy))
        return child

    def _send(self, kwargs: dict[str, Any]) -> httpx.Response:
        request = build_request(self._base, kwargs, self._headers.reveal(), self._timeouts)
        return received(request, self._transport.handle_request(request))

    @property
    def with_raw_response(self) -> KlarnaOrderManagementWithRawResponse:
        """Every method of this client, returning a ``RawResponse`` (status, headers, result).

        ``client.with_raw_response.refund_order(...)`` raises exactly as ``refund_order``.
        """
        return KlarnaOrderManagementWithRawResponse(self)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connections, once.

        A ``with_options`` child leaves them to its parent, a forked child to the parent
        process. An async client closes on its own event loop: on another one it raises
        ``EventLoopMismatchError`` and closes nothing.
        """
        self._transport.close()  # first: it refuses another loop before closing anything
        self._http.close()  # marks the generated API's httpx client closed too

    @operation("refundOrder")
    def refund_order(
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
            MoneyValidationError: An amount or order line is wrong; nothing was sent.
            APIStatusError: Klarna refused (e.g. ``PermissionDeniedError``).
            APIConnectionError: No answer; retry with the error's ``idempotency_key``.
        """
        body = check_refund(
            refunded_amount, order_lines, reference=reference, description=description
        )
        return self._refund(order_id, body, idempotency_key)

    def refund_with_return_fee(
        self,
        order_id: str,
        order_lines: Sequence[OrderLineLike],
        return_fee: int | ReturnFee,
        *,
        reference: str | None = None,
        description: str | None = None,
        idempotency_key: str | None = None,
    ) -> RefundCreated:
        """Refund the returned order lines minus a return fee (a ``return_fee`` line).

        Args:
            order_id: Klarna's order id.
            order_lines: The returned lines.
            return_fee: The fee in minor units, or a ``ReturnFee`` with a tax rate.
            reference: Your reference for the refund.
            description: Shown to the customer.
            idempotency_key: Your own key; default: a new one.

        Returns:
            The refund's id and location, and the key used.

        Raises:
            MoneyValidationError: The lines or the fee are wrong; nothing was sent.
            APIStatusError: Klarna refused (a fee needs one capture of the whole order).
            APIConnectionError: No answer; retry with the error's ``idempotency_key``.
        """
        body = refund_with_return_fee_body(
            order_lines, return_fee, reference=reference, description=description
        )
        return self._refund(order_id, body, idempotency_key)

    def refund_return_fee(
        self,
        order_id: str,
        amount: int,
        *,
        reference: str | None = None,
        description: str | None = None,
        idempotency_key: str | None = None,
    ) -> RefundCreated:
        """Give a charged return fee back: a new refund of ``amount`` without order lines.

        Args:
            order_id: Klarna's order id.
            amount: The fee charged before, in minor units.
            reference: Your reference for the refund.
            description: Default ``"Return fee refunded"``.
            idempotency_key: Your own key; default: a new one.

        Returns:
            The refund's id and location, and the key used.

        Raises:
            MoneyValidationError: The amount is wrong; nothing was sent.
            APIStatusError: Klarna refused.
            APIConnectionError: No answer; retry with the error's ``idempotency_key``.
        """
        body = self._return_fee_refund_body(amount, reference, description)
        return self._refund(order_id, body, idempotency_key)

    def _refund(
        self, order_id: str, body: dict[str, Any], idempotency_key: str | None
    ) -> RefundCreated:
        order_id = check_path_param("order_id", order_id)
        request = request_model(RefundObject.from_dict, body)
        key = check_idempotency_key(idempotency_key)
        with translated(key):
            response = self._send(
                _refund_api._get_kwargs(order_id, body=request, klarna_idempotency_key=key)
            )
            return refund_created(order_id, response, key)

    @operation("getRefund")
    def get_refund(self, order_id: str, refund_id: str) -> Refund:
        """Read one refund of an order.

        Args:
            order_id: Klarna's order id.
            refund_id: The ``refund_id`` of ``RefundCreated``.

        Returns:
            The refund as Klarna reports it.

        Raises:
            NotFoundError: No such order or refund.
            APIConnectionError: No answer; calling again is safe.
        """
        order_id = check_path_param("order_id", order_id)
        refund_id = check_path_param("refund_id", refund_id)
        with translated(None):
            response = self._send(_get_refund_api._get_kwargs(order_id, refund_id))
            return parsed(response, Refund.from_dict, None)

    @operation("getOrder")
    def get_order(self, order_id: str) -> Order:
        """Read an order: its amounts, captures (with their ids) and refunds.

        Args:
            order_id: Klarna's order id.

        Returns:
            The order as Klarna reports it.

        Raises:
            NotFoundError: No such order.
            APIConnectionError: No answer; calling again is safe.
        """
        order_id = check_path_param("order_id", order_id)
        with translated(None):
            response = self._send(_get_order_api._get_kwargs(order_id))
            return parsed(response, Order.from_dict, None)

    @operation("releaseRemainingAuthorization")
    def release_remaining_authorization(
        self, order_id: str, *, idempotency_key: str | None = None
    ) -> None:
        """Release what is still authorized on a partly captured order.

        Args:
            order_id: Klarna's order id.
            idempotency_key: Your own key; default: a new one.

        Raises:
            PermissionDeniedError: Nothing to release (e.g. cancelled or fully captured).
            APIConnectionError: No answer; retry with the error's ``idempotency_key``.
        """
        order_id = check_path_param("order_id", order_id)
        key = check_idempotency_key(idempotency_key)
        with translated(key):
            response = self._send(_release_api._get_kwargs(order_id, klarna_idempotency_key=key))
            expect_status(response, 204, key)

    @operation("getOptionsForExtendDueDate")
    def get_extend_due_date_options(self, order_id: str, capture_id: str) -> ExtendDueDateOptions:
        """List by how many days a capture's due date can be extended, and the fees.

        Args:
            order_id: Klarna's order id.
            capture_id: The capture (see ``get_order``).

        Returns:
            The currency and the options (days and fee).

        Raises:
            NotFoundError: No such order or capture.
            APIConnectionError: No answer; calling again is safe.
        """
        order_id = check_path_param("order_id", order_id)
        capture_id = check_path_param("capture_id", capture_id)
        with translated(None):
            response = self._send(_options_api._get_kwargs(order_id, capture_id))
            return parsed(response, ExtendDueDateOptions.from_dict, None)

    @operation("extendDueDate")
    def extend_due_date(
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
            APIConnectionError: No answer; retry with the error's ``idempotency_key``.
        """
        order_id = check_path_param("order_id", order_id)
        capture_id = check_path_param("capture_id", capture_id)
        body = request_model(
            ExtendDueDateRequest.from_dict, {"number_of_days": check_days(number_of_days)}
        )
        key = check_idempotency_key(idempotency_key)
        with translated(key):
            response = self._send(
                _extend_api._get_kwargs(order_id, capture_id, body=body, klarna_idempotency_key=key)
            )
            expect_status(response, 204, key)


class KlarnaOrderManagementWithRawResponse:
    """``client.with_raw_response``: the client's methods, each returning a ``RawResponse``.

    Each method takes the same arguments as the client's method of the same name and raises
    the same errors; ``RawResponse.parse()`` returns what that method returns.
    """

    def __init__(self, client: KlarnaOrderManagement) -> None:
        self._client = client

    def refund_order(
        self,
        order_id: str,
        refunded_amount: int,
        *,
        order_lines: Sequence[OrderLineLike] | None = None,
        reference: str | None = None,
        description: str | None = None,
        idempotency_key: str | None = None,
    ) -> RawResponse[RefundCreated]:
        """``refund_order`` with its HTTP response.

        It takes the arguments of ``KlarnaOrderManagement.refund_order``.

        Returns:
            The HTTP response; ``parse()`` gives what ``refund_order`` returns.

        Raises:
            KlarnaError: Exactly as ``refund_order`` raises.
        """
        with capturing_responses() as captured:
            result = self._client.refund_order(
                order_id,
                refunded_amount,
                order_lines=order_lines,
                reference=reference,
                description=description,
                idempotency_key=idempotency_key,
            )
        return raw_response(captured, result)

    def refund_with_return_fee(
        self,
        order_id: str,
        order_lines: Sequence[OrderLineLike],
        return_fee: int | ReturnFee,
        *,
        reference: str | None = None,
        description: str | None = None,
        idempotency_key: str | None = None,
    ) -> RawResponse[RefundCreated]:
        """``refund_with_return_fee`` with its HTTP response.

        It takes the arguments of ``KlarnaOrderManagement.refund_with_return_fee``.

        Returns:
            The HTTP response; ``parse()`` gives what ``refund_with_return_fee`` returns.

        Raises:
            KlarnaError: Exactly as ``refund_with_return_fee`` raises.
        """
        with capturing_responses() as captured:
            result = self._client.refund_with_return_fee(
                order_id,
                order_lines,
                return_fee,
                reference=reference,
                description=description,
                idempotency_key=idempotency_key,
            )
        return raw_response(captured, result)

    def refund_return_fee(
        self,
        order_id: str,
        amount: int,
        *,
        reference: str | None = None,
        description: str | None = None,
        idempotency_key: str | None = None,
    ) -> RawResponse[RefundCreated]:
        """``refund_return_fee`` with its HTTP response.

        It takes the arguments of ``KlarnaOrderManagement.refund_return_fee``.

        Returns:
            The HTTP response; ``parse()`` gives what ``refund_return_fee`` returns.

        Raises:
            KlarnaError: Exactly as ``refund_return_fee`` raises.
        """
        with capturing_responses() as captured:
            result = self._client.refund_return_fee(
                order_id,
                amount,
                reference=reference,
                description=description,
                idempotency_key=idempotency_key,
            )
        return raw_response(captured, result)

    def get_refund(self, order_id: str, refund_id: str) -> RawResponse[Refund]:
        """``get_refund`` with its HTTP response.

        It takes the arguments of ``KlarnaOrderManagement.get_refund``.

        Returns:
            The HTTP response; ``parse()`` gives what ``get_refund`` returns.

        Raises:
            KlarnaError: Exactly as ``get_refund`` raises.
        """
        with capturing_responses() as captured:
            result = self._client.get_refund(order_id, refund_id)
        return raw_response(captured, result)

    def get_order(self, order_id: str) -> RawResponse[Order]:
        """``get_order`` with its HTTP response.

        It takes the arguments of ``KlarnaOrderManagement.get_order``.

        Returns:
            The HTTP response; ``parse()`` gives what ``get_order`` returns.

        Raises:
            KlarnaError: Exactly as ``get_order`` raises.
        """
        with capturing_responses() as captured:
            result = self._client.get_order(order_id)
        return raw_response(captured, result)

    def release_remaining_authorization(
        self, order_id: str, *, idempotency_key: str | None = None
    ) -> RawResponse[None]:
        """``release_remaining_authorization`` with its HTTP response.

        It takes the arguments of ``KlarnaOrderManagement.release_remaining_authorization``.

        Returns:
            ``RawResponse[None]``: the status and headers (nothing to parse).

        Raises:
            KlarnaError: Exactly as ``release_remaining_authorization`` raises.
        """
        with capturing_responses() as captured:
            self._client.release_remaining_authorization(order_id, idempotency_key=idempotency_key)
        return raw_response(captured, None)

    def get_extend_due_date_options(
        self, order_id: str, capture_id: str
    ) -> RawResponse[ExtendDueDateOptions]:
        """``get_extend_due_date_options`` with its HTTP response.

        It takes the arguments of ``KlarnaOrderManagement.get_extend_due_date_options``.

        Returns:
            The HTTP response; ``parse()`` gives what ``get_extend_due_date_options`` returns.

        Raises:
            KlarnaError: Exactly as ``get_extend_due_date_options`` raises.
        """
        with capturing_responses() as captured:
            result = self._client.get_extend_due_date_options(order_id, capture_id)
        return raw_response(captured, result)

    def extend_due_date(
        self,
        order_id: str,
        capture_id: str,
        number_of_days: int,
        *,
        idempotency_key: str | None = None,
    ) -> RawResponse[None]:
        """``extend_due_date`` with its HTTP response.

        It takes the arguments of ``KlarnaOrderManagement.extend_due_date``.

        Returns:
            ``RawResponse[None]``: the status and headers (nothing to parse).

        Raises:
            KlarnaError: Exactly as ``extend_due_date`` raises.
        """
        with capturing_responses() as captured:
            self._client.extend_due_date(
                order_id, capture_id, number_of_days, idempotency_key=idempotency_key
            )
        return raw_response(captured, None)
