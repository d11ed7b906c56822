"""The shared admin writes the audit trail like the portal, and keeps accounts and history."""

import base64

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic import roles, two_factor
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


def test_a_patients_primary_specialist_and_login_are_people_of_the_right_role(
    client_for, specialist, editor, patient_user
):
    patient = factories.PatientFactory(primary_specialist=specialist)
    former = factories.UserFactory(is_active=False)
    former.groups.add(Group.objects.get(name=roles.SPECIALISTS))
    url = reverse("admin:clinic_patient_change", args=[patient.pk])
    client = client_for(specialist)
    page = client.get(url)
    assert set(page.context["adminform"].form.fields["primary_specialist"].queryset) == {specialist}
    for choice in (editor, patient_user, former):
        response = client.post(url, patient_form(patient, primary_specialist=choice.pk))
        assert "primary_specialist" in response.context["adminform"].form.errors
    response = client.post(url, patient_form(patient, user=editor.pk))  # a staff login
    assert "user" in response.context["adminform"].form.errors
    stored = Patient.objects.get(pk=patient.pk)
    assert (stored.primary_specialist, stored.user, stored.version) == (specialist, None, 1)


# --- second factors: the secret is shown once, at enrolment, to its owner ------------------------


@pytest.fixture
def enrolled(specialist):
    """The specialist's confirmed authenticator and recovery codes."""
    device = TOTPDevice.objects.create(user=specialist, name="Authenticator app", confirmed=True)
    codes = two_factor.new_recovery_codes(specialist)
    return {"totp": device, "static": StaticDevice.objects.get(user=specialist), "codes": codes}


def secrets_of(enrolled):
    device = enrolled["totp"]
    return [
        device.key,
        base64.b32encode(device.bin_key).decode(),
        device.config_url,
        "otpauth",
        *enrolled["codes"],
    ]


def test_no_admin_page_shows_a_second_factors_key_qr_code_or_recovery_codes(
    client_for, superuser, enrolled
):
    client = client_for(superuser)
    pages = [reverse("admin:index"), reverse("admin:app_list", args=["otp_totp"])]
    for device in (enrolled["totp"], enrolled["static"]):
        opts = device._meta
        prefix = f"admin:{opts.app_label}_{opts.model_name}"
        pages += [
            reverse(f"{prefix}_changelist"),
            reverse(f"{prefix}_change", args=[device.pk]),
            reverse(f"{prefix}_history", args=[device.pk]),
            reverse(f"{prefix}_delete", args=[device.pk]),
        ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        for secret in secrets_of(enrolled):
            assert secret not in html, (url, secret)
        assert "qrcode" not in html.lower() and "data:image/svg+xml" not in html, url
    device = enrolled["totp"]
    for page in ("config", "qrcode"):
        response = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/{page}/")
        assert response.status_code in (302, 404), page  # (302: the admin's "not found")
        assert device.key not in response.content.decode()
    assert client.get(reverse("admin:otp_totp_totpdevice_add")).status_code == 403
    assert client.get(reverse("admin:otp_static_staticdevice_add")).status_code == 403


def test_the_device_list_cannot_be_filtered_by_the_key(client_for, superuser, enrolled):
    url = reverse("admin:otp_totp_totpdevice_changelist")
    key = enrolled["totp"].key
    response = client_for(superuser).get(url, {"key__startswith": key[:2]})
    assert response.status_code == 400
    response = client_for(superuser).get(
        reverse("admin:otp_static_staticdevice_changelist"),
        {"token_set__token__startswith": enrolled["codes"][0][:2]},
    )
    assert response.status_code == 400
    assert client_for(superuser).get(url, {"confirmed__exact": "1"}).status_code == 200


def test_a_throttled_device_is_cleared_in_the_admin_and_nothing_else_changes(
    client_for, superuser, enrolled
):
    device = enrolled["totp"]
    device.throttling_failure_count = 5
    device.save()
    url = reverse("admin:otp_totp_totpdevice_change", args=[device.pk])
    form = {
        "user": "",
        "name": "Renamed",
        "confirmed": "",
        "throttling_failure_count": "0",
        "throttling_failure_timestamp_0": "",
        "throttling_failure_timestamp_1": "",
        "key": "00" * 20,
        "digits": "8",
    }
    assert client_for(superuser).post(url, form).status_code == 302
    stored = TOTPDevice.objects.get(pk=device.pk)
    assert stored.throttling_failure_count == 0
    assert (stored.user, stored.name, stored.confirmed) == (device.user, device.name, True)
    assert (stored.key, stored.digits) == (device.key, device.digits)


def test_the_portal_never_shows_the_secret_again_after_enrolment(
    client_for, specialist, enrolled, settings
):
    settings.REQUIRE_2FA = True
    client = client_for(specialist)
    response = client.get(reverse("two_factor_setup"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_verify"))
    client.post(reverse("two_factor_verify"), {"token": enrolled["codes"][0]})
    response = client.get(reverse("two_factor_setup"), follow=True)
    html = response.content.decode()
    for secret in secrets_of(enrolled):
        assert secret not in html
    assert "data:image/svg+xml" not in html
