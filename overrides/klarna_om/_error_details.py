"""What support asks for about a response, safe to keep: correlation id, rate limit, headers, body.

Exists because Klarna's support (and a merchant's own) asks for a failed call's correlation id,
idempotency key and rate limit, and for what the server answered; an answer can echo the
request's credentials, set a cookie or name a customer, and errors end up in logs, job queues
and tickets. Every error's ``headers`` and ``body`` are built here, bounded in size and cleaned
the same way. Nothing here may raise on any response (HTML, invalid UTF-8, truncated or deeply
nested JSON, a huge body), nor return a credential of the request, a cookie, a Klarna API key or
the customer data a Klarna body names; when a body cannot be cleaned, none of it is returned.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple, TypeVar
from urllib.parse import quote

import httpx

from ._public import publish
from ._ratelimit import RateLimit

T = TypeVar("T")

#: What replaces a credential or a customer's data.
MASK = "***"
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
#: A name (JSON key, header name, ``name=value``) containing one of these, once lower-cased with
#: ``-`` read as ``_``, holds a credential: its whole value is masked.
CREDENTIAL_WORDS = (
    "password",
    "passwd",
    "secret",
    "token",
    "api_key",
    "apikey",
    "authorization",
    "credential",
    "cookie",
    "session",
)
#: Klarna's names of a customer's data (exactly, lower-cased): their values are masked.
CUSTOMER_FIELDS = frozenset(
    {
        "email",
        "phone",
        "given_name",
        "family_name",
        "title",
        "street_address",
        "street_address2",
        "street_name",
        "street_number",
        "house_extension",
        "postal_code",
        "city",
        "care_of",
        "attention",
        "date_of_birth",
        "national_identification_number",
    }
)
#: A request credential shorter than this is not searched for in the text: it would match
#: ordinary words (Klarna's passwords and API keys are far longer).
MIN_SECRET_LENGTH = 8

#: A Klarna API key (``klarna_live_api_...``): its environment prefix is kept, the rest masked.
_KLARNA_KEY = re.compile(r"(klarna_(?:live|test)_)[^\s\"'<>,;&\\]*")
#: ``Basic <token>`` or ``Bearer <token>``; a plain word after it (``Basic realm=``) is kept.
_AUTH_TOKEN = re.compile(r"\b(basic|bearer)(\s+)([A-Za-z0-9+/._~-]+=*)", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z][a-z]*")
_NO_SECRETS: tuple[str, ...] = ()
#: ``"name": value`` in JSON-like text (also truncated: an unclosed string value counts).
_JSON_PAIR = re.compile(r'"([^"\\]{1,64})"(\s*:\s*)("(?:[^"\\]|\\.)*"?|[-+.\w]+)', re.DOTALL)
_WORDS = "|".join(word.replace("_", "[_-]") for word in CREDENTIAL_WORDS)
_FIELDS = "|".join(field.replace("_", "[_-]") for field in sorted(CUSTOMER_FIELDS, key=len)[::-1])
#: ``name=value`` or ``name: value`` of a sensitive name in other text (a form, a query
#: string, a log line); only sensitive names match, so no other pair swallows one.
_TEXT_PAIR = re.compile(
    rf"(?<![\w.-])((?:[\w.-]{{0,40}}?(?:{_WORDS})[\w.-]{{0,40}})|(?:{_FIELDS}))"
    r"(=|:(?!//)[ \t]*)([^\s&\"',;<>]+)",
    re.IGNORECASE,
)


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
    """Klarna's correlation id of a response, or None.

    Outside 2xx, the ``correlation_id`` of Klarna's error body comes first; then (and for a
    success, only) the ``Klarna-Correlation-Id`` header.

    Args:
        response: The response (its body read).

    Returns:
        The correlation id, or None when the response has none.
    """
    if not 200 <= response.status_code < 300:
        found = json_object(response.content).get("correlation_id")
        if isinstance(found, str) and found:
            return found
    return response.headers.get("klarna-correlation-id") or None


def json_object(content: bytes) -> dict[str, Any]:
    """``content`` parsed as a JSON object, or ``{}`` for anything else; never raises."""
    try:
        body = json.loads(content)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return {}
    return body if isinstance(body, dict) else {}


def request_secrets(response: httpx.Response) -> tuple[str, ...]:
    """The request's credentials as they could be echoed, longest first.

    From its ``Authorization`` header: the token (the base64 of ``user:password``, or an API
    key sent as is) and the password or key in it (the username is not a secret), each as is,
    percent-encoded and JSON-escaped. Those shorter than ``MIN_SECRET_LENGTH`` are left out.

    Args:
        response: The response whose request is read (none: no secrets).

    Returns:
        The strings to mask.
    """
    try:
        value = response.request.headers.get("authorization", "")
    except RuntimeError:  # a response made without its request
        return ()
    scheme, _, token = value.strip().partition(" ")
    found = {token.strip()}
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(token.strip(), validate=True).decode("utf-8")
        except ValueError:  # binascii.Error and UnicodeDecodeError both are
            decoded = ""
        found.add(decoded.partition(":")[2])
    variants = {
        form
        for secret in found
        if len(secret) >= MIN_SECRET_LENGTH
        for form in (
            secret,
            quote(secret, safe=""),
            json.dumps(secret)[1:-1],
            json.dumps(secret, ensure_ascii=False)[1:-1],
        )
    }
    return tuple(sorted(variants, key=lambda form: (-len(form), form)))


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
            masked = _credential_name(name)
            kept[name] = MASK if masked else _cut(value, HEADER_VALUE_LIMIT, HEADER_CUT, secrets)
    except Exception:  # a header no codec reads: keep what was read before it
        return kept
    return kept


def clean_body(response: httpx.Response, secrets: Sequence[str] = ()) -> str:
    """The response body as text, cleaned and cut at ``BODY_LIMIT`` characters.

    Decoded by its charset (else UTF-8) with ``errors="replace"``. A JSON body has the values
    of its ``CREDENTIAL_WORDS`` and ``CUSTOMER_FIELDS`` keys replaced by ``"***"`` at any level,
    and is written back compactly when that changed it (or when it has escapes, which could
    hide a credential); then the text is cleaned (``clean_text``). A cut body ends in
    ``BODY_CUT``. Never raises: a body that cannot be read or cleaned is ``UNREADABLE``.

    Args:
        response: The response (its body read).
        secrets: The request's credentials (``request_secrets``).

    Returns:
        The body safe to keep; ``""`` for an empty one.
    """
    try:
        content = response.content
        text = _decode(content[:SCAN_LIMIT], response.charset_encoding)
        if len(content) <= SCAN_LIMIT:
            text = _json_masked(text)
        return _cut(text, BODY_LIMIT, BODY_CUT.format(size=len(content)), secrets)
    except Exception:  # any body: nothing of it is shown then
        return UNREADABLE


def clean_text(text: str, secrets: Sequence[str] = ()) -> str:
    """``text`` with credentials and customer data masked (``MASK``).

    In order: each of ``secrets``; Klarna API keys (the ``klarna_live_`` or ``klarna_test_``
    prefix is kept); the token after ``Basic`` or ``Bearer`` (unless a plain word, as in
    ``Basic realm=``); the value of a sensitive name in ``"name": value`` (JSON, also truncated)
    and in ``name=value`` or ``name: value`` (forms, query strings, logs).

    Args:
        text: Any text.
        secrets: Exact strings to mask (``request_secrets``).

    Returns:
        The cleaned text.
    """
    for secret in secrets:
        text = text.replace(secret, MASK)
    text = _KLARNA_KEY.sub(rf"\g<1>{MASK}", text)
    text = _AUTH_TOKEN.sub(_auth_token, text)
    text = _JSON_PAIR.sub(_json_pair, text)
    return _TEXT_PAIR.sub(rf"\g<1>\g<2>{MASK}", text)


def sensitive_name(name: str) -> bool:
    """Whether the value of ``name`` (a JSON key, a form field) is masked.

    Args:
        name: The name, in any case; ``-`` reads as ``_``.

    Returns:
        True for a ``CUSTOMER_FIELDS`` name or one holding a ``CREDENTIAL_WORDS`` word.
    """
    key = name.strip().lower().replace("-", "_")
    return key in CUSTOMER_FIELDS or _credential_name(key)


def _credential_name(name: str) -> bool:
    key = name.lower().replace("-", "_")
    return any(word in key for word in CREDENTIAL_WORDS)


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


def _decode(content: bytes, charset: str | None) -> str:
    try:
        return content.decode(charset or "utf-8", errors="replace")
    except LookupError:  # a charset Python does not know
        return content.decode("utf-8", errors="replace")


def _json_masked(text: str) -> str:
    """``text`` with sensitive JSON values masked and written back, if it is JSON that needs it."""
    try:
        masked, changed = _masked(json.loads(text))
        if not changed and "\\" not in text:
            return text
        return json.dumps(masked, ensure_ascii=False, separators=(",", ":"))
    except (ValueError, RecursionError):  # not JSON, or nested too deep: cleaned as text
        return text


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


def _auth_token(match: re.Match[str]) -> str:
    if _WORD.fullmatch(match[3].rstrip("=")):
        return match[0]
    return f"{match[1]}{match[2]}{MASK}"


def _json_pair(match: re.Match[str]) -> str:
    return f'"{match[1]}"{match[2]}"{MASK}"' if sensitive_name(match[1]) else match[0]


def _safely(read: Callable[[], T], fallback: T) -> T:
    try:
        return read()
    except Exception:  # support details never raise
        return fallback


publish(globals())
