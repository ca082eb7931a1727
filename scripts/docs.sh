#!/usr/bin/env bash
# Builds the references into docs/build/ (self-contained: they work offline):
#   klarna-om-api.html  the HTTP API, from spec/ (Redoc, inlined)
#   python/             the Python API of klarna_om and klarna_om_sandbox, from their docstrings
#                       (pdoc, pinned in the dev extra; Google-style docstrings)
#   index.html          links to both
# Fails on a pdoc warning, or when a page we build links to any host but pdoc's own credit, or
# to a local page that does not exist.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
rm -rf docs/build && mkdir -p docs/build
node_modules/.bin/redocly build-docs spec/klarna-ordermanagement.yaml --inlineBundle \
  -o docs/build/klarna-om-api.html 2>/dev/null
version=$(.venv/bin/python -c "import klarna_om; print(klarna_om.__version__)")
log=$(.venv/bin/pdoc klarna_om klarna_om_sandbox --docformat google \
      --footer-text "klarna-om $version" -o docs/build/python 2>&1)
if grep -q "Warn" <<<"$log"; then echo "$log" >&2; exit 1; fi
cat > docs/build/index.html <<HTML
<!doctype html>
<meta charset="utf-8"><title>klarna-om $version reference</title>
<h1>klarna-om $version</h1>
<ul>
  <li><a href="python/klarna_om.html">Python API: klarna_om</a> (and
      <a href="python/klarna_om_sandbox.html">klarna_om_sandbox</a>)</li>
  <li><a href="klarna-om-api.html">HTTP API: the OpenAPI fragment in spec/</a></li>
</ul>
HTML
.venv/bin/python - <<'PY'
import pathlib, re, sys
build = pathlib.Path("docs/build")
pages = sorted(build.rglob("*.html"))
bad = []
# The pages we write (Python reference, index); Redoc's page is the spec's, checked by lint-spec.
for page in [p for p in pages if p.name != "klarna-om-api.html"]:
    html = re.sub(r"<script.*?</script>", "", page.read_text(encoding="utf-8"), flags=re.S)
    for link in re.findall(r'href="([^"#]+)', html):
        if link.startswith(("http://", "https://")):
            if not link.startswith("https://pdoc.dev"):
                bad.append(f"{page}: {link}")
        elif not link.startswith(("data:", "mailto:")) and not (page.parent / link).exists():
            bad.append(f"{page}: {link} (missing)")
if bad:
    sys.exit("links outside the project or broken:\n" + "\n".join(bad))
python_pages = [p for p in pages if "python" in p.parts]
print(f"API reference: docs/build/index.html; HTTP {build / 'klarna-om-api.html'} "
      f"({(build / 'klarna-om-api.html').stat().st_size // 1024} KiB), Python {len(python_pages)} "
      f"pages in docs/build/python/")
PY
