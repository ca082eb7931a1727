"""What a call returns: its result read strictly from the response, and the raw view of it.

Exists because the generated functions return documented errors as values and crash on bodies
that are not JSON. Each operation's record (``OPERATION`` in the generated operation module) says
which status succeeds and which model reads the body; nothing here sends, sleeps or retries.
A response that is not what the record says is ``APIResponseValidationError``, never a raw
``KeyError`` or ``JSONDecodeError``.
"""

from __future__ import annotations

import contextvars
import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

import attrs
import httpx

from klarna_om_generated.types import Operation, SchemaError, json_type, model_repr

from ._constants import IDEMPOTENCY_HEADER
from ._error_details import correlation_id_of
from ._errors import APIResponseValidationError, InvalidInputError, status_error
from ._public import publish
from ._ratelimit import RateLimit
from ._validation import check_idempotency_key

T = TypeVar("T")

#: The responses of the calls made inside ``capturing_responses`` (for ``with_raw_response``).
_raw_capture: contextvars.ContextVar[list[httpx.Response] | None] = contextvars.ContextVar(
    "klarna_om_raw_capture", default=None
)
#: Failures of decoding a response body that are the server's fault, not a bug of ours: bad
#: JSON or text encoding (ValueError), nesting too deep (RecursionError). The generated models'
#: own mismatches are ``SchemaError`` (a ValueError), translated with their JSON path.
_PARSE_ERRORS = (ValueError, RecursionError)


@attrs.frozen
class RefundCreated:
    """The outcome of a refund: Klarna's ``Refund-Id`` and ``Location``, and the key used.

    Immutable. ``location`` is None when Klarna sent only ``Refund-Id``.
    """

    order_id: str
    """Klarna's order id."""
    refund_id: str
    """The new refund's id (``get_refund`` reads it)."""
    location: str | None
    """The refund's URL from the ``Location`` header."""
    idempotency_key: str
    """The ``Klarna-Idempotency-Key`` every attempt carried."""

    def to_dict(self) -> dict[str, str]:
        """This result as JSON-ready data, with only the fields that are present."""
        data = {"order_id": self.order_id, "refund_id": self.refund_id}
        if self.location is not None:
            data["location"] = self.location
        data["idempotency_key"] = self.idempotency_key
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RefundCreated:
        """Rebuild a result from ``to_dict()`` output (e.g. from a job queue or a log of work).

        Raises:
            InvalidInputError: Not what ``to_dict`` writes: not an object, a field missing,
                empty or not a string, or a key the client would not send.
        """
        if not isinstance(data, Mapping):
            raise InvalidInputError(f"RefundCreated: expected object, found {json_type(data)}")
        values: dict[str, str | None] = {}
        for name in ("order_id", "refund_id", "location", "idempotency_key"):
            value = data.get(name)
            if name == "location" and value is None:
                values[name] = None
                continue
            if not isinstance(value, str):
                raise InvalidInputError(
                    f"RefundCreated.{name}: expected string, found {json_type(value)}", field=name
                )
            if not value:
                raise InvalidInputError(
                    f"RefundCreated.{name}: expected a non-empty string", field=name
                )
            values[name] = value
        check_idempotency_key(values["idempotency_key"])
        return cls(**values)  # type: ignore[arg-type]

    def __repr__(self) -> str:
        """``RefundCreated(...)`` with the fields that are present."""
        return model_repr(
            self,
            (
                ("order_id", self.order_id),
                ("refund_id", self.refund_id),
                ("location", self.location),
                ("idempotency_key", self.idempotency_key),
            ),
            {},
        )


def received(request: httpx.Request, response: httpx.Response) -> httpx.Response:
    """A transport's final response, tied to its request, captured, and raised if >= 300.

    The body is already in memory (the retry transport read it under the size cap).
    """
    response.request = request
    captured = _raw_capture.get()
    if captured is not None:
        captured.append(response)
    if response.status_code >= 300:
        raise status_error(response)
    return response


@contextmanager
def capturing_responses() -> Iterator[list[httpx.Response]]:
    """Collect the final HTTP response of the calls made inside (for ``with_raw_response``)."""
    captured: list[httpx.Response] = []
    token = _raw_capture.set(captured)
    try:
        yield captured
    finally:
        _raw_capture.reset(token)


