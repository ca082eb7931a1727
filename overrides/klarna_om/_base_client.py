"""What the sync and async clients share: configuration, input preparation, reading results.

Exists because the generated functions send once, without timeout, key or typed errors. Nothing
here does I/O: the clients (``_async_client`` and its generated twin ``_sync_client``) send.
It never logs or reprs credentials: they are kept only as ``Secret`` values (``_secret``).
"""

from __future__ import annotations

import base64
import contextvars
import ipaddress
import json
import os
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Generic, Literal, TypeVar

import attrs
import httpx

from klarna_om_generated.types import SchemaError, json_type, model_repr

from ._constants import (
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_TIMEOUT,
    ENV_BASE_URL,
    ENV_PASSWORD,
    ENV_PLAYGROUND,
    ENV_REGION,
    ENV_USERNAME,
    HOSTS,
    IDEMPOTENCY_HEADER,
    PROTECTED_HEADERS,
    RETURN_FEE_REFUND_DESCRIPTION,
    USER_AGENT,
    WRITE_METHODS,
)
from ._errors import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    InvalidRequestError,
    status_error,
)
from ._money import check_refund
from ._retry import RetryPolicy
from ._secret import Secret, SecretBasicAuth
from ._validation import check_idempotency_key, new_idempotency_key

Region = Literal["eu", "na", "oc"]
T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

