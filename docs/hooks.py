"""mkdocs hooks: the HTTP reference (Redoc, one self-contained page) built from spec/ into the site.

The page is made by the pinned Redocly CLI (node_modules, `npm ci`) at every build and added to
the site as ``klarna-om-api.html``, so `mkdocs build` and `mkdocs serve` both carry it and the
site's links to it are checked like any other.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "spec" / "klarna-ordermanagement.yaml"
REDOCLY = ROOT / "node_modules" / ".bin" / "redocly"
_built = tempfile.TemporaryDirectory(prefix="klarna-om-redoc-")


def on_files(files: Files, config: Any) -> Files:
    """Build the Redoc page of spec/ and add it to the site's files."""
    page = Path(_built.name) / "klarna-om-api.html"
    environment = {
        **os.environ,
        "REDOCLY_TELEMETRY": "off",
        "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true",
    }
    done = subprocess.run(  # noqa: S603 (the pinned redocly of node_modules)
        [str(REDOCLY), "build-docs", str(SPEC), "--inlineBundle", "-o", str(page)],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )
    if done.returncode != 0 or not page.is_file():
        raise SystemExit(f"redocly build-docs failed ({REDOCLY}):\n{done.stdout}{done.stderr}")
    files.append(File.generated(config, "klarna-om-api.html", abs_src_path=str(page)))
    return files
