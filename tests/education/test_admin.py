import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def test_editors_manage_articles_and_versions_in_the_admin_with_history(
    client_for, editor, live_article
):
    client = client_for(editor)
    version = live_article.published_version
    for url in (
        reverse("admin:education_article_changelist"),
        reverse("admin:education_article_change", args=[live_article.pk]),
        reverse("admin:education_article_history", args=[live_article.pk]),
        reverse("admin:education_articleversion_changelist"),
        reverse("admin:education_articleversion_change", args=[version.pk]),
        reverse("admin:education_articleversion_history", args=[version.pk]),
    ):
        assert client.get(url).status_code == 200, url


def test_a_published_versions_text_cannot_be_changed_in_the_admin(client_for, editor, live_article):
    version = live_article.published_version
    response = client_for(editor).get(
        reverse("admin:education_articleversion_change", args=[version.pk])
    )
    assert b'name="body_markdown"' not in response.content


def test_editors_never_see_assignments_in_the_admin(client_for, editor, specialist, patient):
    assignment = factories.AssignmentFactory(patient=patient)
    changelist = reverse("admin:education_assignment_changelist")
    change = reverse("admin:education_assignment_change", args=[assignment.pk])
    assert client_for(editor).get(changelist).status_code == 403
    assert client_for(editor).get(change).status_code == 403
    assert client_for(specialist).get(changelist).status_code == 200


def test_anonymous_visitors_are_sent_to_the_admin_login(client_for):
    response = client_for(None).get(reverse("admin:education_article_changelist"))
    assert response.status_code == 302
