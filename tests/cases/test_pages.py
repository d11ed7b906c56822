"""Patient list, patient page, invitation, article assignment, dashboard, export, demo."""

import csv
import datetime
import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import CandidacyDecision, Consult, FollowUp
from clinic import page_cache
from clinic.models import AuditEvent, Patient
from education.models import Assignment
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def steady_session(monkeypatch):
    """Query counts without the idle-logout clock's occasional session write (every 30 s)."""
    monkeypatch.setattr("clinic.middleware.SessionTimeoutMiddleware.SAVE_EVERY", 10**9)


def make_patients(n, specialist):
    """``n`` patients, each with a consult, a MISS decision, a procedure and follow-ups."""
    for _ in range(n):
        consult = factories.ConsultFactory(specialist=specialist)
        decision = factories.CandidacyDecisionFactory(consult=consult)
        services.record_procedure(
            procedure=factories.ProcedureFactory.build(decision=decision, surgeon=specialist),
            by=specialist,
        )


@pytest.mark.parametrize("query", ["", "?outcome=miss&technique=fe_transforaminal&follow_up=due"])
def test_patient_list_query_count_does_not_grow_with_rows(
    client_for, specialist, django_assert_num_queries, steady_session, query
):
    client = client_for(specialist)
    client.get(reverse("cases:patient_list") + query)  # warm the session and permission caches
    make_patients(3, specialist)  # and the page is rendered again (clinic/page_cache.py)
    with django_assert_num_queries(7) as cold:
        client.get(reverse("cases:patient_list") + query)
    # From the page cache: the session, the user, the permission and the audit entry.
    with django_assert_num_queries(4) as warm:
        client.get(reverse("cases:patient_list") + query)
    make_patients(30, specialist)
    with django_assert_num_queries(len(cold.captured_queries)):
        response = client.get(reverse("cases:patient_list") + query)
    assert response.context["page"].count == 33
    assert len(response.context["page"].object_list) == 25
    with django_assert_num_queries(len(warm.captured_queries)):
        client.get(reverse("cases:patient_list") + query)


def test_patient_page_query_count_does_not_grow_with_records(
    client_for, specialist, records, django_assert_num_queries, steady_session
):
    client = client_for(specialist)
    url = records["patient"].get_absolute_url()
    client.get(url)
    factories.ConsultFactory(patient=records["patient"])  # the page is rendered again
    # 14: the outcome chart adds one query, the active minimal-important-change thresholds.
    with django_assert_num_queries(12) as cold:
        client.get(url)
    # From the page cache: the session, the user, the permissions, the audit entry (the entry
    # says whose page it is: the patient is not read).
    with django_assert_num_queries(4) as warm:
        client.get(url)
    for _ in range(5):
        factories.AdverseEventFactory(procedure=records["procedure"])
        factories.ConsultFactory(patient=records["patient"])
    with django_assert_num_queries(len(cold.captured_queries)):
        client.get(url)
    with django_assert_num_queries(len(warm.captured_queries)):
        client.get(url)


def test_dashboard_query_count_does_not_grow_with_due_follow_ups(
    client_for, specialist, django_assert_num_queries, steady_session
):
    client = client_for(specialist)
    client.get("/")
    make_patients(2, specialist)
    # The work queue: each list and its count (questions, reviews, follow-ups, data to complete),
    # the permission that shows the answer boxes, recent patients and reading, the audited view.
    # The follow-up and data-quality counts are cached until a record they count changes, and
    # the page itself until anything the clinic's pages show changes (clinic/page_cache.py).
    with django_assert_num_queries(15) as cold:
        client.get("/")
    with django_assert_num_queries(3) as cached:  # the session, the user, the audit entry
        client.get("/")
    page_cache.move(page_cache.CLINIC)
    with django_assert_num_queries(13) as warm:
        client.get("/")
    make_patients(10, specialist)
    with django_assert_num_queries(len(cold.captured_queries)):
        client.get("/")
    with django_assert_num_queries(len(cached.captured_queries)):
        client.get("/")
    page_cache.move(page_cache.CLINIC)
    with django_assert_num_queries(len(warm.captured_queries)):
        client.get("/")


