"""Translations: the shipped Spanish MISS article, assigning in the patient's language, and the
"source updated since this translation" flag editors see."""

import re
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.urls import reverse

from cases import services as cases_services
from education import services
from education.admin import ArticleAdmin
from education.models import Article, ArticleVersion, Assignment
from tests import factories

pytestmark = pytest.mark.django_db

CONTENT = Path(__file__).resolve().parents[2] / "education" / "content"
ENGLISH = CONTENT / "miss-spinal-herniations.md"
SPANISH = CONTENT / "miss-spinal-herniations.es.md"
FIGURE = re.compile(r"\[\[figure:[^\]]+\]\]")
NOTE = "No Spanish version is published; the English article was assigned."


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- the shipped Spanish MISS article -----------------------------------------------------------


def test_the_spanish_miss_article_imports_published_as_a_translation_of_the_english_one():
    call_command("import_articles", str(CONTENT), verbosity=0)
    english = Article.objects.get(slug="miss-spinal-herniations", language="en")
    spanish = Article.objects.get(slug="miss-spinal-herniations", language="es")
    version = spanish.published_version
    assert spanish.is_live and spanish.translation_of == english
    assert spanish.audience == english.audience == "public"
    assert spanish.topic == english.topic
    # Reviewed like any version: the import is the clinic's sign-off, as for the English text.
    assert version.status == ArticleVersion.Status.PUBLISHED
    assert version.reviewed_by.username == services.IMPORT_USERNAME
    assert "the clinic's own text" in version.review_note
    assert version.translated_from == english.published_version
    assert not spanish.is_source_updated
    # Run again: nothing new is written.
    call_command("import_articles", str(CONTENT), verbosity=0)
    assert spanish.versions.count() == 1


def test_the_spanish_miss_article_passes_the_spanish_gate():
    call_command("import_articles", str(CONTENT), verbosity=0)
    version = Article.objects.get(slug="miss-spinal-herniations", language="es").published_version
    assert version.reading_scale == "inflesz"
    assert version.reading_grade >= 55
    assert not version.needs_readability_reason and version.readability_reason == ""


def test_the_spanish_miss_article_mirrors_the_english_structure_and_figures():
    english_meta, english = services.parse_article_file(ENGLISH.read_text(encoding="utf-8"))
    spanish_meta, spanish = services.parse_article_file(SPANISH.read_text(encoding="utf-8"))
    assert (spanish_meta["language"], spanish_meta["translation_of"]) == (
        "es",
        english_meta["slug"],
    )
    assert spanish_meta["slug"] == english_meta["slug"]
    assert FIGURE.findall(spanish) == FIGURE.findall(english)
    # Each figure token on a line of its own, as the English text has it.
    for token in FIGURE.findall(spanish):
        assert f"\n\n{token}\n\n" in spanish
    headings = [line for line in spanish.splitlines() if line.startswith("#")]
    assert len(headings) == len([line for line in english.splitlines() if line.startswith("#")])
    # The same callouts (red flags first), and the same references.
    callout = re.compile(r"^!!! (\w+) ", re.MULTILINE)
    assert callout.findall(spanish) == callout.findall(english) == ["urgent", "note"]
    assert services.references_of(SPANISH.read_text(encoding="utf-8")) == services.references_of(
        ENGLISH.read_text(encoding="utf-8")
    )


def test_the_demo_gives_maria_the_spanish_article(settings):
    settings.DEBUG = True
    call_command("seed_demo", "--password", "demo-password-long", verbosity=0)
    maria = Assignment.objects.get(patient__user__username="patient")
    assert maria.patient.preferred_language == "es"
    assert (maria.article.language, maria.version.status) == ("es", "published")


# --- assigning in the patient's language --------------------------------------------------------


@pytest.fixture
def english_article():
    return factories.published_article(article__slug="walking", title="Walking")


@pytest.fixture
def spanish_article(english_article):
    return factories.published_article(
        article__slug="walking",
        article__language="es",
        article__translation_of=english_article,
        title="Caminar",
    )


def test_a_spanish_speaking_patient_gets_the_published_spanish_version(
    english_article, spanish_article, specialist
):
    patient = factories.PatientFactory(preferred_language="es")
    assignment = services.assign_article(
        article=english_article, patient=patient, assigned_by=specialist
    )
    assert (assignment.article, assignment.version) == (
        spanish_article,
        spanish_article.published_version,
    )
    assert services.fallback_note(article=assignment.article, patient=patient) == ""


