"""The raw-response view's stubs are written from the client: a new call needs no edit there.

``scripts/unasync.py`` reads the public async methods of ``AsyncKlarnaOrderManagement`` and
writes one typed stub per method between ``_async_raw.py``'s BEGIN and END lines.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "overrides" / "klarna_om"


@pytest.fixture(scope="module")
def unasync() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "_unasync_script", ROOT / "scripts" / "unasync.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_calls_are_the_public_async_methods_in_source_order(unasync: ModuleType) -> None:
    source = (PACKAGE / "_async_client.py").read_text(encoding="utf-8")
    calls = unasync.client_calls(source)
    assert calls[:3] == ["refund_order", "refund_with_return_fee", "refund_return_fee"]
    assert "extend_due_date" in calls
    assert not {"aclose", "with_options", "__aenter__", "_call", "_refund"} & set(calls)


def test_a_new_client_method_gets_its_stub(unasync: ModuleType) -> None:
    client = (PACKAGE / "_async_client.py").read_text(encoding="utf-8")
    added = client.replace(
        "\n\npublish(globals())",
        "\n\n    async def no_such_call(self, order_id: str) -> None:\n        pass\n"
        "\n\npublish(globals())",
    )
    raw = (PACKAGE / "_async_raw.py").read_text(encoding="utf-8")
    written = unasync.with_raw_stubs(raw, unasync.client_calls(added))
    assert "@raw_of(AsyncKlarnaOrderManagement.no_such_call)\n    def no_such_call(" in written
    assert "no_such_call" not in raw
    # the committed file is what the script writes (also checked by unasync.py --check)
    assert unasync.with_raw_stubs(raw, unasync.client_calls(client)) == raw


def test_a_file_without_the_region_is_refused(unasync: ModuleType) -> None:
    with pytest.raises(SystemExit, match="no BEGIN/END lines"):
        unasync.with_raw_stubs("class View:\n    pass\n", ["get_order"])
