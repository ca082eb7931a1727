"""Public names stay public: ``klarna_om.X`` in reprs and tracebacks, however X was imported.

Each check runs in a fresh interpreter, so that no earlier import in the test session can set
``__module__`` for it: the name must be public from the moment its module is executed.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

#: Every exported class and function written in klarna_om (generated models keep their module).
CHECK = """
import importlib, json, sys
{imports}
import klarna_om, klarna_om_generated.models
wrong = {{}}
for name in klarna_om.__all__:
    module = klarna_om._LAZY.get(name, "")
    if not module.startswith("._"):
        continue
    value = getattr(importlib.import_module(module, "klarna_om"), name)
    if isinstance(value, type) or callable(value):
        if value.__module__ != "klarna_om":
            wrong[name] = value.__module__
print(json.dumps(wrong))
"""

STYLES = {
    "import klarna_om": "import klarna_om",
    "from klarna_om import X": "from klarna_om import KlarnaOrderManagement, NotFoundError",
    "from klarna_om._errors import X": "from klarna_om._errors import NotFoundError",
    "from klarna_om._sync_client import X": (
        "from klarna_om._sync_client import KlarnaOrderManagement"
    ),
}


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )


@pytest.mark.parametrize("style", sorted(STYLES))
def test_every_exported_name_says_klarna_om_whatever_the_import(style: str) -> None:
    done = _python(CHECK.format(imports=STYLES[style]))
    assert (done.returncode, done.stderr, done.stdout) == (0, "", "{}\n")


def test_a_checked_name_is_found_when_it_is_not_public() -> None:
    # The check above can fail: a class left with its private module is reported.
    code = CHECK.format(imports="import klarna_om._errors as e; e.NotFoundError.__module__ = 'x'")
    code = code.replace("import klarna_om, klarna_om_generated.models", "import klarna_om")
    done = _python(
        code.replace("    if not module", "    if name != 'NotFoundError' or not module")
    )
    assert done.stdout == '{"NotFoundError": "x"}\n'


TRACEBACK = """
import httpx
from klarna_om import KlarnaOrderManagement
def answer(request):
    return httpx.Response(404, json={"error_code": "NO_SUCH_ORDER", "error_messages": ["gone"],
                                     "correlation_id": "c-1"})
client = KlarnaOrderManagement("u", "p", transport=httpx.MockTransport(answer))
client.get_order("o-1")
"""


def test_a_404_traceback_names_klarna_om_not_found_error() -> None:
    done = _python(TRACEBACK)
    last = done.stderr.strip().splitlines()[-1]
    assert done.returncode == 1
    assert last.startswith("klarna_om.NotFoundError: 404 NO_SUCH_ORDER correlation_id=c-1: gone"), (
        last
    )


def test_the_deprecated_names_are_the_new_classes_and_warn_at_every_use() -> None:
    import klarna_om

    with pytest.warns(DeprecationWarning) as caught:
        old_input = klarna_om.InvalidRequestError
        old_money = klarna_om.MoneyValidationError
        again = klarna_om.InvalidRequestError  # not cached: every use is told
    assert old_input is again is klarna_om.InvalidInputError
    assert old_money is klarna_om.InvalidRefundError
    assert issubclass(klarna_om.InvalidRefundError, klarna_om.InvalidInputError)
    assert repr(old_money) == "<class 'klarna_om.InvalidRefundError'>"
    assert [(str(w.message), w.filename) for w in caught] == [
        (
            "klarna_om.InvalidRequestError is deprecated and removed in the next release; "
            "use klarna_om.InvalidInputError (the same class)",
            __file__,
        ),
        (
            "klarna_om.MoneyValidationError is deprecated and removed in the next release; "
            "use klarna_om.InvalidRefundError (the same class)",
            __file__,
        ),
        (
            "klarna_om.InvalidRequestError is deprecated and removed in the next release; "
            "use klarna_om.InvalidInputError (the same class)",
            __file__,
        ),
    ]
    assert "InvalidRequestError" not in klarna_om.__all__
    assert "MoneyValidationError" not in klarna_om.__all__


DEPRECATED_IMPORTS = """
import warnings
warnings.simplefilter("error")
from klarna_om import *  # the deprecated names are not in __all__: no warning
assert "InvalidRequestError" not in globals()
try:
    from klarna_om import MoneyValidationError
except DeprecationWarning as e:
    print(e)
"""


def test_star_import_is_quiet_and_a_named_import_of_a_deprecated_name_warns() -> None:
    done = _python(DEPRECATED_IMPORTS)
    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        "klarna_om.MoneyValidationError is deprecated and removed in the next release; "
        "use klarna_om.InvalidRefundError (the same class)\n",
        "",
    )