def test_patient_list_searches_by_name_and_mrn(client_for, specialist):
    a = factories.PatientFactory(family_name="Zamora", mrn="ZZ-1")
    b = factories.PatientFactory(family_name="Ortiz", mrn="OO-1")
    client = client_for(specialist)
    names = lambda r: {p.pk for p in r.context["page"]}  # noqa: E731
    assert names(client.get(reverse("cases:patient_list"), {"q": "zam"})) == {a.pk}
    assert names(client.get(reverse("cases:patient_list"), {"q": "OO-1"})) == {b.pk}


def test_patient_list_filters_by_current_decision_technique_and_follow_up(
    client_for, specialist, records
):
    client = client_for(specialist)
    waiting = factories.PatientFactory()
    conservative = factories.ConsultFactory(specialist=specialist)
    services.record_decision(
        decision=factories.CandidacyDecisionFactory.build(
            consult=conservative, outcome="conservative", decided_at=timezone.now()
        ),
        by=specialist,
    )

    def pks(**filters):
        response = client.get(reverse("cases:patient_list"), filters)
        return {p.pk for p in response.context["page"]}

    assert pks(outcome="miss") == {records["patient"].pk}
    assert pks(outcome="conservative") == {conservative.patient_id}
    assert waiting.pk in pks(outcome="none")
    assert pks(technique="fe_transforaminal") == {records["patient"].pk}
    assert pks(technique="open") == set()
    assert pks(follow_up="overdue") == {records["patient"].pk}
    # The conservative patient's baseline check-in is due from their decision (issue 15).
    assert pks(follow_up="due") == {records["patient"].pk, conservative.patient_id}


def test_superseded_decision_no_longer_counts_as_the_current_outcome(
    client_for, specialist, records
):
    old = records["decision"]
    old.supersede(by=specialist, outcome="refer", rationale="Second opinion",
                  severity_assessment="neutral", health_assessment="neutral",
                  symptoms_assessment="neutral")  # fmt: skip
    response = client_for(specialist).get(reverse("cases:patient_list"), {"outcome": "miss"})
    assert list(response.context["page"]) == []


def test_patient_page_shows_the_timeline_and_the_reading_status(client_for, specialist, records):
    patient = records["patient"]
    assignment = factories.AssignmentFactory(patient=patient, assigned_by=specialist)
    page = client_for(specialist).get(patient.get_absolute_url()).content.decode()
    for text in ["Consult", "Decision: MISS candidate", "Procedure: Full-endoscopic",
                 "Adverse event: Dural tear", "Follow-up schedule", assignment.version.title,
                 reverse("education:assign_article", args=[patient.pk])]:  # fmt: skip
        assert text in page


def test_invitation_creates_a_patient_login_and_emails_a_link_without_health_details(
    client_for, specialist, records, django_capture_on_commit_callbacks
):
    patient = records["patient"]
    patient.email = "ana.diaz@example.org"
    patient.save()
    client = client_for(specialist)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cases:patient_invite", args=[patient.pk]))
    assert response.status_code == 302
    patient.refresh_from_db()
    user = patient.user
    assert user.is_patient and not user.has_usable_password()
    assert user.username == "ana.diaz"
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body + mail.outbox[0].subject
    for secret in ["L4-L5", "MISS", "herniat", "Dural", patient.mrn, "surgery"]:
        assert secret.lower() not in body.lower()
    link = re.search(r"http\S+", body).group(0)
    path = link.split("127.0.0.1:8000")[-1] if "127.0.0.1:8000" in link else link
    client.logout()
    response = client.get(path, follow=True)
    assert b"password" in response.content.lower()
    assert response.status_code == 200
    assert "set-password" in response.redirect_chain[-1][0]
    assert AuditEvent.objects.filter(patient=patient, detail="invited to portal").exists()


def test_inviting_twice_is_refused(client_for, specialist, patient):
    client = client_for(specialist)
    response = client.post(reverse("cases:patient_invite", args=[patient.pk]), follow=True)
    assert "already has a portal login" in response.content.decode()
    assert len(mail.outbox) == 0


