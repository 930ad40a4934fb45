"""Project-wide test fixtures (tooling level: browser and axe-core).

App-specific fixtures and factories belong next to the tests that use them.

Note: the settings need ``WEGWEISER_TESTING=1`` in the environment *before* pytest starts
(pytest-django imports the settings before this file is loaded); ``make test`` sets it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent.parent
AXE_PATH = PROJECT_DIR / "node_modules" / "axe-core" / "axe.min.js"
VENDOR_DIR = PROJECT_DIR / "src" / "wegweiser" / "static" / "vendor"

# Playwright's sync API keeps an asyncio loop running in the main thread; without this Django
# refuses ORM calls made by the test itself (SynchronousOnlyOperation) while a browser is open.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Flags for Debian's chromium as root in a sandbox without network (see docs for CI machine).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
]


def _missing(reason: str):
    """Fail in CI (a missing browser must not hide tests), skip on a developer machine."""
    if os.environ.get("CI"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    """Path of the system chromium (Playwright's own browser download is not used)."""
    path = os.environ.get("WEGWEISER_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).is_file():
        _missing("chromium not found (apt-get install chromium, or run `make test`)")
    return path


@pytest.fixture(scope="session")
def browser(chromium_executable):
    """One headless chromium per test process (per xdist worker)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium_executable, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser_context(browser, live_server):
    """A fresh browser context (own cookies) pointed at the live test server."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="de-DE",
        timezone_id="Europe/Berlin",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(10_000)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def page(browser_context):
    """A page in a fresh context; ``page.goto("/...")`` resolves against the live server."""
    page = browser_context.new_page()
    try:
        yield page
    finally:
        page.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's source, installed by ``npm ci`` (``make static``)."""
    if not AXE_PATH.is_file():
        _missing(f"{AXE_PATH.relative_to(PROJECT_DIR)} missing (run `make static`)")
    return AXE_PATH.read_text(encoding="utf-8")


@pytest.fixture
def axe(axe_source):
    """Return ``run(page, context=None, options=None) -> list[violation]`` for axe-core.

    axe is injected with ``page.evaluate`` (not a <script> tag), so the page's CSP does not
    block it. By default only WCAG 2.x A/AA rules are checked.
    """

    def run(page, context=None, options=None) -> list[dict]:
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(axe_source)
        opts = options or {
            "runOnly": {
                "type": "tag",
                "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
            }
        }
        result = page.evaluate(
            "([ctx, opts]) => window.axe.run(ctx || document, opts)", [context, opts]
        )
        return result["violations"]

    return run


@pytest.fixture
def assert_accessible(axe):
    """``assert_accessible(page)`` fails with a readable list of axe-core violations."""

    def check(page, context=None, options=None) -> None:
        violations = axe(page, context, options)
        report = _format_axe_violations(violations)
        assert not violations, f"axe-core violations on {page.url}:\n{report}"

    return check


def _format_axe_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v.get('impact')}): {v['help']}")
        for node in v.get("nodes", [])[:5]:
            lines.append(f"    {', '.join(map(str, node.get('target', [])))}")
    return "\n".join(lines)


@pytest.fixture
def csp_errors(page):
    """Console messages of the browser about Content-Security-Policy violations."""
    errors: list[str] = []

    def record(msg):
        if "Content Security Policy" not in msg.text:
            return
        errors.append(f"{msg.location.get('url')}: {msg.text}")

    page.on("console", record)
    return errors
