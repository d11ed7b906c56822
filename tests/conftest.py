import os

import pytest
from django.contrib.auth.models import Group
from django.utils import translation

from clinic import roles
from tests import factories

# A test that uses none of these cannot open the database (pytest-django refuses it).
DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
    "live_server",
}


def pytest_collection_modifyitems(config, items):
    """With ``TESTS_DATABASE_ONLY=1`` (CI's PostgreSQL leg), only the tests that use the
    database: any other gives there the answer it gave in the SQLite leg."""
    if os.environ.get("TESTS_DATABASE_ONLY") != "1":
        return
    kept, left = [], []
    for item in items:
        uses = item.get_closest_marker("django_db") or DATABASE_FIXTURES & set(item.fixturenames)
        (kept if uses else left).append(item)
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept


@pytest.fixture(autouse=True)
def _fast_and_plain(settings):
    """A fast hasher, plain static storage (no manifest to build), mail kept in memory and an
    empty cache (live article figures are cached)."""
    from django.core.cache import cache

    cache.clear()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.SECURE_SSL_REDIRECT = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the portal's default language. The test client serves a request in
    the test's own thread, and the language its middleware activated (a Spanish patient's, say)
    would otherwise stay active there: a later test's lazy strings would come out in Spanish."""
    translation.deactivate()


def _in_role(user, role):
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def patient_user(db):
    """A portal user in the Patients role, linked to a Patient record."""
    user = _in_role(factories.UserFactory(), roles.PATIENTS)
    factories.PatientFactory(user=user, given_name=user.first_name, family_name=user.last_name)
    return user


@pytest.fixture
def patient(patient_user):
    """The Patient record of ``patient_user``."""
    return patient_user.patient


@pytest.fixture
def other_patient_user(db):
    user = _in_role(factories.UserFactory(), roles.PATIENTS)
    factories.PatientFactory(user=user)
    return user


@pytest.fixture
def specialist(db):
    return _in_role(factories.UserFactory(is_staff=True), roles.SPECIALISTS)


@pytest.fixture
def other_specialist(db):
    return _in_role(factories.UserFactory(is_staff=True), roles.SPECIALISTS)


@pytest.fixture
def editor(db):
    return _in_role(factories.UserFactory(is_staff=True), roles.CONTENT_EDITORS)


@pytest.fixture
def superuser(db):
    return factories.UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def client_for(client):
    """``client_for(user)``: the test client logged in as ``user`` (``None`` stays anonymous)."""

    def login(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return login


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite, test in a file rather than in memory: live-server threads then get their own
    connections, as they would in production, and WAL mode is exercised."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        name = tmp_path_factory.mktemp("db") / "test.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(name)