def test_miss_decision_can_assign_the_miss_article_in_one_step(
    client_for, specialist, decision_data
):
    article = factories.published_article(article__slug="miss-spinal-herniations")
    consult = factories.ConsultFactory(specialist=specialist)
    response = client_for(specialist).post(
        reverse("cases:decision_create", args=[consult.pk]),
        {**decision_data, "assign_article": "on"},
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get(patient=consult.patient)
    assert assignment.article == article and assignment.assigned_by == specialist


def test_the_article_is_only_given_with_a_miss_decision(client_for, specialist, decision_data):
    factories.published_article(article__slug="miss-spinal-herniations")
    consult = factories.ConsultFactory(specialist=specialist)
    response = client_for(specialist).post(
        reverse("cases:decision_create", args=[consult.pk]),
        {**decision_data, "outcome": "open", "assign_article": "on"},
    )
    assert response.status_code == 200
    assert not CandidacyDecision.objects.exists()
    assert not Assignment.objects.exists()


def test_dashboard_shows_due_and_overdue_follow_ups_to_the_specialist(
    client_for, specialist, records
):
    patient = records["patient"]
    patient.primary_specialist = specialist
    patient.save()
    page = client_for(specialist).get("/").content.decode()
    assert "Follow-ups due" in page
    assert "Overdue" in page and "Due" in page
    assert reverse("cases:followup_form", args=[records["followup"].pk]) in page


def test_recording_a_follow_up_completes_it_and_takes_it_off_the_dashboard(
    client_for, specialist, records
):
    follow_up = records["procedure"].follow_ups.get(timepoint="3m")
    response = client_for(specialist).post(
        reverse("cases:followup_form", args=[follow_up.pk]),
        {"version": follow_up.version, "assessed_on": follow_up.window_opens, "nrs_back": "1",
         "nrs_leg": "0", "satisfaction": "1", "global_perceived_effect": "much_improved",
         "odi_score": "8"},
    )  # fmt: skip
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.completed_at is not None and follow_up.source == "specialist"
    assert follow_up not in FollowUp.objects.due_or_overdue()


def export(client, table, export_id=None):
    data = {"export": export_id} if export_id else {}
    response = client.post(reverse("cases:export_csv", args=[table]), data)
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.getvalue().decode())))


def as_dicts(rows):
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def start_export(client):
    return client.get(reverse("cases:export_index")).context["export_id"]


TABLES = ["consults", "decisions", "procedures", "adverse_events", "follow_ups"]


def test_research_export_is_de_identified(client_for, specialist, records):
    patient = records["patient"]
    client = client_for(specialist)
    text = ""
    for table in TABLES:
        text += "\n".join(",".join(row) for row in export(client, table))
    for identifier in [patient.given_name, patient.family_name, patient.mrn, patient.email,
                       patient.date_of_birth.isoformat(), str(patient.date_of_birth.year),
                       records["consult"].consult_date.isoformat()]:  # fmt: skip
        assert identifier not in text
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)  # no date of any kind


def test_research_export_has_no_internal_ids_only_keys_that_open_nothing(
    client_for, specialist, records
):
    client = client_for(specialist)
    export_id = start_export(client)
    ids = {str(record.pk) for record in records.values()}
    keys = set()
    for table in TABLES:
        header, *rows = export(client, table, export_id)
        assert not [column for column in header if column.endswith("_id")]
        keys |= {value for row in rows for column, value in zip(header, row, strict=True)
                 if column.endswith("_key") and value}  # fmt: skip
    assert len(keys) >= 5 and not ids & keys
    for key in keys:
        assert re.fullmatch(r"[PCDSAF]-[0-9a-f]{16}", key)
        assert client.get(f"/cases/patients/{key}/").status_code == 404


