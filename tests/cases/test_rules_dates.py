"""The rules on dates: follow-ups assessed inside their window, plausible dates and numbers, and
past cases entered in order (the other rules are in test_rules.py)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from cases import services
from cases.forms import ConsultForm, ProcedureForm
from cases.models import CandidacyDecision, Consult, FollowUp, Procedure
from clinic.models import Patient
from tests import factories
from tests.cases.edit_examples import as_posted
from tests.cases.test_rules import post_consult, refused_by_database

pytestmark = pytest.mark.django_db


# --- follow-ups are assessed inside their window -------------------------------------------------


def post_follow_up(client, follow_up, **data):
    form = {"version": follow_up.version, "nrs_back": "3", "nrs_leg": "2", **data}
    return client.post(reverse("cases:followup_form", args=[follow_up.pk]), form)


def test_an_assessment_outside_its_window_is_refused_without_a_reason_naming_the_window(
    client_for, specialist, records
):
    """The issue's case: a 2-week follow-up (window day 10 to 21) assessed on the day of surgery."""
    follow_up = records["followup"]
    day = records["procedure"].procedure_date
    response = post_follow_up(client_for(specialist), follow_up, assessed_on=day.isoformat())
    assert response.status_code == 200
    opens, closes = (day + datetime.timedelta(days=n) for n in (10, 21))
    error = response.context["form"].errors["assessed_on"][0]
    assert f"runs from {date_format(opens)} to {date_format(closes)}" in error
    stored = FollowUp.objects.get(pk=follow_up.pk)
    assert (stored.completed_at, stored.assessed_on, stored.version) == (None, None, 1)


def test_an_assessment_outside_its_window_is_kept_with_its_reason_and_left_out_of_figures(
    client_for, specialist, records
):
    follow_up = records["followup"]
    late = follow_up.window_closes + datetime.timedelta(days=3)
    response = post_follow_up(
        client_for(specialist),
        follow_up,
        assessed_on=late.isoformat(),
        out_of_window_reason="Patient was abroad",
    )
    assert response.status_code == 302
    stored = FollowUp.objects.get(pk=follow_up.pk)
    assert stored.completed_at and stored.assessed_on == late
    assert stored.out_of_window_reason == "Patient was abroad"
    assert not stored.in_window
    page = client_for(specialist).get(records["patient"].get_absolute_url()).content.decode()
    assert "outside the window" in page and "Patient was abroad" in page


def test_a_reason_is_refused_for_an_assessment_inside_the_window(client_for, specialist, records):
    follow_up = records["followup"]
    response = post_follow_up(
        client_for(specialist),
        follow_up,
        assessed_on=follow_up.due_date.isoformat(),
        out_of_window_reason="Late",
    )
    assert (
        "a reason is given only for an assessment outside the window"
        in (response.context["form"].errors["out_of_window_reason"][0])
    )
    assert FollowUp.objects.get(pk=follow_up.pk).completed_at is None


def test_database_refuses_an_assessment_outside_the_window_without_a_reason(records):
    follow_up = records["followup"]
    follow_up.assessed_on = follow_up.window_opens - datetime.timedelta(days=1)
    refused_by_database(follow_up)
    follow_up.out_of_window_reason = "Seen early: travelling"
    follow_up.save()


def test_assessed_on_defaults_to_today_only_while_the_window_is_open(records):
    from cases.forms import FollowUpForm

    follow_ups = {f.timepoint: f for f in records["procedure"].follow_ups.all()}
    # The procedure was 100 days ago: the 2-week window has closed, the 3-month one is open.
    assert FollowUpForm(instance=follow_ups["2w"])["assessed_on"].value() is None
    assert FollowUpForm(instance=follow_ups["3m"])["assessed_on"].value() == timezone.localdate()
    assert FollowUpForm(instance=follow_ups["12m"])["assessed_on"].value() is None


def test_a_return_date_after_the_assessment_is_refused(client_for, specialist, records):
    follow_up = records["followup"]
    response = post_follow_up(
        client_for(specialist),
        follow_up,
        assessed_on=follow_up.due_date.isoformat(),
        returned_to_work_on=(follow_up.due_date + datetime.timedelta(days=1)).isoformat(),
    )
    assert (
        "cannot be after the assessment"
        in (response.context["form"].errors["returned_to_work_on"][0])
    )


# --- plausible dates and numbers -----------------------------------------------------------------

PATIENT = {"mrn": "NEW-2", "given_name": "Ana", "family_name": "Silva", "sex": "female",
           "preferred_language": "en"}  # fmt: skip


