"""What every signed-in request costs before its view runs: the session, the idle-timeout check,
the staff two-factor and lockout checks read little and write nothing (issue 13)."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.clinic.urls_hello")]


def tables_read(queries):
    """The table each statement reads (its last FROM: subqueries come first), in order; writes
    fail the test."""
    found = []
    for query in queries:
        sql = query["sql"]
        assert not sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")), sql
        found.append(sql.rsplit(" FROM ", 1)[1].split()[0].strip('"'))
    return found


def get_hello(client):
    client.get("/hello/")  # the first request of a session may store its login time
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/hello/")
    assert response.status_code == 200
    return tables_read(queries.captured_queries)


def test_a_patient_request_reads_the_session_and_the_user_with_roles_once(client, patient_user):
    client.force_login(patient_user)
    assert get_hello(client) == ["django_session", "clinic_user"]


def test_a_staff_request_with_two_factor_adds_only_the_device(client, specialist, settings):
    settings.REQUIRE_2FA = True
    device = TOTPDevice.objects.create(user=specialist, name="phone", confirmed=True)
    client.force_login(specialist)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    assert get_hello(client) == ["django_session", "clinic_user", "otp_totp_totpdevice"]


def test_the_roles_read_with_the_user_are_the_users_groups(
    client, patient_user, specialist, editor
):
    from clinic.backends import ModelBackendWithRoles

    backend = ModelBackendWithRoles()
    for user in (patient_user, specialist, editor):
        loaded = backend.get_user(user.pk)
        assert loaded.role_names == User.objects.get(pk=user.pk).role_names
        assert loaded.role_names == frozenset(user.groups.values_list("name", flat=True))
    assert backend.get_user(-1) is None


def test_a_role_taken_away_applies_on_the_next_request(client, specialist):
    from django.contrib.auth.models import Group

    from clinic import roles

    client.force_login(specialist)
    assert client.get("/cases/patients/").status_code == 200
    specialist.groups.remove(Group.objects.get(name=roles.SPECIALISTS))
    # A change of role ends the account's sessions (clinic/signals.py): the roles read with the
    # user are never older than the request.
    response = client.get("/cases/patients/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_permissions_are_read_in_one_query_and_match_djangos(
    patient_user, specialist, editor, superuser, django_assert_num_queries
):
    from django.contrib.auth.backends import ModelBackend

    from clinic.backends import ModelBackendWithRoles

    specialist.user_permissions.add(
        Permission.objects.get(codename="view_auditevent", content_type__app_label="clinic")
    )
    for user in (patient_user, specialist, editor, superuser):
        expected = ModelBackend().get_all_permissions(User.objects.get(pk=user.pk))
        fresh = User.objects.get(pk=user.pk)
        with django_assert_num_queries(1):
            found = ModelBackendWithRoles().get_all_permissions(fresh)
            assert fresh.has_perm(next(iter(expected))) if expected else True
        assert found == expected
