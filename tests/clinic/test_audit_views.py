"""Views reach the audit trail within AUDIT_VIEW_DELAY_SECONDS, written together; everything
else at once (clinic/audit.py ViewEvents). The rest of the suite writes each view at once
(config/settings/test.py); these tests hold them back as production does."""

import os
import sqlite3
import subprocess
import sys
import time

import psycopg
import pytest
from django.db import OperationalError, connection
from django.urls import reverse
from django.utils import timezone

from clinic import audit
from clinic.models import AuditEvent
from tests import factories

PATIENT_LIST = reverse("cases:patient_list")


@pytest.fixture
def held(settings, monkeypatch):
    """The process's view events, empty, held back for a second, with no writer thread (a test
    writes them itself); emptied again afterwards."""
    settings.AUDIT_VIEW_DELAY_SECONDS = 1
    audit.view_events._reset()
    monkeypatch.setattr(audit.view_events, "_start_writer", lambda: None)
    yield audit.view_events
    audit.view_events._reset()


def views():
    return AuditEvent.objects.filter(action=AuditEvent.Action.VIEW)


def test_a_view_is_held_then_written_with_what_it_was_when_the_page_was_shown(
    held, client_for, specialist, patient
):
    client = client_for(specialist)
    url = reverse("cases:patient_detail", args=[patient.pk])
    before = timezone.now()
    assert client.get(url, REMOTE_ADDR="192.0.2.7").status_code == 200
    assert not views().exists()
    assert held.held() == 1
    time.sleep(0.01)
    assert held.write() == 1
    (event,) = views()
    assert (event.user, event.patient, event.detail) == (specialist, patient, "patient record")
    assert event.ip_address == "192.0.2.7"  # the request's, though written outside it
    assert event.at >= before
    assert held.held() == 0


def test_the_stamp_is_when_the_page_was_shown_not_when_it_was_written(held, client_for, specialist):
    client_for(specialist).get(PATIENT_LIST)
    shown = AuditEvent(action="view").at  # a stamp taken just after the page
    time.sleep(0.05)
    held.write()
    (event,) = views()
    assert event.at <= shown


def test_changes_are_written_at_once_even_while_views_are_held(held, client_for, specialist):
    client_for(specialist).get(PATIENT_LIST)
    audit.record_event(AuditEvent.Action.EXPORT, user=specialist, detail="a list")
    written = AuditEvent.objects.exclude(action=AuditEvent.Action.LOGIN)
    assert list(written.values_list("action", flat=True)) == ["export"]
    assert held.held() == 1


def test_the_request_that_fills_the_buffer_writes_it(held, client_for, specialist, monkeypatch):
    monkeypatch.setattr(held, "MAX_HELD", 3)
    client = client_for(specialist)
    client.get(PATIENT_LIST)
    client.get(PATIENT_LIST)
    assert views().count() == 0
    client.get(PATIENT_LIST)
    assert views().count() == 3
    assert held.held() == 0


def test_no_delay_writes_each_view_before_its_page(held, settings, client_for, specialist):
    settings.AUDIT_VIEW_DELAY_SECONDS = 0
    client_for(specialist).get(PATIENT_LIST)
    assert views().count() == 1
    assert held.held() == 0


def test_a_failed_write_keeps_what_was_held_and_new_views_are_written_at_once(
    held, client_for, specialist, monkeypatch
):
    client = client_for(specialist)
    client.get(PATIENT_LIST)

    def unreachable(events):
        raise OperationalError("the database is unreachable")

    real_insert = audit._insert
    monkeypatch.setattr(audit, "_insert", unreachable)
    with pytest.raises(OperationalError):
        held.write()
    assert held.held() == 1  # kept, to be tried again
    client.get(PATIENT_LIST)  # while writes fail, a page is shown only once its view is written
    assert views().count() == 1
    assert held.held() == 1

    monkeypatch.setattr(audit, "_insert", real_insert)
    assert held.write() == 1
    assert views().count() == 2
    client.get(PATIENT_LIST)  # written again: held back once more
    assert views().count() == 2
    assert held.held() == 1


