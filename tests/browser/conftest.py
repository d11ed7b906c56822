"""Browser tests: Playwright driving the system's Chromium against pytest-django's live server.

They skip on a machine without Chromium, except in CI (``CI=true``) or with
``REQUIRE_BROWSER=1``, where a missing browser is a failure: they must run there.
"""

import io
import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction

from cases import demo as cases_demo
from clinic import demo as clinic_demo
from clinic.models import Patient
from education import demo as education_demo

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
DEMO_PASSWORD = "browser-demo-password"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)"
        if os.environ.get("CI") == "true" or os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def demo(transactional_db):
    """The demo accounts, article and patients, as ``make run`` creates them (seed_demo) but
    for the 20 invented operated patients behind the outcome figures: ``demo_outcomes`` adds
    them, for the tests that need the figures (they take most of seed_demo's time)."""
    with transaction.atomic():
        accounts = clinic_demo.seed_accounts(DEMO_PASSWORD)
        education_demo.seed(accounts=accounts, stdout=io.StringIO())
        cases_demo.seed(accounts=accounts, stdout=io.StringIO(), outcomes=False)
        # The walks read the portal's English: Maria's pages in English, whatever she prefers
        # (her reading stays the Spanish article); test_spanish_journey.py walks it in Spanish.
        maria = Patient.objects.get(user=accounts["patient"])
        maria.preferred_language = "en"
        maria.save_if_current(expected_version=maria.version)
    return accounts


@pytest.fixture
def demo_outcomes(demo):
    """The demo with the operated patients behind the outcome figures: all of seed_demo."""
    call_command("seed_demo", "--force", "--password", DEMO_PASSWORD, verbosity=0)


@pytest.fixture
def login(page, live_server, demo):
    """``login(username)``: log in through the real login form."""

    def do_login(username):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state()
        return page

    return do_login


def screenshot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
