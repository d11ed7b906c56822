"""Patient check-ins: the patient answers their own due follow-up; drafts; ODI from item marks."""

import datetime
import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from cases import charts, checkin_form, checkins, instruments, odi, services
from cases.forms import FollowUpForm
from cases.models import FollowUp, Instrument
from clinic import page_cache
from clinic.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db
PLACEHOLDER = Path(__file__).resolve().parents[1] / "fixtures" / "odi_placeholder.json"


def schedule_for(patient, specialist, days_ago=100):
    """A MISS procedure ``days_ago`` days ago with its follow-ups (100 days: 3 months is due)."""
    consult = factories.ConsultFactory(patient=patient, specialist=specialist)
    decision = factories.CandidacyDecisionFactory(consult=consult)
    procedure = factories.ProcedureFactory.build(
        decision=decision,
        surgeon=specialist,
        procedure_date=timezone.localdate() - datetime.timedelta(days=days_ago),
    )
    services.record_procedure(procedure=procedure, by=specialist)
    return procedure


@pytest.fixture
def due_checkin(patient, specialist):
    procedure = schedule_for(patient, specialist)
    return procedure.follow_ups.get(timepoint="3m")


@pytest.fixture
def odi_wording():
    instrument, _ = instruments.load_instrument("odi", json.loads(PLACEHOLDER.read_text()))
    return instrument


