"""The patient-reported baseline (issue 15): scheduled when a decision is recorded, closed by the
procedure, answered by the patient, and used by the figures and the chart instead of the
consult's values where there is one, saying which."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from cases import charts, checkin_form, odi, outcomes, services
from cases.models import BASELINE, FollowUp
from cases.outcomes import cells, cohort
from cases.outcomes.specs import SPECS
from tests import factories
from tests.cases.test_checkins import PLACEHOLDER

pytestmark = pytest.mark.django_db

BASELINE_SPEC = SPECS["baseline_patient_reported"]


def _days_ago(n):
    return timezone.localdate() - datetime.timedelta(days=n)


def decide(patient, specialist, *, outcome="miss", days_ago=0, consult=None, supersedes=None):
    consult = consult or factories.ConsultFactory(
        patient=patient,
        specialist=specialist,
        consult_date=_days_ago(days_ago + 5),
        mri_date=_days_ago(days_ago + 10),
        nrs_back=3,
        nrs_leg=8,
        odi_score=44,
    )
    decision = factories.CandidacyDecisionFactory.build(
        consult=consult, outcome=outcome, decided_on=_days_ago(days_ago), decided_at=timezone.now()
    )
    return services.record_decision(decision=decision, by=specialist, supersedes=supersedes)


def operate(decision, specialist, *, days_ago=0, technique="fe_transforaminal"):
    procedure = factories.ProcedureFactory.build(
        decision=decision,
        surgeon=specialist,
        procedure_date=_days_ago(days_ago),
        technique=technique,
    )
    return services.record_procedure(procedure=procedure, by=specialist)


def baselines(patient):
    return FollowUp.objects.filter(patient=patient, timepoint=BASELINE)


def answer_baseline(baseline, *, back, leg, odi_score=None, on=None):
    """The patient's answers as the portal stores them (cases.checkins.submit_checkin)."""
    baseline.source = FollowUp.Source.PATIENT
    baseline.assessed_on = on or baseline.window_opens
    baseline.nrs_back, baseline.nrs_leg, baseline.odi_score = back, leg, odi_score
    baseline.work_status = "off_back"
    return services.complete_follow_up(
        follow_up=baseline, expected_version=baseline.version, by=baseline.recorded_by
    )


# --- scheduling ----------------------------------------------------------------------------------


def test_a_decision_schedules_a_baseline_open_for_30_days(patient, specialist):
    decision = decide(patient, specialist, days_ago=3)
    [baseline] = baselines(patient)
    assert baseline.decision == decision and baseline.procedure is None
    assert baseline.window_opens == decision.decided_on == _days_ago(3)
    assert baseline.window_closes == decision.decided_on + datetime.timedelta(days=30)
    assert baseline.status() == "due"
    assert baseline.checkin_title == "Your baseline check-in"


def test_the_procedure_closes_the_baseline_on_its_day(patient, specialist):
    decision = decide(patient, specialist, days_ago=20)
    procedure = operate(decision, specialist, days_ago=6)
    baseline = baselines(patient).get()
    assert baseline.procedure == procedure and baseline.decision == decision
    assert (baseline.window_opens, baseline.window_closes) == (_days_ago(20), _days_ago(6))
    assert baseline.status() == "overdue"  # the patient can no longer answer it
    # The five timepoints after the procedure are scheduled as before, from its date.
    assert procedure.follow_ups.exclude(timepoint=BASELINE).count() == 5


def test_a_procedure_after_the_30_days_stretches_the_baseline_to_its_day(patient, specialist):
    decision = decide(patient, specialist, days_ago=50)
    assert baselines(patient).get().window_closes == _days_ago(20)
    operate(decision, specialist, days_ago=3)
    baseline = baselines(patient).get()
    assert (baseline.window_opens, baseline.window_closes) == (_days_ago(50), _days_ago(3))


def test_moving_the_procedure_date_moves_the_baseline_window(patient, specialist):
    decision = decide(patient, specialist, days_ago=20)
    procedure = operate(decision, specialist, days_ago=6)
    procedure.procedure_date = _days_ago(7)
    procedure.admitted_at -= datetime.timedelta(days=1)
    services.update_record(record=procedure, expected_version=procedure.version, by=specialist)
    assert baselines(patient).get().window_closes == _days_ago(7)


