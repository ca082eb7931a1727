"""The code blocks of README.md and docs/src/: found, classified, and run against the sandbox.

A block's mode comes from an HTML comment on the line before its fence
(``<!-- test: typecheck -->``), else from its language and title:

- ``run``: a ``python`` block without a title runs, in order, in one namespace per page, against
  a seeded in-process sandbox: the clients the snippets create are redirected to it (their own
  ``transport=`` is kept), and every request and response is checked against spec/. An ``sh``
  block marked ``run`` runs in bash against a sandbox on a port (``tests/docs``).
- ``pytest``: a ``python`` block titled ``tests/….py`` is a file of a user's test suite; the
  page's files run together with pytest, as a user would run them.
- ``typecheck``: checked by ``mypy --strict`` only (it needs Klarna's playground, say).
- ``transports``: run by ``tests/e2e/test_transports.py`` behind a proxy and TLS setups.
- ``check``: an ``sh`` block whose commands are checked, not run (``pip install``...).
- ``data``: a ``csv``, ``json``, ``yaml`` or ``toml`` block (parsed; titled ones become files
  for the page's ``sh`` blocks); ``text``: output shown to the reader.
"""

from __future__ import annotations

import contextlib
import re
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import klarna_om
from klarna_om_sandbox import InProcessSandbox, SandboxServer
from tests._support.data import TOMATOES, TSHIRT
from tests._support.openapi_check import SpecCheckingTransport

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "src"
README = ROOT / "README.md"
MODES = {"run", "pytest", "typecheck", "transports", "check", "data", "text"}

#: The orders the snippets use (their ids appear in the docs as they are).
ORDER_ID = "f3392f8b-6116-4073-ab96-e330819e2c07"
CAPTURE_ID = "4ba29b50-be7b-44f5-a492-113e6a865e22"
SHIRT_ORDER = "0b1d9815-165e-42e2-8867-35bc03789e00"
RECALL_ORDER = "7c4bd5de-5b8c-4b44-a1e0-22e2e1ad2f0e"
JEANS = {
    "type": "physical",
    "reference": "JE-1",
    "name": "Jeans",
    "quantity": 1,
    "unit_price": 7000,
    "total_amount": 7000,
}

_FENCE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>```+)(?P<info>[^\n`]*)\n"
    r"(?P<body>.*?)^(?P=indent)(?P=fence)[ \t]*$",
    re.M | re.S,
)
_MARK = re.compile(r"<!--\s*test:\s*(?P<mode>[a-z]+)\s*-->\s*$")
_INCLUDE = re.compile(r'--8<-- "(?P<file>[^"]+)"')
_TITLE = re.compile(r'title="(?P<title>[^"]+)"')


@dataclass(frozen=True)
class Block:
    """One fenced code block."""

    path: Path
    line: int
    lang: str
    title: str | None
    mode: str
    code: str

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def pages() -> list[Path]:
    """Every Markdown page of the site."""
    return sorted(DOCS.rglob("*.md"))


def blocks(path: Path) -> list[Block]:
    """The code blocks of ``path``, in order (a page's ``--8<-- "FILE"`` include expanded)."""
    text = path.read_text(encoding="utf-8")
    included = _INCLUDE.fullmatch(text.strip())
    if included:  # the page is another file of the repository (CONTRIBUTING.md)
        return blocks(ROOT / included["file"])
    found = []
    for match in _FENCE.finditer(text):
        info = match["info"].strip()
        lang = info.split()[0] if info else ""
        title_match = _TITLE.search(info)
        title = title_match["title"] if title_match else None
        line = text.count("\n", 0, match.start()) + 1
        before = text[: match.start()].rstrip("\n").rsplit("\n", 1)[-1]
        marked = _MARK.search(before)
        mode = marked["mode"] if marked else _default_mode(lang, title)
        code = textwrap.dedent(match["body"]) if match["indent"] else match["body"]
        found.append(Block(path, line, lang, title, mode, code))
    return found


def _default_mode(lang: str, title: str | None) -> str:
    if lang == "python":
        return "pytest" if title and title.startswith("tests/") else "run"
    if lang in ("sh", "console"):
        return "check"
    if lang in ("csv", "json", "yaml", "toml"):
        return "data"
    return "text"


