"""Password reset answers a known and an unknown address alike — the account is looked up and
the email sent by a background task, never in the request — and is limited per address and per
IP address."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks import default_task_backend

from clinic import services
from clinic.tasks import send_password_reset
from tests import factories

pytestmark = pytest.mark.django_db

URL = reverse("password_reset")


@pytest.fixture
def queued(settings):
    """Background tasks are kept, not run: the list of what was queued."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    return default_task_backend.results


def ask(client, email, ip="192.0.2.1"):
    return client.post(URL, {"email": email}, REMOTE_ADDR=ip)


def test_asking_for_a_reset_looks_up_no_account_and_sends_nothing_in_the_request(
    client, patient_user, queued, settings
):
    settings.SITE_URL = "https://portal.clinic.example"
    with CaptureQueriesContext(connection) as queries:
        response = ask(client, patient_user.email.upper())
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert not [q["sql"] for q in queries if "clinic_user" in q["sql"]]
    assert mail.outbox == []
    [result] = queued
    assert result.task == send_password_reset
    # The worker runs it: the email goes out then, with a link to the portal's own address.
    result.task.call(*result.args, **result.kwargs)
    [email] = mail.outbox
    assert email.to == [patient_user.email]
    assert "https://portal.clinic.example/accounts/reset/" in email.body


def test_a_known_and_an_unknown_address_get_the_same_answer_from_the_same_queries(
    client, patient_user, queued
):
    answers, sql = [], []
    for email in (patient_user.email, "nobody@example.org"):
        with CaptureQueriesContext(connection) as queries:
            response = ask(client, email)
        answers.append((response.status_code, response["Location"]))
        sql.append([q["sql"] for q in queries])
    assert answers[0] == answers[1]
    assert sql[0] == sql[1]
    assert len(queued) == 2 and mail.outbox == []


def test_the_task_emails_only_active_accounts_with_that_address(patient_user):
    inactive = factories.UserFactory(email="gone@example.org", is_active=False)
    send_password_reset.call("nobody@example.org")
    send_password_reset.call(inactive.email)
    assert mail.outbox == []
    send_password_reset.call(patient_user.email)
    assert [email.to for email in mail.outbox] == [[patient_user.email]]


def test_one_address_is_sent_three_links_an_hour_then_refused_with_a_message(client, patient_user):
    for _ in range(services.PASSWORD_RESET_PER_ADDRESS):
        assert ask(client, patient_user.email).status_code == 302
    response = ask(client, patient_user.email.upper(), ip="198.51.100.7")  # another network
    assert response.status_code == 429
    assert services.PASSWORD_RESET_LIMITED in response.content.decode()
    assert len(mail.outbox) == services.PASSWORD_RESET_PER_ADDRESS


def test_the_limit_answers_an_unknown_address_exactly_as_a_known_one(client, patient_user):
    refused = []
    for email in (patient_user.email, "nobody@example.org"):
        for _ in range(services.PASSWORD_RESET_PER_ADDRESS):
            ask(client, email)
        response = ask(client, email)
        refused.append((response.status_code, response.context["form"].errors))
    assert refused[0] == refused[1]
    assert refused[0][0] == 429


def test_one_ip_address_asking_for_many_addresses_is_refused(client, queued):
    for n in range(services.PASSWORD_RESET_PER_IP):
        assert ask(client, f"person{n}@example.org").status_code == 302
    assert ask(client, "one-more@example.org").status_code == 429
    assert ask(client, "one-more@example.org", ip="198.51.100.7").status_code == 302
    assert len(queued) == services.PASSWORD_RESET_PER_IP + 1
