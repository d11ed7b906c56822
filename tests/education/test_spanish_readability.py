"""Spanish articles are graded on the INFLESZ scale (Szigriszt-Pazos's index, validated for
patient texts by Barrio-Cantalejo et al. 2008), English ones on the Flesch-Kincaid grade: each
language has its own publish gate. The reference texts below were counted by hand."""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from education import readability, services
from education.models import ArticleVersion
from tests import factories

pytestmark = pytest.mark.django_db

Status = ArticleVersion.Status

# 7 words, 2 sentences. Syllables: el 1, dis-co 2, se 1, rom-pe 2, us-ted 2, sien-te 2, do-lor 2.
SHORT = "El disco se rompe. Usted siente dolor."
# 9 words, 1 sentence. Syllables: la 1, ci-ru-gí-a 4 (a hiatus: a hyphenation dictionary
# counts "ci-ru-gía", 3), mí-ni-ma-men-te 5, in-va-si-va 4, re-du-ce 3, el 1, tiem-po 2, de 1,
# re-cu-pe-ra-ción 5.
LONG = "La cirugía mínimamente invasiva reduce el tiempo de recuperación."
# 11 words, 3 sentences (a question ends one). Syllables: le 1, due-le 2, la 1, pier-na 2,
# ca-mi-ne 3, un 1, po-co 2, ca-da 2, dí-a 2, des-pués 2, des-can-se 3.
QUESTION = "¿Le duele la pierna? Camine un poco cada día. Después, descanse."


def _inflesz(words, sentences, syllables):
    return 206.835 - 62.3 * syllables / words - words / sentences


@pytest.mark.parametrize(
    "text, counts, score, band",
    [
        (SHORT, (7, 2, 12), 96.5, "muy fácil"),
        (LONG, (9, 1, 26), 17.9, "muy difícil"),
        (QUESTION, (11, 3, 21), 84.2, "muy fácil"),
    ],
)
def test_inflesz_of_reference_texts_counted_by_hand(text, counts, score, band):
    measured = readability.measure(f"<p>{text}</p>", "es")
    assert (measured.words, measured.sentences, measured.syllables) == counts
    assert measured.scale == readability.INFLESZ
    assert measured.score == round(_inflesz(*counts), 1) == score
    assert readability.SCALES[readability.INFLESZ].band(measured.score) == band


def test_the_inflesz_bands_are_the_published_ones():
    scale = readability.SCALES[readability.INFLESZ]
    bands = [scale.band(score) for score in (39.9, 40, 54.9, 55, 64.9, 65, 79.9, 80, 100)]
    assert bands == [
        "muy difícil",
        "algo difícil",
        "algo difícil",
        "normal",
        "normal",
        "bastante fácil",
        "bastante fácil",
        "muy fácil",
        "muy fácil",
    ]
    assert scale.passes(55) and not scale.passes(54.9)


def test_fernandez_huerta_in_laws_corrected_form():
    # LONG: 206.84 − 60 × 26/9 − 1.02 × 9/1 = 24.33
    assert round(readability.fernandez_huerta(9, 1, 26), 2) == 24.33
    # Longer sentences lower the score (the printed form, with sentences per 100 words, raised it).
    assert readability.fernandez_huerta(20, 1, 30) < readability.fernandez_huerta(20, 4, 30)


def test_spanish_syllables_split_hiatus_and_lone_vowels():
    assert [readability.count_syllables(w, "es") for w in ("agua", "día", "oído", "hoy")] == [
        2,
        2,
        3,
        1,
    ]


def test_the_score_is_kept_within_the_scale():
    assert readability.measure("<p>Sí. No. Yo. Tú.</p>", "es").score == 100.0
    assert readability.measure("<p>" + "electroencefalografía " * 60 + "</p>", "es").score == 0


