"""Framing a request for the wire, and naming what happened when no response came back.

Exists because the client sends through its retry transport directly: it needs none of
``httpx.Client``'s per-request work (merging the base URL, cookies, auth flows, redirects). The
method, path, body and header parameters come from the operation's generated ``build_request``
(``RequestParts``); the client's own headers (credentials, who we are, the extra ones) are
prepared once per client. It never logs, and keeps the credentials only inside the prepared
``Secret`` headers.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import httpx

from klarna_om_generated.types import RequestParts

from ._constants import USER_AGENT
from ._errors import APIConnectionError, APITimeoutError
from ._secret import Secret


def client_headers(authorization: Secret[str], extra: Mapping[str, str]) -> Secret[httpx.Headers]:
    """The headers of every request: credentials, who we are, and the extra ones.

    ``identity``: Klarna's answers are small, and a compressed one could hide a huge body.
    """
    return Secret(
        httpx.Headers(
            {
                **extra,
                "User-Agent": USER_AGENT,
                "Accept-Encoding": "identity",
                "Authorization": authorization.reveal(),
            }
        )
    )


def build_request(
    base_url: str,
    parts: RequestParts,
    headers: httpx.Headers,
    timeout: dict[str, float | None],
) -> httpx.Request:
    """The ``httpx.Request`` of ``parts`` (a generated ``build_request``'s), built once.

    ``base_url`` has no trailing slash; ``headers`` are the client's own, prepared once.
    """
    body = parts.json
    content = None
    if body is not None:
        content = json.dumps(
            body, ensure_ascii=False, separators=(",", ":"), allow_nan=False
        ).encode()
    request = httpx.Request(
        parts.method,
        base_url + parts.path,
        headers=headers,
        content=content,
        extensions={"timeout": timeout},
    )
    if content is not None:
        request.headers["Content-Type"] = "application/json"
    for name, value in parts.headers.items():
        request.headers[name] = value
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
