"""``AiohttpTransport``: the async client over aiohttp, for bulk work (the ``aiohttp`` extra).

Exists because httpcore's async pool spends milliseconds of CPU per request under concurrency,
and aiohttp's does not. It is an ``httpx.AsyncBaseTransport``, so the retry transport, the keys,
the deadline, the size cap and the typed errors work on it unchanged. Two of aiohttp's habits are
undone here, because they would break what the retry policy promises:

- aiohttp re-sends an idempotent request (GET) once, silently, when a pooled connection drops;
  the session's private ``_retry_connection`` flag is switched off (aiohttp 3.10 to 3.x, pinned
  by the extra and tested), so every attempt is one the retry policy counted;
- every failure maps to the httpx error the default transport raises for it: a refused
  connection is a ``ConnectError`` (not a timeout), a dropped one a ``RemoteProtocolError``, a
  slow one a ``ReadTimeout``.

asyncio only (aiohttp has no trio support). The session is made on first use, in the running
loop, and closed with the client; it belongs to that loop (another one raises
``EventLoopMismatchError``), and a forked child of a client gets a new transport (``_process``).
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, Self

import httpx

from ._constants import DEFAULT_LIMITS
from ._errors import EventLoopMismatchError
from ._extras import require
from ._process import Reopenable
from ._public import publish

if TYPE_CHECKING:
    import aiohttp

#: Headers aiohttp computes itself from the URL and the body.
_COMPUTED = frozenset({"host", "content-length", "transfer-encoding"})


def _aiohttp() -> Any:
    (aiohttp,) = require("aiohttp", "aiohttp", feature="AiohttpTransport")
    return aiohttp


class AiohttpTransport(httpx.AsyncBaseTransport, Reopenable):
    """An httpx async transport on aiohttp, for many concurrent calls.

    Pass it as ``AsyncKlarnaOrderManagement(..., transport=AiohttpTransport())``. Its session
    belongs to the event loop it is first used on; in a forked child, the client makes a new
    transport with the same settings and leaves this one to the parent.

    Args:
        limits: Connection-pool limits (``max_connections``, ``keepalive_expiry``).
        verify: ``True`` (system CAs), ``False`` (no verification: tests only) or an
            ``ssl.SSLContext`` (your own CA bundle or client certificate).

    Raises:
        MissingExtraError: aiohttp is not installed (an ``ImportError`` naming the pip command).
    """

    def __init__(
        self, *, limits: httpx.Limits | None = None, verify: ssl.SSLContext | bool = True
    ) -> None:
        self._module = _aiohttp()
        self._limits = limits or DEFAULT_LIMITS
        self._verify = verify
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def _reopened(self) -> Self:
        return type(self)(limits=self._limits, verify=self._verify)

    def _get_session(self, loop: asyncio.AbstractEventLoop) -> aiohttp.ClientSession:
        if self._session is not None and not self._session.closed and self._loop is not loop:
            raise EventLoopMismatchError(
                "this AiohttpTransport's session belongs to the event loop it was first used "
                "on, and this is another one: make one transport per event loop; nothing was sent"
            )
        if self._session is None or self._session.closed:
            aio = self._module
            connector = aio.TCPConnector(
                limit=self._limits.max_connections or 0,
                keepalive_timeout=self._limits.keepalive_expiry or 0,
                ssl=self._verify,
            )
            session = aio.ClientSession(
                connector=connector,
                auto_decompress=False,
                cookie_jar=aio.DummyCookieJar(),
                skip_auto_headers=("User-Agent", "Accept", "Accept-Encoding", "Content-Type"),
            )
            # aiohttp re-sends a GET once when a pooled connection drops: the retry policy
            # counts attempts, so no attempt may happen behind its back (see the module doc).
            if hasattr(session, "_retry_connection"):
                session._retry_connection = False
            self._session, self._loop = session, loop
        return self._session

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send one attempt through aiohttp; map every failure to httpx's error for it."""
        aio = self._module
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            raise RuntimeError(
                "AiohttpTransport runs on asyncio only (aiohttp has no trio support)"
            ) from None
        timeouts = request.extensions.get("timeout") or {}
        timeout = aio.ClientTimeout(
            total=None,
            connect=timeouts.get("pool"),
            sock_connect=timeouts.get("connect"),
            sock_read=timeouts.get("read"),
        )
        headers = [
            (name, value)
            for name, value in request.headers.multi_items()
            if name.lower() not in _COMPUTED
        ]
        session = self._get_session(loop)
        try:
            response = await session.request(
                request.method,
                str(request.url),
                headers=headers,
                data=request.content or None,
                allow_redirects=False,
                timeout=timeout,
            )
        except Exception as exc:
            raise _mapped(aio, exc, request) from exc
        return httpx.Response(
            response.status,
            headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in response.raw_headers],
            stream=_Body(aio, response, request),
            extensions={"http_version": b"HTTP/1.1"},
        )

    async def aclose(self) -> None:
        """Close the aiohttp session and its connections, on the loop they belong to."""
        if self._session is not None:
            if not self._session.closed and self._loop is not asyncio.get_running_loop():
                raise EventLoopMismatchError(
                    "this AiohttpTransport's session belongs to the event loop it was first "
                    "used on, and this is another one: close it there; nothing was closed"
                )
            await self._session.close()
            self._session = None


class _Body(httpx.AsyncByteStream):
    def __init__(self, aio: Any, response: aiohttp.ClientResponse, request: httpx.Request) -> None:
        self._aio = aio
        self._response = response
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._response.content.iter_chunked(65536):
                yield chunk
        except Exception as exc:
            raise _mapped(self._aio, exc, self._request) from exc

    async def aclose(self) -> None:
        self._response.release()


def _mapped(aio: Any, exc: Exception, request: httpx.Request) -> Exception:
    """The httpx error the default transport raises for the same failure."""
    name = type(exc).__name__
    if isinstance(exc, aio.ConnectionTimeoutError):
        return httpx.ConnectTimeout(f"connect timed out ({name})", request=request)
    if isinstance(exc, aio.ClientConnectorError):
        return httpx.ConnectError(f"connection failed ({name})", request=request)
    if isinstance(exc, aio.ServerTimeoutError | asyncio.TimeoutError | TimeoutError):
        return httpx.ReadTimeout(f"read timed out ({name})", request=request)
    if isinstance(exc, aio.ServerDisconnectedError | aio.ClientPayloadError):
        return httpx.RemoteProtocolError(f"server disconnected ({name})", request=request)
    if isinstance(exc, aio.ClientResponseError):
        return httpx.RemoteProtocolError(f"malformed response ({name})", request=request)
    if isinstance(exc, aio.ClientOSError | OSError):  # on an open connection: maybe sent
        return httpx.ReadError(f"connection error ({name})", request=request)
    if isinstance(exc, aio.ClientError):
        return httpx.TransportError(f"aiohttp error ({name})", request=request)
    return exc


publish(globals())