def test_english_keeps_the_flesch_kincaid_grade():
    # 10 words, 1 sentence, 17 syllables: the 1, sur-geon 2, re-moved 2, the 1, her-ni-at-ed 4,
    # disc 1, through 1, a 1, small 1, in-ci-sion 3.
    text = "The surgeon removed the herniated disc through a small incision."
    measured = readability.measure(f"<p>{text}</p>", "en")
    assert (measured.words, measured.sentences, measured.syllables) == (10, 1, 17)
    assert measured.scale == readability.FK_GRADE
    assert measured.score == measured.grade == round(0.39 * 10 + 11.8 * 17 / 10 - 15.59, 1)


# --- the stored score and the publish gate, per language ---------------------------------------


def _approved(editor, specialist, *, language, body):
    article = services.create_article(
        by=editor, slug=None, title="Dolor", summary="S", body_markdown=body, language=language
    )
    version = article.latest_version
    version.submit_for_review(by=editor)
    version.approve(by=specialist)
    return version


def test_a_spanish_version_stores_its_inflesz_score(editor):
    article = factories.ArticleFactory(language="es")
    version = factories.ArticleVersionFactory(article=article, body_markdown=QUESTION)
    version.refresh_from_db()
    assert (version.reading_scale, version.reading_grade) == ("inflesz", Decimal("84.2"))
    assert version.reading_label == "INFLESZ 84.2 (muy fácil)"
    assert not version.needs_readability_reason


def test_a_hard_spanish_version_needs_a_reason_to_be_published(editor, specialist):
    version = _approved(editor, specialist, language="es", body=LONG)
    assert version.reading_grade == Decimal("17.9") and version.needs_readability_reason
    with pytest.raises(
        ValidationError,
        match=r"scores 17.9 on the INFLESZ scale \(muy difícil\), "
        r"below 55 \(normal\)",
    ):
        version.publish(by=editor)
    version.refresh_from_db()
    assert version.status == Status.APPROVED
    version.publish(by=editor, reason="Names the operation as the consent form does.")
    version.refresh_from_db()
    assert version.status == Status.PUBLISHED
    assert version.readability_reason == "Names the operation as the consent form does."


def test_an_easy_spanish_version_needs_no_reason(editor, specialist):
    version = _approved(editor, specialist, language="es", body=QUESTION)
    version.publish(by=editor)
    version.refresh_from_db()
    assert (version.status, version.readability_reason) == (Status.PUBLISHED, "")


def test_the_english_gate_is_unchanged(editor, specialist):
    hard = _approved(
        editor,
        specialist,
        language="en",
        body="Postoperative rehabilitation necessitates "
        "considerable determination, particularly regarding individualised physiotherapy.",
    )
    assert hard.reading_scale == "fk_grade" and hard.needs_readability_reason
    with pytest.raises(ValidationError, match="reads at grade .*, above grade 8"):
        hard.publish(by=editor)


def test_the_version_pages_show_the_scale(client_for, editor, specialist):
    spanish = _approved(editor, specialist, language="es", body=LONG)
    page = client_for(editor).get(spanish.get_absolute_url()).content.decode()
    assert "INFLESZ 17.9 (muy difícil)" in page
    assert "target 55 (normal) or above" in page
    versions = client_for(editor).get(
        reverse("education:article_versions", args=[spanish.article_id])
    )
    assert versions.status_code == 200
    assert "INFLESZ 17.9 (muy difícil)" in versions.content.decode()
    english = _approved(editor, specialist, language="en", body="Walk a little. Rest a lot.")
    page = client_for(editor).get(english.get_absolute_url()).content.decode()
    assert "Reading grade" in page and "target grade 8 or below" in page


def test_the_migration_rescores_spanish_versions_measured_on_the_english_scale(editor):
    article = factories.ArticleFactory(language="es")
    version = factories.ArticleVersionFactory(article=article, body_markdown=QUESTION)
    ArticleVersion.objects.filter(pk=version.pk).update(reading_scale="fk_grade", reading_grade=3)
    migration = importlib.import_module("education.migrations.0007_translations_reading_scale")
    migration.rescore_and_link(apps, schema_editor=None)
    version.refresh_from_db()
    assert (version.reading_scale, version.reading_grade) == ("inflesz", Decimal("84.2"))
