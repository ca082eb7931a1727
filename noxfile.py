"""The unit tier on every supported Python besides the main one (``make test`` runs it).

``make test`` runs the whole suite on the venv's Python (3.11); this runs ``tests/unit`` on 3.12
and 3.13 in their own venvs, with the package, its extras (``sandbox``, ``cli``, ``aiohttp``) and
the pinned tools of the ``test`` dependency group (read by nox, so any pip or uv installs them).
Interpreters are found on PATH, then under pyenv's versions folder; a missing one is skipped with
nox's message ("Python interpreter 3.13 not found"), never failed. uv makes the venvs when it is
installed.
"""

from __future__ import annotations

import glob
import os
import shutil

import nox

VERSIONS = ["3.12", "3.13"]

nox.options.default_venv_backend = "uv|venv"
nox.options.error_on_missing_interpreters = False  # nox's default on CI is True: skip instead
nox.options.sessions = ["unit"]


def _add_pyenv_interpreters() -> None:
    """Put pyenv's python3.X on PATH where no working one is (pyenv's shims may not resolve)."""
    root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    extra = []
    for version in VERSIONS:
        found = shutil.which(f"python{version}")
        if found and "/shims/" not in found:
            continue
        extra += sorted(glob.glob(os.path.join(root, "versions", f"{version}.*", "bin")))[-1:]
    if extra:
        os.environ["PATH"] = os.pathsep.join([*extra, os.environ.get("PATH", "")])


_add_pyenv_interpreters()


@nox.session(python=VERSIONS)
def unit(session: nox.Session) -> None:
    """The unit tier (MockTransport, no servers) on one Python."""
    test_group = nox.project.dependency_groups(nox.project.load_toml("pyproject.toml"), "test")
    session.install("-e", ".[sandbox,cli,aiohttp]", *test_group)
    session.run("python", "-c", "import sys; print('Python', sys.version.split()[0])")
    session.run("python", "-m", "pytest", "tests/unit", "-q", *session.posargs)
