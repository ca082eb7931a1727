# generated from spec/klarna-ordermanagement.yaml by openapi-python-client 0.29.1, do not edit, run `make generate`
"""Contains some shared types for properties, and the strict JSON readers the models use"""

import datetime
import re
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from enum import Enum
from http import HTTPStatus
from typing import IO, Any, BinaryIO, Generic, Literal, NamedTuple, TypeVar

from attrs import define


class Unset:
    def __bool__(self) -> Literal[False]:
        return False


UNSET: Unset = Unset()

# The types that `httpx.Client(files=)` can accept, copied from that library.
FileContent = IO[bytes] | bytes | str
FileTypes = (
    # (filename, file (or bytes), content_type)
    tuple[str | None, FileContent, str | None]
    # (filename, file (or bytes), content_type, headers)
    | tuple[str | None, FileContent, str | None, Mapping[str, str]]
)
RequestFiles = list[tuple[str, FileTypes]]


@define
class File:
    """Contains information for file uploads"""

    payload: BinaryIO
    file_name: str | None = None
    mime_type: str | None = None

    def to_tuple(self) -> FileTypes:
        """Return a tuple representation that httpx will accept for multipart/form-data"""
        return self.file_name, self.payload, self.mime_type


T = TypeVar("T")


@define
class Response(Generic[T]):
    """A response from an endpoint"""

    status_code: HTTPStatus
    content: bytes
    headers: MutableMapping[str, str]
    parsed: T | None


# Strict reading (a template under spec/templates adds everything below). Every model's
# `from_dict` checks each JSON value against its schema type with these readers; a mismatch
# raises `SchemaError`, whose `path` is the JSON path of the value (`order_lines[0].quantity`).
# Messages name the path and the expected and found JSON types, never the value.


class SchemaError(ValueError):
    """A JSON value does not have the type its schema declares."""

    def __init__(self, path: str, expected: str, found: str) -> None:
        super().__init__(f"{path or 'the body'}: expected {expected}, found {found}")
        self.path = path
        self.expected = expected
        self.found = found

    def under(self, prefix: str) -> "SchemaError":
        """The same error, for a value nested under `prefix`."""
        if not self.path:
            path = prefix
        elif self.path.startswith("["):
            path = prefix + self.path
        else:
            path = f"{prefix}.{self.path}" if prefix else self.path
        return SchemaError(path, self.expected, self.found)


_JSON_TYPES: dict[type, str] = {
    type(None): "null",
    bool: "boolean",
    int: "integer",
    float: "number",
    str: "string",
    list: "array",
    tuple: "array",
    dict: "object",
}


def json_type(value: object) -> str:
    """The JSON type name of a decoded JSON value (`"integer"`, `"array"`, ...)."""
    return _JSON_TYPES.get(type(value), type(value).__name__)


def read_int(value: object, path: str) -> int:
    """`value` if it is a JSON integer (not a boolean, not a number with a fraction).

    An `int` subclass other than `bool` (an `IntEnum` member) becomes a plain `int`.
    """
    if type(value) is int:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    raise SchemaError(path, "integer", json_type(value))


def read_float(value: object, path: str) -> float:
    """`value` as a float if it is a JSON number (not a boolean) that a float can hold."""
    if type(value) is float:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            return float(value)
        except OverflowError:
            raise SchemaError(path, "number", "integer out of range") from None
    raise SchemaError(path, "number", json_type(value))


def read_str(value: object, path: str) -> str:
    """`value` if it is a JSON string.

    A `str` subclass (a `StrEnum` member such as `OrderLineType.PHYSICAL`) becomes a plain
    `str`, so that what is sent is the plain string.
    """
    if type(value) is str:
        return value
    if isinstance(value, str):
        return str.__str__(value)
    raise SchemaError(path, "string", json_type(value))


def read_bool(value: object, path: str) -> bool:
    """`value` if it is a JSON boolean."""
    if type(value) is bool:
        return value
    raise SchemaError(path, "boolean", json_type(value))


def read_any(value: object, path: str) -> Any:
    """`value` as it is (a schema without a type)."""
    return value


def read_none(value: object, path: str) -> None:
    """`None` if `value` is JSON null."""
    if value is None:
        return None
    raise SchemaError(path, "null", json_type(value))


#: RFC 3339 `date-time`: full date, `T` (or a space, or `t`), time with optional fraction, offset.
_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})", re.ASCII)


def read_datetime(value: object, path: str) -> datetime.datetime:
    """`value` parsed if it is a string holding an RFC 3339 date-time (an offset is required).

    A leap second (`:60`) cannot be held by `datetime` and is refused.
    """
    text = read_str(value, path)
    parsed = None
    if _DATE_TIME.fullmatch(text):
        try:
            parsed = datetime.datetime.fromisoformat(text.upper())
        except ValueError:
            parsed = None
    if parsed is None:
        raise SchemaError(path, "string (date-time)", "string that is not a date-time")
    return parsed


