"""Every GET page of the access matrix, for each role that may open it, the admin's included:
no page scrolls sideways from a phone (390 px) to a desktop (1440 px), and none has a serious or
critical axe-core violation.

One walk per role serves both (five tests, so that they spread over the workers): each page is
opened once per role, at 390 px, then the window is resized
to each width (the layout is media queries, so it follows the resize at once). The portal's own
pages are where its breakpoints are (columns from 576, 768 and 992 px, the navigation bar opening
at 1200 px, the article's contents beside the text from 992 px): they are measured at every
width. The admin's model pages are Django's own templates: at the phone's and the desktop's, and
once per set of permissions (a specialist's patient pages, with the superuser's permissions on
patients, are the superuser's pages; their view-only article pages are their own).
axe runs on every page at 390 px, the narrow layout every patient sees first; the desktop's
navigation bar (open at 1280 px) is checked once per role, on its first page."""

import pytest

from tests.browser.matrix_pages import (
    BROWSER_ROLES,
    WIDTHS,
    matrix_admin_objects,  # noqa: F401 (fixture)
    pages_for,
    signed_in_context,
)
from tests.browser.test_accessibility import ADMIN_SAMPLE, AXE, serious_violations
from tests.test_access_matrix import (  # noqa: F401 (fixtures)
    ADMIN_MODELS,
    STAFF,
    admin_objects,
    objects,
    users,
)

# Measured once the page has drawn two frames at the new width (charts resize on the next frame).
OVERFLOW = """async () => {
    await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
    return document.documentElement.scrollWidth - window.innerWidth;
}"""
PHONE, DESKTOP = 390, 1280
# Pages opened and checked with axe by each role's walk (the matrix had 10/11, 18/19, 27/27,
# 62/56 and 152/69): a walk that stops early, or a matrix that loses its pages, fails.
WALKED_AT_LEAST = {
    "anonymous": (10, 10),
    "patient": (18, 18),
    "editor": (25, 25),
    "specialist": (60, 50),
    "superuser": (145, 65),
}
HEIGHT = 900


def is_admin_model_page(key):
    return key.startswith("admin:") and key.count(":") == 2


def wants_axe(key):
    """Portal pages all; the admin's model pages on the sample (ADMIN_SAMPLE)."""
    return not is_admin_model_page(key) or key in ADMIN_SAMPLE


def superusers_page(role, key):
    """An admin model page ``role`` opens with the superuser's permissions on the model: the
    superuser's walk measures it."""
    if role == "superuser" or not is_admin_model_page(key):
        return False
    permissions = ADMIN_MODELS[key.split(":")[1]]
    return permissions[STAFF.index(role)] == permissions[STAFF.index("superuser")]


def widths_for(key):
    return (PHONE, DESKTOP) if is_admin_model_page(key) else WIDTHS


@pytest.mark.parametrize("role", BROWSER_ROLES)
def test_no_page_of_any_role_scrolls_sideways_or_fails_axe(
    role,
    browser,
    live_server,
    demo_outcomes,
    users,  # noqa: F811
    objects,  # noqa: F811
    matrix_admin_objects,  # noqa: F811
):
    assert PHONE == WIDTHS[0] and DESKTOP in WIDTHS
    overflowing, violations = [], []
    opened = measured = checked = 0
    context = signed_in_context(browser, live_server, users[role], PHONE, HEIGHT)
    context.add_init_script(path=AXE)  # on every page, ready for serious_violations()
    page = context.new_page()
    page.set_default_timeout(15_000)
    desktop_checked = False
    for key, url in pages_for(role, objects, matrix_admin_objects):
        if superusers_page(role, key):
            continue
        page.set_viewport_size({"width": PHONE, "height": HEIGHT})
        response = page.goto(f"{live_server.url}{url}")
        assert response.status == 200, f"{url} as {role}: {response.status}"
        html = response.headers["content-type"].startswith("text/html")
        opened += 1
        for width in widths_for(key):
            if width != PHONE:
                page.set_viewport_size({"width": width, "height": HEIGHT})
            excess = page.evaluate(OVERFLOW)
            measured += 1
            if excess > 0:
                overflowing.append(f"{width} px, {role}, {key} {url}: {excess} px too wide")
            axe_here = width == PHONE or (width == DESKTOP and not desktop_checked)
            if html and wants_axe(key) and axe_here:
                checked += 1
                desktop_checked = desktop_checked or width == DESKTOP
                violations += [f"{width} px, {role} {url}: {v}" for v in serious_violations(page)]
    assert desktop_checked, role
    context.close()
    least_opened, least_checked = WALKED_AT_LEAST[role]
    assert opened >= least_opened and checked >= least_checked, (opened, checked)
    assert measured > 2 * opened
    assert not overflowing, "\n".join(overflowing)
    assert not violations, "\n".join(violations)
