"""The demo patient answers a check-in from the link in their email, on a 390 px phone, without
logging in: a wrong date of birth is refused, the right one opens the check-in."""

import datetime
import re

from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from cases.models import CheckinLink, FollowUp
from clinic.models import Patient
from tests.browser.conftest import screenshot
from tests.browser.test_accessibility import axe_violations
from tests.browser.test_checkins import choose

LINK = re.compile(r"https?://\S+(/cases/checkin-link/[\w-]+/)")


def test_the_link_in_the_email_opens_the_check_in_after_the_date_of_birth(
    browser, live_server, demo, settings
):
    settings.SITE_URL = live_server.url
    patient = Patient.objects.select_related("user").get(mrn="DEMO-0001")
    call_command("send_checkin_reminders", verbosity=0)
    # The demo patient's email (other demo patients may share the address).
    [path] = [
        match.group(1)
        for email in mail.outbox
        if (match := LINK.search(email.body))
        and CheckinLink.objects.for_token(match.group(1).split("/")[-2]).follow_up.patient
        == patient
    ]
    follow_up = CheckinLink.objects.get(follow_up__patient=patient).follow_up

    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    blocked = []
    page.on("console", lambda m: "Content Security Policy" in m.text and blocked.append(m.text))
    try:
        page.goto(f"{live_server.url}{path}")
        # The token leaves the address bar at once.
        assert page.url == f"{live_server.url}/cases/checkin-link/"
        expect(page.get_by_role("heading", level=1)).to_have_text("Your check-in")
        assert axe_violations(page) == []

        wrong = patient.date_of_birth - datetime.timedelta(days=1)
        page.get_by_label("Your date of birth").fill(wrong.isoformat())
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_text("This date of birth does not match our records.")).to_be_visible()
        expect(page.get_by_text("2 attempts left")).to_be_visible()
        assert axe_violations(page) == []

        page.get_by_label("Your date of birth").fill(patient.date_of_birth.isoformat())
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(follow_up.checkin_title)
        assert axe_violations(page) == []
        # Not a login: no dashboard link, no account menu.
        expect(page.get_by_role("link", name="← Your dashboard")).to_have_count(0)
        expect(page.get_by_role("button", name="Log out", include_hidden=True)).to_have_count(0)
        expect(page.get_by_role("link", name="Log in", include_hidden=True)).to_have_count(1)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390

        choose(page, "Back pain now", "2")
        choose(page, "Leg pain now", "1")
        choose(page, "Are you back to your usual daily activities?", "Not yet")
        choose(page, "Are you back at work?", "Not yet")
        choose(
            page,
            "How satisfied are you with the result of your treatment?",
            "1 — The treatment met my expectations",
        )
        choose(page, "Compared with before the treatment, how are you now?", "Much improved")
        screenshot(page, "checkin-invitation-390")
        page.get_by_role("button", name="Send my check-in").click()
        expect(page.get_by_text("Your check-in is sent to your clinic.")).to_be_visible()
        assert axe_violations(page) == []

        # The link is used up.
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_text("This check-in has already been answered.")).to_be_visible()
    finally:
        context.close()
    assert blocked == []
    follow_up = FollowUp.objects.get(pk=follow_up.pk)
    assert follow_up.source == "patient"
    assert follow_up.nrs_back == 2
