"""Klarna's request limits, checked before sending: one header, all headers, the body.

Exists because Klarna refuses a request over its limits (a body over 1 MB with 413, headers over
6 KB each or 20 KB in all) and a spec cannot bound the headers a caller or an observability agent
adds. It could be deleted if Klarna stopped limiting requests. It runs once per call (when the
request is framed, ``_wire``), not per attempt; it only sums lengths (no copy, no decoding), and
its errors (``RequestTooLargeError``) never echo a header's value or the body.

Klarna writes "6KB", "20KB" and "1MB" without saying whether a kilobyte is 1,000 or 1,024 bytes.
The larger reading is checked here (6,144, 20,480 and 1,048,576 bytes): the client must never
refuse a request Klarna accepts, and one between the two readings still gets Klarna's own 413.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx

from ._errors import RequestTooLargeError

#: One header, name and value together, in bytes (Klarna: "6KB").
MAX_HEADER_BYTES = 6 * 1024
#: All headers, names and values together, in bytes (Klarna: "20KB").
MAX_HEADERS_BYTES = 20 * 1024
#: The request body, in bytes (Klarna: "1MB" by default, else 413 Payload Too Large).
MAX_BODY_BYTES = 1024 * 1024

#: A header name longer than this is cut in messages (it is the caller's text).
_SHOWN_NAME = 64


def check_request_limits(
    method: str, url: httpx.URL | str, headers: httpx.Headers, body: bytes | None
) -> None:
    """Refuse a request Klarna would refuse for its size, before it is sent.

    Sizes are bytes as sent: each header's name plus value (as Klarna counts them, ``Host`` and
    ``Content-Length`` included), and the body.

    Args:
        method: The request's method (named in the message).
        url: The request's URL (its path is named in the message).
        headers: Every header of the request.
        body: The request's body, if any.

    Raises:
        RequestTooLargeError: A header is over ``MAX_HEADER_BYTES``, all of them over
            ``MAX_HEADERS_BYTES``, or the body over ``MAX_BODY_BYTES``.
    """
    total = 0
    for name, value in headers.raw:
        size = len(name) + len(value)
        total += size
        if size > MAX_HEADER_BYTES:
            shown = name.decode("latin-1")
            if len(shown) > _SHOWN_NAME:
                shown = shown[: _SHOWN_NAME - 3] + "..."
            raise _too_large(
                method, url, f"the header {shown} is", "header", size, f"headers[{shown}]"
            )
    if total > MAX_HEADERS_BYTES:
        raise _too_large(method, url, "all headers are", "headers", total, "headers")
    if body is not None and len(body) > MAX_BODY_BYTES:
        raise _too_large(method, url, "the body is", "body", len(body), "body")


_LIMITS = {
    "header": (MAX_HEADER_BYTES, "6 KB per header, name and value"),
    "headers": (MAX_HEADERS_BYTES, "20 KB for all headers"),
    "body": (MAX_BODY_BYTES, "1 MB for the body"),
}


def _too_large(
    method: str, url: httpx.URL | str, what: str, limit_name: str, size: int, field: str
) -> RequestTooLargeError:
    limit, words = _LIMITS[limit_name]
    path = url.path if isinstance(url, httpx.URL) else urlsplit(url).path
    return RequestTooLargeError(
        f"{method} {path}: {what} {size:,} bytes; Klarna accepts {words} "
        f"({limit:,} bytes); nothing was sent",
        limit_name=limit_name,
        size=size,
        limit=limit,
        field=field,
    )
