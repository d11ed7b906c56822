"""``send_checkin_reminders``: the emails due today, each with a link and no health information.

The schedule over weeks is pinned in test_reminder_schedule.py; the link in test_invitations.py.
"""

import re
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import TestCase

from cases.models import CheckinReminder, FollowUp
from clinic.models import AuditEvent
from tests.cases.test_checkins import answers, schedule_for, url

pytestmark = pytest.mark.django_db


def run():
    """The command, with the emails it queues on commit sent (the test backend runs tasks at
    once)."""
    out = StringIO()
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("send_checkin_reminders", stdout=out)
    return out.getvalue()


@pytest.fixture
def due_checkin(patient, specialist):
    return schedule_for(patient, specialist).follow_ups.get(timepoint="3m")


def test_a_due_checkin_is_reminded_once_with_a_link_and_no_health_information(
    settings, patient_user, due_checkin
):
    settings.SITE_URL = "https://portal.clinic.example"
    assert run() == "Queued 1 check-in email.\n"
    [email] = mail.outbox
    assert email.to == [patient_user.email]
    assert email.subject == "Your check-in is ready"
    assert "https://portal.clinic.example/cases/checkin-link/" in email.body
    consult = due_checkin.procedure.decision.consult
    # The words, without the links: a random token may hold "l4" or "disc".
    words = re.sub(r"https?://\S+", "", email.subject + email.body).lower()
    for secret in ["3-month", "3 months", "MISS", "endoscop", "L4", "disc", "surgery", "procedure"]:
        assert secret.lower() not in words
    assert consult.level.lower() not in words
    reminder = CheckinReminder.objects.get()
    assert reminder.follow_up == due_checkin
    assert reminder.kind == CheckinReminder.Kind.INVITATION
    assert (
        AuditEvent.objects.filter(detail="check-in invitation", patient=due_checkin.patient).count()
        == 1
    )


def test_running_twice_sends_nothing_new(patient_user, due_checkin):
    run()
    assert run() == "Queued 0 check-in emails.\n"
    assert len(mail.outbox) == 1
    assert CheckinReminder.objects.count() == 1


def test_answered_scheduled_and_cancelled_checkins_get_no_reminder(
    client_for, patient_user, specialist, due_checkin
):
    client_for(patient_user).post(url(due_checkin), answers())
    schedule_for(patient_user.patient, specialist, days_ago=3)  # 2 weeks not open yet
    assert run() == "Queued 0 check-in emails.\n"
    assert mail.outbox == []


def test_patients_without_a_login_an_email_or_an_active_account_get_no_reminder(
    patient_user, other_patient_user, specialist, due_checkin
):
    from tests import factories

    schedule_for(factories.PatientFactory(user=None), specialist)
    other_patient_user.email = ""
    other_patient_user.save()
    schedule_for(other_patient_user.patient, specialist)
    patient_user.is_active = False
    patient_user.save()
    assert run() == "Queued 0 check-in emails.\n"
    assert FollowUp.objects.due().count() == 3


def test_a_failing_mail_server_fails_neither_the_command_nor_the_reminder(
    monkeypatch, settings, patient_user, due_checkin
):
    """The command only queues: the email task retries on its own (test_email_queue.py)."""
    settings.EMAIL_MAX_ATTEMPTS = 2

    def fail(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", fail)
    assert run() == "Queued 1 check-in email.\n"
    assert CheckinReminder.objects.count() == 1
    assert run() == "Queued 0 check-in emails.\n"


def test_reminder_queries_per_email_do_not_grow_with_patients(
    patient_user, specialist, due_checkin
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests import factories

    with CaptureQueriesContext(connection) as one:
        run()
    for _ in range(3):
        user = factories.UserFactory()
        factories.PatientFactory(user=user)
        schedule_for(user.patient, specialist)
    with CaptureQueriesContext(connection) as three:
        assert run() == "Queued 3 check-in emails.\n"
    # Three queries find the recipients, the emails they had and who was emailed today; each
    # email then costs the same few queries (its writes, its link, its audit).
    per_email = len(one.captured_queries) - 3
    assert len(three.captured_queries) == 3 + 3 * per_email
