"""The unit tier's fixture: each test runs against the sync and the async client.

The harness itself (``Harness``, ``Recorder``, answers) lives in ``tests/_support/harness.py``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests._support.harness import Harness


@pytest.fixture(params=["sync", "async"])
def harness(request: pytest.FixtureRequest) -> Iterator[Harness]:
    h = Harness(request.param)
    yield h
    h.close()
