"""Every fixed value of the client in one place: header names, hosts, timeouts, retry defaults.

Exists so that each of these facts is written once. It imports nothing of the package but the
version, and must never read a file.
"""

from __future__ import annotations

import platform

import httpx

from ._version import __version__

#: The header that makes a write idempotent at Klarna (24 hours per key and credentials).
IDEMPOTENCY_HEADER = "Klarna-Idempotency-Key"
#: Methods that may be retried without a key.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

#: The region when none is given (hosts come from spec/'s ``servers``: the generated ``SERVERS``).
DEFAULT_REGION = "eu"

#: Connect within 5 s; each read, write and pool wait within 30 s (Klarna's own SDKs used 30 s).
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
USER_AGENT = f"klarna-om/{__version__} Python/{platform.python_version()} httpx/{httpx.__version__}"

#: Connection-pool limits of the transports klarna_om makes (httpx's own defaults).
DEFAULT_LIMITS = httpx.Limits(
    max_connections=100, max_keepalive_connections=20, keepalive_expiry=5.0
)

#: Largest response body read, in bytes (Klarna's answers are a few kB).
DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024

#: Retry defaults (see ``RetryPolicy``): retries, first and largest backoff, the longest
#: ``Retry-After`` obeyed and the budget of a whole call across attempts, in seconds.
DEFAULT_MAX_RETRIES = 2
DEFAULT_INITIAL_DELAY = 0.5
DEFAULT_MAX_DELAY = 8.0
DEFAULT_MAX_RETRY_AFTER = 30.0
DEFAULT_TOTAL_TIMEOUT = 60.0
#: Statuses worth another attempt: the request was not applied or the answer was lost.
RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})

#: Text of the refund that gives a charged return fee back, when the caller gives none.
RETURN_FEE_REFUND_DESCRIPTION = "Return fee refunded"

#: Environment variables read when the matching argument is not given (arguments always win).
ENV_USERNAME = "KLARNA_USERNAME"
ENV_PASSWORD = "KLARNA_PASSWORD"  # noqa: S105 (the variable's name, not a password)
ENV_REGION = "KLARNA_REGION"
ENV_PLAYGROUND = "KLARNA_PLAYGROUND"
ENV_BASE_URL = "KLARNA_BASE_URL"
ENV_PROVIDER = "KLARNA_PROVIDER"
ENV_API_KEY = "KLARNA_API_KEY"
#: How Klarna's API keys begin: a production key, and a playground (test) key.
LIVE_API_KEY_PREFIX = "klarna_live_"
TEST_API_KEY_PREFIX = "klarna_test_"
#: ``debug`` or ``info``: the ``klarna_om`` logger gets a stderr handler at import.
ENV_LOG = "KLARNA_OM_LOG"

#: Headers a caller's extra ``headers`` can never replace (credentials, the write's key, who we
#: are) nor the ones that frame the request.
PROTECTED_HEADERS = frozenset(
    {
        "authorization",
        IDEMPOTENCY_HEADER.lower(),
        "user-agent",
        "content-length",
        "host",
        "transfer-encoding",
        "content-type",
    }
)
