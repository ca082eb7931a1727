"""A 429 storm: the sandbox limits the merchant at Klarna's playground rate, 500 refunds go out.

The sandbox (in process) meters the merchant at 50 requests per second with Klarna's headers
(``X-Ratelimit-*``, no ``Retry-After``); ``tests/_support/storm.py`` refunds every order once,
32 at a time, retrying a refund that still fails under the same key. Unpaced, a control run
shows the storm is real; paced by the client's ``max_requests_per_second``, fewer than 5 % of
the calls may be answered 429. In both runs every order ends with exactly one refund of its
amount: 0 duplicates, 0 lost. ``bench/ratelimit_storm.py`` compares more settings.
"""

from __future__ import annotations

import pytest

from tests._support.storm import storm

LIMIT = 50.0  # Klarna's playground: requests per second per merchant

SUMMARIES: list[str] = []


@pytest.mark.timeout(120)
def test_unpaced_the_storm_is_real() -> None:
    # The control: without the pacer, many calls are answered 429 (each then waits its reset).
    run = storm(200, LIMIT, None)
    SUMMARIES.append(run.line("unpaced"))
    assert run.per_order == {1: 200}  # 0 duplicates, 0 lost
    assert (run.statuses[201], run.share_429 > 0.1) == (200, True)  # 24-37 % measured


@pytest.mark.timeout(120)
def test_a_paced_500_refund_run_stays_under_the_limit() -> None:
    run = storm(500, LIMIT, LIMIT)
    SUMMARIES.append(run.line(f"paced at {LIMIT:g}/s"))
    assert run.per_order == {1: 500}  # 0 duplicates, 0 lost
    assert (run.statuses[201], run.share_429 < 0.05) == (500, True)
