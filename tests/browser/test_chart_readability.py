"""The outcome dashboard's charts and figures table read at a glance (issue 14), on a phone and a
desktop, as a specialist sees them in Chromium with the demo data."""

import json

import pytest

from tests.browser.conftest import screenshot
from tests.browser.test_accessibility import axe_violations

pytestmark = pytest.mark.usefixtures("demo_outcomes")

CHARTS = ("stay-chart", "nrs-chart", "odi-chart")


def _open_dashboard(login, page, live_server, width):
    page.set_viewport_size({"width": width, "height": 844 if width < 768 else 800})
    login("specialist")
    page.goto(f"{live_server.url}/cases/outcomes/")
    page.wait_for_load_state()
    for chart in CHARTS:
        assert page.locator(f"#{chart}").get_attribute("data-rendered") == "true"
    # Chart.js sizes its canvases a frame after layout.
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def _font_px(page, selector):
    return page.eval_on_selector_all(
        selector, "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))"
    )


@pytest.mark.parametrize("width", [390, 1280])
def test_the_outcome_dashboard_reads_at_a_glance(login, page, live_server, width):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    _open_dashboard(login, page, live_server, width)

    # Labels drawn on the canvases: the options passed through json_script, and what Chart.js
    # resolved from them, at least 12 px.
    data = json.loads(page.locator("#outcome-data").text_content())
    resolved = page.evaluate(
        """ids => ids.map(id => {
            const chart = Chart.getChart(id);
            return Object.values(chart.scales).map(scale => ({
                ticks: scale.options.ticks.font.size,
                title: scale.options.title.display ? scale.options.title.font.size : null,
                max: scale.max,
                values: chart.data.datasets.flatMap(d => d.data).filter(v => v !== null),
                axis: scale.axis,
            }));
        })""",
        list(CHARTS),
    )
    for name in ("stay", "nrs", "odi"):
        for scale in data[name]["scales"].values():
            assert scale["ticks"]["font"]["size"] >= 12
    for scales in resolved:
        for scale in scales:
            assert scale["ticks"] >= 12 and (scale["title"] is None or scale["title"] >= 12)
    # Headroom: no bar reaches the top of the length-of-stay axis.
    [stay_y] = [scale for scale in resolved[0] if scale["axis"] == "y"]
    assert stay_y["values"] and stay_y["max"] > max(stay_y["values"])

    # The HTML legends and captions: at least 12 px; plain swatches (no pattern fills).
    legend_sizes = _font_px(page, ".chart-legend-item span")
    assert len(legend_sizes) >= 4 and min(legend_sizes) >= 12
    assert min(_font_px(page, ".chart-caption")) >= 12
    assert page.locator(".chart-legend pattern, .chart-legend [fill^='url(']").count() == 0

    # Nothing scrolls sideways, and every column of the figures table is on screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    columns = page.evaluate(
        """() => {
            const table = document.getElementById("outcome-table");
            return [...table.querySelectorAll("tbody tr")].map(row =>
                [...row.children].map(cell => {
                    const box = cell.getBoundingClientRect();
                    return {left: box.left, right: box.right, width: box.width};
                }));
        }"""
    )
    assert columns and all(len(row) == 4 for row in columns)
    for row in columns:
        for cell in row:
            assert cell["width"] > 0 and cell["left"] >= 0 and cell["right"] <= width
    region = page.locator("#outcome-table").locator("xpath=..")
    assert region.evaluate("e => e.scrollWidth <= e.clientWidth")

    if width == 1280:
        # Charts pair up: length of stay beside its table, median pain beside median ODI.
        def top(selector):
            return page.locator(selector).bounding_box()["y"]

        assert abs(top("#nrs-title") - top("#odi-title")) < 5
        assert abs(top("#stay-title") - top("#stay-table")) < 30
        assert top("#odi-title") > top("#stay-title") + 100
        assert page.locator("#nrs-chart").bounding_box()["width"] < 700

    screenshot(page, f"outcomes-{width}")
    assert errors == []
    assert axe_violations(page) == []