def test_a_procedure_cannot_move_before_the_patients_answered_baseline(patient, specialist):
    decision = decide(patient, specialist, days_ago=20)
    procedure = operate(decision, specialist, days_ago=6)
    answer_baseline(baselines(patient).get(), back=4, leg=7, on=_days_ago(8))
    procedure.refresh_from_db()
    procedure.procedure_date = _days_ago(10)
    with pytest.raises(ValidationError, match="baseline window runs"):
        services.update_record(record=procedure, expected_version=procedure.version, by=specialist)
    procedure.refresh_from_db()
    assert procedure.procedure_date == _days_ago(6)


def test_amending_a_decision_does_not_schedule_a_second_baseline(patient, specialist):
    first = decide(patient, specialist, outcome="workup", days_ago=10)
    amended = decide(
        patient, specialist, outcome="miss", days_ago=5, consult=first.consult, supersedes=first
    )
    assert amended.supersedes == first
    [baseline] = baselines(patient)
    assert baseline.decision == first and baseline.is_pending
    # Scheduling again (a retried task, a second save) adds nothing either.
    assert services.schedule_baseline(decision=amended, by=specialist) is None
    assert baselines(patient).count() == 1


def test_the_baseline_stays_when_a_conservative_plan_turns_surgical(patient, specialist):
    conservative = decide(patient, specialist, outcome="conservative", days_ago=10)
    assert FollowUp.objects.filter(decision=conservative).count() == 6  # baseline and five
    decide(
        patient,
        specialist,
        outcome="miss",
        days_ago=2,
        consult=conservative.consult,
        supersedes=conservative,
    )
    pending = FollowUp.objects.pending().filter(patient=patient)
    assert [f.timepoint for f in pending] == [BASELINE]


def test_a_decision_on_a_newer_consult_asks_again(patient, specialist):
    decide(patient, specialist, outcome="workup", days_ago=60)
    old = baselines(patient).get()
    newer = decide(patient, specialist, days_ago=1)
    old.refresh_from_db()
    assert old.cancelled_at is not None  # its window had closed unanswered: no longer expected
    current = baselines(patient).get(cancelled_at__isnull=True)
    assert current.decision == newer and current.status() == "due"


def test_a_conservative_decision_still_schedules_its_follow_ups_beside_the_baseline(
    patient, specialist
):
    decision = decide(patient, specialist, outcome="conservative", days_ago=0)
    timepoints = set(FollowUp.objects.filter(decision=decision).values_list("timepoint", flat=True))
    assert timepoints == {BASELINE, "2w", "6w", "3m", "12m", "24m"}


# --- the questions and the answer ----------------------------------------------------------------


@pytest.fixture
def due_baseline(patient, specialist):
    decide(patient, specialist, days_ago=2)
    return baselines(patient).get()


@pytest.fixture
def odi_wording():
    from cases import instruments

    instrument, _ = instruments.load_instrument("odi", json.loads(PLACEHOLDER.read_text()))
    return instrument


def test_the_baseline_asks_pain_work_status_and_the_odi_not_the_treatments_result(
    due_baseline, odi_wording
):
    form = checkin_form.CheckinForm(follow_up=due_baseline, instrument=odi_wording)
    assert {"nrs_back", "nrs_leg", "work_status", *odi.SECTIONS} == set(form.fields)
    assert [choice for choice, _ in form.fields["work_status"].choices] == [
        "working",
        "off_back",
        "off_other",
        "not_employed",
    ]


def test_the_baseline_without_odi_wording_asks_pain_and_work_only(due_baseline):
    form = checkin_form.CheckinForm(follow_up=due_baseline)
    assert set(form.fields) == {"nrs_back", "nrs_leg", "work_status"}


