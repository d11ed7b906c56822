import csv
import datetime
import io
import time

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.audit import record_event
from clinic.models import AuditEvent
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


def current_code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


# --- two-factor authentication ------------------------------------------------------------


@pytest.fixture
def require_2fa(settings):
    settings.REQUIRE_2FA = True
    # django-otp slows retries down after a wrong code; these tests retry at once.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


@pytest.mark.parametrize("role", ["specialist", "editor", "superuser"])
def test_staff_must_enrol_a_second_factor_before_any_page(client_for, request, role, require_2fa):
    client = client_for(request.getfixturevalue(role))
    for url in ("/", reverse("admin:index")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("two_factor_setup"))


def test_patients_are_not_asked_for_a_second_factor(client_for, patient_user, require_2fa):
    assert client_for(patient_user).get("/").status_code == 200


def test_enrolment_confirms_the_device_and_shows_recovery_codes(
    client_for, specialist, require_2fa
):
    client = client_for(specialist)
    page = client.get(reverse("two_factor_setup"))
    assert page.status_code == 200
    assert b"data:image/svg+xml;base64," in page.content
    device = TOTPDevice.objects.get(user=specialist, confirmed=False)

    wrong = client.post(reverse("two_factor_setup"), {"token": "000000"})
    assert wrong.status_code == 200 and "not right" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed

    done = client.post(reverse("two_factor_setup"), {"token": current_code(device), "next": "/"})
    assert done.status_code == 200
    assert len(done.context["codes"]) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200


