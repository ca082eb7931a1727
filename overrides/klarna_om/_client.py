"""The public clients: ``KlarnaOrderManagement`` and its async twin.

Exists because the generated functions send once, without timeout, key or typed errors. The
clients compose the generated package through its httpx seam only: an httpx client with Basic
auth, a timeout, the retry transport and two event hooks (idempotency key; typed errors). They
validate input before sending and never log or repr credentials.
"""

from __future__ import annotations

import contextvars
import platform
import unicodedata
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import TracebackType
from typing import Any, Literal, Self, TypeVar

import attrs
import httpx

from klarna_om_generated import Client
from klarna_om_generated.api.captures import extend_due_date as _extend_api
from klarna_om_generated.api.captures import get_options_for_extend_due_date as _options_api
from klarna_om_generated.api.orders import release_remaining_authorization as _release_api
from klarna_om_generated.api.refunds import get_refund as _get_refund_api
from klarna_om_generated.api.refunds import refund_order as _refund_api
from klarna_om_generated.models import (
    ExtendDueDateOptions,
    ExtendDueDateRequest,
    Refund,
    RefundObject,
)
from klarna_om_generated.types import Response

from ._errors import (
    IDEMPOTENCY_HEADER,
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    InvalidRequestError,
    status_error,
)
from ._money import (
    INT32_MAX,
    OrderLineInput,
    ReturnFee,
    check_amount,
    check_refund,
    refund_with_return_fee_body,
)
from ._retry import AsyncRetryTransport, RetryPolicy, RetryTransport
from ._version import __version__

Region = Literal["eu", "na", "oc"]

#: Connect within 5 s; each read, write and pool wait within 30 s (Klarna's own SDKs used 30 s).
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
_HOSTS = {"eu": "api", "na": "api-na", "oc": "api-oc"}
USER_AGENT = f"klarna-om/{__version__} Python/{platform.python_version()} httpx/{httpx.__version__}"
#: Text of the refund that gives a charged return fee back, when the caller gives none.
RETURN_FEE_REFUND_DESCRIPTION = "Return fee refunded"
_WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})
_IDEMPOTENCY_NAMESPACE = uuid.UUID("6c1b6f0e-4d0c-4d61-9a8e-6b6c1c0a7f3e")
_last_response: contextvars.ContextVar[httpx.Response | None] = contextvars.ContextVar(
    "klarna_om_last_response", default=None
)

T = TypeVar("T")


@attrs.frozen
class RefundCreated:
    """The outcome of a refund: Klarna's ``Refund-Id`` and ``Location``, and the key used."""

    order_id: str
    refund_id: str
    location: str | None
    idempotency_key: str


def new_idempotency_key() -> str:
    """A fresh UUID4 ``Klarna-Idempotency-Key``."""
    return str(uuid.uuid4())


def derive_idempotency_key(*parts: str) -> str:
    """A key derived from your own identifiers, e.g. ``(order_id, "refund", your_refund_ref)``.

    The same parts always give the same key, so a job that crashed and runs again sends the same
    key and Klarna (within 24 hours) applies the operation once.
    """
    if not parts or not all(isinstance(p, str) and p for p in parts):
        raise InvalidRequestError(
            "derive_idempotency_key needs non-empty strings", field="idempotency_key"
        )
    return str(uuid.uuid5(_IDEMPOTENCY_NAMESPACE, "\x1f".join(parts)))


def check_path_param(name: str, value: object) -> str:
    """Return ``value`` if it is usable as a path id: a non-empty str without control characters.

    The generated code percent-encodes it; the value itself is not echoed in the error.
    """
    if not isinstance(value, str) or not value:
        raise InvalidRequestError(f"{name} must be a non-empty str", field=name)
    for position, char in enumerate(value):
        if unicodedata.category(char) == "Cc":
            raise InvalidRequestError(
                f"{name} has a control character at position {position}", field=name
            )
    return value


def _check_key(key: str | None) -> str:
    if key is None:
        return new_idempotency_key()
    if not isinstance(key, str) or not 0 < len(key) <= 255 or not all(" " <= c <= "~" for c in key):
        raise InvalidRequestError(
            "idempotency_key must be 1-255 printable ASCII characters", field="idempotency_key"
        )
    return key


def _check_days(number_of_days: object) -> int:
    try:
        return check_amount("number_of_days", number_of_days, minimum=1, maximum=INT32_MAX)
    except InvalidRequestError as exc:
        raise InvalidRequestError(str(exc), field="number_of_days") from None


# --- event hooks: the one place a missing key is added, and the one place errors are raised ---


def _ensure_idempotency_key(request: httpx.Request) -> None:
    """Request hook: give a write without a key a fresh one (runs once per call, not per retry)."""
    if request.method in _WRITE_METHODS and IDEMPOTENCY_HEADER not in request.headers:
        request.headers[IDEMPOTENCY_HEADER] = new_idempotency_key()


