"""Derived values are computed in one place, from the recorded facts, and never typed."""

import datetime

import pytest
from django.utils import timezone

from cases import services
from cases.forms import AdverseEventForm, FollowUpForm, ProcedureForm
from cases.models import TIMEPOINT_WINDOWS, FollowUp, Procedure, Timepoint
from tests import factories

pytestmark = pytest.mark.django_db


def at(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.mark.parametrize(
    ("discharge_days", "hour", "nights", "same_day", "next_day"),
    [(0, 18, 0, True, False), (1, 9, 1, False, True), (3, 12, 3, False, False)],
)
def test_length_of_stay_and_discharge_flags_come_from_admission_and_discharge(
    discharge_days, hour, nights, same_day, next_day
):
    day = timezone.localdate() - datetime.timedelta(days=10)
    procedure = factories.ProcedureFactory(
        procedure_date=day,
        admitted_at=at(day, 7),
        discharged_at=at(day + datetime.timedelta(days=discharge_days), hour),
    )
    procedure.refresh_from_db()
    assert procedure.length_of_stay_nights == nights
    assert procedure.same_day_discharge is same_day
    assert procedure.next_day_discharge is next_day
    assert float(procedure.length_of_stay_hours) == discharge_days * 24 + hour - 7


def test_stay_is_unknown_while_the_patient_is_in_hospital():
    procedure = factories.ProcedureFactory(discharged_at=None)
    assert procedure.length_of_stay_nights is None
    assert procedure.same_day_discharge is None


def test_editing_the_discharge_recomputes_the_stay(records, specialist):
    procedure = records["procedure"]
    procedure.discharged_at = procedure.admitted_at + datetime.timedelta(days=2)
    services.update_record(record=procedure, expected_version=procedure.version, by=specialist)
    procedure.refresh_from_db()
    assert procedure.length_of_stay_nights == 2
    assert procedure.same_day_discharge is False and procedure.next_day_discharge is False


def test_derived_values_are_not_form_fields():
    for form, names in [
        (ProcedureForm, Procedure.DERIVED),
        (AdverseEventForm, ("days_after_procedure", "within_30_days", "within_90_days")),
        (FollowUpForm, ("anchor_date", "due_date", "window_opens", "window_closes")),
    ]:
        assert not set(names) & set(form.base_fields)


@pytest.mark.parametrize(
    ("days", "within_30", "within_90"), [(0, True, True), (30, True, True), (31, False, True),
                                         (90, False, True), (91, False, False)]
)  # fmt: skip
def test_adverse_event_30_and_90_day_flags_count_from_the_procedure_date(
    days, within_30, within_90
):
    procedure = factories.ProcedureFactory(
        procedure_date=timezone.localdate() - datetime.timedelta(days=120)
    )
    event = factories.AdverseEventFactory(
        procedure=procedure, onset_date=procedure.procedure_date + datetime.timedelta(days=days)
    )
    assert event.days_after_procedure == days
    assert event.within_30_days is within_30
    assert event.within_90_days is within_90
    assert event.patient == procedure.patient


def test_a_procedure_schedules_five_follow_ups_with_windows_from_the_table(records):
    procedure = records["procedure"]
    follow_ups = {f.timepoint: f for f in procedure.follow_ups.all()}
    assert set(follow_ups) == set(Timepoint.values)
    for timepoint, (target, opens, closes) in TIMEPOINT_WINDOWS.items():
        f = follow_ups[timepoint]
        assert f.anchor_date == procedure.procedure_date
        assert (f.due_date - f.anchor_date).days == target
        assert (f.window_opens - f.anchor_date).days == opens
        assert (f.window_closes - f.anchor_date).days == closes


def test_windows_do_not_overlap_and_hold_their_target():
    spans = sorted(TIMEPOINT_WINDOWS.values())
    for target, opens, closes in spans:
        assert opens <= target <= closes
    for (_, _, closes), (_, next_opens, _) in zip(spans, spans[1:], strict=False):
        assert closes < next_opens


def test_a_conservative_decision_is_followed_from_the_decision_date(specialist):
    consult = factories.ConsultFactory(specialist=specialist)
    decision = factories.CandidacyDecisionFactory.build(consult=consult, outcome="conservative")
    decision = services.record_decision(decision=decision, by=specialist)
    # The five timepoints from the decision date, beside the patient's baseline (issue 15).
    follow_ups = FollowUp.objects.filter(decision=decision).exclude(timepoint="bl")
    assert follow_ups.count() == 5
    assert {f.anchor_date for f in follow_ups} == {timezone.localdate(decision.decided_at)}


def test_operating_after_conservative_care_moves_follow_up_to_the_procedure(specialist):
    consult = factories.ConsultFactory(specialist=specialist)
    conservative = services.record_decision(
        decision=factories.CandidacyDecisionFactory.build(consult=consult, outcome="conservative"),
        by=specialist,
    )
    miss = factories.CandidacyDecisionFactory.build(consult=consult, outcome="miss")
    miss = services.record_decision(decision=miss, by=specialist, supersedes=conservative)
    # The conservative plan's follow-ups stop; the patient's baseline is still asked (issue 15).
    assert not (
        FollowUp.objects.pending().filter(decision=conservative).exclude(timepoint="bl").exists()
    )
    procedure = services.record_procedure(
        procedure=factories.ProcedureFactory.build(decision=miss, surgeon=specialist),
        by=specialist,
    )
    pending = FollowUp.objects.pending().filter(patient=consult.patient)
    assert pending.exclude(timepoint="bl").count() == 5
    assert pending.get(timepoint="bl").procedure == procedure  # it closes on the procedure day
    assert all(f.procedure_id == procedure.pk for f in FollowUp.objects.pending())


def test_due_and_overdue_follow_ups(records):
    # The procedure was 100 days ago: 2 and 6 weeks are overdue, 3 months (75–120) is due.
    statuses = {f.timepoint: f.status() for f in records["procedure"].follow_ups.all()}
    assert statuses == {"2w": "overdue", "6w": "overdue", "3m": "due", "12m": "scheduled",
                        "24m": "scheduled"}  # fmt: skip
    assert set(FollowUp.objects.due().values_list("timepoint", flat=True)) == {"3m"}
    assert set(FollowUp.objects.overdue().values_list("timepoint", flat=True)) == {"2w", "6w"}


def test_criteria_checklist_is_met_not_met_or_unknown():
    consult = factories.ConsultFactory.build(
        dominant_pain="back", imaging_concordant=None, conservative_care_weeks=8
    )
    statuses = {c["key"]: c["status"] for c in consult.candidacy_criteria()}
    assert statuses == {"leg_dominant": "not_met", "imaging_concordant": "unknown",
                        "conservative_6_weeks": "met", "no_red_flags": "met"}  # fmt: skip
    consult.conservative_care_weeks = None
    consult.red_flag_saddle_anaesthesia = True
    statuses = {c["key"]: c["status"] for c in consult.candidacy_criteria()}
    assert statuses["conservative_6_weeks"] == "unknown"
    assert statuses["no_red_flags"] == "not_met"


def test_decision_keeps_the_checklist_as_it_was_when_decided(specialist):
    consult = factories.ConsultFactory(conservative_care_weeks=4)
    decision = factories.CandidacyDecisionFactory(consult=consult)
    consult.conservative_care_weeks = 10
    services.update_record(record=consult, expected_version=consult.version, by=specialist)
    decision.refresh_from_db()
    assert {c["key"]: c["status"] for c in decision.criteria}["conservative_6_weeks"] == "not_met"


def test_moving_the_procedure_date_moves_its_follow_ups_and_event_flags(specialist, records):
    procedure, event = records["procedure"], records["adverseevent"]
    assert event.days_after_procedure == 0
    procedure.procedure_date -= datetime.timedelta(days=5)
    procedure.admitted_at -= datetime.timedelta(days=5)
    procedure.discharged_at -= datetime.timedelta(days=5)
    services.update_record(record=procedure, expected_version=procedure.version, by=specialist)
    follow_up = procedure.follow_ups.get(timepoint="2w")
    assert follow_up.anchor_date == procedure.procedure_date
    assert follow_up.due_date == procedure.procedure_date + datetime.timedelta(days=14)
    event.refresh_from_db()
    assert event.days_after_procedure == 5
