"""The check-in email schedule over three simulated months: the daily command (run twice a day
here, as a careless cron would) sends an invitation the day a window opens and reminders 7 and
14 days later, none once answered or closed, at most one email a patient a day, none to a
patient who opted out."""

import datetime
from collections import Counter
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import TestCase
from freezegun import freeze_time

from cases import checkins
from cases.models import CheckinReminder
from tests.cases.test_checkins import answers, schedule_for, url

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 1, 5)  # the procedure day: day 0


def noon(day):
    """Noon of ``day`` days after the procedure."""
    return datetime.datetime.combine(START + datetime.timedelta(days=day), NOON)


def at(day):
    return freeze_time(noon(day))


NOON = datetime.time(12)


def run_twice():
    counts = []
    for _ in range(2):
        out = StringIO()
        with TestCase.captureOnCommitCallbacks(execute=True):
            call_command("send_checkin_reminders", stdout=out)
        counts.append(out.getvalue())
    assert counts[1] == "Queued 0 check-in emails.\n", "a second run the same day sends nothing"
    return counts[0]


def simulate(days, on_day=None):
    """Run the schedule each day of ``days``; returns ``{day: [emails sent that day]}``."""
    sent = {}
    days = list(days)
    with at(days[0]) as clock:  # one freeze, moved day by day (each freeze scans every module)
        for day in days:
            clock.move_to(noon(day))
            if on_day:
                on_day(day)
            before = len(mail.outbox)
            run_twice()
            if len(mail.outbox) > before:
                sent[day] = mail.outbox[before:]
    return sent


@pytest.fixture
def operated(patient, specialist):
    with at(0):
        return schedule_for(patient, specialist, days_ago=0)


def kinds_by_day(follow_up):
    return {
        (r.sent_at.date() - START).days: r.kind
        for r in CheckinReminder.objects.filter(follow_up=follow_up)
    }


def test_invitation_then_reminders_at_7_and_14_days_none_after_the_window_closes(
    patient_user, operated
):
    sent = simulate(range(0, 100))
    # 2 weeks: opens day 10, closes day 21 (no second reminder: day 24 is after it closes).
    # 6 weeks: opens day 35. 3 months: opens day 75.
    assert sorted(sent) == [10, 17, 35, 42, 49, 75, 82, 89]
    assert all(len(emails) == 1 for emails in sent.values())
    assert {e.to[0] for emails in sent.values() for e in emails} == {patient_user.email}
    three_months = operated.follow_ups.get(timepoint="3m")
    assert kinds_by_day(three_months) == {75: "invitation", 82: "reminder_1", 89: "reminder_2"}
    assert sent[75][0].subject == "Your check-in is ready"
    assert sent[82][0].subject == "Reminder: your check-in is waiting"


def test_no_reminder_once_answered(client_for, patient_user, operated):
    six_weeks = operated.follow_ups.get(timepoint="6w")

    def answer_on_day_40(day):
        if day == 40:
            response = client_for(patient_user).post(
                url(six_weeks),
                answers(daily_activities="not_yet", returned_to_daily_activities_on=""),
            )
            assert response.status_code == 302

    sent = simulate(range(30, 60), on_day=answer_on_day_40)
    assert sorted(sent) == [35]
    six_weeks.refresh_from_db()
    assert six_weeks.completed_at is not None


def test_the_reminder_days_are_configurable(settings, patient_user, operated):
    settings.CHECKIN_REMINDER_DAYS = (3,)
    assert sorted(simulate(range(70, 121))) == [75, 78]


def test_two_check_ins_opening_the_same_day_make_one_email_a_day(
    patient, patient_user, specialist, operated
):
    # A second procedure 25 days later: its 2-week window opens on day 35, with the first's
    # 6-week window; it closes first (day 46), so it goes first.
    with at(25):
        second = schedule_for(patient, specialist, days_ago=0)
    sent = simulate(range(30, 60))
    assert all(len(emails) == 1 for emails in sent.values())
    first_6w = operated.follow_ups.get(timepoint="6w")
    second_2w = second.follow_ups.get(timepoint="2w")
    assert kinds_by_day(second_2w) == {35: "invitation", 42: "reminder_1"}
    # Each waited a day where the other went first, and kept a week between its own emails.
    assert kinds_by_day(first_6w) == {36: "invitation", 43: "reminder_1", 50: "reminder_2"}
    assert (
        Counter(r.sent_at.date() for r in CheckinReminder.objects.all()).most_common(1)[0][1] == 1
    )


def test_an_opted_out_patient_gets_nothing_and_turning_emails_on_again_resumes(
    patient, patient_user, operated
):
    def toggle(day):
        if day == 0:
            checkins.set_checkin_email_opt_out(patient=patient, opt_out=True)
        if day == 80:
            checkins.set_checkin_email_opt_out(patient=patient, opt_out=False)

    sent = simulate(range(0, 100), on_day=toggle)
    # Back on during the 3-month window: invited at once, reminded a week and two weeks later.
    assert sorted(sent) == [80, 87, 94]


def test_a_patient_without_a_login_gets_no_email(specialist):
    from tests import factories

    with at(0):
        schedule_for(factories.PatientFactory(user=None), specialist, days_ago=0)
    assert simulate(range(0, 100)) == {}


def test_two_runs_at_once_queue_each_email_once(monkeypatch, patient_user, operated):
    """A second run that listed its candidates before the first wrote its rows: the patient's
    row lock and the unique (follow_up, kind) leave it nothing to queue."""
    with at(75):
        stale = list(checkins.reminder_recipients())
        assert run_twice() == "Queued 1 check-in email.\n"
        monkeypatch.setattr(checkins, "reminder_recipients", lambda today=None: stale)
        monkeypatch.setattr(checkins, "_emailed_today", lambda patient_ids, today: set())
        with TestCase.captureOnCommitCallbacks(execute=True):
            assert checkins.send_checkin_reminders() == 0
    assert len(mail.outbox) == 1
    assert CheckinReminder.objects.count() == 1


def test_the_database_refuses_a_second_email_of_the_same_kind(operated):
    from django.db import IntegrityError, transaction

    follow_up = operated.follow_ups.first()
    CheckinReminder.objects.create(follow_up=follow_up, email="p@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        CheckinReminder.objects.create(follow_up=follow_up, email="p@example.org")
