"""The ``klarna-om`` group: the options every command shares, and one rule for exit codes.

Exit codes, by outcome: 0 done; 1 Klarna refused (a 4xx answer, or a reference already used for
another amount); 2 invalid input, nothing was sent; 3 no usable answer to a change (it may have
been applied: the message gives the key and the command that repeats it safely), or no answer to
a read (nothing changed; run it again); 130 a batch stopped by Ctrl-C (resumable).
"""

from __future__ import annotations

import functools
import json
import os
import shlex
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import attrs
import click

from klarna_om_generated.api import PROVIDERS

from .._constants import ENV_API_KEY, ENV_PASSWORD, ENV_PROVIDER
from .._errors import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    InvalidInputError,
)
from .._options import REGIONS, Region
from .._sync_client import KlarnaOrderManagement
from ._output import say

F = TypeVar("F", bound=Callable[..., Any])
OK, REFUSED, USAGE, UNKNOWN, INTERRUPTED = 0, 1, 2, 3, 130


class Refused(Exception):
    """Refused without asking Klarna (e.g. a reference already used): exit 1."""


class AmountMismatchError(Refused):
    """Klarna answered with a refund of another amount: the reference or key was used before."""

    def __init__(self, message: str, refund_id: str, idempotency_key: str | None) -> None:
        super().__init__(message)
        self.refund_id = refund_id
        self.idempotency_key = idempotency_key


class UnconfirmedError(Exception):
    """A refund was created but its amount could not be read back: exit 3."""

    def __init__(self, message: str, idempotency_key: str | None) -> None:
        super().__init__(message)
        self.idempotency_key = idempotency_key


@attrs.frozen(kw_only=True)
class Settings:
    """The connection options every command shares (``connection_options`` declares them)."""

    username: str | None
    password_file: Path | None
    api_key_file: Path | None
    provider: str | None
    region: Region | None
    playground: bool | None
    base_url: str | None
    timeout: float | None
    as_json: bool

    def password(self) -> str | None:
        """From --password-file, else KLARNA_PASSWORD, else a hidden prompt on a terminal.

        No prompt when an API key is given (--api-key-file or KLARNA_API_KEY).
        """
        if self.password_file is not None:
            return self.password_file.read_text(encoding="utf-8").strip()
        if os.environ.get(ENV_PASSWORD) or self.api_key_file or os.environ.get(ENV_API_KEY):
            return None  # the client reads it, or the API key is the credential
        if sys.stdin.isatty():
            value: str = click.prompt("Klarna API password", hide_input=True)
            return value
        return None  # the client says what is missing

    def api_key(self) -> str | None:
        """From --api-key-file, else None: the client reads KLARNA_API_KEY (never an option)."""
        if self.api_key_file is not None:
            return self.api_key_file.read_text(encoding="utf-8").strip()
        return None

    def client_args(self) -> dict[str, Any]:
        """Arguments for either client (the timeout only when given: 5 s connect stays)."""
        args: dict[str, Any] = {
            "username": self.username,
            "password": self.password(),
            "api_key": self.api_key(),
            "provider": self.provider,
            "region": self.region,
            "playground": self.playground,
            "base_url": self.base_url,
        }
        if self.timeout is not None:
            args["timeout"] = self.timeout
        return args

    def client(self) -> KlarnaOrderManagement:
        """A sync client with these settings."""
        return KlarnaOrderManagement(**self.client_args())

    def merchant(self) -> str:
        """Who sends: the API username, part of every derived idempotency key."""
        if not self.username:
            raise InvalidInputError(
                "no Klarna API username: pass --username or set KLARNA_USERNAME (with an API "
                "key, the portal's UUID username): derived idempotency keys name the merchant",
                field="username",
            )
        return self.username


