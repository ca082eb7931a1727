"""The deadline backend's stream sends a request's head and body in one ``send``.

httpcore writes a request's head, then its body, then the body's end; a small request thus
costs two system calls (and, on loopback, the receiver's TCP work twice). The stream keeps a
head that announces a body back and sends it with the body's first write, as ``http.client``
does; anything else goes out at once, and a read never waits behind a kept head.
"""

from __future__ import annotations

import httpcore
import pytest

from klarna_om._deadline_backend import _body_follows, _DeadlineStream

BODY = b'{"refunded_amount":100}'
HEAD = b"POST /refunds HTTP/1.1\r\nHost: x\r\nContent-Length: 23\r\n\r\n"


class _Recording(httpcore.NetworkStream):
    def __init__(self) -> None:
        self.sent: list[bytes] = []
        self.reads = 0

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        self.reads += 1
        return b"HTTP/1.1 204 No Content\r\n\r\n"

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.sent.append(buffer)

    def close(self) -> None:
        pass


def test_a_head_and_its_body_go_out_in_one_send() -> None:
    inner = _Recording()
    stream = _DeadlineStream(inner)
    stream.write(HEAD)
    assert inner.sent == []
    stream.write(BODY)
    stream.write(b"")  # the end of a Content-Length body: nothing to send
    assert inner.sent == [HEAD + BODY]


@pytest.mark.parametrize(
    "head",
    [
        b"GET /orders/o-1 HTTP/1.1\r\nHost: x\r\n\r\n",
        b"POST /release HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
        b"POST /release HTTP/1.1\r\nHost: x\r\ncontent-length: 00\r\n\r\n",
        b"POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n",
    ],
)
def test_a_head_without_a_body_goes_out_at_once(head: bytes) -> None:
    inner = _Recording()
    _DeadlineStream(inner).write(head)
    assert inner.sent == [head]
    assert not _body_follows(head)


def test_a_read_sends_a_kept_head_first() -> None:
    inner = _Recording()
    stream = _DeadlineStream(inner)
    stream.write(HEAD)
    assert stream.read(65536) == b"HTTP/1.1 204 No Content\r\n\r\n"
    assert (inner.sent, inner.reads) == ([HEAD], 1)


def test_the_announcement_is_read_in_any_case_and_with_leading_zeros() -> None:
    assert _body_follows(b"PATCH /x HTTP/1.1\r\nCONTENT-LENGTH: 010\r\n\r\n")
    assert not _body_follows(b"PATCH /x HTTP/1.1\r\nContent-Length: 10\r\n")  # not a whole head
