"""The rules: the database and the forms refuse impossible values; nothing half-written."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import AdverseEvent, CandidacyDecision, Consult, FollowUp, Procedure
from clinic.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db


def refused_by_database(obj):
    """Save without model validation: the database itself must refuse."""
    with pytest.raises(IntegrityError), transaction.atomic():
        obj.save()


@pytest.mark.parametrize(
    ("field", "value"),
    [("nrs_back", 11), ("nrs_leg", 11), ("odi_score", 101), ("bmi", 5), ("asa_class", 7)],
)
def test_database_refuses_out_of_range_consult_values(field, value):
    consult = factories.ConsultFactory.build(
        patient=factories.PatientFactory(), specialist=factories.UserFactory()
    )
    consult.recorded_by = consult.specialist
    setattr(consult, field, value)
    refused_by_database(consult)


def test_database_refuses_an_mrc_grade_above_five():
    consult = factories.ConsultFactory.build(
        patient=factories.PatientFactory(), specialist=factories.UserFactory()
    )
    consult.recorded_by = consult.specialist
    consult.weakness, consult.mrc_grade = True, 6
    refused_by_database(consult)


def test_database_refuses_weakness_without_an_mrc_grade():
    consult = factories.ConsultFactory.build(
        patient=factories.PatientFactory(), specialist=factories.UserFactory()
    )
    consult.recorded_by = consult.specialist
    consult.weakness = True
    refused_by_database(consult)


def test_database_refuses_discharge_before_admission(records):
    procedure = records["procedure"]
    procedure.discharged_at = procedure.admitted_at - datetime.timedelta(hours=1)
    refused_by_database(procedure)


def test_database_refuses_a_procedure_without_a_decision(specialist):
    procedure = factories.ProcedureFactory.build(
        decision=None, surgeon=specialist, recorded_by=specialist
    )
    procedure.patient = factories.PatientFactory()
    refused_by_database(procedure)


def test_database_refuses_a_decision_without_rationale():
    decision = factories.CandidacyDecisionFactory.build(consult=factories.ConsultFactory())
    decision.rationale = ""
    refused_by_database(decision)


def test_database_refuses_follow_up_satisfaction_outside_1_to_4(records):
    follow_up = records["followup"]
    follow_up.satisfaction = 5
    refused_by_database(follow_up)


def test_database_refuses_an_unknown_choice(records):
    procedure = records["procedure"]
    procedure.technique = "laser"
    refused_by_database(procedure)


def post_consult(client, patient, data):
    return client.post(reverse("cases:consult_create", args=[patient.pk]), data)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("nrs_back", "11", "less than or equal to 10"),
        ("nrs_leg", "-1", "greater than or equal to 0"),
        ("odi_score", "120", "less than or equal to 100"),
        ("consult_date", "2999-01-01", "cannot be in the future"),
        ("mri_date", "2999-01-01", "cannot be in the future"),
    ],
)
def test_consult_form_refuses_impossible_values_and_saves_nothing(
    client_for, specialist, patient, consult_data, field, value, message
):
    consult_data[field] = value
    response = post_consult(client_for(specialist), patient, consult_data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Consult.objects.exists()
    assert not AuditEvent.objects.filter(action="create").exists()


def test_consult_form_refuses_an_mrc_grade_outside_0_to_5(
    client_for, specialist, patient, consult_data
):
    consult_data.update(weakness="on", mrc_grade="6")
    response = post_consult(client_for(specialist), patient, consult_data)
    assert "less than or equal to 5" in response.content.decode()
    assert not Consult.objects.exists()


def test_consult_form_asks_for_the_mrc_grade_when_there_is_weakness(
    client_for, specialist, patient, consult_data
):
    consult_data["weakness"] = "on"
    response = post_consult(client_for(specialist), patient, consult_data)
    assert "Give the MRC grade" in response.content.decode()
    assert not Consult.objects.exists()


def test_consult_form_refuses_an_mri_after_the_consult(
    client_for, specialist, patient, consult_data
):
    consult_data["consult_date"] = (timezone.localdate() - datetime.timedelta(days=3)).isoformat()
    consult_data["mri_date"] = timezone.localdate().isoformat()
    response = post_consult(client_for(specialist), patient, consult_data)
    assert "The MRI cannot be after the consult." in response.content.decode()


def test_procedure_form_refuses_discharge_before_admission(
    client_for, specialist, records, procedure_data
):
    decision = factories.CandidacyDecisionFactory(consult=records["consult"])
    today = timezone.localdate()
    procedure_data.update(
        surgeon=specialist.pk,
        admitted_at=f"{today}T00:30",
        discharged_at=f"{today - datetime.timedelta(days=1)}T10:00",
    )
    before = Procedure.objects.count()
    response = client_for(specialist).post(
        reverse("cases:procedure_create", args=[decision.pk]), procedure_data
    )
    assert response.status_code == 200
    assert "Discharge cannot be before admission." in response.content.decode()
    assert Procedure.objects.count() == before


def test_procedure_needs_a_decision_for_surgery(client_for, specialist, procedure_data):
    decision = factories.CandidacyDecisionFactory(outcome="conservative")
    url = reverse("cases:procedure_create", args=[decision.pk])
    procedure_data["surgeon"] = specialist.pk
    assert client_for(specialist).post(url, procedure_data).status_code == 404
    procedure = factories.ProcedureFactory.build(decision=decision, surgeon=specialist)
    with pytest.raises(ValidationError, match="decision for surgery"):
        procedure.full_clean()
    assert not Procedure.objects.exists()


def test_procedure_form_refuses_a_future_date(client_for, specialist, records, procedure_data):
    decision = factories.CandidacyDecisionFactory(consult=records["consult"])
    procedure_data.update(surgeon=specialist.pk, procedure_date="2999-01-01")
    response = client_for(specialist).post(
        reverse("cases:procedure_create", args=[decision.pk]), procedure_data
    )
    assert "cannot be in the future" in response.content.decode()
    assert Procedure.objects.filter(decision=decision).count() == 0
    assert FollowUp.objects.filter(procedure__decision=decision).count() == 0


def test_follow_up_form_refuses_nrs_outside_0_to_10_and_keeps_the_follow_up_pending(
    client_for, specialist, records
):
    follow_up = records["followup"]
    response = client_for(specialist).post(
        reverse("cases:followup_form", args=[follow_up.pk]),
        {"version": follow_up.version, "assessed_on": timezone.localdate(), "nrs_back": "3",
         "nrs_leg": "12"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "less than or equal to 10" in response.content.decode()
    follow_up.refresh_from_db()
    assert follow_up.completed_at is None and follow_up.nrs_leg is None


def test_adverse_event_cannot_start_before_the_procedure(client_for, specialist, records):
    procedure = records["procedure"]
    response = client_for(specialist).post(
        reverse("cases:adverseevent_create", args=[procedure.pk]),
        {
            "event_type": "haematoma",
            "onset_date": procedure.procedure_date - datetime.timedelta(days=1),
            "clavien_dindo_grade": "I",
        },
    )
    assert "cannot start before the procedure" in response.content.decode()
    assert AdverseEvent.objects.count() == 1


def test_decision_requires_a_rationale(client_for, specialist, records, decision_data):
    decision_data["rationale"] = "   "
    response = client_for(specialist).post(
        reverse("cases:decision_create", args=[records["consult"].pk]), decision_data
    )
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert CandidacyDecision.objects.count() == 1


def test_red_flags_make_an_elective_decision_ask_for_acknowledgment(
    client_for, specialist, decision_data
):
    consult = factories.ConsultFactory(red_flag_bladder_bowel=True)
    url = reverse("cases:decision_create", args=[consult.pk])
    client = client_for(specialist)
    response = client.post(url, decision_data)
    assert "Confirm you considered them" in response.content.decode()
    assert not CandidacyDecision.objects.exists()
    response = client.post(url, {**decision_data, "red_flags_acknowledged": "on"})
    assert response.status_code == 302
    assert CandidacyDecision.objects.get().red_flags_acknowledged


def test_red_flags_do_not_block_a_referral(client_for, specialist, decision_data):
    consult = factories.ConsultFactory(red_flag_saddle_anaesthesia=True)
    response = client_for(specialist).post(
        reverse("cases:decision_create", args=[consult.pk]), {**decision_data, "outcome": "refer"}
    )
    assert response.status_code == 302


def test_decisions_are_append_only():
    decision = factories.CandidacyDecisionFactory()
    decision.outcome = "open"
    with pytest.raises(ValidationError, match="record an amendment"):
        decision.save()


def test_amending_a_decision_keeps_the_old_one_visible_and_linked(
    client_for, specialist, records, decision_data
):
    old = records["decision"]
    client = client_for(specialist)
    response = client.post(
        reverse("cases:decision_amend", args=[old.pk]),
        {**decision_data, "outcome": "open", "rationale": "Migration on review: open approach."},
    )
    assert response.status_code == 302
    new = CandidacyDecision.objects.get(supersedes=old)
    old.refresh_from_db()
    assert old.superseded_by == new
    assert not old.is_current and new.is_current
    page = client.get(records["patient"].get_absolute_url()).content.decode()
    assert "Superseded" in page and "Current" in page


def test_a_superseded_decision_cannot_be_amended_again(specialist, records):
    old = records["decision"]
    old.supersede(by=specialist, outcome="open", rationale="r", severity_assessment="neutral",
                  health_assessment="neutral", symptoms_assessment="neutral")  # fmt: skip
    with pytest.raises(ValidationError, match="already been amended"):
        old.supersede(by=specialist, outcome="refer", rationale="r",
                      severity_assessment="neutral", health_assessment="neutral",
                      symptoms_assessment="neutral")  # fmt: skip
    assert CandidacyDecision.objects.count() == 2


def test_patient_registration_warns_about_a_possible_duplicate(client_for, specialist, patient):
    data = {
        "mrn": "NEW-1",
        "given_name": patient.given_name.upper(),
        "family_name": patient.family_name,
        "date_of_birth": patient.date_of_birth.isoformat(),
        "sex": "female",
        "preferred_language": "en",
    }
    client = client_for(specialist)
    confirm = 'type="checkbox" name="confirm_not_duplicate"'
    assert confirm not in client.get(reverse("cases:patient_create")).content.decode()
    response = client.post(reverse("cases:patient_create"), data)
    assert response.status_code == 200
    assert "Possible duplicate" in response.content.decode()
    assert confirm in response.content.decode()  # asked only now
    assert not type(patient).objects.filter(mrn="NEW-1").exists()
    response = client.post(reverse("cases:patient_create"), {**data, "confirm_not_duplicate": "on"})
    assert response.status_code == 302
    assert type(patient).objects.filter(mrn="NEW-1").exists()


def test_patient_registration_refuses_a_taken_mrn(client_for, specialist, patient):
    response = client_for(specialist).post(
        reverse("cases:patient_create"),
        {"mrn": patient.mrn, "given_name": "X", "family_name": "Y", "date_of_birth": "1990-01-01",
         "sex": "male", "preferred_language": "en"},
    )  # fmt: skip
    assert "already exists" in response.content.decode()


def test_services_refuse_invalid_records_without_writing(specialist):
    consult = factories.ConsultFactory.build(patient=factories.PatientFactory(), nrs_leg=14)
    with pytest.raises(ValidationError):
        services.record_consult(consult=consult, by=specialist)
    assert not Consult.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_new_decision_replaces_the_patients_current_one(client_for, specialist, decision_data):
    first = factories.CandidacyDecisionFactory(outcome="workup")
    later_consult = factories.ConsultFactory(patient=first.patient, specialist=specialist)
    client = client_for(specialist)
    url = reverse("cases:decision_create", args=[later_consult.pk])
    assert "This decision replaces the current one" in client.get(url).content.decode()
    assert client.post(url, decision_data).status_code == 302
    current = CandidacyDecision.objects.current().filter(patient=first.patient)
    assert [d.outcome for d in current] == ["miss"]
    assert current.get().supersedes == first
    assert CandidacyDecision.objects.filter(patient=first.patient).count() == 2


def test_amending_a_decision_whose_consult_was_entered_in_error_shows_why_it_is_refused(
    client_for, specialist, records, decision_data
):
    services.mark_entered_in_error(record=records["consult"], by=specialist, reason="Wrong patient")
    response = client_for(specialist).post(
        reverse("cases:decision_amend", args=[records["decision"].pk]), decision_data
    )
    assert response.status_code == 200
    assert "That consult was entered in error." in response.content.decode()
    assert CandidacyDecision.objects.count() == 1


def test_editing_a_procedure_whose_decision_was_entered_in_error_is_refused_with_a_message(
    client_for, specialist, records, procedure_data
):
    services.mark_entered_in_error(record=records["decision"], by=specialist, reason="Duplicate")
    procedure = records["procedure"]
    procedure_data.update(
        version=procedure.version,
        surgeon=specialist.pk,
        procedure_date=procedure.procedure_date.isoformat(),
        admitted_at=timezone.localtime(procedure.admitted_at).strftime("%Y-%m-%dT%H:%M"),
    )
    response = client_for(specialist).post(
        reverse("cases:procedure_edit", args=[procedure.pk]), procedure_data
    )
    assert response.status_code == 200
    assert "A procedure needs a decision for surgery." in response.content.decode()
    assert Procedure.objects.get(pk=procedure.pk).version == procedure.version


# --- one procedure per decision ------------------------------------------------------------------


def test_a_decision_takes_one_procedure_and_a_second_is_refused_with_a_message(specialist, records):
    decision = records["decision"]
    second = factories.ProcedureFactory.build(decision=decision, surgeon=specialist)
    before = Procedure.objects.count(), FollowUp.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationError, match="A reoperation is recorded under a new decision"):
        services.record_procedure(procedure=second, by=specialist)
    assert (Procedure.objects.count(), FollowUp.objects.count(), AuditEvent.objects.count()) == (
        before
    )


def test_database_refuses_a_second_procedure_for_a_decision(specialist, records):
    second = factories.ProcedureFactory.build(
        decision=records["decision"], surgeon=specialist, recorded_by=specialist
    )
    refused_by_database(second)


def test_a_procedure_entered_in_error_leaves_its_decision_free_for_the_right_one(
    specialist, records
):
    decision = records["decision"]
    services.mark_entered_in_error(record=records["procedure"], by=specialist, reason="Wrong day")
    assert decision.takes_a_procedure()
    again = services.record_procedure(
        procedure=factories.ProcedureFactory.build(decision=decision, surgeon=specialist),
        by=specialist,
    )
    assert list(Procedure.objects.valid().filter(decision=decision)) == [again]
    assert FollowUp.objects.pending().filter(procedure=again).count() == 5


def test_a_second_procedure_posted_for_a_decision_is_sent_to_the_first_and_writes_nothing(
    client_for, specialist, records, procedure_data
):
    first = records["procedure"]
    url = reverse("cases:procedure_create", args=[records["decision"].pk])
    procedure_data["surgeon"] = specialist.pk
    client = client_for(specialist)
    before = Procedure.objects.count(), FollowUp.objects.count()
    for response in (client.get(url), client.post(url, procedure_data)):
        assert response.status_code == 302 and response["Location"] == first.get_absolute_url()
    assert (Procedure.objects.count(), FollowUp.objects.count()) == before
    page = client.get(first.get_absolute_url()).content.decode()
    assert "This decision already has its procedure." in page
