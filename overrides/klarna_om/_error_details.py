"""What support asks for about a response, safe to keep: correlation id, rate limit, headers, body.

Exists because Klarna's support (and a merchant's own) asks for a failed call's correlation id,
idempotency key and rate limit, and for what the server answered; an answer can echo the
request's credentials, set a cookie or name a customer, and errors end up in logs, job queues
and tickets. Every error's ``headers``, ``body``, ``correlation_id``, Klarna messages and the
description of its response are built here, bounded in size and cleaned the same way
(``_redact`` finds what to mask). Nothing here may raise on any response (HTML, invalid UTF-8,
UTF-16, truncated or deeply nested JSON, a huge body), nor return a credential of the request,
a cookie, a Klarna API key, an email address or the customer data a Klarna body names; when a
body cannot be cleaned (or read in a codec the cleaning can see), none of it is returned.
"""

from __future__ import annotations

import codecs
import contextlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple, TypeVar

import httpx

from ._public import publish
from ._ratelimit import RateLimit
from ._redact import (
    MASK,
    clean_text,
    credential_name,
    holds_secret,
    request_secrets,
    sensitive_name,
    unescape,
)

T = TypeVar("T")

#: The longest ``body`` kept, in characters (after cleaning); a longer one ends in ``BODY_CUT``.
BODY_LIMIT = 8192
#: What ends a body cut at ``BODY_LIMIT``; ``{size}`` is the whole body's size in bytes.
BODY_CUT = "...[cut: {size} bytes in all]"
#: The body when it could not be read or cleaned (nothing of it is shown then).
UNREADABLE = "[body not shown: it could not be read]"
#: The most bytes of a body read and parsed as JSON; a bigger body is cleaned as text.
SCAN_LIMIT = 1024 * 1024
#: The most characters cleaned: a body is cut before this, so its end need not be cleaned.
_WINDOW = 4 * BODY_LIMIT
#: The most headers kept: the first ones in the response's order (a repeated name counts once).
HEADER_COUNT_LIMIT = 64
#: The longest header value kept, in characters (after cleaning); a longer one ends in
#: ``HEADER_CUT``. With ``HEADER_COUNT_LIMIT`` and ``HEADER_NAME_LIMIT``: about 75 KiB in all.
HEADER_VALUE_LIMIT = 1024
HEADER_CUT = "...[cut]"
#: A header whose name is longer than this is dropped (no real header name comes near it).
HEADER_NAME_LIMIT = 128
#: Headers never kept: they are credentials or session cookies, whatever their value looks like.
#: ``WWW-Authenticate`` is kept (it names the scheme a 401 wants, which support needs); its
#: values are cleaned as every other header's.
DROPPED_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "set-cookie2"}
)
#: The most of Klarna's ``error_messages`` kept (the first ones).
MESSAGE_COUNT_LIMIT = 20
#: The longest message (and ``error_code``) kept, in characters, ``MESSAGE_CUT`` included.
MESSAGE_LIMIT = 1000
MESSAGE_CUT = "...[cut]"
#: A correlation id kept (Klarna's are UUIDs); anything else could be an echo and reads as None.
_CORRELATION_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
#: A content type shown in a message: a plain ``type/subtype`` token, nothing after it.
_MEDIA_TYPE = re.compile(r"[A-Za-z0-9][\w!#$&^.+-]{0,63}/[A-Za-z0-9][\w!#$&^.+-]{0,63}", re.ASCII)
#: A reason phrase shown in a message: letters, spaces, ``-`` and ``'`` (``I'm a teapot``).
_PHRASE = re.compile(r"[A-Za-z][A-Za-z '-]{0,63}")
#: A C0 control character other than tab, line feed and carriage return: text holding one was
#: read in the wrong codec (UTF-16 read as UTF-8 is full of NULs) or is not meant to be shown.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_NO_SECRETS: tuple[str, ...] = ()


