"""Checks of a call's input, run before anything is sent.

Path ids, idempotency keys, days, and the fields of a request body as spec/ declares them (read
from the generated models' ``SPEC_FIELDS``: kinds, required, bounds); Klarna's arithmetic lives
in ``_money``. Every error names the field and never echoes the value: it may be customer data
or a secret.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from typing import Any

import klarna_om_generated.models
from klarna_om_generated.types import FieldRule

from ._errors import InvalidInputError
from ._public import publish

INT32_MAX = 2**31 - 1
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
#: The longest value sent for an open enum (a Klarna enum or any string): the spec sets none.
OPEN_ENUM_MAX_LENGTH = 64
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
        raise InvalidInputError(
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
        raise InvalidInputError(f"{name} must be a non-empty str", field=name)
    if value in (".", ".."):
        raise InvalidInputError(
            f"{name} must not be a dot segment ('.' or '..'): it would address another resource",
            field=name,
        )
    control = _CONTROL.search(value)
    if control is not None:
        raise InvalidInputError(
            f"{name} has a control character at position {control.start()}", field=name
        )
    _check_unicode(name, value, InvalidInputError)
    return value


def check_idempotency_key(key: str | None) -> str:
    """The caller's key if it is 1-255 printable ASCII characters; a new one when None."""
    if key is None:
        return new_idempotency_key()
    if not isinstance(key, str) or not 0 < len(key) <= 255 or not all(" " <= c <= "~" for c in key):
        raise InvalidInputError(
            "idempotency_key must be 1-255 printable ASCII characters", field="idempotency_key"
        )
    return key


def check_int(
    field: str,
    value: object,
    minimum: int,
    maximum: int,
    *,
    error: type[InvalidInputError] = InvalidInputError,
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
    field: str, value: object, limit: int, *, error: type[InvalidInputError] = InvalidInputError
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


def _check_unicode(field: str, value: str, error: type[InvalidInputError]) -> None:
    """Raise ``error`` if ``value`` cannot be sent as UTF-8 (a lone surrogate); never echo it."""
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise error(
                f"{field} is not valid Unicode text (it holds a lone surrogate)", field=field
            ) from None


def spec_fields(model: str) -> dict[str, FieldRule]:
    """The generated model ``model``'s ``SPEC_FIELDS``, by JSON name."""
    rules: tuple[FieldRule, ...] = getattr(klarna_om_generated.models, model).SPEC_FIELDS
    return {rule.name: rule for rule in rules}


def check_value(
    field: str,
    value: object,
    rule: FieldRule,
    *,
    error: type[InvalidInputError] = InvalidInputError,
    unit: str = "",
) -> Any:
    """``value`` if it has ``rule``'s kind and bounds; raise ``error`` naming ``field`` otherwise.

    Integers without a declared bound are bounded by int64; an open enum is text of at most
    ``OPEN_ENUM_MAX_LENGTH`` characters; an object is checked field by field (``check_object``).
    """
    kind = rule.kind
    if kind == "integer":
        low = INT64_MIN if rule.minimum is None else rule.minimum
        high = INT64_MAX if rule.maximum is None else rule.maximum
        return check_int(field, value, low, high, error=error, unit=unit)
    if kind == "string":
        return check_text(
            field, value, INT64_MAX if rule.max_length is None else rule.max_length, error=error
        )
    if kind == "open_enum":
        return check_text(field, value, OPEN_ENUM_MAX_LENGTH, error=error)
    if kind == "object" and rule.model is not None:
        return check_object(field, value, spec_fields(rule.model), error=error, unit=unit)
    raise error(f"{field} cannot be checked (a {kind} in spec/)", field=field)


def check_object(
    where: str,
    value: object,
    rules: Mapping[str, FieldRule],
    *,
    error: type[InvalidInputError] = InvalidInputError,
    unit: str = "",
) -> dict[str, Any]:
    """A mapping with only the declared fields, the required ones present, each value valid.

    Fields are checked by kind (integers, then text, then open enums, then nested objects); an
    object whose fields are all required is described as a whole when it is not exactly them.
    """
    names = list(rules)
    exact = names and all(r.required for r in rules.values())
    if exact and (not isinstance(value, Mapping) or set(value) != set(names)):
        listed = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
        raise error(f"{where} must have exactly {listed}", field=where)
    if not isinstance(value, Mapping):
        raise error(f"{where} must be a mapping", field=where)
    unknown = sorted(set(value) - set(rules))
    if unknown:
        raise error(f"{where} has unknown fields {unknown}", field=where)
    for name, rule in rules.items():
        if rule.required and name not in value:
            raise error(f"{where}.{name} is required", field=f"{where}.{name}")
    checked = dict(value)
    for kind in ("integer", "string", "open_enum", "object"):
        for name, rule in rules.items():
            if rule.kind == kind and name in value:
                checked[name] = check_value(
                    f"{where}.{name}", value[name], rule, error=error, unit=unit
                )
    return checked


publish(globals())
