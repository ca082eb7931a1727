"""Checks traffic against spec/ with openapi-core: every client request, every sandbox response.

``SpecCheckingTransport`` wraps the transport under test. It validates each request the client
sends (method, path, parameters, headers, body) and, when asked, each response (status, headers,
body). A violation fails the test at once and is counted for the session summary printed by
``tests/conftest.py``.
"""

from __future__ import annotations

import copy
from typing import Any
from urllib.parse import parse_qs

import attrs
import httpx
from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound
from werkzeug.datastructures import Headers, ImmutableMultiDict

from tests._support.spec_tools import load_spec


class SpecViolation(AssertionError):
    """Traffic that does not match spec/."""


class _Request:
    """openapi-core's request protocol over an httpx.Request."""

    def __init__(self, request: httpx.Request) -> None:
        self.request = request
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(parse_qs(request.url.query.decode())),
            header=Headers(request.headers.multi_items()),
            cookie=ImmutableMultiDict(),
        )

    @property
    def host_url(self) -> str:
        return f"{self.request.url.scheme}://{self.request.url.netloc.decode()}"

    @property
    def path(self) -> str:
        # The raw (still percent-encoded) path, so an id holding "/" stays one segment.
        return self.request.url.raw_path.split(b"?")[0].decode("ascii")

    @property
    def method(self) -> str:
        return self.request.method.lower()

    @property
    def body(self) -> bytes | None:
        return self.request.content or None

    @property
    def content_type(self) -> str:
        return str(self.request.headers.get("content-type", ""))


class _Response:
    """openapi-core's response protocol over an httpx.Response."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response

    @property
    def data(self) -> bytes:
        return self.response.content

    @property
    def status_code(self) -> int:
        return self.response.status_code

    @property
    def content_type(self) -> str:
        return str(self.response.headers.get("content-type", ""))

    @property
    def headers(self) -> Headers:
        return Headers(self.response.headers.multi_items())


@attrs.define
class SpecChecker:
    """Validates and counts; one per test session."""

    openapi: OpenAPI
    requests: int = 0
    responses: int = 0
    outside_spec: int = 0
    injected_faults: int = 0
    violations: list[str] = attrs.field(factory=list)

    @classmethod
    def create(cls) -> SpecChecker:
        spec = copy.deepcopy(load_spec())
        spec["servers"] = [{"url": "/"}]  # any host: the tests talk to mocks and loopback
        return cls(OpenAPI.from_dict(spec))

    def check_request(self, request: httpx.Request) -> None:
        """Fail unless ``request`` is valid for its operation in the spec."""
        self.requests += 1
        self._raise_on(request, self.openapi.unmarshal_request(_Request(request)).errors)

    def check_response(self, request: httpx.Request, response: httpx.Response) -> None:
        """Fail unless ``response`` is documented for the operation ``request`` calls.

        Requests outside the spec (/sandbox/, unknown paths) are counted, not checked.
        """
        if "klarna-om-sandbox-fault" in response.headers:  # off-spec on purpose (html_502...)
            self.injected_faults += 1
            return
        wrapped = _Request(request)
        try:
            errors = list(self.openapi.unmarshal_response(wrapped, _Response(response)).errors)
        except (PathNotFound, OperationNotFound):
            self.outside_spec += 1
            return
        if errors and isinstance(errors[0], (PathNotFound, OperationNotFound)):
            self.outside_spec += 1
            return
        self.responses += 1
        self._raise_on(request, errors, response)

    def _raise_on(
        self, request: httpx.Request, errors: Any, response: httpx.Response | None = None
    ) -> None:
        errors = list(errors)
        if not errors:
            return
        what = "request" if response is None else f"{response.status_code} response"
        detail = "; ".join(
            f"{type(e).__name__}: {e} {getattr(e, '__cause__', '') or ''}" for e in errors
        )
        message = f"{what} to {request.method} {request.url.path} breaks spec/: {detail}"
        self.violations.append(message)
        raise SpecViolation(message)


_checker: SpecChecker | None = None


def checker() -> SpecChecker:
    """The session's checker (built on first use: loading the spec takes a moment)."""
    global _checker
    if _checker is None:
        _checker = SpecChecker.create()
    return _checker


class SpecCheckingTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Wraps a transport; validates requests (and responses, if asked) against spec/."""

    def __init__(self, inner: Any, *, requests: bool = True, responses: bool = False) -> None:
        self._inner = inner
        self._requests = requests
        self._responses = responses

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self._requests:
            checker().check_request(request)
        response: httpx.Response = self._inner.handle_request(request)
        if self._responses:
            response.read()
            checker().check_response(request, response)
        return response

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._requests:
            checker().check_request(request)
        response: httpx.Response = await self._inner.handle_async_request(request)
        if self._responses:
            await response.aread()
            checker().check_response(request, response)
        return response

    def close(self) -> None:
        self._inner.close()

    async def aclose(self) -> None:
        await self._inner.aclose()
