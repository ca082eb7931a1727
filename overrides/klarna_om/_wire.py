"""Framing a request for the wire, and naming what happened when no response came back.

Exists because the client sends through its retry transport directly: it needs none of
``httpx.Client``'s per-request work (merging the base URL, cookies, auth flows, redirects). The
method, path, body and header parameters come from the operation's generated ``build_request``
(``RequestParts``); the client's own URL and headers (credentials, who we are, the extra ones)
are prepared once per client (``RequestFraming``). It never logs, and keeps the credentials only
inside a ``Secret``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping

import httpx

from klarna_om_generated.types import RequestParts

from ._constants import USER_AGENT
from ._errors import APIConnectionError, APITimeoutError
from ._request_limits import check_request_limits
from ._secret import Secret

#: A probe path with every kind of character a generated path holds (letters, digits, ``-._~``
#: and percent-escapes), to check the prepared URLs against httpx's own parsing once.
_PROBE_PATH = "/ordermanagement/v1/orders/o%C3%A9-1_.~/refunds/r%2F1"
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def _url_maker(base_url: str) -> Callable[[str], httpx.URL]:
    """A function from a generated request path to its ``httpx.URL`` under ``base_url``.

    httpx parses and validates the whole URL of every request (about half of building one).
    The paths ``build_request`` makes are already percent-encoded, one segment per parameter,
    never a dot segment (``check_path_param``), so they need none of that: the URL is the
    parsed base with its path replaced. That reads httpx's parsed form (``URL._uri_reference``,
    httpx < 0.29), so the shortcut is taken only when it gives exactly the URL httpx would parse
    (checked here once per client, and by a test); otherwise every URL is parsed as before.
    """

    def parsed(path: str) -> httpx.URL:
        return httpx.URL(base_url + path)

    base = httpx.URL(base_url)
    reference = getattr(base, "_uri_reference", None)
    replace = getattr(reference, "_replace", None)
    if replace is None or base.query or base.fragment:
        return parsed
    prefix = base.raw_path.decode("ascii").rstrip("/")

    def prepared(path: str) -> httpx.URL:
        url = httpx.URL.__new__(httpx.URL)
        url._uri_reference = replace(path=prefix + path)
        return url

    try:
        same = str(prepared(_PROBE_PATH)) == str(parsed(_PROBE_PATH))
    except Exception:  # httpx's internals changed: parse as httpx does
        same = False
    return prepared if same else parsed


class RequestFraming:
    """One client's way to frame a request: base URL, headers and timeouts, prepared once.

    Exists because the client sends through its retry transport directly and needs none of
    ``httpx.Client``'s per-request work. Each ``request`` is the ``httpx.Request`` httpx itself
    would build from the same method, URL, headers and content (same header order, ``Host``
    and ``Content-Length`` included; a test compares them), without parsing or merging anything
    twice. ``identity`` encoding: Klarna's answers are small, and a compressed one could hide a
    huge body. The credentials stay inside a ``Secret``.
    """

    __slots__ = ("_head", "_timeout", "_url")

    def __init__(
        self,
        base_url: str,
        authorization: Secret[str],
        extra: Mapping[str, str],
        timeout: dict[str, float | None],
    ) -> None:
        base_url = base_url.rstrip("/")
        headers = httpx.Headers(
            {
                **extra,
                "User-Agent": USER_AGENT,
                "Accept-Encoding": "identity",
                "Authorization": authorization.reveal(),
            }
        )
        host = (b"Host", httpx.URL(base_url).netloc)
        self._head: Secret[tuple[tuple[bytes, bytes], list[tuple[bytes, bytes]]]] = Secret(
            (host, list(headers.raw))
        )
        self._url = _url_maker(base_url)
        self._timeout = timeout

    def request(self, parts: RequestParts) -> httpx.Request:
        """The ``httpx.Request`` of ``parts`` (a generated ``build_request``'s).

        The operation's header parameters (the idempotency key) come last; the client's extra
        headers can never name them (``check_headers``). Called once per call (every attempt
        sends this request), it refuses a request over Klarna's limits before anything is sent.

        Raises:
            RequestTooLargeError: The body or headers are over Klarna's request limits.
        """
        host, common = self._head.reveal()
        items = [host]
        body = parts.json
        if body is None:
            content = b""
            if parts.method in _BODY_METHODS:  # as httpx: an empty POST says so
                items.append((b"Content-Length", b"0"))
            items += common
        else:
            content = json.dumps(
                body, ensure_ascii=False, separators=(",", ":"), allow_nan=False
            ).encode()
            items += common
            items.append((b"Content-Length", str(len(content)).encode("ascii")))
            items.append((b"Content-Type", b"application/json"))
        for name, value in parts.headers.items():
            items.append((name.encode("ascii"), value.encode()))
        headers = httpx.Headers(items)
        check_request_limits(parts.method, parts.path, headers, content)
        request = httpx.Request(
            parts.method,
            self._url(parts.path),
            headers=headers,
            stream=httpx.ByteStream(content),
            extensions={"timeout": self._timeout},
        )
        request.read()  # ``request.content``, as httpx has it for a body in memory
        return request


def no_response_error(exc: httpx.TransportError, key: str | None) -> APIConnectionError:
    """The klarna_om error for a call that got no response after every allowed attempt.

    ``key`` is None for reads: their messages then say nothing of writes.
    """
    if isinstance(exc, httpx.TimeoutException):
        cls: type[APIConnectionError] = APITimeoutError
        what = "timed out after every allowed attempt"
    else:
        cls, what = APIConnectionError, "no response after every allowed attempt"
    message = f"{what} ({type(exc).__name__})"
    if key is not None:
        message += f"; the write may have been applied: retry with idempotency_key={key}"
    return cls(message, request=_request_of(exc), idempotency_key=key)


def _request_of(exc: httpx.TransportError) -> httpx.Request | None:
    try:
        return exc.request
    except RuntimeError:  # raised without a request
        return None
