"""On a 390 px phone: the demo patient answers their baseline check-in and sees it in My
progress; the patient with follow-ups sees their answers charted against their own baseline."""

from playwright.sync_api import expect

from cases.models import FollowUp
from tests.browser.conftest import screenshot
from tests.browser.test_accessibility import axe_violations
from tests.browser.test_checkins import choose

PHONE = {"width": 390, "height": 844}


def open_my_progress(page):
    """Through the menu, as on a phone: the navigation is folded behind its toggle."""
    page.get_by_role("button", name="Toggle navigation").click()
    page.get_by_role("link", name="My progress").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My progress")


def fits(page):
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_demo_patient_answers_their_baseline_and_sees_it_in_my_progress(login):
    blocked = []
    page = login("patient2")  # James Walker: a MISS decision 9 days ago, his baseline open
    page.set_viewport_size(PHONE)
    page.on("console", lambda m: "Content Security Policy" in m.text and blocked.append(m.text))

    checkins = page.get_by_role("region", name="Your check-ins")
    checkins.get_by_role("link", name="Your baseline check-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your baseline check-in")
    expect(page.get_by_text("How satisfied are you")).to_have_count(0)
    choose(page, "Back pain now", "4")
    choose(page, "Leg pain now", "7")
    choose(page, "What is your work situation now?", "Off work because of my back or leg pain")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Send my check-in").click()
    expect(page.get_by_text("Thank you: your check-in is sent to your clinic.")).to_be_visible()

    baseline = FollowUp.objects.get(patient__mrn="DEMO-0002", timepoint="bl")
    assert (baseline.source, baseline.nrs_back, baseline.nrs_leg) == ("patient", 4, 7)
    assert baseline.work_status == "off_back"

    open_my_progress(page)
    table = page.locator("#my-progress-table")
    expect(table.get_by_role("row", name="Before treatment")).to_contain_text("4")
    expect(table.get_by_role("row", name="Before treatment")).to_contain_text("7")
    sent = page.get_by_role("region", name="Check-ins you have sent")
    expect(sent.get_by_role("link", name="Your baseline check-in")).to_be_visible()
    expect(sent).to_contain_text("Answered on")
    expect(page.locator("#my-progress-chart")).to_be_visible()
    assert fits(page)
    assert axe_violations(page) == []
    screenshot(page, "my-progress-390")
    assert blocked == []


def test_the_patient_sees_their_follow_ups_against_their_own_baseline(login):
    blocked = []
    page = login("patient")  # Maria Lopez: her baseline, then the 2- and 6-week visits
    page.set_viewport_size(PHONE)
    page.on("console", lambda m: "Content Security Policy" in m.text and blocked.append(m.text))
    open_my_progress(page)
    page.wait_for_function(
        "() => window.Chart && Chart.getChart(document.getElementById('my-progress-chart'))"
    )
    drawn = page.evaluate(
        "() => Chart.getChart(document.getElementById('my-progress-chart')).data.labels.length"
    )
    assert drawn == 3
    rows = page.locator("#my-progress-table tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("Before treatment")
    nxt = page.get_by_role("region", name="Your next check-in")
    expect(nxt.get_by_role("link", name="Your 3-month check-in")).to_be_visible()
    assert fits(page)
    assert axe_violations(page) == []
    screenshot(page, "my-progress-follow-ups-390")
    assert blocked == []
