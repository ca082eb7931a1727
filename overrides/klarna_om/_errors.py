"""The exceptions of klarna_om and the one function that maps an HTTP error response to them.

Exists because the generated client returns documented errors as values and crashes on bodies
that are not JSON. Never put credentials, request bodies or raw response bodies in a message.

    KlarnaError
    ├── InvalidInputError (ValueError)        bad input, caught before anything is sent
    │   ├── InvalidRefundError                a refund's amount, order line or return fee is wrong
    │   ├── UnsupportedOperationError         the client's provider does not offer the operation
    │   └── RequestTooLargeError              a body or headers over Klarna's request limits
    ├── APIConnectionError                    no response (a write may have been applied)
    │   ├── APITimeoutError                   no response within the time allowed
    │   └── ResponseTooLargeError             a response bigger than max_response_bytes
    ├── APIResponseValidationError            a success response the client cannot read
    ├── EventLoopMismatchError (RuntimeError) an async client used on a second event loop
    ├── ForkedClientError (RuntimeError)      a caller's transport used in a forked child
    └── APIStatusError                        Klarna answered with an error (or redirect) status
        ├── BadRequestError                   400
        ├── AuthenticationError               401
        ├── PermissionDeniedError             403 (REFUND_NOT_ALLOWED, NOT_ALLOWED, ...)
        ├── NotFoundError                     404
        ├── ConflictError                     409
        ├── UnprocessableEntityError          422
        ├── RateLimitError                    429
        └── InternalServerError               >= 500

``InvalidRequestError`` and ``MoneyValidationError`` are deprecated aliases of ``InvalidInputError``
and ``InvalidRefundError`` (the same classes), kept for one release: in stripe-python and
openai-python ``InvalidRequestError`` is the server's 400, and money was not all the second meant.
``klarna_om.InvalidRequestError`` warns (``DeprecationWarning``) at every use; the package's
``__getattr__`` does that, so the aliases here are for type checkers and the package only.

Every error pickles and deep-copies with its fields (for job queues); the ``request`` and
``response`` objects are dropped then, because the request carries the credentials. Every call
error (no response, unreadable success, error status) carries what support asks for, alike:
``idempotency_key``, ``correlation_id``, ``rate_limit``, ``headers``, ``body`` (``_error_details``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from ._constants import IDEMPOTENCY_HEADER
from ._error_details import (
    correlation_id_of,
    describe_response,
    klarna_error,
    klarna_messages,
    klarna_text,
    support_details,
)
from ._public import publish
from ._ratelimit import RateLimit

#: Attributes never carried into a pickle or a copy: the request holds the credentials.
_TRANSIENT = ("request", "response")


def _restore(cls: type[KlarnaError], args: tuple[Any, ...], state: dict[str, Any]) -> KlarnaError:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class KlarnaError(Exception):
    """Base class of every error klarna_om raises."""

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle and copy by fields, without the request and response (see the module doc)."""
        state = {k: (None if k in _TRANSIENT else v) for k, v in self.__dict__.items()}
        return (_restore, (type(self), self.args, state))


class InvalidInputError(KlarnaError, ValueError):
    """The call's input (or a setting) is invalid; nothing was sent."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
        """The offending input, e.g. ``order_lines[1].total_amount`` (never its value)."""


class InvalidRefundError(InvalidInputError):
    """A refund's amount, order line (any of its fields) or return fee is wrong; nothing was sent.

    Bounds and field types as spec/ declares them, and Klarna's arithmetic (line totals, the sum
    of the lines, a fee smaller than the goods).
    """


class UnsupportedOperationError(InvalidInputError):
    """The client's provider does not offer this operation; nothing was sent.

    E.g. Kustom (the former Klarna Checkout) does not offer the extend-due-date operations.
    Which provider serves what is spec/'s ``x-klarna-om-providers`` (the generated
    ``OPERATIONS[...].providers``). ``field`` is ``"provider"``.
    """

    def __init__(self, message: str, *, provider: str, operation: str) -> None:
        super().__init__(message, field="provider")
        self.provider = provider
        """The client's provider, e.g. ``"kustom"``."""
        self.operation = operation
        """The operation's id in spec/, e.g. ``"extendDueDate"``."""


class RequestTooLargeError(InvalidInputError):
    """The request exceeds one of Klarna's request limits; nothing was sent.

    Klarna accepts a body of 1 MB, 6 KB per header (name and value) and 20 KB for all headers;
    the client checks each call once, after the checks of its input (a text over its bound is
    an ``InvalidRefundError`` first).

    An ``InvalidInputError``: the request is refused before sending, like any other invalid
    input.

    Attributes:
        limit_name: Which limit: ``"header"`` (one header), ``"headers"`` (all of them) or
            ``"body"``.
        size: The request's size for that limit, in bytes.
        limit: The limit, in bytes.
    """

    def __init__(
        self, message: str, *, limit_name: str, size: int, limit: int, field: str | None = None
    ) -> None:
        super().__init__(message, field=field)
        self.limit_name = limit_name
        self.size = size
        self.limit = limit


