"""Patient-education articles, their versions and the editorial workflow, and assigned reading.

An ``Article`` is the identity (slug, language, topic, audience); its text lives in numbered
``ArticleVersion`` rows. Patients always read the published version; an editor's new draft goes
through clinical review while the published one stays live. An ``Assignment`` pins the exact
version a specialist gave a patient.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy, slugify
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clinic.backends import with_roles
from clinic.models import choices_check
from education import readability
from education.rendering import render_markdown
from education.workflow import VersionStatus, VersionWorkflow


class Topic(models.TextChoices):
    HERNIATED_DISC = "herniated_disc", _("Herniated disc")
    SURGERY = "surgery", _("Surgery")
    RECOVERY = "recovery", _("Recovery")
    CONSERVATIVE_CARE = "conservative_care", _("Conservative care")
    GENERAL = "general", _("Back health")


class ReadingScale(models.TextChoices):
    """The readability scale a version is graded on, after its article's language
    (``education.readability``)."""

    FK_GRADE = readability.FK_GRADE, _("Flesch-Kincaid grade")
    INFLESZ = readability.INFLESZ, "INFLESZ (Szigriszt-Pazos)"


class Audience(models.TextChoices):
    PUBLIC = "public", _("Everyone (public)")
    PATIENTS = "patients", _("Patients only (log in)")


class ArticleQuerySet(models.QuerySet):
    def unique_slug(self, title, *, language):
        """A slug made from ``title`` that no article in ``language`` has yet: "back-pain",
        else "back-pain-2", "back-pain-3"…"""
        max_length = Article._meta.get_field("slug").max_length
        base = slugify(title)[: max_length - 4].strip("-") or "article"
        taken = set(
            self.filter(language=language, slug__startswith=base).values_list("slug", flat=True)
        )
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        return slug

    def published(self):
        """Articles with a live published version (not retired)."""
        return self.filter(published_version__isnull=False, retired_at__isnull=True).select_related(
            "published_version"
        )

    def for_reader(self, user):
        """Published articles ``user`` may read: the public ones, and patients-only ones after
        logging in."""
        return self.published() if user.is_authenticated else self.public()

    def public(self):
        """Published articles anyone may read without logging in."""
        return self.published().filter(audience=Audience.PUBLIC)

    def search(self, text):
        text = (text or "").strip()
        if not text:
            return self
        query = Q()
        for word in text.split():
            query &= (
                Q(published_version__title__icontains=word)
                | Q(published_version__summary__icontains=word)
                | Q(published_version__body_markdown__icontains=word)
            )
        return self.filter(query)

    def review_overdue(self, today=None):
        today = today or timezone.localdate()
        return self.published().filter(next_review_due__lt=today)


class Article(models.Model):
    """An article's identity. Its words are in its versions; ``published_version`` is live."""

    slug = models.SlugField(_("slug"), max_length=120)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    topic = models.CharField(_("topic"), max_length=30, choices=Topic, default=Topic.GENERAL)
    audience = models.CharField(
        _("audience"), max_length=10, choices=Audience, default=Audience.PUBLIC
    )
    translation_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="translations",
        verbose_name=_("translation of"),
        help_text=_("The original article this one translates."),
    )
    published_version = models.ForeignKey(
        "ArticleVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("published version"),
    )
    next_review_due = models.DateField(_("next review due"), null=True, blank=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True, editable=False)
    retired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("retired by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["slug", "language"]
        permissions = [
            ("publish_article", "Can publish and retire articles"),
            ("review_article", "Can give articles their clinical review"),
            ("assign_article", "Can assign articles to patients"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["slug", "language"], name="article_slug_language"),
            choices_check("topic", Topic, "article_topic_valid"),
            choices_check("audience", Audience, "article_audience_valid"),
            models.CheckConstraint(
                condition=Q(language__in=[code for code, _ in settings.LANGUAGES]),
                name="article_language_valid",
            ),
            models.CheckConstraint(
                condition=~Q(translation_of=F("pk")), name="article_not_own_translation"
            ),
        ]

    def __str__(self):
        return f"{self.title} [{self.language}]"

    def get_absolute_url(self):
        if self.language == settings.LANGUAGE_CODE:
            return reverse("education:article_detail", args=[self.slug])
        return reverse("education:article_detail", args=[self.slug, self.language])

    def clean(self):
        if self.translation_of_id and self.translation_of_id == self.pk:
            raise ValidationError({"translation_of": _("An article cannot translate itself.")})
        if self.translation_of and self.translation_of.language == self.language:
            raise ValidationError(
                {
                    "translation_of": _(
                        "A translation must be in another language than the original."
                    )
                }
            )

    @property
    def title(self):
        version = self.published_version or self.latest_version
        return version.title if version else self.slug

    @property
    def summary(self):
        version = self.published_version or self.latest_version
        return version.summary if version else ""

    @property
    def latest_version(self):
        return self.versions.order_by("-number").first()

    @property
    def is_retired(self):
        return self.retired_at is not None

    @property
    def is_live(self):
        return self.published_version_id is not None and not self.is_retired

    @property
    def is_source_updated(self):
        """A live translation whose original has published a newer version than the one it was
        translated from ("source updated since this translation")."""
        if self.translation_of_id is None or self.published_version_id is None:
            return False
        return self.published_version.source_updated(self.translation_of.published_version_id)

    def is_review_overdue(self, today=None):
        today = today or timezone.localdate()
        return self.is_live and self.next_review_due is not None and self.next_review_due < today

    def working_version(self):
        """The version being edited or reviewed, if any (at most one exists)."""
        return self.versions.filter(status__in=ArticleVersion.Status.working()).first()

    def draft_to_edit(self):
        """The working version an edit changes in place (None: the edit starts a new draft).

        A version in review or approved is not edited: it is withdrawn first."""
        version = self.working_version()
        if version is not None and not version.is_editable:
            raise ValidationError(
                _("Version %(number)s is %(status)s. Withdraw it before editing it again.")
                % {"number": version.number, "status": version.get_status_display().lower()}
            )
        return version

    def language_variants(self):
        """Live articles that translate this one, or that this one translates, and siblings."""
        root_id = self.translation_of_id or self.pk
        return (
            Article.objects.published()
            .filter(Q(pk=root_id) | Q(translation_of_id=root_id))
            .exclude(pk=self.pk)
        )

    def retire(self, *, by):
        """Take the article out of the library. Assigned copies stay readable to their patients."""
        if not by.has_perm("education.publish_article"):
            raise ValidationError(_("Only content editors may retire an article."))
        if not self.is_live:
            raise ValidationError(_("Only a published article can be retired."))
        with transaction.atomic():
            version = self.published_version
            version.status = ArticleVersion.Status.RETIRED
            version.save(update_fields=["status"])
            self.retired_at = timezone.now()
            self.retired_by = by
            self.save(update_fields=["retired_at", "retired_by"])


class ArticleVersionQuerySet(models.QuerySet):
    def awaiting_review(self):
        return self.filter(status=ArticleVersion.Status.IN_REVIEW).select_related(
            "article", "author", "submitted_by"
        )


class ArticleVersion(VersionWorkflow, models.Model):
    """One numbered text of an article. Drafts are edited in place; everything else is frozen.

    Its workflow (the transitions and ``available_actions``) is declared in
    ``education/workflow.py``."""

    Status = VersionStatus

    article = models.ForeignKey(
        Article, on_delete=models.PROTECT, related_name="versions", verbose_name=_("article")
    )
    number = models.PositiveIntegerField(_("number"), editable=False)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(
        _("summary"), max_length=300, help_text=_("One or two sentences shown in the library.")
    )
    body_markdown = models.TextField(_("Body (Markdown)"), max_length=50_000)
    body_html = models.TextField(
        _("body (HTML)"), editable=False, help_text=_("Rendered and sanitised on save.")
    )
    toc = models.JSONField(_("table of contents"), default=list, editable=False, blank=True)
    references_markdown = models.TextField(
        _("References (Markdown)"),
        blank=True,
        max_length=20_000,
        help_text=_(
            "The sources of the article's claims, shown under it: one numbered line each "
            "(1. Author A, Author B. Title. Journal. Year;Volume:Pages. "
            "[doi:…](https://doi.org/…))."
        ),
    )
    references_html = models.TextField(
        _("references (HTML)"),
        blank=True,
        editable=False,
        help_text=_("Rendered and sanitised on save."),
    )
    word_count = models.PositiveIntegerField(_("word count"), default=0, editable=False)
    reading_grade = models.DecimalField(
        _("reading score"),
        max_digits=4,
        decimal_places=1,
        default=0,
        editable=False,
        help_text=_(
            "The score on the version's reading scale: the Flesch-Kincaid grade (English), "
            "INFLESZ (Spanish)."
        ),
    )
    reading_scale = models.CharField(
        _("reading scale"),
        max_length=10,
        choices=ReadingScale,
        default=ReadingScale.FK_GRADE,
        editable=False,
    )
    reading_minutes = models.PositiveSmallIntegerField(
        _("reading time (minutes)"), default=1, editable=False
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=VersionStatus,
        default=VersionStatus.DRAFT,
        editable=False,
    )
    based_on = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("based on"),
        help_text=_("The version this one was restored from."),
    )
    translated_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("translated from"),
        help_text=_("For a translation: the original article's version it was translated from."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True, editable=False)
    review_note = models.TextField(_("review note"), blank=True, editable=False, max_length=4000)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("published by"),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    readability_reason = models.TextField(
        _("reason for publishing above the reading target"),
        blank=True,
        editable=False,
        max_length=2000,
        help_text=format_lazy(
            _(
                "Why this version is published though its reading score misses its language's "
                "target (grade {grade} or below in English, INFLESZ {inflesz} or above in "
                "Spanish)."
            ),
            grade=readability.MAX_GRADE_WITHOUT_REASON,
            inflesz=readability.MIN_INFLESZ_WITHOUT_REASON,
        ),
    )
    history = HistoricalRecords()

    objects = ArticleVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("article version")
        verbose_name_plural = _("article versions")
        ordering = ["article", "-number"]
        get_latest_by = "number"
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="articleversion_number"),
            # One live version, and at most one version in the works, per article.
            models.UniqueConstraint(
                fields=["article"],
                condition=Q(status="published"),
                name="articleversion_one_published",
            ),
            models.UniqueConstraint(
                fields=["article"],
                condition=Q(status__in=["draft", "in_review", "changes_requested", "approved"]),
                name="articleversion_one_working",
            ),
            choices_check("status", VersionStatus, "articleversion_status_valid"),
            choices_check("reading_scale", ReadingScale, "articleversion_reading_scale_valid"),
            models.CheckConstraint(condition=Q(number__gte=1), name="articleversion_number_gte_1"),
            # Nothing is published without a clinical review, and time runs forward.
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "published", "superseded", "retired"])
                | Q(reviewed_at__isnull=False, reviewed_by__isnull=False),
                name="articleversion_reviewed_before_approval",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["published", "superseded", "retired"])
                | Q(published_at__isnull=False, published_by__isnull=False),
                name="articleversion_published_has_publisher",
            ),
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True) | Q(submitted_at__gte=F("created_at")),
                name="articleversion_submitted_after_created",
            ),
            models.CheckConstraint(
                condition=Q(reviewed_at__isnull=True)
                | Q(submitted_at__isnull=True)
                | Q(reviewed_at__gte=F("submitted_at")),
                name="articleversion_reviewed_after_submitted",
            ),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | Q(published_at__gte=F("reviewed_at")),
                name="articleversion_published_after_reviewed",
            ),
        ]

    def __str__(self):
        return f"{self.title} v{self.number} ({self.get_status_display()})"

    def save(self, *args, **kwargs):
        # Derived values are computed here, once per saved text, never per request.
        update_fields = kwargs.get("update_fields")
        if update_fields is None or {"body_markdown", "references_markdown"} & set(update_fields):
            self.render()
            if update_fields is not None:
                kwargs["update_fields"] = {
                    *update_fields,
                    "body_html",
                    "references_html",
                    "toc",
                    "word_count",
                    "reading_grade",
                    "reading_scale",
                    "reading_minutes",
                }
        if self.number is None:
            last = self.article.versions.aggregate(models.Max("number"))["number__max"]
            self.number = (last or 0) + 1
        if self._state.adding and self.translated_from_id is None:
            self.translated_from_id = self.source_version_id()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("education:version_detail", args=[self.pk])

    def render(self):
        """Render and sanitise the Markdown and measure its readability."""
        self.body_html, self.toc = render_markdown(self.body_markdown)
        self.references_html, _ = render_markdown(self.references_markdown)
        measured = readability.measure(self.body_html, self._language())
        self.word_count = measured.words
        self.reading_grade = measured.score
        self.reading_scale = measured.scale
        self.reading_minutes = measured.minutes

    def _language(self):
        return self.article.language if self.article_id else settings.LANGUAGE_CODE

    @property
    def is_editable(self):
        return self.status in self.Status.editable()

    def source_version_id(self):
        """For a translation: the original's live version, the one a new text translates."""
        source = self.article.translation_of if self.article_id else None
        return source.published_version_id if source is not None else None

    def source_updated(self, source_published_id):
        """Whether the original has published a newer version than the one this translates
        (``source_published_id``: the original article's live version now)."""
        return (
            self.translated_from_id is not None
            and source_published_id is not None
            and source_published_id != self.translated_from_id
        )

    @property
    def scale(self):
        return readability.SCALES[self.reading_scale]

    @property
    def reading_label(self):
        """The score with its place on its scale: "grade 7.5", "INFLESZ 62.0 (normal)"."""
        return self.scale.describe(self.reading_grade)

    @property
    def needs_readability_reason(self):
        return not self.scale.passes(self.reading_grade)

    @property
    def readability_refusal(self):
        return self.scale.refusal(self.reading_grade)

    @property
    def show_summary(self):
        """The summary leads the page unless the body already opens with it."""
        return not self.body_markdown.lstrip().startswith(self.summary.strip())

    @property
    def show_toc(self):
        """Long articles get a table of contents."""
        return len(self.toc) >= 3 or (len(self.toc) >= 2 and self.word_count >= 600)

    def credits(self):
        """Who wrote this version and who gave it its clinical sign-off, each with the role
        they hold: ``{"author": user, "reviewer": user}`` (one query), ``None`` for a person
        the portal cannot name (the import account, the clinic's own sign-off)."""
        from education.services import IMPORT_USERNAME  # the services import this module

        wanted = {"author": self.author_id, "reviewer": self.reviewed_by_id}
        users = with_roles(get_user_model().objects.filter(pk__in=set(wanted.values()) - {None}))
        by_pk = {user.pk: user for user in users if user.username != IMPORT_USERNAME}
        return {part: by_pk.get(pk) for part, pk in wanted.items()}

    def previous(self):
        return self.article.versions.filter(number__lt=self.number).order_by("-number").first()


