import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from clinic.audit import record_event, request_context
from clinic.models import AuditEvent, Patient
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


def test_role_helpers_follow_groups(patient_user, specialist, editor, superuser):
    assert patient_user.is_patient and not patient_user.is_clinician
    assert specialist.is_specialist and specialist.is_clinician and not specialist.is_editor
    assert editor.is_editor and not editor.is_clinician
    assert superuser.is_clinician and not superuser.is_specialist


def test_mrn_is_unique():
    PatientFactory(mrn="A-1")
    with pytest.raises(IntegrityError):
        PatientFactory(mrn="A-1")


def test_patient_is_never_deleted():
    patient = PatientFactory()
    with pytest.raises(ValidationError):
        patient.delete()
    with pytest.raises(ValidationError):
        Patient.objects.all().delete()
    assert Patient.objects.filter(pk=patient.pk).exists()


def test_patient_changes_are_kept_in_history():
    patient = PatientFactory(family_name="Before")
    patient.family_name = "After"
    patient.save()
    assert [h.family_name for h in patient.history.all()] == ["After", "Before"]


def test_patients_see_only_their_own_record(patient_user, other_patient_user, specialist, editor):
    visible = Patient.objects.visible_to(patient_user)
    assert list(visible) == [patient_user.patient]
    assert Patient.objects.visible_to(specialist).count() == 2
    assert Patient.objects.visible_to(editor).count() == 0


def test_record_event_fills_the_patient_from_the_object(rf, specialist):
    patient = PatientFactory()
    with request_context(rf.get("/", REMOTE_ADDR="10.1.2.3")):
        event = record_event(AuditEvent.Action.VIEW, user=specialist, obj=patient)
    assert event.user == specialist
    assert event.patient == patient
    assert event.object_type == "clinic.patient"
    assert event.object_id == str(patient.pk)
    assert event.ip_address == "10.1.2.3"


def test_an_audit_entry_written_outside_a_request_has_no_address(client, specialist):
    """A management command or a background task: the last request's address does not linger."""
    client.get("/", REMOTE_ADDR="10.9.8.7")
    event = record_event(AuditEvent.Action.VIEW, user=specialist)
    assert event.ip_address is None


def test_audit_events_cannot_be_changed_or_deleted(specialist):
    event = record_event(AuditEvent.Action.VIEW, user=specialist)
    event.detail = "tampered"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    with pytest.raises(ValidationError):
        AuditEvent.objects.update(detail="tampered")
    with pytest.raises(ValidationError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).detail == ""


def test_database_refuses_to_change_audit_rows_on_postgresql(specialist):
    from django.db import DatabaseError, connection, transaction

    event = record_event(AuditEvent.Action.VIEW, user=specialist)
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's (SQLite runs it in CI's other leg)")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE clinic_auditevent SET detail = 'x' WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM clinic_auditevent WHERE id = %s", [event.pk])
