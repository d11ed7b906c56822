"""Every GET page of the access matrix, for each role that may open it, the admin's included:
no page scrolls sideways from a phone (390 px) to a desktop (1440 px), and none has a serious or
critical axe-core violation on a phone (390 px) or a desktop (1280 px).

One walk serves both: each page is opened once per role, then the window is resized to each
width (the layout is media queries, so it follows the resize at once)."""

from tests.browser.matrix_pages import (
    BROWSER_ROLES,
    WIDTHS,
    matrix_admin_objects,  # noqa: F401 (fixture)
    pages_for,
    signed_in_context,
)
from tests.browser.test_accessibility import ADMIN_SAMPLE, serious_violations
from tests.test_access_matrix import admin_objects, objects, users  # noqa: F401 (fixtures)

# Measured once the page has drawn two frames at the new width (charts resize on the next frame).
OVERFLOW = """async () => {
    await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
    return document.documentElement.scrollWidth - window.innerWidth;
}"""
AXE_WIDTHS = (390, 1280)
HEIGHT = 900


def wants_axe(key):
    """Portal pages all; the admin's model pages on the sample (ADMIN_SAMPLE)."""
    return not (key.startswith("admin:") and key.count(":") == 2) or key in ADMIN_SAMPLE


def test_no_page_of_any_role_scrolls_sideways_or_fails_axe_at_any_width(
    browser,
    live_server,
    demo_outcomes,
    users,  # noqa: F811
    objects,  # noqa: F811
    matrix_admin_objects,  # noqa: F811
):
    overflowing, violations = [], []
    opened = checked = 0
    for role in BROWSER_ROLES:
        context = signed_in_context(browser, live_server, users[role], WIDTHS[0], HEIGHT)
        page = context.new_page()
        page.set_default_timeout(15_000)
        for key, url in pages_for(role, objects, matrix_admin_objects):
            page.set_viewport_size({"width": WIDTHS[0], "height": HEIGHT})
            response = page.goto(f"{live_server.url}{url}")
            assert response.status == 200, f"{url} as {role}: {response.status}"
            html = response.headers["content-type"].startswith("text/html")
            opened += 1
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": HEIGHT})
                excess = page.evaluate(OVERFLOW)
                if excess > 0:
                    overflowing.append(f"{width} px, {role}, {key} {url}: {excess} px too wide")
                if html and width in AXE_WIDTHS and wants_axe(key):
                    checked += 1
                    violations += [
                        f"{width} px, {role} {url}: {v}" for v in serious_violations(page)
                    ]
        context.close()
    assert opened > 100
    assert checked > 200
    assert not overflowing, "\n".join(overflowing)
    assert not violations, "\n".join(violations)
