"""``python -m klarna_om_sandbox`` / ``klarna-om-sandbox``: serve the sandbox in the foreground."""

from __future__ import annotations

import argparse
import os
import sys

from . import INSTALL_HINT, load
from ._durations import IDEMPOTENCY_TTL_SECONDS, MAX_SECONDS, check_idempotency_ttl

DESCRIPTION = """\
Serve the klarna-om sandbox: a local, stateful stand-in for Klarna's Order Management API
(refunds, orders, release of the remaining authorization, due-date extensions), with Basic
authentication, idempotency keys (honoured 24 hours by default, as Klarna does), fault
injection and a clock that tests move forward (POST /sandbox/clock). Point a client's base_url
at it.
"""

EPILOG = f"""\
environment:
  KLARNA_OM_SANDBOX_USERNAME  the username clients must send (default: sandbox)
  KLARNA_OM_SANDBOX_PASSWORD  the password clients must send (default: sandbox)
  KLARNA_OM_SANDBOX_API_KEY   an API key clients may send alone, as Basic <key> (default: none)
  KLARNA_OM_SANDBOX_IDEMPOTENCY_TTL
                              seconds idempotency keys live (default: {IDEMPOTENCY_TTL_SECONDS})
  KLARNA_OM_SANDBOX_PROVIDER  the provider played: klarna or kustom (default: klarna)
  KLARNA_OM_SANDBOX_RATE_LIMIT
                              requests per second per merchant (default: no limit)

example:
  klarna-om-sandbox --port 8089 --db sandbox.sqlite3
  klarna-om-sandbox --provider kustom --rate-limit 50
  then: KlarnaOrderManagement("sandbox", "sandbox", base_url="http://127.0.0.1:8089")
  KLARNA_OM_SANDBOX_API_KEY=klarna_test_api_c2FuZGJveA klarna-om-sandbox
  then: KlarnaOrderManagement(api_key="klarna_test_api_c2FuZGJveA", base_url=...)
"""


def _seconds(text: str) -> float:
    """An ``--idempotency-ttl`` value: seconds above 0, ``2`` or ``0.5``."""
    try:
        seconds = float(text)
        return check_idempotency_ttl(int(seconds) if seconds.is_integer() else seconds)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected seconds above 0 and at most {MAX_SECONDS} (100 years), got {text[:40]!r} "
            "(from the option or $KLARNA_OM_SANDBOX_IDEMPOTENCY_TTL)"
        ) from None


def _rate(text: str) -> float:
    """A ``--rate-limit`` value: requests per second above 0, ``50`` or ``0.5``."""
    try:
        rate = float(text)
        if not 0 < rate < float("inf"):
            raise ValueError(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected requests per second above 0, got {text[:40]!r} "
            "(from the option or $KLARNA_OM_SANDBOX_RATE_LIMIT)"
        ) from None
    return rate


def parser() -> argparse.ArgumentParser:
    """The command line of ``klarna-om-sandbox``."""
    cli = argparse.ArgumentParser(
        prog="klarna-om-sandbox",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cli.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    cli.add_argument("--port", type=int, default=8089, help="port to listen on (default: 8089)")
    cli.add_argument(
        "--db",
        default=None,
        help="SQLite file that keeps the state across restarts (default: in memory)",
    )
    cli.add_argument(
        "--username",
        default=os.environ.get("KLARNA_OM_SANDBOX_USERNAME", "sandbox"),
        help="Basic auth username (default: $KLARNA_OM_SANDBOX_USERNAME or sandbox)",
    )
    cli.add_argument(
        "--password",
        default=os.environ.get("KLARNA_OM_SANDBOX_PASSWORD", "sandbox"),
        help="Basic auth password (default: $KLARNA_OM_SANDBOX_PASSWORD or sandbox)",
    )
    cli.add_argument(
        "--api-key",
        default=os.environ.get("KLARNA_OM_SANDBOX_API_KEY") or None,
        metavar="KEY",
        help="an API key clients may also send alone, as Basic <key>, as Klarna takes it; a "
        "made-up test key, never a real one (default: $KLARNA_OM_SANDBOX_API_KEY, else none)",
    )
    cli.add_argument(
        "--idempotency-ttl",
        type=_seconds,
        default=os.environ.get("KLARNA_OM_SANDBOX_IDEMPOTENCY_TTL", str(IDEMPOTENCY_TTL_SECONDS)),
        metavar="SECONDS",
        help="seconds an idempotency key is honoured; an older key is served as a new request "
        f"(default: $KLARNA_OM_SANDBOX_IDEMPOTENCY_TTL or {IDEMPOTENCY_TTL_SECONDS}, "
        "Klarna's 24 hours)",
    )
    cli.add_argument(
        "--provider",
        choices=("klarna", "kustom"),
        default=os.environ.get("KLARNA_OM_SANDBOX_PROVIDER", "klarna"),
        help="the provider played: klarna, or kustom (no extend-due-date, order ids are UUIDs) "
        "(default: $KLARNA_OM_SANDBOX_PROVIDER or klarna)",
    )
    cli.add_argument(
        "--rate-limit",
        type=_rate,
        default=os.environ.get("KLARNA_OM_SANDBOX_RATE_LIMIT") or None,
        metavar="PER_SECOND",
        help="answer more than PER_SECOND requests a second per merchant with Klarna's 429 and "
        "X-Ratelimit-* headers (default: $KLARNA_OM_SANDBOX_RATE_LIMIT, else no limit)",
    )
    cli.add_argument(
        "--access-log",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="log every request (default: on; --no-access-log for load tests)",
    )
    return cli


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and serve until interrupted; exit 2 without the sandbox extra."""
    args = parser().parse_args(argv)
    try:
        uvicorn = load("uvicorn")
        server = load("._server")
    except ModuleNotFoundError as exc:
        print(
            f"klarna-om-sandbox: missing module {exc.name!r}; install the sandbox extra: "
            f"{INSTALL_HINT}",
            file=sys.stderr,
        )
        raise SystemExit(2) from None
    sandbox = server.build_sandbox(
        db=args.db,
        username=args.username,
        password=args.password,
        api_key=args.api_key,
        idempotency_ttl=args.idempotency_ttl,
        provider=args.provider,
        rate_limit=args.rate_limit,
    )
    try:
        uvicorn.run(
            sandbox.app,
            host=args.host,
            port=args.port,
            log_level="info",
            access_log=args.access_log,
            lifespan="off",
        )
    finally:
        sandbox.store.close()


if __name__ == "__main__":
    main()
