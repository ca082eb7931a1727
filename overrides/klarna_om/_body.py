"""Reading a response body under a size cap and the call's deadline (``BodyReader``).

Exists because httpx reads whatever a server sends: a huge or endless body would exhaust memory
or time. The retry transports read each attempt's body here, inside their loop, so a body cut
off mid-way is retried like a drop. It decodes only gzip and deflate (the client asks for
identity), within the same cap; it never keeps more than ``limit`` bytes.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator, Callable, Iterator
from typing import NoReturn, cast

import httpx

from ._constants import IDEMPOTENCY_HEADER
from ._errors import ResponseTooLargeError


class BodyReader:
    """Collects a response body up to a size cap and a deadline (the body of a streaming loop).

    The transports feed it the raw chunks; it stops a body that is too big or too slow, and
    decodes gzip or deflate within the same cap, so no answer can exhaust memory or time.
    """

    def __init__(
        self, request: httpx.Request, limit: int, deadline: float, clock: Callable[[], float]
    ) -> None:
        self.request = request
        self.limit = limit
        self.deadline = deadline
        self.clock = clock
        self.status_code = 0
        self.size = 0
        self.chunks: list[bytes] = []

    def too_large(self) -> NoReturn:
        """Raise the typed error for a body over the cap."""
        raise ResponseTooLargeError(
            f"{self.status_code} response is larger than max_response_bytes={self.limit}; "
            "reading stopped",
            request=self.request,
            idempotency_key=self.request.headers.get(IDEMPOTENCY_HEADER),
            status_code=self.status_code,
            limit=self.limit,
        )

    def start(self, response: httpx.Response) -> None:
        """Refuse at once a body whose declared length is over the cap."""
        self.status_code = response.status_code
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.limit:
            self.too_large()

    def already_read(self, response: httpx.Response) -> httpx.Response:
        """Check a response an inner transport has read already (e.g. a test double)."""
        self.status_code = response.status_code
        if len(response.content) > self.limit:
            self.too_large()
        return response

    def check(self, chunk: bytes) -> None:
        """Count one chunk; raise when the cap or the deadline is passed."""
        self.size += len(chunk)
        if self.size > self.limit:
            self.too_large()
        if self.clock() > self.deadline:
            raise httpx.ReadTimeout(
                "the call's time budget ran out while reading the body", request=self.request
            )

    def add(self, chunk: bytes) -> None:
        """Take one chunk (kept for ``finish``); raise when the cap or the deadline is passed."""
        self.check(chunk)
        self.chunks.append(chunk)

    def guarded_async(
        self, stream: httpx.SyncByteStream | httpx.AsyncByteStream
    ) -> httpx.AsyncByteStream:
        """An async response's ``stream``, read in place (``aread``) under the cap and deadline."""
        return _GuardedAsyncStream(cast(httpx.AsyncByteStream, stream), self)

    def guarded_sync(
        self, stream: httpx.SyncByteStream | httpx.AsyncByteStream
    ) -> httpx.SyncByteStream:
        """A sync response's ``stream``, read in place (``read``) under the cap and deadline."""
        return _GuardedSyncStream(cast(httpx.SyncByteStream, stream), self)

    def finish(self, response: httpx.Response) -> httpx.Response:
        """The response again, its body in memory and decoded (gzip or deflate)."""
        content = b"".join(self.chunks)
        headers = response.headers
        codings = [
            c.strip().lower()
            for c in ",".join(headers.get_list("content-encoding")).split(",")
            if c.strip() and c.strip().lower() != "identity"
        ]
        if len(codings) > 1 or (codings and codings[0] not in ("gzip", "x-gzip", "deflate")):
            # the client asks for identity; httpx would decode anything else without the cap
            raise httpx.RemoteProtocolError(
                "the response has a content encoding the client did not ask for",
                request=self.request,
            )
        encoding = codings[0] if codings else "identity"
        if "content-encoding" in headers:
            headers = httpx.Headers(headers)
            del headers["content-encoding"]
        if encoding in ("gzip", "x-gzip", "deflate"):
            # 47: a gzip or zlib header, detected; raw deflate needs -15.
            wbits = 47 if encoding != "deflate" or content[:1] == b"\x78" else -15
            decoder = zlib.decompressobj(wbits)
            try:
                content = decoder.decompress(content, self.limit + 1)
            except zlib.error as exc:
                raise httpx.RemoteProtocolError(
                    f"{encoding} body could not be decoded", request=self.request
                ) from exc
            if len(content) > self.limit:
                self.too_large()
            headers["content-length"] = str(len(content))
        return httpx.Response(
            response.status_code,
            headers=headers,
            content=content,
            extensions=response.extensions,
            request=self.request,
        )


class _GuardedAsyncStream(httpx.AsyncByteStream):
    def __init__(self, inner: httpx.AsyncByteStream, reader: BodyReader) -> None:
        self._inner = inner
        self._reader = reader

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._inner:
            self._reader.check(chunk)
            yield chunk

    async def aclose(self) -> None:
        await self._inner.aclose()


class _GuardedSyncStream(httpx.SyncByteStream):
    def __init__(self, inner: httpx.SyncByteStream, reader: BodyReader) -> None:
        self._inner = inner
        self._reader = reader

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._inner:
            self._reader.check(chunk)
            yield chunk

    def close(self) -> None:
        self._inner.close()
