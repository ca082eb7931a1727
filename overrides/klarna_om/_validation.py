"""Checks of the non-money input of a call, run before anything is sent.

Path ids, idempotency keys, days and text lengths; money rules live in ``_money``. Every error
names the field and never echoes the value: it may be customer data or a secret.
"""

from __future__ import annotations

import re
import uuid

from ._errors import InvalidRequestError

INT32_MAX = 2**31 - 1
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_IDEMPOTENCY_NAMESPACE = uuid.UUID("6c1b6f0e-4d0c-4d61-9a8e-6b6c1c0a7f3e")


def new_idempotency_key() -> str:
    """A fresh UUID4 ``Klarna-Idempotency-Key``."""
    return str(uuid.uuid4())


def derive_idempotency_key(*parts: str) -> str:
    """A key derived from your own identifiers, e.g. ``(order_id, "refund", your_refund_ref)``.

    The same parts always give the same key, so a job that crashed and runs again sends the same
    key and Klarna (within 24 hours) applies the operation once.
    """
    if not parts or not all(isinstance(p, str) and p for p in parts):
        raise InvalidRequestError(
            "derive_idempotency_key needs non-empty strings", field="idempotency_key"
        )
    return str(uuid.uuid5(_IDEMPOTENCY_NAMESPACE, "\x1f".join(parts)))


def check_path_param(name: str, value: object) -> str:
    """Return ``value`` if it is usable as a path id: a non-empty str without control characters.

    The generated code percent-encodes it into one path segment. ``.`` and ``..`` are refused:
    they stay as they are when encoded, and URL resolution would move the request to another
    endpoint. The value itself is never echoed in the error.
    """
    if not isinstance(value, str) or not value:
        raise InvalidRequestError(f"{name} must be a non-empty str", field=name)
    if value in (".", ".."):
        raise InvalidRequestError(
            f"{name} must not be a dot segment ('.' or '..'): it would address another resource",
            field=name,
        )
    control = _CONTROL.search(value)
    if control is not None:
        raise InvalidRequestError(
            f"{name} has a control character at position {control.start()}", field=name
        )
    _check_unicode(name, value, InvalidRequestError)
    return value


def check_idempotency_key(key: str | None) -> str:
    """The caller's key if it is 1-255 printable ASCII characters; a new one when None."""
    if key is None:
        return new_idempotency_key()
    if not isinstance(key, str) or not 0 < len(key) <= 255 or not all(" " <= c <= "~" for c in key):
        raise InvalidRequestError(
            "idempotency_key must be 1-255 printable ASCII characters", field="idempotency_key"
        )
    return key


def check_int(
    field: str,
    value: object,
    minimum: int,
    maximum: int,
    *,
    error: type[InvalidRequestError] = InvalidRequestError,
    unit: str = "",
) -> int:
    """Return ``value`` if it is an int (not a bool) within bounds; raise ``error`` otherwise."""
    if type(value) is not int:  # bool is an int subclass; refuse it too
        raise error(f"{field} must be an int{unit}, not {type(value).__name__}", field=field)
    if not minimum <= value <= maximum:
        raise error(f"{field} is {value}, it must be between {minimum} and {maximum}", field=field)
    return value


def check_days(number_of_days: object) -> int:
    """The number of days of a due-date extension: a positive int32."""
    return check_int("number_of_days", number_of_days, 1, INT32_MAX)


def check_text(
    field: str, value: object, limit: int, *, error: type[InvalidRequestError] = InvalidRequestError
) -> str:
    """Return ``value`` if it is a str of at most ``limit`` characters (the value is not echoed)."""
    if not isinstance(value, str):
        raise error(f"{field} must be a str, not {type(value).__name__}", field=field)
    if len(value) > limit:
        raise error(
            f"{field} is {len(value)} characters long, at most {limit} are allowed", field=field
        )
    _check_unicode(field, value, error)
    return str.__str__(value)  # a str subclass (e.g. an enum member) is sent as a plain str


def _check_unicode(field: str, value: str, error: type[InvalidRequestError]) -> None:
    """Raise ``error`` if ``value`` cannot be sent as UTF-8 (a lone surrogate); never echo it."""
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise error(
                f"{field} is not valid Unicode text (it holds a lone surrogate)", field=field
            ) from None