class SupportDetails(NamedTuple):
    """The support details of one response (see the module doc for what is removed).

    Attributes:
        correlation_id: Klarna's correlation id (``correlation_id_of``), or None.
        rate_limit: What the response announced (``RateLimit.from_headers``), or None.
        headers: The cleaned headers (``clean_headers``), lower-cased names.
        body: The cleaned, size-capped body (``clean_body``).
    """

    correlation_id: str | None
    rate_limit: RateLimit | None
    headers: dict[str, str]
    body: str


def support_details(
    response: httpx.Response | None,
    *,
    rate_limit: RateLimit | None = None,
    headers: Mapping[str, str] | None = None,
    body: str | None = None,
) -> SupportDetails:
    """The support details of ``response``; each one given is kept as given instead.

    Never raises: a part that cannot be read is None, ``{}`` or ``UNREADABLE``.

    Args:
        response: The response (its body read), or None when there was none.
        rate_limit: Kept instead of the response's, when given.
        headers: Kept (as a dict) instead of the response's, when given.
        body: Kept instead of the response's, when given.

    Returns:
        The details; without a response: no correlation id, rate limit or headers, body ``""``.
    """
    if response is None:
        return SupportDetails(None, rate_limit, dict(headers or {}), body or "")
    secrets = _safely(lambda: request_secrets(response), _NO_SECRETS)
    if rate_limit is None:
        rate_limit = _safely(lambda: RateLimit.from_headers(response.headers), None)
    return SupportDetails(
        correlation_id=_safely(lambda: correlation_id_of(response), None),
        rate_limit=rate_limit,
        headers=dict(headers) if headers is not None else clean_headers(response, secrets),
        body=body if body is not None else clean_body(response, secrets),
    )


def correlation_id_of(response: httpx.Response) -> str | None:
    """Klarna's correlation id of a response, or None; the one reader of it. Never raises.

    Outside 2xx, the ``correlation_id`` of Klarna's error body comes first; then (and for a
    success, only) the ``Klarna-Correlation-Id`` header. A value is kept only if it is 1 to 128
    of ``A-Z a-z 0-9 . _ : -`` and holds none of the request's credentials
    (``request_secrets``, in any case) nor a Klarna API key: anything else could be an echo of
    the request, and reads as absent.

    Args:
        response: The response (its body read).

    Returns:
        The first such correlation id, or None when the response has none.
    """
    try:
        found: list[object] = []
        if not 200 <= response.status_code < 300:
            found.append(json_object(response.content).get("correlation_id"))
        found.append(response.headers.get("klarna-correlation-id"))
        plain = [value for value in found if isinstance(value, str)]
        secrets = request_secrets(response)
        return next(
            (v for v in plain if _CORRELATION_ID.fullmatch(v) and not holds_secret(v, secrets)),
            None,
        )
    except Exception:  # a header no codec reads: no correlation id
        return None


def json_object(content: bytes) -> dict[str, Any]:
    """``content`` parsed as a JSON object, or ``{}`` for anything else; never raises."""
    try:
        body = json.loads(content)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return {}
    return body if isinstance(body, dict) else {}


def klarna_error(response: httpx.Response) -> tuple[str | None, list[str]]:
    """Klarna's ``error_code`` and ``error_messages`` (or ``error_message``) of an error response.

    Cleaned, also of the request's credentials, and bounded (``klarna_text``,
    ``klarna_messages``). Never raises.

    Args:
        response: The error response (its body read).

    Returns:
        The error code (None if absent or not a string) and the messages.
    """
    body = json_object(response.content)
    secrets = _safely(lambda: request_secrets(response), _NO_SECRETS)
    code = body.get("error_code")
    messages = body.get("error_messages")
    if not isinstance(messages, list):
        messages = [body.get("error_message")]
    return (
        klarna_text(code, secrets) if isinstance(code, str) else None,
        klarna_messages(messages, secrets),
    )


