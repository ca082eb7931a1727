"""Record and replay Klarna's answers (VCR.py cassettes), every one checked against the spec.

``vcr_config()`` is the configuration for VCR.py (and pytest-recording's ``vcr_config``
fixture): credentials are replaced before anything is written, and each interaction a cassette
loads is validated against the spec shipped in this package, request and response, so a
cassette that no longer matches the spec fails the test that replays it, naming the JSON path.
``check_cassette(path)`` validates a cassette file on its own. Nothing here imports VCR.py:
it works on VCR.py's plain data (a request with ``method``, ``uri``, ``body`` and ``headers``;
a response as a dict), so the sandbox extra is all it needs.
"""

from __future__ import annotations

import base64
import functools
import json
from collections.abc import Mapping
from os import PathLike
from typing import Any
from urllib.parse import parse_qs, urlsplit

import yaml
from openapi_core import Config, OpenAPI
from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound
from openapi_core.testing import MockRequest, MockResponse

from ._spec import load_spec

#: The value recorded instead of the ``Authorization`` header: Basic ``REDACTED:REDACTED``,
#: still a Basic header, so the recorded request stays valid against the spec.
REDACTED_AUTHORIZATION = "Basic " + base64.b64encode(b"REDACTED:REDACTED").decode("ascii")
#: Request headers replaced before a request is recorded (credentials, cookies).
FILTERED_REQUEST_HEADERS = ("Authorization", "Proxy-Authorization", "Cookie")
#: Response headers dropped before a response is recorded.
FILTERED_RESPONSE_HEADERS = frozenset({"set-cookie"})


class CassetteMismatchError(AssertionError):
    """A recorded request or response the spec does not allow.

    Its message names the cassette interaction, the operation, and each violation with its
    JSON path (``$.refunded_amount: '3000' is not of type 'integer'``).

    Attributes:
        violations: One line per violation.
    """

    def __init__(self, where: str, violations: list[str]) -> None:
        self.violations = violations
        lines = "\n".join(f"  {line}" for line in violations)
        super().__init__(f"{where} does not match the Klarna Order Management spec:\n{lines}")


def vcr_config(*, check: bool = True) -> dict[str, Any]:
    """The VCR.py configuration that records Klarna safely and replays it checked.

    Use it as pytest-recording's ``vcr_config`` fixture (or ``vcr.VCR(**vcr_config())``)::

        @pytest.fixture(scope="module")
        def vcr_config():
            return klarna_om_sandbox.vcr_config()

    Args:
        check: Validate every interaction a cassette loads against the spec (default); a
            violation raises ``CassetteMismatchError`` when the cassette is loaded.

    Returns:
        Keyword arguments for ``vcr.VCR`` / ``use_cassette``: ``Authorization``,
        ``Proxy-Authorization`` and ``Cookie`` replaced (Basic ``REDACTED:REDACTED``),
        ``Set-Cookie`` dropped, compressed bodies stored decoded (readable and checkable),
        requests matched on method, URL and body.
    """
    config: dict[str, Any] = {
        "filter_headers": [
            (name, REDACTED_AUTHORIZATION if name.endswith("Authorization") else "REDACTED")
            for name in FILTERED_REQUEST_HEADERS
        ],
        "before_record_response": _drop_response_headers,
        "decode_compressed_response": True,
        "match_on": ["method", "scheme", "host", "port", "path", "query", "body"],
    }
    if check:
        config["after_load_interaction"] = check_interaction
    return config


def check_interaction(request: Any, response: Mapping[str, Any]) -> tuple[Any, Mapping[str, Any]]:
    """Validate one recorded interaction against the spec; return it unchanged.

    ``request`` is VCR.py's request (or its dict form: ``method``, ``uri``, ``body``,
    ``headers``); ``response`` VCR.py's dict (``status``, ``headers``, ``body``). Requests to
    paths the spec does not describe are left alone.

    Raises:
        CassetteMismatchError: The request or the response breaks the spec.
    """
    violations = interaction_violations(request, response)
    if violations:
        method, uri = _field(request, "method"), _field(request, "uri")
        status = response["status"]["code"]
        where = f"recorded {method} {urlsplit(uri).path} ({status})"
        raise CassetteMismatchError(where, violations)
    return request, response