def read_date(value: object, path: str) -> datetime.date:
    """`value` parsed if it is a string holding an RFC 3339 full-date (`YYYY-MM-DD`)."""
    text = read_str(value, path)
    try:
        if len(text) == 10 and text[4] == text[7] == "-":
            return datetime.date.fromisoformat(text)
    except ValueError:
        pass
    raise SchemaError(path, "string (date)", "string that is not a date")


E = TypeVar("E", bound=Enum)

#: Each enum's members by value, for lookups without calling the enum class (much cheaper).
_MEMBERS: dict[type[Enum], Mapping[object, Enum]] = {}


def _members(enum: type[Enum]) -> Mapping[object, Enum]:
    members = _MEMBERS.get(enum)
    if members is None:
        members = _MEMBERS[enum] = {member.value: member for member in enum}
    return members


def read_enum(value: object, path: str, enum: type[E], base: type) -> E:
    """`value` as a member of `enum` (whose values are `base`, `str` or `int`)."""
    if isinstance(value, enum):
        return value
    value = read_str(value, path) if base is str else read_int(value, path)
    member = _members(enum).get(value)
    if member is None:
        expected = "string" if base is str else "integer"
        raise SchemaError(path, f"{expected} ({enum.__name__})", f"{expected} outside it")
    return member  # type: ignore[return-value]


def read_open_enum(value: object, path: str, enum: type[E]) -> E | str:
    """`value` as a member of the string enum `enum`, or as the string itself (an open enum).

    Klarna adds values over time; a value this client does not know is kept as a plain `str`.
    """
    if type(value) is not str:
        if isinstance(value, enum):
            return value
        value = read_str(value, path)
    return _members(enum).get(value, value)  # type: ignore[return-value]


def read_object(value: object, path: str) -> Mapping[str, Any]:
    """`value` if it is a JSON object."""
    if type(value) is dict or isinstance(value, Mapping):
        return value
    raise SchemaError(path, "object", json_type(value))


M = TypeVar("M")


def read_model(value: object, path: str, model: Callable[[Mapping[str, Any]], M]) -> M:
    """`value` read by a model's `from_dict`, with the model's errors nested under `path`."""
    data = read_object(value, path)
    try:
        return model(data)
    except SchemaError as exc:
        raise exc.under(path) from None


def _read_array(value: object, path: str) -> Sequence[object]:
    if type(value) is list or type(value) is tuple:
        return value
    raise SchemaError(path, "array", json_type(value))


def read_list(value: object, path: str, item: Callable[[object, str], M]) -> tuple[M, ...]:
    """`value` if it is a JSON array, each item read by `item`, as a tuple."""
    items = _read_array(value, path)
    index = 0
    try:
        result = []
        for index, element in enumerate(items):
            result.append(item(element, ""))
        return tuple(result)
    except SchemaError as exc:
        raise exc.under(f"{path}[{index}]") from None


def read_model_list(value: object, path: str, model: Callable[[Mapping[str, Any]], M]) -> tuple[M, ...]:
    """`value` if it is a JSON array of objects, each read by a model's `from_dict`."""
    items = _read_array(value, path)
    index = 0
    try:
        result = []
        for index, element in enumerate(items):
            if type(element) is not dict and not isinstance(element, Mapping):
                raise SchemaError("", "object", json_type(element))
            result.append(model(element))
        return tuple(result)
    except SchemaError as exc:
        raise exc.under(f"{path}[{index}]") from None


def read_union(value: object, path: str, readers: Sequence[Callable[[object, str], Any]]) -> Any:
    """`value` read by the first of `readers` that accepts it (a schema's `anyOf`)."""
    expected: list[str] = []
    for reader in readers:
        try:
            return reader(value, path)
        except SchemaError as exc:
            if exc.expected not in expected:
                expected.append(exc.expected)
    raise SchemaError(path, " or ".join(expected), json_type(value))