def klarna_messages(messages: Sequence[object], secrets: Sequence[str] = ()) -> list[str]:
    """Klarna's ``error_messages`` as kept and shown: bounded, cleaned. Never raises.

    The strings only, the first ``MESSAGE_COUNT_LIMIT``, each cleaned (``clean_text``) and at
    most ``MESSAGE_LIMIT`` characters (a longer one cut to end in ``MESSAGE_CUT``).

    Args:
        messages: The messages as read (anything in the list).
        secrets: The request's credentials (``request_secrets``).

    Returns:
        The messages to keep.
    """
    texts = [message for message in messages if isinstance(message, str)]
    return [klarna_text(text, secrets) for text in texts[:MESSAGE_COUNT_LIMIT]]


def klarna_text(text: str, secrets: Sequence[str] = ()) -> str:
    """One of Klarna's texts (a message, ``error_code``) cleaned and cut as ``klarna_messages``."""
    return _cut(text, MESSAGE_LIMIT - len(MESSAGE_CUT), MESSAGE_CUT, secrets)


def describe_response(response: httpx.Response) -> str:
    """``Reason (type/subtype, N bytes)``: a response without Klarna's messages, for a message.

    The reason phrase only if it is plain (``_PHRASE``; then cleaned, ``clean_text``), else the
    standard one of the status (``error`` for an unknown status); the content type only if it
    is a plain ``type/subtype`` token (else ``unknown content type``). Neither may hold a
    credential of the request or a Klarna API key. Never raises.
    """
    secrets = _safely(lambda: request_secrets(response), _NO_SECRETS)
    phrase = _safely(lambda: response.reason_phrase, "")
    phrase = clean_text(phrase, secrets) if _PHRASE.fullmatch(phrase) else ""
    if not phrase or holds_secret(phrase, secrets):
        phrase = httpx.codes.get_reason_phrase(response.status_code) or "error"
    kind = _safely(lambda: response.headers.get("content-type"), "")
    if kind is None:
        kind = "no content type"
    else:
        kind = kind.split(";")[0].strip()
        if not _MEDIA_TYPE.fullmatch(kind) or holds_secret(kind, secrets):
            kind = "unknown content type"
    return f"{phrase} ({kind}, {_safely(lambda: len(response.content), 0)} bytes)"


def clean_headers(response: httpx.Response, secrets: Sequence[str] = ()) -> dict[str, str]:
    """The response's headers to keep: credentials and cookies out, size bounded.

    Names lower-cased, a repeated header's values joined with ``", "``. ``DROPPED_HEADERS``
    are left out; a header whose name holds a ``CREDENTIAL_WORDS`` word is kept with the value
    ``MASK``; every other value is cleaned as text (``clean_text``) and cut at
    ``HEADER_VALUE_LIMIT``. At most ``HEADER_COUNT_LIMIT`` headers. Never raises.

    Args:
        response: The response.
        secrets: The request's credentials (``request_secrets``).

    Returns:
        Header name -> cleaned value.
    """
    kept: dict[str, str] = {}
    try:
        for name, value in response.headers.items():
            if len(kept) == HEADER_COUNT_LIMIT:
                break
            if name in DROPPED_HEADERS or len(name) > HEADER_NAME_LIMIT:
                continue
            masked = credential_name(name)
            kept[name] = MASK if masked else _cut(value, HEADER_VALUE_LIMIT, HEADER_CUT, secrets)
    except Exception:  # a header no codec reads: keep what was read before it
        return kept
    return kept


