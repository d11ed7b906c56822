"""Daily use on a phone and at the desk (issue 14): the pain scale's tap targets at 390 px, the
check-in's conditional dates, the answers at the top of an assigned article, the review page,
the slug from the title and the MISS article ticked with a MISS decision."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from cases.models import Consult, FollowUp
from education.demo import DEMO_DRAFT_SLUG
from education.models import ArticleVersion
from tests.browser.conftest import screenshot
from tests.browser.test_accessibility import axe_violations

PHONE = {"width": 390, "height": 844}
BACK = "Back pain now"
LEG = "Leg pain now"


def _open_checkin(page, live_server):
    follow_up = FollowUp.objects.get(patient__mrn="DEMO-0001", timepoint="3m")
    page.goto(f"{live_server.url}{reverse('cases:checkin', args=[follow_up.pk])}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your 3-month check-in")


def test_the_pain_scale_is_one_row_of_large_tap_targets_at_390_px(login, live_server):
    page = login("patient")
    page.set_viewport_size(PHONE)
    page.get_by_role("link", name="Your 3-month check-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your 3-month check-in")
    for question in (BACK, LEG):
        scale = page.get_by_role("group", name=question)
        expect(scale.locator("label.nrs-option")).to_have_count(11)
        boxes = [label.bounding_box() for label in scale.locator("label.nrs-option").all()]
        assert len(boxes) == 11
        assert len({round(box["y"]) for box in boxes}) == 1, "the scale wraps"
        for box in boxes:
            assert box["height"] >= 44
            # Eleven 44 px targets cannot fit in 390 px; each takes its eleventh of the row,
            # above WCAG 2.5.8's 24 px.
            assert box["width"] >= 30
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        expect(scale.get_by_label("0 (no pain)")).to_have_count(1)
        expect(scale.get_by_label("10 (worst pain imaginable)")).to_have_count(1)
        expect(scale.get_by_text("10 = worst pain imaginable")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # A tap on a number chooses it; the arrow keys move along the scale.
    back = page.get_by_role("group", name=BACK)
    back.locator("label.nrs-option").nth(7).click()
    expect(back.get_by_label("7", exact=True)).to_be_checked()
    back.get_by_label("7", exact=True).press("ArrowRight")
    expect(back.get_by_label("8", exact=True)).to_be_checked()
    # The chosen number is filled in, the others outlined.
    chosen, other = back.locator("label.nrs-option").nth(8), back.locator("label.nrs-option").nth(7)
    expect(chosen).to_have_css("background-color", "rgb(13, 110, 253)")
    expect(chosen).to_have_css("color", "rgb(255, 255, 255)")
    expect(other).to_have_css("background-color", "rgba(0, 0, 0, 0)")
    page.mouse.move(0, 0)
    screenshot(page, "patient-checkin-pain-scale-390")
    assert axe_violations(page) == []


def test_the_since_dates_appear_only_when_the_answer_is_yes(login, live_server):
    page = login("patient")
    page.set_viewport_size(PHONE)
    _open_checkin(page, live_server)
    daily = page.get_by_label("Back to daily activities since")
    work = page.get_by_label("Back at work since")
    expect(daily).to_be_hidden()
    expect(work).to_be_hidden()

    activities = page.get_by_role("group", name="Are you back to your usual daily activities?")
    activities.get_by_label("Yes, on this date:").check()
    expect(daily).to_be_visible()
    activities.get_by_label("Not yet").check()
    expect(daily).to_be_hidden()

    at_work = page.get_by_role("group", name="Are you back at work?")
    at_work.get_by_label("Yes, on this date:").check()
    expect(work).to_be_visible()
    work.fill("2001-01-01")
    at_work.get_by_label("Does not apply to me (I do not work)").check()
    expect(work).to_be_hidden()
    assert axe_violations(page) == []


def test_i_understood_is_in_the_first_screen_of_a_long_article_on_a_phone(login, live_server):
    page = login("patient2")
    page.set_viewport_size(PHONE)
    page.get_by_role("link", name=re.compile("Minimally Invasive Spine Surgery")).click()
    understood = page.get_by_role("button", name="I understood").first
    box = understood.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"]
    # "I have a question" at the top unfolds the form at the end and puts the cursor in it.
    page.get_by_role("link", name="I have a question").click()
    expect(page.get_by_label("Your question")).to_be_focused()
    assert axe_violations(page) == []
    screenshot(page, "patient-article-question-390")


def test_the_reviewer_reads_the_body_and_the_change_and_approves_on_one_page(login, live_server):
    page = login("specialist")
    version = ArticleVersion.objects.get(article__slug=DEMO_DRAFT_SLUG)
    page.goto(f"{live_server.url}{version.get_absolute_url()}")
    body = page.get_by_role("region", name="The text as patients will see it")
    expect(body).to_be_visible()
    expect(body.get_by_role("heading").first).to_be_visible()
    expect(page.get_by_role("region", name="Changes from the published version")).to_contain_text(
        "No version of this article has been published"
    )
    assert axe_violations(page) == []
    screenshot(page, "reviewer-version-page")
    page.get_by_role("button", name=re.compile("^Approve")).click()
    expect(page.get_by_text("Approved", exact=True).first).to_be_visible()


def test_the_slug_follows_the_title_until_the_editor_types_one(login, live_server):
    page = login("editor")
    page.goto(f"{live_server.url}{reverse('education:article_create')}")
    slug = page.get_by_label("Slug")
    page.get_by_label("Title").fill("Walking after surgery: día uno")
    expect(slug).to_have_value("walking-after-surgery-dia-uno")
    slug.fill("walking")
    page.get_by_label("Title").fill("Something else")
    expect(slug).to_have_value("walking")


def test_choosing_miss_ticks_the_miss_article(login, live_server):
    page = login("specialist")
    consult = Consult.objects.get(patient__mrn="DEMO-0003")
    page.goto(f"{live_server.url}{reverse('cases:decision_create', args=[consult.pk])}")
    box = page.get_by_label("Give the patient the MISS article")
    expect(box).not_to_be_checked()
    page.get_by_label("Outcome").select_option("miss")
    expect(box).to_be_checked()
    page.get_by_label("Outcome").select_option("conservative")
    expect(box).not_to_be_checked()
