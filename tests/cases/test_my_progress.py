"""My progress (issue 15): the patient's own answers over time against their own baseline, the
check-ins they sent and the next one due; nothing about anyone else."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from cases import services
from cases.models import BASELINE, FollowUp
from tests import factories
from tests.cases.test_baseline import answer_baseline, decide, operate

pytestmark = pytest.mark.django_db
URL = reverse("cases:my_progress")


def _days_ago(n):
    return timezone.localdate() - datetime.timedelta(days=n)


def treated(patient, specialist, *, back, leg, answered=True):
    """Decided 110 days ago, operated 100 days ago; the baseline (back, leg) answered by the
    patient when ``answered``; the 2-week follow-up recorded at the visit (back-1, leg-4)."""
    decision = decide(patient, specialist, days_ago=110)
    procedure = operate(decision, specialist, days_ago=100)
    if answered:
        baseline = procedure.follow_ups.get(timepoint=BASELINE)
        answer_baseline(baseline, back=back, leg=leg, on=_days_ago(108))
    complete(procedure.follow_ups.get(timepoint="2w"), back - 1, leg - 4, by=specialist)
    return procedure


def complete(follow_up, back, leg, *, by, source=FollowUp.Source.SPECIALIST):
    follow_up.source = source
    follow_up.assessed_on = follow_up.due_date
    follow_up.nrs_back, follow_up.nrs_leg = back, leg
    return services.complete_follow_up(
        follow_up=follow_up, expected_version=follow_up.version, by=by
    )


def chart_data(html):
    """The json_script data static/js/my_progress.js draws."""
    return json.loads(html.split('id="my-progress-data"')[1].split(">", 1)[1].split("</script>")[0])


def spanish(patient):
    patient.preferred_language = "es"
    patient.save_if_current(expected_version=patient.version)
    return patient


# --- who may open it -----------------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize("role", ["specialist", "editor", "superuser"])
def test_only_patients_open_my_progress(client_for, request, role):
    assert client_for(request.getfixturevalue(role)).get(URL).status_code == 403


def test_a_patient_opens_their_progress_and_the_view_is_audited(client_for, patient_user):
    from clinic.models import AuditEvent

    response = client_for(patient_user).get(URL)
    assert response.status_code == 200
    assert "Nothing to show yet" in response.content.decode()
    assert AuditEvent.objects.filter(
        action="view", user=patient_user, detail="my progress"
    ).exists()


def test_the_patients_nav_and_dashboard_link_to_my_progress(client_for, patient_user, specialist):
    treated(patient_user.patient, specialist, back=6, leg=9)
    html = client_for(patient_user).get("/").content.decode()
    assert html.count(f'href="{URL}"') == 2  # the navigation and the completed check-ins


def test_staff_have_no_my_progress_link(client_for, specialist):
    assert f'href="{URL}"' not in client_for(specialist).get("/").content.decode()


# --- what it shows -------------------------------------------------------------------------------


def test_the_answers_are_shown_against_the_patients_own_baseline(
    client_for, patient_user, specialist
):
    treated(patient_user.patient, specialist, back=6, leg=9)
    response = client_for(patient_user).get(URL)
    rows = response.context["rows"]
    assert [(r["label"], r["nrs_back"], r["nrs_leg"]) for r in rows] == [
        ("Before treatment", 6, 9),
        ("2 weeks", 5, 5),
    ]
    assert rows[0]["date"] == _days_ago(108) and rows[0]["by_patient"]
    assert not rows[1]["by_patient"]  # recorded at the visit
    html = response.content.decode()
    assert "Compared with your own answers before your treatment" in html
    assert "noted by your clinic" in html
    # json_script, read by static/js/my_progress.js
    data = chart_data(html)
    assert data["nrs_leg"] == [9, 5]
    # No ODI in their check-in (no wording loaded): the consult's ODI stands beside their pain.
    assert data["baseline"] == {"nrs_back": 6, "nrs_leg": 9, "odi": 44}
    assert 'id="my-progress-table"' in html
    assert "js/my_progress.js" in html


def test_without_their_own_baseline_the_consults_is_shown_and_named(
    client_for, patient_user, specialist
):
    treated(patient_user.patient, specialist, back=6, leg=9, answered=False)
    response = client_for(patient_user).get(URL)
    assert response.context["rows"][0]["label"] == "Your consult"
    assert response.context["rows"][0]["nrs_leg"] == 8  # the consult's (tests.test_baseline)
    assert "Compared with the values noted at your consult" in response.content.decode()


def test_an_answered_baseline_shows_before_any_treatment(client_for, patient_user, specialist):
    decide(patient_user.patient, specialist, days_ago=3)
    baseline = FollowUp.objects.get(patient=patient_user.patient, timepoint=BASELINE)
    answer_baseline(baseline, back=4, leg=7, on=_days_ago(1))
    response = client_for(patient_user).get(URL)
    assert [(r["label"], r["nrs_leg"]) for r in response.context["rows"]] == [
        ("Before treatment", 7)
    ]
    assert [f.pk for f in response.context["completed"]] == [baseline.pk]


def test_a_baseline_whose_decision_was_entered_in_error_is_not_shown(
    client_for, patient_user, specialist
):
    decision = decide(patient_user.patient, specialist, days_ago=3)
    baseline = FollowUp.objects.get(patient=patient_user.patient, timepoint=BASELINE)
    answer_baseline(baseline, back=4, leg=7, on=_days_ago(1))
    services.mark_entered_in_error(record=decision, by=specialist, reason="Wrong patient.")
    response = client_for(patient_user).get(URL)
    assert response.context["baseline"] is None
    assert response.context["rows"] == []


def test_the_check_ins_sent_are_listed_with_their_dates(client_for, patient_user, specialist):
    procedure = treated(patient_user.patient, specialist, back=6, leg=9)
    six_weeks = procedure.follow_ups.get(timepoint="6w")
    complete(six_weeks, 3, 2, by=patient_user, source=FollowUp.Source.PATIENT)
    response = client_for(patient_user).get(URL)
    completed = response.context["completed"]
    # The patient's own check-ins only (the 2-week visit was recorded by the clinic).
    assert {f.timepoint for f in completed} == {BASELINE, "6w"}
    html = response.content.decode()
    assert "Your baseline check-in" in html and "Your 6-week check-in" in html
    assert "Answered on <time" in html


def test_the_next_check_in_due_is_shown_with_its_window(client_for, patient_user, specialist):
    procedure = treated(patient_user.patient, specialist, back=6, leg=9)
    three_months = procedure.follow_ups.get(timepoint="3m")  # day 100: open (75–120)
    response = client_for(patient_user).get(URL)
    assert response.context["next_due"] == three_months
    assert response.context["next_is_open"]
    html = response.content.decode()
    assert reverse("cases:checkin", args=[three_months.pk]) in html
    assert "Please answer by" in html


def test_a_check_in_not_yet_open_shows_when_it_opens(client_for, patient_user, specialist):
    decision = decide(patient_user.patient, specialist, days_ago=20)
    operate(decision, specialist, days_ago=1)
    response = client_for(patient_user).get(URL)
    next_due = response.context["next_due"]
    assert next_due.timepoint == "2w" and not response.context["next_is_open"]
    assert "Open from" in response.content.decode()


def test_another_patients_data_never_appears(
    client_for, patient_user, other_patient_user, specialist
):
    treated(patient_user.patient, specialist, back=6, leg=9)
    other = treated(other_patient_user.patient, specialist, back=10, leg=10)
    other_open = other.follow_ups.get(timepoint="3m")
    other_patient = factories.distinctly_named(other_patient_user.patient)
    response = client_for(patient_user).get(URL)
    ids = {f.pk for f in response.context["completed"]}
    assert not ids & set(other.follow_ups.values_list("pk", flat=True))
    assert response.context["next_due"].patient_id == patient_user.patient.pk
    assert all(r["nrs_back"] != 10 for r in response.context["rows"])
    html = response.content.decode()
    assert reverse("cases:checkin", args=[other_open.pk]) not in html
    assert other_patient.family_name not in html


def test_records_entered_in_error_are_left_out(client_for, patient_user, specialist):
    procedure = treated(patient_user.patient, specialist, back=6, leg=9)
    services.mark_entered_in_error(record=procedure, by=specialist, reason="Wrong patient.")
    response = client_for(patient_user).get(URL)
    assert response.context["next_due"] is None or response.context["next_due"].procedure_id != (
        procedure.pk
    )
    assert all(r["label"] != "2 weeks" for r in response.context["rows"])


# --- cost ----------------------------------------------------------------------------------------


def queries(client):
    with CaptureQueriesContext(connection) as context:
        assert client.get(URL).status_code == 200
    return len(context.captured_queries)


def test_the_page_costs_the_same_queries_however_many_check_ins(
    client_for, patient_user, specialist
):
    client = client_for(patient_user)
    procedure = treated(patient_user.patient, specialist, back=6, leg=9)
    client.get(URL)  # the session settles
    few = queries(client)
    for timepoint in ("6w", "3m"):
        complete(
            procedure.follow_ups.get(timepoint=timepoint),
            3,
            2,
            by=patient_user,
            source=FollowUp.Source.PATIENT,
        )
    # And an earlier treatment with its own follow-ups.
    earlier = factories.CandidacyDecisionFactory(
        consult=factories.ConsultFactory(patient=patient_user.patient, specialist=specialist),
        outcome="conservative",
        decided_on=_days_ago(300),
    )
    services.schedule_follow_ups(anchor=earlier, by=specialist)
    assert FollowUp.objects.filter(patient=patient_user.patient).count() == 11
    assert queries(client) == few


def test_a_spanish_patient_reads_their_progress_in_spanish(client, patient_user, specialist):
    """The page, its table and the chart's words (sent with the data: the script has none)."""
    patient = spanish(patient_user.patient)
    treated(patient, specialist, back=6, leg=9)
    client.force_login(patient_user)
    html = client.get(URL).content.decode()
    assert '<h1 class="h2 mb-3">Mi progreso</h1>' in html
    assert "Antes del tratamiento" in html and "Comparado con sus propias respuestas" in html
    assert "Before treatment" not in html and "My progress" not in html
    data = chart_data(html)
    assert data["text"]["nrs_back"] == "Dolor de espalda"
    assert data["text"]["before"] == "%(measure)s antes del tratamiento"


def test_a_spanish_patient_reads_the_date_of_their_treatment_in_spanish(
    client, patient_user, specialist
):
    """The treatment's name comes from cases.charts (the series label): its words too."""
    patient = spanish(patient_user.patient)
    decision = factories.CandidacyDecisionFactory(
        consult=factories.ConsultFactory(patient=patient, specialist=specialist),
        outcome="conservative",
        decided_on=_days_ago(30),
    )
    services.schedule_follow_ups(anchor=decision, by=specialist)
    client.force_login(patient_user)
    response = client.get(URL)
    with translation.override("es"):
        day = date_format(_days_ago(30))
    assert response.context["treatment"].endswith(f" desde el {day}")
    assert response.context["rows"][0]["label"] == "Su consulta"