def clean_body(response: httpx.Response, secrets: Sequence[str] = ()) -> str:
    r"""The response body as text, cleaned and cut at ``BODY_LIMIT`` characters.

    A JSON body (read from its bytes, as ``json.loads`` does: UTF-8, -16 or -32) has the values
    of its ``CREDENTIAL_WORDS`` and ``CUSTOMER_FIELDS`` keys replaced by ``"***"`` at any level,
    and is written back compactly when that changed it, when it has escapes (which could hide a
    credential) or when it was not UTF-8. Other text is read as UTF-8 when it is valid UTF-8,
    else by its charset if that is ASCII, ISO-8859-* or cp1252, else as UTF-8 with invalid
    bytes replaced; its JSON escapes ``\uXXXX`` and ``\/`` are read (``unescape``); if it then
    holds a C0 control character other than tab, CR and LF, it is ``UNREADABLE`` (UTF-16 read
    as UTF-8 is). Then the text is cleaned (``clean_text``). A cut body ends in ``BODY_CUT``.
    Never raises: a body that cannot be read or cleaned is ``UNREADABLE``.

    Args:
        response: The response (its body read).
        secrets: The request's credentials (``request_secrets``).

    Returns:
        The body safe to keep; ``""`` for an empty one.
    """
    try:
        content = response.content
        whole = len(content) <= SCAN_LIMIT
        text = _json_masked(content) if whole else None
        if text is None:
            text = _plain_text(content[:SCAN_LIMIT], response.charset_encoding, final=whole)
        if text is None:
            return UNREADABLE
        return _cut(text, BODY_LIMIT, BODY_CUT.format(size=len(content)), secrets)
    except Exception:  # any body: nothing of it is shown then
        return UNREADABLE


def _cut(text: str, limit: int, marker: str, secrets: Sequence[str]) -> str:
    """``text`` cleaned and cut at ``limit`` characters (then ending in ``marker``).

    Only the first ``_WINDOW`` characters (at least ``limit``) are cleaned; when there were more,
    the cleaned text also loses its last characters that could be part of a secret cut by the
    window, so a cut never shows a secret's beginning.
    """
    window = max(_WINDOW, limit + 1)
    cleaned = clean_text(text[:window], secrets)
    if len(text) > window:
        longest = max((len(secret) for secret in secrets), default=0)
        cleaned = cleaned[: max(0, min(limit, len(cleaned) - longest))]
        return cleaned + marker
    return cleaned if len(cleaned) <= limit else cleaned[:limit] + marker


def _plain_text(content: bytes, charset: str | None, *, final: bool) -> str | None:
    """``content`` (not JSON) as text the cleaning can see, or None (see ``clean_body``)."""
    try:  # not final: a character cut at SCAN_LIMIT is left out
        text = codecs.getincrementaldecoder("utf-8")().decode(content, final)
    except UnicodeDecodeError:
        text = content.decode(_single_byte(charset) or "utf-8", errors="replace")
    text = unescape(text)
    return None if _CONTROL.search(text) else text


def _single_byte(charset: str | None) -> str | None:
    """``charset``'s codec if it is ASCII-compatible and one byte per character, else None."""
    try:
        name = codecs.lookup(charset).name if charset else ""
    except LookupError:  # a charset Python does not know
        return None
    return name if name in ("ascii", "cp1252") or name.startswith("iso8859-") else None


def _json_masked(content: bytes) -> str | None:
    """``content`` with sensitive JSON values masked, written back if needed; None if not JSON."""
    try:
        masked, changed = _masked(json.loads(content))
        if not changed and b"\\" not in content and json.detect_encoding(content) == "utf-8":
            with contextlib.suppress(UnicodeDecodeError):  # a surrogate's UTF-8: written back
                return content.decode("utf-8")
        return json.dumps(masked, ensure_ascii=False, separators=(",", ":"))
    except (ValueError, RecursionError):  # not JSON, or nested too deep: cleaned as text
        return None


def _masked(value: object) -> tuple[object, bool]:
    """``value`` with the values of sensitive keys replaced, and whether any was."""
    if isinstance(value, dict):
        out: dict[str, object] = {}
        changed = False
        for key, item in value.items():
            if sensitive_name(key):
                out[key], changed = MASK, True
            else:
                out[key], inner = _masked(item)
                changed = changed or inner
        return out, changed
    if isinstance(value, list):
        items = [_masked(item) for item in value]
        return [item for item, _ in items], any(inner for _, inner in items)
    return value, False


def _safely(read: Callable[[], T], fallback: T) -> T:
    try:
        return read()
    except Exception:  # support details never raise
        return fallback


publish(globals())
