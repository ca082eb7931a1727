#!/usr/bin/env bash
# Builds the docs site into docs/build/ (git-ignored) with `mkdocs build --strict`:
#   docs/src/            the pages: quick start, guides, the Python reference (mkdocstrings, from
#                        the docstrings of klarna_om and klarna_om_sandbox), contributing, changelog
#   klarna-om-api.html   the HTTP reference of spec/ (Redoc, one self-contained page, made by the
#                        hook in docs/hooks.py)
# Fails on any mkdocs warning (a broken link or anchor, a page missing from the nav, a Python name
# the reference cannot find), and when a built page loads a script, style, font or image from
# another host or links to a local file that does not exist. The site works offline: open
# docs/build/index.html. tests/docs/ runs every code block and loads the site in Chromium.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# Material for MkDocs prints a notice about its successor at every build; the pin is deliberate.
export NO_MKDOCS_2_WARNING=1
started=$(date +%s.%N)
.venv/bin/mkdocs build --strict --quiet
.venv/bin/python - "$started" <<'PY'
import pathlib, re, sys, time
build = pathlib.Path("docs/build")
pages = sorted(build.rglob("*.html"))
bad = []
for page in [p for p in pages if p.name != "klarna-om-api.html"]:  # Redoc's page inlines all
    html = page.read_text(encoding="utf-8")
    for tag in re.findall(r"<(?:script|img|link|iframe)\b[^>]*>", html):
        source = re.search(r'\b(?:src|href)="([^"]+)"', tag)
        navigation = tag.startswith("<link") and not re.search(
            r'rel="(stylesheet|preconnect|icon)', tag
        )
        if source and source[1].startswith(("http:", "https:", "//")) and not navigation:
            bad.append(f"{page}: loads {source[1]}")
    for link in re.findall(r'(?:href|src)="([^"#?]+)', html):
        if link.startswith(("http://", "https://", "//", "data:", "mailto:")):
            continue
        target = build / link.lstrip("/") if link.startswith("/") else page.parent / link
        if not target.exists():
            bad.append(f"{page}: {link} (missing)")
if bad:
    sys.exit("docs: pages that load from other hosts or link to nothing:\n" + "\n".join(bad))
api = build / "klarna-om-api.html"
print(f"docs: {len(pages) - 1} pages and the HTTP reference ({api.stat().st_size // 1024} KiB) "
      f"in docs/build/ in {time.time() - float(sys.argv[1]):.1f} s; open docs/build/index.html")
PY
