import pytest
from django.core import mail
from django.urls import reverse

from clinic.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_sees_public_landing_page(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Patient information" in response.content
    assert reverse("login").encode() in response.content


def test_patient_dashboard_shows_reading_list(client_for, patient_user):
    response = client_for(patient_user).get("/")
    assert response.status_code == 200
    assert b"Your reading list" in response.content
    assert b"Your patients" not in response.content


def test_specialist_dashboard_lists_their_patients(client_for, specialist, patient):
    patient.primary_specialist = specialist
    patient.save()
    response = client_for(specialist).get("/")
    assert response.status_code == 200
    assert b"Your patients" in response.content
    assert patient.mrn.encode() in response.content
    assert b"Your reading list" not in response.content


def test_editor_dashboard_shows_articles_and_no_patients(client_for, editor, patient):
    response = client_for(editor).get("/")
    assert response.status_code == 200
    assert b"Articles" in response.content
    assert b"Your patients" not in response.content
    assert patient.mrn.encode() not in response.content


def test_pages_require_login_unless_public(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_with_real_form_lands_on_dashboard(client, patient_user):
    response = client.post(
        reverse("login"),
        {"username": patient_user.username, "password": "correct-horse-battery"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("dashboard")
    assert response.context["user"] == patient_user
    assert AuditEvent.objects.filter(action="login", user=patient_user).exists()


def test_failed_login_is_audited_without_revealing_the_account(client, patient_user):
    known = client.post(reverse("login"), {"username": patient_user.username, "password": "wrong"})
    unknown = client.post(reverse("login"), {"username": "nobody-here", "password": "wrong"})
    assert known.status_code == unknown.status_code == 200
    assert known.context["form"].errors == unknown.context["form"].errors
    assert AuditEvent.objects.filter(action="login_failed").count() == 2


def test_logout_is_a_post_and_is_audited(client_for, patient_user):
    client = client_for(patient_user)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="logout", user=patient_user).exists()
    assert client.get(reverse("password_change")).status_code == 302


def test_password_reset_does_not_say_whether_an_address_exists(client, patient_user):
    known = client.post(reverse("password_reset"), {"email": patient_user.email}, follow=True)
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.org"}, follow=True)
    assert known.redirect_chain == unknown.redirect_chain
    assert known.content == unknown.content
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [patient_user.email]
    assert "/accounts/reset/" in mail.outbox[0].body


def test_password_change_requires_twelve_characters(client_for, patient_user):
    response = client_for(patient_user).post(
        reverse("password_change"),
        {
            "old_password": "correct-horse-battery",
            "new_password1": "Sh0rt!pass",
            "new_password2": "Sh0rt!pass",
        },
    )
    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()
    patient_user.refresh_from_db()
    assert patient_user.check_password("correct-horse-battery")


def test_passwords_are_hashed_with_argon2():
    from django.contrib.auth.hashers import Argon2PasswordHasher

    from config.settings import base as project_settings  # the tests use a fast hasher

    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert (
        Argon2PasswordHasher()
        .encode("a-long-enough-password", "somesalt12345678")
        .startswith("argon2")
    )


def test_unknown_page_answers_404_in_the_portals_look(client_for, patient_user):
    response = client_for(patient_user).get("/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"Skip to main content" in response.content


def test_base_layout_has_landmarks_language_and_skip_link(client):
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert 'href="#main"' in html and 'id="main"' in html
    assert "<nav" in html and "<footer" in html


@pytest.mark.parametrize("name", ["specialist", "editor", "superuser"])
def test_staff_reach_the_shared_admin(client_for, request, name):
    user = request.getfixturevalue(name)
    response = client_for(user).get(reverse("admin:index"))
    assert response.status_code == 200


def test_patients_do_not_reach_the_admin(client_for, patient_user):
    response = client_for(patient_user).get(reverse("admin:index"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_admin_shows_patients_to_specialists_not_editors(client_for, specialist, editor, patient):
    url = reverse("admin:clinic_patient_changelist")
    assert client_for(specialist).get(url).status_code == 200
    assert client_for(editor).get(url).status_code == 403


def test_audit_trail_in_admin_is_for_superusers_only(client_for, specialist, superuser):
    url = reverse("admin:clinic_auditevent_changelist")
    assert client_for(specialist).get(url).status_code == 403
    assert client_for(superuser).get(url).status_code == 200


def test_security_headers_are_sent(client):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Referrer-Policy"] == "same-origin"


def test_the_csp_allows_nothing_inline_and_no_other_origin(client):
    policy = client.get("/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert {"default-src", "script-src", "style-src", "object-src"} <= set(directives)
    sources = {source for value in directives.values() for source in value.split()}
    assert sources <= {"'self'", "'none'", "data:"}, sources
    assert directives["script-src"] == directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"


def test_cookies_are_secure_httponly_and_samesite_in_production(client, patient_user):
    """The tests run with production settings (DEBUG off)."""
    csrf = client.get(reverse("login")).cookies["csrftoken"]
    response = client.post(
        reverse("login"),
        {"username": patient_user.username, "password": "correct-horse-battery"},
    )
    session = response.cookies["sessionid"]
    for cookie in (csrf, session):
        assert cookie["secure"] is True
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"