def test_an_english_speaking_patient_gets_the_original_even_if_the_translation_is_chosen(
    english_article, spanish_article, specialist
):
    patient = factories.PatientFactory(preferred_language="en")
    assignment = services.assign_article(
        article=spanish_article, patient=patient, assigned_by=specialist
    )
    assert assignment.article == english_article


def test_without_a_published_translation_the_original_is_assigned_with_a_note(
    english_article, specialist
):
    # A Spanish draft that is not published does not count.
    factories.ArticleVersionFactory(
        article__slug="walking", article__language="es", article__translation_of=english_article
    )
    patient = factories.PatientFactory(preferred_language="es")
    assignment = services.assign_article(
        article=english_article, patient=patient, assigned_by=specialist
    )
    assert assignment.article == english_article
    assert services.fallback_note(article=assignment.article, patient=patient) == NOTE


def test_the_assign_form_warns_before_and_the_message_tells_after(
    client_for, english_article, specialist
):
    patient = factories.PatientFactory(preferred_language="es", primary_specialist=specialist)
    url = reverse("education:assign_article", args=[patient.pk])
    form = client_for(specialist).get(url).content.decode()
    assert "No Spanish version is published of these articles" in form
    assert "Walking: the English article will be assigned." in form
    response = client_for(specialist).post(url, {"article": english_article.pk, "note": ""})
    assert response.status_code == 302
    assert _messages(response) == [f"Assigned to {patient.full_name}. They get an email. {NOTE}"]


def test_the_assign_form_has_no_note_when_the_translation_exists(
    client_for, english_article, spanish_article, specialist
):
    patient = factories.PatientFactory(preferred_language="es", primary_specialist=specialist)
    url = reverse("education:assign_article", args=[patient.pk])
    assert "No Spanish version is published" not in client_for(specialist).get(url).content.decode()
    response = client_for(specialist).post(url, {"article": english_article.pk, "note": ""})
    assert _messages(response) == [
        f"Assigned the Spanish version to {patient.full_name}. They get an email."
    ]
    assert Assignment.objects.get(patient=patient).article == spanish_article


def test_the_miss_article_given_with_a_decision_is_the_patients_language(specialist):
    english = factories.published_article(article__slug="miss-spinal-herniations")
    spanish = factories.published_article(
        article__slug="miss-spinal-herniations",
        article__language="es",
        article__translation_of=english,
    )
    patient = factories.PatientFactory(preferred_language="es")
    consult = factories.ConsultFactory(specialist=specialist, patient=patient)
    decision = factories.CandidacyDecisionFactory.build(consult=consult, outcome="miss")
    cases_services.record_decision(decision=decision, by=specialist, article=english)
    assert Assignment.objects.get(patient=patient).article == spanish


# --- "source updated since this translation" --------------------------------------------------


def _publish_new_version(article, *, editor, specialist, body):
    version = services.save_draft(
        article=article, by=editor, title="Walking", summary="S", body_markdown=body
    )
    version.submit_for_review(by=editor)
    version.approve(by=specialist)
    version.publish(by=editor, reason="Test text.")
    return version


def test_the_flag_appears_when_the_original_publishes_a_newer_version(
    client_for, english_article, spanish_article, editor, specialist, superuser
):
    versions_page = reverse("education:article_versions", args=[spanish_article.pk])
    flag = "source updated since this translation"
    assert spanish_article.published_version.translated_from == english_article.published_version
    assert flag not in client_for(editor).get(versions_page).content.decode()
    assert not Article.objects.get(pk=spanish_article.pk).is_source_updated

    _publish_new_version(english_article, editor=editor, specialist=specialist, body="Walk more.")
    page = client_for(editor).get(versions_page).content.decode()
    assert flag in page
    assert "The live translation was made from version 1" in page
    assert Article.objects.get(pk=spanish_article.pk).is_source_updated
    admin_list = client_for(superuser).get(reverse("admin:education_article_changelist"))
    assert (
        ArticleAdmin.source_updated.short_description.lower() in admin_list.content.decode().lower()
    )

    # A new translation version is made from the original's live version: the flag goes.
    updated = _publish_new_version(
        spanish_article, editor=editor, specialist=specialist, body="Camine más."
    )
    assert updated.translated_from == Article.objects.get(pk=english_article.pk).published_version
    assert not Article.objects.get(pk=spanish_article.pk).is_source_updated


def test_an_original_is_never_flagged(client_for, english_article, editor, specialist):
    _publish_new_version(english_article, editor=editor, specialist=specialist, body="Walk more.")
    page = client_for(editor).get(reverse("education:article_versions", args=[english_article.pk]))
    assert "source updated since this translation" not in page.content.decode()
    assert not Article.objects.get(pk=english_article.pk).is_source_updated
