"""The one table of calls: every public method of the clients, with the arguments tests use.

``CALLS`` gives each method's arguments (and keys, so a raw call and a plain one send alike);
``serving`` maps an operationId of spec/ to the method that serves it (the ``@operation`` mark).
"""

from __future__ import annotations

import inspect
from typing import Any

from tests._support.data import TOMATOES

#: Every public method of the clients, called with the same arguments (and keys) each time.
CALLS: dict[str, tuple[tuple[Any, ...], dict[str, Any]]] = {
    "refund_order": (("o-1", 3000), {"order_lines": [TOMATOES], "idempotency_key": "k-1"}),
    "refund_with_return_fee": (("o-1", [TOMATOES], 500), {"idempotency_key": "k-2"}),
    "refund_return_fee": (("o-1", 500), {"idempotency_key": "k-3"}),
    "get_refund": (("o-1", "r-1"), {}),
    "get_order": (("o-1",), {}),
    "release_remaining_authorization": (("o-1",), {"idempotency_key": "k-4"}),
    "get_extend_due_date_options": (("o-1", "c-1"), {}),
    "extend_due_date": (("o-1", "c-1", 10), {"idempotency_key": "k-5"}),
}
#: The methods that write (and so carry an idempotency key).
WRITES = frozenset(
    {
        "refund_order",
        "refund_with_return_fee",
        "refund_return_fee",
        "release_remaining_authorization",
        "extend_due_date",
    }
)


def serving(cls: type) -> dict[str, str]:
    """operationId -> the public method of ``cls`` that serves it (marked with ``@operation``)."""
    return {
        method.__klarna_operation__: name
        for name, method in inspect.getmembers(cls, inspect.isfunction)
        if not name.startswith("_") and hasattr(method, "__klarna_operation__")
    }


def call(client: Any, method: str) -> Any:
    """``client.<method>(...)`` with the table's arguments."""
    args, kwargs = CALLS[method]
    return getattr(client, method)(*args, **kwargs)
