"""Faults survived: a Redis that cannot be reached is a cache miss (never a 500) and logs nobody
out; a database that cannot be reached answers a plain 503 page with Retry-After, and a form
sent meanwhile is refused as a whole (config/settings/base.py, clinic/unavailable.py)."""

import shutil
import socket
import sqlite3
import subprocess
import time
from pathlib import Path
from unittest import mock

import psycopg
import pytest
import redis.exceptions
from django.core.cache import cache, caches
from django.core.management import call_command
from django.db import IntegrityError, OperationalError, connection
from django.test import Client
from django.urls import reverse

from cases.models import Consult
from clinic.tasks import send_password_reset
from clinic.unavailable import is_unavailable
from config.settings.base import redis_cache
from tests import factories
from tests.django_process import run_django

ROOT = Path(__file__).resolve().parents[2]
MISS_ARTICLE = "/education/articles/miss-spinal-herniations/"


def closed_port():
    """A local port nothing listens on: connecting to it is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def miss_article(db):
    call_command("import_articles", str(ROOT / "education" / "content"), verbosity=0)
    return MISS_ARTICLE


@pytest.fixture
def redis_unreachable(settings):
    """The cache and the sessions' cache in a Redis that is not there (a closed port)."""
    url = f"redis://127.0.0.1:{closed_port()}/0"
    settings.CACHES = {"default": redis_cache(url), "sessions": redis_cache(url)}
    yield
    caches.close_all()


# --- Redis ---------------------------------------------------------------------------------------


def test_the_cache_answers_misses_while_redis_cannot_be_reached(redis_unreachable):
    assert cache.get("anything") is None
    assert cache.get("anything", "fallback") == "fallback"
    assert cache.get_or_set("computed", lambda: 42) == 42
    assert not cache.add("key", 1)
    assert cache.incr("counter") is None
    cache.set("key", 1)
    cache.delete("key")
    assert cache.get_many(["a", "b"]) == {}


def test_public_article_login_and_signed_in_page_answer_while_redis_cannot_be_reached(
    redis_unreachable, miss_article, patient_user
):
    client = Client()
    assert client.get(miss_article).status_code == 200
    patient_user.set_password("a-long-enough-password")
    patient_user.save()
    login = client.post(
        reverse("login"),
        {"username": patient_user.username, "password": "a-long-enough-password"},
    )
    assert login.status_code == 302
    dashboard = client.get(reverse("dashboard"))
    assert dashboard.status_code == 200
    assert dashboard.context["user"] == patient_user


def test_password_reset_answers_while_redis_cannot_be_reached(redis_unreachable, db):
    response = Client().post(reverse("password_reset"), {"email": "someone@example.org"})
    assert response.status_code == 302


def test_sessions_survive_the_cache_being_emptied(settings, patient_user):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "sessions": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    client = Client()
    client.force_login(patient_user)
    assert client.get(reverse("dashboard")).context["user"] == patient_user
    for alias in settings.CACHES:
        caches[alias].clear()
    assert client.get(reverse("dashboard")).context["user"] == patient_user


def test_sessions_are_kept_in_the_database_in_every_configuration(settings):
    from importlib import import_module

    from django.contrib.sessions.backends.cached_db import SessionStore as CachedDatabaseStore

    store = import_module(settings.SESSION_ENGINE).SessionStore
    assert issubclass(store, CachedDatabaseStore)


@pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server")
def test_the_cache_picks_redis_up_again_when_it_returns(settings, tmp_path):
    port = closed_port()
    settings.CACHES = {**settings.CACHES, "default": redis_cache(f"redis://127.0.0.1:{port}/0")}

    def start_redis():
        server = subprocess.Popen(
            ["redis-server", "--port", str(port), "--save", "", "--dir", str(tmp_path)],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(50):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    return server
            time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    server = start_redis()
    try:
        cache.set("key", "before")
        assert cache.get("key") == "before"
        server.terminate()
        server.wait(10)
        assert cache.get("key") is None  # a miss, not an error
        cache.set("key", "while down")  # ignored
        server = start_redis()
        cache.set("key", "after")
        assert cache.get("key") == "after"
    finally:
        server.terminate()
        server.wait(10)
        caches.close_all()


# --- the database --------------------------------------------------------------------------------


def _connection_refused():
    """The driver's own error for a database that refuses connections."""
    if connection.vendor == "postgresql":
        return psycopg.OperationalError("connection failed: Connection refused")
    error = sqlite3.OperationalError("unable to open database file")
    error.sqlite_errorcode = sqlite3.SQLITE_CANTOPEN
    return error


@pytest.fixture
def database_unreachable():
    """Every query fails as it does when the database cannot be reached (Django's error with
    the driver's as its cause), until the block ends."""

    def refuse():
        with connection.wrap_database_errors:
            raise _connection_refused()

    return lambda: mock.patch.object(connection, "ensure_connection", side_effect=refuse)


def assert_unavailable_page(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.content.decode()
    assert "The portal is back in a moment" in body
    assert "Traceback" not in body and "Something went wrong" not in body


def test_pages_answer_503_while_the_database_cannot_be_reached(
    miss_article, patient_user, database_unreachable
):
    anonymous, signed_in = Client(), Client()
    signed_in.force_login(patient_user)
    for client in (anonymous, signed_in):
        client.raise_request_exception = False
    with database_unreachable():
        assert_unavailable_page(anonymous.get(miss_article))
        assert_unavailable_page(signed_in.get(reverse("dashboard")))
    assert anonymous.get(miss_article).status_code == 200  # back as soon as it is
    assert signed_in.get(reverse("dashboard")).context["user"] == patient_user


def test_a_form_sent_while_the_database_cannot_be_reached_is_refused_and_writes_nothing(
    client_for, specialist, database_unreachable
):
    patient = factories.PatientFactory()
    client = client_for(specialist)
    client.raise_request_exception = False
    url = reverse("cases:consult_create", kwargs={"patient_pk": patient.pk})
    with database_unreachable():
        assert_unavailable_page(client.post(url, {"notes": "sent during the outage"}))
    assert not Consult.objects.filter(notes="sent during the outage").exists()


@pytest.mark.urls("tests.clinic.urls_hello")
def test_a_session_saved_while_the_database_cannot_be_reached_answers_503_not_400(
    settings, patient_user, database_unreachable
):
    """A page that needs no query (here the hello; in production a page from the page cache)
    still saves the session's activity stamp now and then: without the database that is the
    503 page, not Django's 400 "session interrupted"."""
    settings.CACHES = {  # the session and the user read from the cache, as with Redis
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "sessions": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    client = Client()
    client.raise_request_exception = False
    client.force_login(patient_user)
    assert client.get("/hello/").status_code == 200  # the session and the user now cached
    with database_unreachable():
        assert client.get("/hello/").content == b"hello"  # no query at all
    session = client.session
    session["last_activity"] = time.time() - 120  # due to be stamped again, not idle
    session.save()
    with database_unreachable():
        assert_unavailable_page(client.get("/hello/"))
    assert client.get("/hello/").content == b"hello"  # stamped once the database is back
    assert time.time() - client.session["last_activity"] < 60


def test_only_failures_to_reach_the_database_are_unavailability():
    refused = OperationalError("connection failed")
    refused.__cause__ = psycopg.OperationalError("connection failed")
    assert is_unavailable(refused)
    cancelled = OperationalError("canceling statement due to statement timeout")
    cancelled.__cause__ = psycopg.errors.QueryCanceled("canceling statement")
    assert not is_unavailable(cancelled)
    assert not is_unavailable(IntegrityError("duplicate key"))
    assert not is_unavailable(RuntimeError("a bug"))


def test_a_database_that_refuses_connections_answers_the_503_page():
    """A real PostgreSQL address where nothing listens, in a process of its own."""
    stdout, stderr = run_django(
        "from django.test.utils import setup_test_environment; setup_test_environment();"
        "from django.test import Client; c = Client(raise_request_exception=False);"
        f"r = c.get('{MISS_ARTICLE}');"
        "print(r.status_code, r['Retry-After'], b'back in a moment' in r.content)",
        DATABASE_URL=f"postgres://portal@127.0.0.1:{closed_port()}/clinic",
        DJANGO_LOG_LEVEL="CRITICAL",
    )
    assert stdout.split() == ["503", "30", "True"], stderr[-2000:]


def test_a_password_reset_asked_for_while_the_task_queue_is_unreachable_answers_503(client, db):
    client.raise_request_exception = False
    refused = redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6379.")
    backend = type(send_password_reset.get_backend())
    with mock.patch.object(backend, "enqueue", side_effect=refused):
        response = client.post(reverse("password_reset"), {"email": "someone@example.org"})
    assert_unavailable_page(response)


def test_a_cache_error_is_logged_as_one_line(redis_unreachable, caplog):
    cache.get("anything")
    (record,) = [r for r in caplog.records if r.name == "clinic.cache"]
    assert record.exc_info is None
    assert "Redis ConnectionError" in record.getMessage()
