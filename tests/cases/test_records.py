"""Entered in error, never deleted; optimistic locking; history; audit."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import reverse

from cases import services
from cases.models import Consult, FollowUp, Procedure
from clinic.models import AuditEvent, StaleRecordError
from tests import factories

pytestmark = pytest.mark.django_db


def test_clinical_records_cannot_be_deleted(records):
    for key in ("consult", "decision", "procedure", "adverseevent", "followup"):
        record = records[key]
        with pytest.raises(ValidationError):
            record.delete()
        with pytest.raises(ValidationError):
            type(record).objects.filter(pk=record.pk).delete()
        assert type(record).objects.filter(pk=record.pk).exists()


def test_clinical_records_are_not_changed_in_bulk(records):
    with pytest.raises(ValidationError):
        Consult.objects.filter(pk=records["consult"].pk).update(nrs_leg=0)
    assert Consult.objects.get(pk=records["consult"].pk).nrs_leg == 7


def test_foreign_keys_protect_clinical_records(records):
    from django.db.models import ProtectedError

    specialist = records["consult"].specialist
    with pytest.raises(ProtectedError):
        specialist.delete()
    assert Consult.objects.filter(specialist=specialist).exists()


def test_marking_entered_in_error_needs_a_reason_and_drops_the_record_from_figures(
    client_for, specialist, records
):
    consult = records["consult"]
    url = reverse("cases:entered_in_error", args=["consult", consult.pk])
    client = client_for(specialist)
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert not Consult.objects.get(pk=consult.pk).entered_in_error
    response = client.post(url, {"reason": "Recorded on the wrong patient"})
    assert response.status_code == 302
    consult.refresh_from_db()
    assert consult.entered_in_error
    assert consult.entered_in_error_by == specialist
    assert consult.entered_in_error_reason == "Recorded on the wrong patient"
    assert not Consult.objects.valid().filter(pk=consult.pk).exists()
    assert Consult.objects.filter(pk=consult.pk).exists()
    page = client.get(records["patient"].get_absolute_url()).content.decode()
    assert "Entered in error" in page and "Recorded on the wrong patient" in page
    assert AuditEvent.objects.filter(
        action="update", object_id=str(consult.pk), detail__contains="entered in error"
    ).exists()


def test_a_procedure_entered_in_error_takes_its_pending_follow_ups_with_it(specialist, records):
    services.mark_entered_in_error(record=records["procedure"], by=specialist, reason="Duplicate")
    assert not FollowUp.objects.pending().filter(procedure=records["procedure"]).exists()
    assert not Procedure.objects.valid().exists()


def test_the_second_of_two_concurrent_edits_is_refused_and_nothing_is_overwritten(
    client_for, specialist, other_specialist, records, consult_data
):
    consult = records["consult"]
    url = reverse("cases:consult_edit", args=[consult.pk])
    first, second = client_for(specialist), None
    version = consult.version
    # The consult keeps its dates (it cannot move after the decision taken on it).
    consult_data["consult_date"] = consult.consult_date.isoformat()
    consult_data["mri_date"] = consult.mri_date.isoformat()
    response = first.post(url, {**consult_data, "version": version, "nrs_leg": "5"})
    assert response.status_code == 302
    second = client_for(other_specialist)
    response = second.post(url, {**consult_data, "version": version, "nrs_leg": "9"})
    assert response.status_code == 200
    assert "Someone else changed this record" in response.content.decode()
    consult.refresh_from_db()
    assert consult.nrs_leg == 5
    assert consult.version == version + 1
    assert consult.history.count() == 2


def test_a_stale_follow_up_save_is_refused(specialist, records):
    stale = FollowUp.objects.get(pk=records["followup"].pk)
    fresh = FollowUp.objects.get(pk=records["followup"].pk)
    fresh.nrs_back, fresh.nrs_leg, fresh.assessed_on = 1, 1, fresh.window_opens
    services.complete_follow_up(follow_up=fresh, expected_version=fresh.version, by=specialist)
    stale.nrs_back, stale.nrs_leg, stale.assessed_on = 9, 9, stale.window_opens
    with pytest.raises(StaleRecordError):
        services.complete_follow_up(follow_up=stale, expected_version=stale.version, by=specialist)
    assert FollowUp.objects.get(pk=stale.pk).nrs_leg == 1


@pytest.mark.django_db(transaction=True)
def test_a_save_waiting_on_a_locked_row_sees_the_new_version_and_is_refused(specialist):
    """Real concurrency: one transaction holds the row (SELECT … FOR UPDATE on PostgreSQL, the
    write lock on SQLite) while another tries to save the same version; the second must wait,
    then refuse."""
    consult = factories.ConsultFactory(specialist=specialist)
    version = consult.version
    locked, results = threading.Event(), {}

    def first_editor():
        try:
            with transaction.atomic():
                row = Consult.objects.select_for_update().get(pk=consult.pk)
                if connection.vendor == "sqlite":
                    row.save()  # takes SQLite's write lock
                locked.set()
                threading.Event().wait(0.5)
                row.nrs_leg = 2
                row.save_if_current(expected_version=version)
        finally:
            connection.close()

    def second_editor():
        locked.wait(5)
        try:
            row = Consult(**_fields(consult))  # the copy this editor loaded before the lock
            row.nrs_leg = 9
            row.save_if_current(expected_version=version)
            results["second"] = "saved"
        except StaleRecordError:
            results["second"] = "refused"
        finally:
            connection.close()

    threads = [threading.Thread(target=first_editor), threading.Thread(target=second_editor)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert results == {"second": "refused"}
    consult.refresh_from_db()
    assert consult.nrs_leg == 2
    assert consult.version == version + 1


def _fields(obj):
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_every_change_is_kept_in_history(specialist, records):
    consult = records["consult"]
    consult.nrs_back = 1
    services.update_record(record=consult, expected_version=consult.version, by=specialist)
    services.mark_entered_in_error(record=consult, by=specialist, reason="Wrong patient")
    assert [h.history_type for h in consult.history.order_by("history_date")] == ["+", "~", "~"]
    assert consult.history.earliest().nrs_back == 3


def test_viewing_creating_and_changing_a_record_is_audited(
    client_for, specialist, patient, consult_data
):
    client = client_for(specialist)
    client.get(patient.get_absolute_url())
    client.post(reverse("cases:consult_create", args=[patient.pk]), consult_data)
    consult = Consult.objects.get()
    client.get(reverse("cases:consult_detail", args=[consult.pk]))
    client.post(reverse("cases:consult_edit", args=[consult.pk]), {**consult_data, "version": 1})
    actions = list(
        AuditEvent.objects.filter(patient=patient)
        .order_by("at", "id")
        .values_list("action", "object_type")
    )
    assert actions == [
        ("view", "clinic.patient"),
        ("create", "cases.consult"),
        ("view", "cases.consult"),
        ("update", "cases.consult"),
    ]
    # No health values in the audit trail.
    details = " ".join(AuditEvent.objects.values_list("detail", flat=True))
    assert "extrusion" not in details and "L4-L5" not in details


def test_two_specialists_amending_the_same_decision_the_second_is_refused(
    client_for, specialist, other_specialist, records, decision_data
):
    decision = records["decision"]
    url = reverse("cases:decision_amend", args=[decision.pk])
    first = client_for(specialist)
    assert first.post(url, {**decision_data, "outcome": "open"}).status_code == 302
    second = client_for(other_specialist)
    response = second.post(url, {**decision_data, "outcome": "refer"})
    assert response.status_code == 200
    assert "already been amended" in response.content.decode()
    assert list(type(decision).objects.order_by("id").values_list("outcome", flat=True)) == [
        "miss",
        "open",
    ]


def test_opening_an_edit_form_is_audited_as_a_view(client_for, specialist, records):
    client_for(specialist).get(reverse("cases:procedure_edit", args=[records["procedure"].pk]))
    assert AuditEvent.objects.filter(
        action="view", object_type="cases.procedure", patient=records["patient"]
    ).exists()


def _empty_post_events(client, url, patient):
    """An empty POST (as the penetration test sent): the form comes back, with the patient's
    name and MRN; the audit events it wrote."""
    last = AuditEvent.objects.order_by("pk").values_list("pk", flat=True).last() or 0
    response = client.post(url)
    assert response.status_code == 200
    assert "form" in response.context
    assert patient.mrn in response.content.decode()
    events = AuditEvent.objects.filter(pk__gt=last)
    return list(events.values_list("action", "object_type", "patient", "detail"))


def test_a_decision_form_posted_back_with_errors_is_audited_as_a_view(
    client_for, specialist, records
):
    consult, patient = records["consult"], records["patient"]
    url = reverse("cases:decision_create", args=[consult.pk])
    events = _empty_post_events(client_for(specialist), url, patient)
    assert events == [("view", "cases.consult", patient.pk, "decision form")]
    assert consult.decisions.count() == 1  # nothing written


def test_a_procedure_form_posted_back_with_errors_is_audited_as_a_view(
    client_for, specialist, records
):
    patient = records["patient"]
    reoperation = services.record_decision(
        decision=factories.CandidacyDecisionFactory.build(consult=records["consult"]),
        by=specialist,
    )
    url = reverse("cases:procedure_create", args=[reoperation.pk])
    events = _empty_post_events(client_for(specialist), url, patient)
    assert events == [("view", "cases.candidacydecision", patient.pk, "new procedure form")]
    assert not reoperation.procedures.exists()  # nothing written


def test_a_decision_saved_is_audited_once_as_its_creation(
    client_for, specialist, records, decision_data
):
    consult = records["consult"]
    last = AuditEvent.objects.order_by("pk").last().pk
    response = client_for(specialist).post(
        reverse("cases:decision_create", args=[consult.pk]), decision_data
    )
    assert response.status_code == 302
    events = AuditEvent.objects.filter(pk__gt=last, patient=records["patient"])
    assert list(events.values_list("action", "object_type")) == [
        ("create", "cases.candidacydecision")
    ]
