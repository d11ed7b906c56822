"""The reading loop in Chromium: the demo patient reads the article their specialist assigned,
says they understood it, and the specialist sees that."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.test_accessibility import axe_violations

SPANISH_TITLE = "Cómo la cirugía de columna mínimamente invasiva trata las hernias de disco"


def _log_out(page):
    page.context.clear_cookies()


def test_patient_reads_assigned_article_and_specialist_sees_it_understood(login, live_server):
    # Maria Lopez prefers Spanish: she was given the Spanish translation of the MISS article.
    page = login("patient")
    reading = page.get_by_role("region", name="Your reading list")
    link = reading.get_by_role("link", name=SPANISH_TITLE)
    expect(link).to_be_visible()
    expect(reading.get_by_text("New", exact=True)).to_be_visible()
    link.click()

    expect(page.get_by_role("heading", level=1)).to_have_text(SPANISH_TITLE)
    expect(page.get_by_text("Please read this before our next appointment.")).to_be_visible()
    expect(page.get_by_role("navigation", name="On this page")).to_be_visible()
    expect(page.get_by_text("basta un corte de una pulgada", exact=False)).to_be_visible()
    screenshot(page, "patient-assigned-article")
    # At the top of the article and at its end: the top one saves the scroll.
    expect(page.get_by_role("button", name="I understood")).to_have_count(2)
    page.get_by_role("button", name="I understood").first.click()
    expect(page.get_by_text("Your care team can see you understood it.")).to_be_visible()
    expect(page.get_by_role("button", name="I understood")).to_have_count(0)

    page.goto(f"{live_server.url}/")
    expect(
        page.get_by_role("region", name="Your reading list").get_by_text("Understood", exact=True)
    ).to_be_visible()

    _log_out(page)
    login("specialist")
    page.get_by_role("link", name="Assigned reading").click()
    row = page.get_by_role("row").filter(has_text="Maria Lopez")
    expect(row).to_contain_text("Understood")
    other = page.get_by_role("row").filter(has_text="James Walker")
    expect(other).to_contain_text("New")
    screenshot(page, "specialist-assigned-reading")


def test_patient_asks_a_question_and_the_specialist_answers(login, live_server):
    page = login("patient2")
    page.get_by_role("link", name=re.compile("Minimally Invasive Spine Surgery")).click()
    page.get_by_role("link", name="I have a question").click()  # the one at the top
    page.get_by_label("Your question").fill("How long until I can drive?")
    page.get_by_role("button", name="Send my question").click()
    expect(page.get_by_text("Your question was sent to your care team.")).to_be_visible()

    _log_out(page)
    login("specialist")
    questions = page.get_by_role("region", name="Patients' questions")
    questions.get_by_role("listitem").filter(has_text="asked").get_by_role("link").click()
    expect(page.get_by_text("How long until I can drive?")).to_be_visible()
    answer = "Usually after two weeks; we will confirm at follow-up."
    page.get_by_label("Your answer").fill(answer)
    page.get_by_role("button", name="Send answer").click()
    expect(page.get_by_text("Answer sent.")).to_be_visible()

    _log_out(page)
    login("patient2")
    page.get_by_role("link", name=re.compile("Minimally Invasive Spine Surgery")).click()
    expect(page.get_by_text(answer)).to_be_visible()


def test_the_public_article_prints_without_navigation(page, live_server, demo):
    page.goto(f"{live_server.url}/education/")
    page.get_by_role("link", name=re.compile("Minimally Invasive Spine Surgery")).click()
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Main navigation")).to_be_hidden()
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


@pytest.mark.parametrize(
    "username, path",
    [
        (None, "/education/"),
        (None, "/education/articles/miss-spinal-herniations/"),
        ("patient", "/education/assignments/{assignment}/"),
        ("editor", "/education/manage/"),
        ("editor", "/education/manage/new/"),
        ("editor", "/education/manage/versions/{version}/"),
        ("specialist", "/education/manage/versions/{draft}/"),
        ("specialist", "/education/assignments/"),
        ("specialist", "/education/patients/{patient}/assign/"),
    ],
)
def test_education_pages_are_accessible_and_keep_to_the_csp(
    page, live_server, login, username, path
):
    from education.models import Article, ArticleVersion, Assignment

    assignment = Assignment.objects.filter(patient__user__username="patient").get()
    ids = {
        "assignment": assignment.pk,
        "patient": assignment.patient_id,
        "version": Article.objects.get(
            slug="miss-spinal-herniations", language="en"
        ).published_version_id,
        "draft": ArticleVersion.objects.get(status="in_review").pk,
    }
    if username:
        login(username)
    blocked = []
    page.on("console", lambda m: "Content Security Policy" in m.text and blocked.append(m.text))
    page.goto(live_server.url + path.format(**ids))
    assert page.get_by_role("heading", level=1).count() == 1
    assert axe_violations(page) == []
    assert blocked == []  # no inline script or style was refused by the CSP
    name = re.sub(r"[^a-z0-9]+", "-", f"{username or 'anonymous'}{path}".lower()).strip("-")
    screenshot(page, f"education-{name}")
