"""The sandbox's answers to what is not an operation, and the checks of the values it is given.

A 401 for wrong credentials, Klarna's error body for an unknown route or an unexpected error,
the values of the seeding and fault endpoints, the provider's name and the path formats it
narrows. Split from ``_app`` so that module keeps the app, auth, idempotency and the commit.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import re
from collections.abc import Mapping
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from ._handlers import error_response
from ._rules import SandboxError
from ._spec import providers

#: The checks of the path parameter formats a provider narrows (``format: uuid``).
FORMATS: dict[str, re.Pattern[str]] = {
    "uuid": re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}", re.ASCII),
}


def id_has_format(fmt: str | None, value: str) -> bool:
    """Whether ``value`` has the format ``fmt`` (``uuid``); any value when none is given."""
    pattern = FORMATS.get(fmt) if fmt else None
    return pattern is None or pattern.fullmatch(value) is not None


def check_provider(provider: str) -> str:
    """``provider`` if spec/ names it (``klarna``, ``kustom``), else ValueError."""
    if provider not in providers():
        raise ValueError(f"provider must be one of {', '.join(providers())}, got {provider!r}")
    return provider


def given_id(data: Mapping[str, Any], name: str) -> str | None:
    """An id given in a seed (1-255 characters), None when absent; else a 400."""
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not 0 < len(value) <= 255:
        raise SandboxError(400, "BAD_VALUE", f"Bad value: {name}")
    return value


def bounded(value: Any, name: str, low: int, high: int) -> int:
    """``value`` if it is an int in [low, high] (not a bool); else a 400 naming ``name``."""
    if type(value) is not int or not low <= value <= high:
        raise SandboxError(400, "BAD_VALUE", f"Bad value: {name}")
    return value


def unauthorized() -> Response:
    """The 401 for missing or wrong credentials."""
    return error_response(
        401,
        "UNAUTHORIZED",
        "Missing or wrong credentials.",
        headers={"WWW-Authenticate": 'Basic realm="klarna-om sandbox"'},
    )


async def http_exception(request: Request, exc: Exception) -> Response:
    """Klarna's error body for an unknown route or method."""
    assert isinstance(exc, HTTPException)
    code = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}.get(exc.status_code, "BAD_REQUEST")
    return error_response(exc.status_code, code, str(exc.detail), headers=exc.headers)


async def unexpected(request: Request, exc: Exception) -> Response:
    """Klarna's error body for a bug in the sandbox (a 500 no fault asked for)."""
    return error_response(500, "INTERNAL_SERVER_ERROR", "Unexpected sandbox error.")


def authorized(header: str, credentials: Mapping[str, str], api_key: str | None) -> str | None:
    """The merchant an ``Authorization`` header names, or None when it is wrong or missing.

    Basic ``user:password`` from ``credentials`` (idempotency keys are scoped per credentials),
    or, when the sandbox has one, an API key alone (Klarna's ``Basic <key>``): merchant
    ``api-key``.
    """
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    if api_key and hmac.compare_digest(token.strip().encode(), api_key.encode()):
        return "api-key"
    try:
        decoded = base64.b64decode(token.strip(), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    username, _, password = decoded.partition(":")
    expected = credentials.get(username)
    if expected is None or not hmac.compare_digest(expected.encode(), password.encode()):
        return None
    return username