def test_the_baseline_page_shows_its_questions(client_for, patient_user, due_baseline):
    response = client_for(patient_user).get(reverse("cases:checkin", args=[due_baseline.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Your baseline check-in" in html
    assert "before your treatment" in html
    assert "What is your work situation now?" in html
    assert "Off work because of my back or leg pain" in html
    assert "How satisfied are you" not in html
    assert "Are you back at work?" not in html


def test_the_patient_submits_their_baseline(client_for, patient_user, due_baseline, odi_wording):
    data = {"nrs_back": "5", "nrs_leg": "8", "work_status": "off_back", "submit_checkin": ""}
    data |= {code: "2" for code in odi.SECTIONS}
    response = client_for(patient_user).post(reverse("cases:checkin", args=[due_baseline.pk]), data)
    assert response.status_code == 302
    due_baseline.refresh_from_db()
    assert due_baseline.completed_at is not None
    assert due_baseline.source == FollowUp.Source.PATIENT
    assert due_baseline.assessed_on == timezone.localdate()
    assert (due_baseline.nrs_back, due_baseline.nrs_leg) == (5, 8)
    assert due_baseline.work_status == "off_back"
    assert due_baseline.odi_score == 40
    assert due_baseline.satisfaction is None and due_baseline.global_perceived_effect == ""


def test_a_baseline_without_work_status_is_refused_with_a_message(
    client_for, patient_user, due_baseline
):
    data = {"nrs_back": "5", "nrs_leg": "8", "submit_checkin": ""}
    response = client_for(patient_user).post(reverse("cases:checkin", args=[due_baseline.pk]), data)
    assert response.status_code == 200
    assert "Choose the answer that fits you best." in response.content.decode()
    due_baseline.refresh_from_db()
    assert due_baseline.completed_at is None and due_baseline.nrs_back is None


def test_a_baseline_draft_keeps_the_work_status(client_for, patient_user, due_baseline):
    data = {"nrs_back": "5", "work_status": "working", "save_draft": ""}
    client_for(patient_user).post(reverse("cases:checkin", args=[due_baseline.pk]), data)
    due_baseline.refresh_from_db()
    assert due_baseline.checkin_draft == {"nrs_back": 5, "work_status": "working"}
    assert due_baseline.completed_at is None


# --- the figures ---------------------------------------------------------------------------------


def operated_patient(specialist, *, answered, odi_score=None):
    """A MISS patient operated 400 days ago (consult: back 3, leg 8, ODI 44), who answered their
    baseline (back 6, leg 9) or not."""
    patient = factories.PatientFactory()
    decision = decide(patient, specialist, days_ago=410)
    procedure = operate(decision, specialist, days_ago=400)
    if answered:
        answer_baseline(
            baselines(patient).get(), back=6, leg=9, odi_score=odi_score, on=_days_ago(405)
        )
    return procedure


def rows_by_procedure():
    return {row.procedure: row for row in cohort.build(timezone.localdate())}


def test_the_cohort_takes_the_patients_baseline_and_says_so(specialist):
    reported = operated_patient(specialist, answered=True, odi_score=50)
    consult_only = operated_patient(specialist, answered=False)
    rows = rows_by_procedure()
    assert rows[reported.pk].base_source == cohort.PATIENT_REPORTED
    assert (rows[reported.pk].base_back, rows[reported.pk].base_leg) == (6, 9)
    assert rows[reported.pk].base_odi == 50
    assert rows[consult_only.pk].base_source == cohort.CONSULT
    assert (rows[consult_only.pk].base_back, rows[consult_only.pk].base_leg) == (3, 8)
    # Rows are stored in snapshots as JSON and read back alike.
    row = rows[reported.pk]
    assert cohort.Row.from_json(json.loads(json.dumps(row.to_json()))) == row


def test_a_patients_baseline_without_odi_keeps_the_consults_odi(specialist):
    procedure = operated_patient(specialist, answered=True, odi_score=None)
    row = rows_by_procedure()[procedure.pk]
    assert row.base_source == cohort.PATIENT_REPORTED
    assert (row.base_leg, row.base_odi) == (9, 44)


def test_an_unanswered_baseline_leaves_the_consults_values(specialist):
    procedure = operated_patient(specialist, answered=False)
    baseline = procedure.follow_ups.get(timepoint=BASELINE)
    assert baseline.status() == "overdue"
    assert rows_by_procedure()[procedure.pk].base_source == cohort.CONSULT


def test_improvement_is_measured_from_the_patients_own_baseline(specialist):
    procedure = operated_patient(specialist, answered=True)
    follow_up = procedure.follow_ups.get(timepoint="3m")
    follow_up.assessed_on, follow_up.nrs_back, follow_up.nrs_leg = follow_up.due_date, 2, 3
    services.complete_follow_up(
        follow_up=follow_up, expected_version=follow_up.version, by=specialist
    )
    rows = cohort.build(timezone.localdate())
    context = {"as_of": timezone.localdate(), "thresholds": {}}
    cell = cells.compute_cell(SPECS["leg_change_3_months"], rows, context)
    assert cell.value == 9 - 3  # the patient's 9, not the consult's 8


def test_the_count_of_patient_reported_baselines_says_n_of_n(specialist):
    operated_patient(specialist, answered=True)
    operated_patient(specialist, answered=False)
    operated_patient(specialist, answered=False)
    rows = cohort.build(timezone.localdate())
    context = {"as_of": timezone.localdate(), "thresholds": {}}
    cell = cells.compute_cell(BASELINE_SPEC, rows, context)
    assert (cell.n, cell.denominator) == (3, 3)
    assert round(cell.value) == 33
    assert outcomes.display_count(BASELINE_SPEC, cell) == "1 of 3 operated patients"
    assert not outcomes.is_incomplete(BASELINE_SPEC, cell)


def test_the_outcome_page_and_its_csv_say_how_many_baselines_the_patients_reported(
    client_for, specialist
):
    operated_patient(specialist, answered=True)
    operated_patient(specialist, answered=False)
    outcomes.refresh()
    client = client_for(specialist)
    html = client.get("/cases/outcomes/").content.decode()
    assert "Baseline reported by the patient" in html
    assert "1 of 2 operated patients" in html
    response = client.get("/cases/outcomes/?format=csv")
    csv = response.content.decode()  # kept whole in the page cache (clinic/page_cache.py)
    [line] = [line for line in csv.splitlines() if line.startswith("baseline_patient_reported")]
    assert "Baseline reported by the patient" in line
    assert ",50.0," in line  # MISS: 1 of 2


# --- the chart -----------------------------------------------------------------------------------


def chart_for(patient):
    follow_ups = list(
        FollowUp.objects.filter(patient=patient).select_related(
            "procedure__decision__consult", "decision__consult"
        )
    )
    return charts.outcome_chart(follow_ups)


def test_the_chart_uses_the_patients_baseline_and_says_so(specialist):
    procedure = operated_patient(specialist, answered=True, odi_score=50)
    [series] = chart_for(procedure.patient)["series"]  # the baseline is no series of its own
    assert series["baseline"]["source"] == "patient"
    assert series["baseline"]["label"] == (
        f"reported by the patient on {date_format(_days_ago(405))}"
    )
    assert (series["baseline"]["nrs_back"], series["baseline"]["nrs_leg"]) == (6, 9)
    assert series["baseline"]["odi"] == 50
    assert BASELINE not in [p["timepoint"] for p in series["points"]]


def test_the_chart_falls_back_to_the_consult_and_says_so(specialist):
    procedure = operated_patient(specialist, answered=False)
    [series] = chart_for(procedure.patient)["series"]
    consult = procedure.decision.consult
    assert series["baseline"]["source"] == "consult"
    assert series["baseline"]["label"] == f"the consult of {date_format(consult.consult_date)}"
    assert series["baseline"]["nrs_leg"] == 8


def test_the_patient_page_says_whose_baseline_the_chart_uses(client_for, specialist):
    procedure = operated_patient(specialist, answered=True)
    html = client_for(specialist).get(procedure.patient.get_absolute_url()).content.decode()
    assert f"Baseline: reported by the patient on {date_format(_days_ago(405))}." in html


def test_a_conservative_patients_chart_uses_their_baseline(patient, specialist):
    decision = decide(patient, specialist, outcome="conservative", days_ago=100)
    answer_baseline(baselines(patient).get(), back=5, leg=6, on=_days_ago(99))
    follow_up = FollowUp.objects.get(decision=decision, timepoint="3m")
    follow_up.assessed_on, follow_up.nrs_back, follow_up.nrs_leg = _days_ago(9), 2, 2
    services.complete_follow_up(
        follow_up=follow_up, expected_version=follow_up.version, by=specialist
    )
    [series] = chart_for(patient)["series"]
    assert series["key"] == f"candidacydecision-{decision.pk}"
    assert (series["baseline"]["source"], series["baseline"]["nrs_leg"]) == ("patient", 6)


# --- the research export -------------------------------------------------------------------------


def test_the_research_export_says_whose_baseline_each_procedure_has(client_for, specialist):
    from tests.cases.test_pages import as_dicts, export, start_export

    operated_patient(specialist, answered=True)
    operated_patient(specialist, answered=False)
    client = client_for(specialist)
    export_id = start_export(client)
    procedures = as_dicts(export(client, "procedures", export_id))
    assert sorted(p["baseline_source"] for p in procedures) == ["consult", "patient"]
    follow_ups = as_dicts(export(client, "follow_ups", export_id))
    [baseline] = [f for f in follow_ups if f["timepoint"] == BASELINE]
    assert (baseline["anchor"], baseline["source"], baseline["work_status"]) == (
        "decision",
        "patient",
        "off_back",
    )
    assert baseline["days_after_anchor"] == "5"  # answered 405 days ago, decided 410 days ago
    [patients_row] = [p for p in procedures if p["baseline_source"] == "patient"]
    assert patients_row["procedure_key"] == baseline["procedure_key"]


def test_a_baseline_the_clinic_typed_in_is_not_the_patients(specialist):
    procedure = operated_patient(specialist, answered=False)
    baseline = procedure.follow_ups.get(timepoint=BASELINE)
    baseline.assessed_on, baseline.nrs_back, baseline.nrs_leg = _days_ago(405), 1, 1
    services.complete_follow_up(
        follow_up=baseline, expected_version=baseline.version, by=specialist
    )
    assert rows_by_procedure()[procedure.pk].base_source == cohort.CONSULT
    [series] = chart_for(procedure.patient)["series"]
    assert series["baseline"]["source"] == "consult"


def test_the_specialist_opens_a_baseline_on_the_follow_up_form(client_for, specialist, patient):
    decide(patient, specialist, days_ago=2)
    baseline = baselines(patient).get()
    response = client_for(specialist).get(reverse("cases:followup_form", args=[baseline.pk]))
    assert response.status_code == 200
    assert "Baseline" in response.content.decode()


def test_the_timelines_mic_flags_measure_from_the_patients_own_baseline(client_for, specialist):
    """Consult: back 3; the patient's own baseline: back 6. Back 3 at three months is no change
    from the consult but a 3-point improvement on what the patient reported: MIC reached."""
    procedure = operated_patient(specialist, answered=True)
    follow_up = procedure.follow_ups.get(timepoint="3m")
    follow_up.nrs_back, follow_up.nrs_leg = 3, 8
    follow_up.assessed_on = follow_up.due_date
    services.complete_follow_up(
        follow_up=follow_up, expected_version=follow_up.version, by=specialist
    )
    response = client_for(specialist).get(procedure.patient.get_absolute_url())
    shown = next(f for f in response.context["follow_ups"] if f.pk == follow_up.pk)
    assert shown.mic["nrs_back"] is True
    assert follow_up.mic_reached()["nrs_back"] is False  # from the consult


def test_without_a_reported_baseline_the_flags_measure_from_the_consult(client_for, specialist):
    procedure = operated_patient(specialist, answered=False)
    follow_up = procedure.follow_ups.get(timepoint="3m")
    follow_up.nrs_back, follow_up.nrs_leg = 3, 8
    follow_up.assessed_on = follow_up.due_date
    services.complete_follow_up(
        follow_up=follow_up, expected_version=follow_up.version, by=specialist
    )
    response = client_for(specialist).get(procedure.patient.get_absolute_url())
    shown = next(f for f in response.context["follow_ups"] if f.pk == follow_up.pk)
    assert shown.mic["nrs_back"] is False