class AssignmentQuerySet(models.QuerySet):
    def for_patient(self, patient):
        return self.filter(patient=patient).select_related("article", "version")

    def visible_to(self, user):
        """Patients see their own; clinicians see all; editors and everyone else see none."""
        if not user.is_authenticated:
            return self.none()
        if user.is_clinician:
            return self
        if user.is_patient:
            return self.filter(patient__user=user)
        return self.none()

    def without_text(self):
        """Without the text of the versions they give (with ``version`` selected): for lists,
        which name a version by its title."""
        return self.defer("version__body_markdown", "version__body_html", "version__toc")

    def with_open_question(self):
        return self.filter(asked_at__isnull=False, answered_at__isnull=True)

    def for_specialist(self, user):
        """Assignments a specialist follows: the ones they gave, and their patients' ones."""
        return self.filter(Q(assigned_by=user) | Q(patient__primary_specialist=user))


class Assignment(models.Model):
    """An article version a specialist gave a patient to read, and what the patient did."""

    class State(models.TextChoices):
        NEW = "new", _("New")
        OPENED = "opened", _("Opened")
        UNDERSTOOD = "understood", _("Understood")
        QUESTION = "question", _("Question asked")
        ANSWERED = "answered", _("Question answered")

    patient = models.ForeignKey(
        "clinic.Patient",
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("patient"),
    )
    article = models.ForeignKey(
        Article, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("article")
    )
    version = models.ForeignKey(
        ArticleVersion,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("version"),
        help_text=_("The exact version the patient was given."),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    note = models.TextField(_("Personal note"), blank=True, max_length=2000)
    assigned_at = models.DateTimeField(_("assigned at"), default=timezone.now)
    first_opened_at = models.DateTimeField(_("first opened at"), null=True, blank=True)
    understood_at = models.DateTimeField(_("understood at"), null=True, blank=True)
    question = models.TextField(_("question"), blank=True, max_length=2000)
    asked_at = models.DateTimeField(_("asked at"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True, max_length=4000)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    history = HistoricalRecords()

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["-assigned_at", "-id"]
        indexes = [
            models.Index(fields=["patient", "-assigned_at"]),
            # The specialist's dashboard: open questions, longest waiting first, walked in the
            # order shown instead of sorting every assignment
            models.Index(
                fields=["asked_at", "id"],
                condition=Q(asked_at__isnull=False, answered_at__isnull=True),
                name="assignment_open_question_idx",
            ),
            # (and, on PostgreSQL only, assignment_recent_reading_idx: migration 0005)
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(first_opened_at__isnull=True)
                | Q(first_opened_at__gte=F("assigned_at")),
                name="assignment_opened_after_assigned",
            ),
            models.CheckConstraint(
                condition=Q(understood_at__isnull=True)
                | Q(first_opened_at__isnull=False, understood_at__gte=F("first_opened_at")),
                name="assignment_understood_after_opened",
            ),
            models.CheckConstraint(
                condition=Q(asked_at__isnull=True, question="")
                | Q(asked_at__isnull=False, first_opened_at__isnull=False)
                & ~Q(question="")
                & Q(asked_at__gte=F("first_opened_at")),
                name="assignment_question_after_opened",
            ),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True, answer="", answered_by__isnull=True)
                | Q(answered_at__isnull=False, answered_by__isnull=False, asked_at__isnull=False)
                & ~Q(answer="")
                & Q(answered_at__gte=F("asked_at")),
                name="assignment_answer_after_question",
            ),
        ]

    def __str__(self):
        return f"Reading #{self.pk} for patient #{self.patient_id}"

    def get_absolute_url(self):
        return reverse("education:assignment_detail", args=[self.pk])

    def clean(self):
        if self.version_id and self.article_id and self.version.article_id != self.article_id:
            raise ValidationError(
                {"version": _("The version must belong to the assigned article.")}
            )
        if self.version_id and self.version.status != ArticleVersion.Status.PUBLISHED:
            if self._state.adding:
                raise ValidationError({"article": _("Only a published article can be assigned.")})

    @property
    def state(self):
        if self.answered_at:
            return self.State.ANSWERED
        if self.asked_at:
            return self.State.QUESTION
        if self.understood_at:
            return self.State.UNDERSTOOD
        if self.first_opened_at:
            return self.State.OPENED
        return self.State.NEW

    @property
    def state_label(self):
        return self.State(self.state).label

    @property
    def has_open_question(self):
        return self.asked_at is not None and self.answered_at is None

    def _require_patient(self, user):
        if not (user.is_authenticated and self.patient.user_id == user.pk):
            raise ValidationError(_("Only the patient this reading was given to can do this."))

    def mark_opened(self, *, by):
        """Record the first time the patient opens it; later visits change nothing."""
        self._require_patient(by)
        if self.first_opened_at is not None:
            return False
        self.first_opened_at = timezone.now()
        self.save(update_fields=["first_opened_at"])
        return True

    def mark_understood(self, *, by):
        self._require_patient(by)
        if self.understood_at is not None:
            raise ValidationError(_("You have already told us you understood this."))
        now = timezone.now()
        self.first_opened_at = self.first_opened_at or now
        self.understood_at = now
        self.save(update_fields=["first_opened_at", "understood_at"])

    def ask_question(self, *, by, text):
        self._require_patient(by)
        text = (text or "").strip()
        if not text:
            raise ValidationError(_("Please write your question."))
        if self.has_open_question:
            raise ValidationError(_("Your care team has not answered your last question yet."))
        now = timezone.now()
        # A follow-up question replaces the answered one; the history table keeps both.
        self.first_opened_at = self.first_opened_at or now
        self.question, self.asked_at = text, now
        self.answer, self.answered_by, self.answered_at = "", None, None
        self.save(
            update_fields=[
                "first_opened_at",
                "question",
                "asked_at",
                "answer",
                "answered_by",
                "answered_at",
            ]
        )

    def answer_question(self, *, by, text):
        if not by.is_clinician:
            raise ValidationError(_("Only a specialist can answer a patient's question."))
        text = (text or "").strip()
        if not text:
            raise ValidationError(_("Please write the answer."))
        if not self.has_open_question:
            raise ValidationError(_("There is no open question to answer."))
        self.answer, self.answered_by, self.answered_at = text, by, timezone.now()
        self.save(update_fields=["answer", "answered_by", "answered_at"])
