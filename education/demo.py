"""Education's part of ``seed_demo``: the seed article, assigned to the demo patients, and a
draft waiting for clinical review so the workflow has something to show. Idempotent."""

from pathlib import Path

from django.db.models import Q

from education import services
from education.models import Article, Assignment

CONTENT = Path(__file__).resolve().parent / "content"
SEED_SLUG = "miss-spinal-herniations"
DEMO_DRAFT_SLUG = "preparing-for-your-consultation"
DEMO_DRAFT = """\
Your first visit is a conversation. Your specialist wants to understand your pain and how it
affects your day.

## What to bring

- A list of your medicines.
- Any scans or reports you already have.
- The questions you want to ask.

## What happens

Your specialist asks about your symptoms and examines your back and legs. Together you decide
what to do next.
"""


def seed(*, accounts, stdout):
    for path in services.article_files([CONTENT]):
        services.import_article(text=path.read_text(encoding="utf-8"), source=path.name)
    article = Article.objects.get(slug=SEED_SLUG, language="en")
    for username in ("patient", "patient2"):
        patient = accounts[username].patient
        # A Spanish-speaking patient is given the Spanish translation (services.assign_article).
        given = Assignment.objects.filter(patient=patient)
        if not given.filter(Q(article=article) | Q(article__translation_of=article)).exists():
            services.assign_article(
                article=article,
                patient=patient,
                assigned_by=accounts["specialist"],
                note="Please read this before our next appointment.",
            )
    if not Article.objects.filter(slug=DEMO_DRAFT_SLUG).exists():
        draft = services.create_article(
            by=accounts["editor"],
            slug=DEMO_DRAFT_SLUG,
            title="Preparing for your consultation",
            summary="What to bring to your first visit, and what happens there.",
            body_markdown=DEMO_DRAFT,
            topic="general",
        )
        draft.latest_version.submit_for_review(by=accounts["editor"])
    stdout.write("Education: seed article published and assigned; one draft in clinical review.")