class RawResponse(Generic[T]):
    """A call's HTTP response beside its result, from ``client.with_raw_response.<method>``.

    ``parse()`` returns exactly what the plain method returns; errors are raised by the call
    itself, as the plain method raises them. ``idempotency_key``, ``correlation_id`` and
    ``rate_limit`` are what support asks for, as on every error.
    """

    __slots__ = ("_result", "http_response")

    http_response: httpx.Response
    """The final ``httpx.Response`` (after retries)."""

    def __init__(self, http_response: httpx.Response, result: T) -> None:
        self.http_response = http_response
        self._result = result

    @property
    def status_code(self) -> int:
        """The HTTP status of the final attempt."""
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        """The response headers (``Klarna-Correlation-Id``, ``Location``, ...)."""
        return self.http_response.headers

    @property
    def idempotency_key(self) -> str | None:
        """The ``Klarna-Idempotency-Key`` the write carried; None for a read."""
        key: str | None = self.http_response.request.headers.get(IDEMPOTENCY_HEADER)
        return key

    @property
    def correlation_id(self) -> str | None:
        """The ``Klarna-Correlation-Id`` header, or None (outside 2xx: the error body's first).

        Only a plain id (1 to 128 of ``A-Z a-z 0-9 . _ : -``) that holds no credential of the
        request nor a Klarna API key; anything else reads as None (``correlation_id_of``).
        """
        return correlation_id_of(self.http_response)

    @property
    def rate_limit(self) -> RateLimit | None:
        """What the response announced of the merchant's rate limit; None if it said nothing."""
        return RateLimit.from_headers(self.http_response.headers)

    def parse(self) -> T:
        """The result, exactly as the plain method returns it."""
        return self._result

    def __repr__(self) -> str:
        """``RawResponse(status_code=..., idempotency_key=...)``."""
        return (
            f"RawResponse(status_code={self.status_code}, idempotency_key={self.idempotency_key!r})"
        )


def expect_status(response: httpx.Response, status: int, key: str | None) -> None:
    """Raise ``APIResponseValidationError`` unless the call answered ``status``."""
    if response.status_code != status:
        raise APIResponseValidationError(
            f"expected {status}, got {int(response.status_code)}",
            response=response,
            status_code=response.status_code,
            idempotency_key=key,
        )


def read_result(operation: Operation[T], response: httpx.Response, key: str | None) -> T:
    """The result of ``operation``'s success response, read strictly by its result model.

    ``None`` when the record names no result model (e.g. a 204). A body that is not JSON, or
    not what the spec says, is ``APIResponseValidationError`` (with the JSON path, when known).
    """
    expect_status(response, operation.success_status, key)
    read = operation.result
    if read is None:
        return None  # type: ignore[return-value]  # an Operation[None]: its result is None
    try:
        return read(json.loads(response.content))
    except SchemaError as exc:
        raise APIResponseValidationError(
            f"{response.status_code} response does not match the spec: {exc}",
            response=response,
            status_code=response.status_code,
            idempotency_key=key,
            field=exc.path or None,
        ) from None
    except _PARSE_ERRORS as exc:
        raise APIResponseValidationError(
            f"{response.status_code} response could not be read as documented "
            f"({type(exc).__name__})",
            response=response,
            status_code=response.status_code,
            idempotency_key=key,
        ) from None


def refund_created(
    operation: Operation[Any], order_id: str, response: httpx.Response, key: str
) -> RefundCreated:
    """Read ``Refund-Id`` (or the id at the end of ``Location``) from a refund's success."""
    expect_status(response, operation.success_status, key)
    location = response.headers.get("location")
    refund_id = response.headers.get("refund-id")
    if not refund_id and location and "/refunds/" in location:
        refund_id = location.rstrip("/").rsplit("/", 1)[-1] or None
    if not refund_id:
        raise APIResponseValidationError(
            f"{response.status_code} without Refund-Id or Location: the refund was created; read "
            f"the order or retry with the same idempotency_key={key} to get it",
            response=response,
            status_code=response.status_code,
            idempotency_key=key,
        )
    return RefundCreated(
        order_id=order_id, refund_id=refund_id, location=location, idempotency_key=key
    )


def request_model(model: Callable[[dict[str, Any]], T], data: dict[str, Any]) -> T:
    """Build a generated request model from checked data; a mismatch is an input error.

    The checks before it follow spec/; if the spec changes before they do (a new required
    field), the generated ``from_dict`` raises, and the caller sees that as ``InvalidInputError``.
    """
    try:
        return model(data)
    except SchemaError as exc:
        raise InvalidInputError(
            f"the request body does not match the spec: {exc}", field=exc.path or None
        ) from None


publish(globals())