def test_research_export_files_of_one_export_join_and_another_export_has_other_keys(
    client_for, specialist, records
):
    client = client_for(specialist)
    export_id = start_export(client)
    [consult] = as_dicts(export(client, "consults", export_id))
    decisions = as_dicts(export(client, "decisions", export_id))
    [procedure] = as_dicts(export(client, "procedures", export_id))
    follow_ups = as_dicts(export(client, "follow_ups", export_id))
    assert {d["consult_key"] for d in decisions} == {consult["consult_key"]}
    assert procedure["decision_key"] in {d["decision_key"] for d in decisions}
    assert {f["procedure_key"] for f in follow_ups} <= {procedure["procedure_key"]}
    assert procedure["patient_key"] == consult["patient_key"]
    # The same page, again: the same keys. Another export (the page opened again, or a file
    # posted without it): other keys.
    assert as_dicts(export(client, "consults", export_id)) == [consult]
    for other in (export(client, "consults", start_export(client)), export(client, "consults")):
        [row] = as_dicts(other)
        assert row["patient_key"] != consult["patient_key"]
        assert row["consult_key"] != consult["consult_key"]
        assert {k: v for k, v in row.items() if not k.endswith("_key")} == {
            k: v for k, v in consult.items() if not k.endswith("_key")
        }


def test_research_export_gives_age_and_days_from_the_first_consult(client_for, specialist, records):
    client = client_for(specialist)
    export_id = start_export(client)
    [row] = as_dicts(export(client, "consults", export_id))
    patient, consult = records["patient"], records["consult"]
    assert row["age_at_consult"] == str(patient.age_on(consult.consult_date))
    assert row["day"] == "0"
    assert row["mri_day"] == str((consult.mri_date - consult.consult_date).days)
    [procedure] = as_dicts(export(client, "procedures", export_id))
    assert procedure["day"] == str(
        (records["procedure"].procedure_date - consult.consult_date).days
    )


@pytest.mark.parametrize(("years", "shown"), [(89, "89"), (90, "90+"), (104, "90+")])
def test_research_export_gives_ages_of_90_and_over_as_90_plus(client_for, specialist, years, shown):
    seen = timezone.localdate() - datetime.timedelta(days=120)
    patient = factories.PatientFactory(date_of_birth=datetime.date(seen.year - years, 1, 1))
    factories.ConsultFactory(patient=patient, specialist=specialist, consult_date=seen)
    [row] = as_dicts(export(client_for(specialist), "consults"))
    assert row["age_at_consult"] == shown


def test_research_export_leaves_out_records_entered_in_error(client_for, specialist, records):
    services.mark_entered_in_error(record=records["consult"], by=specialist, reason="Duplicate")
    assert len(export(client_for(specialist), "consults")) == 1


def test_research_export_is_audited(client_for, specialist, records):
    export(client_for(specialist), "procedures")
    event = AuditEvent.objects.get(action="export")
    assert event.user == specialist and "procedures" in event.detail


def test_seed_demo_creates_patients_in_every_state():
    call_command("seed_demo", "--force", "--password", "x-demo-password-123", verbosity=0)
    call_command("seed_demo", "--force", "--password", "x-demo-password-123", verbosity=0)
    demo = {p.mrn: p for p in Patient.objects.filter(mrn__startswith="DEMO-")}
    assert Consult.objects.filter(patient=demo["DEMO-0003"]).count() == 1
    assert not CandidacyDecision.objects.filter(patient=demo["DEMO-0003"]).exists()
    assert CandidacyDecision.objects.current().get(patient=demo["DEMO-0004"]).outcome == (
        "conservative"
    )
    assert FollowUp.objects.overdue().filter(patient=demo["DEMO-0004"]).exists()
    assert demo["DEMO-0001"].procedures.get().technique == "fe_transforaminal"
    # Her own baseline (issue 15), then the 2- and 6-week follow-ups.
    assert demo["DEMO-0001"].follow_ups.filter(completed_at__isnull=False).count() == 3
    assert FollowUp.objects.due().filter(patient=demo["DEMO-0001"]).exists()
    assert demo["DEMO-0005"].procedures.get().technique == "open"
    assert demo["DEMO-0005"].adverse_events.count() == 1
    assert CandidacyDecision.objects.filter(
        patient=demo["DEMO-0006"], supersedes__isnull=False
    ).exists()
    assert CandidacyDecision.objects.filter(patient=demo["DEMO-0006"]).count() == 2
    assert CandidacyDecision.objects.current().get(patient=demo["DEMO-0002"]).outcome == "miss"


