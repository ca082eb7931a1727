"""Klarna's rate limits: what a response announces, and how long a 429 waits.

Exists because Klarna meters every merchant (200 requests per second in production, 50 in the
playground) and says so in headers a spec cannot make a client act on: ``X-Ratelimit-Remaining``
on every response, ``X-Ratelimit-Limit`` and ``X-Ratelimit-Reset`` on a 429, and no
``Retry-After``. It could be deleted if httpx, or a retry library the client adopts, read these
headers and paced requests itself. Parsing never raises on a header value (a garbage value reads
as ``None``. The pacer that acts on them is ``_pacer``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import attrs
import httpx

from ._public import publish

#: The response headers read, lower-cased: Klarna's, then the IETF drafts' (every revision).
_NAMES = frozenset(
    {
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-reset",
        "ratelimit",
        "ratelimit-limit",
        "ratelimit-remaining",
        "ratelimit-reset",
        "ratelimit-policy",
    }
)
_KLARNA_NAMES = frozenset({"x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"})
_RAW_NAMES = frozenset(name.encode() for name in _NAMES)
#: Members of one header read at most: a policy list longer than this is cut, not parsed.
_MAX_MEMBERS = 16
#: A reset or window above a year is a date or a Unix time sent by mistake: read as None.
_MAX_SECONDS = 366 * 24 * 3600.0
_COUNT = re.compile(r"[0-9]{1,18}")
_SECONDS = re.compile(r"[0-9]{1,12}(?:\.[0-9]{1,9})?")

#: ``wait_for_reset`` adds up to this share of the reset (at least ``RESET_JITTER_FLOOR`` s).
RESET_JITTER_SHARE = 0.2
RESET_JITTER_FLOOR = 0.1


@attrs.frozen
class RateLimit:
    """What a response announced about the merchant's rate limit; ``None`` where it said nothing.

    Klarna's values are approximate, "best effort": pace by them, never count on them.

    Attributes:
        limit: Requests allowed per window (``X-Ratelimit-Limit: 40, 40;w=1`` -> 40).
        remaining: Requests left in the current window.
        reset: Seconds until the window resets (Klarna sends it with a 429).
        window: The metering window in seconds (``w=1`` -> 1.0).
    """

    limit: int | None = None
    remaining: int | None = None
    reset: float | None = None
    window: float | None = None

    @classmethod
    def from_headers(cls, headers: httpx.Headers | Mapping[str, str]) -> RateLimit | None:
        """Read the rate-limit headers of a response; None when it has none of them.

        Klarna's ``X-Ratelimit-Limit`` (``40, 40;w=1``), ``X-Ratelimit-Remaining`` and
        ``X-Ratelimit-Reset`` come first; then the IETF drafts' ``RateLimit`` (``limit=40,
        remaining=3, reset=1``, or ``"default";r=3;t=1``), ``RateLimit-Limit``,
        ``RateLimit-Remaining``, ``RateLimit-Reset`` and ``RateLimit-Policy`` (``40;w=1``, or
        ``"default";q=40;w=1``) fill what those leave out. Never raises: a garbage, negative or
        absurd value reads as None.

        Args:
            headers: The response's headers (``httpx.Headers`` or any mapping).

        Returns:
            The announced values, or None when no rate-limit header is present.
        """
        if isinstance(headers, httpx.Headers):  # the raw bytes: decode only the few read
            found = _collect(
                (name.decode("latin-1"), value.decode("latin-1"))
                for name, value in headers.raw
                if name.lower() in _RAW_NAMES
            )
        else:
            found = _collect(headers.items())
        if not found:
            return None
        limit, window = _limit_and_window(found.get("x-ratelimit-limit"))
        remaining = _count(found.get("x-ratelimit-remaining"))
        fields = (limit, remaining, _seconds(found.get("x-ratelimit-reset")), window)
        if not found.keys() <= _KLARNA_NAMES:  # the IETF drafts' headers too
            fields = _merge(fields, _combined(found.get("ratelimit")))
            fields = _merge(fields, _separate(found))
            fields = _merge(fields, _policy(found.get("ratelimit-policy")))
        return cls(*fields)


def wait_for_reset(rate_limit: RateLimit | None, *, cap: float, jitter: float) -> float | None:
    """Seconds a 429 without ``Retry-After`` waits: the announced reset, a little later, capped.

    Pure. The reset is stretched by up to ``RESET_JITTER_SHARE`` of itself (at least
    ``RESET_JITTER_FLOOR`` seconds), so that clients limited together do not all come back at
    the same instant, and then capped.

    Args:
        rate_limit: What the 429 announced (``RateLimit.from_headers``).
        cap: The longest wait returned, in seconds (0 or more).
        jitter: A number in [0, 1), normally ``random.random()``.

    Returns:
        The wait in seconds, or None when no reset was announced (back off as usual then).
    """
    if rate_limit is None or rate_limit.reset is None:
        return None
    spread = max(RESET_JITTER_SHARE * rate_limit.reset, RESET_JITTER_FLOOR)
    return max(0.0, min(cap, rate_limit.reset + jitter * spread))


# --- parsing: each helper returns None for anything it cannot read ---

_Fields = tuple[int | None, int | None, float | None, float | None]
_NOTHING: _Fields = (None, None, None, None)


def _collect(items: Iterable[tuple[str, str]]) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, value in items:
        key = name.lower()
        if key in _NAMES:
            found[key] = f"{found[key]}, {value}" if key in found else value
    return found


def _merge(first: _Fields, then: _Fields) -> _Fields:
    """``first``'s values, with ``then``'s where ``first`` has None."""
    return (
        first[0] if first[0] is not None else then[0],
        first[1] if first[1] is not None else then[1],
        first[2] if first[2] is not None else then[2],
        first[3] if first[3] is not None else then[3],
    )


def _count(text: str | None) -> int | None:
    if text is None:
        return None
    text = text.strip()
    return int(text) if _COUNT.fullmatch(text) else None


def _seconds(text: str | None) -> float | None:
    if text is None:
        return None
    text = text.strip()
    if not _SECONDS.fullmatch(text):
        return None
    value = float(text)
    return value if value <= _MAX_SECONDS else None


def _members(text: str) -> list[tuple[str, dict[str, str]]]:
    """``a;k=v, b`` -> ``[("a", {"k": "v"}), ("b", {})]`` (structured-field lists, loosely)."""
    members = []
    for member in text.split(",", _MAX_MEMBERS)[:_MAX_MEMBERS]:
        head, *params = member.split(";")
        pairs = (param.partition("=") for param in params)
        members.append((head.strip(), {k.strip().lower(): v.strip() for k, _, v in pairs}))
    return members


def _limit_and_window(text: str | None) -> tuple[int | None, float | None]:
    """``40, 40;w=1`` -> (40, 1.0): the first number, and the first policy's window."""
    if text is None:
        return None, None
    members = _members(text)
    windows = (params["w"] for _, params in members if "w" in params)
    return _count(members[0][0]), _seconds(next(windows, None))


