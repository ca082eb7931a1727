"""Strict results, derived from the spec: every field of every 200 response, given a wrong type.

For each operation that answers 200 with JSON, a complete valid body is built from its schema
(every declared property, two items per array, nested objects included). Then each field in turn
(array fields at item ``[1]``, so the index in the path is checked) gets a value of the wrong JSON
type, and also ``null``. A wrong type, and ``null`` in a field the spec requires, must raise
``APIResponseValidationError`` whose ``field`` is the JSON path, and whose message names the path
and types but never the value; ``null`` in an optional field reads as absent (None, or ``()`` for
an array).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from klarna_om import APIResponseValidationError, KlarnaOrderManagement
from tests._support.calls import call, serving
from tests._support.spec_tools import load_spec, operations, resolve

SENTINEL = "SENTINEL-c0ffee"
SENTINEL_INT = 987654321

#: The method that serves each operation of spec/ (the calls themselves: tests/_support/calls).
SERVING = serving(KlarnaOrderManagement)


def run(client: KlarnaOrderManagement, op_id: str) -> Any:
    """Call the method that serves ``op_id`` with the table's arguments."""
    return call(client, SERVING[op_id])


def _json_200_schemas() -> dict[str, dict[str, Any]]:
    spec = load_spec()
    found = {}
    for op_id, (_method, _path, op) in operations(spec).items():
        response = resolve(spec, op.get("responses", {}).get("200"))
        content = (response or {}).get("content", {}).get("application/json")
        if content:
            found[op_id] = resolve(spec, content["schema"])
    return found


def _kind(schema: dict[str, Any]) -> str:
    """The JSON type a schema asks for; an ``anyOf`` of an enum and a string is a string."""
    spec = load_spec()
    if "anyOf" in schema:
        kinds = {_kind(resolve(spec, member)) for member in schema["anyOf"]}
        assert len(kinds) == 1, f"anyOf of several JSON types: {kinds}"
        return kinds.pop()
    if schema.get("format") == "date-time":
        return "date-time"
    kind: str = schema["type"]
    return kind


def valid(schema: dict[str, Any]) -> Any:
    """A valid value of ``schema`` with every declared property present."""
    spec = load_spec()
    schema = resolve(spec, schema)
    kind = _kind(schema)
    if kind == "object":
        return {name: valid(sub) for name, sub in schema.get("properties", {}).items()}
    if kind == "array":
        return [valid(schema["items"]), valid(schema["items"])]
    if "anyOf" in schema:
        return valid(schema["anyOf"][0])
    if "enum" in schema:
        return schema["enum"][0]
    return {
        "integer": 1,
        "number": 1.5,
        "string": "x",
        "boolean": False,
        "date-time": "2015-12-04T15:17:40Z",
    }[kind]


#: One value of the wrong JSON type per kind, each of which a lax reader would let through.
WRONG: dict[str, Any] = {
    "integer": SENTINEL,  # a numeric string is also refused, see test_errors
    "number": SENTINEL,
    "string": SENTINEL_INT,
    "boolean": SENTINEL,
    "date-time": SENTINEL,  # a string, but not a date-time
    "array": {SENTINEL: 1},
    "object": [SENTINEL],
}


def fields(
    schema: dict[str, Any], path: str = ""
) -> Iterator[tuple[str, tuple[Any, ...], str, bool]]:
    """Every field below ``schema``: (JSON path, key path into a ``valid`` body, kind, required)."""
    yield from _fields(resolve(load_spec(), schema), path, ())


def _fields(
    schema: dict[str, Any], path: str, keys: tuple[Any, ...]
) -> Iterator[tuple[str, tuple[Any, ...], str, bool]]:
    spec = load_spec()
    required = set(schema.get("required", ()))
    for name, sub in schema.get("properties", {}).items():
        sub = resolve(spec, sub)
        here, here_keys = (f"{path}.{name}" if path else name), (*keys, name)
        kind = _kind(sub)
        yield here, here_keys, kind, name in required
        if kind == "object":
            yield from _fields(sub, here, here_keys)
        elif kind == "array":
            items = resolve(spec, sub["items"])
            if _kind(items) == "object":
                yield from _fields(items, f"{here}[1]", (*here_keys, 1))


def _cases(*, refused: bool) -> Iterator[Any]:
    """The wrong values the client refuses (``refused``), or the nulls it reads as absent."""
    for op_id, schema in sorted(_json_200_schemas().items()):
        for path, keys, kind, required in fields(schema):
            for label, value in (("wrong type", WRONG[kind]), ("null", None)):
                if refused == (value is not None or required):
                    yield pytest.param(
                        op_id, schema, keys, value, path, id=f"{op_id}-{path}-{label}"
                    )


#: A wrong JSON type anywhere, and null in a required field: refused with the path.
CASES = list(_cases(refused=True))
#: Null in an optional field: read as absent.
NULL_CASES = list(_cases(refused=False))


def _with(body: Any, keys: tuple[Any, ...], value: Any) -> Any:
    changed = copy.deepcopy(body)
    node = changed
    for key in keys[:-1]:
        node = node[key]
    node[keys[-1]] = value
    return changed


