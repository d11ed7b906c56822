"""With a session cache (production's, clinic/auth_cache.py), a signed-in request reads nothing
from the database: the session, the user with their roles and the verified second factor come
from the cache, and so do their permissions. Every change that ends or narrows a session, or
changes what a role may do, still applies on the next request."""

import pickle
import time

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic import auth_cache, roles
from clinic.models import Patient

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.clinic.urls_hello")]


@pytest.fixture(autouse=True)
def session_cache(settings):
    settings.CACHES = {
        **settings.CACHES,
        "sessions": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "test-auth-cache",
        },
    }
    caches["sessions"].clear()
    settings.REQUIRE_2FA = True
    yield caches["sessions"]
    caches["sessions"].clear()


def signed_in(client, user, *, device=None):
    client.force_login(user)
    if device is not None:  # what the second-factor step puts in the session
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def hello(client):
    """The hello page's status (a redirect's target) and the statements it ran."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/hello/")
    where = response["Location"] if response.status_code == 302 else response.status_code
    return where, [query["sql"] for query in queries.captured_queries]


@pytest.fixture
def device(specialist):
    return TOTPDevice.objects.create(user=specialist, name="phone", confirmed=True)


def test_a_patients_second_request_reads_nothing_from_the_database(client, patient_user):
    signed_in(client, patient_user)
    assert hello(client)[0] == 200  # reads the user, then caches it
    assert hello(client) == (200, [])


def test_a_verified_specialists_second_request_reads_nothing_from_the_database(
    client, specialist, device
):
    signed_in(client, specialist, device=device)
    assert hello(client)[0] == 200
    assert hello(client) == (200, [])


def test_neither_the_password_hash_nor_the_device_key_is_cached(
    client, specialist, device, session_cache
):
    signed_in(client, specialist, device=device)
    hello(client)
    user = session_cache.get(auth_cache.user_key(specialist.pk))
    cached_device = session_cache.get(auth_cache.device_key(device.persistent_id))
    assert "password" not in user.__dict__ and "key" not in cached_device.__dict__
    stored = pickle.dumps((user, cached_device))
    assert specialist.password.encode() not in stored and device.key.encode() not in stored
    # Asked for, they are read from the database.
    assert user.password == specialist.password and cached_device.key == device.key


def test_a_deactivated_user_is_signed_out_on_the_next_request(client, patient_user):
    signed_in(client, patient_user)
    hello(client)
    patient_user.is_active = False
    patient_user.save()
    assert hello(client)[0].startswith("/accounts/login/")


def test_a_new_password_set_elsewhere_signs_the_old_session_out(client, patient_user):
    signed_in(client, patient_user)
    hello(client)
    patient_user.set_password("another long passphrase")
    patient_user.save()
    assert hello(client)[0].startswith("/accounts/login/")


def test_changing_ones_own_password_keeps_one_signed_in(client, patient_user):
    patient_user.set_password("the old long passphrase")
    patient_user.save()
    signed_in(client, patient_user)
    hello(client)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "the old long passphrase",
            "new_password1": "a brand new passphrase 42",
            "new_password2": "a brand new passphrase 42",
        },
    )
    assert response.status_code == 302
    assert hello(client)[0] == 200
    patient_user.refresh_from_db()
    assert patient_user.check_password("a brand new passphrase 42")


def test_a_role_taken_away_signs_the_session_out_on_the_next_request(client, specialist, device):
    signed_in(client, specialist, device=device)
    hello(client)
    specialist.groups.remove(Group.objects.get(name=roles.SPECIALISTS))
    assert hello(client)[0].startswith("/accounts/login/")


def test_a_deleted_device_no_longer_verifies_the_session(client, specialist, device):
    signed_in(client, specialist, device=device)
    assert hello(client)[0] == 200
    TOTPDevice.objects.filter(pk=device.pk).delete()  # as the admin's bulk delete does
    assert hello(client)[0].startswith("/accounts/two-factor/")


def test_an_unconfirmed_device_no_longer_verifies_the_session(client, specialist, device):
    signed_in(client, specialist, device=device)
    assert hello(client)[0] == 200
    device.confirmed = False
    device.save()
    assert hello(client)[0].startswith("/accounts/two-factor/")


def test_an_idle_session_is_still_signed_out(client, specialist, device):
    signed_in(client, specialist, device=device)
    assert hello(client)[0] == 200
    session = client.session
    session["last_activity"] = time.time() - 16 * 60
    session.save()
    assert hello(client)[0].startswith("/accounts/login/")


def test_the_idle_clock_is_written_at_most_once_a_minute(client, patient_user):
    signed_in(client, patient_user)
    hello(client)
    session = client.session
    session["last_activity"] = time.time() - 50
    session.save()
    assert hello(client) == (200, [])
    session["last_activity"] = time.time() - 70
    session.save()
    status, queries = hello(client)
    assert status == 200 and any("django_session" in sql for sql in queries)


def test_after_a_change_of_secret_key_a_new_login_works(client, patient_user, settings):
    signed_in(client, patient_user)
    hello(client)
    settings.SECRET_KEY = "another secret key, long enough for the tests, 0123456789"
    assert hello(client)[0].startswith("/accounts/login/")  # Django's rule: sessions end
    signed_in(client, patient_user)
    assert hello(client)[0] == 200
    assert hello(client) == (200, [])


# --- permissions ----------------------------------------------------------------------------------

VIEW_AUDIT = "clinic.view_auditevent"


def _fresh(user):
    """The user as the next request loads them (no permissions read yet)."""
    return type(user)._default_manager.get(pk=user.pk)


def _specialists_role():
    return Group.objects.get(name=roles.SPECIALISTS)


def _view_audit():
    return Permission.objects.get(codename="view_auditevent", content_type__app_label="clinic")


def test_permissions_are_read_once_then_from_the_cache(specialist, django_assert_num_queries):
    permissions = _fresh(specialist).get_all_permissions()
    assert "cases.add_consult" in permissions
    user = _fresh(specialist)
    with django_assert_num_queries(0):
        assert user.get_all_permissions() == permissions
        assert user.has_perm("cases.add_consult")


def test_each_user_has_their_own_cached_permissions(specialist, editor):
    assert _fresh(specialist).has_perm("cases.add_consult")
    assert not _fresh(editor).has_perm("cases.add_consult")
    assert _fresh(specialist).has_perm("cases.add_consult")


def test_a_permission_given_to_or_taken_from_a_role_applies_on_the_next_request(specialist):
    assert not _fresh(specialist).has_perm(VIEW_AUDIT)
    _specialists_role().permissions.add(_view_audit())
    assert _fresh(specialist).has_perm(VIEW_AUDIT)
    _specialists_role().permissions.remove(_view_audit())
    assert not _fresh(specialist).has_perm(VIEW_AUDIT)


def test_a_deleted_role_takes_its_permissions_with_it(specialist):
    assert _fresh(specialist).has_perm("cases.add_consult")
    _specialists_role().delete()
    assert not _fresh(specialist).has_perm("cases.add_consult")


def test_a_new_permission_reaches_the_superuser_on_the_next_request(superuser):
    # (has_perm is True for a superuser whatever the set: the admin reads the set itself)
    assert "clinic.export_everything" not in _fresh(superuser).get_all_permissions()
    Permission.objects.create(
        codename="export_everything",
        name="Can export everything",
        content_type=ContentType.objects.get_for_model(Patient),
    )
    assert "clinic.export_everything" in _fresh(superuser).get_all_permissions()


def test_permissions_read_while_a_change_is_uncommitted_are_read_again_after_it(
    specialist, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        _specialists_role().permissions.add(_view_audit())
        # A request reading before the commit caches what it saw under the moved generation...
        auth_cache.permissions(specialist.pk, lambda: {"stale"})
    # ...which the commit moves on again.
    assert _fresh(specialist).has_perm(VIEW_AUDIT)
    assert "stale" not in _fresh(specialist).get_all_permissions()


def test_a_user_with_a_direct_permission_sees_it_on_the_next_request(specialist):
    assert not _fresh(specialist).has_perm(VIEW_AUDIT)
    specialist.user_permissions.add(_view_audit())
    assert _fresh(specialist).has_perm(VIEW_AUDIT)
