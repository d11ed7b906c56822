import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from education import services
from education.models import Article, ArticleVersion

pytestmark = pytest.mark.django_db

CONTENT = Path(__file__).resolve().parents[2] / "education" / "content"
SEED = CONTENT / "miss-spinal-herniations.md"
CLINIC_TEXT = Path("/work/shared/content/miss-spinal-herniations.txt")

ARTICLE = """\
---
slug: walking
title: Walking after surgery
summary: Why walking helps.
topic: recovery
audience: patients
---

## Start slowly

Walk a little every day.
"""


def _paragraphs(text):
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def test_the_seed_article_is_imported_published_and_public():
    call_command("import_articles", str(CONTENT), verbosity=0)
    article = Article.objects.get(slug="miss-spinal-herniations", language="en")
    version = article.published_version
    assert article.is_live
    assert article.audience == "public"
    assert version.status == ArticleVersion.Status.PUBLISHED
    assert version.title == "How Minimally Invasive Spine Surgery Treats Spinal Herniations"
    assert "<h2" in version.body_html
    assert "the clinic's own text" in version.review_note
    assert version.reviewed_by.username == services.IMPORT_USERNAME
    assert not version.reviewed_by.is_active
    assert not version.reviewed_by.has_usable_password()
    # Grade above 8: the import keeps the reason with the version.
    assert version.needs_readability_reason and version.readability_reason


def test_the_seed_article_keeps_the_clinics_wording_exactly():
    meta, body = services.parse_article_file(SEED.read_text(encoding="utf-8"))
    source = CLINIC_TEXT.read_text(encoding="utf-8") if CLINIC_TEXT.exists() else None
    # Headings, live clinic figures ([[figure:key]] paragraphs) and the callouts (when to get
    # help: "!!! urgent" and its indented lines) are the portal's additions.
    body = re.sub(r"^!!! .*\n(?:(?: {4}.*)?\n)*", "", body, flags=re.MULTILINE)
    body_paragraphs = [
        p for p in _paragraphs(body) if not p.startswith("## ") and not p.startswith("[[figure:")
    ]
    if source is not None:
        title, *paragraphs = _paragraphs(source)
        assert meta["title"] == title
        assert body_paragraphs == paragraphs
    assert len(body_paragraphs) == 9
    assert body_paragraphs[0].startswith("Minimally Invasive Spine Surgery (MISS) has emerged")


def test_importing_twice_creates_no_new_version(tmp_path):
    (tmp_path / "walking.md").write_text(ARTICLE)
    call_command("import_articles", str(tmp_path), verbosity=0)
    call_command("import_articles", str(tmp_path / "walking.md"), verbosity=0)
    article = Article.objects.get(slug="walking")
    assert article.versions.count() == 1
    assert article.audience == "patients"
    assert article.topic == "recovery"


def test_changed_text_becomes_a_new_published_version(tmp_path):
    path = tmp_path / "walking.md"
    path.write_text(ARTICLE)
    call_command("import_articles", str(path), verbosity=0)
    path.write_text(ARTICLE.replace("Walk a little every day.", "Walk twice a day."))
    call_command("import_articles", str(path), verbosity=0)
    article = Article.objects.get(slug="walking")
    assert article.versions.count() == 2
    assert article.published_version.number == 2
    assert "Walk twice a day." in article.published_version.body_html
    assert article.versions.get(number=1).status == ArticleVersion.Status.SUPERSEDED


def test_import_leaves_an_editors_draft_alone(tmp_path, editor):
    path = tmp_path / "walking.md"
    path.write_text(ARTICLE)
    call_command("import_articles", str(path), verbosity=0)
    article = Article.objects.get(slug="walking")
    draft = services.save_draft(
        article=article, by=editor, title="Draft", summary="S", body_markdown="Draft text."
    )
    path.write_text(ARTICLE.replace("every day", "each day"))
    call_command("import_articles", str(path), verbosity=0)
    assert ArticleVersion.objects.get(pk=draft.pk).status == ArticleVersion.Status.DRAFT
    assert Article.objects.get(pk=article.pk).published_version.number == 3


def test_a_file_without_front_matter_is_refused_and_nothing_is_written(tmp_path):
    path = tmp_path / "bad.md"
    path.write_text("# Just Markdown\n")
    with pytest.raises(CommandError, match="front matter"):
        call_command("import_articles", str(path), verbosity=0)
    assert not Article.objects.exists()


def test_a_missing_path_is_refused():
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_articles", "/nonexistent/articles", verbosity=0)


def test_seed_demo_imports_and_assigns_the_seed_article_once(settings):
    settings.DEBUG = True
    call_command("seed_demo", "--password", "demo-password-long", verbosity=0)
    call_command("seed_demo", "--password", "demo-password-long", verbosity=0)
    # Maria Lopez ("patient") prefers Spanish: she is given the Spanish translation.
    given = {
        language: sorted(
            a.patient.user.username
            for a in Article.objects.get(
                slug="miss-spinal-herniations", language=language
            ).assignments.select_related("patient__user")
        )
        for language in ("en", "es")
    }
    assert given == {"en": ["patient2"], "es": ["patient"]}
    assert ArticleVersion.objects.filter(status="in_review").count() == 1
