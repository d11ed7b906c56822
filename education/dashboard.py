"""The education app's part of the dashboard and of the public landing page."""

from django.db.models import F, Prefetch
from django.utils import timezone

from education.models import Article, ArticleVersion, Assignment

# The dashboard lists the questions that have waited longest; the reading list has the rest.
QUESTIONS_SHOWN = 20


def public_context():
    """Context for the public landing page: the public article library."""
    articles = Article.objects.public().order_by("published_version__title")
    return {"public_articles": articles[:10]}


def context_for(user):
    """Dashboard context for ``user``: reading list (patients), articles (editors), questions and
    reviews (specialists)."""
    context = {}
    if user.is_patient and hasattr(user, "patient"):
        context["reading_list"] = (
            Assignment.objects.for_patient(user.patient)
            .select_related("assigned_by")
            .without_text()
        )
    if user.is_editor or user.is_superuser:
        versions = ArticleVersion.objects.defer("body_markdown", "body_html").order_by("-number")
        context["editor_articles"] = Article.objects.select_related(
            "published_version"
        ).prefetch_related(Prefetch("versions", queryset=versions, to_attr="versions_newest_first"))
        context["overdue_reviews"] = list(Article.objects.review_overdue())
        context["today"] = timezone.localdate()
    if user.is_clinician:
        followed = Assignment.objects.visible_to(user).for_specialist(user)
        related = ("patient", "version")
        context["open_questions"] = (
            followed.with_open_question()
            .select_related(*related)
            .without_text()
            .order_by("asked_at", "id")[:QUESTIONS_SHOWN]
        )
        context["recent_reading"] = (
            followed.filter(first_opened_at__isnull=False)
            .select_related(*related)
            .without_text()
            .order_by(F("understood_at").desc(nulls_last=True), "-first_opened_at")[:5]
        )
        context["versions_to_review"] = ArticleVersion.objects.awaiting_review()
    return context