def _raise_for_status(response: httpx.Response) -> None:
    """Response hook: remember the response; turn an error status into its typed exception."""
    _last_response.set(response)
    if response.status_code >= 400:
        response.read()
        raise status_error(response)


async def _aensure_idempotency_key(request: httpx.Request) -> None:
    _ensure_idempotency_key(request)


async def _araise_for_status(response: httpx.Response) -> None:
    _last_response.set(response)
    if response.status_code >= 400:
        await response.aread()
        raise status_error(response)


@contextmanager
def _translated(idempotency_key: str | None) -> Iterator[None]:
    """Turn transport failures and unreadable success bodies into klarna_om errors."""
    token = _last_response.set(None)
    try:
        yield
    except httpx.TimeoutException as exc:
        raise APITimeoutError(
            f"timed out after every allowed attempt ({type(exc).__name__}); a write may have been "
            f"applied: retry with idempotency_key={idempotency_key or '-'}",
            request=exc.request,
            idempotency_key=idempotency_key,
        ) from exc
    except httpx.TransportError as exc:
        raise APIConnectionError(
            f"no response after every allowed attempt ({type(exc).__name__}); a write may have "
            f"been applied: retry with idempotency_key={idempotency_key or '-'}",
            request=exc.request,
            idempotency_key=idempotency_key,
        ) from exc
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        response = _last_response.get()
        if response is None:  # not a response problem: a bug to surface as it is
            raise
        raise APIResponseValidationError(
            f"{response.status_code} response could not be read as documented "
            f"({type(exc).__name__})",
            response=response,
            idempotency_key=idempotency_key,
        ) from exc
    finally:
        _last_response.reset(token)


def _expect(response: Response[Any], status: int, key: str | None) -> None:
    if response.status_code != status:
        raise APIResponseValidationError(
            f"expected {status}, got {int(response.status_code)}",
            response=_last_http_response(),
            idempotency_key=key,
        )


def _last_http_response() -> httpx.Response:
    last = _last_response.get()
    assert last is not None  # set by the response hook of the call being handled
    return last


def _parsed(response: Response[Any], model: type[T], key: str | None) -> T:
    _expect(response, 200, key)
    if not isinstance(response.parsed, model):
        raise APIResponseValidationError(
            "200 response body is not a JSON object",
            response=_last_http_response(),
            idempotency_key=key,
        )
    return response.parsed


def _refund_created(order_id: str, response: Response[Any], key: str) -> RefundCreated:
    _expect(response, 201, key)
    location = response.headers.get("location")
    refund_id = response.headers.get("refund-id")
    if not refund_id and location and "/refunds/" in location:
        refund_id = location.rstrip("/").rsplit("/", 1)[-1] or None
    if not refund_id:
        raise APIResponseValidationError(
            "201 without Refund-Id or Location: the refund was created; read the order or "
            f"retry with the same idempotency_key={key} to get it",
            response=_last_http_response(),
            idempotency_key=key,
        )
    return RefundCreated(
        order_id=order_id, refund_id=refund_id, location=location, idempotency_key=key
    )


class _BaseClient:
    """Configuration and input preparation shared by the sync and async clients."""

    def __init__(
        self,
        username: str,
        password: str,
        *,
        region: Region = "eu",
        playground: bool = False,
        base_url: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        max_retries: int = 2,
        retry_policy: RetryPolicy | None = None,
    ) -> None:
        if not isinstance(username, str) or not username:
            raise InvalidRequestError("username must be a non-empty str", field="username")
        if not isinstance(password, str) or not password:
            raise InvalidRequestError("password must be a non-empty str", field="password")
        if region not in _HOSTS:
            raise InvalidRequestError(f"region must be one of {sorted(_HOSTS)}", field="region")
        if timeout is None:
            raise InvalidRequestError(
                "timeout=None would wait forever; pass seconds", field="timeout"
            )
        self.base_url = base_url or (
            f"https://{_HOSTS[region]}{'.playground' if playground else ''}.klarna.com"
        )
        self.timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        self.retry_policy = retry_policy or RetryPolicy(max_retries=max_retries)
        self._auth = httpx.BasicAuth(username, password)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(base_url={self.base_url!r}, "
            f"max_retries={self.retry_policy.max_retries}, timeout={self.timeout!r})"
        )

    def _httpx_args(self) -> dict[str, Any]:
        return {
            "base_url": self.base_url,
            "auth": self._auth,
            "timeout": self.timeout,
            "headers": {"User-Agent": USER_AGENT},
            "follow_redirects": False,
        }

    @staticmethod
    def _prepare_refund(
        order_id: str, body: dict[str, Any], idempotency_key: str | None
    ) -> tuple[str, RefundObject, str]:
        return (
            check_path_param("order_id", order_id),
            RefundObject.from_dict(body),
            _check_key(idempotency_key),
        )

    @staticmethod
    def _return_fee_refund_body(
        amount: int, reference: str | None, description: str | None
    ) -> dict[str, Any]:
        # Klarna: give a charged fee back with "a new refund including the amount previously
        # charged". Amount only: return fees need an order captured in full by one capture,
        # so Klarna has a single invoice to allocate it to, and no line type is guessed.
        return check_refund(
            amount,
            None,
            reference=reference,
            description=RETURN_FEE_REFUND_DESCRIPTION if description is None else description,
        )


