"""The education app's part of the dashboard and of the public landing page."""

from django.db.models import F, Prefetch
from django.utils import timezone

from education.forms import AnswerForm
from education.models import Article, ArticleVersion, Assignment

# The work queue lists the questions that have waited longest, each with its answer box; the
# reading list has the rest. The heading counts them all.
QUESTIONS_SHOWN = 10
# Versions waiting for a specialist's clinical sign-off, oldest first.
REVIEWS_SHOWN = 10


def public_context():
    """Context for the public landing page: the public article library."""
    articles = Article.objects.public().order_by("published_version__title")
    return {"public_articles": articles[:10]}


def _days_since(moment, today):
    return (today - timezone.localdate(moment)).days if moment else None


def open_questions(user, *, everyone=False):
    """Patients' unanswered questions, longest waiting first (``assignment_open_question_idx``),
    each with its own answer form; and how many there are. A specialist's own are those of the
    reading they assigned or of their patients; ``everyone`` is the whole clinic's."""
    today = timezone.localdate()
    questions = Assignment.objects.visible_to(user).with_open_question()
    if not everyone:
        questions = questions.for_specialist(user)
    rows = list(
        questions.select_related("patient", "version")
        .without_text()
        .order_by("asked_at", "id")[:QUESTIONS_SHOWN]
    )
    for assignment in rows:
        assignment.days_waiting = _days_since(assignment.asked_at, today)
        assignment.answer_form = AnswerForm(auto_id=f"answer-{assignment.pk}-%s")
    return rows, questions.count()


def versions_to_review():
    """Versions waiting for clinical sign-off, submitted first first, and how many there are:
    any specialist may give it."""
    today = timezone.localdate()
    waiting = ArticleVersion.objects.awaiting_review()
    rows = list(
        waiting.defer("body_markdown", "body_html", "toc").order_by("submitted_at", "pk")[
            :REVIEWS_SHOWN
        ]
    )
    for version in rows:
        version.days_waiting = _days_since(version.submitted_at, today)
    return rows, waiting.count()


def context_for(user, *, everyone=False):
    """Dashboard context for ``user``: reading list (patients), articles (editors), the
    questions and reviews of the work queue and recent reading (specialists; the whole clinic's
    questions with ``everyone``)."""
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
        context["open_questions"], context["open_questions_count"] = open_questions(
            user, everyone=everyone
        )
        context["recent_reading"] = (
            followed.filter(first_opened_at__isnull=False)
            .select_related("patient", "version")
            .without_text()
            .order_by(F("understood_at").desc(nulls_last=True), "-first_opened_at")[:5]
        )
        context["versions_to_review"], context["versions_to_review_count"] = versions_to_review()
    return context
