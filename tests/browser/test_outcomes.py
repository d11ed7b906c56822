"""The outcome dashboard and the article's live figures in a real browser, with the demo data."""

import re

import pytest

from tests.browser.conftest import screenshot
from tests.browser.test_accessibility import axe_violations

pytestmark = pytest.mark.usefixtures("demo_outcomes")


def _console_errors(page):
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def test_a_specialist_opens_the_dashboard_and_the_charts_render(login):
    page = login("specialist")
    errors = _console_errors(page)
    page.get_by_role("link", name="Outcomes").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Outcome dashboard").is_visible()
    table = page.locator("#outcome-table")
    assert table.locator("tbody tr").count() == 19
    discharge = table.locator("tr[data-figure='same_or_next_day_discharge']")
    assert "n = " in discharge.inner_text() and "95 % CI" in discharge.inner_text()
    # Whose baseline (issue 15: "Baseline reported by the patient"), then the five timepoints.
    assert page.locator("#completeness-table tbody tr").count() == 6
    for chart in ("stay-chart", "nrs-chart", "odi-chart"):
        canvas = page.locator(f"#{chart}")
        assert canvas.get_attribute("data-rendered") == "true"
        assert canvas.get_attribute("role") == "img"
        assert canvas.bounding_box()["height"] > 100
    # The filters narrow the figures.
    page.get_by_label("Technique").select_option("open")
    page.get_by_role("button", name="Show figures").click()
    page.wait_for_load_state()
    assert "too" not in page.locator("tr[data-figure='incision_length'] td").nth(2).inner_text()
    assert page.locator("tr[data-figure='incision_length'] td").nth(1).inner_text().startswith("—")
    screenshot(page, "outcomes-specialist")
    assert errors == []
    assert axe_violations(page) == []


def test_an_editor_sees_the_aggregate_view_without_small_numbers(login):
    page = login("editor")
    page.get_by_role("link", name="Clinic figures").click()
    page.wait_for_load_state()
    assert page.get_by_text("Aggregate figures only").is_visible()
    # Numbers only with n ≥ 10; the three MISS techniques alone are too few.
    counts = re.findall(r"n = (\d+) of", page.locator("main").inner_text())
    assert counts and min(int(n) for n in counts) >= 10
    assert "too few to report" in page.locator("main").inner_text()  # incision by technique
    screenshot(page, "outcomes-editor")
    assert axe_violations(page) == []


def test_the_seed_article_shows_the_clinics_own_figure(page, live_server, demo):
    page.goto(f"{live_server.url}/education/articles/miss-spinal-herniations/")
    figure = page.locator(".clinic-figure").first
    assert figure.inner_text().startswith("At this clinic: ")
    assert "operated patients, " in figure.inner_text()
    assert "95 % CI" in figure.inner_text()
    assert "[[figure:" not in page.content()
    assert axe_violations(page) == []