_last_response: contextvars.ContextVar[httpx.Response | None] = contextvars.ContextVar(
    "klarna_om_last_response", default=None
)
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
            InvalidRequestError: Not what ``to_dict`` writes: not an object, a field missing,
                empty or not a string, or a key the client would not send.
        """
        if not isinstance(data, Mapping):
            raise InvalidRequestError(f"RefundCreated: expected object, found {json_type(data)}")
        values: dict[str, str | None] = {}
        for name in ("order_id", "refund_id", "location", "idempotency_key"):
            value = data.get(name)
            if name == "location" and value is None:
                values[name] = None
                continue
            if not isinstance(value, str):
                raise InvalidRequestError(
                    f"RefundCreated.{name}: expected string, found {json_type(value)}", field=name
                )
            if not value:
                raise InvalidRequestError(
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


def operation(operation_id: str) -> Callable[[F], F]:
    """Mark a client method as the one that serves ``operation_id`` of spec/ (checked by a test)."""

    def mark(method: F) -> F:
        method.__klarna_operation__ = operation_id  # type: ignore[attr-defined]
        return method

    return mark


def ensure_idempotency_key(request: httpx.Request) -> None:
    """Give a write without a key a fresh one (a request hook: once per call, not per retry)."""
    if request.method in WRITE_METHODS and IDEMPOTENCY_HEADER not in request.headers:
        request.headers[IDEMPOTENCY_HEADER] = new_idempotency_key()


def remember_response(response: httpx.Response) -> None:
    """Keep the call's last response for the errors of ``translated``; raise for >= 300.

    The body is already in memory (the retry transport read it under the size cap).
    """
    _last_response.set(response)
    captured = _raw_capture.get()
    if captured is not None:
        captured.append(response)
    if response.status_code >= 300:
        raise status_error(response)


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
    itself, as the plain method raises them.
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

    def parse(self) -> T:
        """The result, exactly as the plain method returns it."""
        return self._result

    def __repr__(self) -> str:
        """``RawResponse(status_code=..., idempotency_key=...)``."""
        return (
            f"RawResponse(status_code={self.status_code}, idempotency_key={self.idempotency_key!r})"
        )


def raw_response(captured: list[httpx.Response], result: T) -> RawResponse[T]:
    """The ``RawResponse`` of a call that returned ``result`` inside ``capturing_responses``."""
    return RawResponse(captured[-1], result)


def _no_response_message(exc: Exception, idempotency_key: str | None, what: str) -> str:
    message = f"{what} ({type(exc).__name__})"
    if idempotency_key is None:  # a read: nothing was changed, call it again
        return message
    return (
        f"{message}; the write may have been applied: retry with idempotency_key={idempotency_key}"
    )


class translated:
    """Turn transport failures and unreadable success bodies into klarna_om errors.

    ``idempotency_key`` is None for reads: their messages then say nothing of writes. A class,
    not a generator: it wraps every call.
    """

    __slots__ = ("_idempotency_key", "_token")

    def __init__(self, idempotency_key: str | None) -> None:
        self._idempotency_key = idempotency_key

    def __enter__(self) -> None:
        self._token = _last_response.set(None)

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object
    ) -> None:
        try:
            if exc is not None:
                self._translate(exc)
        finally:
            _last_response.reset(self._token)

    def _translate(self, exc: BaseException) -> None:
        key = self._idempotency_key
        if isinstance(exc, httpx.TimeoutException):
            raise APITimeoutError(
                _no_response_message(exc, key, "timed out after every allowed attempt"),
                request=_request_of(exc),
                idempotency_key=key,
            ) from exc
        if isinstance(exc, httpx.TransportError):
            raise APIConnectionError(
                _no_response_message(exc, key, "no response after every allowed attempt"),
                request=_request_of(exc),
                idempotency_key=key,
            ) from exc
        response = _last_response.get()
        if response is None:  # not a response problem: a bug to surface as it is
            return
        if isinstance(exc, SchemaError):
            raise APIResponseValidationError(
                f"{response.status_code} response does not match the spec: {exc}",
                response=response,
                status_code=response.status_code,
                idempotency_key=key,
                field=exc.path or None,
            ) from None
        if isinstance(exc, _PARSE_ERRORS):
            raise APIResponseValidationError(
                f"{response.status_code} response could not be read as documented "
                f"({type(exc).__name__})",
                response=response,
                status_code=response.status_code,
                idempotency_key=key,
            ) from None


def _request_of(exc: httpx.RequestError) -> httpx.Request | None:
    try:
        return exc.request
    except RuntimeError:  # raised without a request
        return None


def expect_status(response: httpx.Response, status: int, key: str | None) -> None:
    """Raise ``APIResponseValidationError`` unless the call answered ``status``."""
    if response.status_code != status:
        raise APIResponseValidationError(
            f"expected {status}, got {int(response.status_code)}",
            response=response,
            status_code=response.status_code,
            idempotency_key=key,
        )


def parsed(response: httpx.Response, model: Callable[[Any], T], key: str | None) -> T:
    """The 200 response's body read strictly by ``model`` (a generated ``from_dict``).

    Call it inside ``translated``: a body that is not JSON, or not what the spec says, becomes
    ``APIResponseValidationError`` there.
    """
    expect_status(response, 200, key)
    return model(json.loads(response.content))


def build_request(
    base_url: str,
    kwargs: dict[str, Any],
    headers: httpx.Headers,
    timeout: dict[str, float | None],
) -> httpx.Request:
    """The request a generated operation describes (``_get_kwargs``), built once.

    Built directly rather than by ``httpx.Client.request``: the client needs none of its
    per-request work (merging the base URL, cookies, auth flows, redirects), and the method,
    path, body and headers still come from the code generated from spec/. ``headers`` are the
    client's own, prepared once.
    """
    body = kwargs.get("json")
    content = None
    if body is not None:
        content = json.dumps(
            body, ensure_ascii=False, separators=(",", ":"), allow_nan=False
        ).encode()
    request = httpx.Request(
        kwargs["method"].upper(),
        base_url + kwargs["url"],
        headers=headers,
        content=content,
        extensions={"timeout": timeout},
    )
    if content is not None:
        request.headers["Content-Type"] = "application/json"
    for name, value in (kwargs.get("headers") or {}).items():
        request.headers[name] = value
    return request


def received(request: httpx.Request, response: httpx.Response) -> httpx.Response:
    """A transport's response, tied to its request, remembered, and raised if >= 300."""
    response.request = request
    remember_response(response)
    return response


