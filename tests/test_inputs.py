"""Input the portal refuses: a NUL character anywhere, over-long text, query parameters that are
not what the page asks for. Each answers 400 or 404 (or a form error) with a message, never a
server error, on SQLite and PostgreSQL alike (PostgreSQL refuses a NUL in any text it is given).

The property test posting every class of hostile input to every form and filter is
tests/cases/test_properties_hostile.py.
"""

import pytest
from django import forms
from django.apps import apps
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.db import models
from django.test import Client
from django.urls import reverse

from cases import checkins, views_outcomes
from cases import forms as cases_forms
from clinic import forms as clinic_forms
from clinic.inputs import MAX_QUERY_VALUE_LENGTH
from clinic.models import AuditEvent
from education import forms as education_forms
from education.models import ArticleVersion
from tests import factories

pytestmark = pytest.mark.django_db

PORTAL_APPS = ("clinic", "education", "cases")


def test_every_free_text_field_of_the_portals_models_has_a_maximum_length():
    unbounded = [
        f"{model._meta.label}.{field.name}"
        for app in PORTAL_APPS
        for model in apps.get_app_config(app).get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.CharField | models.TextField)
        and field.editable
        and field.max_length is None
    ]
    assert not unbounded


FORM_MODULES = (clinic_forms, cases_forms, education_forms, checkins, views_outcomes)


def test_every_free_text_field_of_the_portals_forms_has_a_maximum_length():
    """Checked by the field's validators: Django's own login form sets a maximum length that it
    does not check. Passwords are hashed, never stored as typed, and keep Django's rules."""
    form_classes = {
        value
        for module in FORM_MODULES
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, forms.BaseForm)
        and value.__module__ == module.__name__
    }
    unbounded = []
    for form_class in form_classes:
        fields = (
            form_class().fields
            if issubclass(form_class, AuthenticationForm)
            else form_class.base_fields
        )
        unbounded += [
            f"{form_class.__name__}.{name}"
            for name, field in fields.items()
            if isinstance(field, forms.CharField)
            and not isinstance(field.widget, forms.PasswordInput)
            and not any(isinstance(v, MaxLengthValidator) for v in field.validators)
        ]
    assert len(form_classes) > 15
    assert not unbounded


# --- NUL characters ----------------------------------------------------------------------------


def assert_refused_for_nul(response):
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()


def test_a_nul_byte_in_the_address_is_refused_with_a_message(client):
    article = factories.published_article()
    assert_refused_for_nul(client.get(f"/education/articles/{article.slug}/%00/"))
    assert_refused_for_nul(client.get("/education/articles/a%00b/"))


def test_an_article_in_a_language_the_portal_does_not_have_is_not_found(client):
    article = factories.published_article()
    url = reverse("education:article_detail", args=[article.slug, "xx-not-a-language"])
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("education:article_detail", args=[article.slug, "en"])).status_code
        == 200
    )


def test_a_nul_byte_in_a_review_note_is_refused_and_the_version_stays_in_review(
    client_for, specialist
):
    version = factories.ArticleVersionFactory(status="in_review")
    url = reverse("education:version_action", args=[version.pk, "request-changes"])
    response = client_for(specialist).post(url, {"note": "Add\x00 when to call."}, follow=True)
    assert "Null characters are not allowed" in response.content.decode()
    version.refresh_from_db()
    assert version.status == "in_review" and version.review_note == ""


def test_a_nul_byte_in_a_query_parameter_is_refused(client_for, specialist):
    client = client_for(specialist)
    assert_refused_for_nul(client.get(reverse("cases:patient_list"), {"q": "Lo\x00pez"}))
    assert_refused_for_nul(client.get(reverse("cases:patient_list"), {"page": "\x00"}))


def test_a_nul_byte_in_a_posted_field_is_a_form_error_and_nothing_is_written(
    client_for, specialist
):
    client = client_for(specialist)
    before = AuditEvent.objects.count()
    response = client.post(
        reverse("cases:patient_create"),
        {"mrn": "X1", "given_name": "A\x00", "family_name": "B", "date_of_birth": "1970-01-01"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["given_name"] == ["Null characters are not allowed."]
    assert AuditEvent.objects.count() == before


def test_a_nul_byte_in_the_session_cookie_is_refused_not_looked_up(client):
    client.cookies["sessionid"] = "abcdefgh\x00ijklmnop"
    assert_refused_for_nul(client.get("/"))


def test_a_nul_byte_in_a_header_is_refused_before_the_login_records_it(patient_user):
    client = Client(HTTP_USER_AGENT="Mozilla\x00/5.0")
    response = client.post(
        reverse("login"), {"username": patient_user.username, "password": "correct-horse-battery"}
    )
    assert_refused_for_nul(response)
    assert not AuditEvent.objects.filter(action="login").exists()


# --- lengths -----------------------------------------------------------------------------------


def test_a_patient_search_of_600_words_is_refused_with_a_message(client_for, specialist):
    words = " ".join(f"word{n}" for n in range(600))
    response = client_for(specialist).get(reverse("cases:patient_list"), {"q": words})
    assert response.status_code == 400
    assert f"longer than {MAX_QUERY_VALUE_LENGTH} characters" in response.content.decode()


def test_a_patient_search_longer_than_its_field_shows_the_error(client_for, specialist):
    response = client_for(specialist).get(reverse("cases:patient_list"), {"q": "ab " * 40})
    assert response.status_code == 200
    assert "at most 100 characters" in response.content.decode()


def test_a_review_note_longer_than_its_limit_is_refused_with_a_message(client_for, specialist):
    version = factories.ArticleVersionFactory(status="in_review")
    url = reverse("education:version_action", args=[version.pk, "request-changes"])
    limit = ArticleVersion._meta.get_field("review_note").max_length
    response = client_for(specialist).post(url, {"note": "x" * (limit + 1)}, follow=True)
    assert f"at most {limit} characters" in response.content.decode()
    version.refresh_from_db()
    assert version.status == "in_review" and version.review_note == ""


@pytest.mark.parametrize("login", ["login", "admin:login"])
def test_a_username_longer_than_any_account_has_is_refused_as_too_long(client, login):
    response = client.post(reverse(login), {"username": "u" * 3000, "password": "p" * 3000})
    assert response.status_code == 200
    assert "at most 150 characters" in str(response.context["form"].errors)


def test_the_lockout_counts_a_username_cut_to_the_length_accounts_have(rf):
    from clinic.inputs import login_username

    assert login_username(None, {"username": "u" * 3000}) == "u" * 150
    assert login_username(rf.post("/", {"username": "u" * 3000}), None) == "u" * 150


# --- query parameters that are not what the page asks for -------------------------------------


@pytest.mark.parametrize("against", ["abc", "1.5", "NaN", "-1", "9" * 30, "²"])
def test_a_diff_against_something_that_is_not_a_version_is_a_400(client_for, editor, against):
    draft = factories.ArticleVersionFactory()
    response = client_for(editor).get(
        reverse("education:version_diff", args=[draft.pk]), {"against": against}
    )
    assert response.status_code == 400
    assert "Choose another version of this article" in response.content.decode()


def test_a_diff_against_another_articles_version_is_a_400_and_against_its_own_opens(
    client_for, editor
):
    first = factories.published_article().published_version
    second = factories.ArticleVersionFactory(article=first.article)
    elsewhere = factories.ArticleVersionFactory()
    client = client_for(editor)
    url = reverse("education:version_diff", args=[second.pk])
    assert client.get(url, {"against": elsewhere.pk}).status_code == 400
    assert client.get(url, {"against": first.pk}).status_code == 200