def answers(**overrides):
    data = {
        "nrs_back": "2",
        "nrs_leg": "1",
        "daily_activities": "yes",
        "returned_to_daily_activities_on": (
            timezone.localdate() - datetime.timedelta(days=60)
        ).isoformat(),
        "work": "not_yet",
        "returned_to_work_on": "",
        "satisfaction": "1",
        "global_perceived_effect": "much_improved",
        "submit_checkin": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def url(follow_up):
    return reverse("cases:checkin", args=[follow_up.pk])


# --- access --------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in(client_for, due_checkin):
    response = client_for(None).get(url(due_checkin))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_patient_opens_their_own_checkin(client_for, patient_user, due_checkin):
    response = client_for(patient_user).get(url(due_checkin))
    assert response.status_code == 200
    assert b"Your 3-month check-in" in response.content
    assert AuditEvent.objects.filter(action="view", object_id=str(due_checkin.pk)).exists()


def test_another_patient_gets_404_and_cannot_answer(client_for, other_patient_user, due_checkin):
    client = client_for(other_patient_user)
    assert client.get(url(due_checkin)).status_code == 404
    assert client.post(url(due_checkin), answers()).status_code == 404
    due_checkin.refresh_from_db()
    assert due_checkin.completed_at is None
    assert due_checkin.nrs_back is None


@pytest.mark.parametrize("role", ["specialist", "editor"])
def test_specialists_and_editors_are_refused(client_for, request, role, due_checkin):
    response = client_for(request.getfixturevalue(role)).get(url(due_checkin))
    assert response.status_code == 403


# --- dashboard -----------------------------------------------------------------------------------


def test_dashboard_shows_the_patient_their_due_checkin_only(
    client_for, patient_user, other_patient_user, specialist, due_checkin
):
    schedule_for(other_patient_user.patient, specialist)
    response = client_for(patient_user).get("/")
    assert response.context["checkins_due"] == [due_checkin]
    assert b"Your 3-month check-in" in response.content
    assert url(due_checkin).encode() in response.content


def test_dashboard_shows_no_checkin_before_its_window_opens(client_for, patient_user, specialist):
    schedule_for(patient_user.patient, specialist, days_ago=5)
    response = client_for(patient_user).get("/")
    assert response.context["checkins_due"] == []
    assert b"check-in" not in response.content


def test_specialist_dashboard_keeps_its_follow_ups(client_for, specialist, due_checkin):
    response = client_for(specialist).get("/")
    assert due_checkin in response.context["follow_ups_due"]
    assert "checkins_due" not in response.context


# --- submit --------------------------------------------------------------------------------------


def test_submitted_checkin_completes_the_follow_up_as_patient_reported(
    client_for, patient_user, due_checkin
):
    response = client_for(patient_user).post(url(due_checkin), answers())
    assert response.status_code == 302
    due_checkin.refresh_from_db()
    assert due_checkin.source == FollowUp.Source.PATIENT
    assert due_checkin.completed_at is not None
    assert due_checkin.assessed_on == timezone.localdate()
    assert (due_checkin.nrs_back, due_checkin.nrs_leg, due_checkin.satisfaction) == (2, 1, 1)
    assert due_checkin.returned_to_work_on is None
    assert due_checkin.odi_score is None
    assert due_checkin.odi_answers == {}
    event = AuditEvent.objects.get(action="create", object_id=str(due_checkin.pk))
    assert event.user == patient_user
    assert "2" not in event.detail


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"nrs_back": None}, "nrs_back"),
        ({"nrs_leg": "11"}, "nrs_leg"),
        ({"satisfaction": None}, "satisfaction"),
        ({"global_perceived_effect": None}, "global_perceived_effect"),
        ({"returned_to_daily_activities_on": ""}, "returned_to_daily_activities_on"),
        (
            {"returned_to_daily_activities_on": "2999-01-01"},
            "returned_to_daily_activities_on",
        ),
        ({"work": "yes", "returned_to_work_on": "2001-01-01"}, "returned_to_work_on"),
    ],
)
def test_invalid_answers_are_refused_and_nothing_is_saved(
    client_for, patient_user, due_checkin, overrides, field
):
    response = client_for(patient_user).post(url(due_checkin), answers(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    due_checkin.refresh_from_db()
    assert due_checkin.completed_at is None
    assert due_checkin.nrs_back is None
    assert due_checkin.version == 1


def test_answered_checkin_cannot_be_answered_again(client_for, patient_user, due_checkin):
    client = client_for(patient_user)
    client.post(url(due_checkin), answers())
    due_checkin.refresh_from_db()
    version = due_checkin.version
    response = client.post(url(due_checkin), answers(nrs_back="9"))
    assert response.status_code == 200
    assert b"You answered this check-in" in response.content
    due_checkin.refresh_from_db()
    assert due_checkin.nrs_back == 2
    assert due_checkin.version == version
    with pytest.raises(ValidationError):
        form = checkin_form.CheckinForm(answers(), follow_up=due_checkin)
        assert form.is_valid()
        checkins.submit_checkin(follow_up=due_checkin, form=form, by=patient_user)


def test_two_tabs_sending_the_same_checkin_save_it_once(patient_user, due_checkin):
    first = FollowUp.objects.get(pk=due_checkin.pk)
    second = FollowUp.objects.get(pk=due_checkin.pk)
    form = checkin_form.CheckinForm(answers(), follow_up=first)
    assert form.is_valid()
    checkins.submit_checkin(follow_up=first, form=form, by=patient_user)
    late = checkin_form.CheckinForm(answers(nrs_back="8"), follow_up=second)
    assert late.is_valid()
    with pytest.raises(ValidationError):
        checkins.submit_checkin(follow_up=second, form=late, by=patient_user)
    due_checkin.refresh_from_db()
    assert due_checkin.nrs_back == 2
    assert AuditEvent.objects.filter(action="create", object_id=str(due_checkin.pk)).count() == 1


def test_checkin_not_yet_open_offers_no_form(client_for, patient_user, specialist):
    procedure = schedule_for(patient_user.patient, specialist, days_ago=5)
    follow_up = procedure.follow_ups.get(timepoint="2w")
    client = client_for(patient_user)
    response = client.get(url(follow_up))
    assert b"Send my check-in" not in response.content
    client.post(url(follow_up), answers())
    follow_up.refresh_from_db()
    assert follow_up.completed_at is None


# --- drafts --------------------------------------------------------------------------------------


def test_partial_answers_are_kept_as_a_draft_not_a_result(client_for, patient_user, due_checkin):
    client = client_for(patient_user)
    response = client.post(url(due_checkin), {"nrs_back": "4", "save_draft": ""})
    assert response.status_code == 302
    due_checkin.refresh_from_db()
    assert due_checkin.checkin_draft == {"nrs_back": 4}
    assert due_checkin.nrs_back is None
    assert due_checkin.completed_at is None
    assert FollowUp.objects.due().filter(pk=due_checkin.pk).exists()
    page = client.get(url(due_checkin))
    assert page.context["form"]["nrs_back"].value() == 4
    assert b"Draft saved" in client.get("/").content
    assert AuditEvent.objects.filter(detail="check-in draft saved").count() == 1


def test_a_draft_with_an_invalid_answer_is_refused(client_for, patient_user, due_checkin):
    response = client_for(patient_user).post(url(due_checkin), {"nrs_back": "12", "save_draft": ""})
    assert response.status_code == 200
    due_checkin.refresh_from_db()
    assert due_checkin.checkin_draft == {}


def test_submitting_clears_the_draft(client_for, patient_user, due_checkin):
    client = client_for(patient_user)
    client.post(url(due_checkin), {"nrs_back": "4", "save_draft": ""})
    client.post(url(due_checkin), answers())
    due_checkin.refresh_from_db()
    assert due_checkin.checkin_draft == {}
    assert due_checkin.nrs_back == 2


# --- ODI -----------------------------------------------------------------------------------------


def test_without_loaded_wording_the_checkin_has_no_odi_part(client_for, patient_user, due_checkin):
    response = client_for(patient_user).get(url(due_checkin))
    assert response.context["form"].odi_fields == []
    assert b"odi_01" not in response.content


def test_odi_answers_are_scored_from_the_item_marks(
    client_for, patient_user, due_checkin, odi_wording
):
    client = client_for(patient_user)
    page = client.get(url(due_checkin))
    assert b"Section 1 placeholder option 0" in page.content
    marks = {code: "2" for code in odi.SECTIONS[:8]}  # 16 of 40 → 40 %
    client.post(url(due_checkin), answers(**marks))
    due_checkin.refresh_from_db()
    assert due_checkin.odi_answers == {code: [2] for code in odi.SECTIONS[:8]}
    assert due_checkin.odi_score == 40
    assert due_checkin.odi_flag == ""


def test_seven_odi_sections_are_flagged_not_scored(
    client_for, patient_user, due_checkin, odi_wording
):
    marks = {code: "5" for code in odi.SECTIONS[:7]}
    client_for(patient_user).post(url(due_checkin), answers(**marks))
    due_checkin.refresh_from_db()
    assert due_checkin.completed_at is not None
    assert due_checkin.odi_score is None
    assert due_checkin.odi_flag == "ODI incomplete (7 of 10 answered)"


def test_double_marks_in_a_section_take_the_higher(due_checkin):
    due_checkin.odi_answers = {code: [1] for code in odi.SECTIONS}
    due_checkin.odi_answers["odi_01"] = [1, 4]  # 9 × 1 + 4 = 13 of 50 → 26 %
    due_checkin.compute_odi()
    assert due_checkin.odi_score == 26


def test_odi_score_is_rounded_half_up(due_checkin):
    due_checkin.odi_answers = {code: [1] for code in odi.SECTIONS[:8]}
    due_checkin.odi_answers["odi_01"] = [2]  # 9 of 40 → 22.5 %
    due_checkin.compute_odi()
    assert due_checkin.odi_score == 23


def test_a_typed_odi_total_beside_item_marks_is_refused(due_checkin):
    due_checkin.odi_answers = {code: [2] for code in odi.SECTIONS}
    due_checkin.odi_score = 70
    with pytest.raises(ValidationError) as error:
        due_checkin.clean()
    assert "odi_score" in error.value.message_dict


def test_specialist_can_still_type_a_paper_odi_total(specialist, due_checkin):
    form = FollowUpForm(
        {
            "version": "1",
            "assessed_on": timezone.localdate().isoformat(),
            "nrs_back": "2",
            "nrs_leg": "2",
            "odi_score": "30",
        },
        instance=due_checkin,
    )
    assert form.is_valid(), form.errors
    services.complete_follow_up(
        follow_up=form.save(commit=False), expected_version=1, by=specialist
    )
    due_checkin.refresh_from_db()
    assert due_checkin.odi_score == 30
    assert due_checkin.odi_answers == {}


def test_specialist_form_shows_a_patient_odi_as_computed_not_typed(
    client_for, patient_user, due_checkin, odi_wording
):
    client_for(patient_user).post(url(due_checkin), answers(**{code: "2" for code in odi.SECTIONS}))
    due_checkin.refresh_from_db()
    form = FollowUpForm(instance=due_checkin)
    assert form.fields["odi_score"].disabled
    assert Instrument.objects.active().count() == 1


# --- the specialist's chart ----------------------------------------------------------------------


def chart_of(response):
    import re

    match = re.search(
        rb'<script id="outcome-chart-data" type="application/json">(.*?)</script>',
        response.content,
    )
    assert match, "no chart data on the page"
    return json.loads(match.group(1))


def test_patient_page_charts_the_patients_answer_beside_the_baseline(
    client_for, patient_user, specialist, due_checkin, odi_wording
):
    client_for(patient_user).post(url(due_checkin), answers(**{code: "1" for code in odi.SECTIONS}))
    response = client_for(specialist).get(due_checkin.patient.get_absolute_url())
    [series] = chart_of(response)["series"]
    procedure = due_checkin.procedure
    assert series["label"] == (
        f"Full-endoscopic transforaminal L4-L5 left, {date_format(procedure.procedure_date)}"
    )
    # The patient answered no baseline check-in: the consult's, and it says so (issue 15).
    consult_day = procedure.decision.consult.consult_date
    assert series["baseline"] == {
        "source": "consult",
        "label": f"the consult of {date_format(consult_day)}",
        "date": consult_day.isoformat(),
        "consult_date": consult_day.isoformat(),
        "nrs_back": 3,
        "nrs_leg": 7,
        "odi": None,
    }
    assert series["points"] == [
        {
            "label": "3 months",
            "timepoint": "3m",
            "assessed_on": timezone.localdate().isoformat(),
            "source": "patient",
            "nrs_back": 2,
            "nrs_leg": 1,
            "odi": 20,
            "odi_flag": "",
        }
    ]
    assert b"vendor/chart.js/chart.umd.js" in response.content
    assert b"js/outcome-chart.js" in response.content
    assert b'role="img"' in response.content
    assert b'<th scope="row">3 months' in response.content


def _days_ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


def _treated(patient, specialist, *, consult_days_ago, nrs_back, nrs_leg, odi_score, **procedure):
    """A consult, its MISS decision and a procedure ten days later, with its follow-ups."""
    consult = factories.ConsultFactory(
        patient=patient,
        specialist=specialist,
        consult_date=_days_ago(consult_days_ago),
        mri_date=_days_ago(consult_days_ago + 10),
        nrs_back=nrs_back,
        nrs_leg=nrs_leg,
        odi_score=odi_score,
    )
    decision = factories.CandidacyDecisionFactory(
        consult=consult, decided_at=timezone.now() - datetime.timedelta(days=consult_days_ago - 5)
    )
    built = factories.ProcedureFactory.build(
        decision=decision,
        surgeon=specialist,
        procedure_date=_days_ago(consult_days_ago - 10),
        **procedure,
    )
    return services.record_procedure(procedure=built, by=specialist)


def _answer(procedure, timepoint, specialist, **values):
    follow_up = procedure.follow_ups.get(timepoint=timepoint)
    follow_up.assessed_on = follow_up.due_date
    for name, value in values.items():
        setattr(follow_up, name, value)
    return services.complete_follow_up(
        follow_up=follow_up, expected_version=follow_up.version, by=specialist
    )


@pytest.fixture
def twice_operated(patient, specialist):
    """A first operation on L4-L5 a year ago, then a second consult and an operation on L5-S1."""
    first = _treated(patient, specialist, consult_days_ago=420, nrs_back=6, nrs_leg=9, odi_score=52)
    second = _treated(
        patient,
        specialist,
        consult_days_ago=120,
        nrs_back=4,
        nrs_leg=8,
        odi_score=40,
        technique="tubular",
        level="L5-S1",
        side="right",
    )
    _answer(first, "3m", specialist, nrs_back=2, nrs_leg=1, odi_score=12)
    _answer(second, "3m", specialist, nrs_back=3, nrs_leg=2, odi_score=18)
    return first, second


def test_each_procedure_is_its_own_series_with_its_own_decisions_consult_as_baseline(
    client_for, specialist, twice_operated
):
    first, second = twice_operated
    response = client_for(specialist).get(first.patient.get_absolute_url())
    chart = chart_of(response)
    newest, oldest = chart["series"]
    assert newest["label"] == f"Tubular microdiscectomy L5-S1 right, {date_format(_days_ago(110))}"
    assert oldest["label"] == (
        f"Full-endoscopic transforaminal L4-L5 left, {date_format(_days_ago(410))}"
    )
    assert newest["baseline"] == {
        "source": "consult",  # no baseline check-in answered (issue 15)
        "label": f"the consult of {date_format(_days_ago(120))}",
        "date": _days_ago(120).isoformat(),
        "consult_date": _days_ago(120).isoformat(),
        "nrs_back": 4,
        "nrs_leg": 8,
        "odi": 40,
    }
    assert oldest["baseline"] == {
        "source": "consult",  # no baseline check-in answered (issue 15)
        "label": f"the consult of {date_format(_days_ago(420))}",
        "date": _days_ago(420).isoformat(),
        "consult_date": _days_ago(420).isoformat(),
        "nrs_back": 6,
        "nrs_leg": 9,
        "odi": 52,
    }
    assert [(p["timepoint"], p["nrs_leg"]) for p in newest["points"]] == [("3m", 2)]
    assert [(p["timepoint"], p["nrs_leg"]) for p in oldest["points"]] == [("3m", 1)]
    # Two charts, each named after its treatment, with its own table.
    assert response.content.count(b"<canvas ") == 2
    assert b"Tubular microdiscectomy L5-S1 right" in response.content
    assert f"Baseline (consult {date_format(_days_ago(420))})".encode() in response.content


def test_each_series_band_is_drawn_from_its_own_baseline(specialist, twice_operated):
    from cases.outcomes import active_thresholds

    first, second = twice_operated
    thresholds = active_thresholds()
    follow_ups = [*first.follow_ups.all(), *second.follow_ups.all()]
    newest, oldest = charts.outcome_chart(follow_ups, thresholds)["series"]
    assert "nrs_leg" in thresholds, "the default MIC set has an NRS leg threshold"
    for series, baseline in ((newest, 8), (oldest, 9)):
        threshold = thresholds["nrs_leg"]
        needed = float(threshold.points)
        if threshold.relative_percent:
            needed = min(needed, float(threshold.relative_percent) * baseline / 100)
        assert series["bands"]["nrs_leg"]["upper"] == baseline
        assert series["bands"]["nrs_leg"]["lower"] == pytest.approx(baseline - needed)


def test_the_latest_consult_is_not_the_baseline_of_an_earlier_treatment(
    client_for, specialist, twice_operated
):
    first, _ = twice_operated
    # A check-up consult after both operations, with no decision on it.
    factories.ConsultFactory(
        patient=first.patient,
        specialist=specialist,
        consult_date=_days_ago(1),
        mri_date=_days_ago(2),
        nrs_back=1,
        nrs_leg=1,
    )
    chart = chart_of(client_for(specialist).get(first.patient.get_absolute_url()))
    assert [s["baseline"]["nrs_leg"] for s in chart["series"]] == [8, 9]


def test_care_without_surgery_is_a_series_named_after_the_decision(client_for, specialist, patient):
    consult = factories.ConsultFactory(patient=patient, specialist=specialist, odi_score=30)
    decision = factories.CandidacyDecisionFactory(consult=consult, outcome="conservative")
    services.schedule_follow_ups(anchor=decision, by=specialist)
    follow_up = decision.follow_ups.get(timepoint="6w")
    follow_up.assessed_on, follow_up.nrs_back, follow_up.nrs_leg = follow_up.due_date, 2, 3
    services.complete_follow_up(
        follow_up=follow_up, expected_version=follow_up.version, by=specialist
    )
    [series] = chart_of(client_for(specialist).get(patient.get_absolute_url()))["series"]
    assert series["label"] == f"Conservative care from {date_format(_days_ago(110))}"
    assert series["baseline"]["odi"] == 30
    assert [p["timepoint"] for p in series["points"]] == ["6w"]


def test_records_entered_in_error_are_not_charted(client_for, specialist, twice_operated):
    first, second = twice_operated
    services.mark_entered_in_error(record=first, by=specialist, reason="Wrong patient")
    answered = second.follow_ups.get(timepoint="3m")
    services.mark_entered_in_error(record=answered, by=specialist, reason="Typed twice")
    [series] = chart_of(client_for(specialist).get(second.patient.get_absolute_url()))["series"]
    assert series["label"].startswith("Tubular microdiscectomy L5-S1")
    assert series["points"] == []
    # The chart leaves them out whoever passes them in, not only because the page filtered them.
    follow_ups = [*first.follow_ups.all(), *second.follow_ups.all()]
    assert [s["label"] for s in charts.outcome_chart(follow_ups)["series"]] == [series["label"]]


def test_a_baseline_consult_entered_in_error_leaves_its_series_without_baseline_or_band(
    specialist, twice_operated
):
    from cases.outcomes import active_thresholds

    _, second = twice_operated
    consult = second.decision.consult
    services.mark_entered_in_error(record=consult, by=specialist, reason="Wrong patient")
    second.refresh_from_db()
    chart = charts.outcome_chart(list(second.follow_ups.all()), active_thresholds())
    [series] = chart["series"]
    assert series["baseline"] is None
    assert series["bands"] == {}
    assert [p["timepoint"] for p in series["points"]] == ["3m"]


def test_a_second_treatment_adds_no_query_to_the_patient_page(
    client_for, patient, specialist, django_assert_num_queries, monkeypatch
):
    monkeypatch.setattr("clinic.middleware.SessionTimeoutMiddleware.SAVE_EVERY", 10**9)
    client = client_for(specialist)
    first = _treated(patient, specialist, consult_days_ago=420, nrs_back=6, nrs_leg=9, odi_score=52)
    _answer(first, "3m", specialist, nrs_back=2, nrs_leg=1)
    client.get(patient.get_absolute_url())
    page_cache.move(page_cache.CLINIC, page_cache.SHARED)  # rendered, not from the page cache
    with django_assert_num_queries(12) as one:
        client.get(patient.get_absolute_url())
    second = _treated(
        patient, specialist, consult_days_ago=120, nrs_back=4, nrs_leg=8, odi_score=40
    )
    _answer(second, "3m", specialist, nrs_back=3, nrs_leg=2)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(patient.get_absolute_url())
    assert len(chart_of(response)["series"]) == 2


def test_unanswered_follow_ups_are_a_series_without_points(specialist, due_checkin):
    [series] = charts.outcome_chart([due_checkin])["series"]
    assert series["points"] == []
    assert series["baseline"]["nrs_leg"] == 7


def test_patient_page_without_outcomes_loads_no_chart_script(client_for, specialist):
    patient = factories.PatientFactory()
    response = client_for(specialist).get(patient.get_absolute_url())
    assert b"No outcomes recorded yet" in response.content
    assert b"chart.umd.js" not in response.content


def test_patient_dashboard_query_count_does_not_grow_with_checkins(
    client_for, patient_user, specialist, django_assert_num_queries, monkeypatch
):
    monkeypatch.setattr("clinic.middleware.SessionTimeoutMiddleware.SAVE_EVERY", 10**9)
    client = client_for(patient_user)
    schedule_for(patient_user.patient, specialist)
    client.get("/")
    page_cache.move(page_cache.CLINIC, page_cache.SHARED)  # rendered, not from the page cache
    with django_assert_num_queries(6) as small:
        client.get("/")
    schedule_for(patient_user.patient, specialist, days_ago=40)
    schedule_for(patient_user.patient, specialist, days_ago=15)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get("/")
    assert len(response.context["checkins_due"]) == 3


def test_a_checkin_whose_window_has_closed_is_not_offered_and_saves_nothing(
    client_for, patient_user, specialist
):
    """After its window closes a check-in is no longer asked for: the answer would be dated
    outside the window. The clinic records the visit instead, with the reason it is late."""
    procedure = schedule_for(patient_user.patient, specialist, days_ago=100)
    closed = procedure.follow_ups.get(timepoint="6w")  # window day 35 to 56
    client = client_for(patient_user)
    page = client.get(url(closed)).content.decode()
    assert "Send my check-in" not in page
    assert f"closed on {date_format(closed.window_closes)}" in page
    for data in (answers(), {"nrs_back": "4", "save_draft": ""}):
        assert client.post(url(closed), data).status_code == 200
    closed.refresh_from_db()
    assert (closed.completed_at, closed.assessed_on, closed.checkin_draft) == (None, None, {})
    form = checkin_form.CheckinForm(answers(), follow_up=closed)
    assert form.is_valid()
    with pytest.raises(ValidationError, match="closed on"):
        checkins.submit_checkin(follow_up=closed, form=form, by=patient_user)
    assert FollowUp.objects.get(pk=closed.pk).completed_at is None


def test_a_checkin_answered_on_the_last_day_of_its_window_counts(
    client_for, patient_user, specialist
):
    procedure = schedule_for(patient_user.patient, specialist, days_ago=56)
    last_day = procedure.follow_ups.get(timepoint="6w")
    assert last_day.window_closes == timezone.localdate()
    response = client_for(patient_user).post(url(last_day), answers(daily_activities="not_yet"))
    assert response.status_code == 302
    last_day.refresh_from_db()
    assert last_day.in_window and last_day.out_of_window_reason == ""