def refund_created(order_id: str, response: httpx.Response, key: str) -> RefundCreated:
    """Read ``Refund-Id`` (or the id at the end of ``Location``) from a refund's 201."""
    expect_status(response, 201, key)
    location = response.headers.get("location")
    refund_id = response.headers.get("refund-id")
    if not refund_id and location and "/refunds/" in location:
        refund_id = location.rstrip("/").rsplit("/", 1)[-1] or None
    if not refund_id:
        raise APIResponseValidationError(
            "201 without Refund-Id or Location: the refund was created; read the order or "
            f"retry with the same idempotency_key={key} to get it",
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
    field), the generated ``from_dict`` raises, and the caller sees that as ``InvalidRequestError``.
    """
    try:
        return model(data)
    except SchemaError as exc:
        raise InvalidRequestError(
            f"the request body does not match the spec: {exc}", field=exc.path or None
        ) from None


def check_base_url(base_url: str) -> str:
    """``base_url`` if it is https, or plain http on a loopback host (the local sandbox).

    User info (``user:password@``) is refused: the URL is shown by ``repr(client)`` and in
    logs, and credentials have their own arguments. No message repeats the URL.
    """
    try:
        url = httpx.URL(base_url)
    except (httpx.InvalidURL, TypeError):
        raise InvalidRequestError("base_url is not a valid URL", field="base_url") from None
    if url.userinfo:
        raise InvalidRequestError(
            "base_url must not contain user info (user:password@): pass the credentials as "
            f"username= and password= (or {ENV_USERNAME} and {ENV_PASSWORD})",
            field="base_url",
        )
    if url.scheme == "https" and url.host:
        return base_url
    if url.scheme == "http" and _is_loopback(url.host):
        return base_url
    raise InvalidRequestError(
        "base_url must use https:// (plain http:// only for a loopback host such as the local "
        "sandbox): Basic credentials would otherwise cross the network unencrypted",
        field="base_url",
    )


def check_timeout(timeout: object) -> httpx.Timeout:
    """``timeout`` as an ``httpx.Timeout``; None (wait forever) and non-numbers are refused."""
    if isinstance(timeout, httpx.Timeout):
        return timeout
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not 0 < timeout < 1e9:
        raise InvalidRequestError(
            "timeout must be a positive number of seconds or an httpx.Timeout "
            "(None would wait forever)",
            field="timeout",
        )
    return httpx.Timeout(float(timeout))


#: RFC 9110: a field name is a token; a value is visible ASCII, spaces and tabs (no CR or LF).
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_HEADER_VALUE = re.compile(r"[\t\x20-\x7e]*")


def check_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Extra headers for every call, if none of them replaces a protected one.

    Names compare ignoring case and with ``_`` as ``-``: servers and proxies that read
    ``Klarna_Idempotency_Key`` as ``Klarna-Idempotency-Key`` (CGI and WSGI environments
    spell both ``HTTP_KLARNA_IDEMPOTENCY_KEY``) would see two keys.
    """
    checked: dict[str, str] = {}
    for name, value in headers.items():
        if not isinstance(name, str) or not isinstance(value, str):
            raise InvalidRequestError("headers must map str to str", field="headers")
        if name.lower().replace("_", "-") in PROTECTED_HEADERS:
            raise InvalidRequestError(
                f"headers cannot set {name}: the client sets it (protected: "
                f"{', '.join(sorted(PROTECTED_HEADERS))}; names compare ignoring case, "
                "with _ as -)",
                field=f"headers.{name}",
            )
        if not _TOKEN.fullmatch(name) or not _HEADER_VALUE.fullmatch(value):
            raise InvalidRequestError(
                f"headers.{name[:64]} is not a valid header", field=f"headers.{name[:64]}"
            )
        checked[name] = value
    return checked


def _credentials(username: str | None, password: str | None) -> tuple[str, str]:
    if username is None:
        username = os.environ.get(ENV_USERNAME) or None
    if password is None:
        password = os.environ.get(ENV_PASSWORD) or None
    if username is None or password is None:
        missing = [n for n, v in (("username", username), ("password", password)) if v is None]
        raise InvalidRequestError(
            f"no Klarna API {' or '.join(missing)}: pass username= and password=, or set "
            f"{ENV_USERNAME} and {ENV_PASSWORD}",
            field=missing[0],
        )
    for name, value in (("username", username), ("password", password)):
        if not isinstance(value, str) or not value:
            raise InvalidRequestError(f"{name} must be a non-empty str", field=name)
    return username, password


