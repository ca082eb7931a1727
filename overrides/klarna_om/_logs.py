"""``KLARNA_OM_LOG``: switch on the ``klarna_om`` logger from the environment.

Exists because turning on one library's logs should not need code (``OPENAI_LOG`` and
``STRIPE_LOG`` work the same way). Unset, the library configures no handler: the application's
logging decides. What is logged never includes credentials, bodies or headers other than the
idempotency key (see ``_retry._log_attempt``).
"""

from __future__ import annotations

import logging
import os
import sys

from ._constants import ENV_LOG

LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}
FORMAT = "[%(asctime)s %(levelname)s %(name)s] %(message)s"


def configure_from_environment() -> logging.Handler | None:
    """Give the ``klarna_om`` logger a stderr handler at ``KLARNA_OM_LOG``'s level, once.

    Returns:
        The handler added, or None when the variable is unset, unknown, or already applied.
    """
    level = LEVELS.get(os.environ.get(ENV_LOG, "").strip().lower())
    logger = logging.getLogger("klarna_om")
    if level is None or any(getattr(h, "_klarna_om_env", False) for h in logger.handlers):
        return None
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler._klarna_om_env = True  # type: ignore[attr-defined]
    logger.addHandler(handler)
    logger.setLevel(level)
    return handler
