"""The public article page in Chromium (issue 14): the table of contents beside the text at
1280 px and folded above it at 390 px, the emergency and figure callouts, the clinic's contact
box and logo, the named author and reviewer, no sideways scroll and no axe-core violation."""

import pytest
from playwright.sync_api import expect

from education import figures, services
from education.models import Article
from tests.browser.conftest import screenshot
from tests.browser.test_accessibility import axe_violations

URL = "/education/articles/miss-spinal-herniations/"
OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"


@pytest.fixture
def trusted_article(demo, settings, monkeypatch):
    """The demo's MISS article as the workflow publishes it (the demo editor writes the new
    version, the demo specialist approves it), with the clinic's contact details set and a
    figure from 24 patients."""
    settings.CLINIC_NAME = "Riverside Spine Clinic"
    settings.CLINIC_PHONE = "+44 20 7946 0000"
    settings.CLINIC_ADDRESS = "12 River Road; Springfield SP1 2AB"
    value = figures.Figure(
        text="88 % of patients who had minimally invasive surgery went home the same day or the "
        "next",
        interval="95 % CI 69–96 %",
        count="21 of 24 operated patients",
        n=24,
        years=(2023, 2025),
    )
    monkeypatch.setitem(figures._providers, "same_day_discharge", (lambda: value, "Test"))
    article = Article.objects.get(slug="miss-spinal-herniations", language="en")
    live = article.published_version
    editor, specialist = demo["editor"], demo["specialist"]
    draft = services.save_draft(
        article=article,
        by=editor,
        title=live.title,
        summary=live.summary,
        body_markdown=live.body_markdown,
        references_markdown=live.references_markdown,
    )
    draft.submit_for_review(by=editor)
    draft.approve(by=specialist)
    draft.publish(by=editor, reason="The clinic's own wording.")
    return {"editor": editor, "specialist": specialist}


def _open(page, live_server, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}{URL}")
    page.wait_for_load_state()


def _box(locator):
    box = locator.bounding_box()
    assert box is not None
    return box


def _shared_checks(page, people):
    editor, specialist = people["editor"], people["specialist"]
    byline = page.locator(".article-byline")
    expect(byline).to_contain_text(f"Written by {editor.get_full_name()}, content editor")
    expect(byline).to_contain_text(
        f"Clinically reviewed by {specialist.get_full_name()}, specialist"
    )
    expect(page.locator(".article-review-dates")).to_contain_text("Next review due:")
    urgent = page.locator(".article-body .admonition.urgent")
    expect(urgent).to_be_visible()
    expect(urgent.locator(".admonition-title")).to_have_text("Get help now")
    figure = page.locator(".figure-callout").first
    expect(figure).to_be_visible()
    expect(figure.locator(".figure-callout-facts")).to_have_text(
        "n = 24 · 95 % CI 69–96 % · 2023–2025"
    )
    # The callouts look different from the text around them.
    text_colour = page.locator(".article-body > p").first.evaluate(
        "e => getComputedStyle(e).backgroundColor"
    )
    for callout in (urgent, figure):
        assert callout.evaluate("e => getComputedStyle(e).backgroundColor") != text_colour
    expect(page.get_by_role("heading", name="References")).to_be_visible()
    expect(page.locator(".article-references li")).to_have_count(8)
    brand = page.locator(".navbar-brand")
    expect(brand).to_contain_text("Riverside Spine Clinic")
    assert brand.locator("img.clinic-logo").evaluate("img => img.naturalWidth") > 0
    contact = page.locator(".clinic-contact:visible")
    expect(contact).to_have_count(1)
    expect(contact.get_by_role("link", name="+44 20 7946 0000")).to_have_attribute(
        "href", "tel:+442079460000"
    )
    expect(contact).to_contain_text("12 River Road")
    assert page.evaluate(OVERFLOW) <= 0


def test_at_1280_the_contents_sit_beside_the_text_and_stay_in_view(
    page, live_server, trusted_article
):
    _open(page, live_server, 1280)
    _shared_checks(page, trusted_article)
    toc = page.get_by_role("navigation", name="On this page")
    body = page.locator(".article-body")
    expect(toc.get_by_role("link", name="How MISS works")).to_be_visible()
    expect(toc.get_by_role("button", name="On this page")).to_be_hidden()
    toc_box, body_box = _box(toc), _box(body)
    assert toc_box["x"] >= body_box["x"] + body_box["width"]  # beside, to the right
    assert toc_box["y"] < body_box["y"] + body_box["height"]
    # The page uses its width: the contents reach the right of the container.
    main = _box(page.locator("main .article-layout"))
    assert toc_box["x"] + toc_box["width"] > main["x"] + main["width"] * 0.9
    screenshot(page, "public-article-1280")
    # Sticky: far down the text, the contents are still on screen.
    page.get_by_role("heading", name="When to get help").scroll_into_view_if_needed()
    top = _box(page.locator(".article-aside"))["y"]
    assert 0 <= top < 900
    assert axe_violations(page) == []


def test_at_390_the_contents_fold_above_the_text(page, live_server, trusted_article):
    _open(page, live_server, 390)
    _shared_checks(page, trusted_article)
    toc = page.get_by_role("navigation", name="On this page")
    toggle = toc.get_by_role("button", name="On this page")
    links = toc.get_by_role("link", name="How MISS works")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(links).to_be_hidden()
    assert _box(toggle)["y"] < _box(page.locator(".article-body"))["y"]
    screenshot(page, "public-article-390")
    assert axe_violations(page) == []
    toggle.click()
    expect(links).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    links.click()
    expect(page).to_have_url(f"{live_server.url}{URL}#section-how-miss-works")
    assert page.evaluate(OVERFLOW) <= 0
