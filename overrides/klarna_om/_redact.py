"""What a credential or a customer's data looks like in text, and the masking of it.

Exists because a server (or a proxy) can echo the request's credentials, a Klarna API key or a
customer's data in any answer, in any of the forms they travel in (percent-encoded, JSON-escaped,
``name = "value"``), and that answer ends up in errors, logs and tickets. ``_error_details``
decides which parts of a response are kept; this module finds what must be masked in them.
Nothing here may raise on any text, take more than linear time on it (no pattern may backtrack
catastrophically), or keep, log or return a credential of the request, a Klarna API key or an
email address; what it cannot tell apart from a credential it masks or rejects.
"""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Callable, Sequence
from urllib.parse import quote, quote_plus

import httpx

from ._public import publish

#: What replaces a credential or a customer's data.
MASK = "***"
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
#: ``"name": value`` in JSON-like text (also truncated: an unclosed string value counts).
_JSON_PAIR = re.compile(r'"([^"\\]{1,64})"(\s*:\s*)("(?:[^"\\]|\\.)*"?|[-+.\w]+)', re.DOTALL)
_WORDS = "|".join(word.replace("_", "[_-]") for word in CREDENTIAL_WORDS)
_FIELDS = "|".join(field.replace("_", "[_-]") for field in sorted(CUSTOMER_FIELDS, key=len)[::-1])
#: ``name=value``, ``name : value``, ``'name': 'a b'``, ``name="a b"`` of a sensitive name in
#: other text (a form, a query string, a log line, markup); only sensitive names match, so no
#: other pair swallows one. A quoted value runs to its closing quote (or the end of the line).
#: The blanks around ``=`` are bounded, so no start position scans far.
_TEXT_PAIR = re.compile(
    rf"(?<![\w.-])((?:[\w.-]{{0,40}}?(?:{_WORDS})[\w.-]{{0,40}})|(?:{_FIELDS}))"
    r"(['\"]?[ \t]{0,8}(?:=|:(?!//))[ \t]{0,8})"
    r"(\"[^\"\n]*\"?|'[^'\n]*'?|[^\s&\"',;<>]+)",
    re.IGNORECASE,
)
#: An email address. Its local part starts where a run of its characters starts, so each
#: character is tried once (linear on any text); the domain needs a dot (``user@localhost`` and
#: ``@handle`` stay) and a letter in its last label (``100@2.5`` stays).
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
    r"\.[A-Za-z0-9-]*[A-Za-z][A-Za-z0-9-]*"
)
#: A JSON escape in text that is not JSON: a surrogate pair, ``\uXXXX``, or any other ``\x``.
_ESCAPE = re.compile(
    r"\\u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})|\\(u[0-9a-f]{4}|.)", re.IGNORECASE | re.DOTALL
)
_HEX_ESCAPE = re.compile(r"%[0-9A-F]{2}")
_BASE64: tuple[Callable[[bytes], str], ...] = (
    lambda raw: base64.b64encode(raw).decode("ascii"),
    lambda raw: base64.urlsafe_b64encode(raw).decode("ascii"),
)


