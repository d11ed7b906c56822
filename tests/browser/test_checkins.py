"""The demo patient answers a due check-in in Chromium; the specialist sees the new point."""

import json
from pathlib import Path

from django.core.management import call_command
from playwright.sync_api import expect

from cases.models import FollowUp
from clinic.models import Patient
from tests.browser.conftest import screenshot
from tests.browser.test_accessibility import axe_violations

PLACEHOLDER = Path(__file__).resolve().parents[1] / "fixtures" / "odi_placeholder.json"


def choose(page, question, answer):
    """Tap the answer's label, as a patient does: the pain scale's radios hide behind theirs."""
    radio = page.get_by_role("group", name=question).get_by_label(answer, exact=True)
    page.locator(f'label[for="{radio.get_attribute("id")}"]').click()
    expect(radio).to_be_checked()


def test_demo_patient_answers_a_due_checkin_and_the_specialist_sees_it_charted(login, live_server):
    call_command("load_instrument", "odi", str(PLACEHOLDER), verbosity=0)
    blocked = []
    page = login("patient")
    page.on("console", lambda m: "Content Security Policy" in m.text and blocked.append(m.text))

    checkins = page.get_by_role("region", name="Your check-ins")
    checkins.get_by_role("link", name="Your 3-month check-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your 3-month check-in")
    assert axe_violations(page) == []

    # Half the answers, saved as a draft, are there on return.
    choose(page, "Back pain now", "2")
    page.get_by_role("button", name="Save draft and finish later").click()
    expect(page.get_by_text("Your answers are saved.")).to_be_visible()
    expect(checkins.get_by_text("Draft saved")).to_be_visible()
    checkins.get_by_role("link", name="Your 3-month check-in").click()
    expect(
        page.get_by_role("group", name="Back pain now").get_by_label("2", exact=True)
    ).to_be_checked()

    # Submitting without the rest is refused, question by question.
    page.get_by_role("button", name="Send my check-in").click()
    expect(page.get_by_role("alert")).to_contain_text("Some answers are missing")

    choose(page, "Leg pain now", "1")
    choose(page, "Are you back to your usual daily activities?", "Not yet")
    choose(page, "Are you back at work?", "Not yet")
    choose(
        page,
        "How satisfied are you with the result of your treatment?",
        "1 — The treatment met my expectations",
    )
    choose(page, "Compared with before the treatment, how are you now?", "Much improved")
    for n in range(1, 11):
        choose(page, f"Section {n} placeholder title", f"Section {n} placeholder option 1")
    screenshot(page, "patient-checkin-form")
    page.get_by_role("button", name="Send my check-in").click()
    expect(page.get_by_text("Thank you: your check-in is sent to your clinic.")).to_be_visible()
    # No longer to answer, but kept on the dashboard as sent, with its date.
    expect(page.get_by_role("region", name="Your check-ins")).to_have_count(0)
    completed = page.get_by_role("region", name="Completed check-ins")
    expect(completed.get_by_role("link", name="Your 3-month check-in")).to_be_visible()
    expect(completed).to_contain_text("Sent on")

    follow_up = FollowUp.objects.get(patient__mrn="DEMO-0001", timepoint="3m")
    assert follow_up.source == "patient"
    assert follow_up.odi_score == 20

    login("specialist")
    patient = Patient.objects.get(mrn="DEMO-0001")
    page.goto(f"{live_server.url}{patient.get_absolute_url()}")
    data = json.loads(page.locator("#outcome-chart-data").text_content())
    [series] = data["series"]
    assert [p["timepoint"] for p in series["points"]] == ["2w", "6w", "3m"]
    assert series["points"][-1] | {"assessed_on": None} == {
        "label": "3 months",
        "timepoint": "3m",
        "assessed_on": None,
        "source": "patient",
        "nrs_back": 2,
        "nrs_leg": 1,
        "odi": 20,
        "odi_flag": "",
    }
    chart = page.locator("#outcome-chart-1")
    expect(chart).to_be_visible()
    expect(chart).to_have_accessible_name(
        f"Chart of NRS back pain, NRS leg pain and ODI after {series['label']}, at baseline "
        "and at each follow-up; the same numbers are in the table below."
    )
    expect(page.get_by_role("heading", name=series["label"])).to_be_visible()
    drawn = page.evaluate(
        "() => Chart.getChart(document.getElementById('outcome-chart-1')).data.labels"
    )
    assert drawn == ["Baseline", "2 weeks", "6 weeks", "3 months"]
    page.get_by_text("The numbers of this chart as a table").click()
    expect(page.get_by_role("row", name="3 months")).to_contain_text("20")
    screenshot(page, "specialist-outcome-chart")
    assert axe_violations(page) == []
    assert blocked == []
