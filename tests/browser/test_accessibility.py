"""axe-core (from npm) checks pages for WCAG 2.1 A/AA violations in real Chromium."""

from pathlib import Path

import pytest

from tests.browser.matrix_pages import (
    BROWSER_ROLES,
    matrix_admin_objects,  # noqa: F401 (fixture)
    pages_for,
    signed_in_context,
)
from tests.test_access_matrix import admin_objects, objects, users  # noqa: F401 (fixtures)

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page):
    # The strict CSP forbids injected <script> tags; evaluate() runs outside the page's CSP.
    page.evaluate(AXE.read_text())
    return page.evaluate(
        """async () => {
            const result = await axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
            });
            return result.violations.map(v => `${v.id}: ${v.nodes.map(n => n.target).join(' | ')}`);
        }"""
    )


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/accounts/password_reset/"])
def test_public_pages_have_no_accessibility_violations(page, live_server, demo, path):
    page.goto(f"{live_server.url}{path}")
    assert axe_violations(page) == []


@pytest.mark.parametrize("username", ["patient", "specialist", "editor", "admin"])
def test_dashboards_have_no_accessibility_violations(login, username):
    page = login(username)
    assert axe_violations(page) == []


def serious_violations(page):
    """axe-core's serious and critical violations on the page (WCAG 2.1 A/AA)."""
    page.evaluate(AXE.read_text())
    return page.evaluate(
        """async () => {
            const result = await axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
            });
            return result.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => `${v.id}: ${v.nodes.map(n => n.target).join(' | ')}`);
        }"""
    )


# The shared admin is Django's own templates (with a small stylesheet of ours): its model pages
# are checked on one model's list, change form and history, for each staff role that opens them.
ADMIN_SAMPLE = {"admin:clinic.patient:changelist", "admin:clinic.patient:change",
                "admin:clinic.patient:history", "admin:education.article:changelist",
                "admin:education.article:change"}  # fmt: skip


def test_every_page_of_every_role_has_no_serious_accessibility_violations(
    browser,
    live_server,
    demo_outcomes,
    users,  # noqa: F811
    objects,  # noqa: F811
    matrix_admin_objects,  # noqa: F811
):
    """Every portal page of the access matrix each role may open, and a sample of the admin's
    model pages, on a phone (390 px) and a desktop (1280 px): no serious or critical violation.
    One browser context per role and width; the data is made once for all of them."""
    found, checked = [], 0
    for width in (390, 1280):
        for role in BROWSER_ROLES:
            context = signed_in_context(browser, live_server, users[role], width)
            page = context.new_page()
            page.set_default_timeout(15_000)
            for key, url in pages_for(role, objects, matrix_admin_objects):
                if key.count(":") == 2 and key.startswith("admin:") and key not in ADMIN_SAMPLE:
                    continue
                response = page.goto(f"{live_server.url}{url}")
                if not response.headers["content-type"].startswith("text/html"):
                    continue  # the admin's JavaScript catalogue (jsi18n)
                checked += 1
                found += [f"{width} px, {role} {url}: {v}" for v in serious_violations(page)]
            context.close()
    assert checked > 200
    assert not found, "\n".join(found)