@pytest.mark.parametrize(
    ("born", "message"),
    [
        ("0001-01-01", "Dates before 1 January 1900 are not accepted."),
        ("1899-12-31", "Dates before 1 January 1900 are not accepted."),
        ("2999-01-01", "This date cannot be in the future."),
    ],
)
def test_a_date_of_birth_before_1900_or_in_the_future_is_refused(
    client_for, specialist, born, message
):
    response = client_for(specialist).post(
        reverse("cases:patient_create"), {**PATIENT, "date_of_birth": born}
    )
    assert response.context["form"].errors["date_of_birth"] == [message]
    assert not Patient.objects.filter(mrn="NEW-2").exists()


def test_a_date_of_birth_of_1_january_1900_is_accepted(client_for, specialist):
    response = client_for(specialist).post(
        reverse("cases:patient_create"), {**PATIENT, "date_of_birth": "1900-01-01"}
    )
    assert response.status_code == 302


def test_database_refuses_a_date_of_birth_before_1900():
    refused_by_database(factories.PatientFactory.build(date_of_birth=datetime.date(1899, 12, 31)))


def test_a_corrected_date_of_birth_after_a_consult_is_refused(client_for, specialist, records):
    patient, consult = records["patient"], records["consult"]
    url = reverse("cases:patient_edit", args=[patient.pk])
    born = consult.consult_date + datetime.timedelta(days=1)
    data = {**PATIENT, "mrn": patient.mrn, "version": patient.version, "date_of_birth": born}
    response = client_for(specialist).post(url, data)
    errors = response.context["form"].errors["date_of_birth"]
    assert any("cannot be before the patient's date of birth" in e for e in errors)
    assert Patient.objects.get(pk=patient.pk).date_of_birth == patient.date_of_birth


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"consult_date": "0001-01-01"}, "consult_date", "Dates before 1 January 1900"),
        ({"consult_date": "1899-12-31"}, "consult_date", "Dates before 1 January 1900"),
        ({"consult_date": "2009-12-31", "mri_date": ""}, "consult_date", "date of birth"),
        ({"mri_date": "2009-12-31"}, "mri_date", "date of birth"),
        ({"symptom_duration_weeks": "2000"}, "symptom_duration_weeks", "longer than the patient"),
        ({"conservative_care_weeks": "1999"}, "conservative_care_weeks", "longer than the patient"),
    ],
)
def test_consult_dates_and_durations_outside_the_patients_life_are_refused(
    client_for, specialist, consult_data, changes, field, message
):
    patient = factories.PatientFactory(date_of_birth=datetime.date(2010, 1, 1))
    response = post_consult(client_for(specialist), patient, {**consult_data, **changes})
    assert message in response.context["form"].errors[field][0]
    assert not Consult.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("consult_date", datetime.date(1899, 12, 31)), ("symptom_duration_weeks", 2001),
     ("conservative_care_weeks", 2001)],
)  # fmt: skip
def test_database_refuses_consult_dates_before_1900_and_durations_beyond_2000_weeks(field, value):
    consult = factories.ConsultFactory.build(
        patient=factories.PatientFactory(), specialist=factories.UserFactory(), mri_date=None
    )
    consult.recorded_by = consult.specialist
    setattr(consult, field, value)
    refused_by_database(consult)


def test_a_consult_cannot_move_after_a_decision_taken_on_it(client_for, specialist, records):
    consult, decision = records["consult"], records["decision"]
    later = decision.decided_on + datetime.timedelta(days=1)
    response = client_for(specialist).post(
        reverse("cases:consult_edit", args=[consult.pk]),
        {**model_form_data(consult), "consult_date": later.isoformat()},
    )
    assert "the consult cannot be after it" in response.context["form"].errors["consult_date"][0]
    assert Consult.objects.get(pk=consult.pk).version == consult.version


def model_form_data(record):
    """The record's portal edit form as the browser posts it unchanged."""
    form_class = {Consult: ConsultForm, Procedure: ProcedureForm}[type(record)]
    return as_posted(form_class(instance=record))


@pytest.mark.parametrize(
    ("admitted", "discharged", "field", "message"),
    [
        (-31, None, "admitted_at", "at most 30 days before the procedure"),
        (-30, None, None, None),
        (0, 366, "discharged_at", "at most a year after the procedure"),
        (0, 365, None, None),
    ],
)
def test_admission_is_at_most_30_days_before_and_discharge_a_year_after_the_procedure(
    specialist, admitted, discharged, field, message
):
    day = timezone.localdate() - datetime.timedelta(days=400)
    decision = factories.CandidacyDecisionFactory(
        decided_at=timezone.now() - datetime.timedelta(days=450)
    )
    procedure = factories.ProcedureFactory.build(
        decision=decision,
        surgeon=specialist,
        recorded_by=specialist,
        procedure_date=day,
        admitted_at=at(day + datetime.timedelta(days=admitted), 8),
        discharged_at=discharged and at(day + datetime.timedelta(days=discharged), 11),
    )
    if field is None:
        procedure.full_clean()
        return
    with pytest.raises(ValidationError) as refused:
        procedure.full_clean()
    assert message in refused.value.message_dict[field][0]


