"""API clients of the FHIR API and their bulk exports.

A client's token is shown once, when it is made, and stored only as its SHA-256: a copy of the
database opens nothing.
"""

import hashlib
import os
import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The resource types the API serves, in the order the CapabilityStatement and exports list them.
RESOURCE_TYPES = (
    "Patient",
    "Condition",
    "Procedure",
    "Observation",
    "QuestionnaireResponse",
    "AdverseEvent",
)


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


def validate_scopes(value):
    """SMART-style system scopes: ``system/<Type>.read`` or ``system/*.read``, space-separated."""
    scopes = value.split()
    if not scopes:
        raise ValidationError(_("Give at least one scope, such as system/*.read."))
    allowed = {f"system/{name}.read" for name in ("*", *RESOURCE_TYPES)}
    unknown = [scope for scope in scopes if scope not in allowed]
    if unknown:
        raise ValidationError(
            _(
                "Unknown scope: %(scopes)s. Use system/*.read or system/<Type>.read for a type "
                "of %(types)s."
            ),
            params={"scopes": ", ".join(unknown), "types": ", ".join(RESOURCE_TYPES)},
            code="scope",
        )


class ApiClientQuerySet(models.QuerySet):
    def for_token(self, token):
        """The client whose token this is (revoked or expired ones too), or None."""
        if not token or len(token) > 200:
            return None
        return self.filter(token_hash=hash_token(token)).first()


class ApiClient(models.Model):
    """Another system (an EHR, a registry) that reads the records through the FHIR API."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    scopes = models.CharField(
        _("scopes"),
        max_length=500,
        default="system/*.read",
        validators=[validate_scopes],
        help_text=_(
            "Space-separated: system/*.read, or system/Patient.read system/Observation.read"
        ),
    )
    expires_at = models.DateTimeField(
        _("expires at"), null=True, blank=True, help_text=_("Empty: the token does not expire.")
    )
    is_revoked = models.BooleanField(_("revoked"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("created by"),
    )

    objects = ApiClientQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")

    def __str__(self):
        return self.name

    def new_token(self):
        """Give the client a fresh token (unsaved): returns it, keeps only its hash."""
        token = secrets.token_urlsafe(32)
        self.token_hash = hash_token(token)
        return token

    @property
    def is_expired(self):
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_usable(self):
        return not self.is_revoked and not self.is_expired

    def readable_types(self):
        """The resource types this client's scopes let it read, in RESOURCE_TYPES order."""
        scopes = set(self.scopes.split())
        if "system/*.read" in scopes:
            return list(RESOURCE_TYPES)
        return [name for name in RESOURCE_TYPES if f"system/{name}.read" in scopes]

    def can_read(self, resource_type):
        return resource_type in self.readable_types()


class ExportStorage(FileSystemStorage):
    """Where bulk export files are written: FHIR_EXPORT_DIR, a private directory never served
    by the web server (files go out only through the API, to the client that asked). Read from
    the settings on each use, not once at import."""

    @property
    def base_location(self):
        return str(settings.FHIR_EXPORT_DIR)

    @property
    def location(self):
        return os.path.abspath(self.base_location)


def export_storage():
    return ExportStorage()


class ExportJob(models.Model):
    """One bulk data export ($export) by a client, run as a background task."""

    class Status(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        RUNNING = "running", _("Running")
        COMPLETED = "completed", pgettext_lazy("export", "Completed")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="exports")
    request_url = models.URLField(max_length=2000)
    level = models.CharField(max_length=10, default="system")  # "system" or "patient"
    types = models.CharField(max_length=200)  # comma-separated resource types
    since = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.ACCEPTED)
    created_at = models.DateTimeField(default=timezone.now)
    transaction_time = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    error = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")
        ordering = ["-created_at"]

    def __str__(self):
        return f"Export {self.id} ({self.get_status_display()})"

    def save(self, *args, **kwargs):
        if self.expires_at is None:
            self.expires_at = self.created_at + timedelta(hours=settings.FHIR_EXPORT_EXPIRY_HOURS)
        super().save(*args, **kwargs)

    @property
    def is_expired(self):
        return self.expires_at <= timezone.now()

    def type_list(self):
        return [name for name in self.types.split(",") if name]

    def delete_files(self):
        for output in self.files.all():
            output.file.delete(save=False)
        self.files.all().delete()


class ExportFile(models.Model):
    """One NDJSON file of an export: the resources of one type."""

    job = models.ForeignKey(ExportJob, on_delete=models.CASCADE, related_name="files")
    resource_type = models.CharField(max_length=40)
    file = models.FileField(storage=export_storage, max_length=300)
    count = models.PositiveIntegerField(default=0)
    # The patients whose records the file holds: each download is audited as their export.
    patient_ids = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("export file")
        verbose_name_plural = _("export files")
        ordering = ["id"]

    def __str__(self):
        return f"{self.resource_type} ({self.count})"
