"""Every email is a task (``clinic.tasks.send_email``): queued on commit, sent by the worker when
it runs, retried with a growing delay on SMTP errors, given up (logged, task failed) after
``EMAIL_MAX_ATTEMPTS``.

These tests use the database backend, as production does without Redis, and run its worker
(``manage.py db_worker --batch``: everything ready, then exit).
"""

import datetime
import smtplib

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.core.mail.backends import locmem
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from freezegun import freeze_time

from clinic import tasks
from clinic.tasks import email_builder, send_email

pytestmark = pytest.mark.django_db

BUILDER = "tests.clinic.test_email_queue.hello_email"
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@email_builder
def hello_email(address):
    return EmailMessage("Hello", "A message.", "portal@clinic.invalid", [address])


def not_a_builder(address):
    return EmailMessage("Hello", "A message.", "portal@clinic.invalid", [address])


@pytest.fixture
def database_queue(settings, monkeypatch):
    settings.TASKS = DB_TASKS
    # The worker closes stale connections between tasks; the test's own is inside its
    # transaction and must stay open.
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    settings.EMAIL_MAX_ATTEMPTS = 3
    settings.EMAIL_RETRY_BACKOFF_SECONDS = 60


def run_worker():
    call_command("db_worker", batch=True, interval=0, startup_delay=False, reload=False)


@pytest.fixture
def failing_smtp(monkeypatch):
    """A mail server that refuses the first ``failures["left"]`` messages."""
    failures = {"left": 0, "tried": 0}
    send = locmem.EmailBackend.send_messages

    def flaky(self, messages):
        failures["tried"] += 1
        if failures["left"]:
            failures["left"] -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return send(self, messages)

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", flaky)
    return failures


def test_an_email_queued_with_no_worker_running_is_sent_when_one_starts(database_queue):
    with TestCase.captureOnCommitCallbacks(execute=True):
        tasks.queue_email(BUILDER, address="patient@example.org")
    assert mail.outbox == []
    assert DBTaskResult.objects.get().status == "READY"
    run_worker()
    [email] = mail.outbox
    assert email.to == ["patient@example.org"]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_nothing_is_queued_when_the_transaction_rolls_back(database_queue):
    from django.db import transaction

    with TestCase.captureOnCommitCallbacks(execute=True):
        try:
            with transaction.atomic():
                tasks.queue_email(BUILDER, address="patient@example.org")
                raise RuntimeError
        except RuntimeError:
            pass
    assert not DBTaskResult.objects.exists()


def test_a_failing_mail_server_is_retried_with_a_growing_delay_until_it_succeeds(
    database_queue, failing_smtp
):
    failing_smtp["left"] = 2
    start = timezone.now()
    with freeze_time(start):
        send_email.enqueue(BUILDER, {"address": "patient@example.org"})
        run_worker()
        # The first attempt failed: the second waits a minute.
        retry = DBTaskResult.objects.get(status="READY")
        assert retry.run_after == start + datetime.timedelta(seconds=60)
        run_worker()
        assert failing_smtp["tried"] == 1
    with freeze_time(start + datetime.timedelta(seconds=61)):
        run_worker()
        # The second failed too: the third waits two minutes.
        retry = DBTaskResult.objects.get(status="READY")
        assert retry.run_after == start + datetime.timedelta(seconds=61 + 120)
    with freeze_time(start + datetime.timedelta(seconds=61 + 121)):
        run_worker()
    assert failing_smtp["tried"] == 3
    assert len(mail.outbox) == 1
    assert not DBTaskResult.objects.filter(status="READY").exists()
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 3


def test_the_email_is_given_up_after_the_last_attempt_and_the_failure_logged(
    database_queue, failing_smtp, caplog
):
    failing_smtp["left"] = 10
    start = timezone.now()
    for minutes in (0, 2, 5, 10):
        with freeze_time(start + datetime.timedelta(minutes=minutes)):
            if minutes == 0:
                send_email.enqueue(BUILDER, {"address": "patient@example.org"})
            run_worker()
    assert failing_smtp["tried"] == 3
    assert mail.outbox == []
    assert not DBTaskResult.objects.filter(status="READY").exists()
    failed = DBTaskResult.objects.get(status="FAILED")
    assert "SMTPServerDisconnected" in failed.traceback
    assert "not sent after 3 attempts" in caplog.text


def test_with_the_immediate_backend_a_retry_is_at_once(settings, failing_smtp):
    settings.EMAIL_MAX_ATTEMPTS = 3
    failing_smtp["left"] = 2
    result = send_email.enqueue(BUILDER, {"address": "patient@example.org"})
    assert result.return_value == "retrying"
    assert failing_smtp["tried"] == 3
    assert len(mail.outbox) == 1


def test_only_marked_builders_are_called(settings):
    result = send_email.enqueue(
        "tests.clinic.test_email_queue.not_a_builder", {"address": "patient@example.org"}
    )
    assert result.status == "FAILED"
    assert mail.outbox == []


def test_an_error_that_is_not_the_mail_servers_is_not_retried(settings, monkeypatch):
    calls = []

    @email_builder
    def broken(address):
        calls.append(address)
        raise ValueError("a bug")

    monkeypatch.setattr("tests.clinic.test_email_queue.hello_email", broken)
    result = send_email.enqueue(BUILDER, {"address": "patient@example.org"})
    assert result.status == "FAILED"
    assert calls == ["patient@example.org"]


def test_the_password_reset_email_is_retried_too(settings, failing_smtp, patient_user):
    patient_user.set_password("a-long-password-1")
    patient_user.save()
    settings.EMAIL_MAX_ATTEMPTS = 2
    failing_smtp["left"] = 1
    tasks.send_password_reset.enqueue(patient_user.email)
    assert failing_smtp["tried"] == 2
    [email] = mail.outbox
    assert email.to == [patient_user.email]


def test_secret_links_are_made_at_send_time_and_never_sit_in_the_queue(
    database_queue, specialist, patient, due_checkin_for_queue
):
    """The portal invitation's password link and the check-in link: in the email only."""
    from cases import checkins, services
    from tests import factories

    invited = factories.PatientFactory(user=None, email="new@example.org")
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.invite_patient(patient=invited, invited_by=specialist)
        checkins.send_checkin_reminders()
    queued = [str(row.args_kwargs) for row in DBTaskResult.objects.all()]
    assert len(queued) == 2
    assert not any("http" in args for args in queued)
    run_worker()
    invitation, checkin = sorted(mail.outbox, key=lambda e: e.subject.startswith("Your check"))
    reset = reverse("password_reset_confirm", kwargs={"uidb64": "UID", "token": "T"})
    assert reset.split("UID")[0] in invitation.body
    assert invitation.alternatives[0][1] == "text/html"
    assert "/cases/checkin-link/" in checkin.body
    for email in (invitation, checkin):
        assert not any(link in str(queued) for link in email.body.split() if "http" in link)


@pytest.fixture
def due_checkin_for_queue(patient, specialist):
    from tests.cases.test_checkins import schedule_for

    return schedule_for(patient, specialist).follow_ups.get(timepoint="3m")
