"""``python -m klarna_om_sandbox`` / ``klarna-om-sandbox``: serve the sandbox in the foreground."""

from __future__ import annotations

import argparse
import os

import uvicorn

from ._server import build_sandbox


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and serve until interrupted."""
    parser = argparse.ArgumentParser(prog="klarna-om-sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8089, help="port (default 8089)")
    parser.add_argument(
        "--db",
        default=None,
        help="SQLite file that keeps the state across restarts (default: memory)",
    )
    parser.add_argument(
        "--username", default=os.environ.get("KLARNA_OM_SANDBOX_USERNAME", "sandbox")
    )
    parser.add_argument(
        "--password", default=os.environ.get("KLARNA_OM_SANDBOX_PASSWORD", "sandbox")
    )
    args = parser.parse_args(argv)
    sandbox = build_sandbox(db=args.db, username=args.username, password=args.password)
    try:
        uvicorn.run(sandbox.app, host=args.host, port=args.port, log_level="info", lifespan="off")
    finally:
        sandbox.store.close()


if __name__ == "__main__":
    main()
