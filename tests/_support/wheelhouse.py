"""The project's wheel, and a wheelhouse of its dependencies made from this venv: no network.

``build_wheel`` builds the distributions as users get them (``uv build``: the sdist, then the
wheel from it). ``wheelhouse`` packs the installed distributions a requirement needs back into
wheels (the files their RECORD lists, with their own WHEEL tags), so ``pip install --no-index
--find-links`` installs into a fresh venv offline, exactly the versions this venv runs.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import subprocess
import sys
import zipfile
from importlib import metadata
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
#: Files an installer writes into a dist-info folder that a wheel does not carry.
_INSTALLER_FILES = {"INSTALLER", "REQUESTED", "direct_url.json", "RECORD"}


def build_wheel(out: Path) -> Path:
    """The project's wheel, built by ``uv build`` (sdist first, the wheel from it) into ``out``.

    ``$KLARNA_OM_WHEEL`` names a wheel built already (by CI, or from another tree) instead.
    """
    given = os.environ.get("KLARNA_OM_WHEEL")
    if given:
        return Path(given)
    subprocess.run(
        [str(BIN / "uv"), "build", "--quiet", "--no-progress", "--out-dir", str(out), str(ROOT)],
        check=True,
    )
    (wheel,) = out.glob("*.whl")
    return wheel


def wheelhouse(requirements: list[str], out: Path, *, skip: set[str]) -> list[Path]:
    """Wheels of every installed distribution ``requirements`` need (``skip``: names not packed)."""
    out.mkdir(parents=True, exist_ok=True)
    return [_repack(dist, out) for dist in _closure(requirements) if _name(dist) not in skip]


def _name(dist: metadata.Distribution) -> str:
    return canonicalize_name(dist.metadata["Name"])


def _closure(requirements: list[str]) -> list[metadata.Distribution]:
    """The installed distributions the requirements pull in, with their extras' dependencies."""
    found: dict[str, metadata.Distribution] = {}
    seen: set[tuple[str, str]] = set()
    todo = [Requirement(r) for r in requirements]
    while todo:
        requirement = todo.pop()
        name = canonicalize_name(requirement.name)
        extras = sorted(requirement.extras) or [""]
        if all((name, extra) in seen for extra in extras):
            continue
        seen.update((name, extra) for extra in extras)
        dist = found.setdefault(name, metadata.distribution(requirement.name))
        for text in dist.requires or []:
            needed = Requirement(text)
            if needed.marker is None or any(_applies(needed.marker, e) for e in extras):
                todo.append(needed)
    return list(found.values())


def _applies(marker: Marker, extra: str) -> bool:
    return marker.evaluate({"extra": extra})


def _repack(dist: metadata.Distribution, out: Path) -> Path:
    files = [f for f in dist.files or [] if not str(f).startswith("..")]
    dist_info = next(f.parts[0] for f in files if f.parts[0].endswith(".dist-info"))
    wheel_file = dist.read_text("WHEEL") or ""
    tags = [tag.split("-") for tag in re.findall(r"^Tag: (\S+)$", wheel_file, re.M)]
    assert tags, f"{dist_info}: no Tag in WHEEL"
    # The file name carries the compressed tag set (py2.py3-none-any), as the wheel was named.
    compressed = "-".join(".".join(dict.fromkeys(part)) for part in zip(*tags, strict=True))
    name = re.sub(r"[-_.]+", "_", dist.metadata["Name"])
    target = out / f"{name}-{dist.version}-{compressed}.whl"
    record = []
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as wheel:
        for file in files:
            path = Path(str(file.locate()))
            inside = file.as_posix()
            skipped = file.parts[0] == dist_info and file.name in _INSTALLER_FILES
            if skipped or "__pycache__" in file.parts or not path.is_file():
                continue
            data = path.read_bytes()
            wheel.writestr(inside, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            record.append(f"{inside},sha256={digest.decode()},{len(data)}")
        record.append(f"{dist_info}/RECORD,,")
        wheel.writestr(f"{dist_info}/RECORD", "\n".join(record) + "\n")
    return target
