import re

import pytest
from django.urls import reverse

from education.models import Article, ArticleVersion, Assignment
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


# --- the admin validates and sanitises like the portal -------------------------------------------


def version_form(version, **changes):
    return {
        "title": version.title,
        "summary": version.summary,
        "body_markdown": version.body_markdown,
        **changes,
    }


@pytest.mark.parametrize(
    "body",
    [
        "[x](jav[[figure:]]ascript:alert(1))",  # an unknown (empty) figure, inline
        "[x](jav[[figure:same_day_discharge]]ascript:alert(1))",  # a known one, inline
        "Text.\n\n[[figure:no_such_figure]]\n\nMore.",
    ],
)
def test_the_admins_version_form_refuses_the_figures_the_portal_refuses(
    client_for, editor, draft, body
):
    url = reverse("admin:education_articleversion_change", args=[draft.pk])
    response = client_for(editor).post(url, version_form(draft, body_markdown=body))
    assert response.status_code == 200
    message = " ".join(response.context["adminform"].form.errors["body_markdown"])
    assert "clinic figure" in message
    assert ArticleVersion.objects.get(pk=draft.pk).body_markdown == draft.body_markdown


def test_a_link_split_by_a_figure_saved_in_the_admin_never_reaches_the_page_as_javascript(
    client_for, editor, draft
):
    body = (
        '<div><a href="jav\n\n[[figure:same_day_discharge]]\n\n'
        'ascript:alert(document.domain)">x</a></div>\n\nWalk a lot.'
    )
    client = client_for(editor)
    url = reverse("admin:education_articleversion_change", args=[draft.pk])
    assert client.post(url, version_form(draft, body_markdown=body)).status_code == 302
    assert ArticleVersion.objects.get(pk=draft.pk).body_markdown == body
    page = client.get(reverse("education:version_preview", args=[draft.pk])).content.decode()
    body_html = page[page.index('<div class="article-body">') : page.index("</article>")]
    assert "Walk a lot." in body_html
    assert "script:" not in re.sub(r"\s", "", body_html)


def test_the_next_clinical_review_cannot_be_put_off_in_the_admin(client_for, editor, live_article):
    due = live_article.next_review_due
    url = reverse("admin:education_article_change", args=[live_article.pk])
    client = client_for(editor)
    assert b'name="next_review_due"' not in client.get(url).content
    form = {
        "slug": live_article.slug,
        "language": live_article.language,
        "topic": live_article.topic,
        "audience": live_article.audience,
        "translation_of": "",
        "next_review_due": "2099-01-01",
        "versions-TOTAL_FORMS": "0",
        "versions-INITIAL_FORMS": "0",
    }
    assert client.post(url, form).status_code == 302
    assert Article.objects.get(pk=live_article.pk).next_review_due == due


# --- assignments: what the patient reads as someone's words stays theirs -------------------------


@pytest.mark.parametrize("asked", [True, False])
def test_an_assignments_note_question_and_answer_cannot_be_rewritten_in_the_admin(
    client_for, specialist, other_specialist, superuser, patient, asked
):
    assignment = factories.AssignmentFactory(patient=patient, assigned_by=specialist, note="Read.")
    if asked:
        assignment.ask_question(by=patient.user, text="Can I drive?")
        assignment.answer_question(by=specialist, text="Not for two weeks.")
    before = Assignment.objects.filter(pk=assignment.pk).values().get()
    url = reverse("admin:education_assignment_change", args=[assignment.pk])
    rewrite = {"note": "Changed.", "question": "", "answer": "Drive today.", "answered_by": ""}
    for user in (other_specialist, superuser):
        client = client_for(user)
        page = client.get(url)
        assert page.status_code == 200  # shown, read-only
        assert b"<textarea" not in page.content
        assert client.post(url, rewrite).status_code == 403  # never a server error
    assert Assignment.objects.filter(pk=assignment.pk).values().get() == before


def test_a_specialist_reads_an_article_in_the_admin_through_the_portals_form(
    client_for, specialist, live_article
):
    url = reverse("admin:education_article_change", args=[live_article.pk])
    response = client_for(specialist).get(url)  # view permission only: every field read-only
    assert response.status_code == 200
    assert b'name="slug"' not in response.content