def test_a_page_whose_view_cannot_be_written_while_writes_fail_answers_503(
    held, client_for, specialist, monkeypatch
):
    client = client_for(specialist)
    client.raise_request_exception = False
    client.get(PATIENT_LIST)
    monkeypatch.setattr(audit, "_insert", lambda events: refused())
    with pytest.raises(OperationalError):
        held.write()
    monkeypatch.setattr(AuditEvent, "save", lambda self, **kwargs: refused())
    response = client.get(PATIENT_LIST)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"


def refused():
    """Django's error for a database that refuses connections, the driver's as its cause."""
    with connection.wrap_database_errors:
        if connection.vendor == "postgresql":
            raise psycopg.OperationalError("connection failed: Connection refused")
        error = sqlite3.OperationalError("unable to open database file")
        error.sqlite_errorcode = sqlite3.SQLITE_CANTOPEN
        raise error


def test_an_account_deleted_before_its_view_is_written_leaves_the_view_without_the_link(
    held, rf, patient
):
    doomed = factories.UserFactory(username="short-lived")
    request = rf.get("/")
    request.user = doomed
    audit.record_view(request, patient, detail="patient record")
    doomed.delete()
    assert held.write() == 1
    (event,) = views()
    assert (event.user, event.username, event.patient) == (None, "short-lived", patient)


def test_the_audit_trail_shows_the_views_this_process_holds(
    held, client_for, specialist, superuser
):
    client_for(specialist).get(PATIENT_LIST)
    response = client_for(superuser).get(reverse("audit_trail"))
    assert response.status_code == 200
    assert specialist.username in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_writer_thread_writes_views_within_the_delay(settings, client_for, specialist):
    settings.AUDIT_VIEW_DELAY_SECONDS = 0.05
    audit.view_events._reset()
    try:
        client_for(specialist).get(PATIENT_LIST)
        deadline = time.monotonic() + 5
        while not views().exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert views().count() == 1
        assert audit.view_events.held() == 0
    finally:
        audit.view_events._reset()


def test_a_forked_child_holds_none_of_its_parents_views(held, client_for, specialist):
    client_for(specialist).get(PATIENT_LIST)
    assert held.held() == 1
    child = os.fork()
    if child == 0:  # pragma: no cover (the child reports by its exit status)
        os._exit(0 if audit.view_events.held() == 0 else 1)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert held.held() == 1


def test_a_process_writes_what_it_holds_when_it_exits():
    script = """
import django
django.setup()
from django.conf import settings
from clinic import audit
from clinic.models import AuditEvent
settings.AUDIT_VIEW_DELAY_SECONDS = 60
audit._insert = lambda events: print("written", len(events))
audit.view_events._start_writer = lambda: None
audit.view_events.hold(AuditEvent(action="view", detail="a page"))
audit.view_events.hold(AuditEvent(action="view", detail="another"))
print("exiting")
"""
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:2] == ["exiting", "written 2"]


@pytest.mark.django_db(transaction=True)
def test_what_could_not_be_written_is_written_when_the_database_is_back(
    settings, client_for, specialist, monkeypatch
):
    """The request that fills the buffer cannot write it (503); the writer writes it later."""
    settings.AUDIT_VIEW_DELAY_SECONDS = 0.05
    audit.view_events._reset()
    monkeypatch.setattr(audit.view_events, "MAX_HELD", 1)
    real_insert, attempts = audit._insert, []

    def refused_once(events):
        attempts.append(len(events))
        if len(attempts) == 1:
            refused()
        real_insert(events)

    monkeypatch.setattr(audit, "_insert", refused_once)
    client = client_for(specialist)
    client.raise_request_exception = False
    try:
        assert client.get(PATIENT_LIST).status_code == 503
        deadline = time.monotonic() + 5
        while not views().exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert views().count() == 1
        assert attempts == [1, 1]
    finally:
        audit.view_events._reset()