@pytest.fixture(scope="module")
def serve() -> Iterator[tuple[KlarnaOrderManagement, list[Any]]]:
    bodies: list[Any] = []
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=bodies[-1]))
    with KlarnaOrderManagement(
        "u", "p", base_url="http://127.0.0.1:9", transport=transport
    ) as client:
        yield client, bodies


def test_every_operation_with_a_json_200_has_a_call() -> None:
    assert set(_json_200_schemas()) <= set(SERVING), set(_json_200_schemas()) - set(SERVING)
    assert len(_json_200_schemas()) == 3  # getOrder, getRefund, getOptionsForExtendDueDate


def test_the_valid_bodies_are_read(serve: tuple[KlarnaOrderManagement, list[Any]]) -> None:
    client, bodies = serve
    for op_id, schema in _json_200_schemas().items():
        body = valid(schema)
        bodies.append(body)
        result: Any = run(client, op_id)
        assert result.to_dict() == _normalized(body), op_id


def _normalized(body: Any) -> Any:
    """``body`` as ``to_dict`` writes it back: date-times with an explicit offset."""
    if isinstance(body, dict):
        return {k: _normalized(v) for k, v in body.items()}
    if isinstance(body, list):
        return [_normalized(v) for v in body]
    return "2015-12-04T15:17:40+00:00" if body == "2015-12-04T15:17:40Z" else body


@pytest.mark.parametrize(("op_id", "schema", "keys", "value", "path"), CASES)
def test_a_wrong_value_names_its_path_and_never_the_value(
    serve: tuple[KlarnaOrderManagement, list[Any]],
    op_id: str,
    schema: dict[str, Any],
    keys: tuple[Any, ...],
    value: Any,
    path: str,
) -> None:
    client, bodies = serve
    bodies.append(_with(valid(schema), keys, value))
    with pytest.raises(APIResponseValidationError) as info:
        run(client, op_id)
    message = str(info.value)
    assert (info.value.field, info.value.status_code) == (path, 200)
    assert message.startswith(f"200 response does not match the spec: {path}: expected ")
    assert message.endswith(f", found {_found(value, keys, schema)}")
    for secret in (SENTINEL, str(SENTINEL_INT)):
        assert secret not in message
        assert secret not in repr(info.value)


@pytest.mark.parametrize(("op_id", "schema", "keys", "value", "path"), NULL_CASES)
def test_null_in_an_optional_field_reads_as_absent(
    serve: tuple[KlarnaOrderManagement, list[Any]],
    op_id: str,
    schema: dict[str, Any],
    keys: tuple[Any, ...],
    value: Any,
    path: str,
) -> None:
    client, bodies = serve
    body = valid(schema)
    bodies.append(_with(body, keys, None))
    result: Any = run(client, op_id)
    assert result.to_dict() == _normalized(_without(body, keys)), path
    if len(keys) == 1:
        attribute = getattr(result, "type_" if keys[0] == "type" else keys[0])
        assert attribute in (None, ()), path


def _without(body: Any, keys: tuple[Any, ...]) -> Any:
    changed = copy.deepcopy(body)
    node = changed
    for key in keys[:-1]:
        node = node[key]
    del node[keys[-1]]
    return changed


def _found(value: Any, keys: tuple[Any, ...], schema: dict[str, Any]) -> str:
    if value is None:
        return "null"
    if value == SENTINEL:
        # A string where a date-time is due is a string, but not a date-time.
        return "string" if not _is_date_time(keys, schema) else "string that is not a date-time"
    return {int: "integer", dict: "object", list: "array"}[type(value)]


def _is_date_time(keys: tuple[Any, ...], schema: dict[str, Any]) -> bool:
    spec = load_spec()
    node = resolve(spec, schema)
    for key in keys:
        node = resolve(spec, node["items"] if isinstance(key, int) else node["properties"][key])
    return _kind(node) == "date-time"


def test_the_case_count(capsys: pytest.CaptureFixture[str]) -> None:
    per_op: dict[str, int] = {}
    for case in CASES + NULL_CASES:
        per_op[case.values[0]] = per_op.get(case.values[0], 0) + 1
    with capsys.disabled():
        print(
            f"\nstrict results: {len(CASES) + len(NULL_CASES)} wrong-value cases from spec/ "
            f"({', '.join(f'{k} {v}' for k, v in sorted(per_op.items()))}): "
            f"{len(CASES)} refused, {len(NULL_CASES)} nulls in optional fields read as absent"
        )
    assert len(CASES) + len(NULL_CASES) >= 284
    nulls_refused = [c.values[4] for c in CASES if c.values[3] is None]
    assert {"order_id", "refund_id", "captures[1].capture_id", "options[1].amount"} <= set(
        nulls_refused
    )
    assert {"refunded_at", "order_lines", "captures[1].reference"} <= {
        c.values[4] for c in NULL_CASES
    }
    paths = {case.values[4] for case in CASES}
    assert {  # nested objects, arrays of objects, and arrays inside arrays are all reached
        "refunded_amount",
        "order_lines[1].quantity",
        "order_lines[1].subscription.interval_count",
        "captures[1].order_lines[1].product_identifiers.brand",
        "options[1].amount",
    } <= paths
