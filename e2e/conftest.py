"""Browser journeys: Python Playwright driving Debian's chromium against pytest-django's
live_server.

No browser is downloaded: Playwright launches the system chromium through `executable_path`
(CHROMIUM_PATH, else /usr/bin/chromium, else `chromium` on PATH). Without one the journeys are
skipped, unless E2E_REQUIRED=1 (CI), where a missing browser is a failure.
"""

import io
import os
import re
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

# Playwright's sync API keeps an event loop running in the main thread; Django would then refuse
# the ORM calls that tests and fixtures make around the browser.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEFAULT_TIMEOUT_MS = 15_000


def chromium_path() -> str | None:
    """The chromium executable to drive, or None when the machine has none."""
    configured = os.environ.get("CHROMIUM_PATH", "").strip()
    candidates = [configured] if configured else ["/usr/bin/chromium", shutil.which("chromium")]
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def _required() -> bool:
    return os.environ.get("E2E_REQUIRED", "").strip().lower() in {"1", "true", "yes"}


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the test item so `page` can tell a failure at teardown.
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    if executable is None:
        where = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium, PATH"
        reason = f"no chromium found ({where}); install Debian's chromium or set CHROMIUM_PATH"
        if _required():
            pytest.fail(f"E2E_REQUIRED=1 but {reason}", pytrace=False)
        pytest.skip(reason)

    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        launched = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
    except Exception:
        playwright.stop()
        raise
    yield launched
    launched.close()
    playwright.stop()


@pytest.fixture
def page(browser, live_server, request):
    """A fresh browser context per test (no cookies carried over), pointed at the live server.
    On failure a full-page screenshot goes to e2e/artifacts/<test>.png."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    tab = context.new_page()
    yield tab
    failed = any(
        getattr(getattr(request.node, f"rep_{phase}", None), "failed", False)
        for phase in ("setup", "call")
    )
    if failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        try:
            tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        except Exception as error:  # a crashed page must not hide the test's own failure
            print(f"screenshot failed: {error}")
    context.close()


@pytest.fixture
def seeded_demo(transactional_db):
    """The demo data (agencies, officers, catalog when available) in the test database.

    Returns the demo logins as {username: password}.
    """
    from motcua.organizations.demo import DEMO_PASSWORD, OFFICERS

    # --force: the test runner turns DEBUG off, which seed_demo otherwise refuses.
    call_command("seed_demo", "--force", stdout=io.StringIO())
    return {officer.username: DEMO_PASSWORD for officer in OFFICERS}


@pytest.fixture(autouse=True)
def _data_migration_rows(transactional_db):
    """Put back the rows that data migrations add (rule versions, the official calendars): a
    live-server test before this one flushed every table, those rows included."""
    import importlib

    from django.apps import apps

    for module, function in (
        ("motcua.dossiers.migrations.0002_rule_versions", "add_rule_versions"),
        ("motcua.workdays.migrations.0002_official_schedules_2025_2026", "add_schedules"),
    ):
        getattr(importlib.import_module(module), function)(apps, None)
