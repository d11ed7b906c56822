"""The specialist's day in Chromium: register a patient, record a consult and a MISS decision
(giving the patient the MISS article in the same step), record the procedure and a follow-up."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import screenshot


def test_specialist_takes_a_new_patient_from_consult_to_follow_up(login, live_server):
    page = login("specialist")
    today = timezone.localdate()

    page.get_by_role("link", name="Register patient").first.click()
    page.get_by_label("MRN").fill("BR-0001")
    page.get_by_label("Given name").fill("Lucia")
    page.get_by_label("Family name").fill("Fernandez")
    page.get_by_label("Date of birth").fill("1979-05-21")
    page.get_by_label("Sex").select_option("female")
    page.get_by_label("Email", exact=True).fill("lucia.fernandez@example.org")
    expect(page.get_by_label("Primary specialist")).not_to_have_value("")  # the one registering
    page.get_by_role("button", name="Register patient").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lucia Fernandez")

    page.get_by_role("link", name="Record a consult").click()
    page.get_by_label("Dominant pain").select_option("leg")
    page.get_by_label("Side").select_option("left")
    page.get_by_label("Duration of symptoms (weeks)").fill("10")
    page.get_by_label("MRI date").fill((today - datetime.timedelta(days=14)).isoformat())
    page.get_by_label("Herniation level").select_option("L5-S1")
    page.get_by_label("Morphology").select_option("extrusion")
    page.get_by_label("Zone").select_option("subarticular")
    page.get_by_label("Imaging concordant with symptoms").select_option("true")
    page.get_by_label("Physiotherapy").check()
    page.get_by_label("Conservative care (weeks)").fill("8")
    page.get_by_label("ASA class").select_option("1")
    page.get_by_label("Smoking").select_option("never")
    page.get_by_label("Work status").select_option("working")
    page.get_by_label("NRS back pain").fill("3")
    page.get_by_label("NRS leg pain").fill("8")
    page.get_by_role("button", name="Save consult").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Consult of")
    criteria = page.get_by_role("list", name="MISS candidacy criteria")
    expect(criteria.get_by_text("Met", exact=True)).to_have_count(4)

    page.get_by_role("link", name="Decide candidacy").click()
    page.get_by_label("Outcome").select_option("miss")
    for factor in ("severity_assessment", "health_assessment", "symptoms_assessment"):
        page.locator(f"input[name={factor}][value=favours]").check()
    page.get_by_label("Rationale").fill("Leg-dominant L5-S1 radiculopathy, concordant extrusion.")
    expect(page.get_by_label("Give the patient the MISS article")).to_be_checked()  # by MISS
    screenshot(page, "specialist-decision-form")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Decision: MISS candidate")

    page.get_by_role("link", name="Record the procedure").click()
    today = timezone.localdate()  # again: the procedure cannot predate the decision at midnight
    page.get_by_label("Procedure date").fill(today.isoformat())
    page.get_by_label("Technique").select_option("fe_transforaminal")
    page.get_by_label("Incision length (mm)").fill("8")
    page.get_by_label("Skin-to-skin time (minutes)").fill("50")
    page.get_by_label("Blood loss (ml)").fill("5")
    page.get_by_label("Admitted at").fill(f"{today.isoformat()}T00:05")
    page.get_by_label("Discharged at").fill(f"{today.isoformat()}T00:45")
    page.get_by_role("button", name="Save procedure").click()
    expect(page.get_by_text("Procedure recorded; its follow-ups are scheduled.")).to_be_visible()
    expect(page.locator("#length-of-stay")).to_contain_text("0 nights")
    expect(page.get_by_text("Same day", exact=True)).to_be_visible()

    page.get_by_role("link", name="Lucia Fernandez").first.click()
    schedule = page.get_by_role("region", name="Follow-up schedule")
    schedule.get_by_role("link", name="2 weeks").click()
    # Seen on the day of surgery, outside the 2-week window (day 10 to 21): kept with a reason,
    # and not counted in the 2-week figures.
    expect(page.get_by_label("Assessed on")).to_have_value("")
    page.get_by_label("Assessed on").fill(today.isoformat())
    page.get_by_label("Reason for assessing outside the window").fill("Seen on the ward")
    page.get_by_label("NRS back pain").fill("1")
    page.get_by_label("NRS leg pain").fill("1")
    page.get_by_label("Satisfaction").select_option("1")
    page.get_by_label("Global perceived effect").select_option("much_improved")
    page.get_by_role("button", name="Save follow-up").click()

    expect(page.get_by_text("Follow-up recorded.")).to_be_visible()
    expect(page.get_by_role("heading", name="Follow-up at 2 weeks")).to_be_visible()
    reading = page.get_by_role("region", name="Assigned reading")
    expect(
        reading.get_by_text("How Minimally Invasive Spine Surgery Treats Spinal Herniations")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Decision: MISS candidate")).to_be_visible()
    screenshot(page, "specialist-patient-timeline")


def test_cases_pages_have_no_accessibility_violations(login, live_server):
    from cases.models import CandidacyDecision, Consult
    from clinic.models import Patient
    from tests.browser.test_accessibility import axe_violations

    page = login("specialist")
    patient = Patient.objects.get(mrn="DEMO-0001")
    consult = Consult.objects.filter(patient=patient).first()
    decision = CandidacyDecision.objects.filter(patient=patient).first()
    procedure = patient.procedures.first()
    follow_up = patient.follow_ups.filter(completed_at__isnull=True).first()
    amended = CandidacyDecision.objects.filter(patient__mrn="DEMO-0006")
    paths = [
        "/cases/patients/",
        "/cases/patients/?outcome=miss&follow_up=due",
        "/cases/patients/new/",
        f"/cases/patients/{patient.pk}/",
        f"/cases/patients/{patient.pk}/edit/",
        f"/cases/patients/{patient.pk}/consults/new/",
        f"/cases/consults/{consult.pk}/",
        f"/cases/consults/{consult.pk}/decide/",
        f"/cases/decisions/{decision.pk}/",
        *[f"/cases/decisions/{d.pk}/" for d in amended],
        f"/cases/decisions/{decision.pk}/amend/",
        f"/cases/procedures/{procedure.pk}/",
        f"/cases/procedures/{procedure.pk}/edit/",
        f"/cases/procedures/{procedure.pk}/adverse-events/new/",
        f"/cases/follow-ups/{follow_up.pk}/",
        f"/cases/consult/{consult.pk}/entered-in-error/",
        "/cases/export/",
    ]
    found = {}
    for path in paths:
        page.goto(f"{live_server.url}{path}")
        if violations := axe_violations(page):
            found[path] = violations
    assert found == {}
