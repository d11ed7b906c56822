"""The link in a check-in email: it opens that one check-in, after the patient's date of birth,
without a login; single use, valid until the window closes, locked after three wrong dates,
stored only as a hash, audited, and nothing else in the portal opens with it."""

import datetime
import hashlib
import re

import pytest
from django.core import mail
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from cases import checkins
from cases.models import CheckinLink, CheckinReminder, FollowUp
from clinic.models import AuditEvent, Patient
from tests import factories
from tests.cases.test_checkins import answers, schedule_for, url

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+/cases/checkin-link/([\w-]+)/")
UNSUBSCRIBE = re.compile(r"https?://\S+(/cases/email-preferences/unsubscribe/\S+/)")


@pytest.fixture
def due_checkin(patient, specialist):
    return schedule_for(patient, specialist).follow_ups.get(timepoint="3m")


def email_for(follow_up):
    """Queue and send the check-in email of ``follow_up`` (as the daily command does)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert checkins.send_checkin_reminders() >= 1
    return mail.outbox[-1]


def path_in(email):
    token = LINK.search(email.body).group(1)
    return reverse("cases:checkin_link_open", args=[token]), token


def dob_form(patient, day=None):
    return {"date_of_birth": (day or patient.date_of_birth).isoformat()}


def wrong_dob(patient):
    return dob_form(patient, patient.date_of_birth - datetime.timedelta(days=1))


@pytest.fixture
def opened(client, due_checkin):
    """A browser (not logged in) that opened the link of ``due_checkin``'s email."""
    path, _ = path_in(email_for(due_checkin))
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:checkin_link")
    return client


@pytest.fixture
def confirmed(opened, patient):
    response = opened.post(reverse("cases:checkin_link"), dob_form(patient))
    assert response.status_code == 302
    return opened


def events(detail):
    return AuditEvent.objects.filter(detail=detail)


# --- the email -----------------------------------------------------------------------------------


def test_the_email_has_a_link_in_plain_text_and_html_and_no_health_information(
    settings, due_checkin
):
    settings.SITE_URL = "https://portal.clinic.example"
    email = email_for(due_checkin)
    path, token = path_in(email)
    [(html, mimetype)] = email.alternatives
    assert mimetype == "text/html"
    assert f"https://portal.clinic.example{path}" in email.body
    assert f'href="https://portal.clinic.example{path}"' in html
    assert "date of birth" in email.body
    assert UNSUBSCRIBE.search(email.body)
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    consult = due_checkin.procedure.decision.consult
    secrets = ["3-month", "3 month", "MISS", "endoscop", "disc", "surgery", "procedure", "ODI"]
    for text in (email.subject, email.body, html):
        for secret in [*secrets, consult.level, due_checkin.patient.mrn]:
            assert secret.lower() not in text.lower()


def test_the_token_is_stored_only_as_its_hash(due_checkin):
    _, token = path_in(email_for(due_checkin))
    link = CheckinLink.objects.get()
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = [str(value) for value in CheckinLink.objects.values().get().values()]
    assert not any(token in value for value in stored)
    assert link.expires_on == due_checkin.window_closes


def test_each_email_carries_its_own_link_and_both_work(client, patient, due_checkin):
    first, _ = path_in(email_for(due_checkin))
    with freeze_time(timezone.now() + datetime.timedelta(days=7)):
        second, _ = path_in(email_for(due_checkin))
        assert first != second
        for path in (first, second):
            assert client.get(path).status_code == 302


# --- the date of birth ---------------------------------------------------------------------------


