"""The rules that make a refund safe to run again, shared by ``klarna-om refund`` and the batch.

The rule, once: **a refund is named by its merchant, order and reference.** Its idempotency key
is derived from those three, so running the same command or the same batch row again sends the
same key, and Klarna applies the refund once. Klarna keeps a key for 24 hours only and, within
them, disregards the body of a repeated key. So a key is trusted for ``RECONCILE_AFTER`` (23 h)
after its first send; past that, the order is read first: a refund with the same reference and
amount already on it means the work is done; none means the refund is sent under a new key
(the next *generation*); the same reference with another amount is a conflict, never resent.
Nothing here does I/O: the callers read the order and keep the journal.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from .._validation import derive_idempotency_key

#: Klarna's idempotency-key lifetime, in seconds.
KEY_LIFETIME = 24 * 3600.0
#: A key older than this (seconds since its first send) is not trusted: reconcile first.
RECONCILE_AFTER = 23 * 3600.0


def refund_key(merchant: str, order_id: str, reference: str, generation: int = 1) -> str:
    """The idempotency key of the refund named ``reference`` on ``order_id`` for ``merchant``.

    Args:
        merchant: Who sends it (the API username): two merchants never share a key.
        order_id: Klarna's order id.
        reference: The merchant's reference of this refund.
        generation: 1 for the first key; the next one after a key outlived Klarna's window.

    Returns:
        A UUID5 string: the same arguments always give the same key.
    """
    parts = [merchant, order_id, "refund", reference]
    if generation > 1:
        parts.append(f"generation-{generation}")
    return derive_idempotency_key(*parts)


def request_digest(request: Mapping[str, Any]) -> str:
    """A SHA-256 of a refund request's canonical JSON: what the journal compares on a re-run."""
    text = json.dumps(request, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def key_expired(first_sent_at: float | None, now: float, reconcile_after: float) -> bool:
    """Whether a key first sent at ``first_sent_at`` may have been forgotten by Klarna."""
    return first_sent_at is not None and now - first_sent_at >= reconcile_after


@attrs.frozen
class Found:
    """What an order already holds for a reference: ``refund_id`` and ``refunded_amount``."""

    refund_id: str
    refunded_amount: int | None


def find_refund(refunds: Iterable[Any], reference: str) -> Found | None:
    """The order's refund with ``reference`` (any object with Klarna's refund fields), or None."""
    for refund in refunds:
        if getattr(refund, "reference", None) == reference:
            return Found(str(refund.refund_id), refund.refunded_amount)
    return None
