"""Education pages as they are used every day (issue 14): the patient's answers at both ends of
a long article, the reviewer's page that shows what is signed off, the slug from the title."""

import pytest
from django.urls import reverse

from education import services
from education.models import Article
from tests import factories

pytestmark = pytest.mark.django_db

LONG_BODY = "\n\n".join(f"## Part {n}\n\nWalk a little every day." for n in range(40))


@pytest.fixture
def assignment(patient, specialist):
    return factories.AssignmentFactory(
        patient=patient,
        assigned_by=specialist,
        article=factories.published_article(body_markdown=LONG_BODY),
    )


# --- the patient's answers at the top and the end of the article --------------------------------


def test_i_understood_and_i_have_a_question_are_above_and_below_the_article(
    client_for, patient_user, assignment
):
    html = client_for(patient_user).get(assignment.get_absolute_url()).content.decode()
    article_starts, article_ends = html.index("<article"), html.index("</article>")
    understood = reverse("education:assignment_understood", args=[assignment.pk])
    buttons = [i for i in range(len(html)) if html.startswith(f'action="{understood}"', i)]
    assert len(buttons) == 2
    assert buttons[0] < article_starts < article_ends < buttons[1]
    ask_link = html.index('href="#ask-question"')
    assert ask_link < article_starts
    assert html.index('id="ask-question"') > article_ends


def test_after_i_understood_the_top_offers_only_the_question(client_for, patient_user, assignment):
    client = client_for(patient_user)
    client.post(reverse("education:assignment_understood", args=[assignment.pk]))
    html = client.get(assignment.get_absolute_url()).content.decode()
    assert "I understood</button>" not in html
    assert html.index('href="#ask-question"') < html.index("<article")


def test_with_an_open_question_and_understood_the_top_offers_nothing(
    client_for, patient_user, assignment
):
    client = client_for(patient_user)
    client.post(reverse("education:assignment_understood", args=[assignment.pk]))
    client.post(
        reverse("education:assignment_question", args=[assignment.pk]),
        {"question": "When can I drive?"},
    )
    html = client.get(assignment.get_absolute_url()).content.decode()
    assert "reading-response-top" not in html
    assert 'href="#ask-question"' not in html


def test_the_specialist_sees_no_patient_buttons_on_the_assignment(
    client_for, specialist, assignment
):
    html = client_for(specialist).get(assignment.get_absolute_url()).content.decode()
    assert "reading-response-top" not in html
    assert "I understood</button>" not in html


# --- the reviewer's page -------------------------------------------------------------------------


def _new_version(live_article, editor, body):
    version = services.save_draft(
        article=live_article,
        by=editor,
        title=live_article.published_version.title,
        summary=live_article.published_version.summary,
        body_markdown=body,
    )
    version.submit_for_review(by=editor)
    return version


def test_the_review_page_shows_the_rendered_body_and_the_change_against_the_published_one(
    client_for, live_article, editor, specialist
):
    published = live_article.published_version
    version = _new_version(live_article, editor, "## Rest\n\nRest **two** days, then walk.")
    response = client_for(specialist).get(version.get_absolute_url())
    html = response.content.decode()
    assert response.context["published"] == published
    assert "The text as patients will see it" in html
    assert "Rest</h2>" in html
    assert "<strong>two</strong>" in html
    assert f"Compared with version {published.number}" in html
    assert "<ins>" in html and "<del>" in html
    # Approve is on this page, below what it approves.
    approve = reverse("education:version_action", args=[version.pk, "approve"])
    assert html.index("The text as patients will see it") < html.index(f'action="{approve}"')


def test_a_first_version_in_review_says_all_its_text_is_new(client_for, in_review, specialist):
    html = client_for(specialist).get(in_review.get_absolute_url()).content.decode()
    assert "No version of this article has been published" in html
    assert "Rest a little. Walk a lot." in html


def test_the_published_version_is_not_compared_with_itself(client_for, live_article, editor):
    response = client_for(editor).get(live_article.published_version.get_absolute_url())
    assert response.context["diff"] is None
    assert b"This is the published version." in response.content


def test_the_review_page_is_refused_to_patients(client_for, patient_user, in_review):
    assert client_for(patient_user).get(in_review.get_absolute_url()).status_code == 403


# --- the slug from the title ----------------------------------------------------------------------


def _create(client, slug="", title="Sleeping after surgery"):
    return client.post(
        reverse("education:article_create"),
        {
            "article-slug": slug,
            "article-language": "en",
            "article-topic": "recovery",
            "article-audience": "patients",
            "version-title": title,
            "version-summary": "Positions that help.",
            "version-body_markdown": "## Lying down\n\nLie on your side.",
        },
    )


def test_an_empty_slug_is_made_from_the_title_and_kept_unique(client_for, editor):
    client = client_for(editor)
    assert _create(client).status_code == 302
    assert _create(client).status_code == 302
    assert _create(client, title="Sleeping after surgery!").status_code == 302
    slugs = sorted(Article.objects.values_list("slug", flat=True))
    assert slugs == [f"sleeping-after-surgery{suffix}" for suffix in ("", "-2", "-3")]


def test_a_slug_the_editor_typed_is_kept(client_for, editor):
    _create(client_for(editor), slug="sleep")
    assert Article.objects.get().slug == "sleep"


def test_a_taken_slug_typed_by_the_editor_is_still_refused(client_for, editor):
    client = client_for(editor)
    _create(client, slug="sleep")
    response = _create(client, slug="sleep")
    assert response.status_code == 200
    assert response.context["article_form"].non_field_errors() == [
        "Article with this Slug and Language already exists."
    ]
    assert Article.objects.count() == 1


def test_the_same_title_in_another_language_may_share_the_slug():
    assert Article.objects.unique_slug("Sleeping after surgery", language="es") == (
        "sleeping-after-surgery"
    )


def test_a_title_without_letters_still_makes_a_slug():
    assert Article.objects.unique_slug("¿?", language="en") == "article"


def test_the_new_article_form_fills_the_slug_as_the_title_is_typed(client_for, editor):
    html = client_for(editor).get(reverse("education:article_create")).content.decode()
    assert 'data-slug-from="id_version-title"' in html
    assert "js/article-form.js" in html


def test_editing_an_article_still_needs_its_slug(client_for, live_article, editor):
    html = (
        client_for(editor)
        .get(reverse("education:article_edit", args=[live_article.pk]))
        .content.decode()
    )
    assert "data-slug-from" not in html
    assert "js/article-form.js" not in html
