"""Browser tests: Playwright driving Debian's chromium against the live test server, with axe-core.

Every page a test visits is checked with axe-core for the WCAG 2.0, 2.1 and 2.2 A and AA rules, and must
report no violations. axe-core comes from npm (node_modules/axe-core), installed by ``./run setup``.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

# Playwright's synchronous API runs an event loop in this thread; the live server's database access is
# still synchronous Django code, so Django's async-safety guard is relaxed for browser tests only.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.fail("Debian's chromium package is needed for browser tests: apt-get install chromium")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):  # type: ignore[no-untyped-def]
    # bypass_csp lets the test inject axe-core; the pages themselves run under the real policy.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server):  # type: ignore[no-untyped-def]
    """A 320 px wide page, the narrowest WCAG 2.2 reflow width (success criterion 1.4.10)."""
    context = browser.new_context(
        base_url=live_server.url,
        bypass_csp=True,
        viewport={"width": 320, "height": 640},
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def assert_accessible(page) -> None:  # type: ignore[no-untyped-def]
    """Run axe-core on the current page; fail listing every violation and the elements it found."""
    if not AXE_SCRIPT.exists():
        pytest.fail(f"axe-core is missing at {AXE_SCRIPT}: run ./run setup")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_SCRIPT))
    results = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    violations = results["violations"]
    if violations:
        summary = [
            {
                "rule": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "targets": [n["target"] for n in v["nodes"]][:5],
            }
            for v in violations
        ]
        pytest.fail(
            f"axe-core found {len(violations)} violation(s) on {page.url}:\n{json.dumps(summary, indent=2)}"
        )


def assert_no_horizontal_scroll(page) -> None:  # type: ignore[no-untyped-def]
    """Content reflows at 320 px: nothing wider than the viewport (WCAG 1.4.10)."""
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, (
        f"{page.url} scrolls sideways by {overflow}px at {page.viewport_size['width']}px wide"
    )


def sign_in(page, username: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/accounts/login/")
    assert_accessible(page)
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