#: Deprecated alias of ``InvalidInputError`` (removed in the next release).
InvalidRequestError = InvalidInputError
#: Deprecated alias of ``InvalidRefundError`` (removed in the next release).
MoneyValidationError = InvalidRefundError


class APIConnectionError(KlarnaError):
    """No response arrived (connection failed or dropped) after every allowed attempt.

    A write may still have been applied by Klarna: retry it with the same ``idempotency_key``.
    It has ``APIStatusError``'s support attributes, empty as no response was read (nor kept, for
    ``ResponseTooLargeError``): ``correlation_id``, ``rate_limit`` and ``body`` are None,
    ``headers`` is ``{}``.
    """

    def __init__(
        self,
        message: str,
        *,
        request: httpx.Request | None = None,
        idempotency_key: str | None = None,
    ) -> None:
        super().__init__(message)
        self.request = request
        self.idempotency_key = idempotency_key
        self.correlation_id: str | None = None
        self.rate_limit: RateLimit | None = None
        self.headers: dict[str, str] = {}
        self.body: str | None = None


class APITimeoutError(APIConnectionError):
    """No response within the time allowed, per attempt or for the whole call."""


class ResponseTooLargeError(APIConnectionError):
    """The response was bigger than the client's ``max_response_bytes``; reading stopped there.

    Nothing of it is usable, so for a write the outcome is unknown: check the order, or retry with
    the same ``idempotency_key``. Not retried automatically: a server that sent it once will again.
    """

    def __init__(
        self,
        message: str,
        *,
        request: httpx.Request | None = None,
        idempotency_key: str | None = None,
        status_code: int,
        limit: int,
    ) -> None:
        super().__init__(message, request=request, idempotency_key=idempotency_key)
        self.status_code = status_code
        self.limit = limit


class APIResponseValidationError(KlarnaError):
    """Klarna answered with a success status, but the response cannot be read as documented.

    For a write, the operation was applied: do not send it again with a new key. Its
    ``correlation_id`` (the ``Klarna-Correlation-Id`` header), ``rate_limit``, ``headers`` and
    ``body`` are read from ``response`` unless given, as ``APIStatusError``'s.
    """

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response | None,
        status_code: int,
        idempotency_key: str | None = None,
        field: str | None = None,
        correlation_id: str | None = None,
        rate_limit: RateLimit | None = None,
        headers: Mapping[str, str] | None = None,
        body: str | None = None,
    ) -> None:
        super().__init__(message)
        self.response = response
        """The HTTP response (None after pickling)."""
        self.status_code = status_code
        self.idempotency_key = idempotency_key
        self.field = field
        """The JSON path of the unreadable value, e.g. ``refunded_amount``, when known."""
        found = support_details(response, rate_limit=rate_limit, headers=headers, body=body)
        self.correlation_id: str | None = correlation_id or found.correlation_id
        self.rate_limit: RateLimit | None = found.rate_limit
        self.headers: dict[str, str] = found.headers
        self.body: str = found.body


class EventLoopMismatchError(KlarnaError, RuntimeError):
    """An async client (or transport) used on another event loop than the one it first ran on.

    Its pooled connections belong to that first loop, and each ``asyncio.run()`` or
    ``trio.run()`` makes a new one. Raised before anything is sent: make one client per event
    loop, e.g. ``async with AsyncKlarnaOrderManagement(...) as client:`` inside the loop. A
    forked child is not a second loop: it gets a pool of its own (see ``ForkedClientError``).
    """


class ForkedClientError(KlarnaError, RuntimeError):
    """A client made before ``os.fork()`` is used in the child with a transport it cannot reopen.

    A client opens a fresh connection pool in a forked child when it made its transport itself
    (the default, or ``limits=``) or was given an ``AiohttpTransport`` (or a retry transport
    over one of these), and leaves the parent's pool to the parent. Any other ``transport=`` is
    the caller's object, which the client cannot copy: sending through it would share the
    parent's connections, and answers would cross between the processes. Raised before
    anything is sent: make the client in the process that uses it, after the fork.
    """