def seed(sandbox: SandboxServer) -> None:
    """The orders the snippets refund, read, release and extend.

    ``ORDER_ID``: 200.00 EUR of tomatoes, a T-shirt and jeans, 130.00 captured (``CAPTURE_ID``),
    so there is something to refund and something to release. ``SHIRT_ORDER``: one T-shirt
    captured in full by one capture, so a return fee is allowed. ``RECALL_ORDER``: the batch's.
    """
    sandbox.create_order(
        20000,
        order_lines=[TOMATOES, TSHIRT, JEANS],
        captures=[
            {"captured_amount": 13000, "order_lines": [TOMATOES, TSHIRT], "capture_id": CAPTURE_ID}
        ],
        order_id=ORDER_ID,
    )
    for order_id in (SHIRT_ORDER, RECALL_ORDER):
        sandbox.create_order(
            10000,
            order_lines=[TSHIRT],
            captures=[{"captured_amount": 10000, "order_lines": [TSHIRT]}],
            order_id=order_id,
        )


@contextlib.contextmanager
def redirected_clients(
    sandbox: InProcessSandbox, monkeypatch: pytest.MonkeyPatch, *, responses: bool = True
) -> Iterator[None]:
    """Make every client a snippet creates talk to ``sandbox``, checked against spec/.

    Credentials, region, playground and base URL are replaced; a snippet's own ``transport=``
    is kept (it talks to what it chose). The ``KLARNA_*`` environment points at the sandbox.
    ``responses=False`` checks requests only (the unit tier's environments lack the format
    checkers some response headers need).
    """
    sync_class: Any = klarna_om.KlarnaOrderManagement
    async_class: Any = klarna_om.AsyncKlarnaOrderManagement

    def arguments(
        username: str | None, password: str | None, kwargs: dict[str, Any], transport: Any
    ) -> tuple[str | None, str | None, dict[str, Any]]:
        if kwargs.get("transport") is not None:
            return username, password, kwargs
        kwargs = {k: v for k, v in kwargs.items() if k not in ("region", "playground")}
        kwargs.update(base_url=sandbox.base_url, transport=transport)
        return sandbox.username, sandbox.password, kwargs

    class KlarnaOrderManagement(sync_class):  # type: ignore[misc]
        def __init__(
            self, username: str | None = None, password: str | None = None, **kwargs: Any
        ) -> None:
            checked = SpecCheckingTransport(sandbox.transport(), responses=responses)
            username, password, kwargs = arguments(username, password, kwargs, checked)
            super().__init__(username, password, **kwargs)

    class AsyncKlarnaOrderManagement(async_class):  # type: ignore[misc]
        def __init__(
            self, username: str | None = None, password: str | None = None, **kwargs: Any
        ) -> None:
            checked = SpecCheckingTransport(sandbox.async_transport(), responses=responses)
            username, password, kwargs = arguments(username, password, kwargs, checked)
            super().__init__(username, password, **kwargs)

    monkeypatch.setattr(klarna_om, "KlarnaOrderManagement", KlarnaOrderManagement)
    monkeypatch.setattr(klarna_om, "AsyncKlarnaOrderManagement", AsyncKlarnaOrderManagement)
    monkeypatch.setenv("KLARNA_USERNAME", sandbox.username)
    monkeypatch.setenv("KLARNA_PASSWORD", sandbox.password)
    monkeypatch.setenv("KLARNA_BASE_URL", sandbox.base_url)
    for name in ("KLARNA_REGION", "KLARNA_PLAYGROUND"):
        monkeypatch.delenv(name, raising=False)
    yield


def run_python(
    code_blocks: list[Block], monkeypatch: pytest.MonkeyPatch, *, responses: bool = True
) -> dict[str, Any]:
    """Run the ``run`` blocks in order, in one namespace, against a fresh seeded sandbox."""
    namespace: dict[str, Any] = {"__name__": "docs_snippet"}
    with InProcessSandbox() as sandbox:
        seed(sandbox)
        with redirected_clients(sandbox, monkeypatch, responses=responses):
            for block in code_blocks:
                try:
                    exec(compile(block.code, block.where, "exec"), namespace)
                except Exception as exc:
                    raise AssertionError(f"the snippet at {block.where} failed: {exc!r}") from exc
    return namespace