def to_json(value: Any) -> Any:
    """A model's value as JSON-ready data (models, enums, dates and tuples converted)."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value.value if isinstance(value, Enum) else value
    if isinstance(value, (tuple, list)):
        return [to_json(item) for item in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    to_dict = getattr(value, "to_dict", None)
    if to_dict is not None:
        return to_dict()
    return value


def _repr_value(value: object) -> str:
    if isinstance(value, Enum):
        return f"{type(value).__name__}.{value.name}"
    if isinstance(value, tuple):
        return "[" + ", ".join(_repr_value(item) for item in value) + "]"
    return repr(value)


def model_repr(model: object, fields: Sequence[tuple[str, object]], extra: Mapping[str, Any]) -> str:
    """`Name(field=value, ...)` with the fields that are present (not None, not an empty array);
    extra properties by key only.

    Undeclared properties (such as a customer's address on an order) may hold customer data:
    the repr names their keys, never their values.
    """
    shown = [f"{name}={_repr_value(value)}" for name, value in fields if value is not None and value != ()]
    if extra:
        shown.append(f"additional_keys={sorted(extra)!r}")
    return f"{type(model).__name__}({', '.join(shown)})"


# One record per operation (a template under spec/templates adds everything below). Each operation
# module has `OPERATION` (an `Operation`) and a public `build_request(...)` returning the
# `RequestParts` to send; `api.OPERATIONS` maps every operationId to its record, and each request
# model lists what spec/ declares of its properties in `SPEC_FIELDS` (`FieldRule`s), so that code
# around the generated package reads these facts instead of copying them.


@define(frozen=True)
class FieldRule:
    """What spec/ declares of one property of a model: its JSON kind, whether required, its bounds."""

    name: str
    """The JSON name."""
    kind: str
    """`integer`, `number`, `string`, `boolean`, `enum`, `open_enum` (a Klarna enum or any string),
    `object` (the model `model`), `array` (of `item_kind`; of the model `model` for objects),
    `date-time`, `date` or `any`."""
    required: bool
    minimum: int | None = None
    """`minimum`; for an `int32` without one, -2**31."""
    maximum: int | None = None
    """`maximum`; for an `int32` without one, 2**31 - 1."""
    max_length: int | None = None
    """`maxLength` of a string."""
    max_items: int | None = None
    """`maxItems` of an array."""
    model: str | None = None
    """The class name of a nested model (an object, or the items of an array)."""
    item_kind: str | None = None
    """The kind of an array's items."""


@define(frozen=True)
class Operation(Generic[T]):
    """Everything spec/ says of one operation that a client, a server or a tool needs to act on it."""

    operation_id: str
    method: str
    """Upper case: `GET`, `POST`, `PATCH`, ..."""
    path: str
    """The path template, e.g. `/ordermanagement/v1/orders/{order_id}`."""
    path_params: tuple[str, ...]
    """The path parameters, in the order `build_request` takes them."""
    body: Any
    """The request body's model class, or None."""
    success_status: int
    """The one 2xx status the spec documents."""
    result: Callable[[Mapping[str, Any]], T] | None
    """Reads the success body (the result model's `from_dict`); None when it has none."""
    idempotency_header: str | None
    """The header that makes a write idempotent, when the operation declares one."""
    providers: tuple[str, ...]
    """The providers that serve it (spec/'s `x-klarna-om-providers`), e.g. `("klarna", "kustom")`."""
    build: Callable[..., "RequestParts"]
    """The operation module's `build_request`."""

    @property
    def idempotent(self) -> bool:
        """Whether sending it twice is safe: a read, or a write that carries an idempotency key."""
        return self.method in ("GET", "HEAD", "OPTIONS") or self.idempotency_header is not None

    @property
    def result_model(self) -> Any:
        """The success body's model class, or None."""
        return getattr(self.result, "__self__", None)

    @property
    def body_fields(self) -> tuple[FieldRule, ...]:
        """What spec/ declares of the body's properties (empty without a body)."""
        return () if self.body is None else self.body.SPEC_FIELDS


@define(frozen=True)
class Server:
    """One host of spec/'s `servers`: where a provider serves the operations."""

    url: str
    """The base URL, e.g. `https://api.playground.klarna.com`."""
    description: str
    provider: str
    """Who runs it (spec/'s `x-klarna-om-provider`): `klarna` or `kustom`."""
    region: str
    """Klarna's region (`eu`, `na`, `oc`; spec/'s `x-klarna-om-region`); "" for a provider with one."""
    playground: bool
    """Whether it is the provider's test environment (spec/'s `x-klarna-om-playground`)."""


class RequestParts(NamedTuple):
    """One request as the spec describes it, ready to frame: nothing is sent by building it."""

    method: str
    path: str
    """Path parameters filled in and percent-encoded as one segment each."""
    json: dict[str, Any] | None
    """The JSON body, or None."""
    headers: dict[str, str]
    """Header parameters that were given (e.g. the idempotency key)."""


__all__ = [
    "UNSET",
    "FieldRule",
    "File",
    "FileTypes",
    "RequestFiles",
    "Operation",
    "RequestParts",
    "Server",
    "Response",
    "SchemaError",
    "Unset",
    "json_type",
    "model_repr",
    "read_any",
    "read_bool",
    "read_date",
    "read_datetime",
    "read_enum",
    "read_float",
    "read_int",
    "read_list",
    "read_model",
    "read_model_list",
    "read_none",
    "read_object",
    "read_open_enum",
    "read_str",
    "read_union",
    "to_json",
]