def test_an_enrolled_user_verifies_with_a_code_or_a_single_use_recovery_code(
    client, specialist, require_2fa
):
    from clinic import two_factor

    device = TOTPDevice.objects.create(user=specialist, name="phone", confirmed=True)
    codes = two_factor.new_recovery_codes(specialist)

    client.force_login(specialist)
    response = client.get("/")
    assert response["Location"].startswith(reverse("two_factor_verify"))
    assert client.post(reverse("two_factor_verify"), {"token": "12345678"}).status_code == 200
    assert AuditEvent.objects.filter(action="login_failed", user=specialist).exists()

    response = client.post(reverse("two_factor_verify"), {"token": codes[0], "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200

    client.logout()
    client.force_login(specialist)
    reused = client.post(reverse("two_factor_verify"), {"token": codes[0]})
    assert reused.status_code == 200  # a recovery code works once
    fresh = client.post(reverse("two_factor_verify"), {"token": current_code(device)})
    assert fresh.status_code == 302


def test_a_lost_phone_is_reset_by_a_superuser_and_the_user_enrols_again(
    client_for, superuser, specialist, settings
):
    from django_otp import devices_for_user

    from clinic import two_factor

    TOTPDevice.objects.create(user=specialist, name="phone", confirmed=True)
    two_factor.new_recovery_codes(specialist)
    admin = client_for(superuser)  # (the tests' superuser needs no second factor)
    for device in devices_for_user(specialist, confirmed=None):
        opts = device._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[device.pk])
        assert admin.post(url, {"post": "yes"}).status_code == 302
    assert list(devices_for_user(specialist, confirmed=None)) == []
    deleted = AuditEvent.objects.filter(action="delete", user=superuser)
    assert sorted(deleted.values_list("object_type", flat=True)) == [
        "otp_static.staticdevice",
        "otp_totp.totpdevice",
    ]

    settings.REQUIRE_2FA = True
    response = client_for(specialist).get("/")
    assert response["Location"].startswith(reverse("two_factor_setup"))


def test_verify_refuses_to_redirect_off_site(client, specialist, require_2fa):
    from clinic import two_factor

    codes = two_factor.new_recovery_codes(specialist)
    client.force_login(specialist)
    response = client.post(
        reverse("two_factor_verify"), {"token": codes[0], "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("dashboard")


# --- automatic logoff ------------------------------------------------------------------------


def age_session(client, *, idle_seconds=0, since_login_seconds=0):
    session = client.session
    now = time.time()
    session["last_activity"] = now - idle_seconds
    session["login_at"] = now - max(since_login_seconds, idle_seconds)
    session.save()


def test_staff_are_logged_out_after_fifteen_idle_minutes(client_for, specialist):
    client = client_for(specialist)
    client.get("/")
    age_session(client, idle_seconds=14 * 60)
    assert client.get("/").status_code == 200
    age_session(client, idle_seconds=16 * 60)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


def test_patients_are_logged_out_after_thirty_idle_minutes(client_for, patient_user):
    client = client_for(patient_user)
    client.get("/")
    age_session(client, idle_seconds=16 * 60)
    assert client.get("/").status_code == 200
    age_session(client, idle_seconds=31 * 60)
    assert client.get("/").status_code == 302


def test_sessions_end_twelve_hours_after_login_however_active(client_for, patient_user):
    client = client_for(patient_user)
    client.get("/")
    age_session(client, idle_seconds=10, since_login_seconds=12 * 60 * 60 + 5)
    assert client.get("/").status_code == 302


def test_login_gives_a_new_session_key(client, patient_user):
    client.get(reverse("login"))
    client.session.save()
    before = client.session.session_key
    client.post(
        reverse("login"), {"username": patient_user.username, "password": "correct-horse-battery"}
    )
    assert client.session.session_key != before


def test_deactivated_user_loses_their_session(client_for, patient_user):
    client = client_for(patient_user)
    assert client.get("/").context["user"].is_authenticated
    patient_user.is_active = False
    patient_user.save()
    assert not client.get("/").context["user"].is_authenticated


def test_password_change_ends_the_users_other_sessions(client, patient_user):
    from django.test import Client

    other = Client()
    other.force_login(patient_user)
    client.force_login(patient_user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "correct-horse-battery",
            "new_password1": "a-brand-new-passphrase-42",
            "new_password2": "a-brand-new-passphrase-42",
        },
    )
    assert response.status_code == 302
    assert client.get("/").context["user"].is_authenticated
    assert not other.get("/").context["user"].is_authenticated


# --- lockout ---------------------------------------------------------------------------------


def login_attempt(client, username, password, ip="192.0.2.10"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_five_failures_lock_the_username_and_ip_pair(client, patient_user):
    for _ in range(5):
        login_attempt(client, patient_user.username, "wrong-password")
    locked = login_attempt(client, patient_user.username, "correct-horse-battery")
    assert locked.status_code == 429
    assert b"paused for 15 minutes" in locked.content
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="lockout").exists()
    # The same user from another address is not locked out.
    other_ip = login_attempt(client, patient_user.username, "correct-horse-battery", "192.0.2.99")
    assert other_ip.status_code == 302


def test_lockout_page_is_the_same_for_unknown_accounts(client, patient_user):
    for _ in range(6):
        known = login_attempt(client, patient_user.username, "wrong-password")
        unknown = login_attempt(client, "no-such-user", "wrong-password")
    assert known.status_code == unknown.status_code == 429
    assert known.content == unknown.content


def test_admin_login_is_covered_by_the_lockout(client, superuser):
    for _ in range(5):
        client.post(
            reverse("admin:login"),
            {"username": superuser.username, "password": "wrong"},
            REMOTE_ADDR="192.0.2.20",
        )
    response = client.post(
        reverse("admin:login"),
        {"username": superuser.username, "password": "correct-horse-battery"},
        REMOTE_ADDR="192.0.2.20",
    )
    assert response.status_code == 429


# --- audit trail page ------------------------------------------------------------------------


def test_changing_a_roles_permissions_or_lifting_a_lockout_in_the_admin_is_audited(
    client, client_for, superuser, patient_user
):
    from axes.models import AccessAttempt
    from django.contrib.auth.models import Group

    admin = client_for(superuser)
    group = Group.objects.get(name="Content editors")
    url = reverse("admin:auth_group_change", args=[group.pk])
    form = {"name": group.name, "permissions": list(group.permissions.values_list("pk", flat=True))}
    assert admin.post(url, form).status_code == 302
    for _ in range(5):
        login_attempt(client, patient_user.username, "wrong-password")
    attempt = AccessAttempt.objects.get(username=patient_user.username)
    lift = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
    assert admin.post(lift, {"post": "yes"}).status_code == 302
    events = AuditEvent.objects.filter(user=superuser, action__in=["update", "delete"])
    assert sorted(events.values_list("action", "object_type")) == [
        ("delete", "axes.accessattempt"),
        ("update", "auth.group"),
    ]
    assert login_attempt(client, patient_user.username, "correct-horse-battery").status_code == 302


def test_audit_trail_page_is_for_superusers_only(client_for, patient_user, editor, specialist):
    url = reverse("audit_trail")
    assert client_for(None).get(url).status_code == 302
    for user in (patient_user, editor, specialist):
        assert client_for(user).get(url).status_code == 403
        assert "Audit trail" not in client_for(user).get("/").content.decode()


def test_audit_trail_filters_by_patient_and_action(client_for, superuser, specialist):
    mine, other = PatientFactory(mrn="KEEP-1"), PatientFactory(mrn="SKIP-1")
    record_event(AuditEvent.Action.VIEW, user=specialist, obj=mine)
    record_event(AuditEvent.Action.UPDATE, user=specialist, obj=mine)
    record_event(AuditEvent.Action.VIEW, user=specialist, obj=other)
    response = client_for(superuser).get(
        reverse("audit_trail"), {"patient": "KEEP-1", "action": "view"}
    )
    assert response.status_code == 200
    events = list(response.context["page"])
    assert [(e.patient.mrn, e.action) for e in events] == [("KEEP-1", "view")]


def test_audit_trail_filters_by_user_and_date(client_for, superuser, specialist, editor):
    today = timezone.now()
    old = AuditEvent.objects.create(
        action="view", user=specialist, username=specialist.username,
        at=today - datetime.timedelta(days=10),
    )  # fmt: skip
    recent = record_event(AuditEvent.Action.VIEW, user=specialist, obj=PatientFactory())
    record_event(AuditEvent.Action.VIEW, user=editor)
    typed = record_event(AuditEvent.Action.LOGIN_FAILED, username=specialist.username.upper())
    client = client_for(superuser)

    def shown(**filters):
        response = client.get(reverse("audit_trail"), filters)
        return {event.pk for event in response.context["page"]}

    assert shown(user=specialist.username) == {old.pk, recent.pk, typed.pk}
    since = (today - datetime.timedelta(days=1)).date().isoformat()
    assert shown(user=specialist.username, since=since) == {recent.pk, typed.pk}
    until = (today - datetime.timedelta(days=5)).date().isoformat()
    assert shown(user=specialist.username, until=until) == {old.pk}


def test_an_invalid_audit_filter_shows_its_error_and_no_events(client_for, superuser, specialist):
    record_event(AuditEvent.Action.VIEW, user=specialist, obj=PatientFactory())
    client = client_for(superuser)
    backwards = {"since": "2026-02-01", "until": "2026-01-01"}
    response = client.get(reverse("audit_trail"), backwards)
    assert response.context["form"].errors
    assert list(response.context["page"]) == []
    export = client.get(reverse("audit_trail"), {**backwards, "format": "csv"})
    assert export.status_code == 400
    assert not AuditEvent.objects.filter(action="export").exists()


def test_audit_trail_export_cannot_smuggle_a_formula_into_a_spreadsheet(
    client, client_for, superuser
):
    formula = '=HYPERLINK("http://attacker.example","Click")'
    client.post(reverse("login"), {"username": formula, "password": "wrong-password"})
    export = client_for(superuser).get(reverse("audit_trail"), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(export.getvalue().decode())))
    assert rows[0][-1] == "detail"
    failed = [row for row in rows if row[3] == "login_failed"]
    assert failed and failed[0][2] == "'" + formula


def test_audit_trail_export_is_itself_audited(client_for, superuser, specialist):
    record_event(AuditEvent.Action.VIEW, user=specialist, obj=PatientFactory(mrn="CSV-1"))
    response = client_for(superuser).get(reverse("audit_trail"), {"format": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = response.getvalue().decode()
    assert body.splitlines()[0].startswith("at_utc,user")
    assert "CSV-1" in body
    assert AuditEvent.objects.filter(action="export", user=superuser).exists()


def test_a_spoofed_forwarded_for_header_does_not_escape_the_lockout(client, patient_user):
    for n in range(6):
        response = client.post(
            reverse("login"),
            {"username": patient_user.username, "password": "wrong-password"},
            REMOTE_ADDR="192.0.2.30",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )
    assert response.status_code == 429
    event = AuditEvent.objects.filter(action="login_failed").first()
    assert event.ip_address == "192.0.2.30"


def _login_from(client, username, password, *, remote, forwarded):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=remote,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def _failed_login_from(client, username, *, remote, forwarded):
    _login_from(client, username, "wrong-password", remote=remote, forwarded=forwarded)
    return AuditEvent.objects.filter(action="login_failed").latest("pk").ip_address


@pytest.mark.parametrize(
    "proxies, forwarded, expected",
    [
        (1, "198.51.100.7", "198.51.100.7"),  # nginx: the client's address, appended
        (1, "203.0.113.9, 198.51.100.7", "198.51.100.7"),  # a client-sent prefix is ignored
        (2, "198.51.100.7, 10.0.0.5", "198.51.100.7"),  # load balancer, then nginx
        (2, "203.0.113.9, 198.51.100.7, 10.0.0.5", "198.51.100.7"),
        (2, "198.51.100.7", "10.0.0.2"),  # fewer entries than proxies: the socket's address
        (1, "not-an-address", "10.0.0.2"),
        (1, "2001:db8::7", "2001:db8::7"),
    ],
)
def test_behind_trusted_proxies_the_client_ip_is_counted_from_the_right(
    client, patient_user, settings, proxies, forwarded, expected
):
    settings.CLIENT_IP_PROXY_COUNT = proxies
    ip = _failed_login_from(client, patient_user.username, remote="10.0.0.2", forwarded=forwarded)
    assert ip == expected


def test_behind_a_proxy_a_spoofed_prefix_does_not_escape_the_lockout(
    client, patient_user, settings
):
    """Each attempt claims another address in front of the real one, as nginx passes it on."""
    settings.CLIENT_IP_PROXY_COUNT = 1
    for n in range(5):
        _failed_login_from(
            client,
            patient_user.username,
            remote="10.0.0.2",
            forwarded=f"203.0.113.{n}, 198.51.100.7",
        )
    right = (patient_user.username, "correct-horse-battery")
    locked = _login_from(client, *right, remote="10.0.0.2", forwarded="203.0.113.77, 198.51.100.7")
    assert locked.status_code == 429
    # Another client behind the same proxy is not locked out.
    other = _login_from(client, *right, remote="10.0.0.2", forwarded="198.51.100.8")
    assert other.status_code == 302