def request_secrets(response: httpx.Response) -> tuple[str, ...]:
    r"""The request's credentials as they could be echoed, longest first.

    From its ``Authorization`` header: the token (the base64 of ``user:password``, or an API
    key sent as is) and the password or key in it (the username is not a secret), each as is,
    percent-encoded (``quote``, also keeping ``/``, and ``quote_plus``; hex in upper and lower
    case), JSON-escaped (also with ``\/``), HTML-escaped and in base64 (standard and URL-safe,
    padded or not). Those shorter than ``MIN_SECRET_LENGTH`` are left out.

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
        form for secret in found if len(secret) >= MIN_SECRET_LENGTH for form in _forms(secret)
    }
    return tuple(sorted(variants, key=lambda form: (-len(form), form)))


def _forms(secret: str) -> set[str]:
    escaped = json.dumps(secret)[1:-1]
    encoded = {quote(secret, safe=""), quote(secret), quote_plus(secret, safe="")}
    lowered = {_HEX_ESCAPE.sub(lambda hexed: hexed[0].lower(), form) for form in encoded}
    raw = secret.encode("utf-8", errors="replace")
    return {
        secret,
        *encoded,
        *lowered,
        escaped,
        escaped.replace("/", "\\/"),
        json.dumps(secret, ensure_ascii=False)[1:-1],
        html.escape(secret),
        html.escape(secret, quote=False),
        *(form for encode in _BASE64 for form in (encode(raw), encode(raw).rstrip("="))),
    }


def clean_text(text: str, secrets: Sequence[str] = ()) -> str:
    """``text`` with credentials and customer data masked (``MASK``).

    In order: each of ``secrets``; Klarna API keys (the ``klarna_live_`` or ``klarna_test_``
    prefix is kept); the token after ``Basic`` or ``Bearer`` (unless a plain word, as in
    ``Basic realm=``); the value of a sensitive name in ``"name": value`` (JSON, also truncated)
    and in ``name=value``, ``name : value``, ``'name': 'value'`` or ``name="a b"`` (forms, query
    strings, logs, markup; a quoted value keeps its quotes); every email address. Linear time.

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
    text = _TEXT_PAIR.sub(_text_pair, text)
    return _EMAIL.sub(MASK, text)


def unescape(text: str) -> str:
    r"""``text`` (not JSON) with JSON's ``\uXXXX`` and ``\/`` escapes read, so cleaning sees them.

    An escape of a control character (below U+0020) or of a lone surrogate is kept as written,
    and so is any other ``\x`` (so ``\\/``, an escaped backslash and a slash, stays).
    """
    return _ESCAPE.sub(_unescaped, text)


def holds_secret(value: str, secrets: Sequence[str]) -> bool:
    """Whether ``value`` contains one of ``secrets`` (in any case) or a Klarna API key."""
    lowered = value.lower()
    return (
        "klarna_live_" in lowered
        or "klarna_test_" in lowered
        or any(secret.lower() in lowered for secret in secrets)
    )


def sensitive_name(name: str) -> bool:
    """Whether the value of ``name`` (a JSON key, a form field) is masked.

    Args:
        name: The name, in any case; ``-`` reads as ``_``.

    Returns:
        True for a ``CUSTOMER_FIELDS`` name or one holding a ``CREDENTIAL_WORDS`` word.
    """
    key = name.strip().lower().replace("-", "_")
    return key in CUSTOMER_FIELDS or credential_name(key)


def credential_name(name: str) -> bool:
    """Whether ``name`` (any case, ``-`` read as ``_``) holds a ``CREDENTIAL_WORDS`` word."""
    key = name.lower().replace("-", "_")
    return any(word in key for word in CREDENTIAL_WORDS)


def _auth_token(match: re.Match[str]) -> str:
    if _WORD.fullmatch(match[3].rstrip("=")):
        return match[0]
    return f"{match[1]}{match[2]}{MASK}"


def _json_pair(match: re.Match[str]) -> str:
    return f'"{match[1]}"{match[2]}"{MASK}"' if sensitive_name(match[1]) else match[0]


def _text_pair(match: re.Match[str]) -> str:
    value = match[3]
    opened = value[0] if value[0] in "\"'" else ""
    closed = opened if opened and len(value) > 1 and value.endswith(opened) else ""
    return f"{match[1]}{match[2]}{opened}{MASK}{closed}"


def _unescaped(match: re.Match[str]) -> str:
    if match[1]:  # a surrogate pair: one character
        high, low = int(match[1], 16), int(match[2], 16)
        return chr(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
    escape = match[3]
    if escape == "/":
        return "/"
    if len(escape) == 5:
        point = int(escape[1:], 16)
        if point >= 0x20 and not 0xD800 <= point < 0xE000:
            return chr(point)
    return match[0]


publish(globals())
