"""The work queue's counts come from the cache (cases/dashboard.py) and follow every change of
the records they count: a follow-up completed, a patient handed to another specialist, a
consult's baseline filled in, a reminder sent."""

import pytest
from django.utils import timezone

from cases import services
from cases.models import CheckinReminder
from clinic import page_cache
from tests.clinic.test_work_queue import dashboard, operated

pytestmark = pytest.mark.django_db


def counts(client):
    """The counts the dashboard shows, rendered again (not a page from clinic/page_cache.py)."""
    page_cache.move(page_cache.CLINIC)
    context = dashboard(client).context
    return context["follow_up_counts"], context["data_quality"]["counts"]["alerts"]


def test_the_counts_follow_the_records_they_count(client_for, specialist, other_specialist):
    client = client_for(specialist)
    procedure = operated(specialist)  # 2 overdue (non-responders), 1 due
    assert counts(client) == ({"non_responders": 2, "due": 1}, 0)
    assert counts(client) == ({"non_responders": 2, "due": 1}, 0)  # from the cache

    follow_up = procedure.follow_ups.get(timepoint="3m")
    follow_up.assessed_on = timezone.localdate()
    follow_up.nrs_back, follow_up.nrs_leg, follow_up.odi_score = 2, 3, 20
    services.complete_follow_up(
        follow_up=follow_up, expected_version=follow_up.version, by=specialist
    )
    assert counts(client) == ({"non_responders": 2, "due": 0}, 0)

    consult = procedure.decision.consult
    consult.odi_score = None
    consult.save()
    assert counts(client) == ({"non_responders": 2, "due": 0}, 1)

    patient = procedure.patient
    patient.primary_specialist = other_specialist
    patient.save()
    assert counts(client)[0] == {"non_responders": 0, "due": 0}


def test_a_reminder_sent_moves_a_due_follow_up_to_the_non_responders(
    client_for, specialist, settings
):
    settings.CHECKIN_REMINDER_DAYS = ()  # the invitation is the last email
    client = client_for(specialist)
    procedure = operated(specialist)
    assert counts(client)[0] == {"non_responders": 2, "due": 1}
    CheckinReminder.objects.create(
        follow_up=procedure.follow_ups.get(timepoint="3m"), kind="invitation", email="p@example.org"
    )
    assert counts(client)[0] == {"non_responders": 3, "due": 0}