def _combined(text: str | None) -> _Fields:
    """``RateLimit``: ``limit=40, remaining=3, reset=1`` or ``"default";r=3;t=1``."""
    if text is None:
        return _NOTHING
    members = _members(text)
    if "=" in members[0][0]:
        values = {k.strip().lower(): v for k, _, v in (head.partition("=") for head, _ in members)}
        return (
            _count(values.get("limit")),
            _count(values.get("remaining")),
            _seconds(values.get("reset")),
            None,
        )
    params = members[0][1]
    return None, _count(params.get("r")), _seconds(params.get("t")), None


def _separate(found: Mapping[str, str]) -> _Fields:
    """``RateLimit-Limit`` (``40`` or ``40, 40;w=1``), ``-Remaining`` and ``-Reset``."""
    limit, window = _limit_and_window(found.get("ratelimit-limit"))
    remaining = _count(found.get("ratelimit-remaining"))
    return limit, remaining, _seconds(found.get("ratelimit-reset")), window


def _policy(text: str | None) -> _Fields:
    """``RateLimit-Policy``: ``40;w=1`` or ``"default";q=40;w=1`` (the first policy)."""
    if text is None:
        return _NOTHING
    head, params = _members(text)[0]
    quota = _count(head) if "q" not in params else _count(params["q"])
    return quota, None, None, _seconds(params.get("w"))


publish(globals())
