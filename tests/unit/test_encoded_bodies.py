"""Compressed bodies (a server may ignore Accept-Encoding: identity) are decoded within the cap."""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from klarna_om import (
    APIConnectionError,
    AsyncKlarnaOrderManagement,
    AsyncRetryTransport,
    KlarnaOrderManagement,
    ResponseTooLargeError,
    RetryPolicy,
    RetryTransport,
)

REFUND = {"refund_id": "r-1", "refunded_amount": 500}
BODY = json.dumps(REFUND).encode()


class _Chunks(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body in two chunks, read from the network (not already in memory)."""

    def __init__(self, data: bytes) -> None:
        self._parts = [data[: len(data) // 2], data[len(data) // 2 :]]

    def __iter__(self) -> Iterator[bytes]:
        yield from self._parts

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for part in self._parts:
            yield part


def _answer(encoding: str, data: bytes) -> httpx.Response:
    headers = {"Content-Type": "application/json", "Content-Encoding": encoding}
    return httpx.Response(200, headers=headers, stream=_Chunks(data))


def _raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(wbits=-15)
    return compressor.compress(data) + compressor.flush()


ENCODED = [
    ("gzip", gzip.compress(BODY)),
    ("x-gzip", gzip.compress(BODY)),
    ("deflate", zlib.compress(BODY)),
    ("deflate", _raw_deflate(BODY)),
]


class _Transport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    def __init__(self, encoding: str, data: bytes) -> None:
        self.encoding, self.data = encoding, data

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return _answer(self.encoding, self.data)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return _answer(self.encoding, self.data)


def _sync(encoding: str, data: bytes, max_response_bytes: int = 1 << 20) -> KlarnaOrderManagement:
    transport = RetryTransport(
        _Transport(encoding, data),
        policy=RetryPolicy(max_retries=0),
        max_response_bytes=max_response_bytes,
    )
    return KlarnaOrderManagement("u", "p", base_url="http://127.0.0.1:9", transport=transport)


@pytest.mark.parametrize(("encoding", "data"), ENCODED)
def test_a_compressed_body_is_decoded(encoding: str, data: bytes) -> None:
    with _sync(encoding, data) as client:
        assert client.get_refund("o-1", "r-1").to_dict() == REFUND


@pytest.mark.parametrize(("encoding", "data"), ENCODED)
def test_a_compressed_body_is_decoded_async(encoding: str, data: bytes) -> None:
    import asyncio

    async def main() -> dict[str, object]:
        transport = AsyncRetryTransport(
            _Transport(encoding, data), policy=RetryPolicy(max_retries=0)
        )
        async with AsyncKlarnaOrderManagement(
            "u", "p", base_url="http://127.0.0.1:9", transport=transport
        ) as client:
            return (await client.get_refund("o-1", "r-1")).to_dict()

    assert asyncio.run(main()) == REFUND


def test_a_compression_bomb_stops_at_the_cap() -> None:
    bomb = gzip.compress(b"0" * 10_000_000)
    with (
        _sync("gzip", bomb, max_response_bytes=4096) as client,
        pytest.raises(ResponseTooLargeError) as info,
    ):
        client.get_refund("o-1", "r-1")
    assert (info.value.limit, info.value.status_code) == (4096, 200)


def test_a_body_that_does_not_decode_is_a_protocol_failure() -> None:
    with _sync("gzip", b"not gzip at all") as client, pytest.raises(APIConnectionError) as info:
        client.get_refund("o-1", "r-1")
    assert str(info.value) == "no response after every allowed attempt (RemoteProtocolError)"


@pytest.mark.parametrize(
    ("encoding", "data"),
    [
        ("gzip, gzip", gzip.compress(gzip.compress(b"0" * 5_000_000))),
        ("identity, gzip", gzip.compress(b"0" * 5_000_000)),
        ("gzip ,identity", gzip.compress(b"0" * 5_000_000)),
        ("GZIP", gzip.compress(b"0" * 5_000_000)),
    ],
)
def test_no_spelling_of_the_encoding_escapes_the_cap(encoding: str, data: bytes) -> None:
    with (
        _sync(encoding, data, max_response_bytes=4096) as client,
        pytest.raises((ResponseTooLargeError, APIConnectionError)) as info,
    ):
        client.get_refund("o-1", "r-1")
    if not isinstance(info.value, ResponseTooLargeError):  # an encoding it cannot decode
        assert str(info.value) == "no response after every allowed attempt (RemoteProtocolError)"


@pytest.mark.parametrize("encoding", ["br", "zstd", "gzip, br", "compress"])
def test_an_encoding_the_client_did_not_ask_for_is_refused(encoding: str) -> None:
    with _sync(encoding, b"\x00" * 100) as client, pytest.raises(APIConnectionError) as info:
        client.get_refund("o-1", "r-1")
    assert str(info.value) == "no response after every allowed attempt (RemoteProtocolError)"
