"""The shared admin writes the audit trail like the portal, and keeps accounts and history."""

import pytest
from django.urls import reverse

from clinic.models import AuditEvent, Patient
from tests import factories

pytestmark = pytest.mark.django_db


def patient_form(patient, **changes):
    return {
        "mrn": patient.mrn,
        "given_name": patient.given_name,
        "family_name": patient.family_name,
        "date_of_birth": patient.date_of_birth.isoformat(),
        "sex": patient.sex,
        "preferred_language": patient.preferred_language,
        "email": patient.email,
        "phone": patient.phone,
        "user": "",
        "primary_specialist": "",
        "seen_version": patient.version,
        **changes,
    }


def events_about(patient):
    return list(
        AuditEvent.objects.filter(patient=patient).order_by("pk").values_list("action", "detail")
    )


def test_opening_and_correcting_a_patient_in_the_admin_is_audited(client_for, specialist):
    patient = factories.PatientFactory()
    url = reverse("admin:clinic_patient_change", args=[patient.pk])
    client = client_for(specialist)
    assert client.get(url).status_code == 200
    assert client.get(reverse("admin:clinic_patient_history", args=[patient.pk])).status_code == 200
    response = client.post(url, patient_form(patient, phone="+44 20 7946 0000"))
    assert response.status_code == 302
    assert Patient.objects.get(pk=patient.pk).phone == "+44 20 7946 0000"
    assert events_about(patient) == [
        ("view", "admin"),
        ("view", "admin history"),
        ("update", "updated in admin"),
    ]
    assert "+44" not in str(events_about(patient))  # the event says what, never the values


def test_registering_a_patient_in_the_admin_is_audited(client_for, specialist):
    form = patient_form(factories.PatientFactory.build(mrn="ADM-1"))
    response = client_for(specialist).post(reverse("admin:clinic_patient_add"), form)
    assert response.status_code == 302
    patient = Patient.objects.get(mrn="ADM-1")
    assert events_about(patient) == [("create", "created in admin")]


def test_a_patient_cannot_be_reverted_or_deleted_in_the_admin(client_for, superuser):
    patient = factories.PatientFactory(phone="1")
    patient.phone = "2"
    patient.save()
    first = patient.history.earliest("history_date")
    url = reverse("admin:clinic_patient_simple_history", args=[patient.pk, first.history_id])
    client = client_for(superuser)
    assert client.post(url, patient_form(patient, phone="1")).status_code == 403
    delete = reverse("admin:clinic_patient_delete", args=[patient.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Patient.objects.get(pk=patient.pk).phone == "2"


def test_accounts_are_deactivated_not_deleted_and_a_password_set_in_the_admin_is_audited(
    client_for, superuser, specialist
):
    client = client_for(superuser)
    delete = reverse("admin:clinic_user_delete", args=[specialist.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    url = reverse("admin:auth_user_password_change", args=[specialist.pk])
    password = "a-new-long-passphrase-2026"
    response = client.post(url, {"password1": password, "password2": password})
    assert response.status_code == 302
    specialist.refresh_from_db()
    assert specialist.check_password(password)
    event = AuditEvent.objects.get(object_type="clinic.user", object_id=str(specialist.pk))
    assert (event.action, event.user) == ("update", superuser)
    assert event.detail == "password set in admin"
    assert password not in event.detail
