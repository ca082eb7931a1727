"""The durations the sandbox accepts: how long idempotency keys live, how far its clock may move.

Standard library only: the command line checks ``--idempotency-ttl`` before the extra loads.
"""

from __future__ import annotations

#: How long an idempotency key is honoured by default: Klarna's 24 hours.
IDEMPOTENCY_TTL_SECONDS = 24 * 3600
#: The longest key lifetime, and how far the clock may be moved forward in all (100 years).
MAX_SECONDS = 100 * 365 * 24 * 3600


def check_idempotency_ttl(seconds: float) -> float:
    """``seconds`` if it is a usable key lifetime (above 0, at most 100 years), else ValueError."""
    # NaN and infinities fail the comparison; bools (ints to Python) fail the type check.
    if type(seconds) not in (int, float) or not 0 < seconds <= MAX_SECONDS:
        raise ValueError(
            f"idempotency_ttl must be a number of seconds above 0 and at most {MAX_SECONDS}, "
            f"not {seconds!r}"
        )
    return seconds


def plain(seconds: float) -> float:
    """Whole seconds as an int (``3600``, not ``3600.0``, in JSON and in messages)."""
    return int(seconds) if isinstance(seconds, float) and seconds.is_integer() else seconds