class APIStatusError(KlarnaError):
    """Klarna answered with an error status; carries Klarna's error body fields.

    A redirect (3xx) is raised as this class too: the client never follows one, and nothing more
    is known about a write than for any other error status.

    ``rate_limit``, ``headers`` and ``body`` are read from ``response`` unless given (without a
    response: None, ``{}``, ``""``); ``str()`` and ``repr()`` never show a header or the body.
    ``error_code`` and ``error_messages`` are kept cleaned and bounded (``klarna_messages``: the
    first 20 messages, each at most 1000 characters, ending in ``...[cut]`` when cut).

    Attributes:
        correlation_id: From ``status_error``: a plain id, never an echo (``correlation_id_of``).
        rate_limit: What the response announced of the rate limit (``RateLimit``), or None.
        headers: The response headers, names lower-cased, without ``Authorization``,
            ``Proxy-Authorization``, ``Cookie``, ``Set-Cookie``, values cleaned of credentials
            and email addresses; at most 64, each cut at 1024 characters.
        body: The response body as text, credentials, email addresses and a JSON body's
            customer data masked (``***``), cut at 8192 characters (then ending in
            ``...[cut: N bytes in all]``); a marker if it could not be read safely.
    """

    def __init__(
        self,
        *,
        response: httpx.Response | None,
        status_code: int,
        error_code: str | None,
        error_messages: list[str],
        correlation_id: str | None,
        idempotency_key: str | None,
        retry_after: float | None = None,
        rate_limit: RateLimit | None = None,
        headers: Mapping[str, str] | None = None,
        body: str | None = None,
    ) -> None:
        self.response = response
        """The HTTP response (None after pickling)."""
        self.status_code = status_code
        self.error_code: str | None = klarna_text(error_code) if error_code is not None else None
        self.error_messages: list[str] = klarna_messages(error_messages)
        self.correlation_id = correlation_id
        self.idempotency_key = idempotency_key
        self.retry_after = retry_after
        """Seconds the server asked to wait (``Retry-After``), if it said."""
        found = support_details(response, rate_limit=rate_limit, headers=headers, body=body)
        self.rate_limit: RateLimit | None = found.rate_limit
        self.headers: dict[str, str] = found.headers
        self.body: str = found.body
        super().__init__(self._message())

    def _message(self) -> str:
        detail = "; ".join(self.error_messages) or (
            describe_response(self.response) if self.response is not None else "error"
        )
        if 300 <= self.status_code < 400:
            detail = f"redirect not followed, {detail}"
        return (
            f"{self.status_code} {self.error_code or '-'} "
            f"correlation_id={self.correlation_id or '-'}: {detail} "
            f"(idempotency_key={self.idempotency_key or '-'})"
        )

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status_code={self.status_code}, "
            f"error_code={self.error_code!r}, correlation_id={self.correlation_id!r})"
        )


class BadRequestError(APIStatusError):
    """400: the request is malformed or a value is out of bounds."""


class AuthenticationError(APIStatusError):
    """401: missing or wrong credentials (they are region and environment specific)."""


class PermissionDeniedError(APIStatusError):
    """403: the operation is not allowed, e.g. ``REFUND_NOT_ALLOWED`` for an over-refund."""


class NotFoundError(APIStatusError):
    """404: the order, capture or refund does not exist."""


class ConflictError(APIStatusError):
    """409: conflicts with the resource's state, e.g. the same key still in flight."""


class UnprocessableEntityError(APIStatusError):
    """422: the request is well formed but cannot be processed."""


class RateLimitError(APIStatusError):
    """429: too many requests; ``retry_after`` is the server's hint in seconds, if any."""


class InternalServerError(APIStatusError):
    """>= 500: a failure on Klarna's side (or a proxy in between)."""


_STATUS_CLASSES: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def parse_retry_after(headers: httpx.Headers) -> float | None:
    """Seconds from a ``Retry-After`` header in delta-seconds form; None if absent or unreadable.

    The HTTP-date form is treated as absent: a clock-skewed date is worse than our own backoff.
    """
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return seconds if seconds >= 0 and seconds == seconds and seconds != float("inf") else None


def status_error(response: httpx.Response) -> APIStatusError:
    """Build the typed error for an error response (its body must have been read).

    The one mapping from status to class. Tolerates any body: HTML, truncated JSON, a JSON list,
    JSON nested too deep to parse.
    """
    status = response.status_code
    cls = _STATUS_CLASSES.get(status) or (InternalServerError if status >= 500 else APIStatusError)
    error_code, messages = klarna_error(response)  # cleaned: a server may echo credentials
    return cls(
        response=response,
        status_code=status,
        error_code=error_code,
        error_messages=messages,
        correlation_id=correlation_id_of(response),
        idempotency_key=response.request.headers.get(IDEMPOTENCY_HEADER),
        retry_after=parse_retry_after(response.headers),
    )


publish(globals())