def connection_options(command: F) -> F:
    """The options of every command: credentials, region, base URL, timeout and --json."""
    options = [
        click.option(
            "--username",
            envvar="KLARNA_USERNAME",
            help="API username; with an API key, the portal's UUID username or none "
            "[KLARNA_USERNAME]",
        ),
        click.option(
            "--password-file",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            help="File holding the API password (else KLARNA_PASSWORD, else a prompt)",
        ),
        click.option(
            "--api-key-file",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            help=f"File holding the API key, instead of a password (else {ENV_API_KEY})",
        ),
        click.option(
            "--provider",
            envvar=ENV_PROVIDER,
            type=click.Choice(PROVIDERS, case_sensitive=False),
            help="Who serves the calls: klarna, or kustom (the former Klarna Checkout) "
            f"[{ENV_PROVIDER}; default: klarna]",
        ),
        click.option("--region", type=click.Choice(REGIONS), help="Region [KLARNA_REGION]"),
        click.option(
            "--playground/--production",
            default=None,
            help="Klarna's test environment [KLARNA_PLAYGROUND]",
        ),
        click.option("--base-url", help="Another endpoint, e.g. the sandbox [KLARNA_BASE_URL]"),
        click.option(
            "--timeout",
            type=click.FloatRange(min=0, min_open=True),
            help="Seconds for each read and write [default: 30; connect: 5]",
        ),
        click.option("--json", "as_json", is_flag=True, help="One JSON document on stdout"),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def handled(write: bool) -> Callable[[F], F]:
    """Run a command: map errors to the exit codes of the module docstring, with a message."""

    def wrap(command: F) -> F:
        @functools.wraps(command)
        def run(**options: Any) -> None:
            settings = Settings(**{f.name: options.pop(f.name) for f in attrs.fields(Settings)})
            try:
                command(settings, **options)
            except (InvalidInputError, ValueError) as exc:
                fail(settings, USAGE, "invalid input (nothing was sent)", exc)
            except AmountMismatchError as exc:
                fail(settings, REFUSED, "refused", exc)
            except Refused as exc:
                fail(settings, REFUSED, "refused (nothing was sent)", exc)
            except UnconfirmedError as exc:
                fail(settings, UNKNOWN, "not confirmed", exc)
            except APIStatusError as exc:
                refused = 400 <= exc.status_code < 500 and exc.status_code not in (408, 429)
                code = REFUSED if refused or not write else UNKNOWN
                what = "Klarna refused" if refused else "Klarna failed"
                fail(settings, code, what, exc)
            except (APIConnectionError, APIResponseValidationError) as exc:
                sent = write and getattr(exc, "idempotency_key", None) is not None
                what = (
                    "outcome unknown: no usable answer"
                    if sent
                    else "no usable answer (nothing was changed: run it again)"
                )
                fail(settings, UNKNOWN, what, exc)

        return run  # type: ignore[return-value]

    return wrap


def fail(settings: Settings, code: int, what: str, exc: Exception) -> NoReturn:
    """Print the error (JSON on stdout with --json, the message on stderr) and exit ``code``."""
    key = getattr(exc, "idempotency_key", None)
    message = f"{what}: {exc}"
    if code == UNKNOWN and key and not isinstance(exc, UnconfirmedError):
        message += (
            "\nThe change may have been applied. Repeat it safely with the same key (Klarna "
            f"applies it once, within 24 hours):\n  {retry_command(key)}"
        )
    if settings.as_json:
        error: dict[str, Any] = {"type": type(exc).__name__, "message": str(exc)}
        for field in (
            "status_code",
            "error_code",
            "error_messages",
            "correlation_id",
            "field",
            "refund_id",
        ):
            if getattr(exc, field, None) is not None:
                error[field] = getattr(exc, field)
        if key:
            error["idempotency_key"] = key
        click.echo(json.dumps({"error": error, "exit_code": code}))
    say(message, err=True)
    sys.exit(code)


def usage_error(settings: Settings, message: str) -> NoReturn:
    """Exit 2 with ``message`` (and its JSON form)."""
    if settings.as_json:
        click.echo(json.dumps({"error": {"message": message}, "exit_code": USAGE}))
    say(message, err=True)
    sys.exit(USAGE)


def retry_command(key: str) -> str:
    """This command line again, with ``--idempotency-key key`` (any other key removed)."""
    args = list(sys.argv[1:])
    if "--idempotency-key" in args:
        index = args.index("--idempotency-key")
        del args[index : index + 2]
    args = [a for a in args if not a.startswith("--idempotency-key=")]
    return shlex.join(["klarna-om", *args, "--idempotency-key", key])


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="klarna-om", prog_name="klarna-om")
def cli() -> None:
    """Klarna Order Management from the command line: refunds, orders, due dates, batches.

    Credentials come from KLARNA_API_KEY (or --api-key-file; KLARNA_USERNAME optional, the
    portal's UUID username), or KLARNA_USERNAME and KLARNA_PASSWORD (or --username and
    --password-file, or a prompt); KLARNA_PROVIDER (klarna or kustom), KLARNA_REGION,
    KLARNA_PLAYGROUND and KLARNA_BASE_URL pick the endpoint. A refund with --reference is named
    by it: running the same command again never refunds twice.

    \b
    Exit codes: 0 done; 1 Klarna refused; 2 invalid input (nothing sent); 3 no usable answer
    (a change may have been applied: the message says how to repeat it safely; a read changed
    nothing); 130 a batch stopped by Ctrl-C (run it again to resume).
    """  # noqa: D301 (\b: click keeps the lines after it as written)