def test_the_link_asks_for_the_date_of_birth_and_shows_nothing_about_the_patient(
    opened, patient, due_checkin
):
    patient = factories.distinctly_named(patient)
    response = opened.get(reverse("cases:checkin_link"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "date of birth" in body
    for secret in [patient.given_name, patient.family_name, "3-month", "Your pain"]:
        assert secret not in body
    assert events("check-in link opened").filter(patient=patient).count() == 1


def test_a_wrong_date_of_birth_says_so_and_counts(opened, patient):
    response = opened.post(reverse("cases:checkin_link"), wrong_dob(patient))
    assert response.status_code == 200
    assert "does not match our records. 2 attempts left" in response.content.decode()
    assert CheckinLink.objects.get().failed_attempts == 1
    assert events("check-in link: wrong date of birth").filter(patient=patient).count() == 1


def test_a_missing_or_malformed_date_of_birth_is_a_clear_error_not_an_attempt(opened):
    for data in ({}, {"date_of_birth": "31/31/1970"}):
        response = opened.post(reverse("cases:checkin_link"), data)
        assert response.status_code == 200
        assert "Enter your date of birth" in response.content.decode()
    assert CheckinLink.objects.get().failed_attempts == 0


def test_three_wrong_dates_lock_every_link_of_the_checkin(client, opened, patient, due_checkin):
    for _ in range(2):
        opened.post(reverse("cases:checkin_link"), wrong_dob(patient))
    response = opened.post(reverse("cases:checkin_link"), wrong_dob(patient))
    assert "log in to the patient portal as usual" in response.content.decode()
    assert events("check-in link locked").filter(patient=patient).count() == 1
    # The right date no longer opens it, through this link or a new one.
    response = opened.post(reverse("cases:checkin_link"), dob_form(patient))
    assert "Please open the link in your check-in email again" in response.content.decode()
    with freeze_time(timezone.now() + datetime.timedelta(days=7)):
        second, _ = path_in(email_for(due_checkin))
        response = client.get(second)
    assert "locked" in response.content.decode()
    assert FollowUp.objects.get(pk=due_checkin.pk).completed_at is None


# --- answering -----------------------------------------------------------------------------------


def test_the_right_date_opens_the_checkin_and_the_answers_are_the_patients(
    confirmed, patient, patient_user, due_checkin
):
    response = confirmed.get(reverse("cases:checkin_link"))
    assert response.status_code == 200
    assert due_checkin.checkin_title in response.content.decode()
    response = confirmed.post(reverse("cases:checkin_link"), answers())
    assert response["Location"] == reverse("cases:checkin_link_done")
    assert "Your check-in is sent" in confirmed.get(response["Location"]).content.decode()
    due_checkin.refresh_from_db()
    assert due_checkin.completed_at is not None
    assert due_checkin.source == FollowUp.Source.PATIENT
    assert due_checkin.nrs_back == 2
    link = CheckinLink.objects.get()
    assert link.used_at is not None
    submitted = events("check-in submitted through link").get()
    assert submitted.patient == patient
    assert submitted.user == patient_user
    assert events("check-in link: date of birth confirmed").count() == 1


def test_the_link_is_single_use(client, confirmed, patient, due_checkin):
    path = LINK.search(mail.outbox[-1].body).group(0)
    confirmed.post(reverse("cases:checkin_link"), answers())
    response = client.get(path)
    assert "already been answered" in response.content.decode()
    response = confirmed.post(reverse("cases:checkin_link"), answers(nrs_back="9"))
    assert response.status_code == 403
    due_checkin.refresh_from_db()
    assert due_checkin.nrs_back == 2


def test_a_draft_can_be_saved_through_the_link(confirmed, due_checkin):
    response = confirmed.post(
        reverse("cases:checkin_link"), {"nrs_back": "4", "save_draft": ""}, follow=True
    )
    assert "Your answers are saved" in response.content.decode()
    due_checkin.refresh_from_db()
    assert due_checkin.checkin_draft["nrs_back"] == 4
    assert due_checkin.completed_at is None


def test_the_link_expires_when_the_window_closes(client, patient, due_checkin):
    path, _ = path_in(email_for(due_checkin))
    with freeze_time(datetime.datetime.combine(due_checkin.window_closes, datetime.time(12))):
        assert client.get(path).status_code == 302
    with freeze_time(
        datetime.datetime.combine(
            due_checkin.window_closes + datetime.timedelta(days=1), datetime.time(12)
        )
    ):
        response = client.get(path)
        assert "This link has expired" in response.content.decode()
        # A browser that opened it before is refused too.
        response = client.post(reverse("cases:checkin_link"), dob_form(patient))
        assert "expired" in response.content.decode() or response.status_code == 403


def test_an_unknown_token_is_not_found(client):
    response = client.get(reverse("cases:checkin_link_open", args=["x" * 43]))
    assert response.status_code == 404
    assert "This link is not valid" in response.content.decode()


def test_the_page_without_a_link_opened_is_refused(client):
    response = client.get(reverse("cases:checkin_link"))
    assert response.status_code == 403


def test_a_forged_session_marker_is_refused(client, due_checkin):
    link, _ = CheckinLink.issue(follow_up=due_checkin)
    session = client.session
    session["checkin_link"] = {"link": link.pk, "follow_up": due_checkin.pk, "confirmed": True}
    session.save()
    assert client.get(reverse("cases:checkin_link")).status_code == 403


# --- nothing else opens --------------------------------------------------------------------------


def test_a_link_session_opens_nothing_else(confirmed, patient, specialist, due_checkin):
    other = due_checkin.procedure.follow_ups.exclude(pk=due_checkin.pk).first()
    someone_else = schedule_for(factories.PatientFactory(), specialist).follow_ups.first()
    article = factories.published_article(article__audience="patients")
    login = reverse("login")
    patient = factories.distinctly_named(patient)
    home = confirmed.get(reverse("dashboard"))  # the public home page, as for anyone
    assert home.context["user"].is_anonymous
    assert patient.family_name not in home.content.decode()
    for path in [
        url(other),
        url(due_checkin),  # the logged-in page of the same check-in
        url(someone_else),
        reverse("cases:patient_detail", args=[patient.pk]),
        reverse("cases:email_preferences"),
        reverse("education:article_detail", args=[article.slug]),
    ]:
        response = confirmed.get(path)
        assert response.status_code in (302, 404), path
        if response.status_code == 302:
            assert response["Location"].startswith(login), path
    response = confirmed.get(reverse("admin:index"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
    # The link page itself still shows this one check-in.
    assert confirmed.get(reverse("cases:checkin_link")).status_code == 200
    assert "_auth_user_id" not in confirmed.session


def test_a_link_opened_in_a_patients_browser_does_not_answer_for_another_check_in(
    client_for, patient_user, other_patient_user, specialist, due_checkin
):
    """The marker names one follow-up: a second link in the same browser replaces it."""
    theirs = schedule_for(other_patient_user.patient, specialist).follow_ups.get(timepoint="3m")
    client = client_for(None)
    mine_path, _ = path_in(email_for(due_checkin))
    with freeze_time(timezone.now() + datetime.timedelta(days=1)):
        email = next(e for e in reversed(mail.outbox) if e.to == [other_patient_user.email])
        theirs_path, _ = path_in(email)
        client.get(mine_path)
        client.get(theirs_path)
        client.post(reverse("cases:checkin_link"), dob_form(other_patient_user.patient))
        response = client.get(reverse("cases:checkin_link"))
        assert theirs.checkin_title in response.content.decode()
        client.post(reverse("cases:checkin_link"), answers())
    due_checkin.refresh_from_db()
    theirs.refresh_from_db()
    assert due_checkin.completed_at is None
    assert theirs.completed_at is not None


# --- opting out ----------------------------------------------------------------------------------


def test_the_unsubscribe_link_asks_then_turns_check_in_emails_off(client, patient, due_checkin):
    path = UNSUBSCRIBE.search(email_for(due_checkin).body).group(1)
    response = client.get(path)
    assert "Stop check-in emails" in response.content.decode()
    assert not Patient.objects.get(pk=patient.pk).checkin_emails_opt_out
    # The mail client's one-click POST carries no CSRF token.
    client.handler.enforce_csrf_checks = True
    response = client.post(path)
    assert "no more check-in emails" in response.content.decode()
    assert Patient.objects.get(pk=patient.pk).checkin_emails_opt_out
    assert events("check-in emails turned off (unsubscribe link)").filter(patient=patient).exists()
    assert client.get(path[:-5] + "xxxx/").status_code == 404


def test_email_preferences_anonymous_is_sent_to_log_in(client_for):
    response = client_for(None).get(reverse("cases:email_preferences"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_email_preferences_are_for_patients_only(client_for, specialist):
    assert client_for(specialist).get(reverse("cases:email_preferences")).status_code == 403


def test_a_patient_turns_check_in_emails_off_and_on(client_for, patient_user, patient):
    client = client_for(patient_user)
    page = client.get(reverse("cases:email_preferences"))
    assert 'name="checkin_emails"' in page.content.decode()
    assert "checked" in page.content.decode()
    client.post(reverse("cases:email_preferences"), {})
    assert Patient.objects.get(pk=patient.pk).checkin_emails_opt_out
    client.post(reverse("cases:email_preferences"), {"checkin_emails": "on"})
    assert not Patient.objects.get(pk=patient.pk).checkin_emails_opt_out
    assert events("check-in emails turned off").filter(user=patient_user).count() == 1
    assert events("check-in emails turned on").filter(user=patient_user).count() == 1


def test_an_opted_out_patient_gets_no_check_in_email(patient, due_checkin):
    checkins.set_checkin_email_opt_out(patient=patient, opt_out=True)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert checkins.send_checkin_reminders() == 0
    assert mail.outbox == []
    assert not CheckinReminder.objects.exists()


def test_an_email_queued_before_the_patient_answered_is_not_sent(
    client_for, patient_user, due_checkin
):
    with TestCase.captureOnCommitCallbacks(execute=False) as queued:
        checkins.send_checkin_reminders()
    client_for(patient_user).post(url(due_checkin), answers())
    for callback in queued:
        callback()
    assert mail.outbox == []
    assert not CheckinLink.objects.exists()


def test_staff_turn_a_patients_check_in_emails_off_on_the_patient_form(client_for, specialist):
    patient = factories.PatientFactory()
    url = reverse("cases:patient_edit", args=[patient.pk])
    client = client_for(specialist)
    page = client.get(url)
    assert "No check-in emails" in page.content.decode()
    data = {
        **page.context["form"].initial,
        "primary_specialist": "",
        "checkin_emails_opt_out": "on",
    }
    data["date_of_birth"] = patient.date_of_birth.isoformat()
    response = client.post(url, {k: v for k, v in data.items() if v is not None})
    assert response.status_code == 302
    assert Patient.objects.get(pk=patient.pk).checkin_emails_opt_out