class KlarnaOrderManagement(_BaseClient):
    """Synchronous client for Klarna's Order Management API (refunds, release, due dates).

    ``timeout`` is per request (default: 5 s to connect, 30 s per read/write); retries stop
    after ``max_retries`` or 60 s in all. ``transport`` is the httpx transport underneath the
    retries (e.g. ``httpx.MockTransport``); pass a ``RetryTransport`` to choose its policy, sleep
    and clock yourself. Use the client as a context manager, or call ``close()``.
    """

    def __init__(
        self,
        username: str,
        password: str,
        *,
        region: Region = "eu",
        playground: bool = False,
        base_url: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        max_retries: int = 2,
        transport: httpx.BaseTransport | None = None,
        retry_policy: RetryPolicy | None = None,
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
        )
        if isinstance(transport, RetryTransport):  # a caller's own retry transport is kept
            self.retry_policy = transport.policy
        else:
            transport = RetryTransport(transport, policy=self.retry_policy)
        self._http = httpx.Client(
            transport=transport,
            event_hooks={"request": [_ensure_idempotency_key], "response": [_raise_for_status]},
            **self._httpx_args(),
        )
        self._api = Client(base_url=self.base_url).set_httpx_client(self._http)

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
        """Close the connections."""
        self._http.close()

    def refund_order(
        self,
        order_id: str,
        refunded_amount: int,
        *,
        order_lines: Sequence[OrderLineInput] | None = None,
        reference: str | None = None,
        description: str | None = None,
        idempotency_key: str | None = None,
    ) -> RefundCreated:
        """Refund ``refunded_amount`` (minor units) of a captured order; lines must add up to it."""
        body = check_refund(
            refunded_amount, order_lines, reference=reference, description=description
        )
        return self._refund(order_id, body, idempotency_key)

    def refund_with_return_fee(
        self,
        order_id: str,
        order_lines: Sequence[OrderLineInput],
        return_fee: int | ReturnFee,
        *,
        reference: str | None = None,
        description: str | None = None,
        idempotency_key: str | None = None,
    ) -> RefundCreated:
        """Refund the returned ``order_lines`` minus a return fee (a ``return_fee`` line)."""
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
        """Give a charged return fee back: a new refund of ``amount`` without order lines."""
        body = self._return_fee_refund_body(amount, reference, description)
        return self._refund(order_id, body, idempotency_key)

    def _refund(
        self, order_id: str, body: dict[str, Any], idempotency_key: str | None
    ) -> RefundCreated:
        order_id, request, key = self._prepare_refund(order_id, body, idempotency_key)
        with _translated(key):
            response = _refund_api.sync_detailed(
                order_id, client=self._api, body=request, klarna_idempotency_key=key
            )
            return _refund_created(order_id, response, key)

    def get_refund(self, order_id: str, refund_id: str) -> Refund:
        """Read one refund of an order."""
        order_id = check_path_param("order_id", order_id)
        refund_id = check_path_param("refund_id", refund_id)
        with _translated(None):
            response = _get_refund_api.sync_detailed(order_id, refund_id, client=self._api)
            return _parsed(response, Refund, None)

    def release_remaining_authorization(
        self, order_id: str, *, idempotency_key: str | None = None
    ) -> None:
        """Release what is still authorized on a partly captured order."""
        order_id = check_path_param("order_id", order_id)
        key = _check_key(idempotency_key)
        with _translated(key):
            response = _release_api.sync_detailed(
                order_id, client=self._api, klarna_idempotency_key=key
            )
            _expect(response, 204, key)

    def get_extend_due_date_options(self, order_id: str, capture_id: str) -> ExtendDueDateOptions:
        """List by how many days a capture's due date can be extended, and the fees."""
        order_id = check_path_param("order_id", order_id)
        capture_id = check_path_param("capture_id", capture_id)
        with _translated(None):
            response = _options_api.sync_detailed(order_id, capture_id, client=self._api)
            return _parsed(response, ExtendDueDateOptions, None)

    def extend_due_date(
        self,
        order_id: str,
        capture_id: str,
        number_of_days: int,
        *,
        idempotency_key: str | None = None,
    ) -> None:
        """Extend a capture's due date by one of the offered ``number_of_days``."""
        order_id = check_path_param("order_id", order_id)
        capture_id = check_path_param("capture_id", capture_id)
        body = ExtendDueDateRequest(number_of_days=_check_days(number_of_days))
        key = _check_key(idempotency_key)
        with _translated(key):
            response = _extend_api.sync_detailed(
                order_id, capture_id, client=self._api, body=body, klarna_idempotency_key=key
            )
            _expect(response, 204, key)