def interaction_violations(request: Any, response: Mapping[str, Any]) -> list[str]:
    """Every way the interaction breaks the spec, one line each (empty: it matches)."""
    method = str(_field(request, "method")).lower()
    parts = urlsplit(str(_field(request, "uri")))
    wrapped = MockRequest(
        f"{parts.scheme}://{parts.netloc}",
        method,
        parts.path,
        args={name: values[-1] for name, values in parse_qs(parts.query).items()},
        headers=_headers(_field(request, "headers")),
        data=_bytes(_field(request, "body")),
        content_type=_content_type(_headers(_field(request, "headers"))),
    )
    found = _openapi().unmarshal_request(wrapped).errors
    if any(isinstance(error, (PathNotFound, OperationNotFound)) for error in found):
        return []  # not Klarna's API (the sandbox's control endpoints, another service)
    violations = [f"request {line}" for error in found for line in _describe(error)]
    headers = _headers(response.get("headers"))
    result = _openapi().unmarshal_response(
        wrapped,
        MockResponse(
            _bytes((response.get("body") or {}).get("string")),
            response["status"]["code"],
            headers=headers,
            content_type=_content_type(headers),
        ),
    )
    violations += [f"response {line}" for error in result.errors for line in _describe(error)]
    return violations


def check_cassette(path: str | PathLike[str]) -> int:
    """Validate every interaction of a VCR.py YAML cassette; return how many it holds.

    Raises:
        CassetteMismatchError: Some interactions break the spec (all of them are listed).
    """
    with open(path, encoding="utf-8") as f:
        cassette = yaml.safe_load(f)
    interactions = cassette.get("interactions") or []
    violations = []
    for number, interaction in enumerate(interactions, start=1):
        request, response = interaction["request"], interaction["response"]
        violations += [
            f"interaction {number} ({str(request['method']).upper()} "
            f"{urlsplit(request['uri']).path}): {line}"
            for line in interaction_violations(request, response)
        ]
    if violations:
        raise CassetteMismatchError(f"cassette {path}", violations)
    return len(interactions)


@functools.cache
def _openapi() -> OpenAPI:
    """The spec's validator, with the ``uri`` format checked here.

    jsonschema checks ``uri`` only when the optional rfc3986-validator is installed; without it
    every ``Location`` header would fail as "Formatter not found" in a user's environment.
    """
    return OpenAPI.from_dict(load_spec(), config=Config(extra_format_validators={"uri": _is_uri}))


def _is_uri(value: Any) -> bool:
    """An absolute URI (RFC 3986): a scheme, and no space or control character."""
    if not isinstance(value, str) or any(c.isspace() or ord(c) < 32 for c in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return bool(parts.scheme) and parts.scheme[0].isalpha() and bool(parts.netloc or parts.path)


def _drop_response_headers(response: dict[str, Any]) -> dict[str, Any]:
    response["headers"] = {
        name: values
        for name, values in response.get("headers", {}).items()
        if name.lower() not in FILTERED_RESPONSE_HEADERS
    }
    return response


def _describe(error: Exception) -> list[str]:
    """One line per violation, led by its JSON path (``$.order_lines[0].quantity``)."""
    name = getattr(error, "name", None)
    schema_errors = getattr(error.__cause__, "schema_errors", None) or getattr(
        error, "schema_errors", None
    )
    if schema_errors:
        where = f"header {name}: " if isinstance(name, str) else ""
        return [f"{where}{e.json_path}: {e.message}" for e in schema_errors]
    if isinstance(name, str):
        if type(error).__name__.startswith("Missing"):
            return [f"header {name}: required, missing"]
        return [f"header {name}: {error}"]
    return [f"$: {type(error).__name__}: {error}"]


def _field(item: Any, name: str) -> Any:
    return item[name] if isinstance(item, Mapping) else getattr(item, name)


def _headers(headers: Any) -> dict[str, str]:
    """VCR.py's headers (``{name: value}`` or ``{name: [values]}``) as one value per name."""
    flat: dict[str, str] = {}
    for name, value in (headers or {}).items():
        values = value if isinstance(value, list | tuple) else [value]
        if values:
            flat[str(name)] = ", ".join(str(v) for v in values)
    return flat


def _content_type(headers: Mapping[str, str]) -> str:
    for name, value in headers.items():
        if name.lower() == "content-type":
            return value.split(";")[0].strip()
    return ""


def _bytes(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    return json.dumps(body).encode("utf-8")  # a cassette written with a JSON body
