"""The deadline of the call in progress: one context variable, and nothing else (a leaf module).

Exists because a sync httpx attempt cannot be cancelled from outside, and httpx's read timeout
is per socket read: a server that sends one byte every 0.25 s never trips it. The retry transport
sets ``CALL_DEADLINE`` for each call; ``_deadline_backend`` bounds every socket read, write and
connect of the default sync transport (``_transports``) by what is left of it. It imports nothing
of klarna_om, so neither of them imports the other in a cycle.
"""

from __future__ import annotations

import contextvars

#: Monotonic time by which the current call must be over; None outside a call.
CALL_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "klarna_om_call_deadline", default=None
)
