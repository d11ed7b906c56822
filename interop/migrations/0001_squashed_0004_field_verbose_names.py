"""API clients and bulk exports (FHIR).

Squashed from 0001-0004. A new database runs this one migration instead of the 4 it replaces, whose
renders of the models' state took most of the time a new database took (all apps: 17 s -> 2 s on
SQLite). A database that has run them carries on from them. Only what the old chain leaves in an
empty database is here: the schema; the old backfills rewrite rows that an empty database does not
have. Once every installation has migrated past 0004, the old files and ``replaces`` go (README,
Upgrading).
"""

import uuid

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import interop.models


class Migration(migrations.Migration):
    replaces = [
        ("interop", "0001_initial"),
        ("interop", "0002_export_file_patients"),
        ("interop", "0003_alter_apiclient_options_alter_exportfile_options_and_more"),
        ("interop", "0004_field_verbose_names"),
    ]

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ApiClient",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=100, unique=True, verbose_name="name")),
                (
                    "token_hash",
                    models.CharField(
                        editable=False, max_length=64, unique=True, verbose_name="token hash"
                    ),
                ),
                (
                    "scopes",
                    models.CharField(
                        default="system/*.read",
                        help_text="Space-separated: system/*.read, or system/Patient.read system/Observation.read",
                        max_length=500,
                        validators=[interop.models.validate_scopes],
                        verbose_name="scopes",
                    ),
                ),
                (
                    "expires_at",
                    models.DateTimeField(
                        blank=True,
                        help_text="Empty: the token does not expire.",
                        null=True,
                        verbose_name="expires at",
                    ),
                ),
                ("is_revoked", models.BooleanField(default=False, verbose_name="revoked")),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, editable=False, verbose_name="created at"
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="created by",
                    ),
                ),
            ],
            options={
                "verbose_name": "API client",
                "verbose_name_plural": "API clients",
                "ordering": ["name"],
            },
        ),
        migrations.CreateModel(
            name="ExportJob",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("request_url", models.URLField(max_length=2000)),
                ("level", models.CharField(default="system", max_length=10)),
                ("types", models.CharField(max_length=200)),
                ("since", models.DateTimeField(blank=True, null=True)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("accepted", "Accepted"),
                            ("running", "Running"),
                            ("completed", "Completed"),
                            ("failed", "Failed"),
                        ],
                        default="accepted",
                        max_length=10,
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("transaction_time", models.DateTimeField(blank=True, null=True)),
                ("completed_at", models.DateTimeField(blank=True, null=True)),
                ("expires_at", models.DateTimeField()),
                ("error", models.CharField(blank=True, max_length=255)),
                (
                    "client",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="exports",
                        to="interop.apiclient",
                    ),
                ),
            ],
            options={
                "verbose_name": "export job",
                "verbose_name_plural": "export jobs",
                "ordering": ["-created_at"],
            },
        ),
        migrations.CreateModel(
            name="ExportFile",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("resource_type", models.CharField(max_length=40)),
                (
                    "file",
                    models.FileField(
                        max_length=300, storage=interop.models.export_storage, upload_to=""
                    ),
                ),
                ("count", models.PositiveIntegerField(default=0)),
                ("patient_ids", models.JSONField(blank=True, default=list)),
                (
                    "job",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="files",
                        to="interop.exportjob",
                    ),
                ),
            ],
            options={
                "verbose_name": "export file",
                "verbose_name_plural": "export files",
                "ordering": ["id"],
            },
        ),
    ]
