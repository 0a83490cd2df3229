"""Browser tests: Playwright driving Debian's Chromium against a live Django server.

Playwright's sync API runs an event loop in the test thread, so the ORM calls made by the
test itself need DJANGO_ALLOW_ASYNC_UNSAFE (the server thread is unaffected).
"""

import os
import shutil
from importlib import import_module
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
CHROMIUM = os.environ.get("ALLIED_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screens"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def program_seed(transactional_db):
    """The program the data migrations seed (partner types, tiers and rules, journeys, the agreement).

    A live server needs committed data, so each browser test flushes the database when it ends, which also
    removes the seed; the next test would find no tiers. Serialized rollback cannot restore it here: Playwright's
    sync API runs the test in another context, where Django hands out a fresh connection object that lacks the
    serialized copy. So the seed is put back the way the migrations wrote it (idempotent).
    """
    from django.apps import apps

    for module in ("allied.program.migrations.0002_default_program", "allied.onboarding.migrations.0002_default_journeys"):
        import_module(module).forwards(apps, None)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium package (make browsers)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server, settings):
    settings.ALLIED_SITE_URL = live_server.url
    settings.SITE_URL = live_server.url
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    pg = context.new_page()
    yield pg
    context.close()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def messages(page):
    """The flash messages after a request (the ``role="status"`` list in the base template)."""
    return page.get_by_role("status")


def main_nav(page, name: str) -> None:
    """Click a link of the main navigation, as a person does."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True).click()


def logout(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in").wait_for()


def login(page, email: str, password: str) -> None:
    page.goto("/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")