def _env_region() -> Region:
    value = os.environ.get(ENV_REGION, "").strip().lower() or "eu"
    if value not in HOSTS:
        raise InvalidRequestError(f"{ENV_REGION} must be one of {sorted(HOSTS)}", field="region")
    return value  # type: ignore[return-value]  # one of HOSTS' keys: a Region


_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"", "0", "false", "no", "off"})


def _env_flag(name: str) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise InvalidRequestError(f"{name} must be 1/true/yes/on or 0/false/no/off", field=name.lower())


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class BaseClient:
    """Configuration and input preparation shared by the sync and async clients."""

    base_url: str
    """Where requests go: Klarna's host for the region, or the ``base_url`` given."""
    timeout: httpx.Timeout
    """The timeout of each request phase."""
    retry_policy: RetryPolicy
    """How failed attempts are retried, and the deadline of a whole call."""
    max_response_bytes: int
    """The largest response body read."""

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
        retry_policy: RetryPolicy | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        username, password = _credentials(username, password)
        if region is None:
            region = _env_region()
        if playground is None:
            playground = _env_flag(ENV_PLAYGROUND)
        if base_url is None:
            base_url = os.environ.get(ENV_BASE_URL) or None
        if region not in HOSTS:
            raise InvalidRequestError(f"region must be one of {sorted(HOSTS)}", field="region")
        if type(max_response_bytes) is not int or max_response_bytes < 1:
            raise InvalidRequestError(
                "max_response_bytes must be a positive int", field="max_response_bytes"
            )
        self.base_url = check_base_url(
            base_url or f"https://{HOSTS[region]}{'.playground' if playground else ''}.klarna.com"
        )
        self.timeout = check_timeout(timeout)
        self.retry_policy = retry_policy or RetryPolicy(max_retries=max_retries)
        self.max_response_bytes = max_response_bytes
        token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
        self._authorization = Secret(f"Basic {token}")  # the one place credentials are kept
        self._extra_headers: dict[str, str] = {}

    def _derived_options(
        self,
        timeout: float | httpx.Timeout | None,
        max_retries: int | None,
        retry_policy: RetryPolicy | None,
        headers: Mapping[str, str] | None,
    ) -> tuple[httpx.Timeout, RetryPolicy, dict[str, str]]:
        """``with_options``' settings: each given one replaces the parent's, after checks."""
        if max_retries is not None and retry_policy is not None:
            raise InvalidRequestError(
                "pass max_retries or retry_policy, not both", field="max_retries"
            )
        policy = self.retry_policy
        if retry_policy is not None:
            policy = retry_policy
        elif max_retries is not None:
            policy = attrs.evolve(self.retry_policy, max_retries=max_retries)
        return (
            self.timeout if timeout is None else check_timeout(timeout),
            policy,
            {**self._extra_headers, **check_headers(headers or {})},
        )

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(base_url={self.base_url!r}, "
            f"max_retries={self.retry_policy.max_retries}, timeout={self.timeout!r})"
        )

    def _request_headers(self) -> Secret[httpx.Headers]:
        """The headers of every request: credentials, who we are, and the extra ones."""
        return Secret(
            httpx.Headers(
                {
                    **self._extra_headers,
                    "User-Agent": USER_AGENT,
                    "Accept-Encoding": "identity",
                    "Authorization": self._authorization.reveal(),
                }
            )
        )

    def _httpx_args(self) -> dict[str, Any]:
        return {
            "base_url": self.base_url,
            "auth": SecretBasicAuth(self._authorization),
            "timeout": self.timeout,
            # identity: Klarna's answers are small, and a compressed one could hide a huge body
            "headers": {
                **self._extra_headers,
                "User-Agent": USER_AGENT,
                "Accept-Encoding": "identity",
            },
            "follow_redirects": False,
        }

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
