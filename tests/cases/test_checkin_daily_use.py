"""The check-in as patients use it every day (issue 14): the pain scale, the dates that apply
only to "Yes", and the check-ins they have sent kept on their dashboard."""

import datetime

import pytest
from django.utils import timezone

from cases.models import FollowUp
from tests.cases.test_checkins import answers, schedule_for, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def due_checkin(patient, specialist):
    return schedule_for(patient, specialist).follow_ups.get(timepoint="3m")


def completed(follow_up, at, source=FollowUp.Source.PATIENT):
    follow_up.completed_at, follow_up.source = at, source
    follow_up.assessed_on = at.date()
    follow_up.out_of_window_reason = "test: completed on a chosen day"
    follow_up.nrs_back = follow_up.nrs_leg = 3
    follow_up.save()


def test_pain_scale_is_one_fieldset_with_eleven_labelled_buttons_and_its_anchors(
    client_for, patient_user, due_checkin
):
    html = client_for(patient_user).get(url(due_checkin)).content.decode()
    assert html.count('class="mb-4 checkin-question nrs-scale"') == 2
    assert html.count('class="btn-check"') == 22
    assert 'aria-describedby="id_nrs_back_anchors"' in html
    assert 'id="id_nrs_back_anchors"' in html
    assert '<span class="visually-hidden"> (no pain)</span>' in html
    assert '<span class="visually-hidden"> (worst pain imaginable)</span>' in html
    assert "10 = worst pain imaginable" in html
    assert "css/checkin.css" in html
    assert "js/checkin.js" in html


def test_since_dates_are_marked_as_shown_only_for_yes(client_for, patient_user, due_checkin):
    html = client_for(patient_user).get(url(due_checkin)).content.decode()
    assert 'data-shown-if="daily_activities" data-shown-value="yes"' in html
    assert 'data-shown-if="work" data-shown-value="yes"' in html


@pytest.mark.parametrize("date", ["2999-01-01", "2001-01-01", "not a date"])
def test_a_since_date_sent_with_not_yet_is_ignored_not_refused(
    client_for, patient_user, due_checkin, date
):
    """Without JavaScript the date fields stay visible: one filled in and then "Not yet"
    chosen neither blocks the check-in nor is stored."""
    response = client_for(patient_user).post(
        url(due_checkin),
        answers(
            daily_activities="not_yet",
            returned_to_daily_activities_on=date,
            work="not_yet",
            returned_to_work_on=date,
        ),
    )
    assert response.status_code == 302
    due_checkin.refresh_from_db()
    assert due_checkin.completed_at is not None
    assert due_checkin.returned_to_daily_activities_on is None
    assert due_checkin.returned_to_work_on is None


def test_a_since_date_with_yes_is_still_validated(client_for, patient_user, due_checkin):
    response = client_for(patient_user).post(
        url(due_checkin), answers(work="yes", returned_to_work_on="not a date")
    )
    assert response.status_code == 200
    assert "returned_to_work_on" in response.context["form"].errors
    due_checkin.refresh_from_db()
    assert due_checkin.completed_at is None


def test_a_sent_checkin_stays_on_the_dashboard_as_completed_with_its_date(
    client_for, patient_user, due_checkin
):
    client = client_for(patient_user)
    client.post(url(due_checkin), answers())
    due_checkin.refresh_from_db()
    response = client.get("/")
    assert response.context["checkins_due"] == []
    assert response.context["checkins_completed"] == [due_checkin]
    html = response.content.decode()
    assert "Completed check-ins" in html
    sent_on = timezone.localtime(due_checkin.completed_at).date()
    assert f'Sent on <time datetime="{sent_on:%Y-%m-%d}">' in html
    assert url(due_checkin) in html


def test_completed_checkins_are_listed_latest_first_and_not_another_patients(
    client_for, patient_user, other_patient_user, specialist, due_checkin
):
    earlier = due_checkin.patient.follow_ups.get(timepoint="6w")
    now = timezone.now()
    for follow_up, days_ago in ((earlier, 50), (due_checkin, 1)):
        completed(follow_up, now - datetime.timedelta(days=days_ago))
    completed(
        schedule_for(other_patient_user.patient, specialist).follow_ups.get(timepoint="6w"), now
    )
    response = client_for(patient_user).get("/")
    assert [f.pk for f in response.context["checkins_completed"]] == [due_checkin.pk, earlier.pk]


def test_a_follow_up_the_clinic_recorded_is_not_listed_as_the_patients_checkin(
    client_for, patient_user, due_checkin
):
    earlier = due_checkin.patient.follow_ups.get(timepoint="6w")
    completed(earlier, timezone.now(), source=FollowUp.Source.SPECIALIST)
    response = client_for(patient_user).get("/")
    assert response.context["checkins_completed"] == []
