"""No page of any role scrolls sideways, from a phone (390 px) to a desktop (1440 px): every GET
page of the access matrix each role may open, the admin's included, at each width."""

from tests.browser.matrix_pages import (
    BROWSER_ROLES,
    WIDTHS,
    matrix_admin_objects,  # noqa: F401 (fixture)
    pages_for,
    signed_in_context,
)
from tests.test_access_matrix import admin_objects, objects, users  # noqa: F401 (fixtures)

OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


def test_no_page_of_any_role_scrolls_sideways_at_any_width(
    browser,
    live_server,
    demo_outcomes,
    users,  # noqa: F811
    objects,  # noqa: F811
    matrix_admin_objects,  # noqa: F811
):
    """One browser context per role and width; the data is made once for all of them."""
    overflowing = []
    opened = 0
    for width in WIDTHS:
        for role in BROWSER_ROLES:
            context = signed_in_context(browser, live_server, users[role], width)
            page = context.new_page()
            page.set_default_timeout(15_000)
            for key, url in pages_for(role, objects, matrix_admin_objects):
                response = page.goto(f"{live_server.url}{url}")
                assert response.status == 200, f"{url} as {role}: {response.status}"
                opened += 1
                excess = page.evaluate(OVERFLOW)
                if excess > 0:
                    overflowing.append(f"{width} px, {role}, {key} {url}: {excess} px too wide")
            context.close()
    assert opened > 4 * 100
    assert not overflowing, "\n".join(overflowing)