def test_a_specialist_corrects_a_patients_details_and_it_is_audited(client_for, specialist):

    patient = factories.PatientFactory(phone="")
    url = reverse("cases:patient_edit", args=[patient.pk])
    client = client_for(specialist)
    detail = client.get(patient.get_absolute_url())
    assert url.encode() in detail.content
    page = client.get(url)
    assert page.status_code == 200
    data = {**page.context["form"].initial, "phone": "+44 20 7946 0001", "primary_specialist": ""}
    data["date_of_birth"] = patient.date_of_birth.isoformat()
    response = client.post(url, {k: v for k, v in data.items() if v is not None})
    assert response.status_code == 302
    stored = Patient.objects.get(pk=patient.pk)
    assert (stored.phone, stored.version) == ("+44 20 7946 0001", 2)
    actions = AuditEvent.objects.filter(object_type="clinic.patient", object_id=str(patient.pk))
    assert sorted(actions.values_list("action", "detail")) == [
        ("update", "patient edited"),
        ("view", "edit form"),
        ("view", "patient record"),
    ]


def test_a_stale_correction_of_a_patient_is_refused_and_nothing_is_saved(client_for, specialist):
    from clinic.models import STALE_MESSAGE

    patient = factories.PatientFactory(given_name="Ana")
    url = reverse("cases:patient_edit", args=[patient.pk])
    data = {
        "mrn": patient.mrn, "given_name": "Anna", "family_name": patient.family_name,
        "date_of_birth": patient.date_of_birth.isoformat(), "sex": patient.sex,
        "preferred_language": "en", "email": "", "phone": "", "version": "1",
    }  # fmt: skip
    meanwhile = Patient.objects.get(pk=patient.pk)
    meanwhile.phone = "123"
    meanwhile.save_if_current(expected_version=1)
    response = client_for(specialist).post(url, data)
    assert response.status_code == 200
    assert STALE_MESSAGE in response.content.decode()
    stored = Patient.objects.get(pk=patient.pk)
    assert (stored.given_name, stored.phone, stored.version) == ("Ana", "123", 2)


def test_correcting_a_patient_into_a_duplicate_needs_a_confirmation(client_for, specialist):

    existing = factories.PatientFactory(given_name="Ana", family_name="Silva")
    patient = factories.PatientFactory(given_name="Anna", family_name="Silva",
                                       date_of_birth=existing.date_of_birth)  # fmt: skip
    url = reverse("cases:patient_edit", args=[patient.pk])
    data = {
        "mrn": patient.mrn, "given_name": "ana", "family_name": "Silva",
        "date_of_birth": patient.date_of_birth.isoformat(), "sex": patient.sex,
        "preferred_language": "en", "email": "", "phone": "", "version": "1",
    }  # fmt: skip
    client = client_for(specialist)
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].possible_duplicates == [existing]
    assert Patient.objects.get(pk=patient.pk).given_name == "Anna"
    response = client.post(url, {**data, "confirm_not_duplicate": "on"})
    assert response.status_code == 302
    assert Patient.objects.get(pk=patient.pk).given_name == "ana"


def test_record_the_procedure_is_offered_only_while_the_decision_awaits_its_procedure(
    client_for, specialist, records
):
    """The issue's case: after the procedure is saved, the button stayed, and a second save made
    a second procedure. Now it is offered for a current surgical decision without one only."""
    client = client_for(specialist)
    button = "Record the procedure"
    decision = records["decision"]
    pages = [records["patient"].get_absolute_url(), decision.get_absolute_url()]
    for url in pages:
        assert button not in client.get(url).content.decode(), url
    services.mark_entered_in_error(record=records["procedure"], by=specialist, reason="Wrong day")
    for url in pages:
        assert button in client.get(url).content.decode(), url
    conservative = services.record_decision(
        decision=factories.CandidacyDecisionFactory.build(
            consult=records["consult"], outcome="conservative"
        ),
        by=specialist,
    )
    for url in [*pages, conservative.get_absolute_url()]:
        assert button not in client.get(url).content.decode(), url
