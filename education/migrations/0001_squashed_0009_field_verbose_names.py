"""Articles, their versions and their assignments to patients; on PostgreSQL, the index of the
specialist dashboard's latest readings.

Squashed from 0001-0009. A new database runs this one migration instead of the 9 it replaces, whose
renders of the models' state took most of the time a new database took (all apps: 17 s -> 2 s on
SQLite). A database that has run them carries on from them. Only what the old chain leaves in an
empty database is here: the schema and, on PostgreSQL, the index of 0005; the old backfills rewrite
rows that an empty database does not have. Once every installation has migrated past 0009, the old
files and ``replaces`` go (README, Upgrading).
"""

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models

import education.workflow

RECENT_READING = (
    "CREATE INDEX IF NOT EXISTS assignment_recent_reading_idx ON education_assignment "
    "(understood_at DESC NULLS LAST, first_opened_at DESC) WHERE first_opened_at IS NOT NULL"
)


def recent_reading_index(apps, schema_editor):
    """SQLite cannot index NULLS LAST (0005): there the few rows a clinic has are sorted."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(RECENT_READING)


def drop_recent_reading_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS assignment_recent_reading_idx")


class Migration(migrations.Migration):
    replaces = [
        ("education", "0001_initial"),
        ("education", "0002_version_discarded"),
        ("education", "0003_remeasure_versions"),
        ("education", "0004_text_max_length"),
        ("education", "0005_dashboard_indexes"),
        ("education", "0006_version_references"),
        ("education", "0007_translations_reading_scale"),
        ("education", "0008_alter_article_options_alter_articleversion_options_and_more"),
        ("education", "0009_field_verbose_names"),
    ]

    initial = True

    dependencies = [
        ("clinic", "0001_squashed_0015_field_verbose_names"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Article",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("slug", models.SlugField(max_length=120, verbose_name="slug")),
                (
                    "language",
                    models.CharField(
                        choices=[("en", "English"), ("es", "Español")],
                        default="en",
                        max_length=10,
                        verbose_name="language",
                    ),
                ),
                (
                    "topic",
                    models.CharField(
                        choices=[
                            ("herniated_disc", "Herniated disc"),
                            ("surgery", "Surgery"),
                            ("recovery", "Recovery"),
                            ("conservative_care", "Conservative care"),
                            ("general", "Back health"),
                        ],
                        default="general",
                        max_length=30,
                        verbose_name="topic",
                    ),
                ),
                (
                    "audience",
                    models.CharField(
                        choices=[
                            ("public", "Everyone (public)"),
                            ("patients", "Patients only (log in)"),
                        ],
                        default="public",
                        max_length=10,
                        verbose_name="audience",
                    ),
                ),
                (
                    "next_review_due",
                    models.DateField(blank=True, null=True, verbose_name="next review due"),
                ),
                (
                    "retired_at",
                    models.DateTimeField(
                        blank=True, editable=False, null=True, verbose_name="retired at"
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, editable=False, verbose_name="created at"
                    ),
                ),
                (
                    "retired_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="retired by",
                    ),
                ),
                (
                    "translation_of",
                    models.ForeignKey(
                        blank=True,
                        help_text="The original article this one translates.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="translations",
                        to="education.article",
                        verbose_name="translation of",
                    ),
                ),
            ],
            options={
                "verbose_name": "article",
                "verbose_name_plural": "articles",
                "ordering": ["slug", "language"],
                "permissions": [
                    ("publish_article", "Can publish and retire articles"),
                    ("review_article", "Can give articles their clinical review"),
                    ("assign_article", "Can assign articles to patients"),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("slug", "language"), name="article_slug_language"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "topic__in",
                                [
                                    "herniated_disc",
                                    "surgery",
                                    "recovery",
                                    "conservative_care",
                                    "general",
                                ],
                            )
                        ),
                        name="article_topic_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("audience__in", ["public", "patients"])),
                        name="article_audience_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("language__in", ["en", "es"])),
                        name="article_language_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("translation_of", models.F("pk")), _negated=True),
                        name="article_not_own_translation",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="ArticleVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveIntegerField(editable=False, verbose_name="number")),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                (
                    "summary",
                    models.CharField(
                        help_text="One or two sentences shown in the library.",
                        max_length=300,
                        verbose_name="summary",
                    ),
                ),
                (
                    "body_markdown",
                    models.TextField(max_length=50000, verbose_name="Body (Markdown)"),
                ),
                (
                    "body_html",
                    models.TextField(
                        editable=False,
                        help_text="Rendered and sanitised on save.",
                        verbose_name="body (HTML)",
                    ),
                ),
                (
                    "toc",
                    models.JSONField(
                        blank=True, default=list, editable=False, verbose_name="table of contents"
                    ),
                ),
                (
                    "references_markdown",
                    models.TextField(
                        blank=True,
                        help_text="The sources of the article's claims, shown under it: one numbered line each (1. Author A, Author B. Title. Journal. Year;Volume:Pages. [doi:…](https://doi.org/…)).",
                        max_length=20000,
                        verbose_name="References (Markdown)",
                    ),
                ),
                (
                    "references_html",
                    models.TextField(
                        blank=True,
                        editable=False,
                        help_text="Rendered and sanitised on save.",
                        verbose_name="references (HTML)",
                    ),
                ),
                (
                    "word_count",
                    models.PositiveIntegerField(
                        default=0, editable=False, verbose_name="word count"
                    ),
                ),
                (
                    "reading_grade",
                    models.DecimalField(
                        decimal_places=1,
                        default=0,
                        editable=False,
                        help_text="The score on the version's reading scale: the Flesch-Kincaid grade (English), INFLESZ (Spanish).",
                        max_digits=4,
                        verbose_name="reading score",
                    ),
                ),
                (
                    "reading_scale",
                    models.CharField(
                        choices=[
                            ("fk_grade", "Flesch-Kincaid grade"),
                            ("inflesz", "INFLESZ (Szigriszt-Pazos)"),
                        ],
                        default="fk_grade",
                        editable=False,
                        max_length=10,
                        verbose_name="reading scale",
                    ),
                ),
                (
                    "reading_minutes",
                    models.PositiveSmallIntegerField(
                        default=1, editable=False, verbose_name="reading time (minutes)"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draft", "Draft"),
                            ("in_review", "In clinical review"),
                            ("changes_requested", "Changes requested"),
                            ("approved", "Approved"),
                            ("published", "Published"),
                            ("superseded", "Superseded"),
                            ("retired", "Retired"),
                            ("discarded", "Discarded"),
                        ],
                        default="draft",
                        editable=False,
                        max_length=20,
                        verbose_name="status",
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, editable=False, verbose_name="created at"
                    ),
                ),
                (
                    "submitted_at",
                    models.DateTimeField(
                        blank=True, editable=False, null=True, verbose_name="submitted at"
                    ),
                ),
                (
                    "reviewed_at",
                    models.DateTimeField(
                        blank=True, editable=False, null=True, verbose_name="reviewed at"
                    ),
                ),
                (
                    "review_note",
                    models.TextField(
                        blank=True, editable=False, max_length=4000, verbose_name="review note"
                    ),
                ),
                (
                    "published_at",
                    models.DateTimeField(
                        blank=True, editable=False, null=True, verbose_name="published at"
                    ),
                ),
                (
                    "readability_reason",
                    models.TextField(
                        blank=True,
                        editable=False,
                        help_text="Why this version is published though its reading score misses its language's target (grade 8 or below in English, INFLESZ 55 or above in Spanish).",
                        max_length=2000,
                        verbose_name="reason for publishing above the reading target",
                    ),
                ),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="versions",
                        to="education.article",
                        verbose_name="article",
                    ),
                ),
                (
                    "author",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="author",
                    ),
                ),
                (
                    "based_on",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        help_text="The version this one was restored from.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="education.articleversion",
                        verbose_name="based on",
                    ),
                ),
                (
                    "published_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="published by",
                    ),
                ),
                (
                    "reviewed_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="reviewed by",
                    ),
                ),
                (
                    "submitted_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="submitted by",
                    ),
                ),
                (
                    "translated_from",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        help_text="For a translation: the original article's version it was translated from.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="education.articleversion",
                        verbose_name="translated from",
                    ),
                ),
            ],
            options={
                "verbose_name": "article version",
                "verbose_name_plural": "article versions",
                "ordering": ["article", "-number"],
                "get_latest_by": "number",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("article", "number"), name="articleversion_number"
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("status", "published")),
                        fields=("article",),
                        name="articleversion_one_published",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(
                            ("status__in", ["draft", "in_review", "changes_requested", "approved"])
                        ),
                        fields=("article",),
                        name="articleversion_one_working",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "status__in",
                                [
                                    "draft",
                                    "in_review",
                                    "changes_requested",
                                    "approved",
                                    "published",
                                    "superseded",
                                    "retired",
                                    "discarded",
                                ],
                            )
                        ),
                        name="articleversion_status_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("reading_scale__in", ["fk_grade", "inflesz"])),
                        name="articleversion_reading_scale_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("number__gte", 1)), name="articleversion_number_gte_1"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("status__in", ["approved", "published", "superseded", "retired"]),
                                _negated=True,
                            ),
                            models.Q(
                                ("reviewed_at__isnull", False), ("reviewed_by__isnull", False)
                            ),
                            _connector="OR",
                        ),
                        name="articleversion_reviewed_before_approval",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("status__in", ["published", "superseded", "retired"]),
                                _negated=True,
                            ),
                            models.Q(
                                ("published_at__isnull", False), ("published_by__isnull", False)
                            ),
                            _connector="OR",
                        ),
                        name="articleversion_published_has_publisher",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("submitted_at__isnull", True),
                            ("submitted_at__gte", models.F("created_at")),
                            _connector="OR",
                        ),
                        name="articleversion_submitted_after_created",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("reviewed_at__isnull", True),
                            ("submitted_at__isnull", True),
                            ("reviewed_at__gte", models.F("submitted_at")),
                            _connector="OR",
                        ),
                        name="articleversion_reviewed_after_submitted",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("published_at__isnull", True),
                            ("published_at__gte", models.F("reviewed_at")),
                            _connector="OR",
                        ),
                        name="articleversion_published_after_reviewed",
                    ),
                ],
            },
            bases=(education.workflow.VersionWorkflow, models.Model),
        ),
        migrations.AddField(
            model_name="article",
            name="published_version",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="education.articleversion",
                verbose_name="published version",
            ),
        ),
        migrations.CreateModel(
            name="Assignment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "note",
                    models.TextField(blank=True, max_length=2000, verbose_name="Personal note"),
                ),
                (
                    "assigned_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="assigned at"
                    ),
                ),
                (
                    "first_opened_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="first opened at"),
                ),
                (
                    "understood_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="understood at"),
                ),
                (
                    "question",
                    models.TextField(blank=True, max_length=2000, verbose_name="question"),
                ),
                ("asked_at", models.DateTimeField(blank=True, null=True, verbose_name="asked at")),
                ("answer", models.TextField(blank=True, max_length=4000, verbose_name="answer")),
                (
                    "answered_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="answered at"),
                ),
                (
                    "answered_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="answered by",
                    ),
                ),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="assignments",
                        to="education.article",
                        verbose_name="article",
                    ),
                ),
                (
                    "assigned_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="assigned by",
                    ),
                ),
                (
                    "patient",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="assignments",
                        to="clinic.patient",
                        verbose_name="patient",
                    ),
                ),
                (
                    "version",
                    models.ForeignKey(
                        help_text="The exact version the patient was given.",
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="assignments",
                        to="education.articleversion",
                        verbose_name="version",
                    ),
                ),
            ],
            options={
                "verbose_name": "assignment",
                "verbose_name_plural": "assignments",
                "ordering": ["-assigned_at", "-id"],
                "indexes": [
                    models.Index(
                        fields=["patient", "-assigned_at"], name="education_a_patient_21649a_idx"
                    ),
                    models.Index(
                        condition=models.Q(
                            ("answered_at__isnull", True), ("asked_at__isnull", False)
                        ),
                        fields=["asked_at", "id"],
                        name="assignment_open_question_idx",
                    ),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("first_opened_at__isnull", True),
                            ("first_opened_at__gte", models.F("assigned_at")),
                            _connector="OR",
                        ),
                        name="assignment_opened_after_assigned",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("understood_at__isnull", True),
                            models.Q(
                                ("first_opened_at__isnull", False),
                                ("understood_at__gte", models.F("first_opened_at")),
                            ),
                            _connector="OR",
                        ),
                        name="assignment_understood_after_opened",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("asked_at__isnull", True), ("question", "")),
                            models.Q(
                                ("asked_at__isnull", False),
                                ("first_opened_at__isnull", False),
                                models.Q(("question", ""), _negated=True),
                                ("asked_at__gte", models.F("first_opened_at")),
                            ),
                            _connector="OR",
                        ),
                        name="assignment_question_after_opened",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("answer", ""),
                                ("answered_at__isnull", True),
                                ("answered_by__isnull", True),
                            ),
                            models.Q(
                                ("answered_at__isnull", False),
                                ("answered_by__isnull", False),
                                ("asked_at__isnull", False),
                                models.Q(("answer", ""), _negated=True),
                                ("answered_at__gte", models.F("asked_at")),
                            ),
                            _connector="OR",
                        ),
                        name="assignment_answer_after_question",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="HistoricalArticle",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("slug", models.SlugField(max_length=120, verbose_name="slug")),
                (
                    "language",
                    models.CharField(
                        choices=[("en", "English"), ("es", "Español")],
                        default="en",
                        max_length=10,
                        verbose_name="language",
                    ),
                ),
                (
                    "topic",
                    models.CharField(
                        choices=[
                            ("herniated_disc", "Herniated disc"),
                            ("surgery", "Surgery"),
                            ("recovery", "Recovery"),
                            ("conservative_care", "Conservative care"),
                            ("general", "Back health"),
                        ],
                        default="general",
                        max_length=30,
                        verbose_name="topic",
                    ),
                ),
                (
                    "audience",
                    models.CharField(
                        choices=[
                            ("public", "Everyone (public)"),
                            ("patients", "Patients only (log in)"),
                        ],
                        default="public",
                        max_length=10,
                        verbose_name="audience",
                    ),
                ),
                (
                    "next_review_due",
                    models.DateField(blank=True, null=True, verbose_name="next review due"),
                ),
                (
                    "retired_at",
                    models.DateTimeField(
                        blank=True, editable=False, null=True, verbose_name="retired at"
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, editable=False, verbose_name="created at"
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "published_version",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="education.articleversion",
                        verbose_name="published version",
                    ),
                ),
                (
                    "retired_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="retired by",
                    ),
                ),
                (
                    "translation_of",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="The original article this one translates.",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="education.article",
                        verbose_name="translation of",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical article",
                "verbose_name_plural": "historical articles",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalArticleVersion",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveIntegerField(editable=False, verbose_name="number")),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                (
                    "summary",
                    models.CharField(
                        help_text="One or two sentences shown in the library.",
                        max_length=300,
                        verbose_name="summary",
                    ),
                ),
                (
                    "body_markdown",
                    models.TextField(max_length=50000, verbose_name="Body (Markdown)"),
                ),
                (
                    "body_html",
                    models.TextField(
                        editable=False,
                        help_text="Rendered and sanitised on save.",
                        verbose_name="body (HTML)",
                    ),
                ),
                (
                    "toc",
                    models.JSONField(
                        blank=True, default=list, editable=False, verbose_name="table of contents"
                    ),
                ),
                (
                    "references_markdown",
                    models.TextField(
                        blank=True,
                        help_text="The sources of the article's claims, shown under it: one numbered line each (1. Author A, Author B. Title. Journal. Year;Volume:Pages. [doi:…](https://doi.org/…)).",
                        max_length=20000,
                        verbose_name="References (Markdown)",
                    ),
                ),
                (
                    "references_html",
                    models.TextField(
                        blank=True,
                        editable=False,
                        help_text="Rendered and sanitised on save.",
                        verbose_name="references (HTML)",
                    ),
                ),
                (
                    "word_count",
                    models.PositiveIntegerField(
                        default=0, editable=False, verbose_name="word count"
                    ),
                ),
                (
                    "reading_grade",
                    models.DecimalField(
                        decimal_places=1,
                        default=0,
                        editable=False,
                        help_text="The score on the version's reading scale: the Flesch-Kincaid grade (English), INFLESZ (Spanish).",
                        max_digits=4,
                        verbose_name="reading score",
                    ),
                ),
                (
                    "reading_scale",
                    models.CharField(
                        choices=[
                            ("fk_grade", "Flesch-Kincaid grade"),
                            ("inflesz", "INFLESZ (Szigriszt-Pazos)"),
                        ],
                        default="fk_grade",
                        editable=False,
                        max_length=10,
                        verbose_name="reading scale",
                    ),
                ),
                (
                    "reading_minutes",
                    models.PositiveSmallIntegerField(
                        default=1, editable=False, verbose_name="reading time (minutes)"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draft", "Draft"),
                            ("in_review", "In clinical review"),
                            ("changes_requested", "Changes requested"),
                            ("approved", "Approved"),
                            ("published", "Published"),
                            ("superseded", "Superseded"),
                            ("retired", "Retired"),
                            ("discarded", "Discarded"),
                        ],
                        default="draft",
                        editable=False,
                        max_length=20,
                        verbose_name="status",
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, editable=False, verbose_name="created at"
                    ),
                ),
                (
                    "submitted_at",
                    models.DateTimeField(
                        blank=True, editable=False, null=True, verbose_name="submitted at"
                    ),
                ),
                (
                    "reviewed_at",
                    models.DateTimeField(
                        blank=True, editable=False, null=True, verbose_name="reviewed at"
                    ),
                ),
                (
                    "review_note",
                    models.TextField(
                        blank=True, editable=False, max_length=4000, verbose_name="review note"
                    ),
                ),
                (
                    "published_at",
                    models.DateTimeField(
                        blank=True, editable=False, null=True, verbose_name="published at"
                    ),
                ),
                (
                    "readability_reason",
                    models.TextField(
                        blank=True,
                        editable=False,
                        help_text="Why this version is published though its reading score misses its language's target (grade 8 or below in English, INFLESZ 55 or above in Spanish).",
                        max_length=2000,
                        verbose_name="reason for publishing above the reading target",
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "article",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="education.article",
                        verbose_name="article",
                    ),
                ),
                (
                    "author",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="author",
                    ),
                ),
                (
                    "based_on",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        help_text="The version this one was restored from.",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="education.articleversion",
                        verbose_name="based on",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "published_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="published by",
                    ),
                ),
                (
                    "reviewed_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="reviewed by",
                    ),
                ),
                (
                    "submitted_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="submitted by",
                    ),
                ),
                (
                    "translated_from",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        help_text="For a translation: the original article's version it was translated from.",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="education.articleversion",
                        verbose_name="translated from",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical article version",
                "verbose_name_plural": "historical article versions",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalAssignment",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "note",
                    models.TextField(blank=True, max_length=2000, verbose_name="Personal note"),
                ),
                (
                    "assigned_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="assigned at"
                    ),
                ),
                (
                    "first_opened_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="first opened at"),
                ),
                (
                    "understood_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="understood at"),
                ),
                (
                    "question",
                    models.TextField(blank=True, max_length=2000, verbose_name="question"),
                ),
                ("asked_at", models.DateTimeField(blank=True, null=True, verbose_name="asked at")),
                ("answer", models.TextField(blank=True, max_length=4000, verbose_name="answer")),
                (
                    "answered_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="answered at"),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "answered_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="answered by",
                    ),
                ),
                (
                    "article",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="education.article",
                        verbose_name="article",
                    ),
                ),
                (
                    "assigned_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="assigned by",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "patient",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="clinic.patient",
                        verbose_name="patient",
                    ),
                ),
                (
                    "version",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="The exact version the patient was given.",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="education.articleversion",
                        verbose_name="version",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical assignment",
                "verbose_name_plural": "historical assignments",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.RunPython(recent_reading_index, drop_recent_reading_index),
    ]