def at(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.mark.parametrize("admitted", ["0001-01-01T00:00", "1950-01-01T00:00"])
def test_an_absurd_admission_is_a_form_error_and_every_page_of_the_procedure_still_loads(
    client_for, specialist, records, admitted
):
    """The issue's case: an admission of 0001-01-01 (or 1950) saved, overflowed the length of
    stay, and the procedure's pages answered 500."""
    procedure = records["procedure"]
    client = client_for(specialist)
    response = client.post(
        reverse("cases:procedure_edit", args=[procedure.pk]),
        {**model_form_data(procedure), "admitted_at": admitted},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["admitted_at"]
    stored = Procedure.objects.get(pk=procedure.pk)
    assert (stored.admitted_at, stored.version) == (procedure.admitted_at, procedure.version)
    for url in (
        records["patient"].get_absolute_url(),
        procedure.get_absolute_url(),
        reverse("cases:procedure_edit", args=[procedure.pk]),
        reverse("admin:cases_procedure_changelist"),
    ):
        assert client.get(url).status_code == 200, url
    assert client.post(reverse("cases:export_csv", args=["procedures"])).status_code == 200


@pytest.mark.parametrize("zone", ["Europe/Madrid", "America/Los_Angeles"])
def test_an_admission_at_the_ends_of_the_calendar_is_a_form_error_in_any_time_zone(
    client_for, specialist, records, settings, zone
):
    """0001-01-01 east of UTC (or 9999-12-31 west of it) cannot even be moved into UTC."""
    settings.TIME_ZONE = zone
    procedure = records["procedure"]
    client = client_for(specialist)
    for moment in ("0001-01-01T00:00", "9999-12-31T23:59"):
        response = client.post(
            reverse("cases:procedure_edit", args=[procedure.pk]),
            {**model_form_data(procedure), "admitted_at": moment, "discharged_at": moment},
        )
        assert response.status_code == 200
        assert response.context["form"].errors["admitted_at"]
    assert Procedure.objects.get(pk=procedure.pk).version == procedure.version


def test_database_refuses_a_length_of_stay_beyond_its_range(records):
    """The stay is derived (compute_stay): bounded by the rules on admission and discharge, and
    by the database should a save bypass them."""
    procedure = records["procedure"]
    procedure.admitted_at = at(datetime.date(1950, 1, 1), 8)
    refused_by_database(procedure)


@pytest.mark.parametrize(("days", "refused"), [(5 * 365 + 1, False), (5 * 365 + 2, True)])
def test_an_adverse_event_starts_within_five_years_of_its_procedure(records, days, refused):
    procedure = factories.ProcedureFactory(
        procedure_date=timezone.localdate() - datetime.timedelta(days=6 * 365)
    )
    event = factories.AdverseEventFactory.build(
        procedure=procedure,
        recorded_by=procedure.surgeon,
        onset_date=procedure.procedure_date + datetime.timedelta(days=days),
    )
    if not refused:
        event.full_clean()
        return
    with pytest.raises(ValidationError, match="within five years"):
        event.full_clean()
    refused_by_database(event)


# --- past cases entered in order -----------------------------------------------------------------


def test_a_past_case_can_be_entered_in_order_from_paper(
    client_for, specialist, patient, consult_data, decision_data, procedure_data
):
    """The issue's case: a procedure 18 days ago, after a consult and a decision before it."""
    today = timezone.localdate()

    def day(n):
        return (today - datetime.timedelta(days=n)).isoformat()

    client = client_for(specialist)
    consult_data.update(consult_date=day(40), mri_date=day(45))
    assert post_consult(client, patient, consult_data).status_code == 302
    consult = Consult.objects.get()
    decision_data["decided_on"] = day(30)
    response = client.post(reverse("cases:decision_create", args=[consult.pk]), decision_data)
    assert response.status_code == 302
    decision = CandidacyDecision.objects.get()
    assert decision.decided_on == today - datetime.timedelta(days=30)
    procedure_data.update(
        surgeon=specialist.pk, procedure_date=day(18), admitted_at=f"{day(18)}T07:00",
        discharged_at=f"{day(17)}T10:00",
    )  # fmt: skip
    response = client.post(reverse("cases:procedure_create", args=[decision.pk]), procedure_data)
    assert response.status_code == 302
    procedure = Procedure.objects.get()
    assert procedure.next_day_discharge
    assert procedure.follow_ups.get(timepoint="2w").status() == "due"  # day 18 of 10–21


@pytest.mark.parametrize(
    ("days_ago", "message"),
    [(-1, "cannot be in the future"), (121, "cannot be before its consult"),
     (None, "This field is required.")],
)  # fmt: skip
def test_a_decision_is_not_dated_in_the_future_nor_before_its_consult(
    client_for, specialist, records, decision_data, days_ago, message
):
    day = "" if days_ago is None else timezone.localdate() - datetime.timedelta(days=days_ago)
    decision_data["decided_on"] = str(day)
    response = client_for(specialist).post(
        reverse("cases:decision_create", args=[records["consult"].pk]), decision_data
    )
    assert message in response.context["form"].errors["decided_on"][0]
    assert CandidacyDecision.objects.count() == 1


def test_a_new_decision_is_dated_today_unless_the_specialist_says(client_for, specialist, records):
    for url in (
        reverse("cases:decision_create", args=[records["consult"].pk]),
        reverse("cases:decision_amend", args=[records["decision"].pk]),
    ):
        form = client_for(specialist).get(url).context["form"]
        assert form["decided_on"].value() == timezone.localdate()


def test_an_amendment_cannot_be_dated_before_the_decision_it_amends(
    client_for, specialist, records, decision_data
):
    old = records["decision"]
    decision_data["decided_on"] = (old.decided_on - datetime.timedelta(days=1)).isoformat()
    response = client_for(specialist).post(
        reverse("cases:decision_amend", args=[old.pk]), decision_data
    )
    assert (
        "cannot be dated before the decision it amends"
        in (response.context["form"].errors["decided_on"][0])
    )
    assert CandidacyDecision.objects.count() == 1
    decision_data["decided_on"] = old.decided_on.isoformat()
    response = client_for(specialist).post(
        reverse("cases:decision_amend", args=[old.pk]), decision_data
    )
    assert response.status_code == 302


def test_a_procedure_cannot_be_before_the_day_of_its_decision(specialist, records):
    decision = records["decision"]
    day = decision.decided_on - datetime.timedelta(days=1)
    procedure = factories.ProcedureFactory.build(
        decision=decision, surgeon=specialist, recorded_by=specialist, procedure_date=day,
        admitted_at=at(day, 7), discharged_at=at(day, 17),
    )  # fmt: skip
    with pytest.raises(ValidationError, match="cannot be before the decision") as refused:
        procedure.full_clean()
    assert "procedure_date" in refused.value.message_dict


def test_conservative_care_is_followed_from_the_day_decided_not_the_day_entered(specialist):
    consult = factories.ConsultFactory(specialist=specialist)
    decided = timezone.localdate() - datetime.timedelta(days=50)
    decision = services.record_decision(
        decision=factories.CandidacyDecisionFactory.build(
            consult=consult, outcome="conservative", decided_at=timezone.now(), decided_on=decided
        ),
        by=specialist,
    )
    follow_ups = {f.timepoint: f for f in decision.follow_ups.all()}
    assert {f.anchor_date for f in follow_ups.values()} == {decided}
    assert follow_ups["6w"].status() == "due"  # day 50 of 35–56


def test_the_factories_build_valid_records(records):
    for record in [records["patient"], *(records[k] for k in
                   ("consult", "decision", "procedure", "adverseevent", "followup"))]:  # fmt: skip
        record.full_clean()


def test_a_consult_is_dated_today_unless_the_specialist_says(client_for, specialist, patient):
    form = client_for(specialist).get(reverse("cases:consult_create", args=[patient.pk]))
    assert form.context["form"]["consult_date"].value() == timezone.localdate()


def test_the_migration_dates_each_existing_decision_on_the_day_it_was_entered(specialist):
    """Before decided_on, a decision's day was the day it was entered (decided_at)."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "cases.migrations.0006_backfill_decided_on_and_out_of_window_reasons"
    )
    entered = timezone.now() - datetime.timedelta(days=10)
    decision = factories.CandidacyDecisionFactory(
        decided_at=entered, decided_on=timezone.localdate()
    )
    migration.backfill_decided_on(apps, None)
    decision.refresh_from_db()
    assert decision.decided_on == timezone.localdate(entered)
    assert {h.decided_on for h in decision.history.all()} == {timezone.localdate(entered)}