class AsyncKlarnaOrderManagement(_BaseClient):
    """Asynchronous client for Klarna's Order Management API; see ``KlarnaOrderManagement``."""

    def __init__(
        self,
        username: str,
        password: str,
        *,
        region: Region = "eu",
        playground: bool = False,
        base_url: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        max_retries: int = 2,
        transport: httpx.AsyncBaseTransport | None = None,
        retry_policy: RetryPolicy | None = None,
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
        )
        if isinstance(transport, AsyncRetryTransport):
            self.retry_policy = transport.policy
        else:
            transport = AsyncRetryTransport(transport, policy=self.retry_policy)
        self._http = httpx.AsyncClient(
            transport=transport,
            event_hooks={"request": [_aensure_idempotency_key], "response": [_araise_for_status]},
            **self._httpx_args(),
        )
        self._api = Client(base_url=self.base_url).set_async_httpx_client(self._http)

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
        """Close the connections."""
        await self._http.aclose()

    async def refund_order(
        self,
        order_id: str,
        refunded_amount: int,
        *,
        order_lines: Sequence[OrderLineInput] | None = None,
        reference: str | None = None,
        description: str | None = None,
        idempotency_key: str | None = None,
    ) -> RefundCreated:
        """Refund ``refunded_amount`` (minor units) of a captured order; lines must add up to it."""
        body = check_refund(
            refunded_amount, order_lines, reference=reference, description=description
        )
        return await self._refund(order_id, body, idempotency_key)

    async def refund_with_return_fee(
        self,
        order_id: str,
        order_lines: Sequence[OrderLineInput],
        return_fee: int | ReturnFee,
        *,
        reference: str | None = None,
        description: str | None = None,
        idempotency_key: str | None = None,
    ) -> RefundCreated:
        """Refund the returned ``order_lines`` minus a return fee (a ``return_fee`` line)."""
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
        """Give a charged return fee back: a new refund of ``amount`` without order lines."""
        body = self._return_fee_refund_body(amount, reference, description)
        return await self._refund(order_id, body, idempotency_key)

    async def _refund(
        self, order_id: str, body: dict[str, Any], idempotency_key: str | None
    ) -> RefundCreated:
        order_id, request, key = self._prepare_refund(order_id, body, idempotency_key)
        with _translated(key):
            response = await _refund_api.asyncio_detailed(
                order_id, client=self._api, body=request, klarna_idempotency_key=key
            )
            return _refund_created(order_id, response, key)

    async def get_refund(self, order_id: str, refund_id: str) -> Refund:
        """Read one refund of an order."""
        order_id = check_path_param("order_id", order_id)
        refund_id = check_path_param("refund_id", refund_id)
        with _translated(None):
            response = await _get_refund_api.asyncio_detailed(order_id, refund_id, client=self._api)
            return _parsed(response, Refund, None)

    async def release_remaining_authorization(
        self, order_id: str, *, idempotency_key: str | None = None
    ) -> None:
        """Release what is still authorized on a partly captured order."""
        order_id = check_path_param("order_id", order_id)
        key = _check_key(idempotency_key)
        with _translated(key):
            response = await _release_api.asyncio_detailed(
                order_id, client=self._api, klarna_idempotency_key=key
            )
            _expect(response, 204, key)

    async def get_extend_due_date_options(
        self, order_id: str, capture_id: str
    ) -> ExtendDueDateOptions:
        """List by how many days a capture's due date can be extended, and the fees."""
        order_id = check_path_param("order_id", order_id)
        capture_id = check_path_param("capture_id", capture_id)
        with _translated(None):
            response = await _options_api.asyncio_detailed(order_id, capture_id, client=self._api)
            return _parsed(response, ExtendDueDateOptions, None)

    async def extend_due_date(
        self,
        order_id: str,
        capture_id: str,
        number_of_days: int,
        *,
        idempotency_key: str | None = None,
    ) -> None:
        """Extend a capture's due date by one of the offered ``number_of_days``."""
        order_id = check_path_param("order_id", order_id)
        capture_id = check_path_param("capture_id", capture_id)
        body = ExtendDueDateRequest(number_of_days=_check_days(number_of_days))
        key = _check_key(idempotency_key)
        with _translated(key):
            response = await _extend_api.asyncio_detailed(
                order_id, capture_id, client=self._api, body=body, klarna_idempotency_key=key
            )
            _expect(response, 204, key)
