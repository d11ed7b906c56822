"""The specialist's work queue in a real browser (issue 14): first on the dashboard at phone
and desktop widths, nothing scrolling sideways, a patient's question answered in place."""

from django.urls import reverse
from playwright.sync_api import expect

from clinic.models import User
from education import services
from education.models import Assignment
from tests.browser.conftest import screenshot
from tests.browser.test_accessibility import axe_violations

OVERFLOW = """async () => {
    await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
    return document.documentElement.scrollWidth - window.innerWidth;
}"""
QUESTION = "Can I drive to work next week?"


def _ask():
    """James Walker (patient2) asks about his reading, as through his page."""
    patient = User.objects.get(username="patient2")
    assignment = Assignment.objects.get(patient__user=patient)
    services.ask_question(assignment=assignment, by=patient, text=QUESTION)
    return assignment


def test_the_specialist_opens_on_the_work_queue_and_answers_a_question_there(login, live_server):
    assignment = _ask()
    page = login("specialist")
    for width, height in ((390, 844), (1280, 800)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{live_server.url}{reverse('dashboard')}")
        queue = page.get_by_role("heading", name="Work queue")
        expect(queue).to_be_visible()
        # The queue is the first thing after the greeting, and in the first screen.
        headings = page.locator("main h2").all_inner_texts()
        assert headings[0] == "Work queue", headings
        assert queue.bounding_box()["y"] < height / 2
        question = page.locator(f"#question-{assignment.pk}")
        expect(question).to_contain_text(QUESTION)
        expect(question).to_contain_text("asked today")
        # The overdue follow-up of the demo's conservative patient, with the number to call.
        late = page.get_by_role("region", name="Not answered: call the patient")
        expect(late).to_contain_text("Tomás García")
        expect(late.get_by_role("link", name="+1 555 0104").first).to_be_visible()
        assert page.evaluate(OVERFLOW) <= 0, f"scrolls sideways at {width} px"
        assert axe_violations(page) == []
        screenshot(page, f"specialist-dashboard-work-queue-{width}")

    question = page.locator(f"#question-{assignment.pk}")
    question.locator("summary", has_text="Answer James").click()
    question.get_by_label("Your answer").fill("Not yet: wait for the 2-week check.")
    question.get_by_role("button", name="Send answer").click()
    expect(page.get_by_text("Answer sent to James Walker.")).to_be_visible()
    expect(page.get_by_role("heading", name="Work queue")).to_be_visible()
    expect(page.get_by_text("No open questions.")).to_be_visible()
    assignment.refresh_from_db()
    assert assignment.answer == "Not yet: wait for the 2-week check."


def test_the_specialist_answers_from_the_top_of_the_reading_page(login, live_server):
    assignment = _ask()
    page = login("specialist")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}{assignment.get_absolute_url()}")
    answer = page.get_by_label("Your answer")
    expect(page.get_by_text(QUESTION)).to_be_visible()
    # Above the article, within about a screen or two, not 2,900 px down.
    article = page.locator("article.article").bounding_box()
    assert answer.bounding_box()["y"] < article["y"]
    assert answer.bounding_box()["y"] < 2 * 844
    answer.fill("Not yet.")
    page.get_by_role("button", name="Send answer").click()
    expect(page.get_by_text("Answer sent.")).to_be_visible()
